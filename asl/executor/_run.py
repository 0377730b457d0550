"""The main loop: walk a branch state by state, and run a whole execution."""

from __future__ import annotations

import random
import traceback
import uuid
from contextlib import nullcontext
from typing import TYPE_CHECKING, Any

import anyio

from .._home import DEFAULT_ACCOUNT, DEFAULT_REGION
from .._time import format_timestamp
from ..errors import DATA_LIMIT_EXCEEDED, RUNTIME, TIMEOUT, StatesError
from ..execution import FAILED, SUCCEEDED, TIMED_OUT, Execution
from ..jsonata import Limits as JsonataLimits
from ..jsonata import use_limits
from ..limits import Limits, execution_input, transition_limit_cause
from ..limits import use as use_bounds
from ._frame import Frame, Run
from ._limits import MAX_PAYLOAD_BYTES, PayloadMeter
from ._observe import TaskMocks, current_observer
from ._states import HANDLERS, SYNC_HANDLERS, Handler, SyncHandler
from ._step import Step, entered_event
from ._task import copy_json, task_state

if TYPE_CHECKING:
    from collections.abc import Callable

    from ..clock import Clock
    from ..resolvers import ResolverTable
    from ..states import Branch, State, StateMachine

__all__ = ["build_context", "execute", "run_branch"]


def _handlers() -> dict[str, Handler]:
    table = dict(HANDLERS)
    table["Task"] = task_state
    from ._concurrent import map_state, parallel_state

    table["Parallel"] = parallel_state
    table["Map"] = map_state
    return table


_HANDLERS = _handlers()


_EXITED: dict[str, str] = {
    t: t + "StateExited" for t in ("Pass", "Choice", "Wait", "Succeed", "Task", "Parallel", "Map")
}


_NAME_OUTPUT = ("name", "output")  # packed details (asl.execution.Details)


def _exited_event(state_type: str) -> str:
    name = _EXITED.get(state_type)
    if name is None:
        name = _EXITED[state_type] = state_type + "StateExited"
    return name


_Plan = tuple["State", "SyncHandler | None", Handler, str, str]
"""A state, its handler if it never waits, its handler, its entered and its exited event types."""
_PLANS: dict[int, tuple[Branch, dict[str, _Plan]]] = {}


def _plan(branch: Branch) -> dict[str, _Plan]:
    """(perf) What the transition loop needs of each state of ``branch``, by name: looked up once
    per branch (a compiled machine never changes), not once per transition."""
    hit = _PLANS.get(id(branch))
    if hit is not None and hit[0] is branch:
        return hit[1]
    plan = {
        name: (state, SYNC_HANDLERS.get(state.type), _HANDLERS[state.type], entered_event(state.type),
               _exited_event(state.type))
        for name, state in branch.states.items()
    }  # fmt: skip
    if len(_PLANS) >= 4096:
        _PLANS.clear()
    _PLANS[id(branch)] = (branch, plan)  # the reference keeps the id unique
    return plan


async def run_branch(frame: Frame, branch: Branch, data: Any) -> Any:
    """Run ``branch`` from its StartAt state to its end; return its output."""
    plans = _plan(branch)
    name = branch.start_at
    run = frame.run
    meter = run.meter
    observer = run.observer
    now = run.clock.now
    moment = now()  # (perf) a state is entered when the one before it exits
    while True:
        run.transitions += 1  # (reliability) count states entered; see _checkpoint
        if run.transitions >= run.next_check:
            await _checkpoint(run)
            moment = now()
        state, direct, handler, entered, exited = plans[name]
        if observer is not None:
            observer.state(run.machine, name)
        step = Step(frame, state, data, entered, moment)
        if direct is not None:  # a state that never waits: no coroutine to make and await
            output, following = direct(step, data)
        else:
            output, following = await handler(step, data)
        if observer is not None:
            observer.transition(run.machine, name, following)
        if output is not data and meter.data_exceeds(output):
            raise StatesError(
                DATA_LIMIT_EXCEEDED,
                f"The state/task '{name}' returned a result with a size exceeding the maximum number "
                "of bytes service limit.",
            )
        moment = now()
        if step.assigned is None:
            frame.last_event = frame.recorder.note(exited, moment, frame.last_event, _NAME_OUTPUT, name, output)
        else:
            _assign(frame, step, meter)
            frame.record_details(exited, {"name": name, "output": output, "assignedVariables": step.assigned})
        if following is None:
            return output
        data = output
        name = following


#: States entered between two checkpoints (a yield to the event loop).
_CHECK_EVERY = 64


