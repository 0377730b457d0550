"""Choice rules: every operator, its Path variant, type mismatches and missing values."""

from __future__ import annotations

from typing import Any

import pytest

from asl.choice import OPERATORS, AllOf, AnyOf, Choice, Negation, compile_rule, is_timestamp
from asl.errors import RUNTIME, StatesError
from asl.paths._base import PathSyntaxError, Scope


def holds(rule: dict[str, Any], data: Any, scope: Scope | None = None) -> bool:
    """Compile ``rule`` (nested form, no Next) and evaluate it."""
    return compile_rule(rule, top_level=False).evaluate(data, scope or Scope())


def check(op: str, value: Any, operand: Any) -> bool:
    """``{"Variable": "$.v", op: operand}`` against ``{"v": value}``."""
    return holds({"Variable": "$.v", op: operand}, {"v": value})


def check_path(op: str, value: Any, other: Any) -> bool:
    """``{"Variable": "$.v", op + "Path": "$.o"}`` against ``{"v": value, "o": other}``."""
    return holds({"Variable": "$.v", f"{op}Path": "$.o"}, {"v": value, "o": other})


# (operator, variable value, operand, expected): written from the AWS developer guide
LITERAL_CASES = [
    ("StringEquals", "abc", "abc", True),
    ("StringEquals", "abc", "abd", False),
    ("StringLessThan", "abc", "abd", True),
    ("StringLessThan", "abd", "abc", False),
    ("StringLessThan", "abc", "abc", False),
    ("StringGreaterThan", "b", "a", True),
    ("StringGreaterThan", "a", "a", False),
    ("StringLessThanEquals", "a", "a", True),
    ("StringLessThanEquals", "b", "a", False),
    ("StringGreaterThanEquals", "a", "a", True),
    ("StringGreaterThanEquals", "a", "b", False),
    ("StringLessThan", "B", "a", True),
    ("StringLessThan", "ab", "abc", True),
    ("NumericEquals", 3, 3, True),
    ("NumericEquals", 3, 4, False),
    ("NumericEquals", 1, 1.0, True),
    ("NumericEquals", 1.0, 1, True),
    ("NumericLessThan", 2, 2.5, True),
    ("NumericLessThan", 3, 2.5, False),
    ("NumericGreaterThan", -1, -2, True),
    ("NumericGreaterThan", 2, 2, False),
    ("NumericLessThanEquals", 2, 2.0, True),
    ("NumericLessThanEquals", 2.01, 2, False),
    ("NumericGreaterThanEquals", 2, 2, True),
    ("NumericGreaterThanEquals", 1.99, 2, False),
    ("BooleanEquals", True, True, True),
    ("BooleanEquals", False, False, True),
    ("BooleanEquals", False, True, False),
    ("TimestampEquals", "2001-01-01T12:00:00Z", "2001-01-01T12:00:00Z", True),
    ("TimestampEquals", "2001-01-01T12:00:00Z", "2001-01-01T12:00:01Z", False),
    ("TimestampLessThan", "2001-01-01T12:00:00Z", "2001-01-01T12:00:01Z", True),
    ("TimestampLessThan", "2001-01-01T12:00:01Z", "2001-01-01T12:00:00Z", False),
    ("TimestampGreaterThan", "2012-10-09T19:00:56Z", "2012-10-09T19:00:55Z", True),
    ("TimestampGreaterThan", "2012-10-09T19:00:55Z", "2012-10-09T19:00:55Z", False),
    ("TimestampLessThanEquals", "2012-10-09T19:00:55Z", "2012-10-09T19:00:55Z", True),
    ("TimestampLessThanEquals", "2012-10-09T19:00:56Z", "2012-10-09T19:00:55Z", False),
    ("TimestampGreaterThanEquals", "2012-10-09T19:00:55Z", "2012-10-09T19:00:55Z", True),
    ("TimestampGreaterThanEquals", "2012-10-09T19:00:55Z", "2012-10-09T19:00:56Z", False),
    ("StringMatches", "log-2024.txt", "log-*.txt", True),
    ("StringMatches", "log-2024.csv", "log-*.txt", False),
]


@pytest.mark.parametrize(("op", "value", "operand", "expected"), LITERAL_CASES)
def test_operator_with_literal(op: str, value: Any, operand: Any, expected: bool) -> None:
    """Each operator compares the variable with its literal operand as AWS documents."""
    assert check(op, value, operand) is expected


PATH_CASES = [case for case in LITERAL_CASES if case[0] != "StringMatches"]


