"""Run one state once, as AWS's TestState API does, and say what would happen next.

The state runs through the executor's own phase functions (InputPath, Parameters,
ResultSelector, ResultPath, ...), so it behaves exactly as it does inside an execution;
this module only composes them, records what each phase produced (the inspection data)
and, instead of retrying or catching, reports the decision: ``RETRIABLE`` (a retrier has
attempts left), ``CAUGHT_ERROR`` (a catcher takes it, with its output and Next) or
``FAILED``.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any, ClassVar

import attrs

from .._home import DEFAULT_ACCOUNT, states_prefix
from .._time import format_timestamp
from ..errors import EXCEED_TOLERATED_FAILURE_THRESHOLD, RUNTIME, StatesError
from ..execution import Execution
from ..executor._concurrent import _map_items, _max_concurrency, _tolerance, _tolerated, item_selector
from ..executor._distributed import iteration_inputs, read_items
from ..executor._frame import Frame, Run
from ..executor._limits import MAX_PAYLOAD_BYTES, PayloadMeter
from ..executor._run import _HANDLERS
from ..executor._states import apply_result_path, input_path, jsonata_output, output_path, stage_assign
from ..executor._step import Step, compact_json
from ..executor._task import _caught, call_resolver, copy_json
from ..paths import PathNotFound
from ..retry import matches, retrier_delay
from ..states import JSONATA, MapState, ParallelState, PassState, State, TaskState
from ._request import SINGLE_STATE_NAME

if TYPE_CHECKING:
    import random

    from ..clock import Clock
    from ..resolvers import ResolverTable
    from ._request import Mock, Request

__all__ = ["TestStateResult", "run_request"]

SUCCEEDED = "SUCCEEDED"
FAILED = "FAILED"
RETRIABLE = "RETRIABLE"
CAUGHT_ERROR = "CAUGHT_ERROR"
_TEST_STATE_MACHINE = "TestStateMachine"
DEFAULT_ROLE_ARN = f"arn:aws:iam::{DEFAULT_ACCOUNT}:role/StepFunctions-{_TEST_STATE_MACHINE}-role"
"""The role a Task's TestState runs under when the request names none (AWS requires one there)."""


@attrs.frozen
class TestStateResult:
    """What AWS's TestState API answers: the status, the output or error, the next state."""

    __test__: ClassVar[bool] = False  # not a pytest test class, whatever its name

    status: str
    """``SUCCEEDED``, ``FAILED``, ``RETRIABLE`` (a retrier would retry) or ``CAUGHT_ERROR``."""
    output: Any = None
    """The state's output (SUCCEEDED, CAUGHT_ERROR)."""
    error: str | None = None
    cause: str | None = None
    next_state: str | None = None
    """The state that would run next (None at the end of a branch or on failure)."""
    inspection_data: dict[str, Any] | None = None
    """At DEBUG or TRACE level: what each processing phase produced (``input``,
    ``afterInputPath``, ``afterParameters``/``afterArguments``, ``result``,
    ``afterResultSelector``, ``afterResultPath``, ``variables``, ``errorDetails``, and a
    Map's ``afterItemsPath``, ``afterItemSelector``, ``afterItemBatcher``,
    ``maxConcurrency``, ``toleratedFailureCount``/``toleratedFailurePercentage``)."""


class _Inspection:
    """The inspection data being collected (nothing is kept at INFO level)."""

    __slots__ = ("data",)

    def __init__(self, level: str) -> None:
        self.data: dict[str, Any] | None = None if level == "INFO" else {}

    def __setitem__(self, key: str, value: Any) -> None:
        if self.data is not None:
            self.data[key] = copy_json(value)

    def error_details(self, **details: Any) -> None:
        if self.data is not None:
            self.data.setdefault("errorDetails", {}).update(details)