async def _checkpoint(run: Run) -> None:
    """Fail past ``max_transitions``; else yield once, so that a loop of states that never
    waits can still be timed out (TimeoutSeconds) or cancelled by the caller."""
    if run.transitions > run.max_transitions:
        raise StatesError(RUNTIME, transition_limit_cause(run.max_transitions))
    run.next_check = min(run.transitions + _CHECK_EVERY, run.max_transitions + 1)
    await anyio.lowlevel.checkpoint()


def _deadline(*timeouts: float | None) -> float | None:
    """The earliest of the timeouts given (``None``: no timeout)."""
    given = [t for t in timeouts if t]
    return min(given) if given else None


def _assign(frame: Frame, step: Step, meter: PayloadMeter) -> None:
    """Apply a state's staged assignments to its frame's variables, within AWS's limits."""
    assigned = step.assigned
    assert assigned is not None
    if frame.outer_names and not frame.outer_names.isdisjoint(assigned):
        taken = sorted(frame.outer_names.intersection(assigned))
        raise step.runtime(
            f"Cannot assign the variable(s) {', '.join(taken)}: a variable assigned in an outer scope "
            "cannot be assigned in a Parallel branch or Map iteration."
        )
    if meter.data_exceeds(assigned):  # one Assign (so each variable) is at most 256 KiB
        raise step.error(
            DATA_LIMIT_EXCEEDED,
            "The variables assigned by this state exceed the maximum size of 256 KiB for one Assign.",
        )
    frame.variables.update(assigned)
    if meter.exceeds_total(frame.variables):
        raise step.error(DATA_LIMIT_EXCEEDED, "The stored variables exceed the maximum total size of 10 MiB.")


def _deep_merge(base: dict[str, Any], extra: Any) -> dict[str, Any]:
    for key, value in (extra or {}).items():
        if isinstance(value, dict) and isinstance(base.get(key), dict):
            base[key] = _deep_merge(dict(base[key]), value)
        else:
            base[key] = copy_json(value)
    return base


def build_context(machine: StateMachine, data: Any, start: float, rng: random.Random, context: Any) -> dict[str, Any]:
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
    limits: Limits | None = None,
    execution_factory: Callable[..., Execution] = Execution,
    input_checked: bool = False,
) -> Execution:
    """Run ``machine`` on ``data`` to its end; the finished :class:`Execution`.

    ``data`` is copied and checked as StartExecution checks input, unless ``input_checked``
    says the caller already did (an Engine checks it when the execution is started).

    ``execution_factory`` builds the :class:`Execution` record (keyword arguments as
    ``Execution`` takes them): an Engine passes one that returns its live record, so it
    can follow, describe and abort the execution while it runs.

    ``limits`` bounds the execution (:class:`asl.limits.Limits`); when given, its
    ``max_payload_bytes`` is used instead of the ``max_payload_bytes`` argument.
    """
    start = clock.now()
    # (reliability) copied and checked as StartExecution checks it: InvalidExecutionInput
    if not input_checked:
        data = execution_input(data, limits.max_payload_bytes if limits is not None else max_payload_bytes)
    base = build_context(machine, data, start, rng, context)
    execution = execution_factory(
        name=base["Execution"]["Name"],
        arn=base["Execution"]["Id"],
        input=data,
        start_time=start,
        keep_history=history,
    )
    if limits is not None:  # (reliability) the bounds of issue 10
        max_payload_bytes = limits.max_payload_bytes
        execution.max_events = limits.max_history_events
    limits = limits or Limits()
    meter = PayloadMeter(max_payload_bytes)
    run = Run(machine, execution, resolvers, clock, rng, base, meter, mocks, current_observer())
    started = getattr(run.observer, "execution_started", None)
    if started is not None:  # optional Observer hook: a live view (`asl run --trace`) reads the growing history
        started(execution)
    if limits.max_transitions is not None:
        run.max_transitions = limits.max_transitions
        run.next_check = min(run.next_check, limits.max_transitions + 1)
    frame = Frame(run, {}, base, 0)
    execution.record("ExecutionStarted", start, 0, {"input": data, "roleArn": base["Execution"]["RoleArn"]})
    frame.last_event = 0
    timeout = _deadline(machine.timeout_seconds, limits.max_duration_seconds)
    jsonata_limits = use_limits(
        JsonataLimits(limits.jsonata_timeout_seconds, limits.jsonata_max_depth, limits.max_value_chars)
    )
    bounds = use_bounds(limits)
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
    finally:
        bounds.close()
        jsonata_limits.close()
    return execution


def _finish(execution: Execution, frame: Frame, status: str, error: str, cause: str | None) -> None:
    execution.status = status
    execution.error = error
    execution.cause = cause
    execution.stop_time = frame.run.clock.now()
    kind = "ExecutionTimedOut" if status == TIMED_OUT else "ExecutionFailed"
    frame.record(kind, error=error, cause=cause)
