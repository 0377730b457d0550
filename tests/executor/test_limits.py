"""Payload size limits: 256 KiB for task results and state outputs (States.DataLimitExceeded).

AWS quota: "Maximum input or output size for a task, state, or execution: 256 KiB of data as a
UTF-8 encoded string"; the guide lists States.DataLimitExceeded for a connector's output or a
state's output over the quota. Recorded: error_handling_test_states_errors.py_*data_limit_exceeded*.
"""

from __future__ import annotations

from typing import Any

from ._helpers import FUNCTION_ARN, RESOURCE, chain, fail, run, single, task

KIB = 1024
_BIG = "x" * (257 * KIB)


def test_oversized_result_fails_with_data_limit_exceeded() -> None:
    """A resolver returning more than 256 KiB fails with States.DataLimitExceeded."""
    assert fail(single(task()), {}, resolvers={"S": lambda _p: {"big": _BIG}}).error == "States.DataLimitExceeded"


def test_oversized_bytes_result_fails() -> None:
    """A raw bytes body over 256 KiB fails with States.DataLimitExceeded."""
    body = b'"' + _BIG.encode() + b'"'
    assert fail(single(task()), {}, resolvers={"S": lambda _p: body}).error == "States.DataLimitExceeded"


def test_oversized_utf8_result_counts_bytes() -> None:
    """The limit counts UTF-8 bytes: 100 Ki three-byte characters (300 KiB) exceed it."""
    text = "\u20ac" * (100 * KIB)
    assert fail(single(task()), {}, resolvers={"S": lambda _p: text}).error == "States.DataLimitExceeded"


def test_lambda_oversized_result_cause() -> None:
    """The cause names the Resource in AWS's words (recorded: test_task_lambda_data_limit_exceeded_*)."""
    definition = single({"Type": "Task", "Resource": FUNCTION_ARN})
    err = fail(definition, {}, resolvers={FUNCTION_ARN: lambda _e: _BIG})
    assert (err.error, err.cause) == (
        "States.DataLimitExceeded",
        f"The state/task '{FUNCTION_ARN}' returned a result with a size exceeding the maximum number of bytes "
        "service limit.",
    )


def test_task_result_over_limit_caught_by_states_all() -> None:
    """A task result over the limit is caught by States.ALL (recorded: catch_state_all_data_limit_exceeded)."""
    definition = chain(
        ("T", task(Catch=[{"ErrorEquals": ["States.ALL"], "Next": "H"}], End=True)),
        ("H", {"Type": "Pass", "OutputPath": "$.Error"}),
    )
    assert run(definition, {}, resolvers={"T": lambda _p: _BIG}) == "States.DataLimitExceeded"


def test_task_result_over_limit_caught_by_name() -> None:
    """A catcher naming States.DataLimitExceeded catches an oversized task result (recorded)."""
    definition = chain(
        (
            "T",
            task(
                Catch=[
                    {"ErrorEquals": ["States.DataLimitExceeded"], "Next": "Limit"},
                    {"ErrorEquals": ["States.ALL"], "Next": "Other"},
                ],
                End=True,
            ),
        ),
        ("Limit", {"Type": "Pass", "Result": "limit", "End": True}),
        ("Other", {"Type": "Pass", "Result": "other", "End": True}),
    )
    assert run(definition, {}, resolvers={"T": lambda _p: _BIG}) == "limit"


def test_result_under_limit_succeeds() -> None:
    """A 200 KiB result is within the quota."""
    text = "y" * (200 * KIB)
    assert run(single(task()), {}, resolvers={RESOURCE: lambda _p: text}) == text


def test_state_output_over_limit_fails() -> None:
    """A Pass whose output grows past 256 KiB fails with States.DataLimitExceeded (the guide's state-output rule)."""
    half = "z" * (150 * KIB)
    definition = single({"Type": "Pass", "Parameters": {"a.$": "$.s", "b.$": "$.s"}})
    err = fail(definition, {"s": half})
    assert err.error == "States.DataLimitExceeded"


def test_task_payload_over_limit_fails() -> None:
    """A Task payload over 256 KiB after Parameters fails with States.DataLimitExceeded, uncalled."""
    calls: list[Any] = []

    def resolver(payload: Any) -> Any:
        calls.append(1)
        return "ok"

    half = "z" * (150 * KIB)
    definition = single(task(Parameters={"a.$": "$.s", "b.$": "$.s"}, ResultPath=None))
    err = fail(definition, {"s": half}, resolvers={"S": resolver})
    assert (err.error, calls) == ("States.DataLimitExceeded", [])
