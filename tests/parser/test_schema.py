"""Loading a definition and its structural rules: fields, types, ranges, query languages."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from asl.parser import _schema
from asl.parser._load import MAX_DEPTH, load_definition
from asl.parser._schema import COMPARISON_OPERATORS, check_structure, is_timestamp
from asl.parser._validate import validate_definition, validate_dict

SCHEMA = "SCHEMA_VALIDATION_FAILED"
BAD_JSON = "INVALID_JSON_DESCRIPTION"
TOO_DEEP = "TOO_DEEPLY_NESTED"
DUPLICATE = "DUPLICATE_STATE_NAME"
JSONATA = {"QueryLanguage": "JSONata"}


def one(state: dict[str, Any], **top: Any) -> dict[str, Any]:
    """A machine whose only state is ``S``."""
    return {"StartAt": "S", "States": {"S": state}, **top}


def task(**fields: Any) -> dict[str, Any]:
    return {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "End": True, **fields}


def map_state(**fields: Any) -> dict[str, Any]:
    processor = {"StartAt": "Item", "States": {"Item": {"Type": "Pass", "End": True}}}
    return {"Type": "Map", "ItemProcessor": processor, "End": True, **fields}


def found(definition: Any) -> set[tuple[str, str]]:
    """``(path, code)`` of every issue of ``definition``."""
    return {(issue.path, issue.code) for issue in validate_definition(definition)}


# --- loading -----------------------------------------------------------------------------------


def test_load_copies_a_dict() -> None:
    """A dict is deep-copied: changing the loaded copy leaves the caller's dict alone."""
    original = one({"Type": "Pass", "Result": {"a": [1]}, "End": True})
    loaded, issues = load_definition(original)
    assert loaded is not None and not issues
    loaded["States"]["S"]["Result"]["a"].append(2)
    assert original["States"]["S"]["Result"] == {"a": [1]}


def test_validation_leaves_the_definition_unchanged() -> None:
    """validate_definition never mutates its argument."""
    original = one({"Type": "Pass", "Next": "Nowhere"})
    snapshot = json.dumps(original)
    validate_definition(original)
    assert json.dumps(original) == snapshot


def test_load_turns_tuples_into_lists() -> None:
    """A tuple in a dict is JSON array data and is loaded as a list."""
    loaded, _ = load_definition(one({"Type": "Pass", "Result": (1, 2), "End": True}))
    assert loaded is not None and loaded["States"]["S"]["Result"] == [1, 2]


def test_load_parses_json_text() -> None:
    """A str is JSON text."""
    loaded, issues = load_definition('{"StartAt": "S", "States": {"S": {"Type": "Succeed"}}}')
    assert issues == [] and loaded == {"StartAt": "S", "States": {"S": {"Type": "Succeed"}}}


def test_load_parses_bytes() -> None:
    """bytes are JSON text too."""
    loaded, _ = load_definition(b'{"StartAt": "S", "States": {"S": {"Type": "Succeed"}}}')
    assert loaded == {"StartAt": "S", "States": {"S": {"Type": "Succeed"}}}


def test_load_reads_a_json_file_named_by_a_str(tmp_path: Path) -> None:
    """A str that is not JSON but names an existing .json file is read."""
    path = tmp_path / "machine.asl.json"
    path.write_text('{"StartAt": "S", "States": {"S": {"Type": "Succeed"}}}')
    loaded, issues = load_definition(str(path))
    assert issues == [] and loaded is not None and loaded["StartAt"] == "S"


def test_load_reads_a_path_object(tmp_path: Path) -> None:
    """An os.PathLike is read as a file."""
    path = tmp_path / "machine.json"
    path.write_text('{"StartAt": "S", "States": {"S": {"Type": "Succeed"}}}')
    loaded, _ = load_definition(path)
    assert loaded is not None and loaded["States"] == {"S": {"Type": "Succeed"}}


def test_load_reports_a_missing_file(tmp_path: Path) -> None:
    """A PathLike naming no file is an INVALID_JSON_DESCRIPTION issue, not an exception."""
    assert found(tmp_path / "absent.json") == {("$", BAD_JSON)}


def test_malformed_json_text() -> None:
    """Text that is not JSON is INVALID_JSON_DESCRIPTION at $."""
    assert found('{"StartAt": ') == {("$", BAD_JSON)}


def test_nan_is_not_json() -> None:
    """NaN is not a JSON number, as AWS's parser says."""
    assert found('{"StartAt": "S", "States": {}, "TimeoutSeconds": NaN}') == {("$", BAD_JSON)}


def test_undecodable_bytes() -> None:
    """Bytes that are not UTF-8/16/32 JSON are INVALID_JSON_DESCRIPTION."""
    assert found(b"\xff\xfe\xfd") == {("$", BAD_JSON)}


@pytest.mark.parametrize("definition", [" ", "[1, 2]", '"text"', None, 42, [1]], ids=repr)
def test_not_an_object(definition: Any) -> None:
    """Blank text or a top level that is not an object: AWS's 'must be a valid JSON object'."""
    issues = validate_definition(definition)
    assert [(issue.path, issue.code, issue.message) for issue in issues] == [
        ("$", SCHEMA, "Definition must be a valid JSON object")
    ]