class _MockedTask:
    """The request's mock answering the tested Task (TaskMocks protocol)."""

    def __init__(self, mock: Mock, state_name: str) -> None:
        self.mock = mock
        self.state_name = state_name

    def respond(self, state_name: str) -> Any:
        if self.mock.error is not None:
            raise StatesError(self.mock.error, self.mock.cause)
        return copy_json(self.mock.result)


def _runs_a_task(state: State) -> bool:
    """Whether the state is a Task or holds one in a branch or processor (AWS asks a role of those)."""
    if isinstance(state, TaskState):
        return True
    branches = state.branches if isinstance(state, ParallelState) else ()
    if isinstance(state, MapState):
        branches = (state.processor,)
    return any(_runs_a_task(inner) for branch in branches for inner in branch.states.values())


def _default_context(data: Any, now: float, rng: random.Random, role_arn: str | None) -> dict[str, Any]:
    """The context object of a TestState call that gives none (an Express execution's)."""
    name = str(uuid.UUID(int=rng.getrandbits(128), version=4))
    prefix = states_prefix()
    return {
        "Execution": {
            "Id": f"{prefix}:express:{_TEST_STATE_MACHINE}:{name}",
            "Input": data,
            "Name": name,
            "RoleArn": role_arn,
            "StartTime": format_timestamp(now),
        },
        "StateMachine": {"Id": f"{prefix}:stateMachine:{_TEST_STATE_MACHINE}", "Name": _TEST_STATE_MACHINE},
    }


def _step(request: Request, run: Run, frame: Frame, data: Any) -> Step:
    step = Step(frame, request.state, data)
    if request.context is not None:
        context = copy_json(request.context)
        token = step.context.get("Task")
        if token is not None and "Task" not in context:
            context["Task"] = token
    else:
        context = step.context
        # AWS runs the state alone, under the name it gives a lone state, even when the request
        # picks it out of a whole machine by stateName.
        context["State"]["Name"] = SINGLE_STATE_NAME
        if "RetryCount" in context["State"]:
            context["State"]["RetryCount"] = request.retrier_retry_count
    step.context = context
    scope: Any = step.scope
    if scope is not step:  # a Step that keeps its Scope apart
        scope.context = context
    return step


def _role_arn(request: Request) -> str | None:
    """``$$.Execution.RoleArn``: the request's role; when it names none, the placeholder role AWS
    would have demanded for a state that runs a Task, and null for any other state (as AWS)."""
    if request.role_arn is not None or not _runs_a_task(request.state):
        return request.role_arn
    return DEFAULT_ROLE_ARN


async def run_request(request: Request, resolvers: ResolverTable, clock: Clock, rng: random.Random) -> TestStateResult:
    """Run the request's state once and report what AWS's TestState would."""
    now = clock.now()
    data = copy_json(request.input)
    base = _default_context(data, now, rng, _role_arn(request))
    execution = Execution(name=base["Execution"]["Name"], arn=base["Execution"]["Id"], input=data, start_time=now)
    state = request.state
    mocks = _MockedTask(request.mock, state.name) if request.mock is not None and isinstance(state, TaskState) else None
    run = Run(request.machine, execution, resolvers, clock, rng, base, PayloadMeter(MAX_PAYLOAD_BYTES), mocks)
    frame = Frame(run, copy_json(request.variables), base, 0)
    step = _step(request, run, frame, data)
    inspection = _Inspection(request.inspection_level)
    inspection["input"] = data
    try:
        output, following = await _attempt(step, request, data, inspection)
    except StatesError as err:
        return _failed(step, request, data, err, inspection)
    return _finished(step, SUCCEEDED, output, following, inspection)


def _finished(
    step: Step, status: str, output: Any, following: str | None, inspection: _Inspection, err: StatesError | None = None
) -> TestStateResult:
    variables = step.frame.variables
    if step.assigned is not None:
        variables.update(step.assigned)
    if variables:
        inspection["variables"] = variables
    return TestStateResult(
        status=status,
        output=output,
        error=err.error if err else None,
        cause=err.cause if err else None,
        next_state=following,
        inspection_data=inspection.data,
    )


