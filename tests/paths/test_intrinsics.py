"""The intrinsic functions: parsing, compile-time checks and each function's behaviour.

Expected values come from the AWS documentation and from executions recorded against AWS
(``/work/shared/conformance/cases``, ``intrinsic_functions_test_*``); each such test says so.
"""

from __future__ import annotations

import random
import re
from typing import Any

import pytest

from asl.errors import INTRINSIC_FAILURE, StatesError
from asl.paths._base import PathNotFound, PathSyntaxError, Scope
from asl.paths._intrinsics import (
    FUNCTION_NAMES,
    MAX_NESTING,
    IntrinsicCall,
    Literal,
    compile_intrinsic,
    is_intrinsic,
    java_round,
)

UUID4 = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")


def run(
    text: str,
    data: Any = None,
    *,
    context: dict[str, Any] | None = None,
    variables: dict[str, Any] | None = None,
    rng: random.Random | None = None,
) -> Any:
    scope = Scope(context=context or {}, variables=variables or {}, rng=rng or random.Random(0))
    return compile_intrinsic(text).evaluate(data, scope)


def failure(text: str, data: Any = None) -> str:
    """Run ``text`` expecting States.IntrinsicFailure; return the cause."""
    with pytest.raises(StatesError) as caught:
        run(text, data)
    assert caught.value.error == INTRINSIC_FAILURE
    assert caught.value.cause is not None
    return caught.value.cause


def nested(depth: int) -> str:
    return "States.Array(" * depth + ")" * depth


# --------------------------------------------------------------------------- recognising a call


@pytest.mark.parametrize(
    "text",
    ["States.UUID()", "States.Format('{}', $.a)", "States.Array($.a) ", "States.Nope(1)"],
)
def test_is_intrinsic_accepts_call_shapes(text: str) -> None:
    """Text that starts with 'States.' and ends with ')' looks like a call."""
    assert is_intrinsic(text)


@pytest.mark.parametrize("text", ["$.a", "States.UUID", "states.UUID()", " States.UUID()", "", "$$.States"])
def test_is_intrinsic_rejects_other_text(text: str) -> None:
    """Paths, bare names and lowercase prefixes are not calls."""
    assert not is_intrinsic(text)


def test_function_table_has_the_eighteen_functions() -> None:
    """Exactly the 18 functions AWS documents are known."""
    expected = {
        "States.Format",
        "States.StringToJson",
        "States.JsonToString",
        "States.Array",
        "States.ArrayPartition",
        "States.ArrayContains",
        "States.ArrayRange",
        "States.ArrayGetItem",
        "States.ArrayLength",
        "States.ArrayUnique",
        "States.Base64Encode",
        "States.Base64Decode",
        "States.Hash",
        "States.JsonMerge",
        "States.MathRandom",
        "States.MathAdd",
        "States.StringSplit",
        "States.UUID",
    }
    assert expected == FUNCTION_NAMES


# --------------------------------------------------------------------------- literals and paths


def test_compiled_call_exposes_name_and_literal_args() -> None:
    """The compiled call keeps the function name and its compiled arguments."""
    call = compile_intrinsic("States.Array('a', 1)")
    assert isinstance(call, IntrinsicCall)
    assert call.name == "States.Array"
    assert call.args == (Literal("a"), Literal(1))


def test_literals_of_every_kind() -> None:
    """Strings, integers, negatives, decimals, exponents, true, false and null parse to JSON values."""
    result = run("States.Array('x', 7, -3, 2.5, -0.25, 1e3, true, false, null)")
    assert result == ["x", 7, -3, 2.5, -0.25, 1000.0, True, False, None]
    assert [type(value) for value in result[1:6]] == [int, int, float, float, float]


def test_blanks_around_arguments_are_ignored() -> None:
    """Spaces, tabs and newlines around arguments do not matter."""
    assert run("States.Array(  1 ,\t'a'\n,  $.b  )", {"b": 2}) == [1, "a", 2]


def test_blanks_inside_empty_argument_list() -> None:
    """A call with only blanks between its parentheses has no arguments."""
    assert run("States.Array(   )") == []


def test_path_arguments_read_input_context_and_variables() -> None:
    """$ reads the input, $$ the context object, $name a variable."""
    result = run(
        "States.Array($, $.a, $$.Execution.Name, $var)",
        {"a": 1},
        context={"Execution": {"Name": "exec"}},
        variables={"var": "v"},
    )
    assert result == [{"a": 1}, 1, "exec", "v"]


def test_bracket_path_may_contain_commas_blanks_and_parentheses() -> None:
    """A quoted bracket name ends the path only at its closing bracket."""
    assert run("States.Array($['a, (b)'], $.c)", {"a, (b)": 1, "c": 2}) == [1, 2]


def test_indefinite_path_argument_yields_a_list() -> None:
    """A path with a wildcard gives the list of its matches."""
    assert run("States.ArrayLength($.items[*].id)", {"items": [{"id": 1}, {"id": 2}, {}]}) == 2


def test_missing_path_raises_path_not_found() -> None:
    """A definite path that matches nothing is left for the caller to word."""
    with pytest.raises(PathNotFound):
        run("States.Array($.missing)", {"a": 1})