def test_non_json_value_in_a_dict() -> None:
    """A set inside a dict definition is reported where it is."""
    assert ("$.States.S.Result", SCHEMA) in found(one({"Type": "Pass", "Result": {1}, "End": True}))


def test_non_finite_float_in_a_dict() -> None:
    """float('inf') is not JSON data."""
    assert ("$.States.S.Result", SCHEMA) in found(one({"Type": "Pass", "Result": float("inf"), "End": True}))


def test_non_string_key_in_a_dict() -> None:
    """An object key that is not a string is reported on its object."""
    assert ("$.States.S.Result", SCHEMA) in found(one({"Type": "Pass", "Result": {1: "a"}, "End": True}))


def test_deeply_nested_json_text() -> None:
    """JSON text nested past the interpreter's limits is an issue, not a RecursionError."""
    assert found("[" * 100_000) == {("$", TOO_DEEP)}


def test_deeply_nested_dict() -> None:
    """A dict nested deeper than MAX_DEPTH is TOO_DEEPLY_NESTED."""
    deep: dict[str, Any] = {}
    node = deep
    for _ in range(MAX_DEPTH + 10):
        node["a"] = {}
        node = node["a"]
    assert found(one({"Type": "Pass", "Result": deep, "End": True})) == {("$", TOO_DEEP)}


def test_duplicate_state_name_in_json_text() -> None:
    """A States object that repeats a key is DUPLICATE_STATE_NAME at that name."""
    text = '{"StartAt": "A", "States": {"A": {"Type": "Succeed"}, "A": {"Type": "Succeed"}}}'
    assert found(text) == {("$.States.A", DUPLICATE)}


def test_duplicate_key_elsewhere_keeps_the_last() -> None:
    """Outside States a repeated key is accepted and the last value wins, as in AWS's parser."""
    text = '{"StartAt": "A", "States": {"A": {"Type": "Pass", "Result": 1, "Result": 2, "End": true}}}'
    loaded, issues = load_definition(text)
    assert issues == [] and loaded is not None and loaded["States"]["A"]["Result"] == 2


# --- the machine -------------------------------------------------------------------------------


def test_minimal_machine_is_valid() -> None:
    """One Pass state with End is a valid definition."""
    assert validate_dict(one({"Type": "Pass", "End": True})) == []


def test_machine_needs_start_at() -> None:
    """StartAt is required (AWS: 'These fields are required: [States, StartAt]')."""
    assert found({"States": {"S": {"Type": "Succeed"}}}) == {("$", SCHEMA)}


def test_empty_dict_lacks_start_at_and_states() -> None:
    """{} reports StartAt and States as missing."""
    messages = [issue.message for issue in validate_definition({})]
    assert any("'StartAt'" in message for message in messages) and any("'States'" in message for message in messages)


def test_machine_rejects_unknown_top_level_field() -> None:
    """The top level is a closed set of fields."""
    assert ("$.Timeout", SCHEMA) in found(one({"Type": "Succeed"}, Timeout=5))


def test_machine_needs_a_state() -> None:
    """States must contain at least one state."""
    assert ("$.States", SCHEMA) in found({"StartAt": "S", "States": {}})


def test_machine_timeout_must_be_positive() -> None:
    """Top-level TimeoutSeconds is a positive integer."""
    assert found(one({"Type": "Succeed"}, TimeoutSeconds=0)) == {("$.TimeoutSeconds", SCHEMA)}


def test_machine_version_and_comment_are_accepted() -> None:
    """Version and Comment are optional strings."""
    assert validate_dict(one({"Type": "Succeed"}, Version="1.0", Comment="hi")) == []


def test_query_language_must_be_known() -> None:
    """QueryLanguage is JSONPath or JSONata."""
    assert ("$.QueryLanguage", SCHEMA) in found(one({"Type": "Succeed"}, QueryLanguage="XPath"))


# --- any state ---------------------------------------------------------------------------------


def test_state_must_be_an_object() -> None:
    """A state that is not an object is reported at the state."""
    assert ("$.States.S", SCHEMA) in found(one(42))  # type: ignore[arg-type]


def test_state_needs_a_type() -> None:
    """A state without Type names the valid types."""
    issues = check_structure(one({"End": True}))
    assert [(issue.path, issue.code) for issue in issues] == [("$.States.S", SCHEMA)]
    assert "Task, Pass, Choice, Wait, Succeed, Fail, Parallel, Map" in issues[0].message


def test_state_type_must_be_known() -> None:
    """An unknown Type is reported at Type."""
    assert ("$.States.S.Type", SCHEMA) in found(one({"Type": "Sleep", "End": True}))


def test_state_rejects_unknown_field() -> None:
    """States are closed sets of fields; the issue points at the field."""
    assert found(one({"Type": "Pass", "End": True, "Foo": 1})) == {("$.States.S.Foo", SCHEMA)}


def test_dollar_key_is_not_a_state_field() -> None:
    """'Next.$' is no state field: '.$' keys belong in payload templates only."""
    assert ("$.States.S['Next.$']", SCHEMA) in found(one({"Type": "Pass", "End": True, "Next.$": "$.x"}))


