"""The public entry points take ``limits=`` (asl.limits.Limits) and pass it to the parser and executor."""

from __future__ import annotations

import pytest

import asl
from asl.limits import Limits

LOOP = {
    "StartAt": "Again",
    "States": {
        "Again": {"Type": "Pass", "Next": "Check"},
        "Check": {"Type": "Choice", "Choices": [{"Variable": "$.stop", "IsPresent": True, "Next": "Done"}],
                  "Default": "Again"},
        "Done": {"Type": "Succeed"},
    },
}


def test_run_bounds_transitions() -> None:
    """An endless loop under limits=Limits(max_transitions=N) fails with States.Runtime."""
    with pytest.raises(asl.ExecutionFailed) as info:
        asl.run(LOOP, {}, limits=Limits(max_transitions=50))
    assert info.value.error == "States.Runtime"
    assert "maximum number of state transitions (50)" in (info.value.cause or "")


def test_parse_limits_apply_through_run() -> None:
    """The definition bounds of limits= reach the parser: a too-long definition is a DefinitionError."""
    with pytest.raises(asl.DefinitionError):
        asl.run(LOOP, {}, limits=Limits(max_definition_chars=20))


def test_explicit_max_payload_bytes_overrides_limits() -> None:
    """max_payload_bytes= given alongside limits= wins over limits.max_payload_bytes."""
    big = {"StartAt": "P", "States": {"P": {"Type": "Pass", "Result": "x" * 100, "End": True}}}
    with pytest.raises(asl.ExecutionFailed) as info:
        asl.run(big, {}, limits=Limits(), max_payload_bytes=50)
    assert info.value.error == "States.DataLimitExceeded"
