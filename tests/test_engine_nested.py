"""Engine: nested executions through ``arn:aws:states:::states:startExecution`` and its patterns."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

import anyio

from asl.engine import Engine
from asl.testing import VirtualClock

START = datetime(2024, 1, 1, tzinfo=UTC)
START_MS = int(START.timestamp() * 1000)
ACCOUNT = "arn:aws:states:us-east-1:111111111111"
CHILD_ARN = f"{ACCOUNT}:stateMachine:Child"
CHILD = {"StartAt": "P", "States": {"P": {"Type": "Pass", "Result": {"Arg1": "argument1"}, "End": True}}}
FAILING = {"StartAt": "F", "States": {"F": {"Type": "Fail", "Error": "SomeFailure", "Cause": "It failed."}}}
SLOW = {"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 86400, "End": True}}}


def parent(pattern: str = "", parameters: dict[str, Any] | None = None, **fields: Any) -> dict[str, Any]:
    """A machine whose one Task starts the Child machine."""
    suffix = f".{pattern}" if pattern else ""
    state = {
        "Type": "Task",
        "Resource": f"arn:aws:states:::states:startExecution{suffix}",
        "Parameters": parameters or {"StateMachineArn": CHILD_ARN, "Name": "kid"},
        "End": True,
        **fields,
    }
    return {"StartAt": "Start", "States": {"Start": state}}


def serve(main: Callable[[Engine], Awaitable[Any]], child: dict[str, Any] = CHILD, **options: Any) -> Any:
    """Run ``main(engine)`` in an Engine (virtual clock) where ``child`` is registered as Child."""
    options.setdefault("clock", VirtualClock(START))
    engine = Engine(state_machines={"Child": child}, **options)
    return engine.serve(main)


def run(machine: dict[str, Any], child: dict[str, Any] = CHILD, data: Any = None) -> Any:
    """The finished parent execution."""

    async def main(engine: Engine) -> Any:
        return await (await engine.start(machine, data if data is not None else {})).wait()

    return serve(main, child)


def test_sync_returns_the_child_with_input_and_output_as_json_text() -> None:
    """startExecution.sync returns the DescribeExecution shape, Input and Output as JSON text."""
    output = run(parent("sync")).output
    assert output == {
        "ExecutionArn": f"{ACCOUNT}:execution:Child:kid",
        "Input": "{}",
        "InputDetails": {"Included": True},
        "Name": "kid",
        "Output": '{"Arg1":"argument1"}',
        "OutputDetails": {"Included": True},
        "StartDate": START_MS,
        "StateMachineArn": CHILD_ARN,
        "Status": "SUCCEEDED",
        "StopDate": START_MS,
    }


def test_sync2_returns_input_and_output_as_json_values() -> None:
    """startExecution.sync:2 returns Input and Output as JSON values."""
    params = {"StateMachineArn": CHILD_ARN, "Name": "kid", "Input": {"x": [1]}}
    output = run(parent("sync:2", params)).output
    assert (output["Input"], output["Output"], output["Status"]) == ({"x": [1]}, {"Arg1": "argument1"}, "SUCCEEDED")


def test_sync_failure_is_task_failed_with_the_child_in_the_cause() -> None:
    """A failed child fails the .sync task with States.TaskFailed; the cause holds its Error and Cause."""
    execution = run(parent("sync"), FAILING)
    assert (execution.status, execution.error) == ("FAILED", "States.TaskFailed")
    assert json.loads(execution.cause) == {
        "Cause": "It failed.",
        "Error": "SomeFailure",
        "ExecutionArn": f"{ACCOUNT}:execution:Child:kid",
        "Input": "{}",
        "InputDetails": {"Included": True},
        "Name": "kid",
        "StartDate": START_MS,
        "StateMachineArn": CHILD_ARN,
        "Status": "FAILED",
        "StopDate": START_MS,
    }


def test_sync_failure_can_be_caught_as_task_failed() -> None:
    """A parent catches a failed child with States.TaskFailed and reads the child's error from the cause."""
    machine = parent("sync", Catch=[{"ErrorEquals": ["States.TaskFailed"], "Next": "Handle"}])
    read_cause = {"child.$": "States.StringToJson($.Cause)"}
    machine["States"]["Handle"] = {"Type": "Pass", "Parameters": read_cause, "End": True}
    assert run(machine, FAILING).output["child"]["Error"] == "SomeFailure"


def test_request_response_returns_the_start_execution_response() -> None:
    """Plain startExecution returns ExecutionArn, StartDate and the SDK metadata; the child runs on."""

    async def main(engine: Engine) -> tuple[Any, str]:
        output = await engine.run(parent(), {})
        child = engine.get(output["ExecutionArn"])
        await child.wait()
        return output, child.status

    output, child_status = serve(main, SLOW)
    assert output["ExecutionArn"] == f"{ACCOUNT}:execution:Child:kid"
    assert output["StartDate"] == START_MS
    assert output["SdkHttpMetadata"]["HttpStatusCode"] == 200
    assert set(output["SdkHttpMetadata"]["HttpHeaders"]) == {
        "connection",
        "Content-Length",
        "Content-Type",
        "Date",
        "x-amzn-RequestId",
    }
    assert output["SdkResponseMetadata"]["RequestId"] == output["SdkHttpMetadata"]["HttpHeaders"]["x-amzn-RequestId"]
    assert child_status == "SUCCEEDED"


