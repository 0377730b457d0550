"""JSONata layer: recognising ``{% %}`` strings, evaluation, AWS's functions, errors and bounds."""

from __future__ import annotations

import copy
import hashlib
import random
import re
import uuid
from collections.abc import Iterator
from typing import Any

import pytest

from asl.errors import QUERY_EVALUATION_ERROR, StatesError
from asl.jsonata import (
    JsonataSyntaxError,
    Limits,
    compile_expression,
    compile_value,
    is_expression,
    set_limits,
    unexpected_type_error,
    validate_expression,
)


def run(text: str, data: Any = None, variables: dict[str, Any] | None = None, *, field: str = "Output",
        **kwargs: Any) -> Any:
    """Evaluate one ``{% %}`` string against ``$states.input = data``."""
    states = {"input": data, "context": {"Execution": {"Id": "exec"}}}
    return compile_expression(text).evaluate(states, variables or {}, field=field, **kwargs)


def failure(text: str, data: Any = None, variables: dict[str, Any] | None = None, *,
            field: str = "Output") -> StatesError:
    """The StatesError an evaluation raises."""
    with pytest.raises(StatesError) as info:
        run(text, data, variables, field=field)
    return info.value


@pytest.fixture
def short_limits() -> Iterator[None]:
    """Bound evaluations to a fraction of a second for the duration of a test."""
    previous = set_limits(Limits(timeout_s=0.3, max_depth=1500))
    yield
    set_limits(previous)


# --------------------------------------------------------------------------- recognising


@pytest.mark.parametrize("text", ["{% 1 %}", "{%1%}", "{% $states.input %}", "{%\n$x\n%}"])
def test_delimited_strings_are_expressions(text: str) -> None:
    """A string that starts with '{%' and ends with '%}' is an expression."""
    assert is_expression(text)


@pytest.mark.parametrize("text", [" {% 1 %}", "{% 1 %} ", "{% 1", "1 %}", "$.a", "{%}", "",
                                  "States.Array(1)"], ids=repr)
def test_other_strings_are_literals(text: str) -> None:
    """Whitespace outside the delimiters, or a missing delimiter, makes a literal string."""
    assert not is_expression(text)


@pytest.mark.parametrize("value", [1, None, True, ["{% 1 %}"], {"a": "{% 1 %}"}])
def test_non_strings_are_not_expressions(value: Any) -> None:
    """Only strings can be expressions."""
    assert not is_expression(value)


# --------------------------------------------------------------------------- compiling


def test_expression_text_is_stripped_inner_text() -> None:
    """The text AWS quotes in errors is the part between the delimiters, stripped."""
    assert compile_expression("{%  $fn := function($x){$x}\n %}").text == "$fn := function($x){$x}"


def test_syntax_error_is_a_value_error_with_code() -> None:
    """A malformed expression fails to compile with JSONata's error code."""
    with pytest.raises(JsonataSyntaxError) as info:
        compile_expression("{% 1 + %}")
    assert isinstance(info.value, ValueError)
    assert info.value.code == "S0207"


def test_empty_expression_is_a_syntax_error() -> None:
    """'{% %}' holds no expression."""
    with pytest.raises(JsonataSyntaxError):
        compile_expression("{% %}")


def test_unterminated_comment_is_a_syntax_error() -> None:
    """A parser crash inside jsonata-python still surfaces as a syntax error."""
    with pytest.raises(JsonataSyntaxError):
        compile_expression("{% /* never closed %}")


@pytest.mark.parametrize("text", ["{% $states.input.a ?? 1 %}", "{% $states.input.a ?: 1 %}"])
def test_jsonata_2_1_operators_are_rejected(text: str) -> None:
    """'??' and '?:' arrived in JSONata 2.1; AWS runs 2.0.6, which cannot parse them."""
    with pytest.raises(JsonataSyntaxError) as info:
        compile_expression(text)
    assert info.value.code == "S0211"


def test_compile_value_reports_key_path_of_bad_expression() -> None:
    """The syntax error names where in the value the bad expression sits."""
    with pytest.raises(JsonataSyntaxError) as info:
        compile_value({"a": [1, "{% ( %}"]})
    assert info.value.key_path == ["a", 1]