def _failed(step: Step, request: Request, raw: Any, err: StatesError, inspection: _Inspection) -> TestStateResult:
    """RETRIABLE, CAUGHT_ERROR or FAILED: what the state's Retry and Catch make of ``err``."""
    state: Any = request.state
    if err.error != RUNTIME:
        for index, retrier in enumerate(getattr(state, "retry", ())):
            if not matches(retrier.error_equals, err.error):
                continue
            inspection.error_details(retryIndex=index)
            count = request.retrier_retry_count
            if count < retrier.max_attempts:
                delay = retrier_delay(retrier, count, step.frame.run.rng)
                inspection.error_details(retryBackoffIntervalSeconds=int(delay) if delay == int(delay) else delay)
                return TestStateResult(RETRIABLE, None, err.error, err.cause, None, inspection.data)
            break
        for index, catcher in enumerate(getattr(state, "catch", ())):
            if matches(catcher.error_equals, err.error):
                inspection.error_details(catchIndex=index)
                step.assigned = None
                try:
                    output, following = _caught(step, catcher, raw, err)
                except StatesError as failure:
                    return _finished(step, FAILED, None, None, inspection, failure)
                return _finished(step, CAUGHT_ERROR, output, following, inspection, err)
    return TestStateResult(FAILED, None, err.error, err.cause, None, inspection.data)


# -- one attempt per state type ----------------------------------------------------------------


async def _attempt(step: Step, request: Request, raw: Any, inspection: _Inspection) -> tuple[Any, str | None]:
    state = request.state
    if isinstance(state, TaskState):
        return await _task(step, state, raw, inspection)
    if isinstance(state, PassState):
        return _pass(step, state, raw, inspection)
    if request.mock is not None and isinstance(state, ParallelState):
        return _parallel(step, state, raw, request.mock, inspection)
    if request.mock is not None and isinstance(state, MapState):
        return await _map(step, state, raw, request, inspection)
    if isinstance(state, (MapState, ParallelState)):  # run for real, through the resolvers, once
        step.state = attrs.evolve(state, retry=(), catch=())
        try:
            return await _HANDLERS[state.type](step, raw)
        finally:
            step.state = state
    if state.query_language != JSONATA:
        inspection["afterInputPath"] = input_path(step, raw)
    return await _HANDLERS[state.type](step, raw)


def _finish(step: Step, raw: Any, result: Any, inspection: _Inspection) -> tuple[Any, str | None]:
    """The end of a Task, Parallel or Map, each phase recorded."""
    state: Any = step.state
    inspection["result"] = result
    if state.query_language == JSONATA:
        states = step.states_var(raw, result=result)
        stage_assign(step, state.assign, raw, states)
        return jsonata_output(step, states, result), state.next
    if state.result_selector is not None:
        result = step.evaluate(state.result_selector, result)
    inspection["afterResultSelector"] = result
    stage_assign(step, state.assign, result, None)
    placed = apply_result_path(step, state.result_path, raw, result)
    inspection["afterResultPath"] = placed
    return output_path(step, placed), state.next


def _effective_input(step: Step, raw: Any, inspection: _Inspection) -> Any:
    """JSONPath InputPath then Parameters, or JSONata Arguments, each recorded."""
    state: Any = step.state
    if state.query_language == JSONATA:
        if state.arguments is None:
            return raw
        payload = step.jsonata(state.arguments, step.states_var(raw), "Arguments")
        inspection["afterArguments"] = payload
        return payload
    data = input_path(step, raw)
    inspection["afterInputPath"] = data
    if state.parameters is not None:
        data = step.evaluate(state.parameters, data)
    inspection["afterParameters"] = data
    return data


async def _task(step: Step, state: TaskState, raw: Any, inspection: _Inspection) -> tuple[Any, str | None]:
    payload = _effective_input(step, raw, inspection)
    timeout = state.timeout_seconds if isinstance(state.timeout_seconds, (int, float)) else None
    result = await call_resolver(step, state, payload, timeout)
    return _finish(step, raw, result, inspection)


