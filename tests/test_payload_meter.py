"""The payload meter: an upper bound of the UTF-8 JSON size, exact for ASCII, decisive at the limit."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from asl.executor._limits import MAX_PAYLOAD_BYTES, PayloadMeter

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(),
    lambda inner: st.lists(inner, max_size=20) | st.dictionaries(st.text(max_size=5), inner, max_size=20),
    max_leaves=200,
)
ASCII_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(st.characters(min_codepoint=32, max_codepoint=126)),
    lambda inner: st.lists(inner, max_size=20)
    | st.dictionaries(st.text(st.characters(min_codepoint=97, max_codepoint=122), max_size=5), inner, max_size=20),
    max_leaves=200,
)


def _utf8_size(value: Any) -> int:
    return len(json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode())


@settings(max_examples=200, deadline=None)
@given(JSON)
def test_estimate_bounds_the_utf8_size(value: Any) -> None:
    """The estimate is never below the real compact UTF-8 size."""
    assert PayloadMeter()._estimate(value) >= _utf8_size(value)


@settings(max_examples=200, deadline=None)
@given(ASCII_JSON)
def test_estimate_is_exact_for_ascii(value: Any) -> None:
    """For ASCII data without escapes the estimate is the exact size."""
    assert PayloadMeter()._estimate(value) == len(json.dumps(value, separators=(",", ":")))


def test_exceeds_at_the_boundary() -> None:
    """A document of exactly 256 KiB is allowed; one byte more is not."""
    meter = PayloadMeter()
    at_limit = "a" * (MAX_PAYLOAD_BYTES - 2)  # the two quotes make it exactly the limit
    assert not meter.exceeds(at_limit)
    assert meter.exceeds(at_limit + "a")


def test_escapes_do_not_cause_false_alarms() -> None:
    """Non-ASCII text whose escaped form is over the limit but UTF-8 form is under is allowed."""
    text = "é" * 100_000  # 200,000 bytes of UTF-8; 600,000 characters once \\u-escaped
    assert not PayloadMeter().exceeds({"t": text})


def test_shared_subtrees_are_remembered() -> None:
    """A large subtree measured once is not walked again when shared by a new document."""
    meter = PayloadMeter()
    users = [{"id": i, "tags": [str(i)]} for i in range(2000)]
    first = meter._estimate({"users": users})
    assert id(users) in meter._memo
    assert meter._estimate({"users": users, "extra": 1}) == first + len('"extra":1,')


def test_total_of_variables_is_not_remembered() -> None:
    """The variables dict changes in place, so its total is measured afresh each time."""
    meter = PayloadMeter(limit=1000)  # total allowed: 40,000 bytes
    variables: dict[str, Any] = {"a": "x" * 30_000}
    assert not meter.exceeds_total(variables)
    variables["b"] = "y" * 20_000
    assert meter.exceeds_total(variables)


# -- data_exceeds: the marshal bound for data known to be JSON ---------------------------------

TEXT_WITH_ESCAPES = st.text(st.characters(max_codepoint=0x10FFFF, exclude_categories=("Cs",)))
JSON_ANY_TEXT = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | TEXT_WITH_ESCAPES,
    lambda inner: st.lists(inner, max_size=8) | st.dictionaries(TEXT_WITH_ESCAPES, inner, max_size=8),
    max_leaves=30,
)


@settings(max_examples=100, deadline=None)
@given(JSON_ANY_TEXT)
def test_marshal_size_bounds_the_json_size(value: Any) -> None:
    """Compact UTF-8 JSON is never more than six times marshal format 2 (what data_exceeds relies on)."""
    import marshal

    assert _utf8_size(value) <= 6 * len(marshal.dumps(value, 2))


@settings(max_examples=100, deadline=None)
@given(JSON_ANY_TEXT, st.integers(min_value=2, max_value=4000))
def test_data_exceeds_agrees_with_the_exact_size(value: Any, limit: int) -> None:
    """data_exceeds says 'over' exactly when the compact UTF-8 JSON is over the limit."""
    assert PayloadMeter(limit).data_exceeds(value) is (_utf8_size(value) > limit)


def test_data_exceeds_counts_a_shared_subtree_each_time_it_appears() -> None:
    """A subtree referenced twice counts twice, as it would in the JSON text."""
    part = {"text": "x" * 60_000}
    assert not PayloadMeter().data_exceeds([part, part, part, part])  # 240,000 bytes and a little
    assert PayloadMeter().data_exceeds([part, part, part, part, part])  # 300,000 bytes


def test_data_exceeds_remembers_a_big_fresh_container() -> None:
    """A container bounded by marshal but big is measured once more so its members are remembered."""
    meter = PayloadMeter()
    users = [{"id": i, "name": f"user-{i}"} for i in range(500)]
    assert not meter.data_exceeds({"users": users})
    assert id(users) in meter._memo


def test_data_exceeds_without_a_limit_never_measures() -> None:
    """With the quota lifted nothing is over it."""
    assert not PayloadMeter(None).data_exceeds("x" * 1_000_000)