def test_state_name_with_space_is_bracketed_in_paths() -> None:
    """Names that are not identifiers are written $.States['My State']."""
    definition = {"StartAt": "My State", "States": {"My State": {"Type": "Pass", "End": True, "Foo": 1}}}
    assert found(definition) == {("$.States['My State'].Foo", SCHEMA)}


def test_next_must_be_a_string() -> None:
    """Next is a state name."""
    assert ("$.States.S.Next", SCHEMA) in found(one({"Type": "Pass", "Next": 3}))


def test_end_must_be_a_boolean() -> None:
    """End is true or false."""
    assert ("$.States.S.End", SCHEMA) in found(one({"Type": "Pass", "End": "yes"}))


def test_input_path_may_be_null() -> None:
    """InputPath and OutputPath accept null."""
    assert validate_dict(one({"Type": "Pass", "InputPath": None, "OutputPath": None, "End": True})) == []


def test_assign_must_be_an_object() -> None:
    """Assign is an object of variable names."""
    assert found(one({"Type": "Pass", "Assign": [1], "End": True})) == {("$.States.S.Assign", SCHEMA)}


def test_result_selector_must_be_an_object() -> None:
    """ResultSelector is a payload template object."""
    assert found(one(task(ResultSelector="x"))) == {("$.States.S.ResultSelector", SCHEMA)}


# --- Task --------------------------------------------------------------------------------------


def test_task_needs_resource() -> None:
    """Resource is required in a Task."""
    assert found(one({"Type": "Task", "End": True})) == {("$.States.S", SCHEMA)}


def test_task_timeout_must_be_positive() -> None:
    """TimeoutSeconds is at least 1."""
    assert found(one(task(TimeoutSeconds=0))) == {("$.States.S.TimeoutSeconds", SCHEMA)}


def test_task_timeout_must_be_an_integer() -> None:
    """TimeoutSeconds is an integer, not a fraction."""
    assert found(one(task(TimeoutSeconds=1.5))) == {("$.States.S.TimeoutSeconds", SCHEMA)}


def test_task_timeout_and_its_path_exclude_each_other() -> None:
    """TimeoutSeconds and TimeoutSecondsPath cannot both be set."""
    assert found(one(task(TimeoutSeconds=5, TimeoutSecondsPath="$.t"))) == {("$.States.S", SCHEMA)}


def test_task_heartbeat_and_its_path_exclude_each_other() -> None:
    """HeartbeatSeconds and HeartbeatSecondsPath cannot both be set."""
    assert found(one(task(HeartbeatSeconds=5, HeartbeatSecondsPath="$.h"))) == {("$.States.S", SCHEMA)}


def test_credentials_need_a_role_arn() -> None:
    """Empty Credentials: 'The field 'RoleArn' is required but was missing' (recorded AWS message)."""
    issues = validate_dict(one(task(Credentials={}), **JSONATA))
    assert [(issue.path, issue.code, issue.message) for issue in issues] == [
        ("$.States.S.Credentials", SCHEMA, "The field 'RoleArn' is required but was missing")
    ]


def test_credentials_reject_unknown_fields() -> None:
    """Credentials is a closed object."""
    assert ("$.States.S.Credentials.Role", SCHEMA) in found(one(task(Credentials={"RoleArn": "r", "Role": "x"})))


def test_credentials_accept_a_role_arn_path() -> None:
    """A JSONPath Task may give RoleArn.$."""
    assert validate_dict(one(task(Credentials={"RoleArn.$": "$.role"}))) == []


@pytest.mark.parametrize("state_type", ["Map", "Parallel", "Pass"])
def test_timeout_seconds_only_on_task(state_type: str) -> None:
    """AWS: "Field 'TimeoutSeconds' is not supported" on Map and Parallel (and any non-Task)."""
    states = {
        "Map": map_state(TimeoutSeconds=5),
        "Parallel": {"Type": "Parallel", "Branches": [one({"Type": "Succeed"})], "End": True, "TimeoutSeconds": 5},
        "Pass": {"Type": "Pass", "End": True, "TimeoutSeconds": 5},
    }
    definition = {"StartAt": "X", "States": {"X": states[state_type]}}
    assert ("$.States.X.TimeoutSeconds", SCHEMA) in found(definition)


# --- Retry and Catch ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("retrier", "where"),
    [
        ({"ErrorEquals": []}, "ErrorEquals"),
        ({"ErrorEquals": [1]}, "ErrorEquals[0]"),
        ({"ErrorEquals": ["E"], "IntervalSeconds": 0}, "IntervalSeconds"),
        ({"ErrorEquals": ["E"], "MaxAttempts": -1}, "MaxAttempts"),
        ({"ErrorEquals": ["E"], "BackoffRate": 0.5}, "BackoffRate"),
        ({"ErrorEquals": ["E"], "MaxDelaySeconds": 0}, "MaxDelaySeconds"),
        ({"ErrorEquals": ["E"], "JitterStrategy": "HALF"}, "JitterStrategy"),
        ({"ErrorEquals": ["E"], "Backoff": 2}, "Backoff"),
    ],
    ids=str,
)
def test_retrier_field_rules(retrier: dict[str, Any], where: str) -> None:
    """Each retrier field has its type and range (IntervalSeconds >= 1, BackoffRate >= 1.0, ...)."""
    assert found(one(task(Retry=[retrier]))) == {(f"$.States.S.Retry[0].{where}", SCHEMA)}


