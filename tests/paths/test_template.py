"""Payload templates: `key.$` members resolved from paths and intrinsics, literals copied."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from asl.paths import FieldPathNotFound, PathNotFound, PathSyntaxError, Scope, compile_template

SCOPE = Scope(context={"Execution": {"Id": "arn:exec"}}, variables={"count": 3})
DATA: dict[str, Any] = {"a": {"b": 1}, "list": [1, 2, 3], "items": [{"x": 1}, {"x": 2}]}


def render(template: Any, data: Any = DATA, scope: Scope = SCOPE) -> Any:
    return compile_template(template).evaluate(data, scope)


def syntax_error(template: Any) -> PathSyntaxError:
    with pytest.raises(PathSyntaxError) as info:
        compile_template(template)
    return info.value


def test_path_member_drops_the_suffix() -> None:
    """`"value.$": "$.a.b"` becomes `"value": 1`."""
    assert render({"value.$": "$.a.b"}) == {"value": 1}


def test_literal_members_are_kept() -> None:
    """Members without `.$` are copied as written."""
    assert render({"flagged": True, "n": None, "s": "$.a"}) == {"flagged": True, "n": None, "s": "$.a"}


def test_spec_example() -> None:
    """The States Language spec example: a definite and an indefinite path."""
    template = {"flagged": True, "parts": {"first.$": "$.vals[0]", "last3.$": "$.vals[3:]"}}
    data = {"flagged": 7, "vals": [0, 10, 20, 30, 40, 50]}
    assert render(template, data) == {"flagged": True, "parts": {"first": 0, "last3": [30, 40, 50]}}


def test_dynamic_member_at_depth() -> None:
    """A `.$` member deep inside objects is resolved."""
    assert render({"x": {"y": {"z.$": "$.list[1]"}}}) == {"x": {"y": {"z": 2}}}


def test_dynamic_member_inside_a_list() -> None:
    """Objects inside arrays are templates too."""
    assert render({"l": [1, {"v.$": "$.a"}, "s"]}) == {"l": [1, {"v": {"b": 1}}, "s"]}


def test_context_and_variable_paths() -> None:
    """`$$` reads the context object and `$name` a variable."""
    assert render({"id.$": "$$.Execution.Id", "n.$": "$count"}) == {"id": "arn:exec", "n": 3}


def test_whole_input() -> None:
    """`"all.$": "$"` is the whole input."""
    assert render({"all.$": "$"}) == {"all": DATA}


def test_indefinite_path_gives_a_list() -> None:
    """A wildcard path yields a list, empty when nothing matches (recorded on AWS)."""
    assert render({"xs.$": "$.items[*].x", "none.$": "$.items[*].y"}) == {"xs": [1, 2], "none": []}


def test_intrinsic_member() -> None:
    """An intrinsic function call is evaluated."""
    assert render({"s.$": "States.Format('n={}', $.a.b)"}) == {"s": "n=1"}


def test_non_object_literal_template() -> None:
    """A template that is a plain value is returned as is."""
    assert render("$.a") == "$.a"


def test_key_order_is_kept() -> None:
    """Members come out in the template's order."""
    assert list(render({"z": 1, "y.$": "$.a", "x": 2})) == ["z", "y", "x"]


def test_each_evaluation_builds_fresh_containers() -> None:
    """Two evaluations share no template-built container, literal ones included."""
    compiled = compile_template({"lit": {"k": [1, {"m": 2}]}, "v.$": "$.a"})
    first, second = compiled.evaluate(DATA, SCOPE), compiled.evaluate(DATA, SCOPE)
    assert first == second
    assert first is not second
    assert first["lit"] is not second["lit"]
    assert first["lit"]["k"] is not second["lit"]["k"]
    assert first["lit"]["k"][1] is not second["lit"]["k"][1]


