"""Static checks of workflow variables, ``$states`` and top-level JSONata reads (asl.parser._variables)."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from asl.errors import DefinitionIssue
from asl.parser._variables import check_variables, is_variable_name

SCHEMA = "SCHEMA_VALIDATION_FAILED"
UNSUPPORTED = "UNSUPPORTED_JSONATA_EXPRESSION"
LAMBDA = "arn:aws:states:::lambda:invoke"

ROOT = Path(__file__).resolve().parents[2]
CORPUS = Path(os.environ.get("ASL_CONFORMANCE_DIR", ROOT.parent / "shared" / "conformance"))


def jsonata(**states: dict[str, Any]) -> dict[str, Any]:
    """A JSONata machine starting at its first state."""
    return {"QueryLanguage": "JSONata", "StartAt": next(iter(states)), "States": states}


def jsonpath(**states: dict[str, Any]) -> dict[str, Any]:
    """A JSONPath machine (the default language) starting at its first state."""
    return {"StartAt": next(iter(states)), "States": states}


def task(**fields: Any) -> dict[str, Any]:
    return {"Type": "Task", "Resource": LAMBDA, "End": True, **fields}


def catching(**catcher: Any) -> dict[str, Any]:
    """A Task with one catch-all Catch rule holding ``catcher``'s fields."""
    rule = {"ErrorEquals": ["States.ALL"], "Next": "Done", **catcher}
    return jsonata(T=task(Catch=[rule]), Done={"Type": "Succeed"})


def found(definition: dict[str, Any]) -> set[tuple[str, str]]:
    """``(path, code)`` of every issue."""
    return {(issue.path, issue.code) for issue in check_variables(definition)}


# --- $states.result ------------------------------------------------------------------------------


@pytest.mark.parametrize("state_type", ["Task", "Parallel", "Map"])
@pytest.mark.parametrize("field", ["Output", "Assign"])
def test_result_is_readable_in_output_and_assign_of_result_states(state_type: str, field: str) -> None:
    """$states.result is fine in the Output and Assign of Task, Parallel and Map states."""
    state: dict[str, Any] = {"Type": state_type, "End": True}
    value = {"r": "{% $states.result %}"}
    state[field] = value
    assert check_variables(jsonata(S=state)) == []


def test_result_in_task_arguments_is_rejected() -> None:
    """$states.result in Arguments is UNSUPPORTED_JSONATA_EXPRESSION at the expression's location."""
    definition = jsonata(T=task(Arguments={"Payload": {"x": "{% $states.result.x %}"}}))
    assert found(definition) == {("$.States.T.Arguments.Payload.x", UNSUPPORTED)}


def test_result_message_names_the_field_and_the_reference() -> None:
    """The message starts with AWS's sentence and names the field and the expression."""
    [issue] = check_variables(jsonata(T=task(Arguments="{% $states.result %}")))
    assert issue.message.startswith("Field '$states.result' does not exist.")
    assert "Arguments" in issue.message
    assert "'$states.result'" in issue.message


def test_result_in_pass_output_is_rejected() -> None:
    """A Pass state has no result: $states.result in its Output is rejected."""
    definition = jsonata(P={"Type": "Pass", "Output": "{% $states.result %}", "End": True})
    assert found(definition) == {("$.States.P.Output", UNSUPPORTED)}


def test_result_in_choice_condition_is_rejected() -> None:
    """A Choice rule's Condition cannot read $states.result."""
    choice = {"Type": "Choice", "Choices": [{"Condition": "{% $states.result = 1 %}", "Next": "D"}], "Default": "D"}
    definition = jsonata(C=choice, D={"Type": "Succeed"})
    assert found(definition) == {("$.States.C.Choices[0].Condition", UNSUPPORTED)}


def test_result_in_map_items_and_item_selector_is_rejected() -> None:
    """Items and ItemSelector run before the Map has a result."""
    processor = {"StartAt": "I", "States": {"I": {"Type": "Pass", "End": True}}}
    state = {"Type": "Map", "Items": "{% $states.result %}", "ItemSelector": {"v": "{% $states.result %}"},
             "ItemProcessor": processor, "End": True}
    assert found(jsonata(M=state)) == {("$.States.M.Items", UNSUPPORTED), ("$.States.M.ItemSelector.v", UNSUPPORTED)}