def test_retrier_needs_error_equals() -> None:
    """ErrorEquals is required in a retrier."""
    assert found(one(task(Retry=[{"MaxAttempts": 1}]))) == {("$.States.S.Retry[0]", SCHEMA)}


def test_retrier_accepts_every_field() -> None:
    """A retrier with all its fields is valid; MaxAttempts 0 means never retry."""
    retrier = {
        "ErrorEquals": ["States.Timeout"],
        "IntervalSeconds": 1,
        "MaxAttempts": 0,
        "BackoffRate": 1,
        "MaxDelaySeconds": 10,
        "JitterStrategy": "FULL",
        "Comment": "c",
    }
    assert validate_dict(one(task(Retry=[retrier]))) == []


def test_catcher_needs_next() -> None:
    """A catcher names where to go."""
    assert ("$.States.S.Catch[0]", SCHEMA) in found(one(task(Catch=[{"ErrorEquals": ["E"]}])))


def test_catcher_result_path_is_jsonpath_only() -> None:
    """ResultPath in a JSONata catcher is a JSONPath field."""
    catcher = {"ErrorEquals": ["E"], "Next": "S", "ResultPath": "$.e"}
    assert ("$.States.S.Catch[0].ResultPath", SCHEMA) in found(one(task(Catch=[catcher]), **JSONATA))


def test_catcher_output_is_jsonata_only() -> None:
    """Output in a JSONPath catcher is a JSONata field."""
    catcher = {"ErrorEquals": ["E"], "Next": "S", "Output": {}}
    assert ("$.States.S.Catch[0].Output", SCHEMA) in found(one(task(Catch=[catcher])))


# --- Choice ------------------------------------------------------------------------------------


def choice(*rules: dict[str, Any], **fields: Any) -> dict[str, Any]:
    """A machine: Choice ``C`` with ``rules`` (each going to ``Done``) and a Succeed ``Done``."""
    state = {"Type": "Choice", "Choices": [{**rule, "Next": "Done"} for rule in rules], **fields}
    return {"StartAt": "C", "States": {"C": state, "Done": {"Type": "Succeed"}}}


def operand(operator: str) -> Any:
    """A well-typed operand for ``operator`` (hand-written per operator family)."""
    if operator.endswith("Path"):
        return "$.other"
    if operator.startswith("Is") or operator == "BooleanEquals":
        return True
    if operator.startswith("Numeric"):
        return 1.5
    if operator.startswith("Timestamp"):
        return "2016-03-14T01:59:00Z"
    return "text"


@pytest.mark.parametrize("operator", sorted(COMPARISON_OPERATORS))
def test_every_comparison_operator_is_accepted(operator: str) -> None:
    """Each comparison operator with a well-typed operand is a valid rule."""
    assert validate_dict(choice({"Variable": "$.v", operator: operand(operator)})) == []


def test_choice_operator_count() -> None:
    """39 operators: 6 Is*, StringMatches, 16 comparisons (5 String/Numeric/Timestamp, Boolean) and their Path forms."""
    assert len(COMPARISON_OPERATORS) == 39


def test_choice_needs_choices() -> None:
    """Choices is required."""
    assert ("$.States.C", SCHEMA) in found({"StartAt": "C", "States": {"C": {"Type": "Choice", "Default": "C"}}})


def test_choices_must_not_be_empty() -> None:
    """Choices is a non-empty array."""
    assert ("$.States.C.Choices", SCHEMA) in found(choice(Default="Done"))


@pytest.mark.parametrize("field", ["Next", "End"])
def test_choice_state_has_no_next_or_end(field: str) -> None:
    """A Choice state transitions through its rules only."""
    definition = choice({"Variable": "$.v", "IsNull": True}, **{field: "Done" if field == "Next" else True})
    assert (f"$.States.C.{field}", SCHEMA) in found(definition)


def test_top_level_rule_needs_next() -> None:
    """Every rule in Choices names its Next."""
    definition = choice({"Variable": "$.v", "IsNull": True})
    del definition["States"]["C"]["Choices"][0]["Next"]
    assert ("$.States.C.Choices[0]", SCHEMA) in found(definition)


def test_nested_rule_has_no_next() -> None:
    """Rules inside And/Or/Not have no Next."""
    rule = {"Not": {"Variable": "$.v", "IsNull": True, "Next": "Done"}}
    assert ("$.States.C.Choices[0].Not.Next", SCHEMA) in found(choice(rule))


def test_rule_needs_an_operator() -> None:
    """A Variable alone compares nothing."""
    assert found(choice({"Variable": "$.v"})) == {("$.States.C.Choices[0]", SCHEMA)}


def test_rule_needs_a_variable() -> None:
    """A comparison needs the Variable it compares."""
    assert found(choice({"StringEquals": "a"})) == {("$.States.C.Choices[0]", SCHEMA)}


def test_rule_takes_one_operator() -> None:
    """Two comparison operators in one rule are rejected."""
    assert found(choice({"Variable": "$.v", "IsNull": True, "IsString": True})) == {("$.States.C.Choices[0]", SCHEMA)}


