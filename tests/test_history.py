"""Execution history: ``history_json()`` in GetExecutionHistory's shape, and the Execution helpers.

The expected histories are written by hand from histories AWS recorded (the conformance
corpus's ``history`` fields and the LocalStack snapshots they come from): event types, ids,
previousEventIds and the ``...EventDetails`` objects with their JSON-text values.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest

import asl
from asl.execution import Execution, iso_timestamp
from asl.testing import VirtualClock

START = datetime(2024, 1, 1, tzinfo=UTC)
INVOKE = "arn:aws:states:::lambda:invoke"
FUNCTION = "arn:aws:lambda:us-east-1:111111111111:function:fn"
CONTEXT = {
    "Execution": {"Name": "run-1", "RoleArn": "arn:aws:iam::111111111111:role/sfn"},
    "StateMachine": {"Id": "arn:aws:states:eu-west-1:111111111111:stateMachine:sm"},
}
NOT_TRUNCATED = {"truncated": False}


def start(definition: dict[str, Any], data: Any = None, **options: Any) -> Execution:
    """Run ``definition`` on a virtual clock with the shared context."""
    return asl.start(definition, {} if data is None else data, clock=VirtualClock(START), context=CONTEXT, **options)


def events_without_time(execution: Execution) -> list[dict[str, Any]]:
    """``history_json()["events"]`` without the timestamps (checked on their own)."""
    return [{k: v for k, v in event.items() if k != "timestamp"} for event in execution.history_json()["events"]]


def entered(event_id: int, previous: int, kind: str, name: str, data: str) -> dict[str, Any]:
    """A ``...StateEntered`` event as GetExecutionHistory shows it."""
    details = {"name": name, "input": data, "inputDetails": NOT_TRUNCATED}
    return {
        "type": f"{kind}StateEntered",
        "id": event_id,
        "previousEventId": previous,
        "stateEnteredEventDetails": details,
    }


def exited(event_id: int, previous: int, kind: str, name: str, data: str) -> dict[str, Any]:
    """A ``...StateExited`` event as GetExecutionHistory shows it."""
    details = {"name": name, "output": data, "outputDetails": NOT_TRUNCATED}
    return {
        "type": f"{kind}StateExited",
        "id": event_id,
        "previousEventId": previous,
        "stateExitedEventDetails": details,
    }


def bare(event_id: int, previous: int, event_type: str) -> dict[str, Any]:
    """An event without details."""
    return {"type": event_type, "id": event_id, "previousEventId": previous}


def started(data: str) -> dict[str, Any]:
    """The ExecutionStarted event of every execution here."""
    details = {"input": data, "inputDetails": NOT_TRUNCATED, "roleArn": "arn:aws:iam::111111111111:role/sfn"}
    return {"type": "ExecutionStarted", "id": 1, "previousEventId": 0, "executionStartedEventDetails": details}


def succeeded(event_id: int, data: str) -> dict[str, Any]:
    """The ExecutionSucceeded event that ends a history."""
    details = {"output": data, "outputDetails": NOT_TRUNCATED}
    return {
        "type": "ExecutionSucceeded",
        "id": event_id,
        "previousEventId": event_id - 1,
        "executionSucceededEventDetails": details,
    }


# -- history_json against recorded histories -------------------------------------------------------

PASS_THEN_TASK = {
    "StartAt": "Prepare",
    "States": {
        "Prepare": {"Type": "Pass", "Result": {"x": 1}, "Next": "Call"},
        "Call": {
            "Type": "Task",
            "Resource": INVOKE,
            "Parameters": {"FunctionName": "fn", "Payload.$": "$"},
            "ResultSelector": {"r.$": "$.Payload"},
            "End": True,
        },
    },
}


def test_history_json_of_a_pass_and_service_task_chain() -> None:
    """A Pass then a lambda:invoke Task: Task* events split the resource into resourceType and resource."""
    events = events_without_time(start(PASS_THEN_TASK, resolvers={"fn": lambda payload: {"y": 2}}))
    del events[6]["taskSucceededEventDetails"]["output"]  # the Invoke envelope: checked below
    task = {"resourceType": "lambda", "resource": "invoke"}
    assert events == [
        started("{}"),
        entered(2, 0, "Pass", "Prepare", "{}"),
        exited(3, 2, "Pass", "Prepare", '{"x":1}'),
        entered(4, 3, "Task", "Call", '{"x":1}'),
        {
            "type": "TaskScheduled",
            "id": 5,
            "previousEventId": 4,
            "taskScheduledEventDetails": {
                **task,
                "region": "eu-west-1",
                "parameters": '{"FunctionName":"fn","Payload":{"x":1}}',
            },
        },
        {"type": "TaskStarted", "id": 6, "previousEventId": 5, "taskStartedEventDetails": task},
        {
            "type": "TaskSucceeded",
            "id": 7,
            "previousEventId": 6,
            "taskSucceededEventDetails": {**task, "outputDetails": NOT_TRUNCATED},
        },
        exited(8, 7, "Task", "Call", '{"r":{"y":2}}'),
        succeeded(9, '{"r":{"y":2}}'),
    ]


def test_task_succeeded_output_is_the_invoke_envelope_as_json_text() -> None:
    """TaskSucceeded's output is the service's whole response (the Invoke envelope), as JSON text."""
    execution = start(PASS_THEN_TASK, resolvers={"fn": lambda payload: {"y": 2}})
    (event,) = [e for e in execution.history_json()["events"] if e["type"] == "TaskSucceeded"]
    assert json.loads(event["taskSucceededEventDetails"]["output"])["Payload"] == {"y": 2}


CAUGHT = {
    "StartAt": "Task",
    "States": {
        "Task": {
            "Type": "Task",
            "Resource": INVOKE,
            "Parameters": {"FunctionName": "fn", "Payload": {"foo": "foobar"}},
            "Catch": [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.error", "Next": "Fallback"}],
            "End": True,
        },
        "Fallback": {"Type": "Pass", "End": True},
    },
}


def _raise(payload: Any) -> Any:
    raise asl.StatesError("Exception", "Some exception was raised.")


def test_history_json_of_a_failure_caught_by_catch() -> None:
    """TaskFailed carries error, cause, resource and resourceType; the catcher's output exits the Task."""
    execution = start(CAUGHT, {"inputData": "dummy"}, resolvers={"fn": _raise})
    task = {"resourceType": "lambda", "resource": "invoke"}
    caught = '{"inputData":"dummy","error":{"Error":"Exception","Cause":"Some exception was raised."}}'
    assert events_without_time(execution)[1:] == [
        entered(2, 0, "Task", "Task", '{"inputData":"dummy"}'),
        {
            "type": "TaskScheduled",
            "id": 3,
            "previousEventId": 2,
            "taskScheduledEventDetails": {
                **task,
                "region": "eu-west-1",
                "parameters": '{"FunctionName":"fn","Payload":{"foo":"foobar"}}',
            },
        },
        {"type": "TaskStarted", "id": 4, "previousEventId": 3, "taskStartedEventDetails": task},
        {
            "type": "TaskFailed",
            "id": 5,
            "previousEventId": 4,
            "taskFailedEventDetails": {**task, "error": "Exception", "cause": "Some exception was raised."},
        },
        exited(6, 5, "Task", "Task", caught),
        entered(7, 6, "Pass", "Fallback", caught),
        exited(8, 7, "Pass", "Fallback", caught),
        succeeded(9, caught),
    ]