def test_result_in_catch_output_is_rejected() -> None:
    """A Catch rule sees the error, not a result."""
    assert found(catching(Output="{% $states.result %}")) == {("$.States.T.Catch[0].Output", UNSUPPORTED)}


def test_states_read_whole_is_not_reported() -> None:
    """$lookup($states, 'result') cannot be checked statically, so it is let through."""
    definition = jsonata(T=task(Arguments="{% $lookup($states, 'result') %}"))
    assert check_variables(definition) == []


# --- $states.errorOutput -------------------------------------------------------------------------


@pytest.mark.parametrize("field", ["Output", "Assign"])
def test_error_output_is_readable_in_a_catch_rule(field: str) -> None:
    """$states.errorOutput is fine in a Catch rule's Output and Assign."""
    value: Any = "{% $states.errorOutput %}" if field == "Output" else {"e": "{% $states.errorOutput.Error %}"}
    assert check_variables(catching(**{field: value})) == []


def test_error_output_in_state_output_is_rejected() -> None:
    """AWS: "Field '$states.errorOutput' does not exist." outside a Catch rule."""
    definition = jsonata(P={"Type": "Pass", "Output": "{% $states.errorOutput %}", "End": True})
    [issue] = check_variables(definition)
    assert (issue.path, issue.code) == ("$.States.P.Output", UNSUPPORTED)
    assert issue.message.startswith("Field '$states.errorOutput' does not exist.")


def test_error_output_in_task_assign_is_rejected() -> None:
    """The state's own Assign runs on success: no errorOutput there."""
    definition = jsonata(T=task(Assign={"e": "{% $states.errorOutput %}"}))
    assert found(definition) == {("$.States.T.Assign.e", UNSUPPORTED)}


def test_input_and_context_are_readable_everywhere() -> None:
    """$states.input and $states.context are never reported."""
    choice = {"Type": "Choice", "Default": "W",
              "Choices": [{"Condition": "{% $states.input.a and $states.context.Execution.Id %}", "Next": "W"}]}
    wait = {"Type": "Wait", "Seconds": "{% $states.input.s %}", "Next": "F"}
    fail = {"Type": "Fail", "Error": "{% $states.input.e %}", "Cause": "{% $states.context.State.Name %}"}
    assert check_variables(jsonata(C=choice, W=wait, F=fail)) == []


def test_jsonpath_states_are_not_checked_for_states_fields() -> None:
    """In a JSONPath state a '{% %}' string is a literal, never evaluated."""
    definition = jsonpath(P={"Type": "Pass", "Result": {"x": "{% $states.result %}"}, "End": True})
    assert check_variables(definition) == []


def test_state_language_overrides_the_top_level() -> None:
    """A JSONata state inside a JSONPath machine is checked."""
    definition = jsonpath(P={"Type": "Pass", "QueryLanguage": "JSONata", "Output": "{% $states.result %}",
                             "End": True})
    assert found(definition) == {("$.States.P.Output", UNSUPPORTED)}


def test_nested_machines_are_checked() -> None:
    """States in a Parallel branch are checked like top-level ones."""
    branch = {"StartAt": "B", "States": {"B": {"Type": "Pass", "Output": "{% $states.errorOutput %}", "End": True}}}
    definition = jsonata(P={"Type": "Parallel", "Branches": [branch], "End": True})
    assert found(definition) == {("$.States.P.Branches[0].States.B.Output", UNSUPPORTED)}


def test_comment_is_not_evaluated() -> None:
    """A Comment that looks like an expression is just text."""
    definition = jsonata(P={"Type": "Pass", "Comment": "{% $states.result %}", "End": True})
    assert check_variables(definition) == []


# --- variable names ------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["1abc", "a-b", "a b", "a.b", ""])
def test_invalid_variable_name_is_rejected(name: str) -> None:
    """An Assign key that is not an identifier is SCHEMA_VALIDATION_FAILED at that key."""
    definition = jsonata(P={"Type": "Pass", "Assign": {"ok": 1, name: 2}, "End": True})
    issues = check_variables(definition)
    assert [issue.code for issue in issues] == [SCHEMA]
    assert issues[0].path.startswith("$.States.P.Assign[") or issues[0].path.startswith("$.States.P.Assign.")


def test_states_is_a_reserved_variable_name() -> None:
    """'states' cannot be assigned."""
    definition = jsonata(P={"Type": "Pass", "Assign": {"states": 1}, "End": True})
    assert found(definition) == {("$.States.P.Assign.states", SCHEMA)}