def test_boolean_rule_cannot_compare() -> None:
    """A rule with And cannot also have a Variable comparison."""
    rule = {"And": [{"Variable": "$.v", "IsNull": True}], "Variable": "$.v", "IsNull": True}
    assert found(choice(rule)) == {("$.States.C.Choices[0]", SCHEMA)}


def test_rule_uses_one_combinator() -> None:
    """And and Or cannot share a rule."""
    nested = [{"Variable": "$.v", "IsNull": True}]
    assert found(choice({"And": nested, "Or": nested})) == {("$.States.C.Choices[0]", SCHEMA)}


def test_and_must_not_be_empty() -> None:
    """And takes a non-empty array of rules."""
    assert ("$.States.C.Choices[0].And", SCHEMA) in found(choice({"And": []}))


def test_nested_rule_shape_is_checked() -> None:
    """A nested rule without an operator is reported at its own path."""
    rule = {"Or": [{"Variable": "$.v", "IsNull": True}, {"Not": {"Variable": "$.w"}}]}
    assert found(choice(rule)) == {("$.States.C.Choices[0].Or[1].Not", SCHEMA)}


def test_numeric_operand_must_be_a_number() -> None:
    """NumericEquals compares with a number."""
    assert found(choice({"Variable": "$.v", "NumericEquals": "1"})) == {("$.States.C.Choices[0].NumericEquals", SCHEMA)}


def test_timestamp_operand_must_be_a_timestamp() -> None:
    """TimestampEquals compares with an RFC 3339 timestamp."""
    assert found(choice({"Variable": "$.v", "TimestampEquals": "yesterday"})) == {
        ("$.States.C.Choices[0].TimestampEquals", SCHEMA)
    }


def test_jsonpath_rule_accepts_assign_and_comment() -> None:
    """Rules may carry Assign (variables work with JSONPath) and Comment."""
    assert validate_dict(choice({"Variable": "$.v", "IsNull": True, "Assign": {"x": 1}, "Comment": "c"})) == []


def test_jsonata_rule_uses_condition() -> None:
    """A JSONata rule is Condition + Next (+ Assign, Output)."""
    definition = choice({"Condition": "{% $states.input.v %}", "Assign": {"x": 1}, "Output": {}}, **JSONATA)
    definition.update(JSONATA)
    assert validate_dict(definition) == []


def test_jsonata_rule_needs_condition() -> None:
    """A JSONata rule without Condition is incomplete."""
    definition = choice({}, **JSONATA)
    definition.update(JSONATA)
    assert ("$.States.C.Choices[0]", SCHEMA) in found(definition)


def test_variable_rule_in_jsonata_state_is_rejected() -> None:
    """Variable-based comparisons are JSONPath only."""
    definition = choice({"Variable": "$.v", "IsNull": True})
    definition.update(JSONATA)
    assert ("$.States.C.Choices[0].Variable", SCHEMA) in found(definition)


def test_condition_in_jsonpath_state_is_rejected() -> None:
    """Condition is JSONata only."""
    assert ("$.States.C.Choices[0].Condition", SCHEMA) in found(choice({"Condition": "{% true %}"}))


# --- Wait --------------------------------------------------------------------------------------


def wait(**fields: Any) -> dict[str, Any]:
    return {"Type": "Wait", "End": True, **fields}


def test_wait_needs_a_duration() -> None:
    """One of Seconds, SecondsPath, Timestamp, TimestampPath is required."""
    assert found(one(wait())) == {("$.States.S", SCHEMA)}


def test_wait_takes_one_duration() -> None:
    """Seconds and TimestampPath together are rejected."""
    assert found(one(wait(Seconds=1, TimestampPath="$.t"))) == {("$.States.S", SCHEMA)}


def test_wait_seconds_may_be_zero() -> None:
    """Seconds 0 is accepted (a recorded AWS case waits 0 seconds)."""
    assert validate_dict(one(wait(Seconds=0))) == []


def test_wait_seconds_must_not_be_negative() -> None:
    """Seconds is a non-negative integer."""
    assert found(one(wait(Seconds=-1))) == {("$.States.S.Seconds", SCHEMA)}


@pytest.mark.parametrize(
    "timestamp",
    [
        "05-12-2016T21:29:29Z",
        "2016-12-05T25:29:29Z",
        "2016-12-05 21:29:29Z",
        "2016-12-05T21:29:29",
        "2016-13-05T21:29:29Z",
    ],
)
def test_wait_rejects_what_aws_rejects(timestamp: str) -> None:
    """The timestamps AWS refused ('String does not match RFC3339 timestamp')."""
    assert found(one(wait(Timestamp=timestamp))) == {("$.States.S.Timestamp", SCHEMA)}


@pytest.mark.parametrize(
    "timestamp",
    ["2016-03-14T01:59:00Z", "2016-03-14T01:59:00.123Z", "2016-03-14T01:59:00+05:30", "2016-02-29T00:00:00Z"],
)
def test_wait_accepts_rfc3339(timestamp: str) -> None:
    """RFC 3339 timestamps with Z or an offset, with or without fractions, are accepted."""
    assert validate_dict(one(wait(Timestamp=timestamp))) == []


def test_is_timestamp_checks_calendar_dates() -> None:
    """February 30th is no date."""
    assert not is_timestamp("2016-02-30T00:00:00Z")