@pytest.mark.parametrize(("op", "value", "other", "expected"), PATH_CASES)
def test_path_variant(op: str, value: Any, other: Any, expected: bool) -> None:
    """Each ...Path variant compares the variable with the value its path reads."""
    assert check_path(op, value, other) is expected


# --------------------------------------------------------------------------- the table


def test_operator_table_names() -> None:
    """The table holds exactly AWS's JSONPath comparison operators."""
    families = {
        "String": ["Equals", "LessThan", "GreaterThan", "LessThanEquals", "GreaterThanEquals"],
        "Numeric": ["Equals", "LessThan", "GreaterThan", "LessThanEquals", "GreaterThanEquals"],
        "Boolean": ["Equals"],
        "Timestamp": ["Equals", "LessThan", "GreaterThan", "LessThanEquals", "GreaterThanEquals"],
    }
    expected = {f"{family}{order}{suffix}" for family, orders in families.items() for order in orders
                for suffix in ("", "Path")}
    expected |= {"StringMatches", "IsNull", "IsPresent", "IsNumeric", "IsString", "IsBoolean", "IsTimestamp"}
    assert set(OPERATORS) == expected


def test_path_variants_share_the_base_comparison() -> None:
    """Every ...Path operator reuses its base operator's functions instead of a second copy."""
    for name, op in OPERATORS.items():
        if name.endswith("Path"):
            base = OPERATORS[name.removesuffix("Path")]
            assert (op.by_path, op.test, op.prepare) == (True, base.test, base.prepare), name


# --------------------------------------------------------------------------- type mismatches


@pytest.mark.parametrize(
    ("op", "value", "operand"),
    [
        ("StringEquals", 1, "1"),
        ("StringLessThan", 1, "2"),
        ("StringEquals", None, "null"),
        ("NumericEquals", "1", 1),
        ("NumericEquals", True, 1),
        ("NumericGreaterThan", True, 0),
        ("NumericLessThan", None, 1),
        ("BooleanEquals", "true", True),
        ("BooleanEquals", 1, True),
        ("TimestampEquals", "not a timestamp", "2001-01-01T12:00:00Z"),
        ("TimestampLessThan", 0, "2001-01-01T12:00:00Z"),
        ("StringMatches", 12, "*"),
        ("StringEquals", ["a"], "a"),
        ("NumericEquals", {"a": 1}, 1),
    ],
)
def test_type_mismatch_is_false(op: str, value: Any, operand: Any) -> None:
    """A variable of another type than the operator's never matches."""
    assert check(op, value, operand) is False


@pytest.mark.parametrize(
    ("op", "value", "other"),
    [
        ("StringEquals", "1", 1),
        ("NumericEquals", 1, "1"),
        ("NumericEquals", 1, True),
        ("BooleanEquals", True, "true"),
        ("TimestampEquals", "2001-01-01T12:00:00Z", "yesterday"),
        ("TimestampGreaterThan", "2001-01-01T12:00:00Z", 5),
        ("StringLessThan", "a", None),
    ],
)
def test_path_operand_type_mismatch_is_false(op: str, value: Any, other: Any) -> None:
    """A ...Path operand of the wrong type makes the comparison false, not an error."""
    assert check_path(op, value, other) is False


def test_bool_is_not_a_number_for_numeric_path() -> None:
    """NumericEqualsPath does not treat a boolean variable as 1."""
    assert check_path("NumericEquals", True, 1) is False


@pytest.mark.parametrize(
    ("op", "operand"),
    [
        ("StringEquals", 1),
        ("NumericEquals", "1"),
        ("NumericEquals", True),
        ("BooleanEquals", "true"),
        ("IsNull", "true"),
        ("StringMatches", None),
        ("StringEqualsPath", 3),
    ],
)
def test_literal_operand_of_wrong_type_is_rejected(op: str, operand: Any) -> None:
    """A literal operand of the wrong type is a compile-time ValueError naming the operator."""
    with pytest.raises(ValueError, match=op):
        compile_rule({"Variable": "$.v", op: operand, "Next": "X"})


# --------------------------------------------------------------------------- strings


def test_string_order_is_by_utf16_code_unit() -> None:
    """An astral character (a surrogate pair) sorts before U+FFFF, as Java's compareTo does."""
    assert check("StringLessThan", "\U0001f600", "\uffff") is True


def test_string_order_utf16_greater_than() -> None:
    """U+FFFF is greater than an astral character under UTF-16 ordering."""
    assert check("StringGreaterThan", "\uffff", "\U0001f600") is True


