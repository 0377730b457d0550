"""Memory bounds: no JSONata expression or intrinsic function builds a value past ``max_value_chars``.

AWS publishes no such bound (its JavaScript engine has its own string and array limits); ours,
``asl.limits.Limits.max_value_chars``, defaults to 10 MiB of JSON text, the most an execution
may keep in all its variables. Each test measures the peak memory with tracemalloc: a value
the size of the text would need gigabytes, so a small peak shows the check came first.
"""

from __future__ import annotations

import json
import tracemalloc
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import asl
from asl.execution import Execution
from asl.limits import Limits, json_chars_exceed
from asl.testing import VirtualClock

MIB = 1024 * 1024
#: A peak well under what any of the refused values would need (hundreds of MiB to terabytes).
PEAK_BOUND = 64 * MIB
TOO_LARGE = "larger than 10485760 characters"


@pytest.fixture
def peak() -> Iterator[Callable[[], int]]:
    """Trace allocations for the test; the fixture's value reads the peak so far, in bytes."""
    tracemalloc.start()
    try:
        yield lambda: tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def jsonata(expression: str, input: Any = None, limits: Limits | None = None) -> Execution:
    """Run one JSONata Pass state whose Output is ``expression``."""
    definition = {
        "QueryLanguage": "JSONata",
        "StartAt": "P",
        "States": {"P": {"Type": "Pass", "Output": expression, "End": True}},
    }
    return asl.start(definition, {} if input is None else input, limits=limits, clock=VirtualClock())


def intrinsic(call: str, input: Any, limits: Limits | None = None) -> Execution:
    """Run one JSONPath Pass state whose Parameters field ``r`` is the intrinsic ``call``."""
    definition = {
        "StartAt": "P",
        "States": {"P": {"Type": "Pass", "Parameters": {"r.$": call}, "End": True}},
    }
    return asl.start(definition, input, limits=limits, clock=VirtualClock())


def failed_too_large(execution: Execution, error: str) -> bool:
    """Whether the execution failed with ``error`` because a value was too large."""
    return execution.status == "FAILED" and execution.error == error and TOO_LARGE in (execution.cause or "")


# -- the Limits field ---------------------------------------------------------------------------


def test_default_is_ten_mebibytes() -> None:
    """max_value_chars defaults to 10 MiB (10,485,760), AWS's bound on all variables of an execution."""
    assert Limits().max_value_chars == 10_485_760


@pytest.mark.parametrize("value", [0, -1, None, True])
def test_max_value_chars_must_be_positive(value: Any) -> None:
    """max_value_chars takes a positive number only (it cannot be lifted)."""
    with pytest.raises(ValueError, match="max_value_chars"):
        Limits(max_value_chars=value)


# -- JSONata ------------------------------------------------------------------------------------


def test_pad_to_a_billion_is_refused_before_padding(peak: Callable[[], int]) -> None:
    """$pad("", 1000000000) fails with States.QueryEvaluationError, never allocating the string."""
    execution = jsonata('{% $pad("", 1000000000) %}')
    assert failed_too_large(execution, "States.QueryEvaluationError")
    assert peak() < PEAK_BOUND


def test_pad_to_the_left_is_bounded_too() -> None:
    """A negative width pads on the left; its size is bounded the same way."""
    assert failed_too_large(jsonata('{% $pad("x", -20000000, "ab") %}'), "States.QueryEvaluationError")


def test_pad_within_the_bound_works() -> None:
    """$pad to 1,000 characters is an ordinary result."""
    assert jsonata('{% $length($pad("", 1000, "-")) %}').output == 1000


def test_join_of_one_string_many_times_is_refused(peak: Callable[[], int]) -> None:
    """$join of a list holding one 1 MB string 100 times (100 MB) fails before joining."""
    execution = jsonata('{% ($s := $pad("", 1000000, "x"); $join([1..100].$s)) %}')
    assert failed_too_large(execution, "States.QueryEvaluationError")
    assert peak() < PEAK_BOUND


def test_join_with_a_huge_separator_is_refused(peak: Callable[[], int]) -> None:
    """A 1 MB separator between 100 items (100 MB) fails before joining."""
    execution = jsonata('{% $join([1..100].$string(), $pad("", 1000000, ",")) %}')
    assert failed_too_large(execution, "States.QueryEvaluationError")
    assert peak() < PEAK_BOUND


