"""Task states, and the Retry/Catch loop shared by Task, Parallel and Map.

The loop reads top to bottom as AWS describes it: run the attempt; on an error, the
first retrier whose ErrorEquals matches decides (retry after its backoff while it has
attempts left); otherwise the first matching catcher sends the error output to its
Next state; otherwise the state fails. ``States.Runtime`` is never retried or caught.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

import anyio

from .._json import copy_json
from ..errors import DATA_LIMIT_EXCEEDED, QUERY_EVALUATION_ERROR, RUNTIME, TIMEOUT, StatesError
from ..limits import resolver_result
from ..paths import PathNotFound, Template
from ..resolvers import DIRECT_PROTOCOLS, Later, TaskCall, call_direct, invoke, missing_resolver_error
from ..retry import matches, retrier_delay
from ..states import JSONATA
from ._events import TaskEvents, state_failed
from ._observe import NOT_MOCKED
from ._states import apply_result_path, finish_with_result, input_path, stage_assign
from ._step import Step, compact_json

if TYPE_CHECKING:
    from ..resolvers import Binding
    from ..states import Catcher, TaskState
    from ._frame import Run

__all__ = ["copy_json", "task_state", "with_retry_catch"]

Outcome = tuple[Any, str | None]


async def with_retry_catch(step: Step, raw: Any, attempt: Callable[[], Awaitable[Outcome]]) -> Outcome:
    """Run ``attempt`` under the state's Retry and Catch."""
    state: Any = step.state
    if not state.retry and not state.catch:
        try:
            return await attempt()
        except StatesError as err:
            state_failed(step, err)
            raise
    counts = [0] * len(state.retry)
    while True:
        step.assigned = None
        try:
            return await attempt()
        except StatesError as err:
            recovered = _recover(step, raw, counts, err)
        if isinstance(recovered, tuple):
            return recovered
        if _must_wait(step.frame.run, recovered):
            await step.frame.run.clock.sleep(recovered)


def _must_wait(run: Run, delay: float) -> bool:
    """Whether a retry's backoff has to be awaited (``clock.sleep``): not when it is 0, nor when
    a virtual clock could jump it at once (:meth:`~asl.clock.VirtualClock.jump_if_idle`)."""
    return delay > 0 and (run.jump_if_idle is None or not run.jump_if_idle(delay))


def _recover(step: Step, raw: Any, counts: list[int], err: StatesError) -> float | Outcome:
    """After a failed attempt: the backoff before the next one (a float), or the output and
    next state of the catcher that caught ``err``. Raises ``err`` when it is final.

    The first retrier whose ErrorEquals matches decides: it retries while it has attempts left.
    """
    error = err.error
    if error == RUNTIME:
        raise err
    state: Any = step.state
    for i, retrier in enumerate(state.retry):
        if _matches(retrier.error_equals, error):
            count = counts[i]
            if count >= retrier.max_attempts:
                break
            run = step.frame.run
            delay = retrier_delay(retrier, count, run.rng)
            counts[i] = count + 1
            if run.observer is not None:
                run.observer.retry(run.machine, state.name, i)
            run.execution.record_retry(state.name)
            step.count_retry(run.new_token)
            return delay
    state_failed(step, err)
    for index, catcher in enumerate(state.catch):
        if _matches(catcher.error_equals, error):
            observer = step.frame.run.observer
            if observer is not None:
                observer.catch(step.frame.run.machine, state.name, index)
            return _caught(step, catcher, raw, err)
    raise err


_MATCHES: dict[tuple[tuple[str, ...], str], bool] = {}


def _matches(error_equals: tuple[str, ...], error: str) -> bool:
    """:func:`~asl.retry.matches`, remembered: a retried task tends to fail the same way again."""
    key = (error_equals, error)
    hit = _MATCHES.get(key)
    if hit is None:
        if len(_MATCHES) >= 4096:
            _MATCHES.clear()
        hit = _MATCHES[key] = matches(error_equals, error)
    return hit


def _caught(step: Step, catcher: Catcher, raw: Any, err: StatesError) -> Outcome:
    error_output: dict[str, Any] = {"Error": err.error}
    if err.cause is not None:
        error_output["Cause"] = err.cause
    step.assigned = None
    if step.state.query_language == JSONATA:
        states = step.states_var(raw, error_output=error_output)
        stage_assign(step, catcher.assign, raw, states)
        output = error_output if catcher.output is None else step.jsonata(catcher.output, states, "Output")
        return output, catcher.next
    stage_assign(step, catcher.assign, error_output, None)
    return apply_result_path(step, catcher.result_path, raw, error_output), catcher.next


