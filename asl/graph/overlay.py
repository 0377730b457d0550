"""What one execution did, read from its history events, to draw over the graph.

:func:`overlay_from_events` accepts our :attr:`asl.Execution.events` list, AWS
GetExecutionHistory output (``{"events": [...]}`` whose details sit in
``stateEnteredEventDetails`` and the like) and the simplified histories of the recorded
conformance cases (``previous`` instead of ``previousEventId``).

Every event belongs to the state whose ``...StateEntered`` event its ``previousEventId``
chain leads back to, so concurrent Parallel branches and Map iterations are told apart:

* visits: ``...StateEntered`` events per state;
* retries: the task attempts (``...Scheduled`` events) or the Parallel/Map runs
  (``...StateStarted``) of a state beyond one per visit;
* transitions: a ``...StateExited`` event directly followed (by ``previousEventId``) by a
  ``...StateEntered`` one, plus Start and End of the top level;
* failed states: when the execution did not succeed, the states entered and never left
  that failed themselves (a failure event of their own, a Fail state, or the state the
  execution's failure event follows).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import attrs

from .model import END, START

__all__ = ["Overlay", "badge", "load_history", "overlay_from_events", "state_class"]


@attrs.frozen
class Overlay:
    """The path of one execution over a graph."""

    status: str | None = None
    """``SUCCEEDED``, ``FAILED``, ``TIMED_OUT``, ``ABORTED``, or None while unknown."""
    error: str | None = None
    cause: str | None = None
    visits: Mapping[str, int] = attrs.field(factory=dict)
    retries: Mapping[str, int] = attrs.field(factory=dict)
    transitions: Mapping[tuple[str, str], int] = attrs.field(factory=dict)
    """(source, target) -> how often it was taken; Start and End use the model's markers."""
    failed: frozenset[str] = frozenset()
    path: tuple[str, ...] = ()
    """The states entered, in order."""


_ATTEMPT_SUFFIXES = ("Scheduled",)
_RUN_TYPES = frozenset({"ParallelStateStarted", "MapStateStarted"})
_END_TYPES = {
    "ExecutionSucceeded": "SUCCEEDED",
    "ExecutionFailed": "FAILED",
    "ExecutionTimedOut": "TIMED_OUT",
    "ExecutionAborted": "ABORTED",
}
_NOT_STATE_FAILURES = ("Execution", "MapIteration")


def _flatten(event: Mapping[str, Any]) -> dict[str, Any]:
    """One event with its ``...EventDetails`` merged in and ``previous`` spelled ``previousEventId``."""
    flat = {k: v for k, v in event.items() if not (k.endswith("EventDetails") and isinstance(v, Mapping))}
    for key, value in event.items():
        if key.endswith("EventDetails") and isinstance(value, Mapping):
            flat.update(value)
    if "previousEventId" not in flat and "previous" in flat:
        flat["previousEventId"] = flat["previous"]
    return flat


def load_history(data: Any) -> list[dict[str, Any]]:
    """The events of a history document: a list, ``{"events": [...]}`` or ``{"history": [...]}``.

    Raises ``ValueError`` when ``data`` holds no list of event objects.
    """
    if isinstance(data, Mapping):
        data = data.get("events", data.get("history"))
    if not isinstance(data, list) or not all(isinstance(e, Mapping) and "type" in e for e in data):
        raise ValueError('not an execution history: expected a list of events or {"events": [...]}')
    return [_flatten(e) for e in data]


def _is_failure(event_type: str) -> bool:
    return event_type.endswith(("Failed", "TimedOut", "Aborted")) and not event_type.startswith(_NOT_STATE_FAILURES)


def overlay_from_events(events: Iterable[Mapping[str, Any]]) -> Overlay:
    """The :class:`Overlay` of one execution's history events (any of the accepted shapes)."""
    flat: Sequence[dict[str, Any]] = [_flatten(e) for e in events]
    owner: dict[int, str | None] = {}
    by_id: dict[int, dict[str, Any]] = {}
    visits: Counter[str] = Counter()
    exits: Counter[str] = Counter()
    attempts: Counter[str] = Counter()
    transitions: Counter[tuple[str, str]] = Counter()
    failures: set[str] = set()
    path: list[str] = []
    status = error = cause = None
    terminal_owner: str | None = None
    for position, event in enumerate(flat, start=1):
        given_id = event.get("id")
        event_id = given_id if isinstance(given_id, int) else position
        previous = event.get("previousEventId", event_id - 1)
        before = by_id.get(previous, {}) if isinstance(previous, int) else {}
        before_type, before_name = str(before.get("type", "")), before.get("name")
        inherited = owner.get(previous) if isinstance(previous, int) else None
        if isinstance(event.get("state"), str):  # EvaluationFailed names its state
            inherited = event["state"]
        event_type = str(event.get("type", ""))
        name = event.get("name")
        by_id[event_id] = event
        if event_type.endswith("StateEntered") and isinstance(name, str):
            owner[event_id] = name
            visits[name] += 1
            path.append(name)
            if before_type.endswith("StateExited") and isinstance(before_name, str):
                transitions[(before_name, name)] += 1
            elif before_type == "ExecutionStarted" or not before:
                transitions[(START, name)] += 1
            if event_type == "FailStateEntered":
                failures.add(name)
            continue
        if event_type.endswith("StateExited") and isinstance(name, str):
            owner[event_id] = None
            exits[name] += 1
            continue
        owner[event_id] = inherited
        if inherited is not None:
            if event_type.endswith(_ATTEMPT_SUFFIXES) or event_type in _RUN_TYPES:
                attempts[inherited] += 1
            if _is_failure(event_type):
                failures.add(inherited)
        if event_type in _END_TYPES:
            status = _END_TYPES[event_type]
            error, cause = event.get("error"), event.get("cause")
            terminal_owner = inherited
            if status == "SUCCEEDED" and before_type.endswith("StateExited") and isinstance(before_name, str):
                transitions[(before_name, END)] += 1
    retries = {n: attempts[n] - visits[n] for n in attempts if attempts[n] > visits[n]}
    failed: frozenset[str] = frozenset()
    if status not in (None, "SUCCEEDED"):
        still_open = {n for n in visits if visits[n] > exits[n]}
        if terminal_owner is not None:
            failures.add(terminal_owner)
        failed = frozenset(still_open & failures)
    return Overlay(
        status=status,
        error=error,
        cause=cause,
        visits=dict(visits),
        retries=retries,
        transitions=dict(transitions),
        failed=failed,
        path=tuple(path),
    )


def state_class(overlay: Overlay, name: str) -> str:
    """How to draw a node under ``overlay``: ``failed``, ``visited`` or ``unvisited``."""
    if name in overlay.failed:
        return "failed"
    if name == START:
        return "visited" if overlay.path else "unvisited"
    if name == END:
        return "visited" if any(target == END for _, target in overlay.transitions) else "unvisited"
    return "visited" if overlay.visits.get(name) else "unvisited"


def badge(overlay: Overlay, name: str) -> str:
    """A node's note under ``overlay``: a visit count (times sign and 3) and ``2 retries``, or both."""
    parts = []
    visits = overlay.visits.get(name, 0)
    if visits > 1:
        parts.append(f"×{visits}")
    retries = overlay.retries.get(name, 0)
    if retries:
        parts.append(f"{retries} {'retry' if retries == 1 else 'retries'}")
    return ", ".join(parts)