def test_string_of_shared_parts_is_refused(peak: Callable[[], int]) -> None:
    """$string of one 1 MB string repeated 1,000 times (1 GB of JSON) fails before writing it."""
    execution = jsonata('{% ($s := $pad("", 1000000, "x"); $string([1..1000].$s)) %}')
    assert failed_too_large(execution, "States.QueryEvaluationError")
    assert peak() < PEAK_BOUND


def test_concatenating_shared_parts_is_refused(peak: Callable[[], int]) -> None:
    """'&' writes a non-string operand as JSON: the same check applies before writing."""
    execution = jsonata('{% ($s := $pad("", 1000000, "x"); "" & [1..1000].$s) %}')
    assert failed_too_large(execution, "States.QueryEvaluationError")
    assert peak() < PEAK_BOUND


def test_doubling_a_string_stops_at_the_bound(peak: Callable[[], int]) -> None:
    """A loop doubling a string with '&' fails once it passes the bound, not at 2^40 characters."""
    execution = jsonata('{% $reduce([1..40], function($acc, $i) { $acc & $acc }, "x") %}')
    assert failed_too_large(execution, "States.QueryEvaluationError")
    assert peak() < PEAK_BOUND


def test_replace_with_plain_pattern_is_refused_before_replacing(peak: Callable[[], int]) -> None:
    """Replacing each of 1,000,000 'x' by 100 characters (100 MB) fails before replacing."""
    execution = jsonata(
        '{% ($s := $pad("", 1000000, "x"); $replace($s, "x", $pad("", 100, "y"))) %}'
    )
    assert failed_too_large(execution, "States.QueryEvaluationError")
    assert peak() < PEAK_BOUND


def test_replace_with_regex_is_bounded(peak: Callable[[], int]) -> None:
    """With a regular expression the result is counted as it is built and refused past the bound."""
    execution = jsonata('{% $replace($states.input.s, /x/, $pad("", 1000000, "y")) %}', {"s": "x" * 100})
    assert failed_too_large(execution, "States.QueryEvaluationError")
    assert peak() < PEAK_BOUND


def test_split_into_too_many_pieces_is_refused(peak: Callable[[], int]) -> None:
    """$split of a 6,000,000-character string into characters (24 MB of JSON) fails before splitting."""
    execution = jsonata('{% $count($split($pad("", 6000000, "x"), "")) %}')
    assert failed_too_large(execution, "States.QueryEvaluationError")
    assert peak() < PEAK_BOUND


def test_range_operator_past_the_bound_is_refused() -> None:
    """[1..9000000] is under JSONata's own 1e7 cap but its JSON (18 MB) is over ours."""
    assert failed_too_large(jsonata("{% $count([1..9000000]) %}"), "States.QueryEvaluationError")


def test_range_function_past_the_bound_is_refused() -> None:
    """AWS's $range function is bounded like the range operator."""
    assert failed_too_large(jsonata("{% $count($range(1, 9000000, 1)) %}"), "States.QueryEvaluationError")


def test_range_within_the_bound_works() -> None:
    """A range of 100,000 items is an ordinary value."""
    assert jsonata("{% $count([1..100000]) %}").output == 100_000


def test_bound_comes_from_limits() -> None:
    """With max_value_chars=1000, a 2,000-character $pad fails and the cause names the bound."""
    execution = jsonata('{% $pad("", 2000) %}', limits=Limits(max_value_chars=1000))
    assert execution.error == "States.QueryEvaluationError"
    assert "larger than 1000 characters" in (execution.cause or "")


def test_value_at_the_bound_is_accepted() -> None:
    """A string of exactly max_value_chars characters is allowed."""
    execution = jsonata('{% $length($pad("", 1000)) %}', limits=Limits(max_value_chars=1000))
    assert execution.output == 1000


def test_too_large_is_caught_by_states_all() -> None:
    """The failure is an ordinary States.QueryEvaluationError: a Catch on States.ALL handles it."""
    definition = {
        "QueryLanguage": "JSONata",
        "StartAt": "Branch",
        "States": {
            "Branch": {
                "Type": "Parallel",
                "Branches": [
                    {
                        "StartAt": "P",
                        "States": {"P": {"Type": "Pass", "Output": '{% $pad("", 1000000000) %}', "End": True}},
                    }
                ],
                "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Done"}],
                "End": True,
            },
            "Done": {"Type": "Succeed"},
        },
    }
    assert asl.start(definition, {}, clock=VirtualClock()).status == "SUCCEEDED"


# -- intrinsic functions ------------------------------------------------------------------------


