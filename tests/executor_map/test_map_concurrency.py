"""Map iterations running concurrently: order, MaxConcurrency, cancellation, tolerated failures, scope."""

from __future__ import annotations

from typing import Any

import anyio
import pytest

import asl
from asl.testing import VirtualClock

from . import START, WORK, WORK_PROCESSOR_STATES, fail, map_machine, run

MODES = ["INLINE", "DISTRIBUTED"]


def working(mode: str, **fields: Any) -> dict[str, Any]:
    """A Map over ``$.items`` whose children run the WORK task."""
    return map_machine(mode, WORK_PROCESSOR_STATES, ItemsPath="$.items", **fields)


class Gauge:
    """An async resolver that sleeps ``delay(item)`` virtual seconds, counting children at work."""

    def __init__(self, delay: Any = 1) -> None:
        self.delay = delay
        self.running = 0
        self.peak = 0
        self.finished: list[Any] = []

    async def __call__(self, item: Any) -> Any:
        self.running += 1
        self.peak = max(self.peak, self.running)
        try:
            await anyio.sleep(self.delay(item) if callable(self.delay) else self.delay)
        finally:
            self.running -= 1
        self.finished.append(item)
        return item


@pytest.mark.parametrize("mode", MODES)
def test_results_keep_item_order_when_children_finish_out_of_order(mode: str) -> None:
    """Outputs are in item order although later items finish first."""
    gauge = Gauge(lambda item: 10 - item)
    assert run(working(mode), {"items": [0, 1, 2, 3, 4]}, resolvers={WORK: gauge}) == [0, 1, 2, 3, 4]
    assert gauge.finished == [4, 3, 2, 1, 0]


@pytest.mark.parametrize("mode", MODES)
def test_max_concurrency_is_the_peak_of_children_at_work(mode: str) -> None:
    """With MaxConcurrency 3 and ten items, exactly three children run at once at the peak."""
    gauge = Gauge()
    run(working(mode, MaxConcurrency=3), {"items": list(range(10))}, resolvers={WORK: gauge})
    assert gauge.peak == 3


def test_max_concurrency_paces_the_work() -> None:
    """Ten one-second children, three at a time, take four seconds of virtual time."""
    clock = VirtualClock(START)
    run(working("INLINE", MaxConcurrency=3), {"items": list(range(10))}, resolvers={WORK: Gauge()}, clock=clock)
    assert clock.now() - START.timestamp() == pytest.approx(4, abs=0.01)


def test_max_concurrency_path_bounds_the_children() -> None:
    """MaxConcurrencyPath reads the bound from the input."""
    gauge = Gauge()
    run(working("INLINE", MaxConcurrencyPath="$.limit"), {"items": list(range(6)), "limit": 2}, resolvers={WORK: gauge})
    assert gauge.peak == 2


def test_unbounded_inline_map_runs_all_children_at_once() -> None:
    """Without MaxConcurrency, eight children all run at the same time."""
    gauge = Gauge()
    run(working("INLINE"), {"items": list(range(8))}, resolvers={WORK: gauge})
    assert gauge.peak == 8


def test_inline_failure_cancels_the_other_iterations() -> None:
    """When one inline iteration fails, iterations still at work are cancelled and never finish."""
    finished: list[int] = []

    async def work(item: int) -> int:
        await anyio.sleep(1 if item == 0 else 100)
        if item == 0:
            raise asl.StatesError("Bad.Item", "zero")
        finished.append(item)
        return item

    err = fail(working("INLINE"), {"items": [0, 1, 2, 3]}, resolvers={WORK: work})
    assert (err.error, finished) == ("Bad.Item", [])


def test_inline_failure_ends_the_map_without_waiting() -> None:
    """The failing Map ends when the failure happens, not when the slow iterations would have ended."""
    clock = VirtualClock(START)

    async def work(item: int) -> int:
        await anyio.sleep(1 if item == 0 else 100)
        if item == 0:
            raise asl.StatesError("Bad.Item", "zero")
        return item

    fail(working("INLINE"), {"items": [0, 1]}, resolvers={WORK: work}, clock=clock)
    assert clock.now() - START.timestamp() < 100