def test_jsonpath_key_is_checked_without_its_dollar_suffix() -> None:
    """In a JSONPath state 'x.$' assigns x (fine) and 'states.$' assigns the reserved name."""
    definition = jsonpath(P={"Type": "Pass", "Assign": {"x.$": "$.a", "states.$": "$.b"}, "End": True})
    assert found(definition) == {("$.States.P.Assign['states.$']", SCHEMA)}


def test_dollar_suffix_is_not_stripped_in_jsonata_states() -> None:
    """JSONata states take keys as written: 'x.$' is not a valid name there."""
    definition = jsonata(P={"Type": "Pass", "Assign": {"x.$": 1}, "End": True})
    assert found(definition) == {("$.States.P.Assign['x.$']", SCHEMA)}


def test_variable_name_length_limit() -> None:
    """80 characters are allowed, 81 are not."""
    definition = jsonata(P={"Type": "Pass", "Assign": {"a" * 80: 1, "b" * 81: 2}, "End": True})
    assert found(definition) == {(f"$.States.P.Assign.{'b' * 81}", SCHEMA)}


def test_names_in_choice_rules_and_catchers_are_checked() -> None:
    """Assign in Choices[i] and Catch[i] follow the same naming rule."""
    choice = {"Type": "Choice", "Default": "T",
              "Choices": [{"Condition": "{% true %}", "Next": "T", "Assign": {"9": 1}}]}
    catcher = {"ErrorEquals": ["States.ALL"], "Next": "D", "Assign": {"states": 1}}
    definition = jsonata(C=choice, T=task(Catch=[catcher]), D={"Type": "Succeed"})
    assert found(definition) == {("$.States.C.Choices[0].Assign['9']", SCHEMA),
                                 ("$.States.T.Catch[0].Assign.states", SCHEMA)}


@pytest.mark.parametrize("name", ["x", "_x", "camelCase", "snake_case_2", "café", "x$y"])
def test_identifier_like_names_are_accepted(name: str) -> None:
    """Letters, digits (not first), '_' and '$', Unicode letters included."""
    assert is_variable_name(name)


# --- top-level context reads ----------------------------------------------------------------------


@pytest.mark.parametrize("text", ["{% $ %}", "{% $$ %}", "{% phone %}", "{% $.a %}"])
def test_top_level_context_reads_are_rejected(text: str) -> None:
    """JSONata has no context value on AWS: '$', '$$' and bare field names at the top level."""
    definition = jsonata(P={"Type": "Pass", "Output": {"v": text}, "End": True})
    assert found(definition) == {("$.States.P.Output.v", UNSUPPORTED)}


def test_field_names_after_a_variable_are_fine() -> None:
    """Names in later path steps and predicates read the step's own value."""
    definition = jsonata(P={"Type": "Pass", "Output": "{% $states.input.items[price > 1].name %}", "End": True})
    assert check_variables(definition) == []


def test_syntax_errors_are_left_to_the_builder() -> None:
    """An expression that does not parse is the builder's issue, not reported twice."""
    definition = jsonata(P={"Type": "Pass", "Output": "{% 1 + %}", "End": True})
    assert check_variables(definition) == []


# --- variables read but never assigned -----------------------------------------------------------


def test_unassigned_variable_reads_are_accepted() -> None:
    """AWS creates such machines and fails at run time (recorded BASE_UNDEFINED_* cases)."""
    definition = jsonata(P={"Type": "Pass", "Assign": {"r": "{% $doesNotExist %}"},
                            "Output": {"r": "{% $alsoMissing.x %}"}, "End": True})
    assert check_variables(definition) == []


def test_distributed_map_reading_parent_variables_is_accepted() -> None:
    """No creation-time rejection is recorded for a Distributed Map reading outer variables."""
    processor = {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"}, "StartAt": "I",
                 "States": {"I": {"Type": "Pass", "Output": "{% $outer %}", "End": True}}}
    definition = jsonata(A={"Type": "Pass", "Assign": {"outer": 1}, "Next": "M"},
                         M={"Type": "Map", "ItemProcessor": processor, "End": True})
    assert check_variables(definition) == []


# --- robustness ------------------------------------------------------------------------------------


