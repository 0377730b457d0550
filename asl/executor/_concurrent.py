"""Parallel and Map states on anyio task groups.

Each branch or iteration runs in its own :class:`Frame` (outer variables readable, its
assignments local). The first failure cancels the others and becomes the state's
error; children catch their own errors, so no ``ExceptionGroup`` ever leaves here.
"""

from __future__ import annotations

import math
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

import anyio

from ..errors import EXCEED_TOLERATED_FAILURE_THRESHOLD, QUERY_EVALUATION_ERROR, StatesError
from ..jsonata import unexpected_type_error
from ..states import JSONATA, MapState, ParallelState
from ._distributed import iteration_inputs, read_items, write_results
from ._events import DetachedFrame, abort_open_state, branch_failed, iteration_done, map_run_arn, record_aside
from ._frame import Frame
from ._states import finish_with_result, input_path
from ._step import Step, compact_json
from ._task import with_retry_catch

if TYPE_CHECKING:
    from ..states import Branch, State

__all__ = ["map_state", "parallel_state"]

Outcome = tuple[Any, str | None]


#: Iterations an inline Map runs at once when MaxConcurrency is 0 (AWS: "up to 40").
INLINE_MAP_CONCURRENCY = 40
#: A practical bound for a distributed Map without MaxConcurrency (AWS allows 10,000 children).
DISTRIBUTED_MAP_CONCURRENCY = 1000

#: Decides about a failed job: return the value to keep in its place, or raise to fail all.
OnFailure = Callable[[int, StatesError], Any]


#: States whose handlers never wait for anything (no I/O, no sleep, no user code).
_NEVER_WAITING_TYPES = frozenset({"Pass", "Choice", "Succeed", "Fail"})
_never_waits_memo: dict[int, tuple[Branch, bool]] = {}


def never_waits(branch: Branch) -> bool:
    """Whether running ``branch`` never waits: only Pass, Choice, Succeed and Fail states,
    and Parallel or Map states (without Retry, ItemReader or ResultWriter) made of such
    branches. Remembered per branch (a compiled machine never changes)."""
    hit = _never_waits_memo.get(id(branch))
    if hit is not None and hit[0] is branch:
        return hit[1]
    answer = all(_state_never_waits(state) for state in branch.states.values())
    if len(_never_waits_memo) >= 4096:
        _never_waits_memo.clear()
    _never_waits_memo[id(branch)] = (branch, answer)  # the reference keeps the id unique
    return answer


def _state_never_waits(state: State) -> bool:
    if state.type in _NEVER_WAITING_TYPES:
        return True
    if isinstance(state, ParallelState):
        return not state.retry and all(never_waits(branch) for branch in state.branches)
    if isinstance(state, MapState):
        return (
            not state.retry
            and state.item_reader is None
            and state.result_writer is None
            and never_waits(state.processor)
        )
    return False


async def _gather_in_order(
    count: int, run_one: Callable[[int], Awaitable[Any]], on_failure: OnFailure | None = None
) -> list[Any]:
    """:func:`_gather` for jobs that never wait, run one after the other in this task.

    A pool of tasks runs such jobs in the same order (each runs to its end, or to the
    transition loop's periodic yield, before the next starts), so this saves the tasks,
    not any concurrency; a failure stops the jobs not yet started, as the pool does.
    """
    results: list[Any] = [None] * count
    for index in range(count):
        try:
            results[index] = await run_one(index)
        except StatesError as err:
            if on_failure is None:
                raise
            results[index] = on_failure(index, err)
    return results


async def _gather(
    count: int,
    run_one: Callable[[int], Awaitable[Any]],
    workers: int,
    on_failure: OnFailure | None = None,
    *,
    in_order: bool = False,
) -> list[Any]:
    """Run jobs ``0..count-1`` on at most ``workers`` tasks; results in job order.

    A bounded pool of workers pulls the next index, so 100,000 items cost ``workers``
    tasks, not 100,000. The first failure that ``on_failure`` does not absorb cancels the
    rest and is raised (children catch their own errors, so no ExceptionGroup escapes).
    """
    if in_order:
        return await _gather_in_order(count, run_one, on_failure)
    results: list[Any] = [None] * count
    failure: list[BaseException] = []
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
            except BaseException as e:  # (reliability) KeyboardInterrupt, SystemExit, a resolver's CancelledError:
                if _being_cancelled(e):  # raised bare after the others stop, never in an ExceptionGroup
                    raise
                _fail(e)
                return

    def _fail(err: BaseException) -> None:
        if not failure:
            failure.append(err)
        tg.cancel_scope.cancel()

    async with anyio.create_task_group() as tg:
        for _ in range(max(1, min(workers, count))):
            tg.start_soon(worker)
    if failure:
        raise failure[0]
    return results


