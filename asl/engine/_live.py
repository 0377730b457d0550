"""Executions while they run: the live record and the handle an Engine returns from ``start``."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import anyio
import attrs

from ..errors import ExecutionFailed
from ..execution import RUNNING, SUCCEEDED, Execution

if TYPE_CHECKING:
    from ._engine import Engine, StateMachineEntry

__all__ = ["ExecutionHandle", "LiveExecution"]


@attrs.define(eq=False)
class LiveExecution(Execution):
    """An :class:`~asl.Execution` that wakes whoever follows its events."""

    last_event_id: int = attrs.field(default=0, init=False, repr=False)
    """The id of the latest event recorded."""
    _changed: anyio.Event | None = attrs.field(default=None, init=False, repr=False)

    def note(self, *event: Any) -> int:
        """Append one history event (:meth:`asl.Execution.note`'s arguments) and wake the followers;
        every event is recorded through here."""
        event_id = super().note(*event)
        self.last_event_id = event_id
        self.wake()
        return event_id

    def note_pair(self, *events: Any) -> int:
        """Append two history events (:meth:`asl.Execution.note_pair`'s arguments), each through
        :meth:`note`, so that followers see both."""
        first_type, timestamp, previous, names, first, second, next_type, next_names, next_first = events
        self.note(first_type, timestamp, previous, names, first, second)
        return self.note(next_type, timestamp, self.last_event_id, next_names, next_first)

    def wake(self) -> None:
        """Wake every :meth:`changed` waiter."""
        if self._changed is not None:
            self._changed.set()
            self._changed = None

    def changed(self) -> anyio.Event:
        """An event set at the next recorded event (or when the execution ends)."""
        if self._changed is None:
            self._changed = anyio.Event()
        return self._changed


def _date(seconds: float | None) -> datetime | None:
    return None if seconds is None else datetime.fromtimestamp(seconds, tz=UTC)


def _text(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


class ExecutionHandle:
    """One execution started by an :class:`~asl.engine.Engine`: follow it, wait for it, stop it."""

    __slots__ = ("_engine", "abort_reason", "done", "entry", "execution", "parent_arn", "scope")

    def __init__(
        self, engine: Engine, entry: StateMachineEntry, execution: LiveExecution, parent_arn: str | None
    ) -> None:
        self._engine = engine
        self.entry = entry
        """The state machine it runs."""
        self.execution = execution
        """The live :class:`~asl.Execution` record (status, output, error, cause, events)."""
        self.parent_arn = parent_arn
        """The execution that started it through ``states:startExecution`` (None: started directly)."""
        self.done = anyio.Event()
        """Set when the execution has ended (and its record is final)."""
        self.scope: anyio.CancelScope | None = None
        self.abort_reason: tuple[str | None, str | None] | None = None

    # -- identity and state ---------------------------------------------------------------------

    @property
    def arn(self) -> str:
        """The execution ARN (``$$.Execution.Id``)."""
        return self.execution.arn

    @property
    def name(self) -> str:
        """The execution name."""
        return self.execution.name

    @property
    def state_machine_arn(self) -> str:
        """The ARN of the state machine it runs."""
        return self.entry.arn

    @property
    def status(self) -> str:
        """``RUNNING``, ``SUCCEEDED``, ``FAILED``, ``TIMED_OUT`` or ``ABORTED``."""
        return self.execution.status

    @property
    def running(self) -> bool:
        """Whether the execution has not ended yet."""
        return self.execution.status == RUNNING

    def describe(self) -> dict[str, Any]:
        """The execution as ``DescribeExecution`` reports it (boto3's keys; dates as datetimes)."""
        ex = self.execution
        out: dict[str, Any] = {
            "executionArn": ex.arn,
            "stateMachineArn": self.entry.arn,
            "name": ex.name,
            "status": ex.status,
            "startDate": _date(ex.start_time),
            "input": _text(ex.input),
            "inputDetails": {"included": True},
        }
        if ex.stop_time is not None:
            out["stopDate"] = _date(ex.stop_time)
        if ex.status == SUCCEEDED:
            out["output"] = _text(ex.output)
            out["outputDetails"] = {"included": True}
        if ex.error is not None:
            out["error"] = ex.error
        if ex.cause is not None:
            out["cause"] = ex.cause
        if self.parent_arn is not None:
            out["parentExecutionArn"] = self.parent_arn
        return out

    def summary(self) -> dict[str, Any]:
        """The execution as ``ListExecutions`` lists it."""
        ex = self.execution
        out: dict[str, Any] = {
            "executionArn": ex.arn,
            "stateMachineArn": self.entry.arn,
            "name": ex.name,
            "status": ex.status,
            "startDate": _date(ex.start_time),
        }
        if ex.stop_time is not None:
            out["stopDate"] = _date(ex.stop_time)
        return out

    # -- waiting --------------------------------------------------------------------------------

    async def wait(self) -> Execution:
        """Wait for the execution to end; the finished :class:`~asl.Execution`, whatever its status."""
        await self.done.wait()
        return self.execution

    async def result(self) -> Any:
        """Wait for the execution to end; its output, or :class:`~asl.ExecutionFailed` if it did not succeed."""
        execution = await self.wait()
        if execution.status != SUCCEEDED:
            raise ExecutionFailed(execution.status, execution.error, execution.cause, execution)
        return execution.output

    async def events(self) -> AsyncIterator[dict[str, Any]]:
        """The execution's history events, each as soon as it is recorded, until the execution ends.

        Events already recorded come first, so a late follower misses nothing. Nothing is
        yielded for an engine started with ``history=False``.
        """
        seen = 0
        execution = self.execution
        while True:
            changed = execution.changed()
            events = execution.events
            while seen < len(events):
                yield events[seen]
                seen += 1
            if self.done.is_set():
                if seen >= len(execution.events):
                    return
                continue
            await changed.wait()

    def abort(self, error: str | None = None, cause: str | None = None) -> None:
        """Ask the execution to stop (``ABORTED`` with ``error`` and ``cause``) without waiting."""
        if not self.running:
            return
        if self.abort_reason is None:
            self.abort_reason = (error, cause)
        if self.scope is not None:
            self.scope.cancel()

    async def stop(self, error: str | None = None, cause: str | None = None) -> None:
        """Abort the execution (``ABORTED``) and wait until every task, branch and iteration is gone."""
        await self._engine.stop(self.arn, error=error, cause=cause)

    def __repr__(self) -> str:
        return f"ExecutionHandle({self.arn!r}, status={self.status!r})"