def test_string_order_of_bmp_characters_is_by_code_point() -> None:
    """Characters below the surrogates compare by code point: 'é' (U+00E9) > 'z'."""
    assert check("StringGreaterThan", "é", "z") is True


# --------------------------------------------------------------------------- StringMatches


@pytest.mark.parametrize(
    ("value", "pattern", "expected"),
    [
        ("a*b", "a\\*b", True),
        ("axb", "a\\*b", False),
        ("a\\b", "a\\\\b", True),
        ("a\\xyzb", "a\\\\*b", True),
        ("a\\b", "a\\b", True),
        ("", "*", True),
        ("anything", "*", True),
        ("", "", True),
        ("x", "", False),
        ("abc", "abc", True),
        ("abcabc", "*abc", True),
        ("abca", "a*a", True),
        ("a", "a*a", False),
        ("aXbYc", "a*b*c", True),
        ("acb", "a*b*c", False),
        ("a.b", "a?b", False),
        ("a?b", "a?b", True),
        ("[a]", "[a]", True),
        ("ab", "a**b", True),
        ("new\nline", "new*line", True),
    ],
)
def test_string_matches(value: str, pattern: str, expected: bool) -> None:
    """StringMatches: '*' spans any run, '\\*' and '\\\\' are escapes, nothing else is special."""
    assert check("StringMatches", value, pattern) is expected


def test_string_matches_has_no_catastrophic_backtracking() -> None:
    """A pattern with many stars against a long non-matching text finishes at once."""
    assert check("StringMatches", "a" * 20_000 + "b", "a*" * 50 + "c") is False


# --------------------------------------------------------------------------- timestamps


def test_timestamp_offsets_compare_as_instants() -> None:
    """01:00+01:00 is the same instant as 00:00Z."""
    assert check("TimestampEquals", "2020-01-01T01:00:00+01:00", "2020-01-01T00:00:00Z") is True


def test_timestamp_negative_offset_crosses_midnight() -> None:
    """23:30-01:00 on Dec 31 is after 00:00Z on Jan 1."""
    assert check("TimestampGreaterThan", "2019-12-31T23:30:00-01:00", "2020-01-01T00:00:00Z") is True


def test_timestamp_fraction_counts() -> None:
    """Fractional seconds take part in the comparison."""
    assert check("TimestampLessThan", "2020-01-01T00:00:00.1Z", "2020-01-01T00:00:00.2Z") is True


def test_timestamp_fraction_of_zero_equals_whole_second() -> None:
    """.000Z is the same instant as Z."""
    assert check("TimestampEquals", "2020-01-01T00:00:00.000Z", "2020-01-01T00:00:00Z") is True


def test_timestamp_nanoseconds_are_kept() -> None:
    """Two instants one nanosecond apart are ordered."""
    assert check("TimestampLessThan", "2020-01-01T00:00:00.000000001Z", "2020-01-01T00:00:00.000000002Z")


def test_invalid_literal_timestamp_is_rejected() -> None:
    """A literal operand that is not a timestamp is a ValueError naming the operator."""
    with pytest.raises(ValueError, match="TimestampEquals"):
        compile_rule({"Variable": "$.v", "TimestampEquals": "2020-01-01", "Next": "X"})


@pytest.mark.parametrize(
    "text",
    [
        "2016-08-18T17:33:00Z",
        "2016-08-18T17:33:00.5Z",
        "2016-03-05T21:29:29.243167252Z",
        "2016-08-18T17:33:00+05:30",
        "2016-08-18T17:33:00-08:00",
        "2024-02-29T00:00:00Z",
    ],
)
def test_is_timestamp_accepts(text: str) -> None:
    """RFC 3339 date-times with uppercase T and Z or an offset are timestamps."""
    assert check("IsTimestamp", text, True) is True


@pytest.mark.parametrize(
    "text",
    [
        "2016-08-18T17:33:00",
        "2016-08-18 17:33:00Z",
        "2016-08-18t17:33:00Z",
        "2016-08-18T17:33Z",
        "2016-13-05T21:29:29Z",
        "2016-12-05T25:29:29Z",
        "2016-12-05T24:00:00Z",
        "2016-12-31T23:59:60Z",
        "2016-12-05T12:60:00Z",
        "2016-08-18T17:33:00+05:60",
        "2023-02-29T00:00:00Z",
        "05-12-2016T21:29:29Z",
        "2016-08-18T17:33:00.Z",
        "2016-08-18T17:33:00.1234567890Z",
        "2016-08-18T17:33:00+0530",
        "2016-08-18T17:33:00+19:00",
        "2016-08-18",
        "",
    ],
)
def test_is_timestamp_rejects(text: str) -> None:
    """Strings AWS does not read as timestamps are not timestamps."""
    assert check("IsTimestamp", text, True) is False


