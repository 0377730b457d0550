"""Task results and failures: bytes, StatesError, Python exceptions, Lambda errors and timeouts."""

from __future__ import annotations

import json
import time
from typing import Any

import anyio
import pytest

import asl

from ._helpers import FUNCTION_ARN, START_EPOCH, Scripted, chain, clock, fail, run, single, task

# -- results ------------------------------------------------------------------------------


def test_bytes_result_is_parsed_as_json() -> None:
    """A resolver returning bytes has them parsed as JSON text."""
    assert run(single(task()), {}, resolvers={"S": lambda _p: b'{"k": [1, 2]}'}) == {"k": [1, 2]}


def test_bytearray_scalar_result_is_parsed() -> None:
    """JSON text of a scalar in bytes becomes that scalar."""
    assert run(single(task()), {}, resolvers={"S": lambda _p: b"42"}) == 42


def test_result_none_is_json_null() -> None:
    """A resolver returning None gives a null result."""
    assert run(single(task(ResultPath="$.r")), {}, resolvers={"S": lambda _p: None}) == {"r": None}


# -- errors raised by resolvers -----------------------------------------------------------


def test_states_error_sets_error_and_cause() -> None:
    """Raising StatesError fails the task with exactly that Error and Cause."""
    err = fail(single(task()), {}, resolvers={"S": Scripted(asl.StatesError("Custom.Error", "it broke"))})
    assert (err.status, err.error, err.cause) == ("FAILED", "Custom.Error", "it broke")


def test_states_error_without_cause() -> None:
    """Raising StatesError without a cause leaves the execution's cause empty."""
    err = fail(single(task()), {}, resolvers={"S": Scripted(asl.StatesError("Custom.Error"))})
    assert (err.error, err.cause) == ("Custom.Error", None)


def _raise_value_error(_payload: Any) -> Any:
    raise ValueError("bad value")


def test_python_exception_error_is_class_name() -> None:
    """Any other exception fails the task with the exception's class name as the Error."""
    assert fail(single(task()), {}, resolvers={"S": _raise_value_error}).error == "ValueError"


def test_python_exception_cause_is_lambda_style_json() -> None:
    """The cause of a Python exception is JSON with errorMessage, errorType and stackTrace."""
    cause = json.loads(fail(single(task()), {}, resolvers={"S": _raise_value_error}).cause or "")
    assert (cause["errorMessage"], cause["errorType"], type(cause["stackTrace"])) == ("bad value", "ValueError", list)


def test_python_exception_stack_trace_names_resolver_line() -> None:
    """The stackTrace entries name the resolver's own frame."""
    cause = json.loads(fail(single(task()), {}, resolvers={"S": _raise_value_error}).cause or "")
    assert any(
        "_raise_value_error" in entry and 'raise ValueError("bad value")' in entry for entry in cause["stackTrace"]
    )


def test_custom_exception_class_name_is_error() -> None:
    """A user-defined exception class name becomes the Error a Catch can name."""

    class PaymentDeclined(Exception):
        pass

    def resolver(_payload: Any) -> Any:
        raise PaymentDeclined("no funds")

    definition = chain(
        ("T", task(Catch=[{"ErrorEquals": ["PaymentDeclined"], "Next": "H"}], End=True)),
        ("H", {"Type": "Pass", "Parameters": {"e.$": "$.Error"}}),
    )
    assert run(definition, {}, resolvers={"T": resolver}) == {"e": "PaymentDeclined"}


def test_lambda_arn_exception_error_is_class_name() -> None:
    """A Lambda-ARN resolver raising Exception fails with Error "Exception" (recorded: test_lambda_empty_retry)."""

    def handler(_event: Any) -> Any:
        raise Exception("Some exception was raised.")

    err = fail(single({"Type": "Task", "Resource": FUNCTION_ARN}), {}, resolvers={FUNCTION_ARN: handler})
    assert (err.error, json.loads(err.cause or "")["errorMessage"]) == ("Exception", "Some exception was raised.")


# -- TimeoutSeconds -----------------------------------------------------------------------


async def _slow(_payload: Any) -> Any:
    await anyio.sleep(3600)
    return "late"


def test_timeout_seconds_fails_with_states_timeout() -> None:
    """A resolver slower than TimeoutSeconds fails the task with States.Timeout."""
    err = fail(single(task(TimeoutSeconds=5)), {}, resolvers={"S": _slow})
    assert (err.error, err.cause) == ("States.Timeout", None)


def test_timeout_is_instant_under_virtual_clock() -> None:
    """The timeout race finishes without real waiting under the virtual clock."""
    began = time.monotonic()
    fail(single(task(TimeoutSeconds=5)), {}, resolvers={"S": _slow})
    assert time.monotonic() - began < 5


def test_timeout_advances_virtual_clock_by_timeout() -> None:
    """The virtual clock moves by the task timeout, not by the resolver's sleep."""
    the_clock = clock()
    fail(single(task(TimeoutSeconds=5)), {}, resolvers={"S": _slow}, clock=the_clock)
    assert the_clock.now() - START_EPOCH == pytest.approx(5, abs=0.01)


def test_resolver_faster_than_timeout_succeeds() -> None:
    """A resolver that finishes within TimeoutSeconds succeeds."""

    async def quick(_payload: Any) -> Any:
        await anyio.sleep(3)
        return "on time"

    assert run(single(task(TimeoutSeconds=5)), {}, resolvers={"S": quick}) == "on time"


def test_timeout_seconds_path() -> None:
    """TimeoutSecondsPath reads the timeout from the input (recorded: test_fixed_timeout_service_lambda_with_path)."""
    the_clock = clock()
    err = fail(single(task(TimeoutSecondsPath="$.t")), {"t": 7}, resolvers={"S": _slow}, clock=the_clock)
    assert err.error == "States.Timeout"
    assert the_clock.now() - START_EPOCH == pytest.approx(7, abs=0.01)


def test_timeout_is_retried_by_timeout_retrier() -> None:
    """A States.Timeout retrier runs the task again after a timeout."""
    calls: list[int] = []

    async def slow_then_quick(_payload: Any) -> Any:
        calls.append(1)
        if len(calls) == 1:
            await anyio.sleep(60)
        return "second"

    retry = [{"ErrorEquals": ["States.Timeout"], "IntervalSeconds": 1, "MaxAttempts": 1}]
    assert run(single(task(TimeoutSeconds=5, Retry=retry)), {}, resolvers={"S": slow_then_quick}) == "second"