def test_compiled_call_is_reusable_with_other_data() -> None:
    """One compiled call evaluates against any number of inputs."""
    call = compile_intrinsic("States.MathAdd($.a, 1)")
    scope = Scope()
    assert [call.evaluate({"a": n}, scope) for n in (1, 2, 3)] == [2, 3, 4]


# --------------------------------------------------------------------------- string escapes


@pytest.mark.parametrize(
    ("literal", "value"),
    [
        (r"'it\'s'", "it's"),
        (r"'\{'", "{"),
        (r"'\}'", "}"),
        (r"'a\\b'", "a\\b"),
        (r"'\\\''", "\\'"),
        ("'plain {braces} ok'", "plain {braces} ok"),
        ("'line\nbreak'", "line\nbreak"),
        ("''", ""),
    ],
)
def test_legal_escapes(literal: str, value: str) -> None:
    """The escapes \\' \\{ \\} \\\\ give the character; raw braces and newlines are kept."""
    assert run(f"States.Array({literal})") == [value]


@pytest.mark.parametrize("literal", [r"'\"'", r"'\n'", r"'\t'", r"'\u0041'", r"'\/'", r"'a\ b'"])
def test_illegal_escapes_do_not_compile(literal: str) -> None:
    """Any backslash escape other than \\' \\{ \\} \\\\ is a syntax error."""
    with pytest.raises(PathSyntaxError, match="illegal escape"):
        compile_intrinsic(f"States.Array({literal})")


@pytest.mark.parametrize(
    "text",
    [
        # the two definitions AWS rejected (validation cases ESCAPE_SEQUENCES_ILLEGAL_INTRINSIC_FUNCTION*)
        'States.StringToJson(\'{"text":"An \\"escaped double quote\\" here"}\')',
        "States.Format('He said, \\\"Hello, {}!\\\"', 'Test \\\"Name\\\" Here')",
    ],
)
def test_recorded_illegal_escapes_do_not_compile(text: str) -> None:
    """The escaped double quotes AWS rejects at creation do not compile."""
    with pytest.raises(PathSyntaxError):
        compile_intrinsic(text)


def test_unterminated_string_does_not_compile() -> None:
    """An escaped closing quote leaves the string open."""
    with pytest.raises(PathSyntaxError, match="unterminated"):
        compile_intrinsic(r"States.Array('abc\')")


def test_recorded_newline_literals_split() -> None:
    """Recorded: States.StringSplit('Hello<LF>World', '<LF>') gives ['Hello', 'World']."""
    assert run("States.StringSplit('Hello\nWorld', '\n')") == ["Hello", "World"]


def test_unescaped_braces_in_literal_are_kept() -> None:
    """Recorded: StringToJson of a literal with raw braces parses as JSON."""
    assert run('States.StringToJson(\'{"constant_in_literal": "false"}\')') == {
        "constant_in_literal": "false"
    }


# --------------------------------------------------------------------------- syntax errors


@pytest.mark.parametrize(
    "text",
    [
        "States.Array(",
        "States.Array(1",
        "States.Array(1,)",
        "States.Array(,1)",
        "States.Array(1 2)",
        "States.Array(tru)",
        "States.Array(True)",
        "States.Array(1.)",
        "States.Array(--1)",
        "States.Array(1x)",
        'States.Array("a")',
        "States.Array() extra",
        "States.Array",
        "States.Array($.a b)",
        "States.Array($.a[)",
        "Other.Array()",
    ],
)
def test_malformed_calls_do_not_compile(text: str) -> None:
    """Broken syntax raises PathSyntaxError."""
    with pytest.raises(PathSyntaxError):
        compile_intrinsic(text)


@pytest.mark.parametrize("text", ["States.Foo()", "States.array()", "States.MathSubtract(1, 2)"])
def test_unknown_function_does_not_compile(text: str) -> None:
    """An unknown (or wrongly cased) function name is a syntax error naming it."""
    with pytest.raises(PathSyntaxError, match="unknown function"):
        compile_intrinsic(text)


@pytest.mark.parametrize(
    "text",
    [
        "States.Format()",
        "States.StringToJson()",
        "States.StringToJson('a', 'b')",
        "States.JsonToString()",
        "States.ArrayPartition($.a)",
        "States.ArrayContains($.a)",
        "States.ArrayRange(1, 2)",
        "States.ArrayGetItem($.a)",
        "States.ArrayLength($.a, $.b)",
        "States.ArrayUnique()",
        "States.Base64Encode()",
        "States.Base64Decode('a', 'b')",
        "States.Hash('a')",
        "States.JsonMerge($.a, $.b)",
        "States.MathRandom(1)",
        "States.MathRandom(1, 2, 3, 4)",
        "States.MathAdd(1)",
        "States.StringSplit('a')",
        "States.UUID(1)",
    ],
)
def test_wrong_argument_count_does_not_compile(text: str) -> None:
    """Each function checks its argument count at compile time."""
    with pytest.raises(PathSyntaxError, match="takes"):
        compile_intrinsic(text)


