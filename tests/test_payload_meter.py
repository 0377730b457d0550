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
