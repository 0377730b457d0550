"""The execution input is refused as AWS's StartExecution refuses it, before anything runs.

AWS (API reference, StartExecution): ``InvalidExecutionInput`` "The provided JSON input data is
not valid"; the ``input`` member has "Length Constraints: Maximum length of 262144", in UTF-8
bytes, and a value over a member's length constraint is answered with ``ValidationException``
"1 validation error detected: Value at 'input' failed to satisfy constraint: Member must have
length less than or equal to 262144". A Python caller can pass what JSON text cannot hold
(a set, bytes, NaN, ...): those are refused as invalid JSON input.
"""

from __future__ import annotations

import datetime
import decimal
import math
from typing import Any

import pytest

import asl
from asl.limits import InvalidExecutionInput, Limits, execution_input
from asl.testing import VirtualClock

PASS = {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}}
KIB = 1024
TOO_LARGE = (
    "1 validation error detected: Value at 'input' failed to satisfy constraint: "
    "Member must have length less than or equal to 262144"
)


def run(input: Any, **options: Any) -> Any:
    """asl.run of a single Pass state (output = input)."""
    return asl.run(PASS, input, clock=VirtualClock(), **options)


NOT_JSON = {
    "set": {1, 2},
    "frozenset": frozenset({"a"}),
    "bytes": b"abc",
    "bytearray": bytearray(b"abc"),
    "datetime": datetime.datetime(2024, 1, 1, tzinfo=datetime.UTC),
    "date": datetime.date(2024, 1, 1),
    "decimal": decimal.Decimal("1.5"),
    "complex": 1j,
    "object": object(),
    "nan": math.nan,
    "infinity": math.inf,
    "-infinity": -math.inf,
    "int key": {1: "a"},
    "tuple key": {("a",): 1},
    "None key": {None: 1},
    "nested set": {"a": [{"b": {1}}]},
    "nested nan": [1, [2, {"x": math.nan}]],
}


@pytest.mark.parametrize("value", NOT_JSON.values(), ids=NOT_JSON.keys())
def test_value_json_cannot_carry_is_invalid_input(value: Any) -> None:
    """asl.run refuses the input with InvalidExecutionInput (code InvalidExecutionInput) before running."""
    with pytest.raises(InvalidExecutionInput, match=r"^Invalid State Machine Execution Input: ") as caught:
        run(value)
    assert caught.value.code == "InvalidExecutionInput"


def test_invalid_input_is_a_value_error_and_an_asl_error() -> None:
    """InvalidExecutionInput can be caught as ValueError or as asl.ASLError."""
    with pytest.raises(ValueError):
        run({1, 2})
    with pytest.raises(asl.ASLError):
        run({1, 2})


def test_invalid_input_starts_no_execution() -> None:
    """No resolver is called when the input is refused."""
    calls: list[Any] = []
    definition = {"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "arn:aws:lambda:f", "End": True}}}
    with pytest.raises(InvalidExecutionInput):
        asl.run(definition, {"a": b"x"}, resolvers={"arn:aws:lambda:f": calls.append}, clock=VirtualClock())
    assert calls == []


def test_input_over_256_kib_is_refused_in_aws_words() -> None:
    """A 262,145-byte input fails with ValidationException and AWS's length-constraint message."""
    value = "x" * (256 * KIB - 1)  # "..." is 262,145 bytes as JSON
    with pytest.raises(InvalidExecutionInput) as caught:
        run(value)
    assert (str(caught.value), caught.value.code) == (TOO_LARGE, "ValidationException")


def test_input_of_exactly_256_kib_is_accepted() -> None:
    """A 262,144-byte input (a 262,142-character string and its quotes) runs."""
    value = "x" * (256 * KIB - 2)
    assert run(value) == value


def test_input_size_is_counted_in_utf8_bytes() -> None:
    """100,000 euro signs are 300,002 bytes of JSON: over the quota, though fewer characters."""
    with pytest.raises(InvalidExecutionInput, match="less than or equal to 262144"):
        run("\u20ac" * 100_000)


def test_input_bound_follows_max_payload_bytes() -> None:
    """max_payload_bytes=100 refuses a 102-byte input and names 100."""
    with pytest.raises(InvalidExecutionInput, match=r"less than or equal to 100$"):
        run("x" * 100, max_payload_bytes=100)


def test_input_bound_follows_limits() -> None:
    """Limits(max_payload_bytes=100) bounds the input too."""
    with pytest.raises(InvalidExecutionInput, match=r"less than or equal to 100$"):
        run("x" * 100, limits=Limits(max_payload_bytes=100))


def test_lifted_payload_bound_lifts_the_input_bound() -> None:
    """max_payload_bytes=None lets a 1 MiB input run."""
    value = "x" * (1024 * KIB)
    assert run(value, max_payload_bytes=None) == value


def test_shared_input_is_refused_without_copying() -> None:
    """A list holding one 100 KiB string a million times (100 GB as JSON) is refused at once."""
    with pytest.raises(InvalidExecutionInput, match="less than or equal to 262144"):
        run([["x" * (100 * KIB)] * 1000] * 1000)


def test_tuples_are_arrays() -> None:
    """A tuple is JSON data: it becomes an array."""
    assert run({"a": (1, 2)}) == {"a": [1, 2]}


def test_subclasses_become_plain_values() -> None:
    """A bool, int, str or dict subclass is taken as the plain JSON value."""

    class Name(str):
        """A str subclass."""

    class Count(int):
        """An int subclass."""

    output = run({"n": Name("x"), "c": Count(3)})
    assert output == {"n": "x", "c": 3}
    assert (type(output["n"]), type(output["c"])) == (str, int)


def test_input_is_not_changed_or_shared() -> None:
    """The execution works on a copy: its output is not the caller's object and the input is unchanged."""
    given = {"a": [1, {"b": 2}]}
    output = run(given)
    assert output == {"a": [1, {"b": 2}]} and output is not given and output["a"] is not given["a"]


def test_execution_input_checks_directly() -> None:
    """asl.limits.execution_input copies valid input and refuses the rest (the Engine can use it too)."""
    assert execution_input({"a": (1,)}) == {"a": [1]}
    with pytest.raises(InvalidExecutionInput):
        execution_input({"a": math.nan})
    with pytest.raises(InvalidExecutionInput):
        execution_input("xx", max_bytes=3)
