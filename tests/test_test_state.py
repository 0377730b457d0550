"""asl.test_state: AWS's TestState API, locally (one state, run once, with mocks)."""

from __future__ import annotations

import json
from typing import Any

import pytest

import asl

LAMBDA = "arn:aws:states:::lambda:invoke"


def _task(**fields: Any) -> dict[str, Any]:
    state: dict[str, Any] = {"Type": "Task", "Resource": LAMBDA}
    state.update(fields)
    if "Next" not in state:
        state["End"] = True
    return state


def test_pass_state_succeeds_with_its_output() -> None:
    """A lone Pass state runs its JSONPath pipeline and ends with no next state."""
    state = {"Type": "Pass", "InputPath": "$.a", "Parameters": {"b.$": "$.x"}, "ResultPath": "$.r", "End": True}
    result = asl.test_state(state, {"a": {"x": 1}})
    assert (result.status, result.output, result.next_state) == ("SUCCEEDED", {"a": {"x": 1}, "r": {"b": 1}}, None)


def test_choice_reports_the_chosen_next_state() -> None:
    """A Choice state's next_state is the target of the first matching rule."""
    state = {
        "Type": "Choice",
        "Choices": [{"Variable": "$.n", "NumericGreaterThan": 10, "Next": "Big"}],
        "Default": "Small",
    }
    assert asl.test_state(state, {"n": 11}).next_state == "Big"
    assert asl.test_state(state, {"n": 1}).next_state == "Small"


def test_task_mock_result_is_json_text() -> None:
    """A mocked result given as JSON text becomes the task's result."""
    result = asl.test_state(_task(Next="After"), {}, mock={"result": '{"ok": true}'})
    assert (result.status, result.output, result.next_state) == ("SUCCEEDED", {"ok": True}, "After")


def test_mock_error_with_retrier_left_is_retriable() -> None:
    """An error a retrier still has attempts for gives RETRIABLE with the backoff it would wait."""
    state = _task(Retry=[{"ErrorEquals": ["Boom"], "IntervalSeconds": 3, "BackoffRate": 2, "MaxAttempts": 3}])
    result = asl.test_state(
        state,
        {},
        mock={"errorOutput": {"error": "Boom", "cause": "bad"}},
        state_configuration={"retrierRetryCount": 2},
        inspection_level="DEBUG",
    )
    assert (result.status, result.error, result.cause) == ("RETRIABLE", "Boom", "bad")
    assert result.inspection_data is not None
    assert result.inspection_data["errorDetails"] == {"retryIndex": 0, "retryBackoffIntervalSeconds": 12}


def test_exhausted_retrier_falls_to_failed() -> None:
    """When retrierRetryCount reaches MaxAttempts the error is not retriable and, uncaught, FAILED."""
    state = _task(Retry=[{"ErrorEquals": ["Boom"], "MaxAttempts": 2}])
    result = asl.test_state(
        state, {}, mock={"errorOutput": {"error": "Boom"}}, state_configuration={"retrierRetryCount": 2}
    )
    assert (result.status, result.error, result.output) == ("FAILED", "Boom", None)


def test_caught_error_reports_catcher_output_and_next() -> None:
    """A matching catcher gives CAUGHT_ERROR, its ResultPath output and its Next state."""
    state = _task(Catch=[{"ErrorEquals": ["States.ALL"], "ResultPath": "$.err", "Next": "Handler"}])
    result = asl.test_state(state, {"k": 1}, mock={"errorOutput": {"error": "Boom", "cause": "why"}})
    assert result.status == "CAUGHT_ERROR"
    assert result.output == {"k": 1, "err": {"Error": "Boom", "Cause": "why"}}
    assert (result.next_state, result.error, result.cause) == ("Handler", "Boom", "why")


def test_fail_state_fails_with_its_error() -> None:
    """A Fail state's error and cause come back with status FAILED."""
    result = asl.test_state({"Type": "Fail", "Error": "E", "Cause": "C"})
    assert (result.status, result.error, result.cause) == ("FAILED", "E", "C")


def test_state_of_a_whole_machine_by_name() -> None:
    """state_name picks one state of a full definition; its Next need not be run."""
    definition = {
        "StartAt": "A",
        "States": {"A": {"Type": "Pass", "Next": "B"}, "B": {"Type": "Pass", "Result": 2, "Next": "C"},
                   "C": {"Type": "Succeed"}},
    }
    result = asl.test_state(definition, {"x": 1}, state_name="B")
    assert (result.output, result.next_state) == (2, "C")