def test_is_timestamp_of_a_number_is_false() -> None:
    """A number is not a timestamp."""
    assert is_timestamp(1700000000) is False


def test_timestamp_with_non_digit_unicode_is_rejected() -> None:
    """Only ASCII digits count: Arabic-Indic digits are not a year."""
    assert is_timestamp("٢٠١٦-08-18T17:33:00Z") is False


# --------------------------------------------------------------------------- Is* and presence


def test_is_present_true_for_present_value() -> None:
    """IsPresent: true holds for a present field, even when it is null."""
    assert check("IsPresent", None, True) is True


def test_is_present_true_for_missing_value() -> None:
    """IsPresent: true is false (not an error) for a missing field."""
    assert holds({"Variable": "$.missing", "IsPresent": True}, {}) is False


def test_is_present_false_for_missing_value() -> None:
    """IsPresent: false holds for a missing field."""
    assert holds({"Variable": "$.a.b", "IsPresent": False}, {"a": 1}) is True


def test_is_present_false_for_present_value() -> None:
    """IsPresent: false does not hold for a present field."""
    assert check("IsPresent", 0, False) is False


def test_is_present_for_missing_variable() -> None:
    """IsPresent on an unset workflow variable is false, not an error."""
    assert holds({"Variable": "$unset", "IsPresent": True}, {}) is False


@pytest.mark.parametrize(
    ("op", "value", "expected"),
    [
        ("IsNull", None, True),
        ("IsNull", 0, False),
        ("IsNull", "", False),
        ("IsNumeric", 1, True),
        ("IsNumeric", 1.5, True),
        ("IsNumeric", True, False),
        ("IsNumeric", "1", False),
        ("IsString", "", True),
        ("IsString", 1, False),
        ("IsString", None, False),
        ("IsBoolean", False, True),
        ("IsBoolean", 0, False),
        ("IsBoolean", "true", False),
        ("IsTimestamp", 5, False),
    ],
)
def test_type_tests(op: str, value: Any, expected: bool) -> None:
    """Is* with true holds exactly for values of that JSON type."""
    assert check(op, value, True) is expected


@pytest.mark.parametrize(("op", "value"), [("IsNull", None), ("IsNumeric", 3), ("IsString", "x")])
def test_type_tests_with_false(op: str, value: Any) -> None:
    """Is* with false is the negation."""
    assert check(op, value, False) is False


@pytest.mark.parametrize("op", ["IsNull", "IsNumeric", "IsString", "IsBoolean", "IsTimestamp"])
def test_type_tests_on_missing_value_fail(op: str) -> None:
    """Is* (other than IsPresent) on a missing field is States.Runtime."""
    with pytest.raises(StatesError) as info:
        holds({"Variable": "$.missing", op: True}, {})
    assert info.value.error == RUNTIME


# --------------------------------------------------------------------------- missing values


def test_missing_variable_is_runtime_error() -> None:
    """A comparison on a Variable that matches nothing fails with States.Runtime naming the path."""
    with pytest.raises(StatesError) as info:
        holds({"Variable": "$.type", "StringEquals": "Private"}, {"value": 22})
    assert (info.value.error, info.value.cause) == (
        RUNTIME,
        "Invalid path '$.type': The choice state's condition path references an invalid value.",
    )


def test_missing_path_operand_is_runtime_error() -> None:
    """A ...Path operand that matches nothing fails with States.Runtime naming that path."""
    with pytest.raises(StatesError) as info:
        holds({"Variable": "$.a", "NumericLessThanPath": "$.limit"}, {"a": 1})
    assert info.value.error == RUNTIME
    assert info.value.cause is not None and "'$.limit'" in info.value.cause


def test_index_out_of_range_is_runtime_error() -> None:
    """An index past the end of a list is a missing value too."""
    with pytest.raises(StatesError):
        holds({"Variable": "$.a[3]", "NumericEquals": 1}, {"a": [1]})


# --------------------------------------------------------------------------- roots


def test_variable_reads_context_object() -> None:
    """A '$$' Variable reads the context object."""
    scope = Scope(context={"Execution": {"Input": {"input-value": 0}}})
    rule = {"Variable": "$$.Execution.Input.input-value", "NumericLessThanEquals": 0}
    assert holds(rule, {}, scope) is True


