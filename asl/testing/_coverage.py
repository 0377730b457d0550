"""State machine coverage: which states, transitions, Choice rules, retriers and catchers ran.

A :class:`Coverage` is an :class:`~asl.executor._observe.Observer`: while it is active
(``with coverage.collecting():``, or ``pytest --asl-cov``) every execution reports to it, and it
adds up what ran, per state machine, across every execution.

The items of a machine (its *universe*) come from the parsed definition, nested Parallel
branches and Map processors included:

* ``states``: every state;
* ``transitions``: every ``Next``, each Choice rule's and the ``Default``'s target, each
  catcher's ``Next``, and the end of a branch (``End``, ``Succeed``), written ``A -> B`` and
  ``A -> (end)``; a Fail state has none;
* ``choice rules``: ``Check.Choices[0]``, ..., and ``Check.Default``;
* ``retriers``: ``Call.Retry[0]``, ... (a retrier with ``MaxAttempts: 0`` never retries, so it
  is not counted);
* ``catchers``: ``Call.Catch[0]``, ...

Machines are told apart by a fingerprint of their definition, so the same file run by many
tests is one entry. An entry is labelled with the definition's file path when it is known (the
pytest runner registers it, and ``add_definition`` registers a file before anything runs, so a
machine no test runs shows up at 0%), else with its ``Comment`` or ``StartAt``.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import weakref
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any, Final

import attrs

if TYPE_CHECKING:
    from ..states import StateMachine

__all__ = ["CATEGORIES", "Coverage", "MachineCoverage", "Universe", "fingerprint", "universe"]

CATEGORIES: Final = ("states", "transitions", "choice_rules", "retriers", "catchers")
"""The kinds of items covered, in report order."""

_TITLES: Final = {
    "states": "States",
    "transitions": "Transitions",
    "choice_rules": "Choices",
    "retriers": "Retriers",
    "catchers": "Catchers",
}
_END: Final = "(end)"


@attrs.frozen
class Universe:
    """Every coverable item of one state machine, in definition order."""

    states: tuple[str, ...] = ()
    transitions: tuple[tuple[str, str | None], ...] = ()
    choice_rules: tuple[tuple[str, int | None], ...] = ()
    """(Choice state, rule index); index None is the Default."""
    retriers: tuple[tuple[str, int], ...] = ()
    catchers: tuple[tuple[str, int], ...] = ()

    @property
    def total(self) -> int:
        """How many items there are."""
        return sum(len(getattr(self, category)) for category in CATEGORIES)


def universe(machine: StateMachine) -> Universe:
    """The coverable items of ``machine``."""
    transitions: dict[tuple[str, str | None], None] = {}
    rules: list[tuple[str, int | None]] = []
    retriers: list[tuple[str, int]] = []
    catchers: list[tuple[str, int]] = []
    for name, state in machine.all_states.items():
        if state.type == "Choice":
            for index, choice in enumerate(getattr(state, "choices", ())):
                rules.append((name, index))
                transitions[name, choice.next] = None
            default = getattr(state, "default", None)
            if default is not None:
                rules.append((name, None))
                transitions[name, default] = None
        elif state.type != "Fail":
            transitions[name, None if state.is_terminal else state.next] = None
        for index, retrier in enumerate(getattr(state, "retry", ())):
            if retrier.max_attempts > 0:
                retriers.append((name, index))
        for index, catcher in enumerate(getattr(state, "catch", ())):
            catchers.append((name, index))
            transitions[name, catcher.next] = None
    return Universe(tuple(machine.all_states), tuple(transitions), tuple(rules), tuple(retriers), tuple(catchers))


def fingerprint(machine: StateMachine) -> str:
    """A SHA-256 of the machine's definition (key order ignored): equal definitions, equal prints."""
    text = json.dumps(machine.definition, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def _item_name(category: str, item: Any) -> str:
    name, detail = item if isinstance(item, tuple) else (item, None)
    if category == "transitions":
        return f"{name} -> {_END if detail is None else detail}"
    if category == "choice_rules":
        return f"{name}.Default" if detail is None else f"{name}.Choices[{detail}]"
    if category == "retriers":
        return f"{name}.Retry[{detail}]"
    if category == "catchers":
        return f"{name}.Catch[{detail}]"
    return str(name)


def _percent(covered: int, total: int) -> float:
    return 100.0 if total == 0 else 100.0 * covered / total


class MachineCoverage:
    """What ran of one state machine, across every execution of it."""

    __slots__ = ("fingerprint", "hits", "label", "path", "universe")

    def __init__(self, machine: StateMachine, print_: str) -> None:
        self.fingerprint = print_
        self.universe = universe(machine)
        self.path: str | None = None
        """The definition's file, when known."""
        comment = (machine.comment or "").strip()
        if len(comment) > 50:
            comment = comment[:47] + "..."
        self.label = f"{comment or 'StartAt ' + machine.start_at} ({print_[:8]})"
        """How reports name the machine: its file path, else its Comment or StartAt and fingerprint."""
        self.hits: dict[str, set[Any]] = {category: set() for category in CATEGORIES}

    def covered(self, category: str) -> list[str]:
        """The items of ``category`` that ran, in definition order."""
        hit = self.hits[category]
        return [_item_name(category, item) for item in getattr(self.universe, category) if item in hit]

    def missed(self, category: str) -> list[str]:
        """The items of ``category`` that never ran, in definition order."""
        hit = self.hits[category]
        return [_item_name(category, item) for item in getattr(self.universe, category) if item not in hit]

    def counts(self, category: str) -> tuple[int, int]:
        """(covered, total) for ``category``."""
        items = getattr(self.universe, category)
        hit = self.hits[category]
        return sum(1 for item in items if item in hit), len(items)

    @property
    def covered_total(self) -> tuple[int, int]:
        """(covered, total) over every category."""
        pairs = [self.counts(category) for category in CATEGORIES]
        return sum(c for c, _ in pairs), sum(t for _, t in pairs)

    @property
    def percent(self) -> float:
        """The share of items covered, 0-100."""
        return _percent(*self.covered_total)

    def as_dict(self) -> dict[str, Any]:
        """This machine's coverage as JSON data."""
        covered, total = self.covered_total
        data: dict[str, Any] = {
            "label": self.label,
            "path": self.path,
            "fingerprint": self.fingerprint,
            "covered": covered,
            "total": total,
            "percent": round(self.percent, 2),
        }
        for category in CATEGORIES:
            done, count = self.counts(category)
            data[category] = {"covered": done, "total": count, "missed": self.missed(category)}
        return data


class Coverage:
    """An Observer adding up what every execution ran, per state machine (see the module doc)."""

    __slots__ = ("_by_id", "_machines", "errors")

    def __init__(self) -> None:
        self._by_id: dict[int, tuple[weakref.ref[StateMachine], MachineCoverage]] = {}
        self._machines: dict[str, MachineCoverage] = {}
        self.errors: list[str] = []
        """Definition files that could not be registered, with the reason."""

    # -- registering ---------------------------------------------------------------------------

    def _of(self, machine: StateMachine) -> MachineCoverage:
        key = id(machine)
        found = self._by_id.get(key)
        if found is not None and found[0]() is machine:
            return found[1]
        print_ = fingerprint(machine)
        entry = self._machines.get(print_)
        if entry is None:
            entry = self._machines[print_] = MachineCoverage(machine, print_)
        self._by_id[key] = (weakref.ref(machine, self._forget(key)), entry)
        return entry

    def _forget(self, key: int) -> Callable[[Any], None]:
        def forget(ref: Any) -> None:
            found = self._by_id.get(key)
            if found is not None and found[0] is ref:
                del self._by_id[key]

        return forget

    def label(self, machine: StateMachine, path: str | os.PathLike[str]) -> None:
        """Name ``machine`` after the file it was read from."""
        entry = self._of(machine)
        entry.path = entry.label = os.fspath(path)

    def add_definition(self, path: str | os.PathLike[str], label: str | os.PathLike[str] | None = None) -> None:
        """Count the machine in file ``path`` even if nothing runs it (problems go to ``errors``).

        ``label`` names it in reports (default: ``path``).
        """
        from ..errors import DefinitionError
        from ..parser import parse

        name = os.fspath(path if label is None else label)
        try:
            machine = parse(os.fspath(path))
        except DefinitionError as e:
            self.errors.append(f"{name}: not a valid definition ({len(e.issues)} issue(s))")
            return
        self.label(machine, name)

    @property
    def machines(self) -> list[MachineCoverage]:
        """Every machine seen, sorted by label."""
        return sorted(self._machines.values(), key=lambda entry: entry.label)

    def machine(self, machine: StateMachine) -> MachineCoverage:
        """The coverage entry of ``machine``."""
        return self._of(machine)

    @contextlib.contextmanager
    def collecting(self) -> Iterator[Coverage]:
        """Count every execution started inside the ``with`` block (what ``pytest --asl-cov`` does)."""
        from ..executor._observe import observing

        with observing(self):
            yield self

    # -- the Observer protocol -----------------------------------------------------------------

    def state(self, machine: StateMachine, name: str) -> None:
        """State ``name`` was entered."""
        self._of(machine).hits["states"].add(name)

    def transition(self, machine: StateMachine, source: str, target: str | None) -> None:
        """State ``source`` passed control to ``target`` (None: its branch ended)."""
        self._of(machine).hits["transitions"].add((source, target))

    def choice(self, machine: StateMachine, name: str, rule: int | None) -> None:
        """Choice state ``name`` chose rule ``rule`` (None: Default)."""
        self._of(machine).hits["choice_rules"].add((name, rule))

    def retry(self, machine: StateMachine, name: str, retrier: int) -> None:
        """State ``name`` was retried by its retrier ``retrier``."""
        self._of(machine).hits["retriers"].add((name, retrier))

    def catch(self, machine: StateMachine, name: str, catcher: int) -> None:
        """State ``name``'s error was caught by its catcher ``catcher``."""
        self._of(machine).hits["catchers"].add((name, catcher))

    # -- reports -------------------------------------------------------------------------------

    @property
    def covered_total(self) -> tuple[int, int]:
        """(covered, total) over every machine and category."""
        pairs = [entry.covered_total for entry in self._machines.values()]
        return sum(c for c, _ in pairs), sum(t for _, t in pairs)

    @property
    def percent(self) -> float:
        """The share of all items covered, 0-100 (100 when no machine was seen)."""
        return _percent(*self.covered_total)

    def as_dict(self) -> dict[str, Any]:
        """The whole report as JSON data."""
        covered, total = self.covered_total
        return {
            "covered": covered,
            "total": total,
            "percent": round(self.percent, 2),
            "machines": [entry.as_dict() for entry in self.machines],
            "errors": list(self.errors),
        }

    def write_json(self, path: str | os.PathLike[str]) -> None:
        """Write :meth:`as_dict` to ``path`` (parent directories are created)."""
        from pathlib import Path

        target = Path(path)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(self.as_dict(), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")

    def report_lines(self, *, show_missed: bool = True) -> list[str]:
        """The terminal report: one row per machine, what each missed, and the total."""
        machines = self.machines
        if not machines:
            return ["no state machine ran"]
        width = max([len("TOTAL"), *(len(entry.label) for entry in machines)])
        header = "Machine".ljust(width) + "".join(f"{_TITLES[c]:>13}" for c in CATEGORIES) + f"{'Cover':>9}"
        lines = [header]
        for entry in machines:
            cells = "".join(f"{'{}/{}'.format(*entry.counts(c)):>13}" for c in CATEGORIES)
            lines.append(entry.label.ljust(width) + cells + f"{entry.percent:>8.1f}%")
            if show_missed:
                lines.extend(_missed_lines(entry))
        totals = [sum(entry.counts(c)[i] for entry in machines) for c in CATEGORIES for i in (0, 1)]
        cells = "".join(f"{f'{totals[2 * k]}/{totals[2 * k + 1]}':>13}" for k in range(len(CATEGORIES)))
        lines.append("TOTAL".ljust(width) + cells + f"{self.percent:>8.1f}%")
        lines.extend(self.errors)
        return lines


def _missed_lines(entry: MachineCoverage) -> list[str]:
    lines = []
    for category in CATEGORIES:
        missed = entry.missed(category)
        if missed:
            title = "missed " + _TITLES[category].lower().replace("choices", "choice rules") + ":"
            lines.append(f"  {title:<24}" + ", ".join(missed))
    return lines