def test_variables_are_in_scope() -> None:
    """Variables passed in are readable by the state's JSONata expressions."""
    state = {"Type": "Pass", "QueryLanguage": "JSONata", "Output": "{% $greeting & ' ' & $states.input.n %}",
             "End": True}
    assert asl.test_state(state, {"n": "Ada"}, variables={"greeting": "hi"}).output == "hi Ada"


def test_given_context_replaces_the_context_object() -> None:
    """A context argument is the whole context object the state sees."""
    state = {"Type": "Pass", "Parameters": {"c.$": "$$"}, "End": True}
    result = asl.test_state(state, {}, context={"Execution": {"Name": "n1"}})
    assert result.output == {"c": {"Execution": {"Name": "n1"}}}


def test_inspection_data_records_each_phase() -> None:
    """At DEBUG level the result carries what InputPath, Parameters, the result and ResultPath produced."""
    state = _task(InputPath="$.in", Parameters={"p.$": "$.v"}, ResultSelector={"r.$": "$.x"}, ResultPath="$.out")
    result = asl.test_state(state, {"in": {"v": 5}}, mock={"result": '{"x": 7}'}, inspection_level="DEBUG")
    data = result.inspection_data
    assert data is not None
    assert data["afterInputPath"] == {"v": 5}
    assert data["afterParameters"] == {"p": 5}
    assert data["result"] == {"x": 7}
    assert data["afterResultSelector"] == {"r": 7}
    assert data["afterResultPath"] == {"in": {"v": 5}, "out": {"r": 7}}


def test_info_level_has_no_inspection_data() -> None:
    """The default INFO level returns no inspection data."""
    assert asl.test_state({"Type": "Pass", "End": True}, {}).inspection_data is None


def test_parallel_mock_is_the_branch_results() -> None:
    """A mocked Parallel state takes the mock as its branches' outputs."""
    state = {"Type": "Parallel", "End": True, "Branches": [
        {"StartAt": "A", "States": {"A": {"Type": "Pass", "End": True}}},
        {"StartAt": "B", "States": {"B": {"Type": "Pass", "End": True}}},
    ]}
    assert asl.test_state(state, {}, mock={"result": "[1, 2]"}).output == [1, 2]


def _distributed_map(**fields: Any) -> dict[str, Any]:
    state: dict[str, Any] = {
        "Type": "Map",
        "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
                          "StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}},
        "End": True,
    }
    state.update(fields)
    return state


@pytest.mark.parametrize(("failures", "status"), [(1, "SUCCEEDED"), (2, "FAILED")])
def test_map_iteration_failures_against_tolerated_count(failures: int, status: str) -> None:
    """mapIterationFailureCount at the ToleratedFailureCount passes; one more fails the Map."""
    result = asl.test_state(
        _distributed_map(ToleratedFailureCount=1),
        [1, 2, 3],
        mock={"result": "[1, 2, 3]"},
        state_configuration={"mapIterationFailureCount": failures},
    )
    assert result.status == status
    if status == "FAILED":
        assert result.error == "States.ExceedToleratedFailureThreshold"


def test_map_item_reader_data_feeds_the_reader() -> None:
    """mapItemReaderData stands in for the object the ItemReader would read."""
    state = _distributed_map(ItemReader={"Resource": "arn:aws:states:::s3:getObject",
                                         "ReaderConfig": {"InputType": "JSON"},
                                         "Parameters": {"Bucket": "b", "Key": "k"}})
    result = asl.test_state(state, {}, mock={"result": "[10, 20]"},
                            state_configuration={"mapItemReaderData": "[1, 2]"}, inspection_level="DEBUG")
    assert result.output == [10, 20]
    assert result.inspection_data is not None and result.inspection_data["afterItemsPath"] == [1, 2]


def test_task_without_mock_uses_resolvers() -> None:
    """An unmocked Task is served by the resolvers given."""
    resource = "arn:aws:states:::dynamodb:getItem"
    result = asl.test_state(_task(Resource=resource), {"a": 1}, resolvers={resource: lambda payload: {"seen": payload}})
    assert result.output == {"seen": {"a": 1}}


@pytest.mark.parametrize(
    ("state", "kwargs", "message"),
    [
        ({"Type": "Pass", "End": True}, {"mock": {"result": "{}"}}, "State type 'Pass' is not supported"),
        (_task(), {"mock": {"result": "{}", "errorOutput": {"error": "E"}}}, "only one of the following fields"),
        (_task(), {"mock": {"result": "not json"}}, "Mocked result must be valid JSON"),
        (_distributed_map(), {}, "TestState API does not support Map or Parallel states"),
        (_distributed_map(), {"mock": {"result": "{}"}}, "Mocked result must be an array."),
        (_task(), {"context": {"Pokedex": {}}}, "Field 'Pokedex' is not allowed"),
        (_task(), {}, "needs a mock or a resolver"),
        ({"Type": "Pass", "End": True}, {"inspection_level": "LOUD"}, "inspectionLevel"),
    ],
)
def test_invalid_requests_are_rejected(state: dict[str, Any], kwargs: dict[str, Any], message: str) -> None:
    """A request AWS would reject raises InvalidTestStateRequest with AWS's message."""
    with pytest.raises(asl.InvalidTestStateRequest, match=message.replace("[", r"\[").replace(".", r"\.")):
        asl.test_state(state, {}, **kwargs)