@pytest.mark.parametrize(
    "text",
    [
        "States.Format(1)",
        "States.Format(null, 1)",
        "States.StringToJson(1)",
        "States.JsonToString('{}')",
        "States.ArrayLength('abc')",
        "States.ArrayPartition($.a, 'two')",
        "States.ArrayRange(1, true, 1)",
        "States.ArrayGetItem(null, 0)",
        "States.Base64Encode(12)",
        "States.Hash($.a, 256)",
        "States.JsonMerge($.a, $.b, 'false')",
        "States.MathAdd('1', 2)",
        "States.MathRandom(1, 2, 'seed')",
        "States.StringSplit('a,b', 1)",
    ],
)
def test_literal_of_wrong_type_does_not_compile(text: str) -> None:
    """A literal argument whose JSON type cannot fit its parameter is a syntax error."""
    with pytest.raises(PathSyntaxError, match="literal"):
        compile_intrinsic(text)


def test_nesting_up_to_the_limit_compiles() -> None:
    """Ten nested calls (the AWS limit) compile and run."""
    assert MAX_NESTING == 10
    result = run(nested(MAX_NESTING))
    for _ in range(MAX_NESTING - 1):
        result = result[0]
    assert result == []


def test_nesting_beyond_the_limit_does_not_compile() -> None:
    """Eleven nested calls are a syntax error."""
    with pytest.raises(PathSyntaxError, match="nest"):
        compile_intrinsic(nested(MAX_NESTING + 1))


def test_documented_nine_function_example_compiles() -> None:
    """AWS's documented myArn example (nine functions, five deep) compiles."""
    text = (
        "States.Format('{}.{}.{}', States.ArrayGetItem(States.StringSplit(States.ArrayGetItem("
        "States.StringSplit($.ImageRecipe.Arn, '/'), 2), '.'), 0), States.ArrayGetItem("
        "States.StringSplit(States.ArrayGetItem(States.StringSplit($.ImageRecipe.Arn, '/'), 2), '.'), 1))"
    )
    assert compile_intrinsic(text).name == "States.Format"


def test_nested_split_and_get_item() -> None:
    """Nested StringSplit/ArrayGetItem pick parts of an ARN (the documented example, two placeholders)."""
    text = (
        "States.Format('{}.{}', States.ArrayGetItem(States.StringSplit(States.ArrayGetItem("
        "States.StringSplit($.Arn, '/'), 2), '.'), 0), States.ArrayGetItem("
        "States.StringSplit(States.ArrayGetItem(States.StringSplit($.Arn, '/'), 2), '.'), 1))"
    )
    assert run(text, {"Arn": "arn:aws:imagebuilder:r:1:image-recipe/recipe/1.2.3"}) == "1.2"


def test_recorded_nested_calls() -> None:
    """Recorded (test_nested_calls_2): the last '-' separated part of the state machine name."""
    text = (
        "States.ArrayGetItem(States.StringSplit($$.StateMachine.Name, '-'), "
        "States.MathAdd(States.ArrayLength(States.StringSplit($$.StateMachine.Name, '-')), -1))"
    )
    assert run(text, context={"StateMachine": {"Name": "my-state-machine"}}) == "machine"


# --------------------------------------------------------------------------- errors at run time


def test_failure_cause_names_the_call() -> None:
    """An IntrinsicFailure cause starts with the call as written."""
    cause = failure("States.ArrayGetItem($.a, 3)", {"a": [1]})
    assert cause.startswith("States.ArrayGetItem($.a, 3): ")


def test_failure_in_nested_call_names_the_inner_call() -> None:
    """A failing inner call is reported as itself, not as the outer call."""
    cause = failure("States.Array(States.StringToJson($.s))", {"s": "{"})
    assert cause.startswith("States.StringToJson($.s): ")


# --------------------------------------------------------------------------- States.Format


@pytest.mark.parametrize(
    ("value", "rendered"),
    [
        ("", ""),
        (" ", " "),
        ("HelloWorld", "HelloWorld"),
        (None, "null"),
        (1, "1"),
        (1.1, "1.1"),
        ('{"Arg1": 1, "Arg2": []}', '{"Arg1": 1, "Arg2": []}'),
        ({"Arg1": 1, "Arg2": []}, "{Arg1=1, Arg2=[]}"),
    ],
)
def test_format_recorded_values(value: Any, rendered: str) -> None:
    """Recorded (test_format_1): how each kind of value is written into the template."""
    result = run("States.Format('Formatting argument {}.', $.FunctionInput)", {"FunctionInput": value})
    assert result == f"Formatting argument {rendered}."


def test_format_recorded_two_arguments() -> None:
    """Recorded (test_format_2): two placeholders take two values in order."""
    text = "States.Format('Formatting arguments fst={} and snd={}.', $.fst, $.snd)"
    assert run(text, {"fst": "a", "snd": 1}) == "Formatting arguments fst=a and snd=1."


def test_format_recorded_context_object() -> None:
    """Recorded (test_context_json_path): a context object renders as {Id=..., Name=...}."""
    text = "States.Format('fst={} and snd={}.', $$.Execution.Name, $$.StateMachine)"
    context = {"Execution": {"Name": "exec-1"}, "StateMachine": {"Id": "arn:sm", "Name": "sm"}}
    assert run(text, context=context) == "fst=exec-1 and snd={Id=arn:sm, Name=sm}."


def test_format_booleans_and_arrays() -> None:
    """Booleans render as true/false; arrays as [a, b] with nested values rendered the same way."""
    result = run("States.Format('{} {} {}', true, false, $.a)", {"a": [1, "x", None, {"k": [True]}]})
    assert result == "true false [1, x, null, {k=[true]}]"


