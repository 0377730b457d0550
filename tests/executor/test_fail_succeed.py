"""The Fail and Succeed states: Error/Cause, ErrorPath/CausePath (paths and intrinsics), outputs."""

from __future__ import annotations

import re

from ._helpers import chain, execute, fail, prefix, run, single

# -- Fail -----------------------------------------------------------------------------------


def test_fail_error_and_cause() -> None:
    """A Fail state ends the execution with its Error and Cause (recorded: test_state_fail)."""
    definition = single(
        {"Type": "Fail", "Error": "SomeFailure", "Cause": "This state machines raises a 'SomeFailure' failure."}
    )
    err = fail(definition, {})
    assert (err.status, err.error, err.cause) == (
        "FAILED",
        "SomeFailure",
        "This state machines raises a 'SomeFailure' failure.",
    )


def test_fail_error_path_and_cause_path() -> None:
    """ErrorPath and CausePath read Error and Cause from the input (recorded: test_state_fail_path)."""
    definition = single({"Type": "Fail", "ErrorPath": "$.Error", "CausePath": "$.Cause"})
    err = fail(definition, {"Error": "error string", "Cause": "cause string"})
    assert (err.error, err.cause) == ("error string", "cause string")


def test_fail_paths_with_intrinsics() -> None:
    """ErrorPath and CausePath may be States.Format calls (recorded: test_state_fail_intrinsic)."""
    definition = single(
        {
            "Type": "Fail",
            "ErrorPath": "States.Format('{}', $.Error)",
            "CausePath": "States.Format('This is a custom error message for {}, caused by {}.', $.Error, $.Cause)",
        }
    )
    err = fail(definition, {"Error": "error string", "Cause": "cause string"})
    assert (err.error, err.cause) == (
        "error string",
        "This is a custom error message for error string, caused by cause string.",
    )


def test_fail_paths_read_context_object() -> None:
    """ErrorPath and CausePath may read $$ (recorded: context_object test_error_cause_path)."""
    definition = single(
        {"Type": "Fail", "ErrorPath": "$$.State.Name", "CausePath": "$$.StateMachine.Name"}, name="StartState"
    )
    context = {"StateMachine": {"Id": "arn:aws:states:us-east-1:111111111111:stateMachine:sm", "Name": "sm"}}
    err = fail(definition, {}, context=context)
    assert (err.error, err.cause) == ("StartState", "sm")


def test_fail_without_error() -> None:
    """A Fail state without Error or Cause fails with neither."""
    err = fail(single({"Type": "Fail"}), {})
    assert (err.status, err.error, err.cause) == ("FAILED", None, None)


def test_fail_with_cause_only() -> None:
    """A Fail state with only a Cause fails with no Error (recorded: test_fail_cause_jsonata)."""
    err = fail(single({"Type": "Fail", "Cause": "This failed to due an Exception."}), {})
    assert (err.error, err.cause) == (None, "This failed to due an Exception.")


def test_fail_error_path_missing_is_runtime() -> None:
    """A missing ErrorPath is States.Runtime in AWS's words (recorded: INVALID_JSONPATH_IN_ERRORPATH)."""
    definition = chain(
        ("pass", {"Type": "Pass", "Result": {"Error": "error-value"}}),
        ("fail", {"Type": "Fail", "ErrorPath": "$.ErrorX", "CausePath": "$.Cause"}),
    )
    err = fail(definition, {"int-literal": 0})
    expected = (
        re.escape(
            prefix("fail", 4)
            + "The JSONPath '$.ErrorX' specified for the field 'ErrorPath' could not be found in the input '"
        )
        + r'\{"Error": ?"error-value"\}'
        + "'"
    )
    assert err.error == "States.Runtime"
    assert re.fullmatch(expected, err.cause or "")


def test_fail_execution_status_failed() -> None:
    """An execution ending in a Fail state has status FAILED and no output."""
    execution = execute(single({"Type": "Fail", "Error": "E"}), {})
    assert (execution.status, execution.output) == ("FAILED", None)


# -- Succeed --------------------------------------------------------------------------------


def test_succeed_outputs_its_input() -> None:
    """A Succeed state ends the execution with its input as output."""
    assert run(single({"Type": "Succeed"}), {"done": [1]}) == {"done": [1]}


def test_succeed_input_and_output_paths() -> None:
    """A Succeed state applies InputPath then OutputPath."""
    definition = single({"Type": "Succeed", "InputPath": "$.a", "OutputPath": "$.b"})
    assert run(definition, {"a": {"b": "x"}, "c": 1}) == "x"


def test_succeed_ends_before_later_states() -> None:
    """A Succeed state reached from a Choice ends the execution there."""
    definition = {
        "StartAt": "C",
        "States": {
            "C": {
                "Type": "Choice",
                "Choices": [{"Variable": "$.go", "BooleanEquals": True, "Next": "Done"}],
                "Default": "More",
            },
            "Done": {"Type": "Succeed"},
            "More": {"Type": "Pass", "Result": "more", "End": True},
        },
    }
    assert execute(definition, {"go": True}).path == ["C", "Done"]