PARALLEL = {
    "StartAt": "ParallelState",
    "States": {
        "ParallelState": {
            "Type": "Parallel",
            "Branches": [{"StartAt": "Branch1", "States": {"Branch1": {"Type": "Pass", "End": True}}}],
            "End": True,
        }
    },
}


def test_history_json_of_a_parallel() -> None:
    """ParallelStateSucceeded and ParallelStateExited both follow the branch's last event."""
    assert events_without_time(start(PARALLEL, [1, 2])) == [
        started("[1,2]"),
        entered(2, 0, "Parallel", "ParallelState", "[1,2]"),
        bare(3, 2, "ParallelStateStarted"),
        entered(4, 3, "Pass", "Branch1", "[1,2]"),
        exited(5, 4, "Pass", "Branch1", "[1,2]"),
        bare(6, 5, "ParallelStateSucceeded"),
        exited(7, 5, "Parallel", "ParallelState", "[[1,2]]"),
        succeeded(8, "[[1,2]]"),
    ]


MAP = {
    "StartAt": "MapState",
    "States": {
        "MapState": {
            "Type": "Map",
            "MaxConcurrency": 1,
            "ItemProcessor": {"StartAt": "Pass", "States": {"Pass": {"Type": "Pass", "End": True}}},
            "End": True,
        }
    },
}


