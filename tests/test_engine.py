"""Engine: starting, following, describing, listing and stopping executions; Express rules."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

import anyio
import pytest

import asl
from asl.engine import (
    Engine,
    ExecutionAlreadyExists,
    ExecutionDoesNotExist,
    InvalidExecutionInput,
    StateMachineDoesNotExist,
)
from asl.testing import VirtualClock

START = datetime(2024, 1, 1, tzinfo=UTC)
PASS = {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}}
WAIT_A_DAY = {"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 86400, "End": True}}}
SLOW = "arn:aws:states:::slow"


def serve(main: Callable[[Engine], Awaitable[Any]], **options: Any) -> Any:
    """Run ``main(engine)`` inside an Engine on a virtual clock."""
    options.setdefault("clock", VirtualClock(START))
    return Engine(**options).serve(main)


def task(resource: str, **fields: Any) -> dict[str, Any]:
    return {"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": resource, "End": True, **fields}}}


# -- starting ------------------------------------------------------------------------------------


def test_start_by_name_runs_the_registered_machine() -> None:
    """A machine registered by name starts by that name and its handle gives the output."""

    async def main(engine: Engine) -> Any:
        return await (await engine.start("Echo", {"a": 1})).result()

    assert serve(main, state_machines={"Echo": PASS}) == {"a": 1}


def test_start_by_arn_and_by_definition() -> None:
    """A registered machine starts by its ARN; a definition starts as an anonymous machine."""

    async def main(engine: Engine) -> list[Any]:
        arn = engine.register("Echo", PASS)
        by_arn = await engine.run(arn, 1)
        by_definition = await engine.run(PASS, 2)
        return [arn, by_arn, by_definition]

    assert serve(main) == ["arn:aws:states:us-east-1:111111111111:stateMachine:Echo", 1, 2]


def test_execution_arn_and_context_name_the_machine_and_execution() -> None:
    """$$.Execution.Id and $$.StateMachine.Id are the engine's ARNs for the named execution."""
    machine = {
        "StartAt": "P",
        "States": {
            "P": {"Type": "Pass", "Parameters": {"e.$": "$$.Execution.Id", "m.$": "$$.StateMachine.Id"}, "End": True}
        },
    }

    async def main(engine: Engine) -> tuple[str, Any]:
        handle = await engine.start("M", None, name="run-1")
        return handle.arn, await handle.result()

    arn, output = serve(main, state_machines={"M": machine}, region="eu-west-1", account="111122223333")
    assert arn == "arn:aws:states:eu-west-1:111122223333:execution:M:run-1"
    assert output == {"e": arn, "m": "arn:aws:states:eu-west-1:111122223333:stateMachine:M"}


def test_unknown_machine_name_is_state_machine_does_not_exist() -> None:
    """Starting an unregistered name that is a state machine ARN raises StateMachineDoesNotExist."""

    async def main(engine: Engine) -> None:
        with pytest.raises(StateMachineDoesNotExist):
            await engine.start("arn:aws:states:us-east-1:111111111111:stateMachine:Nope")

    serve(main)


def test_a_used_name_is_execution_already_exists() -> None:
    """A finished execution's name cannot be used again for the same machine."""

    async def main(engine: Engine) -> None:
        await engine.run("Echo", 1, name="once")
        with pytest.raises(ExecutionAlreadyExists):
            await engine.start("Echo", 1, name="once")

    serve(main, state_machines={"Echo": PASS})


def test_starting_a_running_name_with_the_same_input_returns_it() -> None:
    """StartExecution is idempotent for a running execution with the same name and input."""

    async def main(engine: Engine) -> bool:
        first = await engine.start("Slow", {"x": 1}, name="same")
        again = await engine.start("Slow", {"x": 1}, name="same")
        await first.stop()
        return first is again

    assert serve(main, state_machines={"Slow": WAIT_A_DAY})


def test_input_that_is_not_json_is_invalid_execution_input() -> None:
    """An input JSON cannot hold raises InvalidExecutionInput."""

    async def main(engine: Engine) -> None:
        with pytest.raises(InvalidExecutionInput):
            await engine.start(PASS, {"s": {1, 2}})

    serve(main)


