"""The main loop: walk a branch state by state, and run a whole execution."""

from __future__ import annotations

import random
import traceback
import uuid
from contextlib import nullcontext
from typing import TYPE_CHECKING, Any

import anyio

from .._time import format_timestamp
from ..errors import DATA_LIMIT_EXCEEDED, RUNTIME, TIMEOUT, StatesError
from ..execution import FAILED, SUCCEEDED, TIMED_OUT, Execution
from ._frame import Frame, Run
from ._limits import MAX_PAYLOAD_BYTES, PayloadMeter
from ._observe import TaskMocks, current_observer
from ._states import HANDLERS, Handler
from ._step import Step
from ._task import copy_json, task_state

if TYPE_CHECKING:
    from ..clock import Clock
    from ..resolvers import ResolverTable
    from ..states import Branch, StateMachine

__all__ = ["build_context", "execute", "run_branch"]

DEFAULT_REGION = "us-east-1"
DEFAULT_ACCOUNT = "123456789012"


def _handlers() -> dict[str, Handler]:
    table = dict(HANDLERS)
    table["Task"] = task_state
    from ._concurrent import map_state, parallel_state

    table["Parallel"] = parallel_state
    table["Map"] = map_state
    return table


_HANDLERS = _handlers()


async def run_branch(frame: Frame, branch: Branch, data: Any) -> Any:
    """Run ``branch`` from its StartAt state to its end; return its output."""
    states = branch.states
    name = branch.start_at
    handlers = _HANDLERS
    meter = frame.run.meter
    observer = frame.run.observer
    while True:
        state = states[name]
        if observer is not None:
            observer.state(frame.run.machine, name)
        step = Step(frame, state, data)
        output, following = await handlers[state.type](step, data)
        if observer is not None:
            observer.transition(frame.run.machine, name, following)
        if output is not data and meter.exceeds(output):
            raise StatesError(
                DATA_LIMIT_EXCEEDED,
                f"The state/task '{name}' returned a result with a size exceeding the maximum number "
                "of bytes service limit.",
            )
        details: dict[str, Any] = {"name": name, "output": output}
        if step.assigned is not None:
            if frame.outer_names and not frame.outer_names.isdisjoint(step.assigned):
                taken = sorted(frame.outer_names.intersection(step.assigned))
                raise step.runtime(
                    f"Cannot assign the variable(s) {', '.join(taken)}: a variable assigned in an outer scope "
                    "cannot be assigned in a Parallel branch or Map iteration."
                )
            if meter.exceeds(step.assigned):  # one Assign (so each variable) is at most 256 KiB
                raise step.error(
                    DATA_LIMIT_EXCEEDED,
                    "The variables assigned by this state exceed the maximum size of 256 KiB for one Assign.",
                )
            frame.variables.update(step.assigned)
            if meter.exceeds_total(frame.variables):
                raise step.error(
                    DATA_LIMIT_EXCEEDED, "The stored variables exceed the maximum total size of 10 MiB."
                )
            details["assignedVariables"] = step.assigned
        frame.record(state.type + "StateExited", **details)
        if following is None:
            return output
        data = output
        name = following


def _deep_merge(base: dict[str, Any], extra: Any) -> dict[str, Any]:
    for key, value in (extra or {}).items():
        if isinstance(value, dict) and isinstance(base.get(key), dict):
            base[key] = _deep_merge(dict(base[key]), value)
        else:
            base[key] = copy_json(value)
    return base


def build_context(
    machine: StateMachine, data: Any, start: float, rng: random.Random, context: Any
) -> dict[str, Any]:
    """The context object (``$$``) at the start of an execution, ``context`` merged in."""
    given = context or {}
    sm = given.get("StateMachine") or {}
    ex = given.get("Execution") or {}
    sm_id = sm.get("Id")
    sm_name = sm.get("Name") or (str(sm_id).split(":")[-1] if sm_id else "StateMachine")
    sm_arn = sm_id or f"arn:aws:states:{DEFAULT_REGION}:{DEFAULT_ACCOUNT}:stateMachine:{sm_name}"
    region, account = DEFAULT_REGION, DEFAULT_ACCOUNT
    parts = str(sm_arn).split(":")
    if len(parts) > 4 and parts[3] and parts[4]:
        region, account = parts[3], parts[4]
    name = ex.get("Name") or str(uuid.UUID(int=rng.getrandbits(128), version=4))
    base: dict[str, Any] = {
        "Execution": {
            "Id": f"arn:aws:states:{region}:{account}:execution:{sm_name}:{name}",
            "Input": data,
            "StartTime": format_timestamp(start),
            "Name": name,
            "RoleArn": f"arn:aws:iam::{account}:role/StepFunctions-{sm_name}-role",
            "RedriveCount": 0,
        },
        "StateMachine": {"Id": sm_arn, "Name": sm_name},
    }
    merged = _deep_merge(base, given)
    if ":express:" in str(merged["Execution"].get("Id")):
        merged["Execution"].pop("RedriveCount", None)  # Express executions cannot be redriven
    return merged


async def execute(
    machine: StateMachine,
    data: Any,
    *,
    resolvers: ResolverTable,
    clock: Clock,
    rng: random.Random,
    context: Any = None,
    max_payload_bytes: int | None = MAX_PAYLOAD_BYTES,
    history: bool = True,
    mocks: TaskMocks | None = None,
) -> Execution:
    """Run ``machine`` on ``data`` to its end; the finished :class:`Execution`."""
    start = clock.now()
    data = copy_json(data)
    base = build_context(machine, data, start, rng, context)
    execution = Execution(
        name=base["Execution"]["Name"],
        arn=base["Execution"]["Id"],
        input=data,
        start_time=start,
        keep_history=history,
    )
    meter = PayloadMeter(max_payload_bytes)
    run = Run(machine, execution, resolvers, clock, rng, base, meter, mocks, current_observer())
    frame = Frame(run, {}, base, 0)
    execution.record("ExecutionStarted", start, 0, {"input": data, "roleArn": base["Execution"]["RoleArn"]})
    frame.last_event = 0
    timeout = machine.timeout_seconds
    try:
        with anyio.fail_after(timeout) if timeout else nullcontext():
            output = await run_branch(frame, machine.root, data)
    except StatesError as err:
        _finish(execution, frame, FAILED, err.error, err.cause)
    except TimeoutError:
        _finish(execution, frame, TIMED_OUT, TIMEOUT, None)
    except Exception as e:  # an internal bug: fail the execution cleanly and say what went wrong
        detail = "".join(traceback.format_exception_only(type(e), e)).strip()
        _finish(execution, frame, FAILED, RUNTIME, f"Internal error in asl: {detail}")
    else:
        execution.status = SUCCEEDED
        execution.output = output
        execution.stop_time = clock.now()
        frame.record("ExecutionSucceeded", output=output)
    return execution


def _finish(execution: Execution, frame: Frame, status: str, error: str, cause: str | None) -> None:
    execution.status = status
    execution.error = error
    execution.cause = cause
    execution.stop_time = frame.run.clock.now()
    kind = "ExecutionTimedOut" if status == TIMED_OUT else "ExecutionFailed"
    frame.record(kind, error=error, cause=cause)