def test_format_literal_number_argument() -> None:
    """A literal number argument is written as written (States.Format('Format:{}', 101))."""
    assert run("States.Format('Format:{}', 101)") == "Format:101"


def test_format_escaped_braces_are_not_placeholders() -> None:
    """\\{\\} in the template is literal text; only unescaped {} takes a value."""
    assert run(r"States.Format('\{\} {} \{x\}', 'v')") == "{} v {x}"


def test_format_inserted_values_are_not_reformatted() -> None:
    """A value containing {} is inserted as it is."""
    assert run("States.Format('[{}]', $.v)", {"v": "{}"}) == "[{}]"


def test_format_template_from_a_path() -> None:
    """Documented: the template may come from the input."""
    data = {"name": "Arnav", "template": "Hello, my name is {}."}
    assert run("States.Format($.template, $.name)", data) == "Hello, my name is Arnav."


def test_format_template_from_a_variable() -> None:
    """Recorded (MAP_STATE_REFERENCE_IN_INTRINSIC_FUNCTION): the template may be a variable."""
    assert run("States.Format($tpl, 'Pikachu')", variables={"tpl": "It's {}!"}) == "It's Pikachu!"


def test_format_too_few_values_fails() -> None:
    """More placeholders than values is an IntrinsicFailure."""
    failure("States.Format('{} {}', 1)")


def test_format_too_many_values_fails() -> None:
    """More values than placeholders is an IntrinsicFailure."""
    failure("States.Format('{}', 1, 2)")


def test_format_template_path_not_a_string_fails() -> None:
    """A template read from the input must be a string."""
    failure("States.Format($.t, 1)", {"t": 5})


# --------------------------------------------------------------------------- JSON <-> string


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("", None),
        (" ", None),
        ("null", None),
        ("-0", 0),
        ("1", 1),
        ("1.1", 1.1),
        ("true", True),
        ('"HelloWorld"', "HelloWorld"),
        ('[1, 2, "HelloWorld"]', [1, 2, "HelloWorld"]),
        ('{"Arg1": 1, "Arg2": []}', {"Arg1": 1, "Arg2": []}),
    ],
)
def test_string_to_json_recorded(text: str, value: Any) -> None:
    """Recorded (test_string_to_json): parsed values, blank text giving null."""
    assert run("States.StringToJson($.s)", {"s": text}) == value


@pytest.mark.parametrize("text", ["{", "[1,", "{'a': 1}", "NaN", "Infinity", "abc"])
def test_string_to_json_invalid_fails(text: str) -> None:
    """Text that is not JSON is an IntrinsicFailure."""
    failure("States.StringToJson($.s)", {"s": text})


def test_string_to_json_of_non_string_fails() -> None:
    """The argument must be a string."""
    failure("States.StringToJson($.s)", {"s": {"a": 1}})


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (None, "null"),
        (0, "0"),
        (1, "1"),
        (1.1, "1.1"),
        (True, "true"),
        ("HelloWorld", '"HelloWorld"'),
        ([1, 2, "HelloWorld"], '[1,2,"HelloWorld"]'),
        ({"Arg1": 1, "Arg2": []}, '{"Arg1":1,"Arg2":[]}'),
    ],
)
def test_json_to_string_recorded(value: Any, text: str) -> None:
    """Recorded (test_json_to_string): compact JSON text without blanks."""
    assert run("States.JsonToString($.v)", {"v": value}) == text


def test_json_to_string_keeps_non_ascii() -> None:
    """Non-ASCII characters are written as they are, not as \\u escapes."""
    assert run("States.JsonToString($.v)", {"v": {"k": "é€"}}) == '{"k":"é€"}'


def test_json_to_string_of_nested_call() -> None:
    """The argument may be a nested call."""
    assert run("States.JsonToString(States.Array(1, 'a'))") == '[1,"a"]'


# --------------------------------------------------------------------------- arrays


def test_array_recorded_empty() -> None:
    """Recorded (test_array_0): States.Array() is []."""
    assert run("States.Array()") == []


def test_array_documented_example() -> None:
    """Documented: values in order, including objects and null."""
    data = {"someJson": {"random": "abcdefg"}}
    assert run("States.Array('Foo', 2020, $.someJson, null)", data) == [
        "Foo",
        2020,
        {"random": "abcdefg"},
        None,
    ]


def test_array_shares_values_without_copying() -> None:
    """The result holds the input's objects themselves (never copied, never mutated)."""
    inner = {"a": 1}
    result = run("States.Array($.x)", {"x": inner})
    assert result[0] is inner


def test_array_partition_documented_example() -> None:
    """Documented: [1..9] in chunks of 4 is [[1,2,3,4],[5,6,7,8],[9]]."""
    data = {"a": [1, 2, 3, 4, 5, 6, 7, 8, 9]}
    assert run("States.ArrayPartition($.a,4)", data) == [[1, 2, 3, 4], [5, 6, 7, 8], [9]]


def test_array_partition_of_empty_array() -> None:
    """An empty array has no chunks."""
    assert run("States.ArrayPartition($.a, 3)", {"a": []}) == []


