"""Parallel and Map states on anyio task groups.

Each branch or iteration runs in its own :class:`Frame` (outer variables readable, its
assignments local). The first failure cancels the others and becomes the state's
error; children catch their own errors, so no ``ExceptionGroup`` ever leaves here.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

import anyio

from ..errors import EXCEED_TOLERATED_FAILURE_THRESHOLD, QUERY_EVALUATION_ERROR, StatesError
from ..jsonata import unexpected_type_error
from ..states import JSONATA
from ._distributed import iteration_inputs, read_items, write_results
from ._frame import Frame
from ._states import finish_with_result, input_path
from ._step import Step, compact_json
from ._task import with_retry_catch

if TYPE_CHECKING:
    from ..states import MapState, ParallelState

__all__ = ["map_state", "parallel_state"]

Outcome = tuple[Any, str | None]


#: Iterations an inline Map runs at once when MaxConcurrency is 0 (AWS: "up to 40").
INLINE_MAP_CONCURRENCY = 40
#: A practical bound for a distributed Map without MaxConcurrency (AWS allows 10,000 children).
DISTRIBUTED_MAP_CONCURRENCY = 1000

#: Decides about a failed job: return the value to keep in its place, or raise to fail all.
OnFailure = Callable[[int, StatesError], Any]


async def _gather(
    count: int, run_one: Callable[[int], Awaitable[Any]], workers: int, on_failure: OnFailure | None = None
) -> list[Any]:
    """Run jobs ``0..count-1`` on at most ``workers`` tasks; results in job order.

    A bounded pool of workers pulls the next index, so 100,000 items cost ``workers``
    tasks, not 100,000. The first failure that ``on_failure`` does not absorb cancels the
    rest and is raised (children catch their own errors, so no ExceptionGroup escapes).
    """
    results: list[Any] = [None] * count
    failure: list[Exception] = []
    position = 0

    async def worker() -> None:
        nonlocal position
        while position < count and not failure:
            index = position
            position += 1
            try:
                results[index] = await run_one(index)
            except StatesError as err:
                if on_failure is None:
                    _fail(err)
                    return
                try:
                    results[index] = on_failure(index, err)
                except Exception as final:
                    _fail(final)
                    return
            except Exception as e:
                _fail(e)
                return

    def _fail(err: Exception) -> None:
        if not failure:
            failure.append(err)
        tg.cancel_scope.cancel()

    async with anyio.create_task_group() as tg:
        for _ in range(max(1, min(workers, count))):
            tg.start_soon(worker)
    if failure:
        raise failure[0]
    return results


# -- Parallel -----------------------------------------------------------------------------------


async def parallel_state(step: Step, raw: Any) -> Outcome:
    """Parallel: every branch on the same input; the output is their outputs in order."""
    state: ParallelState = step.state  # type: ignore[assignment]
    return await with_retry_catch(step, raw, lambda: _parallel_attempt(step, state, raw))


async def _parallel_attempt(step: Step, state: ParallelState, raw: Any) -> Outcome:
    from ._run import run_branch

    frame = step.frame
    jsonata = state.query_language == JSONATA
    if jsonata:
        states = step.states_var(raw)
        data = raw if state.arguments is None else step.jsonata(state.arguments, states, "Arguments")
    else:
        data = input_path(step, raw)
        if state.parameters is not None:
            data = step.evaluate(state.parameters, data)
    frame.record("ParallelStateStarted")

    async def run_one(index: int) -> Any:
        return await run_branch(frame.child(), state.branches[index], data)

    try:
        result = await _gather(len(state.branches), run_one, len(state.branches))
    except StatesError as err:
        frame.record("ParallelStateFailed", error=err.error, cause=err.cause)
        raise
    frame.record("ParallelStateSucceeded")
    return finish_with_result(step, raw, result)


# -- Map ----------------------------------------------------------------------------------------


async def map_state(step: Step, raw: Any) -> Outcome:
    """Map: the processor once per item; the output is the results in item order."""
    state: MapState = step.state  # type: ignore[assignment]
    return await with_retry_catch(step, raw, lambda: _map_attempt(step, state, raw))


def _map_items(step: Step, state: MapState, raw: Any, data: Any) -> list[Any]:
    if state.query_language == JSONATA:
        if state.items is None:
            items = raw
        else:
            items = step.jsonata(state.items, step.states_var(raw), "Items")
            if not isinstance(items, list):
                text = getattr(state.items, "text", "")
                raise step.prefixed(unexpected_type_error(text, "Items", "array", items))
        if not isinstance(items, list):
            raise step.error(
                QUERY_EVALUATION_ERROR, f"Map state input must be an array but was: {compact_json(items)}"
            )
        return items
    items = data
    if state.items_path is not None:
        items = step.path(state.items_path, data)
    if not isinstance(items, list):
        raise step.runtime(f"Map state input must be an array but was: {compact_json(items)}")
    return items


def _shown(value: Any) -> str:
    return value if isinstance(value, str) else compact_json(value)


def _as_int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().lstrip("+-").isdigit():
        return int(value)
    return None


def _as_float(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            return None
    return None


def _path_number(step: Step, path: Any, data: Any, field: str, kind: str) -> Any:
    """A number read by a ``...Path`` field; AWS also takes numeric strings."""
    value = step.path(path, data)
    number = _as_int(value) if kind == "integer" else _as_float(value)
    if number is None:
        raise step.runtime(
            f'The {field} field refers to value "{_shown(value)}" which is not a valid {kind}: {path.text}'
        )
    return number


def _field_number(step: Step, value: Any, raw: Any, field: str) -> Any:
    """A number given literally or (JSONata) as an expression."""
    if value is None or isinstance(value, (int, float)):
        return value
    return step.jsonata(value, step.states_var(raw), field)


def _max_concurrency(step: Step, state: MapState, raw: Any, data: Any) -> int:
    if state.max_concurrency_path is not None:
        return int(_path_number(step, state.max_concurrency_path, data, "MaxConcurrencyPath", "integer"))
    value = _field_number(step, state.max_concurrency, raw, "MaxConcurrency")
    return int(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else 0


def _tolerance(step: Step, state: MapState, raw: Any, data: Any) -> tuple[int | None, float | None]:
    """(ToleratedFailureCount, ToleratedFailurePercentage), checked as AWS checks them."""
    if state.tolerated_failure_count_path is not None:
        count = _path_number(step, state.tolerated_failure_count_path, data, "ToleratedFailureCountPath", "integer")
    else:
        count = _field_number(step, state.tolerated_failure_count, raw, "ToleratedFailureCount")
    if state.tolerated_failure_percentage_path is not None:
        percentage = _path_number(
            step, state.tolerated_failure_percentage_path, data, "ToleratedFailurePercentagePath", "float"
        )
    else:
        percentage = _field_number(step, state.tolerated_failure_percentage, raw, "ToleratedFailurePercentage")
    if count is not None and count < 0:
        raise step.runtime("ToleratedFailureCount cannot be negative.")
    if percentage is not None and not 0 <= percentage <= 100:
        raise step.runtime("ToleratedFailurePercentage must be between 0 and 100.")
    return count, percentage


def _tolerated(step: Step, tolerance: tuple[int | None, float | None], total: int) -> OnFailure:
    """A distributed Map's failure policy: absorb failures up to the tolerated threshold."""
    count, percentage = tolerance
    failed = 0

    def on_failure(index: int, err: StatesError) -> Any:
        nonlocal failed
        failed += 1
        over_count = count is not None and failed > count
        over_percentage = percentage is not None and failed * 100 > percentage * total
        if (count is None and percentage is None) or over_count or over_percentage:
            raise StatesError(
                EXCEED_TOLERATED_FAILURE_THRESHOLD,
                "The specified tolerated failure threshold was exceeded",
            )
        output = {"Error": err.error}
        if err.cause is not None:
            output["Cause"] = err.cause
        return output

    return on_failure