def test_input_over_the_payload_quota_is_refused_at_start() -> None:
    """An input longer than 256 KiB as JSON is refused by start, as StartExecution refuses it."""

    async def main(engine: Engine) -> None:
        with pytest.raises(InvalidExecutionInput, match="less than or equal to 262144") as refused:
            await engine.start(PASS, {"s": "x" * 262_144})
        assert (refused.value.code, isinstance(refused.value, asl.InvalidExecutionInput)) == (
            "ValidationException",
            True,
        )

    serve(main)


def test_start_outside_the_engine_block_is_refused() -> None:
    """An engine that is not running refuses to start executions."""
    with pytest.raises(RuntimeError, match="async with Engine"):
        Engine().launch(PASS)


def test_seeded_engines_name_executions_alike() -> None:
    """Two engines with the same seed give the same execution names."""

    async def main(engine: Engine) -> str:
        return (await engine.start(PASS)).name

    assert serve(main, seed=7) == serve(main, seed=7)


def test_many_executions_run_concurrently() -> None:
    """Executions overlap: 100 one-day Waits finish after one virtual day, not a hundred."""
    clock = VirtualClock(START)

    async def main(engine: Engine) -> list[str]:
        handles = [await engine.start(WAIT_A_DAY) for _ in range(100)]
        return [(await h.wait()).status for h in handles]

    assert serve(main, clock=clock) == ["SUCCEEDED"] * 100
    assert clock.now() - START.timestamp() == 86400


# -- following -----------------------------------------------------------------------------------


def test_events_arrive_while_the_execution_runs() -> None:
    """handle.events() yields TaskSubmitted before the task is answered, then the rest up to the end."""
    resource = "arn:aws:states:::sqs:sendMessage.waitForTaskToken"
    machine = task(resource, Parameters={"t.$": "$$.Task.Token"})

    async def main(engine: Engine) -> list[str]:
        handle = await engine.start(machine, {})
        seen: list[str] = []
        async for event in handle.events():
            seen.append(event["type"])
            if event["type"] == "TaskSubmitted":
                engine.send_task_success(engine.pending_tasks()[0].token, "ok")
        return seen

    assert serve(main) == [
        "ExecutionStarted",
        "TaskStateEntered",
        "TaskScheduled",
        "TaskStarted",
        "TaskSubmitted",
        "TaskSucceeded",
        "TaskStateExited",
        "ExecutionSucceeded",
    ]


def test_describe_reports_status_dates_input_and_output() -> None:
    """describe() has DescribeExecution's fields, with input and output as JSON text."""
    clock = VirtualClock(START)

    async def main(engine: Engine) -> tuple[dict[str, Any], dict[str, Any]]:
        handle = await engine.start("Wait", {"a": 1}, name="d")
        running = engine.describe(handle.arn)
        await handle.wait()
        return running, engine.describe(handle.arn)

    running, done = serve(main, clock=clock, state_machines={"Wait": WAIT_A_DAY})
    assert running["status"] == "RUNNING" and "stopDate" not in running
    assert done == {
        "executionArn": "arn:aws:states:us-east-1:111111111111:execution:Wait:d",
        "stateMachineArn": "arn:aws:states:us-east-1:111111111111:stateMachine:Wait",
        "name": "d",
        "status": "SUCCEEDED",
        "startDate": START,
        "stopDate": datetime(2024, 1, 2, tzinfo=UTC),
        "input": '{"a":1}',
        "inputDetails": {"included": True},
        "output": '{"a":1}',
        "outputDetails": {"included": True},
    }


def test_list_filters_by_machine_and_status_newest_first() -> None:
    """list_executions filters by state machine and status and lists the newest first."""

    async def main(engine: Engine) -> list[list[str]]:
        await engine.run("A", None, name="a1")
        slow = await engine.start("B", None, name="b1")
        await engine.run("A", None, name="a2")
        names = [
            [e["name"] for e in engine.list_executions("A")],
            [e["name"] for e in engine.list_executions(status="RUNNING")],
            [e["name"] for e in engine.list()],
        ]
        await slow.stop()
        return names

    assert serve(main, state_machines={"A": PASS, "B": WAIT_A_DAY}) == [["a2", "a1"], ["b1"], ["a2", "b1", "a1"]]