# --------------------------------------------------------------------------- evaluating


def test_states_input_is_readable() -> None:
    """$states.input is the state's input."""
    assert run("{% $states.input.a.b %}", {"a": {"b": [1, 2]}}) == [1, 2]


def test_states_context_is_readable() -> None:
    """$states.context is the context object."""
    assert run("{% $states.context.Execution.Id %}") == "exec"


def test_variables_are_bound_by_name() -> None:
    """A workflow variable is read as $name."""
    assert run("{% $price * $qty %}", variables={"price": 3, "qty": 4}) == 12


def test_null_variable_is_null_not_undefined() -> None:
    """A variable holding null compares equal to null instead of being undefined."""
    assert run("{% $x = null %}", variables={"x": None}) is True


def test_null_result_is_returned_as_none() -> None:
    """A null result is JSON null, not an error."""
    assert run("{% $states.input.a %}", {"a": None}) is None


def test_integral_arithmetic_gives_int() -> None:
    """4 / 2 is the JSON number 2, written without a fraction."""
    result = run("{% $states.input.a / 2 %}", {"a": 4})
    assert result == 2
    assert type(result) is int


def test_sequence_results_are_plain_lists() -> None:
    """jsonata-python's sequence type does not leak out."""
    result = run("{% $states.input.items.v %}", {"items": [{"v": 1}, {"v": 2}]})
    assert type(result) is list
    assert result == [1, 2]


def test_range_operator_result_is_a_plain_list() -> None:
    """A lazily built range becomes a real list."""
    result = run("{% [1..3] %}")
    assert type(result) is list
    assert result == [1, 2, 3]


def test_object_with_undefined_member_drops_it() -> None:
    """A key whose value is undefined is left out, as in JSONata."""
    assert run("{% {'a': $states.input.missing, 'b': 1} %}", {}) == {"b": 1}


def test_recorded_regex_expression() -> None:
    """$contains with a regex literal works (recorded: true)."""
    assert run("{% $contains('hello$world', /^hello\\$/) %}") is True


def test_recorded_merge_expression() -> None:
    """$merge of two input objects (recorded case)."""
    data = {"part1": {"hello": "world"}, "part2": {"foo": "bar"}}
    expected = {"hello": "world", "foo": "bar"}
    assert run("{% $merge([$states.input.part1, $states.input.part2]) %}", data) == expected


# --------------------------------------------------------------------------- errors


def test_undefined_result_wording() -> None:
    """An undefined result fails with AWS's recorded wording and the field path."""
    error = failure("{% $doesNotExist %}", field="Output/result")
    assert error.error == QUERY_EVALUATION_ERROR
    assert error.cause == ("The JSONata expression '$doesNotExist' specified for the field 'Output/result' "
                           "returned nothing (undefined).")


def test_missing_input_field_is_undefined() -> None:
    """A path to a missing key is undefined, hence an error."""
    error = failure("{% $states.input.nope %}", {"a": 1})
    assert error.cause is not None
    assert error.cause.endswith("returned nothing (undefined).")


def test_unknown_function_wording() -> None:
    """Calling an unbound name is T1006, worded as recorded on AWS."""
    error = failure("{% $randomSeeded($states.input.FunctionInput.fst) %}", {"FunctionInput": "fst"},
                    field="Output/FunctionResult")
    assert error.cause == (
        "The JSONata expression '$randomSeeded($states.input.FunctionInput.fst)' specified for the field "
        "'Output/FunctionResult' threw an error during evaluation. T1006: Attempted to invoke a non-function")


def test_eval_is_unavailable() -> None:
    """$eval does not exist on AWS: calling it is T1006."""
    error = failure("{% $eval('1 + 1') %}")
    assert error.cause is not None
    assert error.cause.endswith("threw an error during evaluation. T1006: Attempted to invoke a non-function")


def test_function_result_is_unsupported() -> None:
    """A function is not JSON: AWS's recorded wording."""
    error = failure("{% $fn := function($x){$x} %}", field="Items")
    assert error.cause == ("The JSONata expression '$fn := function($x){$x}' specified for the field 'Items' "
                           "returned an unsupported result type.")


