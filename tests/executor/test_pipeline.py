"""The JSONPath I/O pipeline: InputPath -> Parameters -> task -> ResultSelector -> ResultPath -> OutputPath.

Expectations follow the AWS developer guide ("Processing input and output in Step
Functions") and the recorded cases under /work/shared/conformance/cases.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ._helpers import Scripted, chain, fail, prefix, run, single, task

# -- the order of the phases --------------------------------------------------------------


def _full_pipeline() -> dict[str, Any]:
    return single(
        task(
            InputPath="$.a",
            Parameters={"px.$": "$.x", "const": "c"},
            ResultSelector={"sel.$": "$.r"},
            ResultPath="$.res",
            OutputPath="$.res",
        )
    )


INPUT = {"a": {"x": 1, "y": 2}, "keep": "k"}


def test_task_payload_is_parameters_applied_to_inputpath_output() -> None:
    """The resolver receives Parameters evaluated against the InputPath-selected input."""
    resolver = Scripted({"r": 11, "noise": 0})
    run(_full_pipeline(), INPUT, resolvers={"S": resolver})
    assert resolver.payloads == [{"px": 1, "const": "c"}]


def test_output_is_resultselector_then_resultpath_then_outputpath() -> None:
    """ResultSelector shapes the result, ResultPath places it, OutputPath picks from the combination."""
    out = run(_full_pipeline(), INPUT, resolvers={"S": Scripted({"r": 11, "noise": 0})})
    assert out == {"sel": 11}


def test_resultpath_merges_into_raw_input_not_inputpath_output() -> None:
    """ResultPath writes into the state's raw input, not into what InputPath selected."""
    definition = single(task(InputPath="$.a", ResultPath="$.res"))
    out = run(definition, INPUT, resolvers={"S": Scripted("R")})
    assert out == {"a": {"x": 1, "y": 2}, "keep": "k", "res": "R"}


def test_resultselector_sees_only_the_result() -> None:
    """ResultSelector's paths are evaluated against the task result, not the state input."""
    definition = single(task(ResultSelector={"v.$": "$.inResult"}, ResultPath="$.out"))
    out = run(definition, {"inResult": "from-input"}, resolvers={"S": Scripted({"inResult": "from-result"})})
    assert out == {"inResult": "from-input", "out": {"v": "from-result"}}


# -- InputPath / OutputPath null ----------------------------------------------------------


def test_inputpath_null_gives_empty_object_to_parameters() -> None:
    """InputPath: null makes the effective input {} (recorded: test_state_pass_result_null_input_output_paths)."""
    definition = single({"Type": "Pass", "InputPath": None, "Parameters": {"in.$": "$"}})
    assert run(definition, {"InputValue": 0}) == {"in": {}}


def test_inputpath_null_gives_empty_object_to_task() -> None:
    """A Task with InputPath: null sends {} to its resolver."""
    resolver = Scripted("ok")
    run(single(task(InputPath=None)), {"secret": 1}, resolvers={"S": resolver})
    assert resolver.payloads == [{}]


def test_outputpath_null_gives_empty_object() -> None:
    """OutputPath: null makes the state output {}."""
    definition = single({"Type": "Pass", "OutputPath": None})
    assert run(definition, {"InputValue": 0}) == {}


def test_recorded_null_input_and_output_paths_chain() -> None:
    """The recorded chain with InputPath: null and OutputPath: null ends with {}."""
    definition = chain(
        ("State0", {"Type": "Pass", "Parameters": {"Arg1": "argument1", "FromInput.$": "$"}}),
        ("State1", {"Type": "Pass", "InputPath": None, "Parameters": {"Arg2": "argument2", "FromInput.$": "$"}}),
        ("State2", {"Type": "Pass", "OutputPath": None}),
    )
    assert run(definition, {"InputValue": 0}) == {}


# -- ResultPath ---------------------------------------------------------------------------


def test_resultpath_null_discards_result() -> None:
    """ResultPath: null keeps the state input as the output and drops the result."""
    definition = single(task(ResultPath=None))
    assert run(definition, {"orig": True}, resolvers={"S": Scripted({"r": 1})}) == {"orig": True}


def test_resultpath_dollar_replaces_input() -> None:
    """ResultPath: "$" makes the result the whole output."""
    definition = single(task(ResultPath="$"))
    assert run(definition, {"orig": True}, resolvers={"S": Scripted({"r": 1})}) == {"r": 1}


def test_resultpath_default_is_dollar() -> None:
    """Without ResultPath the result replaces the input."""
    assert run(single(task()), {"orig": True}, resolvers={"S": Scripted([1, 2])}) == [1, 2]


def test_resultpath_creates_missing_intermediates() -> None:
    """ResultPath "$.a.b" creates the object "a" when the input lacks it."""
    definition = single({"Type": "Pass", "Result": "R", "ResultPath": "$.a.b"})
    assert run(definition, {"x": 1}) == {"x": 1, "a": {"b": "R"}}