def test_array_partition_rounds_chunk_size() -> None:
    """Documented: a non-integer chunk size is rounded to the nearest integer (1.5 -> 2)."""
    assert run("States.ArrayPartition($.a, 1.5)", {"a": [1, 2, 3]}) == [[1, 2], [3]]


@pytest.mark.parametrize("size", ["0", "-1", "0.4"])
def test_array_partition_needs_positive_chunk_size(size: str) -> None:
    """A chunk size that is not positive (after rounding) is an IntrinsicFailure."""
    failure(f"States.ArrayPartition($.a, {size})", {"a": [1, 2]})


def test_array_partition_of_non_array_fails() -> None:
    """The first argument must be an array."""
    failure("States.ArrayPartition($.a, 2)", {"a": "abc"})


def test_array_contains_documented_example() -> None:
    """Documented: 5 is in [1..9]."""
    data = {"inputArray": [1, 2, 3, 4, 5, 6, 7, 8, 9], "lookingFor": 5}
    assert run("States.ArrayContains($.inputArray, $.lookingFor)", data) is True


def test_array_contains_absent_value() -> None:
    """A value not in the array gives false."""
    assert run("States.ArrayContains($.a, 'x')", {"a": [1, "y"]}) is False


def test_array_contains_compares_objects_by_content() -> None:
    """Objects are equal when their members are, whatever the key order."""
    data = {"a": [{"x": 1, "y": [2]}], "v": {"y": [2], "x": 1}}
    assert run("States.ArrayContains($.a, $.v)", data) is True


def test_array_contains_does_not_confuse_booleans_and_numbers() -> None:
    """true is not 1 and false is not 0."""
    text = "States.Array(States.ArrayContains($.a, true), States.ArrayContains($.a, 0))"
    assert run(text, {"a": [1, False]}) == [False, False]


def test_array_contains_null() -> None:
    """null can be searched for."""
    assert run("States.ArrayContains($.a, null)", {"a": [1, None]}) is True


def test_array_range_documented_example() -> None:
    """Documented: ArrayRange(1, 9, 2) is [1,3,5,7,9]."""
    assert run("States.ArrayRange(1, 9, 2)") == [1, 3, 5, 7, 9]


def test_array_range_recorded_example() -> None:
    """Recorded (map reentrant cases): ArrayRange(0, 3, 1) is [0,1,2,3]."""
    assert run("States.ArrayRange(0, 3, 1)") == [0, 1, 2, 3]


def test_array_range_counts_down_with_negative_step() -> None:
    """A negative step counts down to the end, inclusive when reached."""
    assert run("States.ArrayRange(10, 1, -3)") == [10, 7, 4, 1]


def test_array_range_end_not_reached_by_step() -> None:
    """The end is included only when a step lands on it."""
    assert run("States.ArrayRange(1, 10, 4)") == [1, 5, 9]


def test_array_range_wrong_direction_is_empty() -> None:
    """A step pointing away from the end gives an empty array."""
    assert run("States.ArrayRange(5, 1, 1)") == []


def test_array_range_single_item() -> None:
    """Start equal to end gives one item."""
    assert run("States.ArrayRange(4, 4, 7)") == [4]


def test_array_range_rounds_arguments() -> None:
    """Documented: non-integer arguments are rounded (0.5 -> 1, 3.4 -> 3, 1.5 -> 2)."""
    assert run("States.ArrayRange(0.5, 3.4, 1.5)") == [1, 3]


def test_array_range_of_exactly_1000_items() -> None:
    """Documented limit: 1000 items are allowed."""
    result = run("States.ArrayRange(1, 1000, 1)")
    assert len(result) == 1000
    assert result[-1] == 1000


def test_array_range_over_1000_items_fails() -> None:
    """Documented limit: more than 1000 items is an IntrinsicFailure."""
    failure("States.ArrayRange(0, 1000, 1)")


def test_array_range_zero_step_fails() -> None:
    """Documented: the step must not be 0."""
    failure("States.ArrayRange(1, 5, 0)")


def test_array_range_string_argument_fails() -> None:
    """Arguments read from the input must be numbers."""
    failure("States.ArrayRange($.a, 5, 1)", {"a": "1"})


def test_array_get_item_recorded() -> None:
    """Recorded (test_array_get_item): index 5 of [1..9] is 6."""
    data = {"fst": [1, 2, 3, 4, 5, 6, 7, 8, 9], "snd": 5}
    assert run("States.ArrayGetItem($.fst, $.snd)", data) == 6


@pytest.mark.parametrize("index", ["3", "-1", "100"])
def test_array_get_item_out_of_bounds_fails(index: str) -> None:
    """An index outside the array (negative included) is an IntrinsicFailure."""
    failure(f"States.ArrayGetItem($.a, {index})", {"a": [1, 2, 3]})


def test_array_get_item_rounds_index() -> None:
    """A non-integer index is rounded like AWS's other integer arguments (1.5 -> 2)."""
    assert run("States.ArrayGetItem($.a, 1.5)", {"a": ["x", "y", "z"]}) == "z"


def test_array_get_item_of_object_fails() -> None:
    """The first argument must be an array."""
    failure("States.ArrayGetItem($.a, 0)", {"a": {"0": 1}})


