"""Engine: ``.waitForTaskToken`` callbacks, heartbeats, timeouts and the token API's errors."""

from __future__ import annotations

import queue
import threading
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

import anyio
import pytest

import asl
from asl.engine import Engine, InvalidOutput, InvalidToken, TaskDoesNotExist, TaskTimedOut
from asl.resolvers import TaskCall
from asl.testing import VirtualClock

START = datetime(2024, 1, 1, tzinfo=UTC)
SQS_WAIT = "arn:aws:states:::sqs:sendMessage.waitForTaskToken"


def callback(**fields: Any) -> dict[str, Any]:
    """A machine whose one Task waits for its token (the token goes in MessageBody.token)."""
    state = {
        "Type": "Task",
        "Resource": SQS_WAIT,
        "Parameters": {"QueueUrl": "q", "MessageBody": {"token.$": "$$.Task.Token", "order.$": "$.order"}},
        "End": True,
        **fields,
    }
    return {"StartAt": "Wait", "States": {"Wait": state}}


def serve(main: Callable[[Engine], Awaitable[Any]], **options: Any) -> Any:
    """Run ``main(engine)`` inside an Engine on a virtual clock."""
    options.setdefault("clock", VirtualClock(START))
    return Engine(**options).serve(main)


async def first_token(engine: Engine) -> str:
    """The token of the oldest open task, once there is one."""
    while not engine.pending_tasks():
        await anyio.sleep(0.001)
    return engine.pending_tasks()[0].token


def test_resolver_gets_the_token_and_the_answer_is_the_result() -> None:
    """The resolver receives $$.Task.Token as call.task_token; send_task_success's output is the task result."""
    seen: list[tuple[str, str | None]] = []

    def send(payload: Any, call: TaskCall) -> dict[str, str]:
        seen.append((payload["MessageBody"]["token"], call.task_token))
        return {"MessageId": "m-1"}

    async def main(engine: Engine) -> Any:
        handle = await engine.start(callback(), {"order": 7})
        engine.send_task_success(await first_token(engine), {"approved": True})
        return await handle.result()

    assert serve(main, resolvers={SQS_WAIT: send}) == {"approved": True}
    assert seen[0][0] == seen[0][1]


def test_a_callback_without_a_resolver_just_waits_for_its_token() -> None:
    """With no resolver registered, the task waits; pending_tasks shows its parameters."""

    async def main(engine: Engine) -> Any:
        handle = await engine.start(callback(), {"order": 7})
        await first_token(engine)
        (task,) = engine.pending_tasks(handle.arn)
        assert task.input["MessageBody"]["order"] == 7
        engine.send_task_success(task.token, "ok")
        return await handle.result()

    assert serve(main) == "ok"


def test_another_task_answers_the_token() -> None:
    """An approver task reading tokens from a stream answers; the execution goes on with its answer."""
    send, receive = anyio.create_memory_object_stream[str](10)

    async def resolver(payload: Any) -> None:
        await send.send(payload["MessageBody"]["token"])

    async def main(engine: Engine) -> Any:
        async def approver() -> None:
            engine.send_task_success(await receive.receive(), {"by": "approver"})

        async with send, receive, anyio.create_task_group() as tg:
            tg.start_soon(approver)
            return await engine.run(callback(), {"order": 1})

    assert serve(main, resolvers={SQS_WAIT: resolver}) == {"by": "approver"}


def test_another_thread_answers_the_token() -> None:
    """send_task_success called from a plain thread reaches the engine's loop."""
    tokens: queue.Queue[str] = queue.Queue()
    engine = Engine(resolvers={SQS_WAIT: lambda p: tokens.put(p["MessageBody"]["token"])})

    def worker() -> None:
        engine.send_task_success(tokens.get(timeout=10), {"from": "thread"})

    async def main(engine: Engine) -> Any:
        thread = threading.Thread(target=worker)
        thread.start()
        try:
            return await engine.run(callback(), {"order": 1})
        finally:
            await anyio.to_thread.run_sync(thread.join)

    assert engine.serve(main) == {"from": "thread"}


def test_send_task_failure_fails_the_task_with_its_error_and_cause() -> None:
    """send_task_failure's error and cause reach a Catch like any task error."""
    machine = callback(Catch=[{"ErrorEquals": ["Rejected"], "Next": "No"}])
    machine["States"]["No"] = {"Type": "Pass", "End": True}

    async def main(engine: Engine) -> Any:
        handle = await engine.start(machine, {"order": 1})
        engine.send_task_failure(await first_token(engine), "Rejected", "too expensive")
        return await handle.result()

    assert serve(main) == {"Error": "Rejected", "Cause": "too expensive"}


def test_heartbeat_timeout_under_the_virtual_clock() -> None:
    """No heartbeat within HeartbeatSeconds fails with States.HeartbeatTimeout after exactly that virtual time."""
    clock = VirtualClock(START)

    async def main(engine: Engine) -> asl.Execution:
        return await (await engine.start(callback(HeartbeatSeconds=30), {"order": 1})).wait()

    execution = serve(main, clock=clock)
    assert (execution.status, execution.error) == ("FAILED", "States.HeartbeatTimeout")
    assert 30 <= clock.now() - START.timestamp() < 31