# -- Task ------------------------------------------------------------------------------------


async def task_state(step: Step, raw: Any) -> Outcome:
    """Task: call the resolver for the resource, under Retry and Catch."""
    state: TaskState = step.state  # type: ignore[assignment]
    if state.query_language == JSONATA:
        return await with_retry_catch(step, raw, lambda: _jsonata_attempt(step, state, raw))
    run = step.frame.run
    plan = run.task_plans.get(id(state))  # (perf) decided once per state and resolver table
    if plan is None or plan[0] is not state or plan[1] is not run.resolvers:
        repeats = bool(state.retry) and _inputs_repeat(state)
        plan = run.task_plans[id(state)] = (state, run.resolvers, repeats, _direct_binding(run, state))
    _, _, repeats, binding = plan
    memo: list[Any] | None = [] if repeats else None
    counts = [0] * len(state.retry)
    events = TaskEvents(step.frame, state.resource) if binding is not None else None
    while True:
        step.assigned = None
        # (perf) an attempt runs without a coroutine of its own and returns its failure
        # rather than raising it, unless the resolver or the state makes it wait
        try:
            attempt = _jsonpath_attempt(step, state, raw, memo, binding, events)
            if isinstance(attempt, tuple):
                return attempt
            if isinstance(attempt, Later):
                return await attempt.awaitable  # type: ignore[no-any-return]
            err = attempt
        except StatesError as raised:
            err = raised
        recovered = _recover(step, raw, counts, err)
        if isinstance(recovered, tuple):
            return recovered
        if _must_wait(step.frame.run, recovered):
            await step.frame.run.clock.sleep(recovered)


def _direct_binding(run: Run, state: TaskState) -> Binding | None:
    """The binding a JSONPath Task's attempts call through :func:`~asl.resolvers.call_direct`,
    or None when they take :func:`call_resolver`'s way (a timeout, mocks, an envelope to build
    or an integration around the call, no resolver at all)."""
    if (
        run.mocks is not None
        or state.timeout_seconds is not None
        or state.timeout_seconds_path is not None
        or _LAMBDA_INVOKE in state.resource  # the function (so the binding) is named in each payload
    ):
        return None
    binding = run.find_binding(state.name, state.resource, None)
    if binding is None or binding.around is not None or binding.protocol not in DIRECT_PROTOCOLS:
        return None
    return binding  # type: ignore[no-any-return]


def _jsonpath_attempt(
    step: Step,
    state: TaskState,
    raw: Any,
    memo: list[Any] | None,
    binding: Binding | None,
    events: TaskEvents | None,
) -> Outcome | StatesError | Later:
    """One attempt: its outcome, the error it failed with, or (when it has to wait) a
    :class:`Later` whose awaitable gives the outcome.

    ``memo`` (when every attempt gets the same inputs) keeps the first attempt's, and
    whether its payload was found within the quota. With a ``binding`` (and its ``events``)
    the resolver is called here, as :func:`call_resolver` would call it.
    """
    if memo:
        payload, timeout, credentials, heartbeat, sized = memo
    else:
        data = input_path(step, raw)
        payload = data if state.parameters is None else step.evaluate(state.parameters, data)
        timeout = _jsonpath_timeout(step, state, data)
        credentials = state.credentials
        if credentials is not None:
            credentials = step.evaluate(credentials, data)  # type: ignore[arg-type]
        heartbeat = state.heartbeat_seconds
        if state.heartbeat_seconds_path is not None:  # (engine) callback and activity heartbeats
            heartbeat = _positive_int(step, step.path(state.heartbeat_seconds_path, data), "HeartbeatSecondsPath")
        sized = False
        if memo is not None:
            memo[:] = (payload, timeout, credentials, heartbeat, False)
    if binding is None or events is None:
        return Later(_finish_later(step, raw, call_resolver(step, state, payload, timeout, credentials, heartbeat)))
    run = step.frame.run
    if not sized:
        if run.meter.data_exceeds(payload):
            events.scheduled(payload, None, heartbeat)
            _check_payload(run, events, payload)  # fails the task
        if memo is not None:
            memo[4] = True
    events.begin(payload, heartbeat)
    request_bits = run.rng.getrandbits(128)
    call = _task_call(step, state, credentials, heartbeat, request_bits, events) if binding.arity == 2 else None
    try:
        result = call_direct(binding, copy_json(payload), call, request_bits, state.name, state.resource)
    except StatesError as err:
        events.failed(err)
        raise
    kind = type(result)
    if kind is Later:
        return Later(_finish_later(step, raw, _accept_later(step, state, events, result.awaitable)))
    if kind is StatesError or isinstance(result, StatesError):
        events.failed(result)
        return result  # type: ignore[no-any-return]
    return finish_with_result(step, raw, _accept(step, state, events, result, copied=True))