def test_array_length_recorded() -> None:
    """Recorded (test_array_unique): a 20-item array with repeats has length 20."""
    array: list[Any] = [None, None, True, True, False, False, 1, 1, 1.1, 0, 0, "HelloWorld", "HelloWorld"]
    array += [[], [], [None], [None], {"a": 1, "b": 2}, {"a": 1, "b": 2}, {"a": 1, "b": 1}]
    assert run("States.ArrayLength($.FunctionInput)", {"FunctionInput": array}) == 20


def test_array_length_of_string_fails() -> None:
    """The argument must be an array."""
    failure("States.ArrayLength($.a)", {"a": "abc"})


def test_array_unique_documented_example() -> None:
    """Documented: [1,2,3,3,3,3,3,3,4] becomes [1,2,3,4]."""
    assert run("States.ArrayUnique($.a)", {"a": [1, 2, 3, 3, 3, 3, 3, 3, 4]}) == [1, 2, 3, 4]


def test_array_unique_keeps_first_occurrences_in_order() -> None:
    """Order is that of first occurrences; equal objects count once whatever their key order."""
    data: dict[str, Any] = {"a": ["b", {"x": 1, "y": 2}, "a", "b", {"y": 2, "x": 1}, None, None, []]}
    assert run("States.ArrayUnique($.a)", data) == ["b", {"x": 1, "y": 2}, "a", None, []]


def test_array_unique_keeps_booleans_apart_from_numbers() -> None:
    """true/1 and false/0 are different values."""
    assert run("States.ArrayUnique($.a)", {"a": [1, True, 0, False, 1, True]}) == [1, True, 0, False]


def test_array_unique_of_non_array_fails() -> None:
    """The argument must be an array."""
    failure("States.ArrayUnique($.a)", {"a": 7})


# --------------------------------------------------------------------------- Base64 and Hash


def test_base64_encode_documented_example() -> None:
    """Documented: 'Data to encode' is RGF0YSB0byBlbmNvZGU=."""
    assert run("States.Base64Encode($.input)", {"input": "Data to encode"}) == "RGF0YSB0byBlbmNvZGU="


def test_base64_encode_recorded_example() -> None:
    """Recorded (BASE_REFERENCE_IN_INTRINSIC_FUNCTION): 'Hello World' is SGVsbG8gV29ybGQ=."""
    assert run("States.Base64Encode('Hello World')") == "SGVsbG8gV29ybGQ="


def test_base64_encode_uses_utf8() -> None:
    """Non-ASCII text is encoded from its UTF-8 bytes ('é' is C3 A9)."""
    assert run("States.Base64Encode('é')") == "w6k="


def test_base64_encode_accepts_10000_characters() -> None:
    """Documented limit: 10,000 characters are allowed."""
    assert len(run("States.Base64Encode($.s)", {"s": "a" * 10_000})) == 13_336


def test_base64_encode_over_10000_characters_fails() -> None:
    """Documented limit: 10,001 characters is an IntrinsicFailure."""
    failure("States.Base64Encode($.s)", {"s": "a" * 10_001})


def test_base64_encode_of_number_fails() -> None:
    """The argument must be a string."""
    failure("States.Base64Encode($.s)", {"s": 12})


def test_base64_decode_recorded_example() -> None:
    """Recorded (BASE_REFERENCE_IN_INTRINSIC_FUNCTION): SGVsbG8gV29ybGQ= is 'Hello World'."""
    assert run("States.Base64Decode($.b)", {"b": "SGVsbG8gV29ybGQ="}) == "Hello World"


def test_base64_decode_to_utf8_text() -> None:
    """Decoded bytes are read as UTF-8."""
    assert run("States.Base64Decode('w6k=')") == "é"


def test_base64_decode_skips_line_breaks() -> None:
    """MIME decoding skips characters outside the Base64 alphabet, such as line breaks."""
    assert run("States.Base64Decode($.b)", {"b": "Zm9v\r\nYmFy"}) == "foobar"


@pytest.mark.parametrize("text", ["abc", "a===", "QQ"])
def test_base64_decode_invalid_fails(text: str) -> None:
    """Text that is not Base64 (bad length or padding) is an IntrinsicFailure."""
    failure("States.Base64Decode($.b)", {"b": text})


def test_base64_decode_over_10000_characters_fails() -> None:
    """Documented limit: more than 10,000 characters is an IntrinsicFailure."""
    failure("States.Base64Decode($.b)", {"b": "QUFB" * 2501})


@pytest.mark.parametrize(
    ("algorithm", "digest"),
    [
        ("MD5", "812f45842bc6d66ee14572ce20db8e86"),
        ("SHA-1", "aaff4a450a104cd177d28d18d74485e8cae074b7"),
        ("SHA-256", "b4a697a057313163aee33cd8d40c66e9f0f177e00cac2de32475ffff6169c3e3"),
        (
            "SHA-384",
            "d28a7d5cf25a74f11a50a18452b75e04bb3d70c9dd0510d6123aa008c756511b87525bdc835ebb27e1fb9e9374a15562",
        ),
        (
            "SHA-512",
            "6ce4adb348546d4f449c4d25aad9a7c9cb711d9e91982d3f0b29ca2f3f47d4ce"
            "2deba23bf2954f0f1d593fc50283731a533d30d425402d4f91316d871303aac4",
        ),
    ],
)
def test_hash_recorded(algorithm: str, digest: str) -> None:
    """Recorded (test_hash): the digest of 'input data' with each algorithm."""
    assert run("States.Hash($.d, $.a)", {"d": "input data", "a": algorithm}) == digest


