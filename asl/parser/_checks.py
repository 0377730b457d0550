"""Semantic checks: the state graph, names and error handlers, on the raw definition dict.

They run after (and independently of) the structural checks, so each one reads the dict
defensively: a field of the wrong type is skipped here (the schema reports it), and no input
makes a check raise.

Each check is a small function in one of three lists:

* :data:`DEFINITION_CHECKS` see every machine at once (names unique across the whole
  definition, nested branches and item processors included);
* :data:`MACHINE_CHECKS` see one machine (``StartAt``, targets, reachability, terminal state);
  names resolve within that machine's own ``States``;
* :data:`STATE_CHECKS` see one state (``Next``/``End``, ``ErrorEquals``, timeouts).

Codes and wording follow AWS: ``MISSING_TRANSITION_TARGET`` both for a target that does not
exist ("Missing 'Next' target: X", whatever the field) and for a state nothing leads to
('State "X" is not reachable.'); ``MISSING_END_STATE`` "Workflow has no terminal state" when a
machine has no ``End: true``, Succeed or Fail state at all (AWS then skips the reachability
report, and so do we); ``DUPLICATE_STATE_NAME``, ``INVALID_STATE_NAME``,
``DUPLICATE_LABEL_NAME``, ``INVALID_LABEL_NAME``; ``SCHEMA_VALIDATION_FAILED`` for the rest.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any, Final

from ..errors import ALL, PREDEFINED_ERRORS, DefinitionIssue
from ._load import (
    DUPLICATE_LABEL_NAME,
    DUPLICATE_STATE_NAME,
    INVALID_LABEL_NAME,
    INVALID_STATE_NAME,
    MISSING_END_STATE,
    MISSING_TRANSITION_TARGET,
    SCHEMA_VALIDATION_FAILED,
    child_path,
    iter_machines,
)

__all__ = ["DEFINITION_CHECKS", "MACHINE_CHECKS", "STATE_CHECKS", "check_semantics"]

Machine = tuple[Mapping[str, Any], str, str]
"""One machine as :func:`~asl.parser._load.iter_machines` yields it: (dict, location, kind)."""

_FLOW_TYPES: Final = ("Pass", "Task", "Wait", "Parallel", "Map")  # a tuple: Type may be unhashable
_MAX_NAME: Final = 80
_MAX_LABEL: Final = 40
_CONTROL: Final = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_LABEL_FORBIDDEN: Final = re.compile(r"[\s<>{}\[\]?*\"#%\\^|~`$&,;:/\x00-\x1f\x7f-\x9f]")


# --- reading the raw dict defensively ----------------------------------------------------------


def _states(machine: Mapping[str, Any]) -> dict[str, Mapping[str, Any]]:
    """The machine's states that are objects, by name."""
    states = machine.get("States")
    if not isinstance(states, dict):
        return {}
    return {name: state for name, state in states.items() if isinstance(name, str) and isinstance(state, dict)}


def _items(state: Mapping[str, Any], field: str) -> list[tuple[int, Mapping[str, Any]]]:
    """``(index, object)`` for each object in the array ``state[field]``."""
    value = state.get(field)
    if not isinstance(value, list):
        return []
    return [(index, item) for index, item in enumerate(value) if isinstance(item, dict)]


def _targets(state: Mapping[str, Any]) -> Iterator[tuple[str, tuple[str | int, ...]]]:
    """``(target name, location inside the state)`` of every transition out of a state."""
    for field in ("Next", "Default"):
        target = state.get(field)
        if isinstance(target, str):
            yield target, (field,)
    if state.get("Type") == "Choice":
        for index, rule in _items(state, "Choices"):
            target = rule.get("Next")
            if isinstance(target, str):
                yield target, ("Choices", index, "Next")
    for index, catcher in _items(state, "Catch"):
        target = catcher.get("Next")
        if isinstance(target, str):
            yield target, ("Catch", index, "Next")


def _at(path: str, *keys: str | int) -> str:
    for key in keys:
        path = child_path(path, key)
    return path


def _is_terminal(state: Mapping[str, Any]) -> bool:
    return state.get("End") is True or state.get("Type") in ("Succeed", "Fail")