def _pass(step: Step, state: PassState, raw: Any, inspection: _Inspection) -> tuple[Any, str | None]:
    if state.query_language == JSONATA:
        states = step.states_var(raw)
        stage_assign(step, state.assign, raw, states)
        return jsonata_output(step, states, state.result if state.has_result else raw), state.next
    data = _effective_input(step, raw, inspection)
    result = state.result if state.has_result else data
    inspection["afterResultSelector"] = result
    stage_assign(step, state.assign, result, None)
    placed = apply_result_path(step, state.result_path, raw, result)
    inspection["afterResultPath"] = placed
    return output_path(step, placed), state.next


def _parallel(
    step: Step, state: ParallelState, raw: Any, mock: Mock, inspection: _Inspection
) -> tuple[Any, str | None]:
    _effective_input(step, raw, inspection)
    if mock.error is not None:
        raise StatesError(mock.error, mock.cause)
    return _finish(step, raw, copy_json(mock.result), inspection)


def _shown_path(text: str) -> str:
    """A reference path as AWS quotes it in TestState errors (``$$`` shown as ``$``)."""
    return text[1:] if text.startswith("$$") else text


def _items(step: Step, state: MapState, raw: Any, data: Any) -> list[Any]:
    if state.query_language == JSONATA or state.items_path is None:
        return _map_items(step, state, raw, data)
    try:
        items = state.items_path.evaluate(data, step.scope)
    except PathNotFound as e:
        raise step.runtime(f"Invalid path '{e.path}' : {e.detail}") from None
    if not isinstance(items, list):
        raise StatesError(RUNTIME, f'Reference path "{_shown_path(state.items_path.text)}" must point to array.')
    return items


async def _map(
    step: Step, state: MapState, raw: Any, request: Request, inspection: _Inspection
) -> tuple[Any, str | None]:
    mock = request.mock
    assert mock is not None
    jsonata = state.query_language == JSONATA
    data = raw if jsonata else input_path(step, raw)
    if not jsonata:
        inspection["afterInputPath"] = data
    if state.item_reader is not None:
        items = await _reader_items(step, state, raw, data, request.map_item_reader_data)
    else:
        items = _items(step, state, raw, data)
    inspection["afterItemsPath"] = items
    limit = _max_concurrency(step, state, raw, data)
    inspection["maxConcurrency"] = limit
    count, percentage = _tolerance(step, state, raw, data)
    if count is not None:
        inspection["toleratedFailureCount"] = count
    if percentage is not None:
        inspection["toleratedFailurePercentage"] = float(percentage)
    if state.item_selector is not None or state.item_batcher is not None:
        inputs = iteration_inputs(step, state, raw, data, items, item_selector(step, state, raw, data))
        inspection["afterItemBatcher" if state.item_batcher is not None else "afterItemSelector"] = inputs
    if mock.error is not None:
        raise StatesError(mock.error, mock.cause)
    failures = request.map_iteration_failure_count
    if failures and (count is not None or percentage is not None):  # no threshold: nothing to exceed
        on_failure = _tolerated(step, (count, percentage), max(len(items), failures))
        for index in range(failures):
            on_failure(index, StatesError(EXCEED_TOLERATED_FAILURE_THRESHOLD, None))
    return _finish(step, raw, copy_json(mock.result), inspection)


async def _reader_items(step: Step, state: MapState, raw: Any, data: Any, reader_data: Any) -> list[Any]:
    """The ItemReader's items: from ``mapItemReaderData`` when given, else from the resolvers."""
    if reader_data is None:
        return await read_items(step, state, raw, data)
    from ..resolvers import ResolverTable

    body = reader_data if isinstance(reader_data, str) else compact_json(reader_data)
    run = step.frame.run
    saved = run.resolvers
    run.resolvers = ResolverTable.build({"*": lambda _payload: {"Body": body}})
    try:
        return await read_items(step, state, raw, data)
    finally:
        run.resolvers = saved
