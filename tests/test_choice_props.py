"""Property tests of Choice comparisons against independent reference implementations."""

from __future__ import annotations

import operator
import re
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from asl.choice import compile_rule
from asl.paths._base import PathNotFound, Scope
from asl.paths._jsonpath import compile_path

ORDERS = {
    "Equals": operator.eq,
    "LessThan": operator.lt,
    "GreaterThan": operator.gt,
    "LessThanEquals": operator.le,
    "GreaterThanEquals": operator.ge,
}

numbers = st.one_of(st.integers(-(2**53), 2**53), st.floats(allow_nan=False, allow_infinity=False))
plain_text = st.text(alphabet=st.characters(blacklist_characters="*\\"), max_size=12)
small_text = st.text(alphabet="ab*\\.", max_size=12)


def check(op: str, value: Any, operand: Any) -> bool:
    """``{"Variable": "$.v", op: operand}`` against ``{"v": value}``."""
    return compile_rule({"Variable": "$.v", op: operand}, top_level=False).evaluate({"v": value}, Scope())


def escape(piece: str) -> str:
    """Escape '\\' and '*' the way StringMatches reads them."""
    return piece.replace("\\", "\\\\").replace("*", "\\*")


@given(pattern=plain_text, text=plain_text)
def test_pattern_without_wildcards_is_equality(pattern: str, text: str) -> None:
    """StringMatches with no '*' is string equality."""
    assert check("StringMatches", text, pattern) is (text == pattern)


@given(pattern=plain_text)
def test_pattern_without_wildcards_matches_itself(pattern: str) -> None:
    """A pattern with no '*' matches its own text."""
    assert check("StringMatches", pattern, pattern) is True


@given(pieces=st.lists(st.text(alphabet="ab*\\.", max_size=3), min_size=1, max_size=5), text=small_text)
def test_wildcard_agrees_with_regex_reference(pieces: list[str], text: str) -> None:
    """StringMatches with '*' agrees with a regex '.*' join of the escaped literal pieces."""
    pattern = "*".join(escape(piece) for piece in pieces)
    reference = re.fullmatch(".*".join(re.escape(piece) for piece in pieces), text, re.DOTALL) is not None
    assert check("StringMatches", text, pattern) is reference


@given(pieces=st.lists(st.text(alphabet="ab", max_size=3), min_size=2, max_size=5), data=st.data())
def test_wildcard_matches_any_filling(pieces: list[str], data: st.DataObject) -> None:
    """Filling each '*' with any text yields a matching string."""
    fillers = [data.draw(st.text(max_size=4)) for _ in pieces[1:]]
    text = pieces[0] + "".join(fill + piece for fill, piece in zip(fillers, pieces[1:], strict=True))
    assert check("StringMatches", text, "*".join(pieces)) is True


@given(a=numbers, b=numbers, order=st.sampled_from(sorted(ORDERS)))
def test_numeric_agrees_with_python(a: float, b: float, order: str) -> None:
    """Numeric comparisons agree with Python's on ints and floats, mixed freely."""
    assert check(f"Numeric{order}", a, b) is ORDERS[order](a, b)


@given(a=numbers, b=numbers, order=st.sampled_from(sorted(ORDERS)))
def test_numeric_path_agrees_with_literal(a: float, b: float, order: str) -> None:
    """A ...Path operand compares like the same literal."""
    rule = compile_rule({"Variable": "$.a", f"Numeric{order}Path": "$.b"}, top_level=False)
    assert rule.evaluate({"a": a, "b": b}, Scope()) is ORDERS[order](a, b)


def utf16_units(text: str) -> list[int]:
    """Code units of ``text`` in UTF-16, computed arithmetically."""
    units: list[int] = []
    for char in text:
        point = ord(char)
        if point < 0x10000:
            units.append(point)
        else:
            point -= 0x10000
            units.extend((0xD800 + (point >> 10), 0xDC00 + (point & 0x3FF)))
    return units


strings = st.text(alphabet=st.sampled_from("a\x7f\u00e9\ud7ff\ue000\uffff\U00010000\U0001f600"), max_size=6)


@given(a=strings, b=strings, order=st.sampled_from(sorted(ORDERS)))
def test_string_order_is_utf16_code_unit_order(a: str, b: str, order: str) -> None:
    """String comparisons order by UTF-16 code units, like Java's String.compareTo."""
    assert check(f"String{order}", a, b) is ORDERS[order](utf16_units(a), utf16_units(b))


moments = st.datetimes(min_value=datetime(1, 1, 2), max_value=datetime(9999, 12, 30))
offsets = st.integers(-18 * 60, 18 * 60).map(lambda minutes: timezone(timedelta(minutes=minutes)))


def rfc3339(moment: datetime, zone: timezone) -> str:
    """Render ``moment`` (read as UTC) in ``zone`` the RFC 3339 way."""
    local = moment.replace(tzinfo=UTC).astimezone(zone)
    text = f"{local.year:04d}-{local:%m-%dT%H:%M:%S}"
    if local.microsecond:
        text += f".{local.microsecond:06d}"
    minutes = int(local.utcoffset().total_seconds()) // 60  # type: ignore[union-attr]
    if minutes == 0:
        return text + "Z"
    sign = "+" if minutes > 0 else "-"
    return text + f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


@given(a=moments, za=offsets, b=moments, zb=offsets, order=st.sampled_from(sorted(ORDERS)))
def test_timestamps_compare_as_instants(
    a: datetime, za: timezone, b: datetime, zb: timezone, order: str
) -> None:
    """Timestamp comparisons agree with comparing the instants, whatever the offsets."""
    left, right = rfc3339(a, za), rfc3339(b, zb)
    assert check(f"Timestamp{order}", left, right) is ORDERS[order](a, b)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-3, 3) | st.sampled_from(["a", "b"]),
    lambda children: st.lists(children, max_size=3)
    | st.dictionaries(st.sampled_from("ab0"), children, max_size=3),
    max_leaves=10,
)
steps = st.lists(st.sampled_from([".a", ".b", "['0']", "[0]", "[1]", "[-1]", "[-2]"]), max_size=4)


@given(data=json_values, path_steps=steps)
def test_is_present_agrees_with_path_evaluation(data: Any, path_steps: list[str]) -> None:
    """IsPresent is true exactly when the compiled path reads a value without PathNotFound."""
    path = compile_path("$" + "".join(path_steps), reference=True)
    try:
        path.evaluate(data, Scope())
        present = True
    except PathNotFound:
        present = False
    rule = compile_rule({"Variable": path.text, "IsPresent": True}, top_level=False)
    assert rule.evaluate(data, Scope()) is present