def test_describe_of_an_unknown_arn_is_execution_does_not_exist() -> None:
    """describe() of an ARN no execution has raises ExecutionDoesNotExist."""
    with pytest.raises(ExecutionDoesNotExist):
        Engine().describe("arn:aws:states:us-east-1:111111111111:execution:M:nope")


# -- stopping ------------------------------------------------------------------------------------


def test_stop_aborts_with_error_and_cause() -> None:
    """stop() ends the execution ABORTED with the error and cause in an ExecutionAborted event."""

    async def main(engine: Engine) -> asl.Execution:
        handle = await engine.start(WAIT_A_DAY)
        await anyio.sleep(60)
        await handle.stop(error="Cancelled", cause="by the operator")
        return handle.execution

    execution = serve(main)
    assert (execution.status, execution.error, execution.cause) == ("ABORTED", "Cancelled", "by the operator")
    assert execution.events[-1]["type"] == "ExecutionAborted"
    assert execution.events[-1]["error"] == "Cancelled"


def test_result_of_an_aborted_execution_raises_execution_failed() -> None:
    """handle.result() raises ExecutionFailed with status ABORTED."""

    async def main(engine: Engine) -> None:
        handle = await engine.start(WAIT_A_DAY)
        await engine.stop(handle.arn)
        with pytest.raises(asl.ExecutionFailed) as info:
            await handle.result()
        assert info.value.status == "ABORTED"

    serve(main)


def test_stop_cleans_up_a_running_map() -> None:
    """Stopping during a Map cancels every running iteration: no resolver is left running."""
    running: list[int] = []
    started: list[int] = []

    async def slow(item: Any) -> Any:
        started.append(item)
        running.append(item)
        try:
            await anyio.sleep(3600)
        finally:
            running.remove(item)
        return item

    machine = {
        "StartAt": "M",
        "States": {
            "M": {
                "Type": "Map",
                "MaxConcurrency": 3,
                "ItemProcessor": {
                    "ProcessorConfig": {"Mode": "INLINE"},
                    "StartAt": "T",
                    "States": {"T": {"Type": "Task", "Resource": SLOW, "End": True}},
                },
                "End": True,
            }
        },
    }

    async def main(engine: Engine) -> tuple[str, list[int], list[int]]:
        handle = await engine.start(machine, list(range(10)))
        while len(running) < 3:
            await anyio.sleep(1)
        await handle.stop()
        await anyio.sleep(7200)  # nothing may start after the stop
        return handle.status, list(running), list(started)

    status, still_running, ever_started = serve(main, resolvers={SLOW: slow})
    assert status == "ABORTED"
    assert still_running == []
    assert ever_started == [0, 1, 2]


def test_stopping_a_finished_execution_leaves_it_as_it_was() -> None:
    """stop() on a succeeded execution changes nothing."""

    async def main(engine: Engine) -> str:
        handle = await engine.start(PASS, 1)
        await handle.wait()
        await handle.stop(error="late")
        return handle.status

    assert serve(main) == "SUCCEEDED"


def test_leaving_the_engine_block_aborts_what_still_runs() -> None:
    """Executions still running when the engine closes end ABORTED."""
    handles: list[Any] = []

    async def main(engine: Engine) -> None:
        handles.append(await engine.start(WAIT_A_DAY))

    serve(main)
    assert handles[0].status == "ABORTED"
    assert handles[0].execution.error == "Engine.Closed"