def test_hash_recorded_sha256() -> None:
    """Recorded (BASE_REFERENCE_IN_INTRINSIC_FUNCTION): SHA-256 of 'Hash this string'."""
    expected = "1cac63f39fd68d8c531f27b807610fb3d50f0fc3f186995767fb6316e7200a3e"
    assert run("States.Hash('Hash this string', 'SHA-256')") == expected


@pytest.mark.parametrize("algorithm", ["SHA256", "sha-256", "CRC32", ""])
def test_hash_unknown_algorithm_fails(algorithm: str) -> None:
    """Only MD5, SHA-1, SHA-256, SHA-384 and SHA-512 (as spelled) are accepted."""
    failure("States.Hash('x', $.a)", {"a": algorithm})


def test_hash_over_10000_characters_fails() -> None:
    """Documented limit: the data has at most 10,000 characters."""
    failure("States.Hash($.d, 'MD5')", {"d": "a" * 10_001})


def test_hash_of_object_fails() -> None:
    """The data must be a string."""
    failure("States.Hash($.d, 'MD5')", {"d": {"a": 1}})


# --------------------------------------------------------------------------- JsonMerge


def test_json_merge_recorded() -> None:
    """Recorded (test_json_merge): shallow merge, the second object's keys win."""
    data = {
        "fst": {"a": {"a1": 1, "a2": 2}, "b": 2, "d": 3},
        "snd": {"a": {"a3": 1, "a4": 2}, "c": 3, "d": 4},
    }
    expected = {"a": {"a3": 1, "a4": 2}, "b": 2, "c": 3, "d": 4}
    assert run("States.JsonMerge($.fst, $.snd, false)", data) == expected


def test_json_merge_does_not_mutate_arguments() -> None:
    """Neither argument changes."""
    data = {"x": {"a": 1, "n": {"k": 1}}, "y": {"a": 2, "n": {"j": 2}}}
    run("States.JsonMerge($.x, $.y, false)", data)
    assert data == {"x": {"a": 1, "n": {"k": 1}}, "y": {"a": 2, "n": {"j": 2}}}


def test_json_merge_deep_mode_fails() -> None:
    """Documented: only the shallow mode exists; true is an IntrinsicFailure."""
    failure("States.JsonMerge($.x, $.y, true)", {"x": {}, "y": {}})


def test_json_merge_deep_flag_from_input_must_be_boolean() -> None:
    """A mode read from the input must be a boolean."""
    failure("States.JsonMerge($.x, $.y, $.m)", {"x": {}, "y": {}, "m": "false"})


def test_json_merge_of_array_fails() -> None:
    """Both arguments must be objects."""
    failure("States.JsonMerge($.x, $.y, false)", {"x": {}, "y": [1]})


# --------------------------------------------------------------------------- math


@pytest.mark.parametrize(
    ("fst", "snd", "total"),
    [
        (-9, 3, -6),
        (1.49, 1.5, 3),
        (1.5, 1.51, 4),
        (-1.49, -1.5, -2),
        (-1.5, -1.51, -3),
        (1.49, 0, 1),
        (1.49, -1.49, 0),
        (1.5, 0, 2),
        (1.51, 0, 2),
        (-1.49, 0, -1),
        (-1.5, 0, -1),
        (-1.51, 0, -2),
        (0.5, 0, 1),
        (2.5, 0, 3),
        (3.5, 0, 4),
        (-0.5, 0.5, 1),
        (-0.5, 0, 0),
        (-2.5, 0, -2),
        (-3.5, 0, -3),
    ],
)
def test_math_add_recorded(fst: float, snd: float, total: int) -> None:
    """Recorded (test_math_add): each argument is rounded half up, then added."""
    assert run("States.MathAdd($.fst, $.snd)", {"fst": fst, "snd": snd}) == total


def test_math_add_result_is_an_integer() -> None:
    """The sum of rounded arguments is an int, not a float."""
    assert type(run("States.MathAdd(1.5, 1.5)")) is int


def test_math_add_documented_example() -> None:
    """Documented: MathAdd(111, -1) is 110."""
    assert run("States.MathAdd($.value1, $.step)", {"value1": 111, "step": -1}) == 110


def test_math_add_at_int32_bounds() -> None:
    """Documented range: -2147483648 and 2147483647 are accepted."""
    assert run("States.MathAdd(-2147483648, 2147483647)") == -1


@pytest.mark.parametrize("value", ["2147483648", "-2147483649"])
def test_math_add_outside_int32_fails(value: str) -> None:
    """Documented range: values outside 32-bit integers are an IntrinsicFailure."""
    failure(f"States.MathAdd({value}, 0)")


@pytest.mark.parametrize("value", ['"1"', "true", "null", "[1]"])
def test_math_add_non_number_fails(value: str) -> None:
    """Arguments read from the input must be numbers (booleans are not)."""
    import json

    failure("States.MathAdd($.v, 1)", {"v": json.loads(value)})