async def _finish_later(step: Step, raw: Any, result: Awaitable[Any]) -> Outcome:
    return finish_with_result(step, raw, await result)


_LAMBDA_INVOKE = ":states:::lambda:invoke"

#: Intrinsic functions whose value changes from one call to the next.
_RANDOM_INTRINSICS = ("States.UUID", "States.MathRandom")
_repeats_memo: dict[int, tuple[TaskState, bool]] = {}


def _inputs_repeat(state: TaskState) -> bool:
    """Whether every attempt of a JSONPath Task gets the same payload, timeout, credentials and
    heartbeat, so a retry can reuse the first attempt's: nothing they read changes between
    attempts (the input and the variables do not; ``$$`` does, its ``State.RetryCount``; a
    random intrinsic does). Remembered per state (a compiled machine never changes)."""
    hit = _repeats_memo.get(id(state))
    if hit is not None and hit[0] is state:
        return hit[1]
    texts: list[Any] = [
        path.text
        for path in (state.input_path, state.timeout_seconds_path, state.heartbeat_seconds_path)
        if path is not None
    ]
    for template in (state.parameters, state.credentials):
        if template is not None:
            texts.extend(_dynamic_values(template.value) if isinstance(template, Template) else [None])
    answer = all(
        isinstance(text, str) and "$$" not in text and not any(name in text for name in _RANDOM_INTRINSICS)
        for text in texts
    )
    if len(_repeats_memo) >= 4096:
        _repeats_memo.clear()
    _repeats_memo[id(state)] = (state, answer)  # the reference keeps the id unique
    return answer


def _dynamic_values(value: Any) -> list[Any]:
    """The values of every ``"key.$"`` member of a payload template, at any depth."""
    found: list[Any] = []
    if isinstance(value, dict):
        for key, member in value.items():
            if isinstance(key, str) and key.endswith(".$"):
                found.append(member)
            else:
                found.extend(_dynamic_values(member))
    elif isinstance(value, list):
        for item in value:
            found.extend(_dynamic_values(item))
    return found


async def _jsonata_attempt(step: Step, state: TaskState, raw: Any) -> Outcome:
    states = step.states_var(raw)
    payload = raw if state.arguments is None else step.jsonata(state.arguments, states, "Arguments")
    timeout = state.timeout_seconds
    if timeout is not None and not isinstance(timeout, (int, float)):
        timeout = _positive_int(step, step.jsonata(timeout, states, "TimeoutSeconds"), "TimeoutSeconds")
    credentials: Any = state.credentials
    if credentials is not None:
        credentials = step.jsonata(credentials, states, "Credentials")
    heartbeat = state.heartbeat_seconds
    if heartbeat is not None and not isinstance(heartbeat, (int, float)):  # (engine) callback heartbeats
        heartbeat = _positive_int(step, step.jsonata(heartbeat, states, "HeartbeatSeconds"), "HeartbeatSeconds")
    result = await call_resolver(step, state, payload, timeout, credentials, heartbeat)
    return finish_with_result(step, raw, result)


def _jsonpath_timeout(step: Step, state: TaskState, data: Any) -> float | None:
    if state.timeout_seconds_path is None:
        return state.timeout_seconds  # type: ignore[return-value]
    try:
        value = state.timeout_seconds_path.evaluate(data, step.scope)
    except PathNotFound as e:
        raise step.runtime(f"Invalid path '{e.path}' : {e.detail}") from None
    return _positive_int(step, value, "TimeoutSecondsPath")


def _positive_int(step: Step, value: Any, field: str) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value != int(value) or value < 1:
        error = QUERY_EVALUATION_ERROR if not field.endswith("Path") else RUNTIME
        raise step.error(error, f"The {field} field must be a positive integer, but was: {compact_json(value)}")
    return int(value)