def test_resultpath_keeps_siblings_of_existing_object() -> None:
    """ResultPath into an existing object adds the field and keeps its other fields."""
    definition = single({"Type": "Pass", "Result": "R", "ResultPath": "$.a.b"})
    assert run(definition, {"a": {"c": 3, "b": "old"}}) == {"a": {"c": 3, "b": "R"}}


@pytest.mark.parametrize("state_input", [[1, 2], "text", 7, True, None], ids=["list", "str", "int", "bool", "null"])
def test_resultpath_on_non_object_input_fails(state_input: Any) -> None:
    """ResultPath "$.a" on an input that is not an object is States.ResultPathMatchFailure."""
    definition = single({"Type": "Pass", "Result": "R", "ResultPath": "$.a"})
    assert fail(definition, state_input).error == "States.ResultPathMatchFailure"


def test_resultpath_match_failure_is_catchable() -> None:
    """States.ResultPathMatchFailure on a Task can be caught by States.ALL."""
    definition = chain(
        ("T", task(ResultPath="$.a", Catch=[{"ErrorEquals": ["States.ALL"], "Next": "H"}], End=True)),
        ("H", {"Type": "Pass", "Parameters": {"caught.$": "$.Error"}}),
    )
    assert run(definition, [1], resolvers={"T": Scripted("R")}) == {"caught": "States.ResultPathMatchFailure"}


# -- payload templates --------------------------------------------------------------------


def test_template_paths_inside_lists_and_nested_objects() -> None:
    """Keys ending in ".$" are evaluated at any depth, inside lists and nested objects."""
    params = {
        "list": [{"v.$": "$.a"}, {"w": {"u.$": "$.b"}}, "plain"],
        "nested": {"deep": {"x.$": "$.a"}},
        "lit": 5,
    }
    definition = single({"Type": "Pass", "Parameters": params})
    expected = {"list": [{"v": 1}, {"w": {"u": "two"}}, "plain"], "nested": {"deep": {"x": 1}}, "lit": 5}
    assert run(definition, {"a": 1, "b": "two"}) == expected


def test_template_reads_context_object() -> None:
    """A "$$" path in a template reads the context object."""
    definition = single({"Type": "Pass", "Parameters": {"name.$": "$$.State.Name"}}, name="Here")
    assert run(definition, {}) == {"name": "Here"}


def test_template_value_without_dollar_suffix_is_literal() -> None:
    """A key without ".$" keeps its string value even when it looks like a path."""
    definition = single({"Type": "Pass", "Parameters": {"p": "$.a"}})
    assert run(definition, {"a": 1}) == {"p": "$.a"}


# -- definite and indefinite paths --------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("$.items[0]", {"k": 0}),
        ("$.items[2].k", 2),
        ("$.items[*].k", [0, 1, 2]),
        ("$.items[1:].k", [1, 2]),
        ("$..k", [0, 1, 2]),
        ("$.items[?(@.k > 0)].k", [1, 2]),
    ],
)
def test_definite_path_gives_value_indefinite_gives_list(path: str, expected: Any) -> None:
    """Names and indexes select one value; *, slices, .. and filters select a list."""
    definition = single({"Type": "Pass", "Parameters": {"v.$": path}})
    assert run(definition, {"items": [{"k": 0}, {"k": 1}, {"k": 2}]}) == {"v": expected}


@pytest.mark.parametrize("path", ["$.items[*]", "$.items[*].itemValue", "$.items[1:]", "$.item.items[:1]"])
def test_indefinite_path_matching_nothing_gives_empty_list(path: str) -> None:
    """An indefinite path with no match gives [] (recorded: test_json_path_array_wildcard_or_slice_with_no_input)."""
    definition = single({"Type": "Pass", "Parameters": {"item.$": path}})
    assert run(definition, {}) == {"item": []}


def test_missing_template_path_cause_empty_input() -> None:
    """A definite template path with no match is States.Runtime with AWS's exact wording."""
    definition = single({"Type": "Pass", "Parameters": {"y.$": "$.x"}}, name="pass")
    err = fail(definition, {})
    assert (err.error, err.cause) == (
        "States.Runtime",
        prefix("pass") + "The JSONPath '$.x' specified for the field 'y.$' could not be found in the input '{}'",
    )


def test_missing_template_path_cause_quotes_input() -> None:
    """The cause quotes the input as JSON (recorded: INVALID_JSONPATH_IN_STRING_EXPR_JSONPATH)."""
    definition = single({"Type": "Pass", "Parameters": {"value.$": "$.no_such_jsonpath"}}, name="pass")
    err = fail(definition, {"int-literal": 0})
    expected = (
        re.escape(
            prefix("pass") + "The JSONPath '$.no_such_jsonpath' specified for the field 'value.$' "
            "could not be found in the input '"
        )
        + r'\{"int-literal": ?0\}'
        + "'"
    )
    assert err.error == "States.Runtime"
    assert re.fullmatch(expected, err.cause or "")


def test_missing_nested_template_path_names_the_leaf_field() -> None:
    """A missing path inside a nested template names the field that holds it."""
    definition = single({"Type": "Pass", "Parameters": {"outer": {"inner.$": "$.x"}}}, name="pass")
    err = fail(definition, {})
    assert err.cause == (
        prefix("pass") + "The JSONPath '$.x' specified for the field 'inner.$' could not be found in the input '{}'"
    )