def test_jsonata_expression_in_jsonpath_wait_is_not_a_timestamp() -> None:
    """A {% %} Timestamp in a JSONPath machine is rejected (recorded AWS case)."""
    assert found(one(wait(Timestamp="{% '2016-03-14T01:59:00Z' %}"))) == {("$.States.S.Timestamp", SCHEMA)}


def test_jsonata_wait_accepts_expressions() -> None:
    """In JSONata, Seconds and Timestamp may be {% %} expressions."""
    assert validate_dict(one(wait(Seconds="{% $states.input.n %}"), **JSONATA)) == []


def test_jsonata_wait_rejects_seconds_path() -> None:
    """SecondsPath is a JSONPath field."""
    assert ("$.States.S.SecondsPath", SCHEMA) in found(one(wait(SecondsPath="$.n"), **JSONATA))


# --- Fail, Succeed, Pass -----------------------------------------------------------------------


def test_fail_without_error_is_valid() -> None:
    """Error and Cause are optional."""
    assert validate_dict(one({"Type": "Fail"})) == []


def test_fail_error_and_error_path_exclude_each_other() -> None:
    """Error and ErrorPath cannot both be set."""
    assert found(one({"Type": "Fail", "Error": "E", "ErrorPath": "$.e"})) == {("$.States.S", SCHEMA)}


def test_fail_cause_and_cause_path_exclude_each_other() -> None:
    """Cause and CausePath cannot both be set."""
    assert found(one({"Type": "Fail", "Cause": "C", "CausePath": "$.c"})) == {("$.States.S", SCHEMA)}


def test_fail_has_no_input_path() -> None:
    """A Fail state has no InputPath."""
    assert found(one({"Type": "Fail", "InputPath": "$"})) == {("$.States.S.InputPath", SCHEMA)}


def test_succeed_has_no_next() -> None:
    """A Succeed state is terminal: no Next."""
    definition = {"StartAt": "S", "States": {"S": {"Type": "Succeed", "Next": "T"}, "T": {"Type": "Succeed"}}}
    assert ("$.States.S.Next", SCHEMA) in found(definition)


def test_pass_result_is_jsonpath_only() -> None:
    """Result is a JSONPath field (JSONata states use Output)."""
    assert found(one({"Type": "Pass", "Result": 1, "End": True}, **JSONATA)) == {("$.States.S.Result", SCHEMA)}


def test_result_zero_is_a_result() -> None:
    """Result may be 0, false, "" or null."""
    assert validate_dict(one({"Type": "Pass", "Result": None, "End": True})) == []


# --- Parallel ----------------------------------------------------------------------------------


def parallel(*branches: Any) -> dict[str, Any]:
    return {"StartAt": "P", "States": {"P": {"Type": "Parallel", "Branches": list(branches), "End": True}}}


def test_parallel_needs_branches() -> None:
    """Branches is required."""
    assert ("$.States.P", SCHEMA) in found({"StartAt": "P", "States": {"P": {"Type": "Parallel", "End": True}}})


def test_parallel_branches_must_not_be_empty() -> None:
    """Branches is a non-empty array."""
    assert found(parallel()) == {("$.States.P.Branches", SCHEMA)}


def test_branch_needs_start_at() -> None:
    """A branch is a machine: StartAt and States are required."""
    assert ("$.States.P.Branches[0]", SCHEMA) in found(parallel({"States": {"B": {"Type": "Succeed"}}}))


def test_branch_rejects_top_level_only_fields() -> None:
    """A branch has Comment, StartAt and States only."""
    branch = {"StartAt": "B", "States": {"B": {"Type": "Succeed"}}, "TimeoutSeconds": 5}
    assert found(parallel(branch)) == {("$.States.P.Branches[0].TimeoutSeconds", SCHEMA)}


def test_states_inside_a_branch_are_checked() -> None:
    """A bad field of a nested state is reported with its full path."""
    branch = {"StartAt": "B", "States": {"B": {"Type": "Pass", "End": True, "Foo": 1}}}
    assert found(parallel(branch)) == {("$.States.P.Branches[0].States.B.Foo", SCHEMA)}


# --- Map ---------------------------------------------------------------------------------------


def test_map_needs_a_processor() -> None:
    """ItemProcessor (or the legacy Iterator) is required."""
    state = map_state()
    del state["ItemProcessor"]
    assert found(one(state)) == {("$.States.S", SCHEMA)}


def test_map_takes_one_processor() -> None:
    """ItemProcessor and Iterator cannot both be set."""
    state = map_state()
    state["Iterator"] = state["ItemProcessor"]
    assert ("$.States.S", SCHEMA) in found(one(state))


def test_map_legacy_iterator_and_parameters_are_accepted() -> None:
    """Iterator and Parameters (the older names) are still valid."""
    state = map_state(Parameters={"x.$": "$$.Map.Item.Value"})
    state["Iterator"] = state.pop("ItemProcessor")
    assert validate_dict(one(state)) == []


