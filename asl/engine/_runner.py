"""Starting and running an Engine's executions: one task of the engine's task group each.

:func:`launch` checks the input and the name, makes the live record and the handle, and starts
:func:`run_execution` in the task group; that runs the executor under a cancel scope that
``stop`` cancels, and ends the record as ``ABORTED`` (``ExecutionAborted``) when it was stopped,
or ``FAILED`` when asl itself failed, so that nothing ever reaches the task group.
"""

from __future__ import annotations

import random
import traceback
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import anyio

from .. import limits
from ..errors import RUNTIME
from ..execution import ABORTED, FAILED, RUNNING
from ..executor import execute
from ._errors import ExecutionAlreadyExists, InvalidExecutionInput
from ._live import ExecutionHandle, LiveExecution

if TYPE_CHECKING:
    from anyio.abc import TaskGroup

    from ._engine import Engine
    from ._registry import StateMachineEntry

__all__ = ["finish", "launch", "run_execution"]


def _checked_input(value: Any, max_bytes: int | None) -> Any:
    """A private copy of the input, checked as StartExecution checks it (JSON data, size)."""
    try:
        return limits.execution_input(value, max_bytes)
    except limits.InvalidExecutionInput as e:
        raise InvalidExecutionInput(str(e), e.code) from None


def _home(engine: Engine, entry: StateMachineEntry) -> str:
    """``<region>:<account>`` of the machine's ARN (the engine's when the ARN has none)."""
    parts = entry.arn.split(":")
    return f"{parts[3]}:{parts[4]}" if len(parts) > 4 else f"{engine.region}:{engine.account}"


def launch(
    engine: Engine,
    group: TaskGroup,
    entry: StateMachineEntry,
    input: Any,
    name: str | None,
    context: Mapping[str, Any] | None,
    parent_arn: str | None,
) -> ExecutionHandle:
    """Start an execution of ``entry`` in ``group``; its handle."""
    data = _checked_input(input, engine._max_payload_bytes)
    name = name or engine.new_uuid()
    prefix = f"arn:aws:states:{_home(engine, entry)}"
    if entry.type == "EXPRESS":
        arn = f"{prefix}:express:{entry.name}:{name}:{engine.new_uuid()}"
    else:
        arn = f"{prefix}:execution:{entry.name}:{name}"
    existing = engine._executions.get(arn)
    if existing is not None:
        if existing.running and existing.execution.input == data:
            return existing
        raise ExecutionAlreadyExists(f"Execution Already Exists: '{arn}'")
    execution = LiveExecution(
        name=name, arn=arn, input=data, start_time=engine.clock.now(), keep_history=engine._history
    )
    handle = ExecutionHandle(engine, entry, execution, parent_arn)
    engine._executions[arn] = handle
    group.start_soon(run_execution, engine, handle, context, name=arn)
    return handle


def _context(handle: ExecutionHandle, given: Mapping[str, Any] | None) -> dict[str, Any]:
    """The caller's context sections with the execution's and state machine's identity merged in."""
    entry = handle.entry
    execution = handle.execution
    identity = {
        "StateMachine": {"Id": entry.arn, "Name": entry.name},
        "Execution": {"Id": execution.arn, "Name": execution.name},
    }
    if not given:
        return identity
    merged = dict(given)
    for key, value in identity.items():
        section = merged.get(key)
        merged[key] = {**section, **value} if isinstance(section, Mapping) else value
    return merged


async def run_execution(engine: Engine, handle: ExecutionHandle, context: Mapping[str, Any] | None) -> None:
    """Run one execution to its end (or abort); never raises into the task group."""
    execution = handle.execution

    def adopt(**fields: Any) -> LiveExecution:
        execution.input = fields.get("input", execution.input)
        execution.start_time = fields.get("start_time", execution.start_time)
        return execution

    with anyio.CancelScope() as scope:
        handle.scope = scope
        if handle.abort_reason is not None:
            scope.cancel()
        try:
            await execute(
                handle.entry.machine,
                execution.input,
                resolvers=engine._table,
                clock=engine.clock,
                rng=random.Random(engine._rng.getrandbits(64)),
                context=_context(handle, context),
                max_payload_bytes=engine._max_payload_bytes,
                history=engine._history,
                execution_factory=adopt,
                input_checked=True,  # checked and copied by launch()
            )
        except Exception as e:  # an internal error: fail the execution, keep the engine alive
            if execution.status == RUNNING:
                detail = "".join(traceback.format_exception_only(type(e), e)).strip()
                finish(engine, handle, FAILED, RUNTIME, f"Internal error in asl: {detail}", "ExecutionFailed")
    if execution.status == RUNNING:
        error, cause = handle.abort_reason or (None, None)
        finish(engine, handle, ABORTED, error, cause, "ExecutionAborted")
    handle.done.set()
    execution.wake()


def finish(
    engine: Engine, handle: ExecutionHandle, status: str, error: str | None, cause: str | None, kind: str
) -> None:
    """End the execution's record with ``status`` and its final event ``kind``."""
    execution = handle.execution
    now = engine.clock.now()
    execution.status = status
    execution.error = error
    execution.cause = cause
    execution.stop_time = now
    details = {k: v for k, v in (("error", error), ("cause", cause)) if v is not None}
    execution.record(kind, now, execution.last_event_id, details)