def test_variable_reads_workflow_variable() -> None:
    """A '$name' Variable reads a workflow variable."""
    assert holds({"Variable": "$guess", "NumericEquals": 7}, {}, Scope(variables={"guess": 7})) is True


def test_path_operand_reads_workflow_variable() -> None:
    """A ...Path operand may read a workflow variable."""
    rule = {"Variable": "$.n", "NumericEqualsPath": "$answer"}
    assert holds(rule, {"n": 42}, Scope(variables={"answer": 42})) is True


def test_variable_root_is_whole_input() -> None:
    """'$' as Variable is the whole input."""
    assert holds({"Variable": "$", "NumericEquals": 5}, 5) is True


# --------------------------------------------------------------------------- And / Or / Not


def test_and_all_true() -> None:
    """And holds when every rule holds."""
    rule = {"And": [{"Variable": "$.v", "NumericGreaterThanEquals": 20},
                    {"Variable": "$.v", "NumericLessThan": 30}]}
    assert holds(rule, {"v": 22}) is True


def test_and_one_false() -> None:
    """And fails when one rule fails."""
    rule = {"And": [{"Variable": "$.v", "NumericGreaterThanEquals": 20},
                    {"Variable": "$.v", "NumericLessThan": 30}]}
    assert holds(rule, {"v": 31}) is False


def test_and_short_circuits() -> None:
    """And stops at the first false rule, so a later rule on a missing field is not read."""
    rule = {"And": [{"Variable": "$.maybe", "IsPresent": True},
                    {"Variable": "$.maybe", "StringEquals": "foo"}]}
    assert holds(rule, {}) is False


def test_or_one_true() -> None:
    """Or holds when one rule holds."""
    rule = {"Or": [{"Variable": "$.v", "StringEquals": "a"}, {"Variable": "$.v", "StringEquals": "b"}]}
    assert holds(rule, {"v": "b"}) is True


def test_or_none_true() -> None:
    """Or fails when no rule holds."""
    rule = {"Or": [{"Variable": "$.v", "StringEquals": "a"}, {"Variable": "$.v", "StringEquals": "b"}]}
    assert holds(rule, {"v": "c"}) is False


def test_or_short_circuits() -> None:
    """Or stops at the first true rule, so a later rule on a missing field is not read."""
    rule = {"Or": [{"Variable": "$.v", "IsPresent": True}, {"Variable": "$.nope", "NumericEquals": 1}]}
    assert holds(rule, {"v": 1}) is True


def test_not_negates() -> None:
    """Not inverts its rule."""
    assert holds({"Not": {"Variable": "$.type", "StringEquals": "Private"}}, {"type": "Public"}) is True


def test_nested_boolean_rules() -> None:
    """And/Or/Not nest to any depth."""
    rule = {"Not": {"Or": [{"And": [{"Variable": "$.a", "BooleanEquals": True},
                                    {"Variable": "$.b", "IsNull": True}]},
                           {"Variable": "$.c", "StringMatches": "x*"}]}}
    assert holds(rule, {"a": True, "b": None, "c": "y"}) is False


def test_boolean_rules_compile_to_combinators() -> None:
    """And/Or/Not compile to AllOf/AnyOf/Negation."""
    leaf = {"Variable": "$.a", "IsPresent": True}
    assert isinstance(compile_rule({"And": [leaf]}, top_level=False), AllOf)
    assert isinstance(compile_rule({"Or": [leaf]}, top_level=False), AnyOf)
    assert isinstance(compile_rule({"Not": leaf}, top_level=False), Negation)


# --------------------------------------------------------------------------- compile errors


def test_top_level_rule_accepts_next_assign_comment() -> None:
    """A top-level rule may carry Next, Assign and Comment besides its comparison."""
    raw = {"Variable": "$.a", "NumericEquals": 1, "Next": "X", "Assign": {"x": 1}, "Comment": "c"}
    rule = compile_rule(raw)
    assert rule.evaluate({"a": 1}, Scope()) is True


def test_nested_rule_with_next_is_rejected() -> None:
    """Next inside And/Or/Not is a ValueError."""
    with pytest.raises(ValueError, match="Next"):
        compile_rule({"And": [{"Variable": "$.a", "NumericEquals": 1, "Next": "X"}], "Next": "Y"})


def test_rule_without_operator_is_rejected() -> None:
    """A rule with no operator is a ValueError."""
    with pytest.raises(ValueError, match="operator"):
        compile_rule({"Variable": "$.a", "Next": "X"})