def _iteration(event_type: str, event_id: int, previous: int, index: int) -> dict[str, Any]:
    key = event_type[0].lower() + event_type[1:] + "EventDetails"
    return {"type": event_type, "id": event_id, "previousEventId": previous, key: {"name": "MapState", "index": index}}


def test_history_json_of_a_map() -> None:
    """MapStateStarted gives the length; each iteration starts after the previous one's last state event."""
    assert events_without_time(start(MAP, [1, "Hello"])) == [
        started('[1,"Hello"]'),
        entered(2, 0, "Map", "MapState", '[1,"Hello"]'),
        {"type": "MapStateStarted", "id": 3, "previousEventId": 2, "mapStateStartedEventDetails": {"length": 2}},
        _iteration("MapIterationStarted", 4, 3, 0),
        entered(5, 4, "Pass", "Pass", "1"),
        exited(6, 5, "Pass", "Pass", "1"),
        _iteration("MapIterationSucceeded", 7, 6, 0),
        _iteration("MapIterationStarted", 8, 6, 1),
        entered(9, 8, "Pass", "Pass", '"Hello"'),
        exited(10, 9, "Pass", "Pass", '"Hello"'),
        _iteration("MapIterationSucceeded", 11, 10, 1),
        bare(12, 11, "MapStateSucceeded"),
        exited(13, 11, "Map", "MapState", '[1,"Hello"]'),
        succeeded(14, '[1,"Hello"]'),
    ]


def _flaky() -> Any:
    calls = []

    def resolver(payload: Any) -> Any:
        calls.append(payload)
        if len(calls) == 1:
            raise asl.StatesError("Busy", "try again")
        return "ok"

    return resolver


RETRIED = {
    "StartAt": "Call",
    "States": {
        "Call": {
            "Type": "Task",
            "Resource": FUNCTION,
            "Retry": [{"ErrorEquals": ["Busy"], "IntervalSeconds": 1}],
            "End": True,
        }
    },
}


def test_history_json_of_a_retried_lambda_function() -> None:
    """A Lambda ARN task records LambdaFunction* events; the retry schedules the function again."""
    scheduled = {"resource": FUNCTION, "input": '{"k":1}', "inputDetails": NOT_TRUNCATED}
    events = events_without_time(start(RETRIED, {"k": 1}, resolvers={FUNCTION: _flaky()}))
    assert events[1:] == [
        entered(2, 0, "Task", "Call", '{"k":1}'),
        {
            "type": "LambdaFunctionScheduled",
            "id": 3,
            "previousEventId": 2,
            "lambdaFunctionScheduledEventDetails": scheduled,
        },
        bare(4, 3, "LambdaFunctionStarted"),
        {
            "type": "LambdaFunctionFailed",
            "id": 5,
            "previousEventId": 4,
            "lambdaFunctionFailedEventDetails": {"error": "Busy", "cause": "try again"},
        },
        {
            "type": "LambdaFunctionScheduled",
            "id": 6,
            "previousEventId": 5,
            "lambdaFunctionScheduledEventDetails": scheduled,
        },
        bare(7, 6, "LambdaFunctionStarted"),
        {
            "type": "LambdaFunctionSucceeded",
            "id": 8,
            "previousEventId": 7,
            "lambdaFunctionSucceededEventDetails": {"output": '"ok"', "outputDetails": NOT_TRUNCATED},
        },
        exited(9, 8, "Task", "Call", '"ok"'),
        succeeded(10, '"ok"'),
    ]


def test_history_json_of_an_uncaught_fail_state() -> None:
    """A Fail state's error and cause end the history in executionFailedEventDetails."""
    definition = {"StartAt": "F", "States": {"F": {"Type": "Fail", "Error": "SomeFailure", "Cause": "why"}}}
    assert events_without_time(start(definition))[1:] == [
        entered(2, 0, "Fail", "F", "{}"),
        {
            "type": "ExecutionFailed",
            "id": 3,
            "previousEventId": 2,
            "executionFailedEventDetails": {"error": "SomeFailure", "cause": "why"},
        },
    ]


