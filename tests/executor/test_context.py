"""The context object ($$): execution, state and state-machine fields, times, and the context= merge.

Shape and time format follow the AWS guide ("Accessing execution data from the Context
object": ``"StartTime": "2019-03-26T20:14:13.192Z"``) and the recorded case
base_test_base.py_TestSnfBase_test_query_context_object_values.
"""

from __future__ import annotations

from typing import Any

from ._helpers import chain, run, single

_SM_ARN = "arn:aws:states:eu-west-1:111111111111:stateMachine:orders"
_CONTEXT = {
    "StateMachine": {"Id": _SM_ARN, "Name": "orders"},
    "Execution": {
        "Id": "arn:aws:states:eu-west-1:111111111111:execution:orders:run-7",
        "Name": "run-7",
        "RoleArn": "arn:aws:iam::111111111111:role/sfn",
    },
}


def _read(path: str, data: Any = None, **kw: Any) -> Any:
    definition = single({"Type": "Pass", "Parameters": {"v.$": path}}, name="Reader")
    return run(definition, {"in": 1} if data is None else data, **kw)["v"]


def test_execution_input() -> None:
    """$$.Execution.Input is the execution's input."""
    assert _read("$$.Execution.Input", {"in": [1, 2]}) == {"in": [1, 2]}


def test_execution_input_unchanged_by_earlier_states() -> None:
    """$$.Execution.Input stays the original input after earlier states changed the data."""
    definition = chain(
        ("First", {"Type": "Pass", "Result": "replaced"}),
        ("Second", {"Type": "Pass", "Parameters": {"v.$": "$$.Execution.Input"}}),
    )
    assert run(definition, {"orig": True}) == {"v": {"orig": True}}


def test_execution_name_given() -> None:
    """$$.Execution.Name is the name given in context=."""
    assert _read("$$.Execution.Name", context=_CONTEXT) == "run-7"


def test_execution_name_generated_when_not_given() -> None:
    """Without a given name $$.Execution.Name is a non-empty generated string."""
    name = _read("$$.Execution.Name")
    assert isinstance(name, str) and name


def test_execution_start_time_from_virtual_clock() -> None:
    """$$.Execution.StartTime is the virtual clock's start, ISO-8601 with milliseconds and Z."""
    assert _read("$$.Execution.StartTime") == "2024-01-01T00:00:00.000Z"


def test_state_name() -> None:
    """$$.State.Name is the running state's name."""
    assert _read("$$.State.Name") == "Reader"


def test_state_entered_time_at_start() -> None:
    """$$.State.EnteredTime of the first state is the start time."""
    assert _read("$$.State.EnteredTime") == "2024-01-01T00:00:00.000Z"


def test_state_entered_time_after_wait() -> None:
    """$$.State.EnteredTime of a state after a 90-second Wait is 90 seconds later."""
    definition = chain(
        ("Pause", {"Type": "Wait", "Seconds": 90}),
        ("After", {"Type": "Pass", "Parameters": {"t.$": "$$.State.EnteredTime", "s.$": "$$.Execution.StartTime"}}),
    )
    assert run(definition, {}) == {"t": "2024-01-01T00:01:30.000Z", "s": "2024-01-01T00:00:00.000Z"}


def test_state_machine_id_given() -> None:
    """$$.StateMachine.Id is the ARN given in context=."""
    assert _read("$$.StateMachine.Id", context=_CONTEXT) == _SM_ARN


def test_state_machine_name_given() -> None:
    """$$.StateMachine.Name is the name given in context=."""
    assert _read("$$.StateMachine.Name", context=_CONTEXT) == "orders"


def test_execution_role_arn_given() -> None:
    """$$.Execution.RoleArn is the role given in context=."""
    assert _read("$$.Execution.RoleArn", context=_CONTEXT) == "arn:aws:iam::111111111111:role/sfn"


def test_context_merge_keeps_generated_fields() -> None:
    """A partial context= keeps the given fields and still generates Input and StartTime."""
    execution = _read("$$.Execution", {"in": 1}, context={"Execution": {"Name": "mine"}})
    assert (execution["Name"], execution["Input"], execution["StartTime"]) == (
        "mine",
        {"in": 1},
        "2024-01-01T00:00:00.000Z",
    )


def test_context_merge_keeps_state_machine_when_only_execution_given() -> None:
    """Giving only Execution fields still leaves a StateMachine with an Id and a Name."""
    machine = _read("$$.StateMachine", context={"Execution": {"Name": "mine"}})
    assert set(machine) >= {"Id", "Name"}


def test_context_extra_field_is_readable() -> None:
    """A field context= adds that AWS has no default for is readable through $$."""
    assert _read("$$.Execution.Custom", context={"Execution": {"Custom": {"k": 1}}}) == {"k": 1}


def test_execution_id_ends_with_given_name() -> None:
    """A generated execution ARN ends with the execution's name."""
    assert _read("$$.Execution.Id", context={"Execution": {"Name": "mine"}}).endswith(":mine")


def test_execution_id_in_state_machine_region() -> None:
    """A generated execution ARN names the state machine's region, account and name."""
    execution_id = _read("$$.Execution.Id", context={"StateMachine": {"Id": _SM_ARN, "Name": "orders"}})
    assert execution_id.startswith("arn:aws:states:eu-west-1:111111111111:execution:orders:")


def test_whole_context_has_three_sections_in_pass() -> None:
    """In a Pass state $$ holds Execution, StateMachine and State (recorded: test_query_context_object_values)."""
    assert set(_read("$$")) == {"Execution", "StateMachine", "State"}


def test_pass_state_has_no_retry_count() -> None:
    """$$.State in a Pass state holds just Name and EnteredTime (recorded: test_query_context_object_values)."""
    assert set(_read("$$.State")) == {"Name", "EnteredTime"}


def test_execution_section_fields() -> None:
    """$$.Execution holds Id, Input, StartTime, Name, RoleArn and RedriveCount 0 (recorded)."""
    execution = _read("$$.Execution", context=_CONTEXT)
    assert (set(execution), execution["RedriveCount"]) == (
        {"Id", "Input", "StartTime", "Name", "RoleArn", "RedriveCount"},
        0,
    )


def test_execution_input_inside_map_iteration() -> None:
    """$$.Execution.Input inside a Map iteration is still the execution's input."""
    definition = single(
        {
            "Type": "Map",
            "ItemsPath": "$.items",
            "ItemProcessor": {
                "StartAt": "Inner",
                "States": {"Inner": {"Type": "Pass", "Parameters": {"v.$": "$$.Execution.Input.tag"}, "End": True}},
            },
        }
    )
    assert run(definition, {"items": [1, 2], "tag": "t"}) == [{"v": "t"}, {"v": "t"}]


def test_map_item_context_in_item_selector() -> None:
    """ItemSelector reads $$.Map.Item.Index and $$.Map.Item.Value."""
    definition = single(
        {
            "Type": "Map",
            "ItemSelector": {"i.$": "$$.Map.Item.Index", "v.$": "$$.Map.Item.Value"},
            "ItemProcessor": {"StartAt": "Inner", "States": {"Inner": {"Type": "Pass", "End": True}}},
        }
    )
    assert run(definition, ["a", "b"]) == [{"i": 0, "v": "a"}, {"i": 1, "v": "b"}]