def test_rule_with_two_operators_is_rejected() -> None:
    """A rule with two operators is a ValueError naming them."""
    with pytest.raises(ValueError, match="StringEquals"):
        compile_rule({"Variable": "$.a", "StringEquals": "x", "IsPresent": True, "Next": "X"})


def test_rule_with_only_an_unknown_operator_names_it() -> None:
    """A rule whose only operator is unknown gets a ValueError naming that field."""
    with pytest.raises(ValueError, match="StringMatchesPath"):
        compile_rule({"Variable": "$.a", "StringMatchesPath": "$.p", "Next": "X"})


def test_unknown_field_is_rejected() -> None:
    """An unknown field (e.g. StringMatchesPath, which AWS does not define) is a ValueError."""
    with pytest.raises(ValueError, match="StringMatchesPath"):
        compile_rule({"Variable": "$.a", "StringMatches": "x", "StringMatchesPath": "$.p", "Next": "X"})


def test_comparison_without_variable_is_rejected() -> None:
    """A comparison without Variable is a ValueError naming the operator."""
    with pytest.raises(ValueError, match="NumericEquals"):
        compile_rule({"NumericEquals": 1, "Next": "X"})


def test_bad_variable_path_is_path_syntax_error() -> None:
    """A Variable that is not a JSONPath raises PathSyntaxError."""
    with pytest.raises(PathSyntaxError):
        compile_rule({"Variable": "foo", "NumericEquals": 1, "Next": "X"})


def test_indefinite_variable_path_is_rejected() -> None:
    """Variable must be a reference path (single node)."""
    with pytest.raises(PathSyntaxError):
        compile_rule({"Variable": "$.a[*]", "NumericEquals": 1, "Next": "X"})


def test_empty_and_is_rejected() -> None:
    """And with an empty list is a ValueError."""
    with pytest.raises(ValueError, match="And"):
        compile_rule({"And": [], "Next": "X"})


def test_not_with_list_is_rejected() -> None:
    """Not takes one rule object, not a list."""
    with pytest.raises(ValueError, match="Not"):
        compile_rule({"Not": [{"Variable": "$.a", "IsPresent": True}], "Next": "X"})


def test_condition_is_rejected_in_jsonpath_rule() -> None:
    """A JSONata Condition is not a JSONPath rule."""
    with pytest.raises(ValueError, match="Condition"):
        compile_rule({"Condition": "{% true %}", "Next": "X"})


def test_choice_holds_rule_and_target() -> None:
    """Choice carries the compiled rule, its Next, and raw Assign/Output."""
    rule = compile_rule({"Variable": "$.a", "IsPresent": True, "Next": "X"})
    choice = Choice(rule=rule, next="X", assign=None, output=None)
    assert (choice.next, choice.rule.evaluate({"a": 1}, Scope())) == ("X", True)


# --------------------------------------------------------------------------- presence walk


@pytest.mark.parametrize(
    ("path", "data", "expected"),
    [
        ("$.a[0].b", {"a": [{"b": None}]}, True),
        ("$.a[-1]", {"a": [1, 2]}, True),
        ("$.a[-3]", {"a": [1, 2]}, False),
        ("$.a[2]", {"a": [1, 2]}, False),
        ("$.a.b", {"a": [1]}, False),
        ("$.a[0]", {"a": {"0": 1}}, False),
        ("$.a.b", {"a": "text"}, False),
        ("$", None, True),
    ],
)
def test_is_present_walks_names_and_indexes(path: str, data: Any, expected: bool) -> None:
    """IsPresent follows names on objects and indexes (negative from the end) on lists."""
    assert holds({"Variable": path, "IsPresent": True}, data) is expected


def test_is_present_reads_context_object() -> None:
    """IsPresent on a '$$' path looks in the context object."""
    scope = Scope(context={"Execution": {"Name": "n"}})
    rule = {"And": [{"Variable": "$$.Execution.Name", "IsPresent": True},
                    {"Variable": "$$.Execution.Nope", "IsPresent": False}]}
    assert holds(rule, {}, scope) is True


def test_is_present_walks_into_workflow_variable() -> None:
    """IsPresent on '$name.field' looks inside the variable's value."""
    scope = Scope(variables={"x": {"f": 1}})
    rule = {"And": [{"Variable": "$x.f", "IsPresent": True}, {"Variable": "$x.g", "IsPresent": False}]}
    assert holds(rule, {}, scope) is True