async def call_resolver(
    step: Step,
    state: TaskState,
    payload: Any,
    timeout: float | None,
    credentials: Any = None,
    heartbeat: float | None = None,
) -> Any:
    """Run the task's resolver, recording the task events AWS records."""
    frame = step.frame
    run = frame.run
    resource = state.resource
    kind = TaskEvents(frame, resource)
    _schedule(run, kind, payload, timeout, heartbeat)
    if run.mocks is not None:
        mocked = _mocked(step, state, payload, kind)
        if mocked is not NOT_MOCKED:
            return mocked
    request_bits = run.rng.getrandbits(128)
    binding = run.find_binding(state.name, resource, payload)
    if binding is None:
        request_id = str(uuid.UUID(int=request_bits, version=4))
        err = missing_resolver_error(state.name, resource, payload, step.context, request_id)
        kind.started()  # AWS starts the call and the service fails it
        kind.failed(err)
        raise err
    if binding.around is None or kind.kind != "Activity":  # (engine) a queued activity starts when a worker takes it
        kind.started()
    call = _task_call(step, state, credentials, heartbeat, request_bits, kind)
    try:
        # (reliability) copies both ways (the resolver may keep and change what it returned); JSON only
        if timeout:
            with anyio.fail_after(timeout):
                result = await invoke(binding, copy_json(payload), call)
        else:  # (perf) no context manager to enter and leave
            result = await invoke(binding, copy_json(payload), call)
    except TimeoutError:
        kind.timed_out()
        raise StatesError(TIMEOUT, None) from None
    except StatesError as err:
        kind.failed(err)
        raise
    return _accept(step, state, kind, result)


def _schedule(run: Run, kind: TaskEvents, payload: Any, timeout: float | None, heartbeat: float | None) -> None:
    """``...Scheduled``; a payload over the quota fails the task at once."""
    kind.scheduled(payload, timeout, heartbeat)
    _check_payload(run, kind, payload)


def _check_payload(run: Run, kind: TaskEvents, payload: Any) -> None:
    """Fail the task (``...Failed``, States.DataLimitExceeded) when its payload is over the quota."""
    if run.meter.data_exceeds(payload):
        err = StatesError(
            DATA_LIMIT_EXCEEDED,
            f"The state/task '{kind.resource}' has an input with a size exceeding the maximum number of bytes "
            "service limit.",
        )
        kind.failed(err)
        raise err


def _task_call(
    step: Step, state: TaskState, credentials: Any, heartbeat: float | None, request_bits: int, kind: TaskEvents
) -> TaskCall:
    return TaskCall(
        state_name=state.name,
        resource=state.resource,
        attempt=step.retry_count,
        context=step.read_context,  # (perf) built if the resolver reads it; most never do
        task_token=step.task_token(),
        credentials=credentials,
        heartbeat_seconds=heartbeat,
        request_bits=request_bits,
        events=kind,
    )


def _accept(step: Step, state: TaskState, kind: TaskEvents, result: Any, *, copied: bool = False) -> Any:
    """A resolver's result made the task's: copied and checked to be JSON data (unless it is
    ``copied`` already), checked against the quota, recorded as ``...Succeeded``."""
    if not copied:
        try:
            result = resolver_result(state.name, result)
        except StatesError as err:
            kind.failed(err)
            raise
    _check_result(step, state.resource, result, kind, trusted=True)  # resolver_result made it JSON data
    kind.succeeded(result)
    return result


async def _accept_later(step: Step, state: TaskState, kind: TaskEvents, result: Awaitable[Any]) -> Any:
    try:
        value = await result
    except StatesError as err:
        kind.failed(err)
        raise
    return _accept(step, state, kind, value, copied=True)


def _mocked(step: Step, state: TaskState, payload: Any, kind: TaskEvents) -> Any:
    """The canned response for this invocation, recorded as AWS records a real one."""
    frame = step.frame
    mocks = frame.run.mocks
    assert mocks is not None
    try:
        result = mocks.respond(state.name)
    except StatesError as err:
        kind.started()
        kind.failed(err)
        raise
    if result is NOT_MOCKED:
        return result
    kind.started()
    result = copy_json(result)
    _check_result(step, state.resource, result, kind)
    kind.succeeded(result)
    return result


def _check_result(step: Step, resource: str, result: Any, kind: TaskEvents, *, trusted: bool = False) -> None:
    """Fail the task when its result is not JSON data (unless ``trusted``) or is over the quota."""
    meter = step.frame.run.meter
    try:
        too_big = meter.data_exceeds(result) if trusted else meter.exceeds(result)
    except (TypeError, ValueError) as e:
        err = StatesError(
            RUNTIME,
            f"The resolver of state '{step.state.name}' returned a value that is not JSON data: {e}",
        )
        kind.failed(err)
        raise err from None
    if too_big:
        err = StatesError(
            DATA_LIMIT_EXCEEDED,
            f"The state/task '{resource}' returned a result with a size exceeding the maximum number "
            "of bytes service limit.",
        )
        kind.failed(err)
        raise err
