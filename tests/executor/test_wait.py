"""The Wait state under the virtual clock: Seconds, SecondsPath, Timestamp, TimestampPath and their errors.

Error wording is AWS's, from the recorded cases base_test_wait.py_*, logs_test_logs.py_*
wait_seconds_path and scenarios_test_base_scenarios.py_*test_wait_timestamp_path*.
"""

from __future__ import annotations

import time
from datetime import timedelta
from typing import Any

import pytest

from ._helpers import START, START_EPOCH, chain, clock, fail, prefix, run, single

#: One (non-leap) year in seconds.
YEAR = 365 * 24 * 3600


def _elapsed(state: dict[str, Any], data: Any = None) -> float:
    the_clock = clock()
    run(single(state), {} if data is None else data, clock=the_clock)
    return the_clock.now() - START_EPOCH


def test_seconds_waits_that_long() -> None:
    """Seconds: 10 advances the clock by 10 seconds."""
    assert _elapsed({"Type": "Wait", "Seconds": 10}) == pytest.approx(10, abs=0.01)


def test_seconds_requests_one_sleep() -> None:
    """Seconds: 10 asks the clock for a single 10-second sleep."""
    the_clock = clock()
    run(single({"Type": "Wait", "Seconds": 10}), {}, clock=the_clock)
    assert the_clock.sleeps == [10]


def test_wait_passes_input_through() -> None:
    """A Wait state's output is its input."""
    assert run(single({"Type": "Wait", "Seconds": 1}), {"k": [1, 2]}) == {"k": [1, 2]}


def test_wait_output_path() -> None:
    """A Wait state applies OutputPath to its input."""
    assert run(single({"Type": "Wait", "Seconds": 1, "OutputPath": "$.k"}), {"k": [1, 2]}) == [1, 2]


def test_seconds_zero_does_not_wait() -> None:
    """Seconds: 0 finishes without advancing the clock."""
    assert _elapsed({"Type": "Wait", "Seconds": 0}) == 0


def test_seconds_path() -> None:
    """SecondsPath reads the delay from the input."""
    assert _elapsed({"Type": "Wait", "SecondsPath": "$.s"}, {"s": 5}) == pytest.approx(5, abs=0.01)


def test_seconds_path_zero_succeeds() -> None:
    """SecondsPath selecting 0 succeeds with the input unchanged (recorded: test_base_wait_seconds_path[0])."""
    data = {"input": {"waitSeconds": 0}}
    assert run(single({"Type": "Wait", "SecondsPath": "$.input.waitSeconds"}, name="WaitState"), data) == data


def test_timestamp_waits_until_then() -> None:
    """Timestamp waits until that moment."""
    state = {"Type": "Wait", "Timestamp": "2024-01-01T00:01:00Z"}
    assert _elapsed(state) == pytest.approx(60, abs=0.01)


def test_timestamp_with_offset() -> None:
    """A Timestamp with a +01:00 offset denotes the same instant as the UTC one an hour earlier."""
    state = {"Type": "Wait", "Timestamp": "2024-01-01T01:02:00+01:00"}
    assert _elapsed(state) == pytest.approx(120, abs=0.01)


def test_timestamp_path() -> None:
    """TimestampPath reads the moment from the input."""
    state = {"Type": "Wait", "TimestampPath": "$.at"}
    assert _elapsed(state, {"at": "2024-01-01T00:00:30Z"}) == pytest.approx(30, abs=0.01)


def test_timestamp_path_with_nanoseconds() -> None:
    """TimestampPath accepts fractional seconds with nine digits (recorded: test_wait_timestamp_path[NANOSECONDS])."""
    data = {"TimestampValue": "2016-03-05T21:29:29.243167252Z"}
    assert run(single({"Type": "Wait", "TimestampPath": "$.TimestampValue"}), data) == data


def test_past_timestamp_does_not_wait() -> None:
    """A Timestamp in the past ends the wait at once."""
    assert _elapsed({"Type": "Wait", "Timestamp": "2016-03-14T01:59:00Z"}) == 0


def test_one_year_wait_is_instant() -> None:
    """A one-year Wait takes no real time under the virtual clock."""
    began = time.monotonic()
    run(single({"Type": "Wait", "Seconds": YEAR}), {})
    assert time.monotonic() - began < 5


def test_one_year_wait_advances_clock_by_a_year() -> None:
    """After a one-year Wait the virtual clock is a year later."""
    assert _elapsed({"Type": "Wait", "Seconds": YEAR}) == pytest.approx(YEAR, abs=0.01)