def test_format_of_shared_parts_is_refused(peak: Callable[[], int]) -> None:
    """States.Format with one 200,000-character value 100 times (20 MB) fails with States.IntrinsicFailure."""
    call = "States.Format('" + "{}" * 100 + "'" + ", $.s" * 100 + ")"
    execution = intrinsic(call, {"s": "x" * 200_000})
    assert failed_too_large(execution, "States.IntrinsicFailure")
    assert peak() < PEAK_BOUND


def test_json_to_string_of_shared_parts_is_refused(peak: Callable[[], int]) -> None:
    """States.JsonToString of an input list holding one 200,000-character string 100 times fails before writing."""
    unbounded_input = Limits(max_payload_bytes=None)
    execution = intrinsic("States.JsonToString($.a)", {"a": ["x" * 200_000] * 100}, limits=unbounded_input)
    assert failed_too_large(execution, "States.IntrinsicFailure")
    assert peak() < PEAK_BOUND


def test_array_of_shared_parts_is_refused() -> None:
    """States.Array of one 200,000-character string 100 times (20 MB as JSON) fails with States.IntrinsicFailure."""
    call = "States.Array(" + ", ".join(["$.s"] * 100) + ")"
    assert failed_too_large(intrinsic(call, {"s": "x" * 200_000}), "States.IntrinsicFailure")


def test_format_within_the_bound_works() -> None:
    """An ordinary States.Format is unchanged."""
    assert intrinsic("States.Format('Hello, {}!', $.name)", {"name": "World"}).output == {"r": "Hello, World!"}


# -- the measure --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "chars"),
    [
        ("abc", 5),
        ([], 2),
        ({}, 2),
        ([1, "ab", None, True, False], 24),  # [1,"ab",null,true,false]
        ({"k": [1, 2]}, 11),  # {"k":[1,2]}
        ([[1], [1]], 9),  # [[1],[1]]
    ],
)
def test_json_chars_counts_compact_json(value: Any, chars: int) -> None:
    """json_chars_exceed(value, n) is false at the length of the compact JSON text and true just under it."""
    assert (json_chars_exceed(value, chars), json_chars_exceed(value, chars - 1)) == (False, True)


def test_json_chars_counts_indentation() -> None:
    """With indent=2, '[\\n  1\\n]' is 7 characters."""
    assert (json_chars_exceed([1], 7, indent=2), json_chars_exceed([1], 6, indent=2)) == (False, True)


def test_json_chars_counts_a_shared_part_each_time(peak: Callable[[], int]) -> None:
    """A list holding one 1,000-character list 100,000 times, 10,000 times over, passes a 1 GB bound, found cheaply."""
    inner = ["x" * 1000]
    shared = [inner] * 100_000
    assert json_chars_exceed([shared] * 10_000, 10**9)
    assert peak() < PEAK_BOUND


def test_json_chars_handles_any_depth() -> None:
    """[] wrapped in 100,000 lists (200,002 brackets) is measured exactly, without recursion."""
    deep: Any = []
    for _ in range(100_000):
        deep = [deep]
    assert (json_chars_exceed(deep, 200_001), json_chars_exceed(deep, 200_002)) == (True, False)


PLAIN_TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cc", "Cs"), blacklist_characters='"\\'), max_size=6)
NO_NUMBERS = st.recursive(
    st.none() | st.booleans() | PLAIN_TEXT,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(PLAIN_TEXT, inner, max_size=4),
    max_leaves=30,
)
ANY_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=6),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner, max_size=4),
    max_leaves=30,
)


def compact(value: Any) -> int:
    """Characters of the compact JSON text (no ASCII escapes)."""
    return len(json.dumps(value, ensure_ascii=False, separators=(",", ":")))


@given(NO_NUMBERS, st.integers(min_value=0, max_value=400))
def test_json_chars_is_exact_for_plain_text(value: Any, limit: int) -> None:
    """Without numbers or escaped characters, the count is the length of json.dumps' compact text."""
    assert json_chars_exceed(value, limit) is (compact(value) > limit)


@given(ANY_JSON, st.integers(min_value=0, max_value=400))
def test_json_chars_never_refuses_what_fits(value: Any, limit: int) -> None:
    """On any JSON value, a value whose text fits the limit is never said to exceed it (a lower bound)."""
    if compact(value) <= limit:
        assert not json_chars_exceed(value, limit)


@given(NO_NUMBERS, st.integers(min_value=1, max_value=50))
def test_json_chars_counts_sharing_like_json(value: Any, times: int) -> None:
    """A list naming one value many times counts it as often as json.dumps writes it."""
    shared = [value] * times
    size = compact(shared)
    assert (json_chars_exceed(shared, size), json_chars_exceed(shared, size - 1)) == (False, True)
