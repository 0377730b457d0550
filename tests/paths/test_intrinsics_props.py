"""Property tests for the intrinsic functions, over open-ended inputs."""

from __future__ import annotations

import base64
import hashlib
import itertools
import math
import random
from fractions import Fraction
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from asl.paths._base import Scope
from asl.paths._intrinsics import compile_intrinsic

SCOPE = Scope(rng=random.Random(0))

# Text without lone surrogates (they cannot be UTF-8 encoded, so JSON input never has them).
TEXT = st.text(st.characters(codec="utf-8"))

JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**63), max_value=2**63)
    | st.floats(allow_nan=False, allow_infinity=False)
    | TEXT,
    lambda children: st.lists(children, max_size=5) | st.dictionaries(TEXT, children, max_size=5),
    max_leaves=20,
)

PARTITION = compile_intrinsic("States.ArrayPartition($.a, $.n)")
ENCODE = compile_intrinsic("States.Base64Encode($)")
DECODE = compile_intrinsic("States.Base64Decode(States.Base64Encode($))")
TO_STRING = compile_intrinsic("States.JsonToString($)")
ROUND_TRIP = compile_intrinsic("States.StringToJson(States.JsonToString($))")
MATH_ADD = compile_intrinsic("States.MathAdd($.a, $.b)")
SPLIT = compile_intrinsic("States.StringSplit($.s, $.d)")
UNIQUE = compile_intrinsic("States.ArrayUnique($)")
RANGE = compile_intrinsic("States.ArrayRange($.start, $.end, $.step)")
FORMAT = compile_intrinsic("States.Format('<{}|{}>', $.a, $.b)")
HASHES = {
    "MD5": hashlib.md5,
    "SHA-1": hashlib.sha1,
    "SHA-256": hashlib.sha256,
    "SHA-384": hashlib.sha384,
    "SHA-512": hashlib.sha512,
}


def hash_of(text: str, algorithm: str) -> Any:
    return compile_intrinsic("States.Hash($.d, $.a)").evaluate({"d": text, "a": algorithm}, SCOPE)


def half_up(number: float) -> int:
    """Exact round-half-up, computed with fractions (an oracle independent of the code)."""
    return math.floor(Fraction(number) + Fraction(1, 2))


@given(st.lists(JSON, max_size=30), st.integers(min_value=1, max_value=12))
def test_partition_then_flatten_is_the_original(array: list[Any], size: int) -> None:
    """Concatenating the chunks gives back the array; every chunk but the last is full."""
    chunks = PARTITION.evaluate({"a": array, "n": size}, SCOPE)
    assert [item for chunk in chunks for item in chunk] == array
    assert all(len(chunk) == size for chunk in chunks[:-1])
    assert all(0 < len(chunk) <= size for chunk in chunks)


@given(st.text(st.characters(codec="utf-8"), max_size=1500))
def test_base64_round_trip(text: str) -> None:
    """Decoding the encoding gives back the text."""
    assert DECODE.evaluate(text, SCOPE) == text


@given(st.text(st.characters(codec="utf-8"), max_size=2000))
def test_base64_encode_matches_standard_base64(text: str) -> None:
    """The encoding is standard padded Base64 of the UTF-8 bytes."""
    assert ENCODE.evaluate(text, SCOPE) == base64.b64encode(text.encode("utf-8")).decode("ascii")


@given(st.text(st.characters(codec="utf-8"), max_size=10_000), st.sampled_from(sorted(HASHES)))
def test_hash_matches_hashlib(text: str, algorithm: str) -> None:
    """Every algorithm agrees with hashlib on the UTF-8 bytes of random text."""
    assert hash_of(text, algorithm) == HASHES[algorithm](text.encode("utf-8")).hexdigest()


BOUNDARY_LENGTHS = [0, 1, 55, 56, 63, 64, 65, 111, 112, 119, 120, 127, 128, 129, 1000, 10_000]


@pytest.mark.parametrize("length", BOUNDARY_LENGTHS)
@pytest.mark.parametrize("algorithm", sorted(HASHES))
def test_hash_at_block_boundaries(length: int, algorithm: str) -> None:
    """Lengths around the 64- and 128-byte block and padding boundaries hash like hashlib."""
    text = "".join(chr(ord("a") + i % 26) for i in range(length))
    assert hash_of(text, algorithm) == HASHES[algorithm](text.encode("ascii")).hexdigest()