def test_history_json_of_a_failed_jsonata_evaluation() -> None:
    """A JSONata expression that returns nothing records EvaluationFailed with its location and state."""
    definition = {
        "QueryLanguage": "JSONata",
        "StartAt": "State0",
        "States": {"State0": {"Type": "Pass", "Output": {"result": "{% $doesNotExist %}"}, "End": True}},
    }
    cause = (
        "An error occurred while executing the state 'State0' (entered at the event id #2). "
        "The JSONata expression '$doesNotExist' specified for the field 'Output/result' returned nothing (undefined)."
    )
    error = "States.QueryEvaluationError"
    assert events_without_time(start(definition))[2:] == [
        {
            "type": "EvaluationFailed",
            "id": 3,
            "previousEventId": 0,
            "evaluationFailedEventDetails": {
                "error": error,
                "cause": cause,
                "location": "Output/result",
                "state": "State0",
            },
        },
        {
            "type": "ExecutionFailed",
            "id": 4,
            "previousEventId": 3,
            "executionFailedEventDetails": {"error": error, "cause": cause},
        },
    ]


def test_assigned_variables_are_json_text_with_details() -> None:
    """assignedVariables maps each name to JSON text, followed by assignedVariablesDetails."""
    definition = {"StartAt": "A", "States": {"A": {"Type": "Pass", "Assign": {"x": 42, "s": "t"}, "End": True}}}
    details = events_without_time(start(definition))[2]["stateExitedEventDetails"]
    assert (details["assignedVariables"], details["assignedVariablesDetails"]) == (
        {"x": "42", "s": '"t"'},
        NOT_TRUNCATED,
    )


# -- events AWS records around failures -------------------------------------------------------------

RETRIED_PARALLEL = {
    "StartAt": "ParallelState",
    "States": {
        "ParallelState": {
            "Type": "Parallel",
            "Branches": [{"StartAt": "Branch1", "States": {"Branch1": {"Type": "Fail", "Error": "FailureType"}}}],
            "Retry": [{"ErrorEquals": ["FailureType"], "MaxAttempts": 2}],
            "End": True,
        }
    },
}


def test_retried_parallel_records_failed_only_when_final() -> None:
    """Each attempt starts again after the failed branch; ParallelStateFailed comes once, at the end."""
    events = start(RETRIED_PARALLEL).events
    assert [(e["type"], e["id"], e["previousEventId"]) for e in events[2:]] == [
        ("ParallelStateStarted", 3, 2),
        ("FailStateEntered", 4, 3),
        ("ParallelStateStarted", 5, 4),
        ("FailStateEntered", 6, 5),
        ("ParallelStateStarted", 7, 6),
        ("FailStateEntered", 8, 7),
        ("ParallelStateFailed", 9, 8),
        ("ExecutionFailed", 10, 9),
    ]


def test_failed_task_in_a_branch_is_aborted() -> None:
    """A Task that fails its Parallel branch records TaskStateAborted after its TaskFailed."""
    branch = {
        "StartAt": "T",
        "States": {"T": {"Type": "Task", "Resource": INVOKE, "Parameters": {"FunctionName": "fn"}, "End": True}},
    }
    definition = {"StartAt": "P", "States": {"P": {"Type": "Parallel", "Branches": [branch], "End": True}}}
    types = [e["type"] for e in start(definition, resolvers={"fn": _raise}).events]
    assert types[-4:] == ["TaskFailed", "TaskStateAborted", "ParallelStateFailed", "ExecutionFailed"]


def test_sibling_waiting_when_a_branch_fails_is_aborted() -> None:
    """A branch still waiting when its sibling fails records WaitStateAborted."""
    waiting = {"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 10, "End": True}}}
    failing = {"StartAt": "F", "States": {"F": {"Type": "Fail", "Error": "E"}}}
    definition = {"StartAt": "P", "States": {"P": {"Type": "Parallel", "Branches": [waiting, failing], "End": True}}}
    types = [e["type"] for e in start(definition).events]
    assert "WaitStateAborted" in types and "WaitStateExited" not in types


def test_invalid_map_items_record_evaluation_failed_then_map_failed() -> None:
    """JSONata Items that are not an array: EvaluationFailed, then MapStateFailed, before MapStateStarted."""
    definition = {
        "QueryLanguage": "JSONata",
        "StartAt": "M",
        "States": {
            "M": {
                "Type": "Map",
                "Items": "{% 1 %}",
                "ItemProcessor": {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}},
                "End": True,
            }
        },
    }
    types = [e["type"] for e in start(definition).events]
    assert types == ["ExecutionStarted", "MapStateEntered", "EvaluationFailed", "MapStateFailed", "ExecutionFailed"]


