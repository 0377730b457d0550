"""Engine: activity tasks served by workers polling ``get_activity_task``, or by a resolver."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

import anyio
import pytest

import asl
from asl.engine import ActivityDoesNotExist, Engine
from asl.testing import VirtualClock

START = datetime(2024, 1, 1, tzinfo=UTC)
ACTIVITY = "arn:aws:states:us-east-1:111111111111:activity:review"


def machine(**fields: Any) -> dict[str, Any]:
    """One activity Task whose parameters are the input's ``doc``."""
    state = {"Type": "Task", "Resource": ACTIVITY, "Parameters": {"doc.$": "$.doc"}, "End": True, **fields}
    return {"StartAt": "Review", "States": {"Review": state}}


def serve(main: Callable[[Engine], Awaitable[Any]], **options: Any) -> Any:
    """Run ``main(engine)`` inside an Engine on a virtual clock."""
    options.setdefault("clock", VirtualClock(START))
    return Engine(**options).serve(main)


def test_a_worker_gets_the_task_and_answers_it() -> None:
    """get_activity_task returns the token and input; send_task_success's output is the task result."""

    async def main(engine: Engine) -> tuple[Any, Any, str]:
        handle = await engine.start(machine(), {"doc": "d-1"})
        task = await engine.get_activity_task(ACTIVITY)
        assert task is not None
        engine.send_task_success(task.task_token, {"verdict": "ok"})
        return task.input, await handle.result(), task.input_text

    task_input, result, text = serve(main)
    assert (task_input, result, text) == ({"doc": "d-1"}, {"verdict": "ok"}, '{"doc":"d-1"}')


def test_a_worker_waits_until_a_task_comes() -> None:
    """A worker polling before any execution starts gets the first task scheduled."""

    async def main(engine: Engine) -> Any:
        async def worker() -> None:
            task = await engine.get_activity_task(ACTIVITY)
            assert task is not None
            engine.send_task_success(task.task_token, task.input["doc"].upper())

        async with anyio.create_task_group() as tg:
            tg.start_soon(worker)
            await anyio.sleep(10)
            return await engine.run(machine(), {"doc": "late"})

    assert serve(main) == "LATE"


def test_poll_timeout_returns_none() -> None:
    """get_activity_task returns None when no task comes within the timeout."""

    async def main(engine: Engine) -> Any:
        return await engine.get_activity_task(ACTIVITY, timeout=60)

    assert serve(main) is None


def test_worker_failure_fails_the_task() -> None:
    """send_task_failure from a worker fails the activity task with its error and cause."""

    async def main(engine: Engine) -> asl.Execution:
        handle = await engine.start(machine(), {"doc": "x"})
        task = await engine.get_activity_task(ACTIVITY)
        assert task is not None
        engine.send_task_failure(task.task_token, "Unreadable", "blurry scan")
        return await handle.wait()

    execution = serve(main)
    assert (execution.error, execution.cause) == ("Unreadable", "blurry scan")


def test_heartbeat_timer_starts_when_a_worker_takes_the_task() -> None:
    """A queued task never times out on heartbeats; once taken, missing heartbeats fail it."""
    clock = VirtualClock(START)

    async def main(engine: Engine) -> tuple[str | None, float]:
        handle = await engine.start(machine(HeartbeatSeconds=10), {"doc": "x"})
        await anyio.sleep(100)  # queued far longer than HeartbeatSeconds
        assert handle.running
        taken_at = clock.now()
        assert await engine.get_activity_task(ACTIVITY) is not None
        execution = await handle.wait()
        return execution.error, clock.now() - taken_at

    error, after = serve(main, clock=clock)
    assert error == "States.HeartbeatTimeout"
    assert 10 <= after < 11


def test_a_task_that_timed_out_in_the_queue_is_not_handed_out() -> None:
    """A task whose TimeoutSeconds passed while queued is gone: a later poll gets nothing."""

    async def main(engine: Engine) -> tuple[str | None, Any]:
        handle = await engine.start(machine(TimeoutSeconds=5), {"doc": "x"})
        execution = await handle.wait()
        return execution.error, await engine.get_activity_task(ACTIVITY, timeout=1)

    assert serve(main) == ("States.Timeout", None)


def test_a_resolver_registered_for_the_activity_serves_it_directly() -> None:
    """A resolver registered under the activity ARN is called like any task; nothing is queued."""

    async def main(engine: Engine) -> Any:
        result = await engine.run(machine(), {"doc": "r"})
        return result, engine.pending_tasks()

    result, pending = serve(main, resolvers={ACTIVITY: lambda p: {"auto": p["doc"]}})
    assert (result, pending) == ({"auto": "r"}, [])


def test_create_activity_gives_its_arn() -> None:
    """create_activity names the activity in the engine's region and account."""
    assert Engine(region="eu-west-1", account="111122223333").create_activity("review") == (
        "arn:aws:states:eu-west-1:111122223333:activity:review"
    )


def test_polling_something_that_is_not_an_activity_arn_is_refused() -> None:
    """get_activity_task of a non-activity ARN raises ActivityDoesNotExist."""

    async def main(engine: Engine) -> None:
        with pytest.raises(ActivityDoesNotExist):
            await engine.get_activity_task("arn:aws:states:us-east-1:111111111111:stateMachine:x")

    serve(main)


def test_stopping_an_execution_withdraws_its_queued_activity_task() -> None:
    """After stop(), the execution's queued activity task is no longer handed out."""

    async def main(engine: Engine) -> Any:
        handle = await engine.start(machine(), {"doc": "x"})
        await anyio.sleep(1)
        await handle.stop()
        return await engine.get_activity_task(ACTIVITY, timeout=1)

    assert serve(main) is None