def test_map_processor_mode_must_be_known() -> None:
    """ProcessorConfig.Mode is INLINE or DISTRIBUTED."""
    state = map_state()
    state["ItemProcessor"]["ProcessorConfig"] = {"Mode": "PARALLEL"}
    assert found(one(state)) == {("$.States.S.ItemProcessor.ProcessorConfig.Mode", SCHEMA)}


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("ToleratedFailurePercentage", 101),
        ("ToleratedFailurePercentage", -1),
        ("ToleratedFailureCount", -1),
        ("MaxConcurrency", -1),
        ("Label", "x" * 41),
        ("ItemsPath", 3),
    ],
)
def test_map_field_ranges(field: str, value: Any) -> None:
    """ToleratedFailurePercentage 0..100, counts >= 0, Label <= 40 characters, ItemsPath a path."""
    assert (f"$.States.S.{field}", SCHEMA) in found(one(map_state(**{field: value})))


@pytest.mark.parametrize(
    ("fields", "where"),
    [
        ({"MaxConcurrency": 1, "MaxConcurrencyPath": "$.m"}, "$.States.S"),
        ({"ToleratedFailureCount": 1, "ToleratedFailureCountPath": "$.c"}, "$.States.S"),
        ({"ToleratedFailurePercentage": 1, "ToleratedFailurePercentagePath": "$.p"}, "$.States.S"),
        ({"ItemBatcher": {"MaxItemsPerBatch": 1, "MaxItemsPerBatchPath": "$.b"}}, "$.States.S.ItemBatcher"),
        ({"ItemBatcher": {"MaxInputBytesPerBatch": 9, "MaxInputBytesPerBatchPath": "$.b"}}, "$.States.S.ItemBatcher"),
        (
            {
                "ItemReader": {
                    "Resource": "arn:aws:states:::s3:getObject",
                    "ReaderConfig": {"MaxItems": 1, "MaxItemsPath": "$.m"},
                }
            },
            "$.States.S.ItemReader.ReaderConfig",
        ),
    ],
    ids=["concurrency", "count", "percentage", "batch-items", "batch-bytes", "max-items"],
)
def test_map_value_and_its_path_exclude_each_other(fields: dict[str, Any], where: str) -> None:
    """A Map field and its ...Path variant cannot both be set."""
    assert found(one(map_state(**fields))) == {(where, SCHEMA)}


def test_map_selector_and_parameters_exclude_each_other() -> None:
    """ItemSelector replaced Parameters; both at once are rejected."""
    assert found(one(map_state(ItemSelector={}, Parameters={}))) == {("$.States.S", SCHEMA)}


def test_item_batcher_needs_positive_batch() -> None:
    """MaxItemsPerBatch is at least 1."""
    state = map_state(ItemBatcher={"MaxItemsPerBatch": 0})
    assert found(one(state)) == {("$.States.S.ItemBatcher.MaxItemsPerBatch", SCHEMA)}


def test_item_reader_needs_resource() -> None:
    """An ItemReader names its Resource."""
    state = map_state(ItemReader={"ReaderConfig": {"InputType": "CSV"}})
    assert found(one(state)) == {("$.States.S.ItemReader", SCHEMA)}


def test_item_reader_input_type_must_be_known() -> None:
    """ReaderConfig.InputType is one of the documented formats."""
    state = map_state(ItemReader={"Resource": "arn:aws:states:::s3:getObject", "ReaderConfig": {"InputType": "XML"}})
    assert found(one(state)) == {("$.States.S.ItemReader.ReaderConfig.InputType", SCHEMA)}


def test_item_reader_load_and_flatten_is_accepted() -> None:
    """ReaderConfig.Transformation LOAD_AND_FLATTEN (listing, then each object's content) is valid."""
    reader = {"Resource": "arn:aws:states:::s3:listObjectsV2", "ReaderConfig": {"Transformation": "LOAD_AND_FLATTEN"}}
    assert found(one(map_state(ItemReader=reader))) == set()


def test_item_reader_transformation_must_be_known() -> None:
    """ReaderConfig.Transformation is NONE or LOAD_AND_FLATTEN."""
    reader = {"Resource": "arn:aws:states:::s3:listObjectsV2", "ReaderConfig": {"Transformation": "ALL"}}
    assert found(one(map_state(ItemReader=reader))) == {("$.States.S.ItemReader.ReaderConfig.Transformation", SCHEMA)}


def test_result_writer_transformation_must_be_known() -> None:
    """WriterConfig.Transformation is NONE, COMPACT or FLATTEN."""
    state = map_state(ResultWriter={"WriterConfig": {"OutputType": "JSON", "Transformation": "ALL"}})
    assert found(one(state)) == {("$.States.S.ResultWriter.WriterConfig.Transformation", SCHEMA)}


def test_items_is_jsonata_only() -> None:
    """Items belongs to JSONata Map states."""
    assert found(one(map_state(Items=[1]))) == {("$.States.S.Items", SCHEMA)}


def test_items_path_is_jsonpath_only() -> None:
    """ItemsPath belongs to JSONPath Map states."""
    assert found(one(map_state(ItemsPath="$.a"), **JSONATA)) == {("$.States.S.ItemsPath", SCHEMA)}


# --- query languages ---------------------------------------------------------------------------


