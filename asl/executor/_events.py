"""The history events of a Task's resource, named and detailed as AWS records them.

AWS records a Lambda function given by its ARN as ``LambdaFunction*`` events, an activity
as ``Activity*`` events and everything else (service integrations such as
``arn:aws:states:::lambda:invoke``) as ``Task*`` events, whose details split the resource
into ``resourceType`` (``lambda``, ``aws-sdk:s3``) and ``resource`` (``invoke``,
``getObject.waitForTaskToken``) and name the ``region``.
"""

from __future__ import annotations

import functools
import uuid
from typing import TYPE_CHECKING, Any

from .._home import states_prefix
from ..errors import HEARTBEAT_TIMEOUT, RUNTIME, TIMEOUT
from ._frame import Frame

if TYPE_CHECKING:
    from ..errors import StatesError
    from ..execution import Details
    from ..states import MapState
    from ._step import Step

__all__ = [
    "DetachedFrame",
    "TaskEvents",
    "abort_open_state",
    "branch_failed",
    "iteration_done",
    "map_run_arn",
    "record_aside",
    "state_failed",
]

_ABORTED_EVENTS = {
    "TaskStateEntered": "TaskStateAborted",
    "WaitStateEntered": "WaitStateAborted",
    "MapStateEntered": "MapStateAborted",
    "ParallelStateEntered": "ParallelStateAborted",
}

_FAILED_EVENTS = {"Parallel": "ParallelStateFailed", "Map": "MapStateFailed"}

# Packed details (asl.execution.Details): the field names, shared by every event of the shape.
_RESOURCE_INPUT = ("resource", "input")
_OUTPUT = ("output",)
_ERROR_CAUSE = ("error", "cause")


class _IdCounter:
    """The recorder of detached frames: counts the ids of a child execution's events, keeps nothing."""

    __slots__ = ("ids",)

    def __init__(self, ids: list[int]) -> None:
        self.ids = ids

    def note(self, *event: Any) -> int:
        """Count an event (:meth:`asl.Execution.note`'s arguments, ignored); its id."""
        self.ids[0] += 1
        return self.ids[0]


class DetachedFrame(Frame):
    """A frame whose events stay out of the execution's history: a distributed Map's child.

    On AWS each child of a distributed Map is an execution of its own, with a history of its
    own; the parent's history shows only ``MapRunStarted`` and ``MapRunSucceeded`` (or
    ``MapRunFailed``). Event ids still count from the child's ``ExecutionStarted`` (id 1), so
    error causes name the ids the child's own history would have.
    """

    __slots__ = ("ids",)

    def __init__(self, frame: Frame, context: dict[str, Any], ids: list[int] | None = None) -> None:
        super().__init__(frame.run, {}, context, 1)
        self.ids = ids if ids is not None else [1]
        self.recorder = _IdCounter(self.ids)

    def record(self, event_type: str, **details: Any) -> int:
        """Count an event without keeping it."""
        self.ids[0] += 1
        self.last_event = self.ids[0]
        return self.last_event

    def record_details(self, event_type: str, details: Details) -> int:
        """Count an event without keeping it."""
        return self.record(event_type)

    def note(self, event_type: str, names: tuple[str, ...] | None, first: Any = None, second: Any = None) -> int:
        """Count an event without keeping it."""
        return self.record(event_type)

    def child(self, context: dict[str, Any] | None = None) -> Frame:
        """A branch or iteration inside the child execution: detached too."""
        twin = DetachedFrame(self, context or self.context, self.ids)
        twin.variables = dict(self.variables)
        twin.outer_names = self.outer_names | frozenset(self.variables)
        twin.last_event = self.last_event
        return twin


def map_run_arn(frame: Frame, state: MapState) -> str:
    """The ARN of a distributed Map's Map Run: ``...:mapRun:<state machine>/<label>:<id>``."""
    parts = frame.run.execution.arn.split(":")
    prefix = ":".join(parts[:5]) if len(parts) >= 5 else states_prefix()
    machine = parts[6] if len(parts) > 6 else "StateMachine"
    run_id = uuid.UUID(int=frame.run.rng.getrandbits(128), version=4)
    return f"{prefix}:mapRun:{machine}/{state.label or state.name}:{run_id}"