def test_fully_literal_template_is_copied() -> None:
    """A template with no `.$` member still returns a new object each time."""
    template = {"a": {"b": [1, 2]}}
    compiled = compile_template(template)
    result = compiled.evaluate(DATA, SCOPE)
    result["a"]["b"].append(3)
    assert compiled.evaluate(DATA, SCOPE) == {"a": {"b": [1, 2]}}
    assert template == {"a": {"b": [1, 2]}}


def test_path_values_are_the_inputs_objects() -> None:
    """Values read by paths are shared with the input, not copied."""
    assert render({"v.$": "$.a"})["v"] is DATA["a"]


def test_input_is_not_mutated() -> None:
    """Evaluating never changes the input."""
    before = copy.deepcopy(DATA)
    render({"v.$": "$.a", "w.$": "$.items[?(@.x > 1)]", "l": [{"q.$": "$"}]})
    assert before == DATA


def test_missing_path_raises_field_path_not_found() -> None:
    """A definite path that matches nothing names the field and the path."""
    with pytest.raises(FieldPathNotFound) as info:
        render({"value.$": "$.no_such_jsonpath"}, {"in": 1})
    error = info.value
    assert (error.field, error.path) == ("value.$", "$.no_such_jsonpath")
    assert error.detail == "No results for path: $['no_such_jsonpath']"
    assert isinstance(error, PathNotFound)


def test_missing_path_in_nested_member_names_its_own_key() -> None:
    """The field is the innermost key, as AWS reports it."""
    with pytest.raises(FieldPathNotFound) as info:
        render({"outer": [{"inner.$": "$.nope"}]})
    assert info.value.field == "inner.$"


def test_missing_path_inside_an_intrinsic_names_the_field() -> None:
    """A path argument of an intrinsic that matches nothing is reported for its field."""
    with pytest.raises(FieldPathNotFound) as info:
        render({"s.$": "States.Format('{}', $.nope)"})
    assert (info.value.field, info.value.path) == ("s.$", "$.nope")


def test_missing_variable_names_the_field() -> None:
    """An unknown variable is reported for its field."""
    with pytest.raises(FieldPathNotFound) as info:
        render({"v.$": "$unknown"})
    assert info.value.field == "v.$"


def test_non_string_dynamic_value_is_rejected() -> None:
    """A `.$` member must hold a string."""
    error = syntax_error({"a": {"b.$": 5}})
    assert "'b.$'" in str(error)
    assert error.key_path == ["a", "b.$"]  # type: ignore[attr-defined]


def test_plain_string_dynamic_value_is_rejected() -> None:
    """A `.$` member must hold a path or an intrinsic call (AWS's wording)."""
    error = syntax_error({"l": [{"x.$": "nope"}]})
    assert str(error).startswith(
        "The value for the field 'x.$' must be a valid JSONPath or a valid intrinsic function call"
    )
    assert error.key_path == ["l", 0, "x.$"]  # type: ignore[attr-defined]


def test_bad_path_is_rejected_with_its_location() -> None:
    """A malformed path is a compile error located at its key."""
    error = syntax_error({"p": {"x.$": "$.a["}})
    assert error.key_path == ["p", "x.$"]  # type: ignore[attr-defined]


def test_bad_intrinsic_is_rejected_with_its_location() -> None:
    """A malformed intrinsic call is a compile error located at its key."""
    error = syntax_error({"x.$": "States.NoSuchFunction()"})
    assert error.key_path == ["x.$"]  # type: ignore[attr-defined]


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=4),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=3), inner, max_size=3),
    max_leaves=15,
)


def without_dynamic_keys(value: Any) -> bool:
    if isinstance(value, dict):
        return all(not key.endswith(".$") and without_dynamic_keys(v) for key, v in value.items())
    if isinstance(value, list):
        return all(without_dynamic_keys(item) for item in value)
    return True


@given(JSON.filter(without_dynamic_keys))
def test_literal_template_renders_itself(template: Any) -> None:
    """A template with no `.$` member evaluates to an equal value and is left unchanged."""
    before = copy.deepcopy(template)
    assert compile_template(template).evaluate({}, SCOPE) == before
    assert template == before