@pytest.mark.parametrize("definition", [
    {}, {"States": []}, {"States": {"A": 1}}, {"QueryLanguage": 5, "States": {"A": {"Type": ["Pass"]}}},
    {"QueryLanguage": "JSONata", "States": {"A": {"Type": "Task", "Catch": "x", "Assign": ["a"]}}},
    {"QueryLanguage": "JSONata", "States": {"A": {"Type": "Choice", "Choices": [1, {"Assign": 3}]}}},
])
def test_malformed_definitions_give_no_issue(definition: dict[str, Any]) -> None:
    """Shapes the schema reports are skipped here, never raised on."""
    assert check_variables(definition) == []


def test_non_mapping_definition_gives_no_issue() -> None:
    """A definition that is not an object is the loader's problem."""
    assert check_variables([1, 2]) == []  # type: ignore[arg-type]


_JSON_LEAVES = st.none() | st.booleans() | st.integers() | st.text(max_size=20)
_EXPRESSIONS = st.sampled_from([
    "{% $states.result %}", "{% $states.errorOutput.Error %}", "{% $ %}", "{% $x %}", "{% $ + %}",
    "{% $states.input[%}", "{% ($a := 1; $a) %}", "{% $states %}",
])
_REFERENCES = st.one_of(_EXPRESSIONS, st.text(max_size=12).map(lambda t: "{% $" + t + " %}"),
                        st.text(max_size=12).map(lambda t: "$" + t))
_VALUES = st.recursive(
    _JSON_LEAVES | _REFERENCES,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=8,
)
_ASSIGNS = st.dictionaries(st.text(max_size=12), _VALUES, max_size=4)


@settings(max_examples=150, deadline=None)
@given(assign=_ASSIGNS, output=_VALUES, language=st.sampled_from(["JSONata", "JSONPath", None, 7]),
       state_type=st.sampled_from(["Pass", "Task", "Map", "Choice", "Wait", "Fail", "Bogus"]))
def test_random_assigns_and_references_never_crash(assign: dict[str, Any], output: Any, language: Any,
                                                   state_type: str) -> None:
    """Any Assign object and any references give a list of issues, never an exception."""
    state = {"Type": state_type, "Assign": assign, "Output": output, "Arguments": output,
             "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "A", "Assign": assign, "Output": output}],
             "Choices": [{"Condition": output, "Assign": assign, "Next": "A"}], "End": True}
    definition = {"QueryLanguage": language, "StartAt": "A", "States": {"A": state}}
    issues = check_variables(definition)
    assert all(isinstance(issue, DefinitionIssue) for issue in issues)


@given(name=st.from_regex(r"[A-Za-z_][A-Za-z0-9_]{0,79}", fullmatch=True).filter(lambda n: n != "states"))
def test_identifier_names_give_no_issue(name: str) -> None:
    """Every ASCII identifier of 1 to 80 characters other than 'states' is a valid variable name."""
    definition = jsonpath(P={"Type": "Pass", "Assign": {name: 1, f"{name}.$": "$"}, "End": True})
    assert check_variables(definition) == []


@given(digit=st.sampled_from("0123456789"), rest=st.from_regex(r"[A-Za-z0-9_]{0,20}", fullmatch=True))
def test_names_starting_with_a_digit_are_rejected(digit: str, rest: str) -> None:
    """A name starting with a digit gives exactly one issue, at its key."""
    name = digit + rest
    definition = jsonata(P={"Type": "Pass", "Assign": {"fine": 1, name: 2}, "End": True})
    assert [(issue.path, issue.code) for issue in check_variables(definition)] == [
        (f"$.States.P.Assign['{name}']", SCHEMA)
    ]


# --- the recorded corpus: AWS accepted every one of these definitions -----------------------------


def _cases() -> list[Any]:
    paths = sorted((CORPUS / "cases").glob("*.json"))
    if not paths:
        return [pytest.param(None, marks=pytest.mark.skip(reason=f"no corpus folder at {CORPUS / 'cases'}"))]
    return [pytest.param(path, id=path.stem) for path in paths]


@pytest.mark.parametrize("path", _cases())
def test_no_issue_for_definitions_aws_ran(path: Path) -> None:
    """Every recorded execution's definition was accepted by AWS, so no issue is a false positive."""
    definition = json.loads(path.read_text(encoding="utf-8"))["definition"]
    assert check_variables(definition) == []
