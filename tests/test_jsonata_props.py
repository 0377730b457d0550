"""Property tests of the JSONata layer over open-ended inputs."""

from __future__ import annotations

import copy
import json
import math
from typing import Any

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from asl.errors import StatesError
from asl.jsonata import compile_expression

_keys = st.sampled_from(["a", "b", "items", "n", "name", "x"])
_numbers = st.integers(-(10**6), 10**6) | st.floats(allow_nan=False, allow_infinity=False)
_scalars = st.none() | st.booleans() | _numbers | st.text(max_size=8)
json_values = st.recursive(
    _scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_keys, inner, max_size=4),
    max_leaves=20,
)

EXPRESSIONS = [
    "{% $states.input.a %}",
    "{% $states.input.a.b %}",
    "{% $states.input.items[0] %}",
    "{% $states.input.items.n %}",
    "{% $count($states.input.items) %}",
    "{% $sum($states.input.items.n) %}",
    "{% $states.input.n + 1 %}",
    "{% $string($states.input) %}",
    "{% $keys($states.input) %}",
    "{% $states.input.a = $v %}",
    "{% $partition($states.input.items, 2) %}",
    "{% $hash($string($states.input), 'SHA-1') %}",
    "{% $states.input ~> |$|{'seen': true}| %}",
    "{% {'copy': $states.input, 'v': $v} %}",
]


@pytest.mark.parametrize("text", EXPRESSIONS)
@settings(max_examples=60, deadline=None)
@given(data=json_values, variable=json_values)
def test_only_states_errors_escape(text: str, data: Any, variable: Any) -> None:
    """Any JSON input gives JSON output or a StatesError, and leaves the bindings unchanged."""
    states = {"input": data, "context": {}}
    variables = {"v": variable}
    before = copy.deepcopy((states, variables))
    try:
        result = compile_expression(text).evaluate(states, variables, field="Output")
    except StatesError as error:
        assert error.error == "States.QueryEvaluationError"
    else:
        json.dumps(result, allow_nan=False)
    assert (states, variables) == before


@pytest.mark.parametrize("text", ["{% $states.input.a %}", "{% $states.input.a.b %}", "{% $v.a %}",
                                  "{% $v %}", "{% $states.input.items %}"])
@settings(max_examples=80, deadline=None)
@given(data=json_values, variable=json_values)
def test_fast_path_agrees_with_jsonata(text: str, data: Any, variable: Any) -> None:
    """Plain paths read without JSONata give exactly what JSONata gives."""
    fast = compile_expression(text)
    slow = attrs.evolve(fast, fast=None)

    def outcome(expr: Any) -> Any:
        try:
            return ("value", expr.evaluate({"input": data}, {"v": variable}, field="Output"))
        except StatesError as error:
            return ("error", error.cause)

    assert outcome(fast) == outcome(slow)


@settings(max_examples=100, deadline=None)
@given(items=st.lists(st.integers(), max_size=30), size=st.integers(1, 12))
def test_partition_chunks_rebuild_the_array(items: list[int], size: int) -> None:
    """Chunks concatenate back to the array; all but the last have exactly the size."""
    expr = compile_expression("{% $partition($states.input.items, $states.input.size) %}")
    chunks = expr.evaluate({"input": {"items": items, "size": size}}, {}, field="Output")
    assert [x for chunk in chunks for x in chunk] == items
    assert all(len(chunk) == size for chunk in chunks[:-1])
    assert all(0 < len(chunk) <= size for chunk in chunks)


@settings(max_examples=100, deadline=None)
@given(start=st.integers(-50, 50), end=st.integers(-50, 50), step=st.integers(-7, 7).filter(bool))
def test_range_matches_inclusive_python_range(start: int, end: int, step: int) -> None:
    """$range(start, end, step) is Python's range with the end included."""
    expected = list(range(start, end + (1 if step > 0 else -1), step))
    expr = compile_expression("{% $range($states.input.s, $states.input.e, $states.input.t) %}")
    try:
        result = expr.evaluate({"input": {"s": start, "e": end, "t": step}}, {}, field="Output")
    except StatesError:
        assert expected == []
    else:
        assert (result if isinstance(result, list) else [result]) == expected


@settings(max_examples=100, deadline=None)
@given(seed=st.integers(-(2**31), 2**31))
def test_seeded_random_is_a_reproducible_fraction(seed: int) -> None:
    """$random(seed) is in [0, 1) and the same for the same seed."""
    expr = compile_expression("{% $random($states.input) %}")
    first = expr.evaluate({"input": seed}, {}, field="Output")
    assert 0 <= first < 1
    assert not math.isnan(first)
    assert expr.evaluate({"input": seed}, {}, field="Output") == first