Entry = tuple[str, Mapping[str, Any], str]
"""One state of a machine: (name, state, location)."""


def _entries(machine: Mapping[str, Any], path: str) -> list[Entry]:
    states_path = child_path(path, "States")
    return [(name, state, child_path(states_path, name)) for name, state in _states(machine).items()]


# --- whole-definition checks -------------------------------------------------------------------


def _state_names(machines: list[Machine]) -> Iterator[DefinitionIssue]:
    """State names: at most 80 characters, no control characters, unique across the definition."""
    first_seen: dict[str, str] = {}
    for machine, path, _ in machines:
        states = machine.get("States")
        if not isinstance(states, dict):
            continue
        for name in states:
            where = child_path(child_path(path, "States"), name)
            if not isinstance(name, str):
                continue
            if not name or len(name) > _MAX_NAME or _CONTROL.search(name):
                rule = f"1 to {_MAX_NAME} characters and no control characters"
                message = f"A state name must have {rule}; got {name!r}"
                yield DefinitionIssue(where, INVALID_STATE_NAME, message)
            if name in first_seen:
                message = f"The state name {name!r} is already used at {first_seen[name]}"
                yield DefinitionIssue(where, DUPLICATE_STATE_NAME, message)
            else:
                first_seen[name] = where


def _map_labels(machines: list[Machine]) -> Iterator[DefinitionIssue]:
    """Map ``Label``: at most 40 characters, no whitespace or special characters, unique."""
    first_seen: dict[str, str] = {}
    for machine, path, _ in machines:
        for _, state, where in _entries(machine, path):
            label = state.get("Label")
            if state.get("Type") != "Map" or not isinstance(label, str):
                continue
            at = child_path(where, "Label")
            if not label or len(label) > _MAX_LABEL or _LABEL_FORBIDDEN.search(label):
                message = (
                    f"A Map Label must have 1 to {_MAX_LABEL} characters, without whitespace, brackets, "
                    f"wildcards or special characters; got {label!r}"
                )
                yield DefinitionIssue(at, INVALID_LABEL_NAME, message)
            if label in first_seen:
                yield DefinitionIssue(
                    at, DUPLICATE_LABEL_NAME, f"The Label {label!r} is already used at {first_seen[label]}"
                )
            else:
                first_seen[label] = at


# --- per-machine checks ------------------------------------------------------------------------


def _start_at(machine: Mapping[str, Any], path: str, entries: list[Entry]) -> Iterator[DefinitionIssue]:
    start = machine.get("StartAt")
    if isinstance(start, str) and all(name != start for name, _, _ in entries):
        yield DefinitionIssue(child_path(path, "StartAt"), MISSING_TRANSITION_TARGET, f"Missing 'Next' target: {start}")


def _transitions(machine: Mapping[str, Any], path: str, entries: list[Entry]) -> Iterator[DefinitionIssue]:
    """Every Next, Default, Choices[].Next and Catch[].Next names a state of this machine."""
    names = {name for name, _, _ in entries}
    for _, state, where in entries:
        for target, keys in _targets(state):
            if target not in names:
                yield DefinitionIssue(_at(where, *keys), MISSING_TRANSITION_TARGET, f"Missing 'Next' target: {target}")


def _graph(machine: Mapping[str, Any], path: str, entries: list[Entry]) -> Iterator[DefinitionIssue]:
    """A terminal state exists; when one does, every state is reachable from StartAt."""
    states = {name: state for name, state, _ in entries}
    if not states:
        return
    if not any(_is_terminal(state) for state in states.values()):
        yield DefinitionIssue(path, MISSING_END_STATE, "Workflow has no terminal state")
        return
    start = machine.get("StartAt")
    if not isinstance(start, str):
        return  # the structure check reports it; every state would look unreachable
    reached: set[str] = set()
    pending = [start] if start in states else []
    while pending:
        name = pending.pop()
        if name in reached:
            continue
        reached.add(name)
        pending.extend(target for target, _ in _targets(states[name]) if target in states)
    for name, _, where in entries:
        if name not in reached:
            yield DefinitionIssue(where, MISSING_TRANSITION_TARGET, f'State "{name}" is not reachable.')


# --- per-state checks --------------------------------------------------------------------------


