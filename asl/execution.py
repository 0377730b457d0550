"""The record of one execution: its status, output or error, and its history events.

Events are recorded in one flat list (six slots each, no object of their own) and read in two shapes:

* :attr:`Execution.events`: one flat dict per event, ``id``, ``previousEventId``, ``type``,
  ``timestamp`` (seconds since the epoch) and the type's details as Python values
  (``name``, ``input``, ``output``, ``error``, ``cause``, ``resource``, ``index``, ...), under
  the names AWS uses inside the event's ``...EventDetails`` object;
* :meth:`Execution.history_json`: exactly the response of AWS's GetExecutionHistory
  (``{"events": [...]}``), details nested under ``stateEnteredEventDetails``,
  ``taskScheduledEventDetails``, ..., inputs and outputs as JSON text, timestamps as ISO-8601
  strings, so it can be diffed against a real history.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from datetime import UTC, datetime
from typing import Any

import attrs

from .errors import RUNTIME, StatesError, written
from .limits import history_limit_cause

__all__ = ["Execution", "evaluation_location", "history_event_json", "iso_timestamp"]

RUNNING = "RUNNING"
SUCCEEDED = "SUCCEEDED"
FAILED = "FAILED"
TIMED_OUT = "TIMED_OUT"
ABORTED = "ABORTED"

Details = dict[str, Any] | tuple[Any, ...]
"""An event's details as recorded: a dict, or packed as ``(names, value, ...)`` (a tuple of field
names, shared by every event of that shape, then their values), which is cheaper to keep. A
value may be a :class:`~asl.errors.Deferred` (a cause written when the history is read)."""

Record = tuple[str, float, int, Details]

_SLOTS = 6
"""Slots an event takes in :class:`Execution`'s log."""

#: Event types whose details sit under ``<lowerCamelType>EventDetails`` (AWS's HistoryEvent).
_OWN_DETAILS = frozenset(
    {
        "ActivityFailed", "ActivityScheduleFailed", "ActivityScheduled", "ActivityStarted",
        "ActivitySucceeded", "ActivityTimedOut",
        "TaskFailed", "TaskScheduled", "TaskStartFailed", "TaskStarted", "TaskSubmitFailed",
        "TaskSubmitted", "TaskSucceeded", "TaskTimedOut",
        "ExecutionFailed", "ExecutionStarted", "ExecutionSucceeded", "ExecutionAborted",
        "ExecutionTimedOut", "ExecutionRedriven",
        "MapStateStarted", "MapIterationStarted", "MapIterationSucceeded", "MapIterationFailed",
        "MapIterationAborted",
        "LambdaFunctionFailed", "LambdaFunctionScheduleFailed", "LambdaFunctionScheduled",
        "LambdaFunctionStartFailed", "LambdaFunctionSucceeded", "LambdaFunctionTimedOut",
        "MapRunStarted", "MapRunFailed", "MapRunRedriven",
        "EvaluationFailed",
    }
)  # fmt: skip

#: Detail fields that AWS gives as JSON text, each followed by its ``...Details`` object.
_JSON_TEXT = {"input": "inputDetails", "output": "outputDetails", "parameters": None}

#: Events that end an execution: the only ones allowed as the last event under ``max_events``.
_FINAL = frozenset({"ExecutionSucceeded", "ExecutionFailed", "ExecutionTimedOut", "ExecutionAborted"})


def details_key(event_type: str) -> str | None:
    """The name of the details object of an event type in GetExecutionHistory (None: it has none)."""
    if event_type.endswith("StateEntered"):
        return "stateEnteredEventDetails"
    if event_type.endswith("StateExited"):
        return "stateExitedEventDetails"
    if event_type in _OWN_DETAILS:
        return event_type[0].lower() + event_type[1:] + "EventDetails"
    return None


_FIELD_NAMED = re.compile(r"specified for the field '([^']+)'|^The (\w+) field ")


def evaluation_location(detail: str) -> str | None:
    """The field an evaluation error names (``Output/result``, ``Items``, ``Timestamp``), if any.

    It becomes the ``location`` of AWS's ``EvaluationFailed`` event.
    """
    match = _FIELD_NAMED.search(detail)
    if match is None:
        return None
    return match.group(1) or match.group(2)


