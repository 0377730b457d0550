"""Semantic rules: transitions, reachability, terminal states, names, error handlers, ordering."""

from __future__ import annotations

from typing import Any

import pytest

from asl.errors import PREDEFINED_ERRORS, DefinitionIssue
from asl.parser._checks import check_semantics
from asl.parser._validate import sort_issues, validate_dict

SCHEMA = "SCHEMA_VALIDATION_FAILED"
MISSING = "MISSING_TRANSITION_TARGET"
NO_END = "MISSING_END_STATE"
DUPLICATE = "DUPLICATE_STATE_NAME"
BAD_NAME = "INVALID_STATE_NAME"
BAD_LABEL = "INVALID_LABEL_NAME"
DUPLICATE_LABEL = "DUPLICATE_LABEL_NAME"


def machine(start: str = "A", **states: dict[str, Any]) -> dict[str, Any]:
    return {"StartAt": start, "States": states}


def found(definition: dict[str, Any]) -> set[tuple[str, str]]:
    """``(path, code)`` of every issue of ``definition``."""
    return {(issue.path, issue.code) for issue in validate_dict(definition)}


END = {"Type": "Succeed"}


def task(**fields: Any) -> dict[str, Any]:
    return {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:111111111111:function:f", **fields}


def parallel(*branches: dict[str, Any], **fields: Any) -> dict[str, Any]:
    return {"Type": "Parallel", "Branches": list(branches), **fields}


# --- transition targets ------------------------------------------------------------------------


def test_start_at_must_name_a_state() -> None:
    """AWS: "Missing 'Next' target: X at /StartAt"; the orphaned state is then unreachable."""
    assert found(machine("X", A=END)) == {("$.StartAt", MISSING), ("$.States.A", MISSING)}


def test_next_must_name_a_state() -> None:
    """A Next naming no state is MISSING_TRANSITION_TARGET at the Next field."""
    assert found(machine(A={"Type": "Pass", "Next": "B"}, C=END)) == {
        ("$.States.A.Next", MISSING),
        ("$.States.C", MISSING),
    }


def test_missing_target_message_matches_aws() -> None:
    """AWS words every dangling target "Missing 'Next' target: <name>"."""
    issues = validate_dict(
        machine(
            A={"Type": "Choice", "Choices": [{"Variable": "$.v", "IsNull": True, "Next": "Z"}], "Default": "B"}, B=END
        )
    )
    assert [issue.message for issue in issues if issue.code == MISSING] == ["Missing 'Next' target: Z"]


def test_default_must_name_a_state() -> None:
    """A Choice Default naming no state is reported at Default."""
    choice = {"Type": "Choice", "Choices": [{"Variable": "$.v", "IsNull": True, "Next": "B"}], "Default": "Z"}
    assert found(machine(A=choice, B=END)) == {("$.States.A.Default", MISSING)}


def test_choice_rule_next_must_name_a_state() -> None:
    """A rule's Next naming no state is reported at that rule."""
    choice = {"Type": "Choice", "Choices": [{"Variable": "$.v", "IsNull": True, "Next": "Z"}], "Default": "B"}
    assert found(machine(A=choice, B=END)) == {("$.States.A.Choices[0].Next", MISSING)}


def test_catch_next_must_name_a_state() -> None:
    """A catcher's Next naming no state is reported at that catcher."""
    state = task(End=True, Catch=[{"ErrorEquals": ["States.ALL"], "Next": "Z"}])
    assert found(machine(A=state)) == {("$.States.A.Catch[0].Next", MISSING)}


def test_branch_names_resolve_inside_the_branch() -> None:
    """A branch cannot start at a state of the enclosing machine."""
    branch = {"StartAt": "A", "States": {"B": END}}
    assert ("$.States.A.Branches[0].StartAt", MISSING) in found(machine(A=parallel(branch, End=True)))


def test_inner_state_cannot_go_to_an_outer_state() -> None:
    """Next inside a Map item processor names states of the processor only."""
    processor = {"StartAt": "I", "States": {"I": {"Type": "Pass", "Next": "Out"}, "J": END}}
    state = {"Type": "Map", "ItemProcessor": processor, "Next": "Out"}
    assert ("$.States.A.ItemProcessor.States.I.Next", MISSING) in found(machine(A=state, Out=END))


# --- Next and End ------------------------------------------------------------------------------


@pytest.mark.parametrize("state_type", ["Pass", "Wait", "Task", "Parallel", "Map"])
def test_next_or_end_is_required(state_type: str) -> None:
    """Pass, Wait, Task, Parallel and Map need Next or "End": true."""
    bodies: dict[str, dict[str, Any]] = {
        "Pass": {"Type": "Pass"},
        "Wait": {"Type": "Wait", "Seconds": 1},
        "Task": task(),
        "Parallel": parallel({"StartAt": "B", "States": {"B": END}}),
        "Map": {"Type": "Map", "ItemProcessor": {"StartAt": "B", "States": {"B": END}}},
    }
    assert ("$.States.A", SCHEMA) in found(machine(A=bodies[state_type], T=END))


def test_next_and_end_exclude_each_other() -> None:
    """A state with both Next and "End": true is rejected."""
    assert ("$.States.A", SCHEMA) in found(machine(A={"Type": "Pass", "Next": "B", "End": True}, B=END))


def test_end_false_with_next_is_accepted() -> None:
    """ "End": false does not end anything, so Next decides."""
    assert validate_dict(machine(A={"Type": "Pass", "Next": "B", "End": False}, B=END)) == []


# --- reachability and terminal states ----------------------------------------------------------


def test_unreachable_state() -> None:
    """AWS: 'State "C" is not reachable.' with code MISSING_TRANSITION_TARGET."""
    issues = validate_dict(machine(A=END, C=END))
    assert [(issue.path, issue.code, issue.message) for issue in issues] == [
        ("$.States.C", MISSING, 'State "C" is not reachable.')
    ]


def test_unreachable_state_in_a_branch() -> None:
    """Reachability is checked in every nested machine."""
    branch = {"StartAt": "B", "States": {"B": END, "Lost": END}}
    assert found(machine(A=parallel(branch, End=True))) == {("$.States.A.Branches[0].States.Lost", MISSING)}


def test_states_reached_through_catch_choice_and_default() -> None:
    """Catch[].Next, Choices[].Next and Default are transitions like Next."""
    choice = {"Type": "Choice", "Choices": [{"Variable": "$.v", "IsNull": True, "Next": "R"}], "Default": "D"}
    definition = machine(
        A=task(Next="C", Catch=[{"ErrorEquals": ["States.ALL"], "Next": "F"}]),
        C=choice,
        R=END,
        D=END,
        F={"Type": "Fail"},
    )
    assert validate_dict(definition) == []


def test_loop_without_terminal_state() -> None:
    """AWS: MISSING_END_STATE 'Workflow has no terminal state' for a bare loop."""
    issues = validate_dict(machine(A={"Type": "Pass", "Next": "B"}, B={"Type": "Pass", "Next": "A"}))
    assert [(issue.path, issue.code, issue.message) for issue in issues] == [
        ("$", NO_END, "Workflow has no terminal state")
    ]


def test_no_terminal_state_hides_unreachable_states() -> None:
    """As on AWS, a machine without terminal state reports no unreachable state."""
    definition = machine(
        A={"Type": "Pass", "Next": "B"}, B={"Type": "Pass", "Next": "A"}, C={"Type": "Pass", "Next": "A"}
    )
    assert found(definition) == {("$", NO_END)}


def test_unreachable_terminal_state_is_not_missing_end() -> None:
    """AWS: a loop plus an unreachable terminal C reports C as unreachable, not MISSING_END_STATE."""
    definition = machine(
        A={"Type": "Pass", "Next": "B"}, B={"Type": "Pass", "Next": "A"}, C={"Type": "Pass", "End": True}
    )
    assert found(definition) == {("$.States.C", MISSING)}


def test_branch_without_terminal_state() -> None:
    """MISSING_END_STATE is reported at the machine that lacks one."""
    branch = {"StartAt": "B", "States": {"B": {"Type": "Pass", "Next": "B"}}}
    assert found(machine(A=parallel(branch, End=True))) == {("$.States.A.Branches[0]", NO_END)}


def test_fail_is_terminal() -> None:
    """A Fail state ends a machine."""
    assert validate_dict(machine(A={"Type": "Fail", "Error": "E"})) == []


# --- state names and labels --------------------------------------------------------------------


def test_duplicate_name_in_a_branch() -> None:
    """State names are unique across the whole machine, nested branches included."""
    branch = {"StartAt": "A", "States": {"A": END}}
    assert found(machine(A=parallel(branch, End=True))) == {("$.States.A.Branches[0].States.A", DUPLICATE)}


def test_duplicate_name_in_two_item_processors() -> None:
    """Two Map states cannot both name an inner state X."""
    processor = {"StartAt": "X", "States": {"X": END}}
    first = {"Type": "Map", "ItemProcessor": processor, "Next": "B"}
    second = {"Type": "Map", "ItemProcessor": processor, "End": True}
    assert found(machine(A=first, B=second)) == {("$.States.B.ItemProcessor.States.X", DUPLICATE)}


def test_name_of_80_characters_is_valid() -> None:
    """80 characters is the longest state name."""
    name = "n" * 80
    assert validate_dict(machine(name, **{name: END})) == []


def test_name_of_81_characters_is_invalid() -> None:
    """81 characters is too long: INVALID_STATE_NAME."""
    name = "n" * 81
    assert found(machine(name, **{name: END})) == {(f"$.States.{name}", BAD_NAME)}


def test_name_with_control_character_is_invalid() -> None:
    """A control character makes a state name invalid."""
    name = "a\tb"
    assert found(machine(name, **{name: END})) == {("$.States['a\tb']", BAD_NAME)}


def test_empty_name_is_invalid() -> None:
    """A state name has at least one character."""
    assert ("$.States['']", BAD_NAME) in found(machine("", **{"": END}))


def test_label_with_space_is_invalid() -> None:
    """A Map Label may not contain whitespace."""
    state = {"Type": "Map", "Label": "my label", "ItemProcessor": {"StartAt": "X", "States": {"X": END}}, "End": True}
    assert found(machine(A=state)) == {("$.States.A.Label", BAD_LABEL)}


def test_labels_are_unique() -> None:
    """Two Map states cannot share a Label."""
    first = {"Type": "Map", "Label": "L", "ItemProcessor": {"StartAt": "X", "States": {"X": END}}, "Next": "B"}
    second = {"Type": "Map", "Label": "L", "ItemProcessor": {"StartAt": "Y", "States": {"Y": END}}, "End": True}
    assert found(machine(A=first, B=second)) == {("$.States.B.Label", DUPLICATE_LABEL)}


# --- error handlers ----------------------------------------------------------------------------


def test_states_all_must_be_alone() -> None:
    """States.ALL cannot share ErrorEquals with other names."""
    state = task(End=True, Retry=[{"ErrorEquals": ["States.ALL", "MyError"]}])
    assert found(machine(A=state)) == {("$.States.A.Retry[0].ErrorEquals", SCHEMA)}


def test_states_all_retrier_must_be_last() -> None:
    """A retrier with States.ALL must be the last retrier."""
    state = task(End=True, Retry=[{"ErrorEquals": ["States.ALL"]}, {"ErrorEquals": ["MyError"]}])
    assert found(machine(A=state)) == {("$.States.A.Retry[0]", SCHEMA)}


def test_states_all_catcher_must_be_last() -> None:
    """A catcher with States.ALL must be the last catcher."""
    catchers = [{"ErrorEquals": ["States.ALL"], "Next": "B"}, {"ErrorEquals": ["MyError"], "Next": "B"}]
    assert found(machine(A=task(End=True, Catch=catchers), B=END)) == {("$.States.A.Catch[0]", SCHEMA)}


def test_reserved_error_name() -> None:
    """Names starting with 'States.' are reserved for the predefined errors."""
    state = task(End=True, Catch=[{"ErrorEquals": ["States.MyError"], "Next": "B"}])
    assert found(machine(A=state, B=END)) == {("$.States.A.Catch[0].ErrorEquals[0]", SCHEMA)}


@pytest.mark.parametrize("name", sorted(PREDEFINED_ERRORS))
def test_predefined_error_names_are_accepted(name: str) -> None:
    """Every predefined States.* error may be retried."""
    assert validate_dict(machine(A=task(End=True, Retry=[{"ErrorEquals": [name]}]))) == []


def test_heartbeat_must_be_below_timeout() -> None:
    """HeartbeatSeconds must be smaller than TimeoutSeconds."""
    state = task(End=True, TimeoutSeconds=10, HeartbeatSeconds=10)
    assert found(machine(A=state)) == {("$.States.A.HeartbeatSeconds", SCHEMA)}


def test_heartbeat_below_timeout_is_valid() -> None:
    """HeartbeatSeconds 9 with TimeoutSeconds 10 is fine."""
    assert validate_dict(machine(A=task(End=True, TimeoutSeconds=10, HeartbeatSeconds=9))) == []


# --- robustness, ordering ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "definition",
    [
        {"StartAt": 3, "States": []},
        {"StartAt": "A", "States": {"A": 5}},
        {"StartAt": "A", "States": {"A": {"Type": "Choice", "Choices": "x", "Default": 4}}},
        {"StartAt": "A", "States": {"A": {"Type": "Task", "Retry": [5, {"ErrorEquals": "x"}], "Catch": {}}}},
        {"StartAt": "A", "States": {"A": {"Type": "Parallel", "Branches": [1, {"States": 3}]}}},
        {"StartAt": "A", "States": {"A": {"Type": "Map", "ItemProcessor": [], "Iterator": {"States": {"B": 1}}}}},
    ],
    ids=["states-list", "state-int", "choices-str", "retry-junk", "branches-junk", "map-junk"],
)
def test_semantic_checks_never_raise(definition: dict[str, Any]) -> None:
    """Malformed input yields a list of issues (the schema reports the rest), never an exception."""
    assert isinstance(check_semantics(definition), list)


def test_sort_puts_structure_first() -> None:
    """Structural issues come before graph issues, whatever their order in the input."""
    graph = DefinitionIssue("$.States.A.Next", MISSING, "m")
    structure = DefinitionIssue("$.States.A.Retry[0].BackoffRate", SCHEMA, "s")
    assert sort_issues([graph, structure]) == [structure, graph]


def test_sort_puts_outer_before_inner() -> None:
    """Within one kind, shallower paths come first; quoted names with dots count as one step."""
    inner = DefinitionIssue("$.States.A.Branches[0].States.B", SCHEMA, "i")
    outer = DefinitionIssue("$.States['a.b.c.d.e.f']", SCHEMA, "o")
    assert sort_issues([inner, outer]) == [outer, inner]


def test_sort_removes_repeats() -> None:
    """The same issue twice is reported once."""
    issue = DefinitionIssue("$", SCHEMA, "x")
    assert sort_issues([issue, issue]) == [issue]


def test_missing_target_comes_before_missing_end_state() -> None:
    """AWS lists a dangling target before MISSING_END_STATE."""
    issues = validate_dict(machine(A={"Type": "Pass", "Next": "Nope"}))
    assert [issue.code for issue in issues] == [MISSING, NO_END]
