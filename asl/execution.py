"""The record of one execution: its status, output or error, and its history events.

Events are shaped like AWS GetExecutionHistory entries: ``id``, ``previousEventId``,
``type``, ``timestamp`` and the type's details (``name``, ``input``, ``output``,
``error``, ``cause``, ``resource``, ...).
"""

from __future__ import annotations

from typing import Any

import attrs

__all__ = ["Execution"]

RUNNING = "RUNNING"
SUCCEEDED = "SUCCEEDED"
FAILED = "FAILED"
TIMED_OUT = "TIMED_OUT"
ABORTED = "ABORTED"


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
    _log: list[tuple[str, float, int, dict[str, Any]]] = attrs.field(factory=list, repr=False, alias="log")
    """Events as recorded: (type, timestamp, previous event id, details); ids are positions + 1."""
    _materialised: list[dict[str, Any]] = attrs.field(factory=list, repr=False, alias="materialised")

    keep_history: bool = attrs.field(default=True, repr=False)
    """Whether events are kept (``False``: only counted, for runs too big to keep them)."""
    _count: int = attrs.field(default=0, repr=False, alias="count")

    def record(self, event_type: str, timestamp: float, previous: int, details: dict[str, Any]) -> int:
        """Append one history event (cheap: a tuple); return its id."""
        self._count += 1
        if self.keep_history:
            self._log.append((event_type, timestamp, previous, details))
        return self._count

    @property
    def events(self) -> list[dict[str, Any]]:
        """History events in the order they happened, as dicts (built when first read)."""
        done = self._materialised
        for event_id in range(len(done) + 1, len(self._log) + 1):
            event_type, timestamp, previous, details = self._log[event_id - 1]
            event = {"id": event_id, "previousEventId": previous, "type": event_type, "timestamp": timestamp}
            event.update(details)
            done.append(event)
        return done

    @property
    def path(self) -> list[str]:
        """The names of the states entered, in order."""
        return [d["name"] for t, _, _, d in self._log if t.endswith("StateEntered")]