def record_aside(frame: Frame, event_type: str, **details: Any) -> None:
    """Record an event that follows the latest one of the whole execution and advances nothing.

    ``ParallelStateSucceeded`` and ``MapStateSucceeded`` are such events on AWS: their
    previousEventId is the latest event (of whichever branch or iteration ended last), and
    the state's exited event has that same previousEventId.
    """
    if isinstance(frame, DetachedFrame):
        frame.record(event_type)
        return
    latest = frame.run.execution.last_event_id
    frame.last_event = latest
    frame.record(event_type, **details)
    frame.last_event = latest


def abort_open_state(child: Frame, floor: int) -> None:
    """``TaskStateAborted`` (``Wait``/``Map``/``Parallel``) for the state ``child`` was running.

    AWS records it when a branch or iteration stops inside such a state: a sibling failed,
    or the state itself failed the branch. It advances nothing. ``floor`` is the event the
    branch started after.
    """
    if isinstance(child, DetachedFrame):
        return
    execution = child.run.execution
    aborted = _ABORTED_EVENTS.get(execution.open_state(child.last_event, floor) or "")
    if aborted is not None:
        last = child.last_event
        child.record(aborted)
        child.last_event = last


def branch_failed(frame: Frame, child: Frame, floor: int, err: StatesError) -> None:
    """A branch or iteration ended in ``err``: abort its open state, chain the parent to it.

    The parent's next event (``ParallelStateFailed``, ``MapStateFailed``, or the next
    attempt's ``...StateStarted``) follows the failed branch's latest event, as on AWS.
    """
    if isinstance(child, DetachedFrame) or err.error == RUNTIME:
        return
    frame.last_event = child.last_event
    abort_open_state(child, floor)


def iteration_done(frame: Frame, child: Frame, event_type: str, index: int, name: str) -> None:
    """``MapIterationSucceeded``/``Failed``/``Aborted``: it follows the iteration's latest event
    and advances nothing, so the next iteration starts from that event (as AWS records it)."""
    last = child.last_event
    child.record(event_type, name=name, index=index)
    child.last_event = last
    if event_type == "MapIterationSucceeded" and not isinstance(child, DetachedFrame):
        frame.last_event = last


def state_failed(step: Step, err: StatesError) -> None:
    """``ParallelStateFailed`` / ``MapStateFailed`` once a failure is final (not retried).

    AWS records them neither for an attempt that a retrier runs again nor for
    ``States.Runtime``, which ends the execution at once.
    """
    event = _FAILED_EVENTS.get(step.state.type)
    if event is not None and err.error != RUNTIME:
        step.frame.record(event)


_SERVICE_PREFIX = "arn:aws:states:::"


@functools.lru_cache(maxsize=256)
def _classify(resource: str) -> tuple[str, dict[str, str]]:
    """(event type prefix, the identifying details every event of that resource carries).

    The dict is shared by every call for ``resource``: never change it (copy it into details).
    """
    parts = resource.split(":")
    if len(parts) >= 7 and parts[0] == "arn" and parts[2] == "lambda" and parts[5] == "function":
        return "LambdaFunction", {}
    if len(parts) >= 7 and parts[0] == "arn" and parts[2] == "states" and parts[5] == "activity":
        return "Activity", {}
    rest = resource[len(_SERVICE_PREFIX) :] if resource.startswith(_SERVICE_PREFIX) else resource
    pieces = rest.split(":")
    cut = 2 if pieces[0] == "aws-sdk" and len(pieces) > 2 else 1
    if len(pieces) <= cut:
        return "Task", {"resourceType": "", "resource": resource}
    return "Task", {"resourceType": ":".join(pieces[:cut]), "resource": ":".join(pieces[cut:])}


@functools.lru_cache(maxsize=64)
def _event_types(kind: str) -> tuple[str, str, str, str]:
    """The ``...Scheduled``, ``...Started``, ``...Succeeded`` and ``...Failed`` types of ``kind``."""
    return kind + "Scheduled", kind + "Started", kind + "Succeeded", kind + "Failed"


