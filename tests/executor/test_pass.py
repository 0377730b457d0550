"""The Pass state: Result, Parameters, intrinsic functions in templates, and chaining."""

from __future__ import annotations

from ._helpers import chain, execute, run, single


def test_pass_without_fields_passes_input_through() -> None:
    """A bare Pass state outputs its input unchanged."""
    assert run(single({"Type": "Pass"}), {"a": [1, {"b": None}]}) == {"a": [1, {"b": None}]}


def test_pass_result_replaces_input() -> None:
    """A Pass Result becomes the output (recorded: test_state_pass_result)."""
    assert run(single({"Type": "Pass", "Result": {"Arg1": "argument1"}}), {}) == {"Arg1": "argument1"}


def test_pass_result_with_resultpath() -> None:
    """A Pass Result is placed by ResultPath into the input."""
    definition = single({"Type": "Pass", "Result": {"v": 1}, "ResultPath": "$.r"})
    assert run(definition, {"in": 0}) == {"in": 0, "r": {"v": 1}}


def test_pass_result_wins_over_parameters() -> None:
    """When a Pass has both Parameters and Result, Result is the output."""
    definition = single({"Type": "Pass", "Parameters": {"p": 1}, "Result": "R"})
    assert run(definition, {}) == "R"


def test_pass_parameters_intrinsic_function() -> None:
    """An intrinsic function in a Parameters template is evaluated (States.Format)."""
    definition = single({"Type": "Pass", "Parameters": {"msg.$": "States.Format('Hello, {}!', $.name)"}})
    assert run(definition, {"name": "Ada"}) == {"msg": "Hello, Ada!"}


def test_pass_parameters_intrinsic_array() -> None:
    """States.Array builds a list from its arguments."""
    definition = single({"Type": "Pass", "Parameters": {"arr.$": "States.Array($.a, 'two', 3)"}})
    assert run(definition, {"a": 1}) == {"arr": [1, "two", 3]}


def test_pass_chain_feeds_output_to_next_input() -> None:
    """Each state's output is the next state's input."""
    definition = chain(
        ("One", {"Type": "Pass", "Result": {"n": 1}}),
        ("Two", {"Type": "Pass", "Parameters": {"m.$": "$.n"}}),
    )
    assert run(definition, {}) == {"m": 1}


def test_pass_chain_path_lists_states_in_order() -> None:
    """Execution.path names each state entered, in order."""
    definition = chain(("One", {"Type": "Pass"}), ("Two", {"Type": "Pass"}), ("Three", {"Type": "Pass"}))
    assert execute(definition, {}).path == ["One", "Two", "Three"]


def test_pass_events_record_input_and_output() -> None:
    """PassStateEntered carries the state input and PassStateExited the output."""
    execution = execute(single({"Type": "Pass", "Result": "out"}, name="P"), {"in": 1})
    entered = [e for e in execution.events if e["type"] == "PassStateEntered"]
    exited = [e for e in execution.events if e["type"] == "PassStateExited"]
    assert (entered[0]["input"], exited[0]["output"]) == ({"in": 1}, "out")