def _next_or_end(state: Mapping[str, Any], path: str) -> Iterator[DefinitionIssue]:
    """Pass, Task, Wait, Parallel and Map need exactly one of Next and ``"End": true``."""
    if state.get("Type") not in _FLOW_TYPES:
        return
    has_next, ends = "Next" in state, state.get("End") is True
    if has_next and ends:
        yield DefinitionIssue(path, SCHEMA_VALIDATION_FAILED, "The fields 'Next' and 'End' cannot be used together")
    elif not has_next and not ends:
        message = "The state needs either a 'Next' field or \"End\": true"
        yield DefinitionIssue(path, SCHEMA_VALIDATION_FAILED, message)


def _error_names(state: Mapping[str, Any], path: str) -> Iterator[DefinitionIssue]:
    """ErrorEquals: States.ALL alone and in the last handler; no made-up ``States.`` names."""
    for field in ("Retry", "Catch"):
        handlers = state.get(field)
        count = len(handlers) if isinstance(handlers, list) else 0
        for index, handler in _items(state, field):
            names = handler.get("ErrorEquals")
            if not isinstance(names, list):
                continue
            where = child_path(child_path(path, field), index)
            if ALL in names and len(names) > 1:
                message = f"{ALL} must appear alone in ErrorEquals"
                yield DefinitionIssue(child_path(where, "ErrorEquals"), SCHEMA_VALIDATION_FAILED, message)
            if ALL in names and index != count - 1:
                kind = "retrier" if field == "Retry" else "catcher"
                message = f"The {kind} with {ALL} must be the last one in {field}"
                yield DefinitionIssue(where, SCHEMA_VALIDATION_FAILED, message)
            for position, name in enumerate(names):
                if isinstance(name, str) and name.startswith("States.") and name not in PREDEFINED_ERRORS:
                    message = f"{name!r} is not a predefined error; names starting with 'States.' are reserved"
                    at = child_path(child_path(where, "ErrorEquals"), position)
                    yield DefinitionIssue(at, SCHEMA_VALIDATION_FAILED, message)


def _heartbeat(state: Mapping[str, Any], path: str) -> Iterator[DefinitionIssue]:
    """A literal HeartbeatSeconds must be smaller than a literal TimeoutSeconds."""
    heartbeat, timeout = _number(state.get("HeartbeatSeconds")), _number(state.get("TimeoutSeconds"))
    if state.get("Type") != "Task" or heartbeat is None or timeout is None:
        return
    if heartbeat >= timeout:
        message = f"HeartbeatSeconds ({heartbeat}) must be smaller than TimeoutSeconds ({timeout})"
        yield DefinitionIssue(child_path(path, "HeartbeatSeconds"), SCHEMA_VALIDATION_FAILED, message)


def _number(value: object) -> float | None:
    """``value`` when it is a literal number (not a bool, not an expression), else ``None``."""
    return value if isinstance(value, int | float) and not isinstance(value, bool) else None


DefinitionCheck = Callable[[list[Machine]], Iterable[DefinitionIssue]]
MachineCheck = Callable[[Mapping[str, Any], str, list[Entry]], Iterable[DefinitionIssue]]
StateCheck = Callable[[Mapping[str, Any], str], Iterable[DefinitionIssue]]

DEFINITION_CHECKS: Final[tuple[DefinitionCheck, ...]] = (_state_names, _map_labels)
MACHINE_CHECKS: Final[tuple[MachineCheck, ...]] = (_start_at, _transitions, _graph)
STATE_CHECKS: Final[tuple[StateCheck, ...]] = (_next_or_end, _error_names, _heartbeat)


def check_semantics(definition: dict[str, Any]) -> list[DefinitionIssue]:
    """Graph and naming problems of ``definition`` and of every machine nested in it."""
    machines = list(iter_machines(definition))
    issues: list[DefinitionIssue] = []
    for definition_check in DEFINITION_CHECKS:
        issues.extend(definition_check(machines))
    for machine, path, _ in machines:
        entries = _entries(machine, path)
        for machine_check in MACHINE_CHECKS:
            issues.extend(machine_check(machine, path, entries))
        for _, state, where in entries:
            for state_check in STATE_CHECKS:
                issues.extend(state_check(state, where))
    return issues