def test_heartbeats_keep_the_task_alive() -> None:
    """Heartbeats more often than HeartbeatSeconds keep the task waiting until its answer."""
    clock = VirtualClock(START)

    async def main(engine: Engine) -> Any:
        handle = await engine.start(callback(HeartbeatSeconds=10), {"order": 1})
        token = await first_token(engine)
        for _ in range(5):
            await anyio.sleep(8)
            engine.send_task_heartbeat(token)
        engine.send_task_success(token, "done")
        return await handle.result()

    assert serve(main, clock=clock) == "done"
    assert clock.now() - START.timestamp() >= 40


def test_timeout_seconds_bounds_the_wait() -> None:
    """TimeoutSeconds ends a task still waiting for its token with States.Timeout."""

    async def main(engine: Engine) -> asl.Execution:
        return await (await engine.start(callback(TimeoutSeconds=60), {"order": 1})).wait()

    execution = serve(main)
    assert (execution.status, execution.error) == ("FAILED", "States.Timeout")


def test_heartbeat_seconds_path_is_read_from_the_input() -> None:
    """HeartbeatSecondsPath sets the heartbeat from the effective input."""
    clock = VirtualClock(START)

    async def main(engine: Engine) -> asl.Execution:
        handle = await engine.start(callback(HeartbeatSecondsPath="$.beat"), {"order": 1, "beat": 5})
        return await handle.wait()

    execution = serve(main, clock=clock)
    assert execution.error == "States.HeartbeatTimeout"
    assert 5 <= clock.now() - START.timestamp() < 6


def test_unknown_token_is_task_does_not_exist() -> None:
    """A token the engine never issued raises TaskDoesNotExist."""
    with pytest.raises(TaskDoesNotExist) as info:
        Engine().send_task_success("not-a-real-token", {})
    assert info.value.code == "TaskDoesNotExist"


def test_answering_a_finished_task_is_task_timed_out() -> None:
    """Answering a token twice raises TaskTimedOut the second time."""

    async def main(engine: Engine) -> None:
        handle = await engine.start(callback(), {"order": 1})
        token = await first_token(engine)
        engine.send_task_success(token, 1)
        await handle.wait()
        with pytest.raises(TaskTimedOut):
            engine.send_task_success(token, 2)

    serve(main)


def test_a_token_of_a_timed_out_task_is_task_timed_out() -> None:
    """After the task timed out, its token raises TaskTimedOut."""

    async def main(engine: Engine) -> None:
        handle = await engine.start(callback(TimeoutSeconds=5), {"order": 1})
        token = await first_token(engine)
        await handle.wait()
        with pytest.raises(TaskTimedOut):
            engine.send_task_heartbeat(token)

    serve(main)


def test_an_empty_token_is_invalid() -> None:
    """An empty token raises InvalidToken."""
    with pytest.raises(InvalidToken):
        Engine().send_task_failure("", "E")


def test_output_that_is_not_json_is_invalid_output() -> None:
    """send_task_success with a value JSON cannot hold raises InvalidOutput and leaves the task waiting."""

    async def main(engine: Engine) -> Any:
        handle = await engine.start(callback(), {"order": 1})
        token = await first_token(engine)
        with pytest.raises(InvalidOutput):
            engine.send_task_success(token, {1, 2})
        engine.send_task_success(token, [1, 2])
        return await handle.result()

    assert serve(main) == [1, 2]


def test_a_failing_resolver_fails_the_task_without_waiting() -> None:
    """A resolver that raises fails the task at once and closes its token."""

    def broken(payload: Any) -> None:
        raise RuntimeError("queue is down")

    async def main(engine: Engine) -> tuple[asl.Execution, int]:
        execution = await (await engine.start(callback(), {"order": 1})).wait()
        return execution, len(engine.pending_tasks())

    execution, pending = serve(main, resolvers={SQS_WAIT: broken})
    assert (execution.status, execution.error, pending) == ("FAILED", "RuntimeError", 0)


def test_an_answer_sent_from_inside_the_resolver_is_used() -> None:
    """A resolver may answer its own token before returning."""
    engines: list[Engine] = []

    def answer_now(payload: Any, call: TaskCall) -> None:
        assert call.task_token is not None
        engines[0].send_task_success(call.task_token, "instant")

    engine = Engine(clock=VirtualClock(START), resolvers={SQS_WAIT: answer_now})
    engines.append(engine)
    assert engine.serve(lambda e: e.run(callback(), {"order": 1})) == "instant"


def test_lambda_invoke_callback_resolver_gets_the_event() -> None:
    """lambda:invoke.waitForTaskToken calls the function with Payload and waits for the token."""
    machine = {
        "StartAt": "L",
        "States": {
            "L": {
                "Type": "Task",
                "Resource": "arn:aws:states:::lambda:invoke.waitForTaskToken",
                "Parameters": {"FunctionName": "approve", "Payload": {"token.$": "$$.Task.Token"}},
                "End": True,
            }
        },
    }
    events: list[Any] = []

    async def main(engine: Engine) -> Any:
        handle = await engine.start(machine, {})
        token = await first_token(engine)
        assert events == [{"token": token}]
        engine.send_task_success(token, {"ok": 1})
        return await handle.result()

    assert serve(main, resolvers={"approve": events.append}) == {"ok": 1}


def test_without_an_engine_the_resolver_result_is_the_task_result() -> None:
    """asl.run keeps its behaviour: a callback resolver's return value is the task result."""
    assert asl.run(callback(), {"order": 1}, resolvers={SQS_WAIT: lambda p: "direct"}) == "direct"
