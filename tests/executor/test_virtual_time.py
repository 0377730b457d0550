"""The virtual clock skips every kind of waiting while keeping AWS's timing semantics."""

from __future__ import annotations

import time
from typing import Any

import anyio
import pytest

import asl

from ._helpers import START_EPOCH, Scripted, clock, fail, run, single, task

DAY = 24 * 3600


def test_async_resolver_sleep_is_skipped() -> None:
    """An anyio.sleep of an hour inside an async resolver takes no real time."""

    async def nap(_payload: Any) -> Any:
        await anyio.sleep(3600)
        return "rested"

    began = time.monotonic()
    assert run(single(task()), {}, resolvers={"S": nap}) == "rested"
    assert time.monotonic() - began < 5


def test_async_resolver_sleep_advances_clock() -> None:
    """An anyio.sleep of an hour inside a resolver moves the virtual clock by an hour."""

    async def nap(_payload: Any) -> Any:
        await anyio.sleep(3600)

    the_clock = clock()
    run(single(task()), {}, resolvers={"S": nap}, clock=the_clock)
    assert the_clock.now() - START_EPOCH == pytest.approx(3600, abs=0.01)


def test_long_retry_backoff_is_instant() -> None:
    """A retry schedule of many days finishes without real waiting."""
    retry = [{"ErrorEquals": ["States.ALL"], "IntervalSeconds": DAY, "BackoffRate": 2, "MaxAttempts": 3}]
    began = time.monotonic()
    fail(single(task(Retry=retry)), {}, resolvers={"S": Scripted(asl.StatesError("E"))})
    assert time.monotonic() - began < 5


def test_retry_backoff_advances_clock() -> None:
    """Retry backoffs of 1, 2 and 4 seconds move the virtual clock by 7 seconds."""
    the_clock = clock()
    retry = [{"ErrorEquals": ["States.ALL"], "IntervalSeconds": 1, "BackoffRate": 2, "MaxAttempts": 3}]
    fail(single(task(Retry=retry)), {}, resolvers={"S": Scripted(asl.StatesError("E"))}, clock=the_clock)
    assert the_clock.now() - START_EPOCH == pytest.approx(7, abs=0.01)


def test_parallel_branch_waits_overlap() -> None:
    """Parallel branches wait concurrently: Waits of 10 and 20 seconds take 20 seconds."""
    branches = [
        {"StartAt": f"W{s}", "States": {f"W{s}": {"Type": "Wait", "Seconds": s, "End": True}}} for s in (10, 20)
    ]
    the_clock = clock()
    run(single({"Type": "Parallel", "Branches": branches}), {}, clock=the_clock)
    assert the_clock.now() - START_EPOCH == pytest.approx(20, abs=0.01)


def _map_of_waits(max_concurrency: int) -> dict[str, Any]:
    processor = {"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 5, "End": True}}}
    return single({"Type": "Map", "MaxConcurrency": max_concurrency, "ItemProcessor": processor})


def test_map_iterations_wait_concurrently() -> None:
    """Map iterations without a concurrency limit overlap: three 5-second Waits take 5 seconds."""
    the_clock = clock()
    run(_map_of_waits(0), [1, 2, 3], clock=the_clock)
    assert the_clock.now() - START_EPOCH == pytest.approx(5, abs=0.01)


def test_map_max_concurrency_one_serialises() -> None:
    """MaxConcurrency 1 runs iterations one at a time: three 5-second Waits take 15 seconds."""
    the_clock = clock()
    run(_map_of_waits(1), [1, 2, 3], clock=the_clock)
    assert the_clock.now() - START_EPOCH == pytest.approx(15, abs=0.01)


def test_virtual_clock_start_from_epoch_seconds() -> None:
    """VirtualClock(start=epoch seconds) sets $$.Execution.StartTime."""
    definition = single({"Type": "Pass", "Parameters": {"t.$": "$$.Execution.StartTime"}})
    assert run(definition, {}, clock=asl.testing.VirtualClock(0)) == {"t": "1970-01-01T00:00:00.000Z"}


def test_wait_sleeps_recorded_in_order() -> None:
    """clock.sleeps lists every Wait's delay in execution order."""
    the_clock = clock()
    definition = {
        "StartAt": "A",
        "States": {
            "A": {"Type": "Wait", "Seconds": 3, "Next": "B"},
            "B": {"Type": "Wait", "SecondsPath": "$.s", "End": True},
        },
    }
    run(definition, {"s": 8}, clock=the_clock)
    assert the_clock.sleeps == [3, 8]