@pytest.mark.parametrize(
    ("number", "rounded"),
    [(0.49999999999999994, 0), (0.5, 1), (-0.5, 0), (-0.51, -1), (2.5, 3), (-2.5, -2), (7.0, 7)],
)
def test_java_round(number: float, rounded: int) -> None:
    """Rounding follows Java's Math.round: halves go up, and 0.49999999999999994 stays 0."""
    assert java_round(number) == rounded


def test_math_random_is_within_start_inclusive_end_exclusive() -> None:
    """Documented: the number is >= start and < end."""
    rng = random.Random(7)
    values = {run("States.MathRandom(1, 4)", rng=rng) for _ in range(200)}
    assert values == {1, 2, 3}


def test_math_random_recorded_ranges() -> None:
    """Recorded argument shapes (decimals, large and negative ranges) give integers in range."""
    for fst, snd in [(12.5, 44.51), (9999, 99999), (-99999, -9999)]:
        value = run("States.MathRandom($.fst, $.snd)", {"fst": fst, "snd": snd})
        assert type(value) is int
        assert java_round(fst) <= value < java_round(snd)


def test_math_random_with_seed_is_reproducible() -> None:
    """The same seed gives the same number, whatever the scope's generator."""
    first = run("States.MathRandom(0, 999, 3)", rng=random.Random(1))
    second = run("States.MathRandom(0, 999, 3)", rng=random.Random(2))
    assert first == second


def test_math_random_with_seed_does_not_consume_scope_rng() -> None:
    """A seeded call leaves the scope's generator untouched."""
    rng = random.Random(5)
    state = rng.getstate()
    run("States.MathRandom(0, 999, 3)", rng=rng)
    assert rng.getstate() == state


def test_math_random_without_seed_uses_scope_rng() -> None:
    """Unseeded calls draw from the scope's generator, so a seeded scope repeats them."""
    first = [run("States.MathRandom(0, 1000000)", rng=random.Random(9)) for _ in range(2)]
    assert first[0] == first[1]


def test_math_random_rounds_bounds() -> None:
    """Non-integer bounds are rounded: (-0.4, 0.6) becomes [0, 1), so the result is 0."""
    assert run("States.MathRandom(-0.4, 0.6)") == 0


@pytest.mark.parametrize(("start", "end"), [(5, 5), (6, 5)])
def test_math_random_empty_range_fails(start: int, end: int) -> None:
    """A start that is not below the end is an IntrinsicFailure."""
    failure(f"States.MathRandom({start}, {end})")


def test_math_random_non_number_fails() -> None:
    """Bounds read from the input must be numbers."""
    failure("States.MathRandom($.a, 10)", {"a": "1"})


# --------------------------------------------------------------------------- StringSplit and UUID


@pytest.mark.parametrize(
    ("text", "delimiter", "pieces"),
    [
        (" ", ",", [" "]),
        (" , ", ",", [" ", " "]),
        (", , ,", ",", [" ", " "]),
        (",,,,", ",", []),
        ("1,2,3,4,5", ",", ["1", "2", "3", "4", "5"]),
        ("This.is+a,test=string", ".+,=", ["This", "is", "a", "test", "string"]),
        ("split on T and \nnew line", "T\n", ["split on ", " and ", "new line"]),
    ],
)
def test_string_split_recorded(text: str, delimiter: str, pieces: list[str]) -> None:
    """Recorded (test_string_split): every delimiter character splits; empty pieces are dropped."""
    assert run("States.StringSplit($.fst, $.snd)", {"fst": text, "snd": delimiter}) == pieces


def test_string_split_recorded_context_object() -> None:
    """Recorded (test_string_split_context_object): newlines stay inside the pieces."""
    text = "Value1,Value2,Value3\nValue4,Value5,Value6\n,,,\ntrue,1,'HelloWorld'\nNull,None,\n   \n"
    expected = [
        "Value1",
        "Value2",
        "Value3\nValue4",
        "Value5",
        "Value6\n",
        "\ntrue",
        "1",
        "'HelloWorld'\nNull",
        "None",
        "\n   \n",
    ]
    context = {"Execution": {"Input": {"FunctionInput": text}}}
    assert run("States.StringSplit($$.Execution.Input.FunctionInput, ',')", context=context) == expected


def test_string_split_regex_characters_are_plain() -> None:
    """Delimiters such as ] ^ - \\ are plain characters."""
    assert run("States.StringSplit($.s, $.d)", {"s": "a]b^c-d\\e", "d": "]^-\\"}) == ["a", "b", "c", "d", "e"]


def test_string_split_empty_string() -> None:
    """An empty string has no pieces."""
    assert run("States.StringSplit('', ',')") == []


def test_string_split_of_number_fails() -> None:
    """The string must be a string."""
    failure("States.StringSplit($.s, ',')", {"s": 123})


def test_uuid_is_version_4() -> None:
    """States.UUID() gives a lowercase version 4 UUID."""
    assert UUID4.match(run("States.UUID()"))


def test_uuid_comes_from_scope_rng() -> None:
    """The same scope seed gives the same UUID; successive calls differ."""
    assert run("States.UUID()", rng=random.Random(3)) == run("States.UUID()", rng=random.Random(3))
    rng = random.Random(3)
    assert run("States.UUID()", rng=rng) != run("States.UUID()", rng=rng)
