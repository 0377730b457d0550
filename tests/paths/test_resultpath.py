"""ResultPath: discard, replace, or place the result into a copy of the input."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from asl.errors import StatesError
from asl.paths import PathSyntaxError, compile_result_path

RESULT = {"r": 1}


def apply(text: str | None, state_input: Any, result: Any = RESULT) -> Any:
    return compile_result_path(text).apply(state_input, result)


def match_failure(text: str, state_input: Any) -> StatesError:
    with pytest.raises(StatesError) as info:
        apply(text, state_input)
    assert info.value.error == "States.ResultPathMatchFailure"
    return info.value


def test_null_discards_the_result() -> None:
    """`null` returns the input itself."""
    state_input = {"a": 1}
    assert apply(None, state_input) is state_input


def test_dollar_replaces_the_input() -> None:
    """`$` returns the result itself."""
    assert apply("$", {"a": 1}) is RESULT


def test_dollar_works_on_any_input() -> None:
    """`$` needs no object input."""
    assert apply("$", "text", 5) == 5


def test_adds_a_member() -> None:
    """`$.taskresult` adds the result beside the input's members (AWS doc example)."""
    state_input = {"comment": "This is a test", "details": "Default example"}
    assert apply("$.taskresult", state_input, "Hello") == {
        "comment": "This is a test",
        "details": "Default example",
        "taskresult": "Hello",
    }


def test_replaces_an_existing_member() -> None:
    """An existing member is overwritten."""
    assert apply("$.a", {"a": 1, "b": 2}) == {"a": RESULT, "b": 2}


def test_nested_existing_object() -> None:
    """`$.strings.lambdaresult` goes inside an existing object (AWS doc example)."""
    state_input = {"comment": "c", "strings": {"string1": "foo"}}
    assert apply("$.strings.lambdaresult", state_input, "r") == {
        "comment": "c",
        "strings": {"string1": "foo", "lambdaresult": "r"},
    }


def test_creates_missing_intermediate_objects() -> None:
    """Missing members along the path are created as objects."""
    assert apply("$.x.y.z", {"a": 1}) == {"a": 1, "x": {"y": {"z": RESULT}}}


def test_bracket_notation() -> None:
    """`$['my key']` is a member name with a blank."""
    assert apply("$['my key']", {}) == {"my key": RESULT}


def test_index_replaces_an_element() -> None:
    """`$.a[1]` replaces an existing element."""
    assert apply("$.a[1]", {"a": [0, 1, 2]}, 9) == {"a": [0, 9, 2]}


def test_index_then_member() -> None:
    """`$.a[0].b` writes into an element object."""
    assert apply("$.a[0].b", {"a": [{"c": 1}]}, 2) == {"a": [{"c": 1, "b": 2}]}


def test_negative_index_replaces_from_the_end() -> None:
    """`$.a[-1]` replaces the last element."""
    assert apply("$.a[-1]", {"a": [0, 1]}, 9) == {"a": [0, 9]}


def test_input_is_not_mutated() -> None:
    """The input keeps its value; the output is a new document."""
    state_input = {"a": {"b": [1, {"c": 2}]}, "d": {"e": 3}}
    before = copy.deepcopy(state_input)
    output = apply("$.a.b[1].c", state_input, 9)
    assert state_input == before
    assert output == {"a": {"b": [1, {"c": 9}]}, "d": {"e": 3}}


def test_unchanged_members_are_shared() -> None:
    """Members off the written path are the input's own objects."""
    state_input = {"a": {"x": 1}, "d": {"e": 3}}
    output = apply("$.a.y", state_input)
    assert output["d"] is state_input["d"]
    assert output["a"] is not state_input["a"]


@pytest.mark.parametrize("state_input", ["text", 5, True, None, [1, 2]])
def test_non_object_input_fails(state_input: Any) -> None:
    """A member cannot be added to a string, number, boolean, null or array."""
    match_failure("$.a", state_input)


def test_scalar_along_the_path_fails() -> None:
    """A member cannot be added under a number."""
    match_failure("$.a.b", {"a": 5})


def test_index_out_of_range_fails() -> None:
    """An index step must name an existing element."""
    match_failure("$.a[3]", {"a": [0]})


def test_index_on_an_object_fails() -> None:
    """An index step needs an array."""
    match_failure("$.a[0]", {"a": {"b": 1}})


def test_index_under_a_missing_member_fails() -> None:
    """A missing array cannot be created."""
    match_failure("$.a[0]", {})


def test_failure_cause_names_the_path_and_input() -> None:
    """The cause quotes the ResultPath and the input as compact JSON."""
    error = match_failure("$.a", [1, 2])
    assert error.cause == 'Unable to apply ResultPath "$.a" to input "[1,2]"'


@pytest.mark.parametrize("text", ["$$.a", "$var.a", "$.a[*]", "$..a", "$.a[0:1]", "a", ""])
def test_compile_rejects(text: str) -> None:
    """Context, variables, indefinite paths and non-paths are not ResultPaths."""
    with pytest.raises(PathSyntaxError):
        compile_result_path(text)


def test_text_is_kept() -> None:
    """The compiled ResultPath remembers its text (None for null)."""
    assert compile_result_path("$.a").text == "$.a"
    assert compile_result_path(None).text is None


JSON = st.recursive(
    st.none() | st.integers() | st.text(max_size=3),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.sampled_from("abc"), inner, max_size=3),
    max_leaves=15,
)
STEPS = st.lists(st.sampled_from(["a", "b", "c", 0, 1, -1]), min_size=1, max_size=4)


def path_of(steps: list[str | int]) -> str:
    return "$" + "".join(f"[{s}]" if isinstance(s, int) else f".{s}" for s in steps)


@given(JSON, STEPS, JSON)
def test_apply_never_mutates_its_input(state_input: Any, steps: list[str | int], result: Any) -> None:
    """Whatever the input, path and result, the input is unchanged afterwards."""
    before = copy.deepcopy(state_input)
    try:
        compile_result_path(path_of(steps)).apply(state_input, result)
    except StatesError as error:
        assert error.error == "States.ResultPathMatchFailure"
    assert state_input == before


@given(st.dictionaries(st.sampled_from("abc"), JSON, max_size=3), STEPS, JSON)
def test_result_can_be_read_back(state_input: Any, steps: list[str | int], result: Any) -> None:
    """After a successful apply, walking the same steps reaches the result itself."""
    try:
        output = compile_result_path(path_of(steps)).apply(state_input, result)
    except StatesError:
        return
    value = output
    for step in steps:
        value = value[step]
    assert value is result