@given(JSON)
def test_json_to_string_then_string_to_json_round_trip(value: Any) -> None:
    """StringToJson(JsonToString(x)) == x for any JSON value."""
    assert ROUND_TRIP.evaluate(value, SCOPE) == value


@given(st.dictionaries(st.from_regex(r"[a-z]{1,5}", fullmatch=True), st.integers(), max_size=5))
def test_json_to_string_has_no_blanks(value: dict[str, int]) -> None:
    """JsonToString writes compact JSON: no blank outside strings."""
    assert " " not in TO_STRING.evaluate(value, SCOPE)


@given(
    st.floats(min_value=-1e6, max_value=1e6, allow_nan=False),
    st.floats(min_value=-1e6, max_value=1e6, allow_nan=False),
)
def test_math_add_rounds_each_argument_half_up(a: float, b: float) -> None:
    """MathAdd(a, b) is round-half-up(a) + round-half-up(b)."""
    assert MATH_ADD.evaluate({"a": a, "b": b}, SCOPE) == half_up(a) + half_up(b)


INT32 = st.integers(min_value=-(2**31), max_value=2**31 - 1)


@given(INT32, INT32)
def test_math_add_of_integers_is_exact(a: int, b: int) -> None:
    """Integers in the 32-bit range add exactly."""
    assert MATH_ADD.evaluate({"a": a, "b": b}, SCOPE) == a + b


@given(TEXT, st.text(alphabet=",;.\n -", min_size=1, max_size=3))
def test_string_split_pieces(text: str, delimiters: str) -> None:
    """Pieces are non-empty, hold no delimiter, and concatenate to the text minus delimiters."""
    pieces = SPLIT.evaluate({"s": text, "d": delimiters}, SCOPE)
    assert all(pieces)
    assert not any(char in delimiters for piece in pieces for char in piece)
    assert "".join(pieces) == "".join(char for char in text if char not in delimiters)


@given(st.lists(JSON, max_size=20))
def test_array_unique_is_idempotent_and_complete(array: list[Any]) -> None:
    """ArrayUnique keeps every value once: applying it again changes nothing, nothing is lost."""
    unique = UNIQUE.evaluate(array, SCOPE)
    assert UNIQUE.evaluate(unique, SCOPE) == unique
    assert len(unique) <= len(array)
    assert all(item in array for item in unique)


@given(
    st.integers(min_value=-500, max_value=500),
    st.integers(min_value=-500, max_value=500),
    st.integers(min_value=-50, max_value=50).filter(bool),
)
def test_array_range_steps(start: int, end: int, step: int) -> None:
    """ArrayRange starts at start, moves by step, and never passes end."""
    result = RANGE.evaluate({"start": start, "end": end, "step": step}, SCOPE)
    if (end - start) * step < 0:
        assert result == []
        return
    assert result[0] == start
    assert all(b - a == step for a, b in itertools.pairwise(result))
    assert all(min(start, end) <= item <= max(start, end) for item in result)
    assert abs(end - result[-1]) < abs(step)


@given(TEXT, TEXT)
def test_format_inserts_strings_verbatim(a: str, b: str) -> None:
    """String values are inserted as they are, braces and backslashes included."""
    assert FORMAT.evaluate({"a": a, "b": b}, SCOPE) == f"<{a}|{b}>"


@given(TEXT)
def test_escaped_string_literal_round_trip(text: str) -> None:
    """Escaping \\ ' { } in any text gives a literal whose value is the text."""
    escaped = "".join("\\" + char if char in "\\'{}" else char for char in text)
    call = compile_intrinsic(f"States.Format('{escaped}')")
    assert call.evaluate(None, SCOPE) == text


@given(st.integers(min_value=-1000, max_value=1000), st.integers(min_value=1, max_value=1000), st.integers())
def test_math_random_within_bounds_and_reproducible(start: int, width: int, seed: int) -> None:
    """A seeded MathRandom lies in [start, end) and repeats for the same seed."""
    call = compile_intrinsic("States.MathRandom($.s, $.e, $.seed)")
    data = {"s": start, "e": start + width, "seed": seed}
    value = call.evaluate(data, Scope(rng=random.Random(1)))
    assert start <= value < start + width
    assert call.evaluate(data, Scope(rng=random.Random(2))) == value