# -- Express -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("resource", "message"),
    [
        (
            "arn:aws:states:::states:startExecution.sync",
            "Express state machine does not support '.sync' service integration",
        ),
        (
            "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
            "Express state machine does not support '.waitForTaskToken' service integration",
        ),
        ("arn:aws:states:us-east-1:111111111111:activity:work", "Express state machine does not support Activity ARN"),
    ],
)
def test_express_refuses_what_aws_refuses(resource: str, message: str) -> None:
    """register(type='EXPRESS') rejects .sync, .waitForTaskToken and activities with AWS's message."""
    with pytest.raises(asl.DefinitionError) as info:
        Engine().register("X", task(resource), type="EXPRESS")
    (issue,) = info.value.issues
    assert (issue.path, issue.code, issue.message) == ("$.States.T.Resource", "SCHEMA_VALIDATION_FAILED", message)


def test_express_refusal_finds_nested_states() -> None:
    """A callback inside a Parallel branch of an Express machine is refused at its own path."""
    machine = {
        "StartAt": "P",
        "States": {
            "P": {"Type": "Parallel", "End": True, "Branches": [task("arn:aws:states:::sns:publish.waitForTaskToken")]}
        },
    }
    with pytest.raises(asl.DefinitionError) as info:
        Engine().register("X", machine, type="EXPRESS")
    assert info.value.issues[0].path == "$.States.P.Branches[0].States.T.Resource"


def test_express_executions_time_out_after_five_minutes() -> None:
    """An Express execution still running after five minutes ends TIMED_OUT."""
    clock = VirtualClock(START)

    async def main(engine: Engine) -> asl.Execution:
        engine.register("Fast", WAIT_A_DAY, type="EXPRESS")
        return await (await engine.start("Fast")).wait()

    execution = serve(main, clock=clock)
    assert execution.status == "TIMED_OUT"
    assert clock.now() - START.timestamp() == 300


def test_express_execution_arns_use_the_express_form() -> None:
    """An Express execution ARN is arn:...:express:<machine>:<name>:<id>."""

    async def main(engine: Engine) -> str:
        engine.register("Fast", PASS, type="EXPRESS")
        return (await engine.start("Fast", name="n")).arn

    assert serve(main).startswith("arn:aws:states:us-east-1:111111111111:express:Fast:n:")


# -- the blocking facade -------------------------------------------------------------------------


def test_blocking_facade_runs_and_answers_from_plain_code() -> None:
    """Engine.blocking() lets synchronous code start, answer a token and read the result."""
    machine = task("arn:aws:states:::sqs:sendMessage.waitForTaskToken", Parameters={"t.$": "$$.Task.Token"})
    with Engine(clock=VirtualClock(START)).blocking() as engine:
        handle = engine.start(machine, {"n": 1})
        while not engine.pending_tasks():
            time.sleep(0.001)
        engine.send_task_success(engine.pending_tasks()[0].token, {"ok": True})
        assert handle.result() == {"ok": True}
        assert engine.describe(handle.arn)["status"] == "SUCCEEDED"


def test_an_error_raised_inside_the_engine_block_comes_out_unwrapped() -> None:
    """An exception from the code run by serve() reaches the caller as itself, not as an ExceptionGroup."""

    async def main(engine: Engine) -> None:
        await engine.start(WAIT_A_DAY)
        raise LookupError("no such order")

    with pytest.raises(LookupError, match="no such order"):
        serve(main)


def test_every_engine_error_carries_its_aws_code() -> None:
    """Each API error class is an EngineError whose code is the Step Functions API error code."""
    from asl import engine as api

    codes = {
        api.TaskDoesNotExist: "TaskDoesNotExist",
        api.TaskTimedOut: "TaskTimedOut",
        api.InvalidToken: "InvalidToken",
        api.InvalidOutput: "InvalidOutput",
        api.ExecutionDoesNotExist: "ExecutionDoesNotExist",
        api.ExecutionAlreadyExists: "ExecutionAlreadyExists",
        api.InvalidExecutionInput: "InvalidExecutionInput",
        api.StateMachineDoesNotExist: "StateMachineDoesNotExist",
        api.ActivityDoesNotExist: "ActivityDoesNotExist",
    }
    for cls, code in codes.items():
        err = cls("message")
        assert (isinstance(err, api.EngineError), isinstance(err, asl.ASLError), err.code, str(err)) == (
            True,
            True,
            code,
            "message",
        )
