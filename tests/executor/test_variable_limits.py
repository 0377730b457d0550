"""AWS's size limits on workflow variables."""

from __future__ import annotations

import pytest

import asl


def _assign(value_size: int) -> dict[str, object]:
    return {
        "StartAt": "Init",
        "States": {
            "Init": {"Type": "Pass", "Assign": {"big": "{% $pad('', " + str(value_size) + ", 'x') %}"},
                     "QueryLanguage": "JSONata", "End": True},
        },
    }


def test_assign_within_256_kib_is_accepted() -> None:
    """A variable of 200 KiB is stored."""
    assert asl.run(_assign(200 * 1024), {}) == {}


def test_assign_over_256_kib_fails() -> None:
    """One Assign over 256 KiB fails the state with States.DataLimitExceeded."""
    with pytest.raises(asl.ExecutionFailed) as failed:
        asl.run(_assign(300 * 1024), {})
    assert failed.value.error == "States.DataLimitExceeded"