def test_nested_function_result_is_unsupported() -> None:
    """A function inside an object is not JSON either."""
    assert "unsupported result type" in str(failure("{% {'f': function(){1}} %}").cause)


def test_operator_error_quotes_token_as_javascript_does() -> None:
    """Messages fill {{token}} with JSON text, as JSONata 2.0.6 (JavaScript) does."""
    error = failure("{% 'a' + 1 %}")
    assert error.cause is not None
    assert error.cause.endswith("T2001: The left side of the \"+\" operator must evaluate to a number")


def test_signature_error_names_function() -> None:
    """Signature mismatches read 'function', not jsonata-python's 'Object'."""
    error = failure("{% $hash(1, 'MD5') %}")
    assert error.cause is not None
    assert error.cause.endswith('T0410: Argument 1 of function "hash" does not match function signature')


def test_unexpected_type_error_wording() -> None:
    """The helper for type checks words the error as AWS does for Map Items."""
    error = unexpected_type_error("$ItemsVar", "Items", "array", {"foo": "bar"})
    assert error.cause == ("The JSONata expression '$ItemsVar' specified for the field 'Items' returned an "
                           "unexpected result type. Expected 'array', but was 'object' for value: "
                           '{"foo":"bar"}')


# --------------------------------------------------------------------------- AWS's functions


def test_partition_keeps_remainder_in_last_chunk() -> None:
    """$partition cuts into chunks of the size; the last chunk holds what is left."""
    assert run("{% $partition([1, 2, 3, 4, 5], 2) %}") == [[1, 2], [3, 4], [5]]


def test_partition_single_chunk_stays_nested() -> None:
    """One chunk is still an array of arrays (recorded: [[0]])."""
    assert run("{% $partition([0], 1) %}") == [[0]]


def test_partition_of_empty_array_is_empty() -> None:
    """No items, no chunks."""
    assert run("{% $partition([], 3) %}") == []


def test_partition_rejects_zero_size() -> None:
    """A chunk size below 1 is an evaluation error."""
    assert "threw an error during evaluation" in str(failure("{% $partition([1], 0) %}").cause)


def test_range_includes_end() -> None:
    """$range(0, 9, 3) ends with 9 (recorded)."""
    assert run("{% $range(0, 9, 3) %}") == [0, 3, 6, 9]


def test_range_stops_before_passing_end() -> None:
    """$range(0, 10, 3) ends with 9 (recorded)."""
    assert run("{% $range(0, 10, 3) %}") == [0, 3, 6, 9]


def test_range_single_value_is_unwrapped() -> None:
    """A one-value range is that value, as a JSONata sequence (recorded: 1)."""
    assert run("{% $range(1, 9, 9) %}") == 1


def test_range_counts_down_with_negative_step() -> None:
    """A negative step counts down to the end."""
    assert run("{% $range(10, 0, -4) %}") == [10, 6, 2]


def test_range_rejects_zero_step() -> None:
    """A zero step would never end."""
    assert "threw an error during evaluation" in str(failure("{% $range(0, 1, 0) %}").cause)


def test_range_that_cannot_start_is_undefined() -> None:
    """A range going the wrong way is empty, hence undefined."""
    assert "returned nothing (undefined)" in str(failure("{% $range(5, 1, 1) %}").cause)