def test_missing_outputpath_cause() -> None:
    """A missing OutputPath is States.Runtime "No results for path" (recorded: INVALID_JSONPATH_IN_OUTPUTPATH)."""
    definition = single({"Type": "Pass", "OutputPath": "$.NoSuchOutputPath"}, name="pass")
    err = fail(definition, {"int-literal": 0})
    assert (err.error, err.cause) == (
        "States.Runtime",
        prefix("pass") + "Invalid path '$.NoSuchOutputPath' : No results for path: $['NoSuchOutputPath']",
    )


def test_missing_inputpath_cause() -> None:
    """An InputPath with no match is States.Runtime "Invalid path ... No results for path"."""
    definition = single({"Type": "Pass", "InputPath": "$.x"}, name="pass")
    err = fail(definition, {"a": 1})
    assert (err.error, err.cause) == (
        "States.Runtime",
        prefix("pass") + "Invalid path '$.x' : No results for path: $['x']",
    )


def test_missing_intermediate_property_cause() -> None:
    """A path whose first step is missing says "Missing property" (recorded: test_catch_states_runtime)."""
    definition = single(task(OutputPath="$.no.such.result.path"), name="RaiseRuntime")
    err = fail(definition, {}, resolvers={"RaiseRuntime": Scripted({})})
    assert (err.error, err.cause) == (
        "States.Runtime",
        prefix("RaiseRuntime") + "Invalid path '$.no.such.result.path' : Missing property in path $['no']",
    )


# -- Pass Result --------------------------------------------------------------------------


def test_pass_result_is_not_a_template() -> None:
    """A "k.$" key inside a Pass Result stays literal: Result is never evaluated."""
    definition = single({"Type": "Pass", "Result": {"k.$": "$.x", "n": {"m.$": "$$"}}})
    assert run(definition, {"x": 1}) == {"k.$": "$.x", "n": {"m.$": "$$"}}


@pytest.mark.parametrize("result", [0, False, "", None, [], {}], ids=["zero", "false", "empty-str", "null", "[]", "{}"])
def test_falsy_pass_result_is_a_result(result: Any) -> None:
    """A Result of 0, false, "", null, [] or {} replaces the input like any other result."""
    definition = single({"Type": "Pass", "Result": result})
    assert run(definition, {"input": "kept?"}) == result


def test_pass_without_result_passes_parameters_output() -> None:
    """A Pass without Result outputs its effective input (after Parameters)."""
    definition = single({"Type": "Pass", "Parameters": {"a.$": "$.b"}, "ResultPath": "$.p"})
    assert run(definition, {"b": 2}) == {"b": 2, "p": {"a": 2}}


# -- property: the pipeline against an independent reference ------------------------------

_KEYS = st.text(alphabet="abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_", min_size=1, max_size=6)
_SCALARS = st.none() | st.booleans() | st.integers(-(2**53), 2**53) | st.text(max_size=8)
_JSON = st.recursive(
    _SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_KEYS, inner, max_size=4),
    max_leaves=12,
)


@st.composite
def _inputs(draw: st.DrawFn) -> dict[str, Any]:
    extra = draw(st.dictionaries(_KEYS.filter(lambda k: k not in {"a", "b", "res"}), _JSON, max_size=4))
    value: dict[str, Any] = {**extra, "a": draw(_JSON), "b": draw(_JSON)}
    if draw(st.booleans()):
        value["res"] = draw(st.dictionaries(_KEYS, _JSON, max_size=4))
    return value


_PROPERTY_MACHINE = chain(
    (
        "First",
        {
            "Type": "Pass",
            "InputPath": "$.a",
            "Parameters": {"x.$": "$", "k": "lit"},
            "ResultPath": "$.res.inner",
        },
    ),
    (
        "Second",
        {
            "Type": "Pass",
            "InputPath": "$.res",
            "Parameters": {"y.$": "$.inner.x", "b.$": "$$.Execution.Input.b", "state.$": "$$.State.Name"},
            "ResultPath": "$.res.out",
            "OutputPath": "$.res",
        },
    ),
)


def _reference(data: dict[str, Any]) -> Any:
    """What the two Pass states compute, written out by hand from the AWS rules."""
    first_result = {"x": data["a"], "k": "lit"}
    after_first = dict(data)
    after_first["res"] = {**data.get("res", {}), "inner": first_result}
    second_result = {"y": after_first["res"]["inner"]["x"], "b": data["b"], "state": "Second"}
    after_second = dict(after_first)
    after_second["res"] = {**after_first["res"], "out": second_result}
    return after_second["res"]


@settings(max_examples=60, deadline=None)
@given(_inputs())
def test_pass_chain_matches_reference(data: dict[str, Any]) -> None:
    """For random JSON inputs a Pass chain with every pipeline field equals an independent reference."""
    assert run(_PROPERTY_MACHINE, data) == _reference(data)