def test_waits_add_up_along_a_chain() -> None:
    """Consecutive Wait states advance the clock by their sum."""
    the_clock = clock()
    definition = chain(("W1", {"Type": "Wait", "Seconds": 3}), ("W2", {"Type": "Wait", "Seconds": 4}))
    run(definition, {}, clock=the_clock)
    assert the_clock.now() - START_EPOCH == pytest.approx(7, abs=0.01)


# -- errors -------------------------------------------------------------------------------

_SECONDS_PATH = single({"Type": "Wait", "SecondsPath": "$.input.waitSeconds"}, name="WaitState")


@pytest.mark.parametrize("value", [1.5, -1.5])
def test_seconds_path_fraction_is_runtime_error(value: float) -> None:
    """A non-integer SecondsPath value fails with AWS's recorded wording (test_base_wait_seconds_path[1.5])."""
    err = fail(_SECONDS_PATH, {"input": {"waitSeconds": value}})
    assert (err.error, err.cause) == (
        "States.Runtime",
        prefix("WaitState")
        + f"The SecondsPath parameter cannot be parsed as a long value: $.input.waitSeconds == {value}",
    )


def test_seconds_path_text_is_runtime_error() -> None:
    """A SecondsPath value that is non-numeric text fails with States.Runtime "cannot be parsed as a long value"."""
    err = fail(_SECONDS_PATH, {"input": {"waitSeconds": "x"}})
    assert err.error == "States.Runtime"
    assert (err.cause or "").startswith(
        prefix("WaitState") + "The SecondsPath parameter cannot be parsed as a long value: $.input.waitSeconds"
    )


def test_seconds_path_missing_is_runtime_error() -> None:
    """A SecondsPath that selects nothing fails with AWS's recorded wording (logs test wait_seconds_path)."""
    err = fail(_SECONDS_PATH, {})
    assert (err.error, err.cause) == (
        "States.Runtime",
        prefix("WaitState") + "The SecondsPath parameter does not reference an input value: $.input.waitSeconds",
    )


def test_timestamp_path_invalid_date_is_runtime_error() -> None:
    """An impossible date in TimestampPath fails in AWS's recorded words (test_wait_timestamp_path[INVALID_DATE])."""
    definition = single({"Type": "Wait", "TimestampPath": "$.TimestampValue"}, name="WaitUntil")
    err = fail(definition, {"TimestampValue": "2016-13-05T21:29:29Z"})
    assert (err.error, err.cause) == (
        "States.Runtime",
        prefix("WaitUntil") + "The TimestampPath parameter does not reference a valid ISO-8601 extended offset "
        "date-time format string: $.TimestampValue == 2016-13-05T21:29:29Z",
    )


@pytest.mark.parametrize("value", ["2025-01-01T12:00:00", "2025-01-01T12:00:00.000000", "05-12-2016T21:29:29Z"])
def test_timestamp_path_without_zone_or_iso_shape_fails(value: str) -> None:
    """A timestamp without zone offset or not ISO-shaped is States.Runtime (recorded: test_wait_timestamppath[])."""
    definition = single({"Type": "Wait", "TimestampPath": "$.start_at"}, name="State_1")
    err = fail(definition, {"start_at": value})
    assert err.error == "States.Runtime"
    assert (err.cause or "").startswith(
        prefix("State_1") + "The TimestampPath parameter does not reference a valid ISO-8601 extended offset "
        "date-time format string: $.start_at == "
    )


@pytest.mark.parametrize("suffix", ["Z", ".00Z", ".000000Z"])
def test_timestamp_path_accepted_shapes(suffix: str) -> None:
    """Timestamps with Z and 0, 2 or 6 fraction digits are accepted (recorded: test_wait_timestamppath)."""
    data = {"start_at": "2025-01-01T12:00:00" + suffix}
    assert run(single({"Type": "Wait", "TimestampPath": "$.start_at"}), data) == data


def test_timestamp_too_far_in_future_fails() -> None:
    """A timestamp 24856 days ahead fails with "Wait state delay is too long." (recorded: boundary[24856])."""
    moment = (START + timedelta(days=24856)).strftime("%Y-%m-%dT%H:%M:%S.000Z")
    definition = single({"Type": "Wait", "TimestampPath": "$.start_at"}, name="State_1")
    err = fail(definition, {"start_at": moment})
    assert (err.error, err.cause) == ("States.Runtime", prefix("State_1") + "Wait state delay is too long.")