def _being_cancelled(exc: BaseException) -> bool:
    """Whether ``exc`` is this task's cancellation (not a CancelledError a resolver raised itself)."""
    return isinstance(exc, anyio.get_cancelled_exc_class()) and anyio.current_effective_deadline() == -math.inf


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
    started = frame.record("ParallelStateStarted")

    async def run_one(index: int) -> Any:
        child = frame.child()
        try:
            return await run_branch(child, state.branches[index], data)
        except StatesError as err:
            branch_failed(frame, child, started, err)
            raise
        except anyio.get_cancelled_exc_class():
            abort_open_state(child, started)
            raise

    in_order = all(never_waits(branch) for branch in state.branches)
    result = await _gather(len(state.branches), run_one, len(state.branches), in_order=in_order)
    record_aside(frame, "ParallelStateSucceeded")
    return finish_with_result(step, raw, result)


# -- Map ----------------------------------------------------------------------------------------


async def map_state(step: Step, raw: Any) -> Outcome:
    """Map: the processor once per item; the output is the results in item order."""
    state: MapState = step.state  # type: ignore[assignment]
    return await with_retry_catch(step, raw, lambda: _map_attempt(step, state, raw))


def item_selector(step: Step, state: MapState, raw: Any, data: Any) -> Callable[[int, Any], Any]:
    """``item_input(index, item)``: the ItemSelector applied to one item with ``$$.Map.Item``
    bound (the item itself when the state has no ItemSelector)."""
    selector = state.item_selector
    jsonata = state.query_language == JSONATA

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

    return item_input


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
    frame.record("MapStateStarted", length=len(items))
    tolerance = _tolerance(step, state, raw, data)
    item_input = item_selector(step, state, raw, data)

    distributed = state.mode == "DISTRIBUTED"

    # without batching each input is made when its iteration starts: 100,000 items never
    # hold 100,000 selected inputs at once
    # (a ResultWriter records each child's input, so those are made up front too)
    batched = state.item_batcher is not None or state.result_writer is not None
    inputs = iteration_inputs(step, state, raw, data, items, item_input) if batched else items
    failed = [False] * len(inputs)
    if distributed:
        frame.record("MapRunStarted", mapRunArn=map_run_arn(frame, state))

    async def run_one(index: int) -> Any:
        # a distributed Map's children are separate executions: they cannot read our variables,
        # and their events are in histories of their own
        child: Frame = DetachedFrame(frame, frame.context) if distributed else frame.child()
        started = child.record("MapIterationStarted", name=state.name, index=index)
        try:
            child_input = inputs[index] if batched else item_input(index, items[index])
            out = await run_branch(child, state.processor, child_input)
        except StatesError as err:
            failed[index] = True
            branch_failed(frame, child, started, err)
            iteration_done(frame, child, "MapIterationFailed", index, state.name)
            raise
        except anyio.get_cancelled_exc_class():
            abort_open_state(child, started)
            iteration_done(frame, child, "MapIterationAborted", index, state.name)
            raise
        iteration_done(frame, child, "MapIterationSucceeded", index, state.name)
        return out

    workers = limit or (DISTRIBUTED_MAP_CONCURRENCY if distributed else INLINE_MAP_CONCURRENCY)
    on_failure = _tolerated(step, tolerance, len(inputs)) if distributed else None
    try:
        result: Any = await _gather(len(inputs), run_one, workers, on_failure, in_order=never_waits(state.processor))
        if state.result_writer is not None:
            result = await write_results(step, state, raw, data, result, failed)
    except StatesError as err:
        if distributed:
            frame.record("MapRunFailed", error=err.error, cause=err.cause)
        raise
    if distributed:
        frame.record("MapRunSucceeded")
    record_aside(frame, "MapStateSucceeded")
    return finish_with_result(step, raw, result)