def test_the_child_reads_its_parent_from_started_by_execution_id() -> None:
    """AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID passed from $$.Execution.Id reaches the child's input."""
    params = {
        "StateMachineArn": CHILD_ARN,
        "Input": {"AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID.$": "$$.Execution.Id"},
    }
    echo = {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}}

    async def main(engine: Engine) -> tuple[Any, str, str | None]:
        handle = await engine.start(parent("sync:2", params), {}, name="mom")
        output = await handle.result()
        return output["Output"], handle.arn, engine.get(output["ExecutionArn"]).parent_arn

    child_output, parent_arn, recorded = serve(main, echo)
    assert child_output == {"AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID": parent_arn}
    assert recorded == parent_arn


def test_input_given_as_json_text_is_parsed() -> None:
    """An Input string is the child's input as JSON text."""
    params = {"StateMachineArn": CHILD_ARN, "Input": '{"a": 1}'}
    echo = {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}}
    assert run(parent("sync:2", params), echo).output["Output"] == {"a": 1}


def test_an_unknown_state_machine_fails_as_the_service_reports_it() -> None:
    """A StateMachineArn nobody registered fails with StepFunctions.StateMachineDoesNotExistException."""
    params = {"StateMachineArn": f"{ACCOUNT}:stateMachine:Nobody"}
    execution = run(parent("sync", params))
    assert execution.error == "StepFunctions.StateMachineDoesNotExistException"
    assert "Error Code: StateMachineDoesNotExist" in execution.cause


def test_reusing_a_child_name_is_execution_already_exists() -> None:
    """Starting a second child with a used name fails with StepFunctions.ExecutionAlreadyExistsException."""
    machine = {
        "StartAt": "One",
        "States": {
            "One": {**parent("sync")["States"]["Start"], "End": False, "Next": "Two"},
            "Two": {**parent("sync")["States"]["Start"], "Parameters": {"StateMachineArn": CHILD_ARN, "Name": "kid"}},
        },
    }
    assert run(machine).error == "StepFunctions.ExecutionAlreadyExistsException"


def test_stopping_the_parent_stops_a_sync_child() -> None:
    """Aborting a parent waiting on a .sync child aborts the child too."""

    async def main(engine: Engine) -> tuple[str, str]:
        handle = await engine.start(parent("sync"), {})
        while len(engine.handles()) < 2:
            await anyio.sleep(1)
        await handle.stop()
        child = engine.handles()[1]
        await child.wait()
        return handle.status, child.status

    assert serve(main, SLOW) == ("ABORTED", "ABORTED")


def test_a_sync_task_timeout_stops_the_child() -> None:
    """TimeoutSeconds on a .sync task fails it with States.Timeout and aborts the child."""

    async def main(engine: Engine) -> tuple[str | None, str]:
        execution = await (await engine.start(parent("sync", TimeoutSeconds=60), {})).wait()
        child = engine.handles()[1]
        await child.wait()
        return execution.error, child.status

    assert serve(main, SLOW) == ("States.Timeout", "ABORTED")


def test_wait_for_task_token_child_answers_its_parent() -> None:
    """startExecution.waitForTaskToken waits until the child sends aws-sdk:sfn:sendTaskSuccess with the token."""
    params = {"StateMachineArn": CHILD_ARN, "Input": {"token.$": "$$.Task.Token", "n": 2}}
    child = {
        "StartAt": "Answer",
        "States": {
            "Answer": {
                "Type": "Task",
                "Resource": "arn:aws:states:::aws-sdk:sfn:sendTaskSuccess",
                "Parameters": {"TaskToken.$": "$.token", "Output": {"doubled": 4}},
                "End": True,
            }
        },
    }
    assert run(parent("waitForTaskToken", params), child).output == {"doubled": 4}


def test_a_child_failing_its_parent_task_through_send_task_failure() -> None:
    """aws-sdk:sfn:sendTaskFailure from the child fails the parent's task with that error."""
    params = {"StateMachineArn": CHILD_ARN, "Input": {"token.$": "$$.Task.Token"}}
    child = {
        "StartAt": "Refuse",
        "States": {
            "Refuse": {
                "Type": "Task",
                "Resource": "arn:aws:states:::aws-sdk:sfn:sendTaskFailure",
                "Parameters": {"TaskToken.$": "$.token", "Error": "Nope", "Cause": "child refused"},
                "End": True,
            }
        },
    }
    execution = run(parent("waitForTaskToken", params), child)
    assert (execution.error, execution.cause) == ("Nope", "child refused")


def test_send_task_success_with_an_unknown_token_is_the_sdk_error() -> None:
    """aws-sdk:sfn:sendTaskSuccess with a token nobody issued fails with Sfn.TaskDoesNotExistException."""
    machine = {
        "StartAt": "S",
        "States": {
            "S": {
                "Type": "Task",
                "Resource": "arn:aws:states:::aws-sdk:sfn:sendTaskSuccess",
                "Parameters": {"TaskToken": "nobody-issued-this", "Output": "{}"},
                "End": True,
            }
        },
    }
    assert run(machine).error == "Sfn.TaskDoesNotExistException"


def test_a_resolver_registered_for_start_execution_wins() -> None:
    """A resolver registered under the exact startExecution ARN replaces the built-in integration."""

    async def main(engine: Engine) -> Any:
        return await engine.run(parent("sync"), {})

    resolvers = {"arn:aws:states:::states:startExecution.sync": lambda payload: {"mocked": True}}
    assert serve(main, resolvers=resolvers) == {"mocked": True}