def test_hash_known_vector() -> None:
    """SHA-256 of 'abc' is the FIPS 180-2 test vector."""
    assert run("{% $hash('abc', 'SHA-256') %}") == (
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")


@pytest.mark.parametrize(("algorithm", "name"), [("MD5", "md5"), ("SHA-1", "sha1"), ("SHA-256", "sha256"),
                                                 ("SHA-384", "sha384"), ("SHA-512", "sha512")])
def test_hash_matches_hashlib(algorithm: str, name: str) -> None:
    """Every algorithm hashes the UTF-8 bytes of the string, whatever its length."""
    text = "Grüße, 世界! " * 500
    expected = hashlib.new(name, text.encode()).hexdigest()
    assert run(f"{{% $hash($states.input, '{algorithm}') %}}", text) == expected


def test_hash_rejects_unknown_algorithm() -> None:
    """Only the five documented algorithms are accepted."""
    assert "threw an error during evaluation" in str(failure("{% $hash('a', 'SHA-3') %}").cause)


def test_random_is_in_unit_interval() -> None:
    """$random() is a number in [0, 1)."""
    assert 0 <= run("{% $random() %}") < 1


def test_random_with_seed_is_reproducible() -> None:
    """The same seed gives the same number."""
    assert run("{% $random(42) %}") == run("{% $random(42) %}")


def test_random_with_different_seeds_differs() -> None:
    """Different seeds give different numbers."""
    assert run("{% $random(1) %}") != run("{% $random(2) %}")


def test_random_without_seed_draws_from_rng() -> None:
    """An injected RNG makes unseeded $random() reproducible."""
    assert run("{% $random() %}", rng=random.Random(7)) == run("{% $random() %}", rng=random.Random(7))


def test_uuid_is_version_4() -> None:
    """$uuid() is a version 4 UUID."""
    value = run("{% $uuid() %}")
    assert re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}", value)
    assert uuid.UUID(value).version == 4


def test_uuid_draws_from_rng() -> None:
    """An injected RNG makes $uuid() reproducible."""
    assert run("{% $uuid() %}", rng=random.Random(3)) == run("{% $uuid() %}", rng=random.Random(3))


@pytest.mark.parametrize(("text", "expected"), [
    ("-0", 0), ("1", 1), ("1.1", 1.1), ("true", True), ('"HelloWorld"', "HelloWorld"),
    ('[1, 2, "HelloWorld"]', [1, 2, "HelloWorld"]), ('{"Arg1": 1, "Arg2": []}', {"Arg1": 1, "Arg2": []}),
])
def test_parse_recorded_values(text: str, expected: Any) -> None:
    """$parse turns JSON text into the value (recorded cases)."""
    assert run("{% $parse($states.input.FunctionInput) %}", {"FunctionInput": text}) == expected


def test_parse_null_is_null() -> None:
    """'null' parses to JSON null, not to undefined."""
    assert run("{% $parse('null') %}") is None


@pytest.mark.parametrize("text", ["nope", "{", "NaN", "[1,]", "[1e999]"])
def test_parse_rejects_invalid_json(text: str) -> None:
    """Text that is not JSON is an evaluation error."""
    assert "threw an error during evaluation" in str(failure("{% $parse($states.input) %}", text).cause)


def test_undefined_argument_gives_undefined() -> None:
    """Like JSONata's own functions, an undefined argument makes the result undefined."""
    assert "returned nothing (undefined)" in str(failure("{% $hash($states.input.nope, 'MD5') %}", {}).cause)


def test_null_for_string_parameter_is_signature_error() -> None:
    """null is not a string: T0410, as JSONata 2.0.6 checks signatures."""
    assert "T0410" in str(failure("{% $hash(null, 'MD5') %}").cause)


def test_partial_application_of_extra_function() -> None:
    """AWS's functions can be partially applied like built-ins."""
    assert run("{% $partition(?, 2)([1, 2, 3]) %}") == [[1, 2], [3]]


def test_now_reports_given_time() -> None:
    """$now() and $millis() read the evaluation's timestamp."""
    assert run("{% [$now(), $millis()] %}", now_ms=86_400_000) == ["1970-01-02T00:00:00.000Z", 86_400_000]


def test_shuffle_draws_from_rng() -> None:
    """$shuffle is reproducible with an injected RNG and keeps the items."""
    first = run("{% $shuffle([1, 2, 3, 4, 5, 6]) %}", rng=random.Random(5))
    assert first == run("{% $shuffle([1, 2, 3, 4, 5, 6]) %}", rng=random.Random(5))
    assert sorted(first) == [1, 2, 3, 4, 5, 6]


# --------------------------------------------------------------------------- compiled values


def test_nested_expressions_are_replaced() -> None:
    """Expressions inside objects and arrays, at any depth, are evaluated."""
    value = compile_value({"a": "{% $states.input.x %}", "b": [1, "{% $y %}", {"c": "{% 1 + 1 %}"}]})
    result = value.evaluate({"input": {"x": "X"}}, {"y": "Y"}, field="Output")
    assert result == {"a": "X", "b": [1, "Y", {"c": 2}]}