def _json_text(value: Any) -> str:
    """JSON text as AWS writes it in a history: compact, non-ASCII kept."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def iso_timestamp(seconds: float) -> str:
    """An event time as the AWS CLI prints it: UTC, millisecond precision (``...T00:00:00.123000+00:00``)."""
    moment = datetime.fromtimestamp(round(seconds, 3), tz=UTC)
    return moment.isoformat(timespec="microseconds")


def unpacked(details: Details) -> dict[str, Any]:
    """Recorded details as a fresh dict, every :class:`~asl.errors.Deferred` value written."""
    if type(details) is tuple:
        return {name: written(value) for name, value in zip(details[0], details[1:], strict=True)}
    return {name: written(value) for name, value in details.items()}  # type: ignore[union-attr]


def _field(details: Details, name: str) -> Any:
    """One field of recorded details."""
    if type(details) is tuple:
        return details[1 + details[0].index(name)]
    return details[name]  # type: ignore[call-overload]


def _render_details(details: Details) -> dict[str, Any]:
    rendered: dict[str, Any] = {}
    for key, value in unpacked(details).items():
        if key in _JSON_TEXT:
            rendered[key] = _json_text(value)
            detail = _JSON_TEXT[key]
            if detail is not None:
                rendered[detail] = {"truncated": False}
        elif key == "assignedVariables":
            rendered[key] = {name: _json_text(v) for name, v in value.items()}
            rendered["assignedVariablesDetails"] = {"truncated": False}
        elif value is not None:
            rendered[key] = value
    return rendered


def history_event_json(event_id: int, record: Record) -> dict[str, Any]:
    """One recorded event as a GetExecutionHistory ``HistoryEvent``."""
    event_type, timestamp, previous, details = record
    event: dict[str, Any] = {
        "timestamp": iso_timestamp(timestamp),
        "type": event_type,
        "id": event_id,
        "previousEventId": previous,
    }
    key = details_key(event_type)
    if key is not None:
        event[key] = _render_details(details)
    return event


@attrs.define(eq=False)
class Execution:
    """One run of a state machine."""

    name: str
    """The execution name (``$$.Execution.Name``)."""
    arn: str
    """The execution ARN (``$$.Execution.Id``)."""
    input: Any = None
    status: str = RUNNING
    """``RUNNING``, ``SUCCEEDED``, ``FAILED``, ``TIMED_OUT`` or ``ABORTED``."""
    output: Any = None
    error: str | None = None
    cause: str | None = None
    start_time: float = 0.0
    stop_time: float | None = None
    # The events, six slots each in one flat list (cheap to keep: a history holds many, and no
    # event has an object of its own): type, time, previousEventId, then the details: packed ones
    # as their names and up to two values, a dict as None, the dict, None. Ids are positions + 1.
    _log: list[Any] = attrs.field(factory=list, repr=False, alias="log")
    _materialised: list[dict[str, Any]] = attrs.field(factory=list, repr=False, alias="materialised")

    keep_history: bool = attrs.field(default=True, repr=False)
    """Whether events are kept (``False``: only counted, for runs too big to keep them)."""
    _count: int = attrs.field(default=0, repr=False, alias="count")
    _retries: Counter[str] = attrs.field(factory=Counter, repr=False, alias="retries")
    max_events: int | None = attrs.field(default=None, repr=False)
    """At most this many events, the final ``Execution...`` one included (``Limits.max_history_events``):
    recording the event that would take the last place fails the execution with ``States.Runtime``."""

    # -- recording (the executor's side) --------------------------------------------------

    def record(self, event_type: str, timestamp: float, previous: int, details: Details) -> int:
        """Append one history event (cheap: no object of its own); return its id.

        ``details`` (a dict or packed, see :data:`Details`) is kept as it is: never change it.
        """
        if type(details) is not tuple:
            return self.note(event_type, timestamp, previous, None, details)
        if len(details) > 3:  # more than two values: kept as a dict
            return self.note(event_type, timestamp, previous, None, unpacked(details))
        return self.note(event_type, timestamp, previous, *details)

    def note(
        self,
        event_type: str,
        timestamp: float,
        previous: int,
        names: tuple[str, ...] | None,
        first: Any = None,
        second: Any = None,
    ) -> int:
        """(perf) :meth:`record` with the details given as their parts: packed details' ``names``
        and up to two values, or ``None`` and a dict. The executor's own events come this way."""
        count = self._count + 1
        limit = self.max_events
        if limit is not None and count >= limit and event_type not in _FINAL:
            raise StatesError(RUNTIME, history_limit_cause(limit))
        self._count = count
        if self.keep_history:
            self._log.extend((event_type, timestamp, previous, names, first, second))
        return count

    def note_pair(
        self,
        event_type: str,
        timestamp: float,
        previous: int,
        names: tuple[str, ...] | None,
        first: Any,
        second: Any,
        next_type: str,
        next_names: tuple[str, ...] | None,
        next_first: Any,
    ) -> int:
        """(perf) Two events at once, the second following the first (a task's ``...Scheduled``
        and ``...Started``); the id of the second."""
        count = self._count + 2
        limit = self.max_events
        if limit is not None and count >= limit:  # one at a time, so that the limit fails on the right one
            self.note(event_type, timestamp, previous, names, first, second)
            return self.note(next_type, timestamp, count - 1, next_names, next_first)
        self._count = count
        if self.keep_history:
            self._log.extend(
                (event_type, timestamp, previous, names, first, second, next_type, timestamp, count - 1, next_names,
                 next_first, None)
            )  # fmt: skip
        return count

    def record_retry(self, state_name: str) -> None:
        """Count one retry of ``state_name`` (the executor calls this when a retrier fires)."""
        self._retries[state_name] += 1

    @property
    def last_event_id(self) -> int:
        """The id of the latest event (0 before the first)."""
        return self._count

    def previous_of(self, event_id: int) -> int:
        """The ``previousEventId`` of an event (0 when the history is not kept)."""
        if self.keep_history and 0 < event_id <= len(self._log) // _SLOTS:
            return self._log[(event_id - 1) * _SLOTS + 2]  # type: ignore[no-any-return]
        return 0

    def open_state(self, event_id: int, floor: int = 0) -> str | None:
        """The entered-event type of the state that the chain ending at ``event_id`` is inside.

        Follows previousEventId back (no further than ``floor``, the event a branch started
        after) to the nearest state event: an entered one means that state has not exited
        (``TaskStateEntered``); an exited one, or none, gives ``None``.
        """
        log = self._log
        while self.keep_history and floor < event_id <= len(log) // _SLOTS:
            event_type: str = log[(event_id - 1) * _SLOTS]
            if event_type.endswith("StateEntered"):
                return event_type
            if event_type.endswith("StateExited"):
                return None
            event_id = log[(event_id - 1) * _SLOTS + 2]
        return None

    # -- reading --------------------------------------------------------------------------

    @property
    def events(self) -> list[dict[str, Any]]:
        """History events in the order they happened, as flat dicts (built when first read)."""
        done = self._materialised
        for event_id in range(len(done) + 1, len(self._log) // _SLOTS + 1):
            event_type, timestamp, previous, details = self._record(event_id)
            event = {"id": event_id, "previousEventId": previous, "type": event_type, "timestamp": timestamp}
            event.update(unpacked(details))
            done.append(event)
        return done

    def _record(self, event_id: int) -> Record:
        at = (event_id - 1) * _SLOTS
        log = self._log
        return log[at], log[at + 1], log[at + 2], self._details_at(at)

    def _details_at(self, at: int) -> Details:
        """The details of the event whose slots start at ``at``."""
        log = self._log
        names = log[at + 3]
        if names is None:
            return log[at + 4]  # type: ignore[no-any-return]
        return (names, log[at + 4], log[at + 5])[: 1 + len(names)]

    @property
    def path(self) -> list[str]:
        """The names of the states entered, in order (a state run twice appears twice)."""
        log = self._log
        return [
            _field(self._details_at(at), "name")
            for at in range(0, len(log), _SLOTS)
            if log[at].endswith("StateEntered")
        ]

    @property
    def visits(self) -> dict[str, int]:
        """How many times each state was entered, by name, in the order first entered.

        States never entered are absent, so ``execution.visits.get("Charge", 0)`` is 0 for them.
        Map iterations and Parallel branches count once per iteration or branch run.
        """
        counts: dict[str, int] = {}
        for name in self.path:
            counts[name] = counts.get(name, 0) + 1
        return counts

    def retries(self, state_name: str) -> int:
        """How many times the Retry of ``state_name`` re-ran it, over the whole execution.

        A Task retried twice and then successful has 2; a state entered three times (a loop)
        that never failed has 0. Map iterations and Parallel branches add up.
        """
        return self._retries[state_name]

    def attempts(self, state_name: str) -> int:
        """How many times ``state_name`` ran its work: each entry plus each retry."""
        return self.visits.get(state_name, 0) + self.retries(state_name)

    def history_json(self, *, reverse_order: bool = False) -> dict[str, Any]:
        """The history exactly as AWS's GetExecutionHistory returns it: ``{"events": [...]}``.

        Each event has ``timestamp`` (an ISO-8601 string in UTC, millisecond precision, as the
        AWS CLI prints it), ``type``, ``id``, ``previousEventId`` and, for the types that have
        one, the ``...EventDetails`` object named as AWS names it, with ``input``, ``output``,
        ``parameters`` and ``assignedVariables`` values as compact JSON text and
        ``inputDetails``/``outputDetails``/``assignedVariablesDetails`` of ``{"truncated":
        false}``. ``reverse_order=True`` lists the newest event first, like the API's
        ``reverseOrder``. The result is plain JSON data (``json.dumps`` takes it as is).
        """
        events = [history_event_json(i, self._record(i)) for i in range(1, len(self._log) // _SLOTS + 1)]
        if reverse_order:
            events.reverse()
        return {"events": events}
