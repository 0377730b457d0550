"""``arn:aws:states:::states:startExecution``: child executions of registered state machines.

* request-response: the child starts and the task's result is the ``StartExecution`` response
  (``ExecutionArn``, ``StartDate``, ``SdkHttpMetadata``, ``SdkResponseMetadata``);
* ``.sync``: the task records ``TaskSubmitted`` (the ``StartExecution`` response) and waits for
  the child; its result is the ``DescribeExecution`` shape with
  ``Input`` and ``Output`` as JSON text (``.sync:2``: as JSON values). A child that does not
  succeed fails the task with ``States.TaskFailed`` whose cause is that shape (with the child's
  ``Error`` and ``Cause``) as JSON text. When the task is cancelled (its ``TimeoutSeconds``, or the
  parent stopped) the child is stopped too;
* ``.waitForTaskToken``: the child starts and the task waits for the token the parent passed it
  (see :mod:`asl.engine._integrations`).

``StartDate`` and ``StopDate`` are epoch milliseconds. ``Input`` may be a JSON value or JSON
text (absent or null: ``{}``). An input holding ``AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID``
(usually ``"AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID.$": "$$.Execution.Id"``) reaches the child
as it is, so the child can read its parent's ARN.
"""

from __future__ import annotations

import email.utils
import json
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Final

import anyio

from ..errors import RUNTIME, TASK_FAILED, StatesError
from ..execution import SUCCEEDED
from ..resolvers import TaskCall, live_context, sdk_metadata
from ._errors import EngineError
from ._tokens import execution_arn

if TYPE_CHECKING:
    from ._engine import Engine
    from ._live import ExecutionHandle

__all__ = ["STARTED_BY", "start_execution", "sync_result"]

#: The input field that links a child execution to the execution that started it.
STARTED_BY: Final = "AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID"


def _compact(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _millis(seconds: float | None) -> int | None:
    return None if seconds is None else round(seconds * 1000)


def sfn_error(err: EngineError, engine: Engine) -> StatesError:
    """An Engine API error as the optimized ``states`` integration reports it."""
    return StatesError(
        f"StepFunctions.{err.code}Exception",
        f"{err} (Service: AWSStepFunctions; Status Code: 400; Error Code: {err.code}; "
        f"Request ID: {engine.request_id()}; Proxy: null)",
    )


def _child_input(payload: Mapping[str, Any]) -> Any:
    value = payload.get("Input")
    if value is None:
        return {}
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            raise StatesError(
                "StepFunctions.InvalidExecutionInputException",
                f"Invalid State Machine Execution Input: '{value:.200}' (Service: AWSStepFunctions; "
                "Status Code: 400; Error Code: InvalidExecutionInput; Proxy: null)",
            ) from None
    return value


async def _start_child(engine: Engine, payload: Any, call: TaskCall) -> ExecutionHandle:
    if not isinstance(payload, Mapping) or not isinstance(payload.get("StateMachineArn"), str):
        raise StatesError(
            RUNTIME,
            f"The parameters of state '{call.state_name}' need a StateMachineArn string to start an execution.",
        )
    name = payload.get("Name")
    parent = execution_arn(live_context(call))
    try:
        return engine.launch(
            payload["StateMachineArn"],
            _child_input(payload),
            name=name if isinstance(name, str) else None,
            parent_arn=parent or None,
        )
    except EngineError as err:
        raise sfn_error(err, engine) from None


def _response(engine: Engine, child: ExecutionHandle) -> dict[str, Any]:
    """The ``StartExecution`` response as the request-response integration returns it."""
    start = child.execution.start_time
    request_id = engine.request_id()
    body = _compact({"executionArn": child.arn, "startDate": round(start, 3)})
    date = email.utils.format_datetime(datetime.fromtimestamp(engine.clock.now(), tz=UTC), usegmt=True)
    headers = {
        "x-amzn-RequestId": request_id,
        "connection": "keep-alive",
        "Content-Length": str(len(body.encode())),
        "Date": date,
        "Content-Type": "application/x-amz-json-1.0",
    }
    return {"ExecutionArn": child.arn, **sdk_metadata(headers, request_id), "StartDate": _millis(start)}


async def start_execution(engine: Engine, payload: Any, call: TaskCall) -> dict[str, Any]:
    """Request-response (and ``.waitForTaskToken``): start the child; the StartExecution response."""
    child = await _start_child(engine, payload, call)
    return _response(engine, child)


def sync_result(child: ExecutionHandle, *, version_2: bool) -> dict[str, Any]:
    """The child as ``.sync`` (text) or ``.sync:2`` (JSON values) reports it, with ``Error``/``Cause`` if failed."""
    ex = child.execution
    encode = (lambda value: value) if version_2 else _compact
    out: dict[str, Any] = {}
    if ex.status != SUCCEEDED:
        if ex.cause is not None:
            out["Cause"] = ex.cause
        if ex.error is not None:
            out["Error"] = ex.error
    out |= {"ExecutionArn": ex.arn, "Input": encode(ex.input), "InputDetails": {"Included": True}, "Name": ex.name}
    if ex.status == SUCCEEDED:
        out |= {"Output": encode(ex.output), "OutputDetails": {"Included": True}}
    out |= {
        "StartDate": _millis(ex.start_time),
        "StateMachineArn": child.state_machine_arn,
        "Status": ex.status,
        "StopDate": _millis(ex.stop_time),
    }
    return out


async def run_sync(engine: Engine, payload: Any, call: TaskCall, *, version_2: bool) -> dict[str, Any]:
    """``.sync`` / ``.sync:2``: start the child and wait for it; stop it if this task is cancelled."""
    child = await _start_child(engine, payload, call)
    if call.events is not None:
        call.events.submitted(_response(engine, child))
    try:
        await child.done.wait()
    except anyio.get_cancelled_exc_class():
        engine.abort(child)
        raise
    result = sync_result(child, version_2=version_2)
    if child.execution.status != SUCCEEDED:
        raise StatesError(TASK_FAILED, _compact(result))
    return result
