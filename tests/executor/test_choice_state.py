"""The Choice state end to end: operators, Default, no match, missing variables, IsPresent."""

from __future__ import annotations

from typing import Any

import pytest

from ._helpers import execute, fail, prefix, run


def _choice(rule: dict[str, Any], *, default: bool = True, **fields: Any) -> dict[str, Any]:
    choice: dict[str, Any] = {"Type": "Choice", "Choices": [{**rule, "Next": "Yes"}], **fields}
    states: dict[str, Any] = {"C": choice, "Yes": {"Type": "Pass", "Result": "yes", "End": True}}
    if default:
        choice["Default"] = "No"
        states["No"] = {"Type": "Pass", "Result": "no", "End": True}
    return {"StartAt": "C", "States": states}


@pytest.mark.parametrize(
    ("rule", "data", "expected"),
    [
        ({"Variable": "$.s", "StringEquals": "abc"}, {"s": "abc"}, "yes"),
        ({"Variable": "$.s", "StringEquals": "abc"}, {"s": "abd"}, "no"),
        ({"Variable": "$.n", "NumericGreaterThan": 10}, {"n": 10.5}, "yes"),
        ({"Variable": "$.n", "NumericGreaterThan": 10}, {"n": 10}, "no"),
        ({"Variable": "$.n", "NumericLessThanEquals": 0}, {"n": 0}, "yes"),
        ({"Variable": "$.b", "BooleanEquals": False}, {"b": False}, "yes"),
        ({"Variable": "$.s", "StringMatches": "log-*.txt"}, {"s": "log-2024.txt"}, "yes"),
        ({"Variable": "$.s", "StringMatches": "log-*.txt"}, {"s": "log-2024.csv"}, "no"),
        ({"Variable": "$.t", "TimestampLessThan": "2024-01-01T00:00:00Z"}, {"t": "2023-12-31T23:59:59Z"}, "yes"),
        ({"Variable": "$.v", "IsNull": True}, {"v": None}, "yes"),
        ({"Variable": "$.v", "IsString": True}, {"v": 1}, "no"),
        ({"Variable": "$.a", "NumericEqualsPath": "$.b"}, {"a": 3, "b": 3.0}, "yes"),
        ({"Variable": "$.a", "StringLessThanPath": "$.b"}, {"a": "apple", "b": "banana"}, "yes"),
        ({"Not": {"Variable": "$.s", "StringEquals": "x"}}, {"s": "y"}, "yes"),
        (
            {"And": [{"Variable": "$.n", "NumericGreaterThan": 1}, {"Variable": "$.n", "NumericLessThan": 5}]},
            {"n": 3},
            "yes",
        ),
        (
            {"And": [{"Variable": "$.n", "NumericGreaterThan": 1}, {"Variable": "$.n", "NumericLessThan": 5}]},
            {"n": 7},
            "no",
        ),
        (
            {"Or": [{"Variable": "$.s", "StringEquals": "a"}, {"Variable": "$.s", "StringEquals": "b"}]},
            {"s": "b"},
            "yes",
        ),
    ],
)
def test_operator_selects_branch(rule: dict[str, Any], data: Any, expected: str) -> None:
    """Each comparison operator picks the rule's Next when true and the Default otherwise."""
    assert run(_choice(rule), data) == expected


def test_string_equals_on_number_does_not_match() -> None:
    """StringEquals on a number is false (no type coercion)."""
    assert run(_choice({"Variable": "$.v", "StringEquals": "1"}), {"v": 1}) == "no"


def test_first_matching_choice_wins() -> None:
    """Rules are tried in order and the first that matches names the next state."""
    definition = {
        "StartAt": "C",
        "States": {
            "C": {
                "Type": "Choice",
                "Choices": [
                    {"Variable": "$.n", "NumericGreaterThan": 0, "Next": "A"},
                    {"Variable": "$.n", "NumericGreaterThan": 5, "Next": "B"},
                ],
            },
            "A": {"Type": "Pass", "Result": "A", "End": True},
            "B": {"Type": "Pass", "Result": "B", "End": True},
        },
    }
    assert run(definition, {"n": 9}) == "A"


def test_choice_passes_input_through() -> None:
    """A Choice state's output is its input."""
    definition = _choice({"Variable": "$.n", "NumericEquals": 1})
    definition["States"]["Yes"] = {"Type": "Pass", "End": True}
    assert run(definition, {"n": 1, "keep": [1]}) == {"n": 1, "keep": [1]}


def test_choice_output_path() -> None:
    """A Choice state's OutputPath filters what the next state receives."""
    definition = _choice({"Variable": "$.n", "NumericEquals": 1}, OutputPath="$.keep")
    definition["States"]["Yes"] = {"Type": "Pass", "End": True}
    assert run(definition, {"n": 1, "keep": [1]}) == [1]


def test_choice_input_path_scopes_variables() -> None:
    """With InputPath, rule Variables are evaluated against the selected input."""
    definition = _choice({"Variable": "$.n", "NumericEquals": 1}, InputPath="$.inner")
    assert run(definition, {"inner": {"n": 1}}) == "yes"


def test_default_is_taken_when_nothing_matches() -> None:
    """Without a matching rule the Default state runs."""
    execution = execute(_choice({"Variable": "$.n", "NumericEquals": 1}), {"n": 2})
    assert execution.path == ["C", "No"]


def test_no_match_without_default_fails() -> None:
    """No matching rule and no Default fails with States.NoChoiceMatched."""
    err = fail(_choice({"Variable": "$.n", "NumericEquals": 1}, default=False), {"n": 2})
    assert (err.status, err.error) == ("FAILED", "States.NoChoiceMatched")


def test_missing_variable_is_runtime_error() -> None:
    """A comparison on a Variable path that matches nothing fails with States.Runtime."""
    err = fail(_choice({"Variable": "$.missing", "StringEquals": "x"}), {"other": 1})
    assert err.error == "States.Runtime"
    assert (err.cause or "").startswith(prefix("C") + "Invalid path '$.missing'")


def test_missing_variable_is_not_caught_by_default() -> None:
    """A missing Variable is an error even though a Default exists."""
    assert fail(_choice({"Variable": "$.missing", "NumericEquals": 1}), {}).error == "States.Runtime"


def test_is_present_false_on_missing_variable() -> None:
    """IsPresent: false matches a Variable path that selects nothing."""
    assert run(_choice({"Variable": "$.missing", "IsPresent": False}), {}) == "yes"


def test_is_present_true_on_missing_variable() -> None:
    """IsPresent: true does not match a missing Variable and raises no error."""
    assert run(_choice({"Variable": "$.missing", "IsPresent": True}), {}) == "no"


def test_is_present_true_on_null_value() -> None:
    """IsPresent: true matches a field that is present with a null value."""
    assert run(_choice({"Variable": "$.v", "IsPresent": True}), {"v": None}) == "yes"


def test_context_object_variable() -> None:
    """A Variable may read the context object (recorded: context_object test_variable)."""
    rule = {"Variable": "$$.Execution.Input.input-value", "NumericLessThanEquals": 0}
    assert run(_choice(rule), {"input-value": 0}) == "yes"
