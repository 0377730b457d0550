"""Task states, and the Retry/Catch loop shared by Task, Parallel and Map.

The loop reads top to bottom as AWS describes it: run the attempt; on an error, the
first retrier whose ErrorEquals matches decides (retry after its backoff while it has
attempts left); otherwise the first matching catcher sends the error output to its
Next state; otherwise the state fails. ``States.Runtime`` is never retried or caught.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from contextlib import nullcontext
from typing import TYPE_CHECKING, Any

import anyio

from ..errors import DATA_LIMIT_EXCEEDED, QUERY_EVALUATION_ERROR, RUNTIME, TIMEOUT, StatesError
from ..paths import PathNotFound
from ..resolvers import TaskCall, invoke, missing_resolver_error
from ..retry import backoff_delay, matches
from ..states import JSONATA
from ._observe import NOT_MOCKED
from ._states import apply_result_path, finish_with_result, input_path, stage_assign
from ._step import Step, compact_json

if TYPE_CHECKING:
    from ..states import Catcher, TaskState

__all__ = ["copy_json", "task_state", "with_retry_catch"]

Outcome = tuple[Any, str | None]


def copy_json(value: Any) -> Any:
    """A deep copy of JSON data (dicts, lists and scalars), much faster than ``copy.deepcopy``."""
    if isinstance(value, dict):
        return {k: copy_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [copy_json(v) for v in value]
    return value


async def with_retry_catch(step: Step, raw: Any, attempt: Callable[[], Awaitable[Outcome]]) -> Outcome:
    """Run ``attempt`` under the state's Retry and Catch."""
    state: Any = step.state
    retriers = state.retry
    catchers = state.catch
    if not retriers and not catchers:
        return await attempt()
    counts = [0] * len(retriers)
    while True:
        step.assigned = None
        try:
            return await attempt()
        except StatesError as err:
            if err.error == RUNTIME:
                raise
            if await _retry(step, retriers, counts, err):
                continue
            for index, catcher in enumerate(catchers):
                if matches(catcher.error_equals, err.error):
                    observer = step.frame.run.observer
                    if observer is not None:
                        observer.catch(step.frame.run.machine, step.state.name, index)
                    return _caught(step, catcher, raw, err)
            raise


async def _retry(step: Step, retriers: Any, counts: list[int], err: StatesError) -> bool:
    """Wait out the backoff of the first retrier matching ``err``; False when it may not retry."""
    for i, retrier in enumerate(retriers):
        if not matches(retrier.error_equals, err.error):
            continue
        if counts[i] >= retrier.max_attempts:
            return False
        run = step.frame.run
        delay = backoff_delay(
            retrier.interval_seconds,
            retrier.backoff_rate,
            counts[i],
            retrier.max_delay_seconds,
            retrier.jitter_strategy,
            run.rng,
        )
        counts[i] += 1
        if run.observer is not None:
            run.observer.retry(run.machine, step.state.name, i)
        step.retry_count += 1
        step.context["State"]["RetryCount"] = step.retry_count
        if delay > 0:
            await run.clock.sleep(delay)
        return True
    return False


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
    return await with_retry_catch(step, raw, lambda: _jsonpath_attempt(step, state, raw))


async def _jsonpath_attempt(step: Step, state: TaskState, raw: Any) -> Outcome:
    data = input_path(step, raw)
    payload = data if state.parameters is None else step.evaluate(state.parameters, data)
    timeout = _jsonpath_timeout(step, state, data)
    credentials: Any = state.credentials
    if credentials is not None:
        credentials = step.evaluate(credentials, data)
    result = await call_resolver(step, state, payload, timeout, credentials)
    return finish_with_result(step, raw, result)


