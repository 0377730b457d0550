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
    events: list[dict[str, Any]] = attrs.field(factory=list, repr=False)
    """History events in the order they happened."""

    def record(self, event_type: str, timestamp: float, previous: int = 0, **details: Any) -> int:
        """Append one history event; return its id."""
        event_id = len(self.events) + 1
        event = {"id": event_id, "previousEventId": previous, "type": event_type, "timestamp": timestamp}
        event.update(details)
        self.events.append(event)
        return event_id

    @property
    def path(self) -> list[str]:
        """The names of the states entered, in order."""
        return [e["name"] for e in self.events if e["type"].endswith("StateEntered")]