DISTRIBUTED = {
    "StartAt": "M",
    "States": {
        "M": {
            "Type": "Map",
            "Label": "TestMap",
            "ItemProcessor": {
                "ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
                "StartAt": "Inner",
                "States": {"Inner": {"Type": "Pass", "End": True}},
            },
            "End": True,
        }
    },
}


def test_distributed_map_records_a_map_run_not_its_children() -> None:
    """A distributed Map records MapRunStarted and MapRunSucceeded; its children's events are their own."""
    types = [e["type"] for e in start(DISTRIBUTED, ["a", "b"]).events]
    assert types == [
        "ExecutionStarted",
        "MapStateEntered",
        "MapStateStarted",
        "MapRunStarted",
        "MapRunSucceeded",
        "MapStateSucceeded",
        "MapStateExited",
        "ExecutionSucceeded",
    ]


def test_map_run_arn_names_the_state_machine_and_label() -> None:
    """The mapRunArn is arn:aws:states:<region>:<account>:mapRun:<state machine>/<label>:<id>."""
    (event,) = [e for e in start(DISTRIBUTED, ["a"]).events if e["type"] == "MapRunStarted"]
    assert event["mapRunArn"].startswith("arn:aws:states:eu-west-1:111111111111:mapRun:sm/TestMap:")


# -- timestamps and options ----------------------------------------------------------------------------


def test_timestamps_are_iso_strings_from_the_clock() -> None:
    """Timestamps are the clock's time in UTC, as the AWS CLI prints them."""
    first = start(PARALLEL).history_json()["events"][0]
    assert first["timestamp"] == "2024-01-01T00:00:00.000000+00:00"


def test_iso_timestamp_keeps_milliseconds() -> None:
    """A timestamp keeps millisecond precision, as AWS records it."""
    assert iso_timestamp(1704067200.1234) == "2024-01-01T00:00:00.123000+00:00"


def test_history_json_is_json_data() -> None:
    """json.dumps takes the whole response as it is."""
    execution = start(CAUGHT, {"inputData": "dummy"}, resolvers={"fn": _raise})
    assert json.loads(json.dumps(execution.history_json())) == execution.history_json()


def test_history_json_reverse_order_lists_newest_first() -> None:
    """reverse_order=True starts with the last event, like GetExecutionHistory's reverseOrder."""
    events = start(PARALLEL).history_json(reverse_order=True)["events"]
    assert (events[0]["type"], events[-1]["type"]) == ("ExecutionSucceeded", "ExecutionStarted")


def test_history_json_is_empty_without_history() -> None:
    """history=False keeps no events, so the response lists none."""
    assert start(PARALLEL, history=False).history_json() == {"events": []}


# -- helpers ---------------------------------------------------------------------------------------------

LOOP = {
    "StartAt": "Count",
    "States": {
        "Count": {"Type": "Pass", "Parameters": {"n.$": "States.MathAdd($.n, 1)"}, "Next": "Done?"},
        "Done?": {
            "Type": "Choice",
            "Choices": [{"Variable": "$.n", "NumericLessThan": 3, "Next": "Count"}],
            "Default": "End",
        },
        "End": {"Type": "Succeed"},
    },
}


def test_visits_count_each_state_entered() -> None:
    """visits maps each state to the times it was entered, in first-entered order."""
    assert list(start(LOOP, {"n": 0}).visits.items()) == [("Count", 3), ("Done?", 3), ("End", 1)]


def test_visits_omit_states_never_entered() -> None:
    """A state never entered is absent from visits."""
    assert "Fallback" not in start(PASS_THEN_TASK, resolvers={"fn": lambda payload: 1}).visits


def test_visits_count_map_iterations() -> None:
    """A state inside a Map counts once per iteration."""
    assert start(MAP, [1, 2, 3]).visits["Pass"] == 3


def test_retries_count_retries_of_a_state() -> None:
    """A task failing once then succeeding has one retry."""
    assert start(RETRIED, {"k": 1}, resolvers={FUNCTION: _flaky()}).retries("Call") == 1


def test_retries_are_zero_for_a_state_never_retried() -> None:
    """A state entered several times without failing has no retries."""
    assert start(LOOP, {"n": 0}).retries("Count") == 0