async def _jsonata_attempt(step: Step, state: TaskState, raw: Any) -> Outcome:
    states = step.states_var(raw)
    payload = raw if state.arguments is None else step.jsonata(state.arguments, states, "Arguments")
    timeout = state.timeout_seconds
    if timeout is not None and not isinstance(timeout, (int, float)):
        timeout = _positive_int(step, step.jsonata(timeout, states, "TimeoutSeconds"), "TimeoutSeconds")
    credentials: Any = state.credentials
    if credentials is not None:
        credentials = step.jsonata(credentials, states, "Credentials")
    result = await call_resolver(step, state, payload, timeout, credentials)
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


def _is_lambda_arn(resource: str) -> bool:
    return resource.startswith("arn:") and ":lambda:" in resource and ":function:" in resource


async def call_resolver(
    step: Step, state: TaskState, payload: Any, timeout: float | None, credentials: Any = None
) -> Any:
    """Run the task's resolver, recording the task events AWS records."""
    frame = step.frame
    run = frame.run
    resource = state.resource
    kind = "LambdaFunction" if _is_lambda_arn(resource) else "Task"
    scheduled: dict[str, Any] = {"resource": resource, "parameters": payload}
    if timeout is not None:
        scheduled["timeoutInSeconds"] = timeout
    frame.record(kind + "Scheduled", **scheduled)
    if run.meter.exceeds(payload):
        err = StatesError(
            DATA_LIMIT_EXCEEDED,
            f"The state/task '{resource}' has an input with a size exceeding the maximum number of bytes "
            "service limit.",
        )
        frame.record(kind + "Failed", error=err.error, cause=err.cause)
        raise err
    if run.mocks is not None:
        mocked = _mocked(step, state, payload, kind)
        if mocked is not NOT_MOCKED:
            return mocked
    binding = run.resolvers.find(state.name, resource, payload)
    if binding is None:
        err = missing_resolver_error(state.name, resource, payload, step.context)
        frame.record(kind + "Failed", error=err.error, cause=err.cause)
        raise err
    frame.record(kind + "Started", resource=resource)
    call = TaskCall(
        state_name=state.name,
        resource=resource,
        attempt=step.retry_count,
        context=step.context,
        task_token=step.context.get("Task", {}).get("Token"),
        credentials=credentials,
    )
    try:
        with anyio.fail_after(timeout) if timeout else nullcontext():
            result = await invoke(binding, copy_json(payload), call)
    except TimeoutError:
        frame.record(kind + "TimedOut", error=TIMEOUT)
        raise StatesError(TIMEOUT, None) from None
    except StatesError as err:
        frame.record(kind + "Failed", error=err.error, cause=err.cause)
        raise
    _check_result(step, resource, result, kind)
    frame.record(kind + "Succeeded", output=result)
    return result


def _mocked(step: Step, state: TaskState, payload: Any, kind: str) -> Any:
    """The canned response for this invocation, recorded as AWS records a real one."""
    frame = step.frame
    mocks = frame.run.mocks
    assert mocks is not None
    try:
        result = mocks.respond(state.name)
    except StatesError as err:
        frame.record(kind + "Started", resource=state.resource)
        frame.record(kind + "Failed", error=err.error, cause=err.cause)
        raise
    if result is NOT_MOCKED:
        return result
    frame.record(kind + "Started", resource=state.resource)
    result = copy_json(result)
    _check_result(step, state.resource, result, kind)
    frame.record(kind + "Succeeded", output=result)
    return result


def _check_result(step: Step, resource: str, result: Any, kind: str) -> None:
    try:
        too_big = step.frame.run.meter.exceeds(result)
    except (TypeError, ValueError) as e:
        err = StatesError(
            RUNTIME,
            f"The resolver of state '{step.state.name}' returned a value that is not JSON data: {e}",
        )
        step.frame.record(kind + "Failed", error=err.error, cause=err.cause)
        raise err from None
    if too_big:
        err = StatesError(
            DATA_LIMIT_EXCEEDED,
            f"The state/task '{resource}' returned a result with a size exceeding the maximum number "
            "of bytes service limit.",
        )
        step.frame.record(kind + "Failed", error=err.error, cause=err.cause)
        raise err