class TaskEvents:
    """Records the events of a Task's attempts on its frame."""

    __slots__ = ("clock", "execution", "frame", "ident", "kept", "kind", "resource", "types")

    def __init__(self, frame: Frame, resource: str) -> None:
        self.frame = frame
        self.resource = resource
        run = frame.run
        self.kept = run.execution.keep_history
        """Whether the events are kept (else only counted: their details are never built)."""
        kind, ident = _classify(resource)
        self.kind = kind
        """``Task``, ``LambdaFunction`` or ``Activity``: the prefix of the event types."""
        self.ident = ident
        """The details every event of the resource carries (shared: copied into each event's, never changed)."""
        self.types = _event_types(kind)
        self.execution = run.execution if self.kept and not isinstance(frame, DetachedFrame) else None
        """(perf) Where the hot events are noted directly (None: through the frame, which counts them)."""
        self.clock = run.clock

    def begin(self, payload: Any, heartbeat: float | None) -> None:
        """``...Scheduled`` and ``...Started`` of a call without a timeout whose payload is within the quota."""
        execution = self.execution
        if execution is None or heartbeat is not None or self.kind == "Task":
            self.scheduled(payload, None, heartbeat)
            self.started()
            return
        frame = self.frame
        types = self.types
        frame.last_event = execution.note_pair(
            types[0],
            self.clock.now(),
            frame.last_event,
            _RESOURCE_INPUT,
            self.resource,
            payload,
            types[1],
            None,
            self.ident,
        )

    def scheduled(self, payload: Any, timeout: float | None, heartbeat: float | None) -> None:
        """``TaskScheduled`` (with the region and the parameters) or ``...Scheduled`` with the input."""
        if not self.kept:
            self.frame.note(self.types[0], None, {})
            return
        if self.kind == "Task":
            arn_parts = self.frame.run.execution.arn.split(":")
            region = arn_parts[3] if len(arn_parts) > 3 else ""
            details = {**self.ident, "region": region, "parameters": payload}
        elif timeout is None and heartbeat is None:
            self.frame.note(self.types[0], _RESOURCE_INPUT, self.resource, payload)
            return
        else:
            details = {"resource": self.resource, "input": payload}
        if timeout is not None:
            details["timeoutInSeconds"] = int(timeout) if float(timeout).is_integer() else timeout
        if heartbeat is not None and self.kind != "LambdaFunction":
            details["heartbeatInSeconds"] = heartbeat
        self.frame.note(self.types[0], None, details)

    def started(self, worker_name: str | None = None) -> None:
        """``...Started`` (a Lambda function's carries no details; an activity's the worker's name, if given)."""
        if worker_name is not None and self.kept:
            self.frame.note(self.types[1], None, {"workerName": worker_name})
        else:
            self.frame.note(self.types[1], None, self.ident)

    def submitted(self, output: Any = None) -> None:
        """(engine) ``TaskSubmitted``: a callback or ``.sync`` call went out; ``output`` is the
        service's response (None: no response to show)."""
        if output is None:
            self.frame.record("TaskSubmitted", **self.ident)
        else:
            self.frame.record("TaskSubmitted", **self.ident, output=output)

    def schedule_failing(self) -> None:
        """(engine) The task could not be scheduled: its failure is recorded as ``...ScheduleFailed``."""
        self.kind += "Schedule"
        self.types = _event_types(self.kind)

    def succeeded(self, output: Any) -> None:
        """``...Succeeded`` with the result."""
        frame = self.frame
        if self.ident:
            frame.note(self.types[2], None, {**self.ident, "output": output})
        elif self.execution is not None:
            frame.last_event = self.execution.note(self.types[2], self.clock.now(), frame.last_event, _OUTPUT, output)
        else:
            frame.note(self.types[2], _OUTPUT, output)

    def failed(self, err: StatesError) -> None:
        """``...Failed`` with the error and cause (``...TimedOut`` for a heartbeat timeout)."""
        error = err.error
        if error == HEARTBEAT_TIMEOUT:
            self.timed_out(err)
            return
        cause = err.recorded_cause  # (perf) a Lambda error's cause is written when the history is read
        frame = self.frame
        if self.ident:
            frame.note(self.types[3], None, {**self.ident, "error": error, "cause": cause})
        elif self.execution is not None:
            frame.last_event = self.execution.note(
                self.types[3], self.clock.now(), frame.last_event, _ERROR_CAUSE, error, cause
            )
        else:
            frame.note(self.types[3], _ERROR_CAUSE, error, cause)

    def timed_out(self, err: StatesError | None = None) -> None:
        """``...TimedOut`` (error ``States.Timeout``, or ``err``'s error and cause)."""
        error, cause = (TIMEOUT, None) if err is None else (err.error, err.recorded_cause)
        self.frame.record(self.kind + "TimedOut", **self.ident, error=error, cause=cause)
