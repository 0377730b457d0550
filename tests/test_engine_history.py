"""Engine: the history events of callback, activity and nested tasks, as AWS records them.

Expected shapes come from the Step Functions API reference (HistoryEvent, TaskSubmittedEventDetails,
ActivityScheduledEventDetails, ActivityStartedEventDetails, SendTaskHeartbeat: "if the task times
out, the execution history contains an ActivityTimedOut entry for activities, or a TaskTimedOut
entry for tasks using the job run or callback pattern") and from the recorded
``test_fixed_timeout_service_lambda`` case (TaskTimedOut: error, resource, resourceType; no cause).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

import anyio

import asl
from asl.engine import Engine
from asl.testing import VirtualClock

START = datetime(2024, 1, 1, tzinfo=UTC)
SQS_WAIT = "arn:aws:states:::sqs:sendMessage.waitForTaskToken"
ACTIVITY = "arn:aws:states:us-east-1:111111111111:activity:review"
CHILD_ARN = "arn:aws:states:us-east-1:111111111111:stateMachine:Child"


def one_task(resource: str, **fields: Any) -> dict[str, Any]:
    """A machine of one Task state ``T``."""
    return {"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": resource, "End": True, **fields}}}


def callback(**fields: Any) -> dict[str, Any]:
    """One SQS ``.waitForTaskToken`` task that sends its token."""
    return one_task(SQS_WAIT, Parameters={"QueueUrl": "q", "MessageBody": {"token.$": "$$.Task.Token"}}, **fields)


def serve(main: Callable[[Engine], Awaitable[Any]], **options: Any) -> Any:
    """Run ``main(engine)`` inside an Engine on a virtual clock."""
    options.setdefault("clock", VirtualClock(START))
    return Engine(**options).serve(main)


async def first_token(engine: Engine) -> str:
    """The token of the oldest open task, once there is one."""
    while not engine.pending_tasks():
        await anyio.sleep(0.001)
    return engine.pending_tasks()[0].token


def task_events(execution: asl.Execution) -> list[dict[str, Any]]:
    """The GetExecutionHistory events of the task itself (no state or execution events)."""
    events = execution.history_json()["events"]
    return [e for e in events if not e["type"].startswith("Execution") and "State" not in e["type"]]


def shape(events: list[dict[str, Any]]) -> list[tuple[str, dict[str, Any] | None]]:
    """(type, details object) of each event."""
    return [(e["type"], next((v for k, v in e.items() if k.endswith("EventDetails")), None)) for e in events]


SQS_IDENT = {"resourceType": "sqs", "resource": "sendMessage.waitForTaskToken"}


# -- callbacks: TaskSubmitted and TaskTimedOut ---------------------------------------------------


def test_a_callback_records_task_submitted_with_the_service_response() -> None:
    """TaskScheduled, TaskStarted, TaskSubmitted (output: the resolver's response), TaskSucceeded, chained."""

    async def main(engine: Engine) -> asl.Execution:
        handle = await engine.start(callback(), {})
        engine.send_task_success(await first_token(engine), {"ok": True})
        return await handle.wait()

    execution = serve(main, resolvers={SQS_WAIT: lambda p: {"MessageId": "m-1"}})
    events = task_events(execution)
    assert [e["type"] for e in events] == ["TaskScheduled", "TaskStarted", "TaskSubmitted", "TaskSucceeded"]
    assert shape(events)[2:] == [
        ("TaskSubmitted", {**SQS_IDENT, "output": '{"MessageId":"m-1"}', "outputDetails": {"truncated": False}}),
        ("TaskSucceeded", {**SQS_IDENT, "output": '{"ok":true}', "outputDetails": {"truncated": False}}),
    ]
    assert [e["previousEventId"] for e in events[1:]] == [e["id"] for e in events[:-1]]


def test_a_callback_without_a_resolver_records_task_submitted_without_output() -> None:
    """With no resolver there is no service response: TaskSubmitted names only the resource."""

    async def main(engine: Engine) -> asl.Execution:
        handle = await engine.start(callback(), {})
        engine.send_task_success(await first_token(engine), 1)
        return await handle.wait()

    assert ("TaskSubmitted", SQS_IDENT) in shape(task_events(serve(main)))


def test_lambda_callback_task_submitted_holds_the_invoke_response() -> None:
    """lambda:invoke.waitForTaskToken: TaskSubmitted's output is Invoke's response, Payload the function's return."""
    machine = one_task(
        "arn:aws:states:::lambda:invoke.waitForTaskToken",
        Parameters={"FunctionName": "approve", "Payload": {"token.$": "$$.Task.Token"}},
    )

    async def main(engine: Engine) -> asl.Execution:
        handle = await engine.start(machine, {})
        engine.send_task_success(await first_token(engine), "done")
        return await handle.wait()

    execution = serve(main, resolvers={"approve": lambda event: {"statusCode": 200}})
    submitted = next(e for e in execution.events if e["type"] == "TaskSubmitted")
    assert (submitted["output"]["Payload"], submitted["output"]["StatusCode"]) == ({"statusCode": 200}, 200)
    assert (submitted["resourceType"], submitted["resource"]) == ("lambda", "invoke.waitForTaskToken")


def test_heartbeat_timeout_is_recorded_as_task_timed_out() -> None:
    """A missed heartbeat ends the callback task with TaskTimedOut (States.HeartbeatTimeout), not TaskFailed."""

    async def main(engine: Engine) -> asl.Execution:
        return await (await engine.start(callback(HeartbeatSeconds=10), {})).wait()

    execution = serve(main)
    assert shape(task_events(execution))[-1] == ("TaskTimedOut", {**SQS_IDENT, "error": "States.HeartbeatTimeout"})
    assert execution.history_json()["events"][-1]["executionFailedEventDetails"] == {
        "error": "States.HeartbeatTimeout"
    }


def test_timeout_seconds_of_a_callback_is_recorded_as_task_timed_out() -> None:
    """TimeoutSeconds ends the wait with TaskTimedOut (States.Timeout) after TaskSubmitted."""

    async def main(engine: Engine) -> asl.Execution:
        return await (await engine.start(callback(TimeoutSeconds=30), {})).wait()

    assert shape(task_events(serve(main)))[-2:] == [
        ("TaskSubmitted", SQS_IDENT),
        ("TaskTimedOut", {**SQS_IDENT, "error": "States.Timeout"}),
    ]


def test_a_caught_heartbeat_timeout_is_still_task_timed_out() -> None:
    """A Catch of States.Timeout catches the heartbeat timeout; the event is still TaskTimedOut."""
    machine = callback(HeartbeatSeconds=5, Catch=[{"ErrorEquals": ["States.Timeout"], "Next": "Late"}])
    machine["States"]["Late"] = {"Type": "Pass", "End": True}

    async def main(engine: Engine) -> asl.Execution:
        return await (await engine.start(machine, {})).wait()

    execution = serve(main)
    assert (execution.status, execution.output) == ("SUCCEEDED", {"Error": "States.HeartbeatTimeout"})
    assert "TaskTimedOut" in [e["type"] for e in execution.events]


# -- nested .sync ----------------------------------------------------------------------------------


def test_sync_records_task_submitted_with_the_start_execution_response() -> None:
    """startExecution.sync: TaskSubmitted (the child's ExecutionArn and StartDate) before TaskSucceeded."""
    machine = one_task("arn:aws:states:::states:startExecution.sync", Parameters={"StateMachineArn": CHILD_ARN})
    child = {"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 60, "End": True}}}

    async def main(engine: Engine) -> asl.Execution:
        return await (await engine.start(machine, {}, name="parent")).wait()

    execution = serve(main, state_machines={CHILD_ARN: child})
    events = task_events(execution)
    assert [e["type"] for e in events] == ["TaskScheduled", "TaskStarted", "TaskSubmitted", "TaskSucceeded"]
    submitted = execution.events[events[2]["id"] - 1]
    assert submitted["output"]["ExecutionArn"].startswith(
        "arn:aws:states:us-east-1:111111111111:execution:Child:"
    )
    assert submitted["output"]["StartDate"] == int(START.timestamp() * 1000)
    assert (submitted["resourceType"], submitted["resource"]) == ("states", "startExecution.sync")


def test_timeout_seconds_of_a_sync_task_is_task_timed_out() -> None:
    """A .sync task whose child outlives TimeoutSeconds ends with TaskTimedOut (States.Timeout)."""
    machine = one_task(
        "arn:aws:states:::states:startExecution.sync:2", Parameters={"StateMachineArn": CHILD_ARN}, TimeoutSeconds=10
    )
    child = {"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 60, "End": True}}}

    async def main(engine: Engine) -> asl.Execution:
        return await (await engine.start(machine, {})).wait()

    assert shape(task_events(serve(main, state_machines={CHILD_ARN: child})))[-1] == (
        "TaskTimedOut",
        {"resourceType": "states", "resource": "startExecution.sync:2", "error": "States.Timeout"},
    )


# -- activities ------------------------------------------------------------------------------------


def activity(**fields: Any) -> dict[str, Any]:
    """One activity task whose input is the execution input's ``doc``."""
    return one_task(ACTIVITY, Parameters={"doc.$": "$.doc"}, **fields)


def test_activity_events_are_activity_scheduled_started_succeeded() -> None:
    """ActivityScheduled (resource, input, timeout, heartbeat), ActivityStarted (workerName), ActivitySucceeded."""

    async def main(engine: Engine) -> asl.Execution:
        handle = await engine.start(activity(TimeoutSeconds=300, HeartbeatSeconds=60), {"doc": "d"})
        task = await engine.get_activity_task(ACTIVITY, worker_name="worker-1")
        assert task is not None
        engine.send_task_success(task.task_token, {"ok": 1})
        return await handle.wait()

    events = task_events(serve(main))
    assert [[k for k in e if k.endswith("EventDetails")] for e in events] == [
        ["activityScheduledEventDetails"],
        ["activityStartedEventDetails"],
        ["activitySucceededEventDetails"],
    ]
    assert shape(events) == [
        (
            "ActivityScheduled",
            {
                "resource": ACTIVITY,
                "input": '{"doc":"d"}',
                "inputDetails": {"truncated": False},
                "timeoutInSeconds": 300,
                "heartbeatInSeconds": 60,
            },
        ),
        ("ActivityStarted", {"workerName": "worker-1"}),
        ("ActivitySucceeded", {"output": '{"ok":1}', "outputDetails": {"truncated": False}}),
    ]


def test_activity_started_is_recorded_when_a_worker_takes_the_task() -> None:
    """ActivityStarted comes when get_activity_task hands the task out, not when it is scheduled."""
    clock = VirtualClock(START)

    async def main(engine: Engine) -> asl.Execution:
        handle = await engine.start(activity(), {"doc": "d"})
        await anyio.sleep(100)
        task = await engine.get_activity_task(ACTIVITY)
        assert task is not None
        engine.send_task_success(task.task_token, 1)
        return await handle.wait()

    events = {e["type"]: e["timestamp"] for e in serve(main, clock=clock).events}
    assert events["ActivityStarted"] - events["ActivityScheduled"] == 100


def test_worker_failure_is_activity_failed() -> None:
    """send_task_failure from a worker records ActivityFailed with its error and cause."""

    async def main(engine: Engine) -> asl.Execution:
        handle = await engine.start(activity(), {"doc": "d"})
        task = await engine.get_activity_task(ACTIVITY)
        assert task is not None
        engine.send_task_failure(task.task_token, "Unreadable", "blurry")
        return await handle.wait()

    assert shape(task_events(serve(main)))[-1] == ("ActivityFailed", {"error": "Unreadable", "cause": "blurry"})


def test_activity_heartbeat_timeout_is_activity_timed_out() -> None:
    """A worker that stops heartbeating: ActivityTimedOut with States.HeartbeatTimeout."""

    async def main(engine: Engine) -> asl.Execution:
        handle = await engine.start(activity(HeartbeatSeconds=10), {"doc": "d"})
        assert await engine.get_activity_task(ACTIVITY) is not None
        return await handle.wait()

    assert shape(task_events(serve(main)))[-1] == ("ActivityTimedOut", {"error": "States.HeartbeatTimeout"})


def test_an_activity_nobody_takes_times_out_without_starting() -> None:
    """TimeoutSeconds passing while queued: ActivityScheduled then ActivityTimedOut (States.Timeout)."""

    async def main(engine: Engine) -> asl.Execution:
        return await (await engine.start(activity(TimeoutSeconds=5), {"doc": "d"})).wait()

    assert [t for t, _ in shape(task_events(serve(main)))] == ["ActivityScheduled", "ActivityTimedOut"]


def test_a_deleted_activity_is_activity_schedule_failed() -> None:
    """A task for a deleted activity records ActivityScheduleFailed and fails the execution."""

    async def main(engine: Engine) -> asl.Execution:
        engine.delete_activity(ACTIVITY)
        return await (await engine.start(activity(), {"doc": "d"})).wait()

    execution = serve(main)
    assert shape(task_events(execution)) == [
        (
            "ActivityScheduled",
            {"resource": ACTIVITY, "input": '{"doc":"d"}', "inputDetails": {"truncated": False}},
        ),
        (
            "ActivityScheduleFailed",
            {"error": "ActivityDoesNotExist", "cause": f"Activity Does Not Exist: '{ACTIVITY}'"},
        ),
    ]
    assert execution.error == "ActivityDoesNotExist"


# -- tokens of retried callbacks, failures without an error ---------------------------------------


def test_each_attempt_of_a_retried_callback_gets_a_new_token() -> None:
    """The retry's $$.Task.Token differs; the first attempt's token is closed (TaskTimedOut)."""
    machine = callback(Retry=[{"ErrorEquals": ["Rejected"], "IntervalSeconds": 1, "MaxAttempts": 1}])
    sent: list[str] = []

    async def main(engine: Engine) -> tuple[Any, str | None]:
        handle = await engine.start(machine, {})
        while not sent:
            await anyio.sleep(0.001)
        engine.send_task_failure(sent[0], "Rejected", "try again")
        while len(sent) < 2:
            await anyio.sleep(0.001)
        refused: str | None = None
        try:
            engine.send_task_success(sent[0], "stale")
        except asl.engine.TaskTimedOut as err:
            refused = err.code
        engine.send_task_success(sent[1], "fresh")
        return await handle.result(), refused

    result, refused = serve(main, resolvers={SQS_WAIT: lambda p: sent.append(p["MessageBody"]["token"])})
    assert (result, refused, sent[0] != sent[1]) == ("fresh", "TaskTimedOut", True)


def test_send_task_failure_without_error_or_cause_leaves_them_absent() -> None:
    """No error and no cause: TaskFailed carries neither, and the execution fails with no error (our choice)."""

    async def main(engine: Engine) -> asl.Execution:
        handle = await engine.start(callback(), {})
        engine.send_task_failure(await first_token(engine))
        return await handle.wait()

    execution = serve(main)
    events = execution.history_json()["events"]
    assert events[-2]["taskFailedEventDetails"] == SQS_IDENT
    assert events[-1]["executionFailedEventDetails"] == {}
    assert (execution.status, execution.error, execution.cause) == ("FAILED", None, None)


def test_a_failure_without_error_is_caught_by_states_all() -> None:
    """States.ALL catches a failure sent without an error; the error output's Error is null (our choice)."""
    machine = callback(Catch=[{"ErrorEquals": ["States.ALL"], "Next": "Handled"}])
    machine["States"]["Handled"] = {"Type": "Pass", "End": True}

    async def main(engine: Engine) -> Any:
        handle = await engine.start(machine, {})
        engine.send_task_failure(await first_token(engine))
        return await handle.result()

    assert serve(main) == {"Error": None}