def test_unknown_state_name_is_rejected() -> None:
    """A state_name that names no state is rejected as AWS does."""
    definition = {"StartAt": "A", "States": {"A": {"Type": "Succeed"}}}
    with pytest.raises(asl.InvalidTestStateRequest, match="State not found in definition"):
        asl.test_state(definition, {}, state_name="Nope")


def test_invalid_state_definition_lists_problems() -> None:
    """A broken state is rejected with the definition problems, located under /States/StateName."""
    with pytest.raises(asl.InvalidTestStateRequest, match="StateName"):
        asl.test_state({"Type": "Parallel", "Branches": [], "End": True}, {}, mock={"result": "[]"})


def test_strict_field_validation_uses_the_api_model() -> None:
    """A mocked result whose field breaks the service's API model is rejected (STRICT default)."""
    pytest.importorskip("botocore", reason="field validation reads botocore's API models")
    state = _task(Resource="arn:aws:states:::sqs:sendMessage", Parameters={"QueueUrl": "q", "MessageBody": "m"})
    with pytest.raises(asl.InvalidTestStateRequest, match="Field 'MessageId' must be a string"):
        asl.test_state(state, {}, mock={"result": json.dumps({"MessageId": 5})})
    ok = asl.test_state(state, {}, mock={"result": json.dumps({"MessageId": 5}), "fieldValidationMode": "NONE"})
    assert ok.output == {"MessageId": 5}


def test_inputs_are_not_mutated() -> None:
    """test_state leaves the definition, input and variables it was given unchanged."""
    state = {"Type": "Pass", "Result": {"x": 1}, "ResultPath": "$.r", "Assign": {"v": 2}, "End": True}
    data = {"a": [1]}
    variables = {"w": {"k": 1}}
    before = json.dumps([state, data, variables])
    asl.test_state(state, data, variables=variables)
    assert json.dumps([state, data, variables]) == before


def test_pytest_does_not_collect_test_state() -> None:
    """Importing test_state or TestStateResult into a test module does not make pytest collect them."""
    assert asl.test_state.__test__ is False  # type: ignore[attr-defined]
    assert asl.TestStateResult.__test__ is False


SHOW_CONTEXT = {
    "Type": "Pass",
    "Parameters": {"role.$": "$$.Execution.RoleArn", "state.$": "$$.State.Name"},
    "End": True,
}


def test_role_arn_is_the_context_role() -> None:
    """role_arn= is what $$.Execution.RoleArn reads, as AWS's roleArn."""
    role = "arn:aws:iam::222222222222:role/Tester"
    assert asl.test_state(SHOW_CONTEXT, {}, role_arn=role).output["role"] == role


def test_without_role_arn_a_pass_state_sees_a_null_role() -> None:
    """A state that runs no Task reads a null $$.Execution.RoleArn when no role is given."""
    assert asl.test_state(SHOW_CONTEXT, {}).output["role"] is None


def test_without_role_arn_a_task_runs_under_a_placeholder_role() -> None:
    """A Task tested with no role sees the placeholder role in the default account (AWS demands one)."""
    task = _task(Parameters={"role.$": "$$.Execution.RoleArn"})
    result = asl.test_state(task, {}, mock={"result": "{}"}, inspection_level="DEBUG")
    assert result.inspection_data["afterParameters"] == {
        "role": "arn:aws:iam::111111111111:role/StepFunctions-TestStateMachine-role"
    }


def test_a_role_arn_that_is_not_an_iam_role_is_rejected() -> None:
    """role_arn must be an IAM role ARN, else the request is rejected."""
    with pytest.raises(asl.InvalidTestStateRequest):
        asl.test_state(SHOW_CONTEXT, {}, role_arn="arn:aws:s3:::bucket")


def test_a_state_picked_from_a_machine_is_named_state_name_in_the_context() -> None:
    """$$.State.Name is "StateName" even for a state picked by name out of a whole machine (as AWS)."""
    machine = {"StartAt": "First", "States": {"First": {"Type": "Pass", "Next": "Show"}, "Show": SHOW_CONTEXT}}
    assert asl.test_state(machine, {}, state_name="Show").output["state"] == "StateName"