# -- tolerated failures ----------------------------------------------------------------------------


def failing(item: int) -> int:
    """Fail for negative items."""
    if item < 0:
        raise asl.StatesError("Bad.Item", f"item {item}")
    return item


def items_with(failures: int, total: int) -> list[int]:
    """``total`` items whose first ``failures`` fail."""
    return [-1] * failures + list(range(total - failures))


@pytest.mark.parametrize("failures", [0, 1, 2])
def test_failures_up_to_the_tolerated_count_succeed(failures: int) -> None:
    """With ToleratedFailureCount 2, up to two failed children still let the Map succeed."""
    out = run(
        working("DISTRIBUTED", ToleratedFailureCount=2), {"items": items_with(failures, 5)}, resolvers={WORK: failing}
    )
    assert out[failures:] == list(range(5 - failures))


def test_one_failure_past_the_tolerated_count_fails() -> None:
    """A third failure with ToleratedFailureCount 2 fails with States.ExceedToleratedFailureThreshold."""
    err = fail(working("DISTRIBUTED", ToleratedFailureCount=2), {"items": items_with(3, 5)}, resolvers={WORK: failing})
    assert err.error == "States.ExceedToleratedFailureThreshold"


def test_failures_at_the_tolerated_percentage_succeed() -> None:
    """Two failures of ten children are exactly 20 %: ToleratedFailurePercentage 20 tolerates them."""
    out = run(
        working("DISTRIBUTED", ToleratedFailurePercentage=20), {"items": items_with(2, 10)}, resolvers={WORK: failing}
    )
    assert out[2:] == list(range(8))


def test_failures_past_the_tolerated_percentage_fail() -> None:
    """Three failures of ten (30 %) exceed ToleratedFailurePercentage 20."""
    err = fail(
        working("DISTRIBUTED", ToleratedFailurePercentage=20), {"items": items_with(3, 10)}, resolvers={WORK: failing}
    )
    assert err.error == "States.ExceedToleratedFailureThreshold"


def test_zero_tolerated_count_fails_on_the_first_failure() -> None:
    """ToleratedFailureCount 0 tolerates no failure at all."""
    err = fail(working("DISTRIBUTED", ToleratedFailureCount=0), {"items": items_with(1, 3)}, resolvers={WORK: failing})
    assert err.error == "States.ExceedToleratedFailureThreshold"


def test_distributed_failure_without_tolerance_exceeds_the_threshold() -> None:
    """A distributed Map without a tolerance fails with States.ExceedToleratedFailureThreshold on one failure."""
    err = fail(working("DISTRIBUTED"), {"items": items_with(1, 3)}, resolvers={WORK: failing})
    assert err.error == "States.ExceedToleratedFailureThreshold"


def test_inline_failure_is_the_child_error() -> None:
    """An inline Map fails with the failing child's own error."""
    err = fail(working("INLINE"), {"items": items_with(1, 3)}, resolvers={WORK: failing})
    assert (err.error, err.cause) == ("Bad.Item", "item -1")


# -- variable scope --------------------------------------------------------------------------------


def reading_outer(mode: str, **fields: Any) -> dict[str, Any]:
    """Assign $outer, then a Map whose children return it."""
    inner = {"P": {"Type": "Pass", "Parameters": {"seen.$": "$outer"}, "End": True}}
    machine = map_machine(mode, inner, ItemsPath="$.items", **fields)
    machine["StartAt"] = "A"
    machine["States"]["A"] = {"Type": "Pass", "Assign": {"outer": 7}, "Next": "M"}
    return machine


def test_inline_children_read_parent_variables() -> None:
    """Inline iterations see the variables assigned before the Map."""
    assert run(reading_outer("INLINE"), {"items": [1]}) == [{"seen": 7}]


def test_distributed_children_cannot_read_parent_variables() -> None:
    """Distributed children are separate executions: reading a parent variable fails in the child."""
    out = run(reading_outer("DISTRIBUTED", ToleratedFailurePercentage=100), {"items": [1]})
    assert out[0]["Error"] == "States.Runtime"