async def _map_attempt(step: Step, state: MapState, raw: Any) -> Outcome:
    from ._run import run_branch

    frame = step.frame
    jsonata = state.query_language == JSONATA
    data = raw if jsonata else input_path(step, raw)
    if state.item_reader is not None:
        items = await read_items(step, state, raw, data)
    else:
        items = _map_items(step, state, raw, data)
    limit = _max_concurrency(step, state, raw, data)
    tolerance = _tolerance(step, state, raw, data)
    frame.record("MapStateStarted", length=len(items))
    selector = state.item_selector

    def item_input(index: int, item: Any) -> Any:
        if selector is None:
            return item
        context = dict(step.context)
        context["Map"] = {"Item": {"Index": index, "Value": item}}
        if jsonata:
            states = {"input": raw, "context": context}
            return step.jsonata(selector, states, "ItemSelector")  # type: ignore[arg-type]
        saved = step.scope.context
        step.scope.context = context
        try:
            return step.evaluate(selector, data)  # type: ignore[arg-type]
        finally:
            step.scope.context = saved

    distributed = state.mode == "DISTRIBUTED"

    # without batching each input is made when its iteration starts: 100,000 items never
    # hold 100,000 selected inputs at once
    # (a ResultWriter records each child's input, so those are made up front too)
    batched = state.item_batcher is not None or state.result_writer is not None
    inputs = iteration_inputs(step, state, raw, data, items, item_input) if batched else items
    failed = [False] * len(inputs)

    async def run_one(index: int) -> Any:
        # a distributed Map's children are separate executions: they cannot read our variables
        child: Frame = Frame(frame.run, {}, frame.context, frame.last_event) if distributed else frame.child()
        child.record("MapIterationStarted", index=index, name=state.name)
        try:
            child_input = inputs[index] if batched else item_input(index, items[index])
            out = await run_branch(child, state.processor, child_input)
        except StatesError as err:
            failed[index] = True
            child.record("MapIterationFailed", index=index, name=state.name, error=err.error, cause=err.cause)
            raise
        child.record("MapIterationSucceeded", index=index, name=state.name)
        return out

    workers = limit or (DISTRIBUTED_MAP_CONCURRENCY if distributed else INLINE_MAP_CONCURRENCY)
    on_failure = _tolerated(step, tolerance, len(inputs)) if distributed else None
    try:
        result: Any = await _gather(len(inputs), run_one, workers, on_failure)
        if state.result_writer is not None:
            result = await write_results(step, state, raw, data, result, failed)
    except StatesError as err:
        frame.record("MapStateFailed", error=err.error, cause=err.cause)
        raise
    frame.record("MapStateSucceeded")
    return finish_with_result(step, raw, result)