def test_retries_count_every_attempt_of_a_retried_parallel() -> None:
    """A Parallel retried twice (MaxAttempts 2) has two retries."""
    assert start(RETRIED_PARALLEL).retries("ParallelState") == 2


def test_attempts_add_entries_and_retries() -> None:
    """attempts is how many times the state ran its work: one entry plus one retry."""
    assert start(RETRIED, {"k": 1}, resolvers={FUNCTION: _flaky()}).attempts("Call") == 2


@pytest.mark.parametrize(
    ("detail", "location"),
    [
        (
            "The JSONata expression '$x' specified for the field 'Assign/result' returned nothing (undefined).",
            "Assign/result",
        ),
        ("The Timestamp field cannot be parsed as an ISO-8601 extended offset date-time format string: x", "Timestamp"),
        ("Map state input must be an array but was: 1", None),
    ],
    ids=["jsonata-field", "named-field", "none"],
)
def test_evaluation_location_names_the_field(detail: str, location: str | None) -> None:
    """EvaluationFailed's location is the field the cause names, when it names one."""
    from asl.execution import evaluation_location

    assert evaluation_location(detail) == location


def test_max_events_fails_before_the_last_place() -> None:
    """Under max_events the event that would take the last place fails with States.Runtime."""
    execution = Execution(name="n", arn="a", max_events=2)
    execution.record("ExecutionStarted", 0.0, 0, {})
    with pytest.raises(asl.StatesError) as raised:
        execution.record("PassStateEntered", 0.0, 0, {})
    assert raised.value.error == "States.Runtime"


def test_max_events_lets_the_final_event_take_the_last_place() -> None:
    """ExecutionFailed may still be recorded as the last allowed event."""
    execution = Execution(name="n", arn="a", max_events=2)
    execution.record("ExecutionStarted", 0.0, 0, {})
    assert execution.record("ExecutionFailed", 0.0, 1, {}) == 2


@pytest.mark.parametrize("limit", [2, 3, 4])
def test_a_pair_of_events_under_max_events_fails_on_the_one_that_takes_the_last_place(limit: int) -> None:
    """note_pair records its two events one at a time near the limit: the one taking the last place fails."""
    execution = Execution(name="n", arn="a", max_events=limit)
    execution.record("ExecutionStarted", 0.0, 0, {})
    if limit == 4:
        assert execution.note_pair("TaskScheduled", 0.0, 1, None, {}, None, "TaskStarted", None, {}) == 3
        return
    with pytest.raises(asl.StatesError):
        execution.note_pair("TaskScheduled", 0.0, 1, None, {}, None, "TaskStarted", None, {})
    assert len(execution.events) == limit - 1


def test_a_pair_of_events_reads_back_as_two_chained_events() -> None:
    """note_pair's events get consecutive ids, the second following the first, with their own details."""
    execution = Execution(name="n", arn="a")
    execution.record("ExecutionStarted", 0.0, 0, {})
    last = execution.note_pair("LambdaFunctionScheduled", 2.0, 1, ("resource", "input"), "r", {"x": 1},
                               "LambdaFunctionStarted", None, {})  # fmt: skip
    assert last == 3
    assert execution.events[1:] == [
        {"id": 2, "previousEventId": 1, "type": "LambdaFunctionScheduled", "timestamp": 2.0, "resource": "r",
         "input": {"x": 1}},
        {"id": 3, "previousEventId": 2, "type": "LambdaFunctionStarted", "timestamp": 2.0},
    ]  # fmt: skip


@pytest.mark.parametrize(
    "details",
    [
        {"name": "A", "input": {"x": 1}},
        (("output",), [1, 2]),
        (("name", "output"), "A", {"y": None}),
        ((),),
        (("a", "b", "c"), 1, "two", [3]),
    ],
)
def test_recorded_details_read_back_as_a_dict_whatever_their_shape(details: Any) -> None:
    """Details recorded as a dict or packed with 0 to 3 values read back as the same fields and values."""
    execution = Execution(name="n", arn="a")
    execution.record("PassStateEntered", 1.5, 0, details)
    expected = details if isinstance(details, dict) else dict(zip(details[0], details[1:], strict=True))
    event = execution.events[0]
    assert {k: v for k, v in event.items() if k not in ("id", "previousEventId", "type", "timestamp")} == expected
    assert (event["id"], event["previousEventId"], event["timestamp"]) == (1, 0, 1.5)