@pytest.mark.parametrize("literal", ["$.a", "$states.input", "States.Format('{}', $.a)", "{%", "%}",
                                     " {% 1 %}"])
def test_literal_strings_are_untouched(literal: str) -> None:
    """A string that is not a whole {% %} expression is kept as written."""
    assert compile_value({"k": [literal]}).evaluate({"input": {}}, {}, field="Output") == {"k": [literal]}


def test_literal_only_value_is_literal() -> None:
    """A value without expressions is flagged as literal and evaluates to itself."""
    value = compile_value({"a": [1, {"b": None}]})
    assert value.is_literal
    assert value.evaluate({"input": {}}, {}, field="Output") == {"a": [1, {"b": None}]}


def test_compiled_literal_does_not_alias_definition() -> None:
    """Changing the definition after compiling does not change the compiled value."""
    source: dict[str, Any] = {"a": [1]}
    value = compile_value(source)
    source["a"].append(2)
    assert value.evaluate({"input": {}}, {}, field="Output") == {"a": [1]}


def test_nested_field_name_joins_keys() -> None:
    """An undefined nested expression names its field 'Output/a/b' (recorded style)."""
    value = compile_value({"a": {"b": "{% $doesNotExist %}"}})
    with pytest.raises(StatesError) as info:
        value.evaluate({"input": {}}, {}, field="Output")
    assert "specified for the field 'Output/a/b'" in str(info.value.cause)


def test_field_name_inside_array_uses_index() -> None:
    """An expression inside an array is named by its index (not recorded on AWS; our choice)."""
    value = compile_value([1, "{% $doesNotExist %}"])
    with pytest.raises(StatesError) as info:
        value.evaluate({"input": {}}, {}, field="Items")
    assert "specified for the field 'Items/1'" in str(info.value.cause)


def test_top_level_expression_uses_field_name() -> None:
    """A value that is itself an expression reports the bare field name."""
    with pytest.raises(StatesError) as info:
        compile_value("{% $doesNotExist %}").evaluate({"input": {}}, {}, field="Arguments")
    assert "specified for the field 'Arguments'" in str(info.value.cause)


def test_compiled_value_lists_its_expressions() -> None:
    """Every expression is listed with its key path, for static checks."""
    value = compile_value({"a": "{% $x %}", "b": ["{% $y %}"]})
    assert [(path, expr.text) for path, expr in value.expressions] == [(("a",), "$x"), (("b", 0), "$y")]
    assert value.references() == {"x", "y"}


def test_single_expression_value_exposes_its_text() -> None:
    """A value that is one expression exposes it, so callers can quote it in errors."""
    value = compile_value("{% $ItemsVar %}")
    assert value.text == "$ItemsVar"
    assert value.expression is not None


def test_structured_value_has_no_single_text() -> None:
    """A value with nested expressions is not one expression."""
    value = compile_value(["{% $x %}"])
    assert value.text == ""
    assert value.expression is None


# --------------------------------------------------------------------------- no mutation


@pytest.mark.parametrize("text", [
    "{% $states.input ~> |items|{'changed': true}| %}",
    "{% $sort($states.input.items.n) %}",
    "{% $reverse($states.input.items) %}",
    "{% $shuffle($states.input.items) %}",
    "{% $merge([$states.input, {'x': 1}]) %}",
    "{% $append($v, [9]) %}",
    "{% $states.input %}",
])
def test_evaluation_does_not_mutate_bindings(text: str) -> None:
    """Neither $states nor the variables change, whatever the expression does."""
    data = {"items": [{"n": 3}, {"n": 1}, {"n": 2}]}
    variables = {"v": [1, 2]}
    states = {"input": data, "context": {}}
    before = copy.deepcopy((states, variables))
    compile_expression(text).evaluate(states, variables, field="Output")
    assert (states, variables) == before


# --------------------------------------------------------------------------- bounds


@pytest.mark.usefixtures("short_limits")
def test_endless_tail_recursion_times_out() -> None:
    """A tail-recursive loop that never ends is stopped by the timeout (D1012)."""
    error = failure("{% ($f := function(){ $f() }; $f()) %}")
    assert error.error == QUERY_EVALUATION_ERROR
    assert "D1012" in str(error.cause)