def test_jsonpath_state_under_jsonata_machine() -> None:
    """AWS: "'QueryLanguage' can not be 'JSONPath' if set to 'JSONata' for whole state machine"."""
    issues = validate_dict(one({"Type": "Pass", "End": True, "QueryLanguage": "JSONPath"}, **JSONATA))
    assert [(issue.path, issue.message) for issue in issues] == [
        ("$.States.S", "'QueryLanguage' can not be 'JSONPath' if set to 'JSONata' for whole state machine")
    ]


def test_jsonata_state_in_jsonpath_machine() -> None:
    """A state may switch itself to JSONata in a JSONPath machine."""
    assert validate_dict(one({"Type": "Pass", "QueryLanguage": "JSONata", "Output": {}, "End": True})) == []


def test_nested_states_inherit_the_top_level_language() -> None:
    """A state inside a JSONata Map of a JSONPath machine, without QueryLanguage, is JSONPath."""
    state = map_state(QueryLanguage="JSONata")
    state["ItemProcessor"]["States"]["Item"]["ResultPath"] = "$.r"
    assert validate_dict(one(state)) == []


def test_nested_jsonpath_state_inside_jsonata_map_is_allowed() -> None:
    """Recorded valid case: JSONPath machine, JSONata Map, JSONPath state inside."""
    state = map_state(QueryLanguage="JSONata")
    state["ItemProcessor"]["States"]["Item"]["QueryLanguage"] = "JSONPath"
    assert validate_dict(one(state, QueryLanguage="JSONPath")) == []


def test_nested_state_of_jsonata_machine_is_jsonata() -> None:
    """Inside a JSONata machine, a nested state without QueryLanguage rejects JSONPath fields."""
    state = map_state()
    state["ItemProcessor"]["States"]["Item"]["ResultPath"] = "$.r"
    assert found(one(state, **JSONATA)) == {("$.States.S.ItemProcessor.States.Item.ResultPath", SCHEMA)}


@pytest.mark.parametrize("field", ["InputPath", "OutputPath", "Parameters", "ResultSelector", "ResultPath"])
def test_jsonpath_fields_rejected_in_jsonata_task(field: str) -> None:
    """The five JSONPath I/O fields are not JSONata fields."""
    value = {} if field in ("Parameters", "ResultSelector") else "$"
    assert found(one(task(**{field: value}), **JSONATA)) == {(f"$.States.S.{field}", SCHEMA)}


@pytest.mark.parametrize("field", ["Arguments", "Output"])
def test_jsonata_fields_rejected_in_jsonpath_task(field: str) -> None:
    """Arguments and Output are not JSONPath fields."""
    assert found(one(task(**{field: {}}))) == {(f"$.States.S.{field}", SCHEMA)}


def test_language_hint_in_message() -> None:
    """The message says the field belongs to the other language."""
    (issue,) = validate_dict(one(task(Arguments={})))
    assert "JSONata field" in issue.message


@pytest.mark.parametrize(
    ("state", "field"),
    [
        (task(TimeoutSeconds="{% 5 %}"), "TimeoutSeconds"),
        (task(HeartbeatSeconds="{% 5 %}"), "HeartbeatSeconds"),
        (map_state(MaxConcurrency="{% 2 %}"), "MaxConcurrency"),
        (map_state(ToleratedFailurePercentage="{% 5 %}"), "ToleratedFailurePercentage"),
        (map_state(ToleratedFailureCount="{% 5 %}"), "ToleratedFailureCount"),
        (map_state(Items="{% [1, 2] %}"), "Items"),
    ],
)
def test_jsonata_numbers_may_be_expressions(state: dict[str, Any], field: str) -> None:
    """In JSONata, numeric fields may be given as {% %} expressions."""
    assert validate_dict(one(state, **JSONATA)) == [], field


def test_jsonata_number_must_be_wrapped() -> None:
    """A bare string is neither a number nor a {% %} expression."""
    assert found(one(task(TimeoutSeconds="$x"), **JSONATA)) == {("$.States.S.TimeoutSeconds", SCHEMA)}


def test_jsonata_expression_must_fill_the_string() -> None:
    """Text before {% ... %} makes the value a plain string, not an expression."""
    assert found(one(task(TimeoutSeconds="5 {% 1 %}"), **JSONATA)) == {("$.States.S.TimeoutSeconds", SCHEMA)}


def test_jsonata_expression_is_not_a_jsonpath_number() -> None:
    """A JSONPath Task cannot give TimeoutSeconds as an expression."""
    assert found(one(task(TimeoutSeconds="{% 5 %}"))) == {("$.States.S.TimeoutSeconds", SCHEMA)}


def test_message_names_field_and_value() -> None:
    """Messages name the field and show the value, attrs-style."""
    (issue,) = validate_dict(one(task(Retry=[{"ErrorEquals": ["E"], "BackoffRate": 0.5}])))
    assert issue.message == "BackoffRate must be a number >= 1.0; got 0.5"


@pytest.mark.parametrize("key", sorted(_schema.STATE_SCHEMAS, key=str) + sorted(_schema.MACHINE_SCHEMAS, key=str))
def test_schema_is_valid_draft_2020_12(key: Any) -> None:
    """Every compiled schema is itself valid against the Draft 2020-12 metaschema."""
    schema = _schema.STATE_SCHEMAS.get(key) or _schema.MACHINE_SCHEMAS[key]
    Draft202012Validator.check_schema(schema)