@pytest.mark.usefixtures("short_limits")
def test_deep_recursion_is_bounded() -> None:
    """Unbounded non-tail recursion fails with D1011 instead of crashing."""
    error = failure("{% ($f := function($n){ 1 + $f($n + 1) }; $f(0)) %}")
    assert "D1011" in str(error.cause)


def test_huge_range_operator_is_refused() -> None:
    """A range operator beyond JSONata's limit fails (D2014) instead of exhausting memory."""
    assert "D2014" in str(failure("{% [1..100000000] %}").cause)


@pytest.mark.usefixtures("short_limits")
def test_long_loop_over_large_range_times_out() -> None:
    """Mapping a function over a million items is stopped by the timeout."""
    assert "D1012" in str(failure("{% $map([1..1000000], function($v){ $v * 2 }) %}").cause)


def test_moderate_recursion_still_works() -> None:
    """The bounds leave room for ordinary recursion."""
    assert run("{% ($f := function($n){ $n = 0 ? 0 : 1 + $f($n - 1) }; $f(100)) %}") == 100


# --------------------------------------------------------------------------- static checks


def test_references_lists_free_variables() -> None:
    """Workflow variables read by the expression are listed."""
    assert compile_expression("{% $sum($a.b) + $x %}").references() == {"a", "x"}


def test_references_exclude_locals_functions_and_states() -> None:
    """Local bindings, lambda parameters, built-in functions and $states are not workflow variables."""
    expr = compile_expression("{% ($v := 1; $map($states.input, function($i){ $i + $v + $w })) %}")
    assert expr.references() == {"w"}


def test_states_fields_are_listed() -> None:
    """Which parts of $states are read is exposed."""
    expr = compile_expression("{% [$states.result.Payload, $states.errorOutput, $states.input] %}")
    assert expr.states_fields == {"result", "errorOutput", "input"}


def test_whole_states_object_is_marked() -> None:
    """Reading $states itself is marked with '*'."""
    assert compile_expression("{% $states %}").states_fields == {"*"}


@pytest.mark.parametrize("text", ["{% $states.input.a[$.b = 1] %}", "{% $count($states.result[$ = 1]) %}",
                                  "{% $map($states.input, function($v){ $v.name }) %}",
                                  "{% $states.input{name: value} %}"])
def test_validate_accepts_dollar_inside_paths(text: str) -> None:
    """'$' and field names are fine where a context value exists (predicates, later steps)."""
    assert validate_expression(text) is None


@pytest.mark.parametrize("text", ["{% $ %}", "{% $$ %}", "{% $count($) %}", "{% 1 + $$.a %}"])
def test_validate_rejects_top_level_dollar(text: str) -> None:
    """'$' and '$$' cannot be used at the top level on AWS."""
    assert validate_expression(text) is not None


@pytest.mark.parametrize("text", ["{% foo %}", "{% foo.bar %}", "{% {'a': foo} %}"])
def test_validate_rejects_top_level_field_names(text: str) -> None:
    """Unqualified field names cannot be used at the top level on AWS."""
    assert validate_expression(text) is not None


def test_validate_reports_syntax_errors() -> None:
    """A syntax error is reported, not raised."""
    assert "S0211" in str(validate_expression("{% $x ?? 1 %}"))


def test_validate_accepts_valid_expression() -> None:
    """A valid expression has no problem."""
    assert validate_expression("{% $states.input.value >= 20 and $states.input.value < 30 %}") is None


def test_negating_a_function_names_it_undefined() -> None:
    """'-$f' on a lambda fails with D1002 showing the function as 'undefined' (found by fuzzing: it crashed)."""
    error = failure("{% ($f := function($n){ $n }; -$f) %}")
    assert error.cause.endswith("D1002: Cannot negate a non-numeric value: undefined")


def test_huge_value_in_an_error_message_is_not_written_out() -> None:
    """An error about a value of 100 MB as JSON names its size instead of writing it."""
    error = failure('{% ($s := $pad("", 1000000, "x"); -([1..100].$s)) %}')
    assert error.cause.endswith("D1002: Cannot negate a non-numeric value: (a value of more than 10485760 characters)")
