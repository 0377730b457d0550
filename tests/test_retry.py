"""Retry/Catch error matching and backoff delays (asl.retry)."""

from __future__ import annotations

import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from asl.retry import backoff_delay, matches, retrier_delay
from asl.states import Retrier

# (ErrorEquals, error raised, matches?) — from the AWS error-handling guide and the
# recorded conformance cases named in the comments.
MATCH_TABLE = [
    # exact names, case-sensitive
    (["ErrorA", "ErrorB"], "ErrorB", True),
    (["ErrorA"], "ErrorC", False),
    (["errora"], "ErrorA", False),
    (["Lambda.Unknown"], "Exception", False),
    (["States.BranchFailed"], "States.BranchFailed", True),
    (["States.Permissions"], "States.TaskFailed", False),
    ([], "ErrorA", False),
    # States.ALL: everything but States.Runtime
    (["States.ALL"], "java.lang.Exception", True),
    (["States.ALL"], "States.Timeout", True),
    (["States.ALL"], "States.NoChoiceMatched", True),
    (["States.ALL"], "States.Runtime", False),
    # recorded: test_task_lambda_catch_state_all_data_limit_exceeded_on_large_utf8_response
    (["States.ALL"], "States.DataLimitExceeded", True),
    (["States.DataLimitExceeded"], "States.DataLimitExceeded", True),
    # recorded: test_catch_states_runtime (a catcher naming States.Runtime does not fire)
    (["States.Runtime"], "States.Runtime", False),
    # States.TaskFailed: everything but timeouts (recorded: test_raise_exception_catch)
    (["States.TaskFailed"], "Exception", True),
    (["States.TaskFailed"], "Lambda.Unknown", True),
    (["States.TaskFailed"], "States.Permissions", True),
    (["States.TaskFailed"], "States.Timeout", False),
    (["States.TaskFailed"], "States.HeartbeatTimeout", False),
    (["States.TaskFailed"], "States.Runtime", False),
    # States.Timeout also covers heartbeat timeouts; not the other way round
    (["States.Timeout"], "States.Timeout", True),
    (["States.Timeout"], "States.HeartbeatTimeout", True),
    (["States.Timeout"], "Exception", False),
    (["States.HeartbeatTimeout"], "States.HeartbeatTimeout", True),
    (["States.HeartbeatTimeout"], "States.Timeout", False),
    # a wildcard anywhere in the list counts
    (["ErrorA", "States.TaskFailed"], "ErrorZ", True),
]


@pytest.mark.parametrize(("error_equals", "error", "expected"), MATCH_TABLE)
def test_matches_table(error_equals: list[str], error: str, expected: bool) -> None:
    """Each ErrorEquals/error pair matches exactly as AWS documents or was recorded doing."""
    assert matches(error_equals, error) is expected


custom_names = st.text(alphabet="ABCabc.xyz_", min_size=1, max_size=8).filter(
    lambda name: not name.startswith("States.")
)


@given(error_equals=st.lists(custom_names, max_size=4), error=custom_names)
def test_custom_error_matches_only_by_name(error_equals: list[str], error: str) -> None:
    """Without wildcards, a custom error matches exactly when its name is listed."""
    assert matches(error_equals, error) is (error in error_equals)


@given(error_equals=st.lists(custom_names, max_size=3), error=custom_names)
def test_task_failed_matches_any_custom_error(error_equals: list[str], error: str) -> None:
    """Adding States.TaskFailed to a list makes it match every custom error."""
    assert matches([*error_equals, "States.TaskFailed"], error)


@given(error=custom_names)
def test_runtime_never_matched(error: str) -> None:
    """States.Runtime is matched by no list, however wide."""
    assert not matches([error, "States.ALL", "States.TaskFailed", "States.Runtime"], "States.Runtime")


@pytest.mark.parametrize(
    ("interval", "rate", "expected"),
    [
        (2, 2.0, [2.0, 4.0, 8.0]),
        (3, 1.5, [3.0, 4.5, 6.75]),
        (3, 1.0, [3.0, 3.0, 3.0]),
        (1, 2.0, [1.0, 2.0, 4.0]),
    ],
)
def test_backoff_schedule(interval: int, rate: float, expected: list[float]) -> None:
    """Without jitter the n-th retry waits IntervalSeconds * BackoffRate ** n."""
    rng = random.Random(0)
    assert [backoff_delay(interval, rate, n, None, "NONE", rng) for n in range(3)] == expected


def test_max_delay_caps_the_schedule() -> None:
    """MaxDelaySeconds caps each delay (IntervalSeconds 3, BackoffRate 2, MaxDelaySeconds 5)."""
    rng = random.Random(0)
    assert [backoff_delay(3, 2.0, n, 5, "NONE", rng) for n in range(4)] == [3.0, 5.0, 5.0, 5.0]


def test_huge_attempt_with_cap_does_not_overflow() -> None:
    """An attempt count far past float range still yields the cap."""
    assert backoff_delay(1, 2.0, 5000, 60, "NONE", random.Random(0)) == 60.0


def test_huge_attempt_without_cap_is_infinite() -> None:
    """Without MaxDelaySeconds an overflowing delay is infinite rather than an error."""
    assert backoff_delay(1, 2.0, 5000, None, "NONE", random.Random(0)) == float("inf")


def test_full_jitter_is_reproducible_with_a_seed() -> None:
    """Two RNGs with the same seed give the same jittered schedule."""
    first = [backoff_delay(2, 2.0, n, None, "FULL", random.Random(7)) for n in range(5)]
    second = [backoff_delay(2, 2.0, n, None, "FULL", random.Random(7)) for n in range(5)]
    assert first == second


def test_full_jitter_varies() -> None:
    """FULL jitter draws a fresh delay each time rather than a constant."""
    rng = random.Random(3)
    draws = {backoff_delay(10, 1.0, 0, None, "FULL", rng) for _ in range(20)}
    assert len(draws) > 1


def test_unknown_jitter_strategy_rejected() -> None:
    """A JitterStrategy other than FULL or NONE is a ValueError."""
    with pytest.raises(ValueError, match="JitterStrategy"):
        backoff_delay(1, 2.0, 0, None, "PARTIAL", random.Random(0))


def test_negative_attempt_rejected() -> None:
    """A negative attempt count is a ValueError."""
    with pytest.raises(ValueError, match="attempt"):
        backoff_delay(1, 2.0, -1, None, "NONE", random.Random(0))


intervals = st.integers(min_value=1, max_value=99_999_999)
rates = st.floats(min_value=1.0, max_value=10.0)
caps = st.none() | st.integers(min_value=1, max_value=31_622_400)


@given(interval=intervals, rate=rates, cap=caps, attempt=st.integers(min_value=0, max_value=400))
def test_delay_without_jitter_is_monotone(interval: int, rate: float, cap: int | None, attempt: int) -> None:
    """Without jitter, a later retry never waits less than an earlier one."""
    rng = random.Random(0)
    assert backoff_delay(interval, rate, attempt, cap, "NONE", rng) <= backoff_delay(
        interval, rate, attempt + 1, cap, "NONE", rng
    )


@given(
    interval=intervals,
    rate=rates,
    cap=st.integers(min_value=1, max_value=31_622_400),
    attempt=st.integers(min_value=0, max_value=400),
    jitter=st.sampled_from(["NONE", "FULL"]),
    seed=st.integers(min_value=0, max_value=2**32),
)
def test_delay_never_exceeds_cap(interval: int, rate: float, cap: int, attempt: int, jitter: str, seed: int) -> None:
    """No delay, jittered or not, exceeds MaxDelaySeconds."""
    assert 0 <= backoff_delay(interval, rate, attempt, cap, jitter, random.Random(seed)) <= cap


@given(
    interval=intervals,
    rate=rates,
    cap=caps,
    attempt=st.integers(min_value=0, max_value=60),
    seed=st.integers(min_value=0, max_value=2**32),
)
def test_full_jitter_within_unjittered_delay(
    interval: int, rate: float, cap: int | None, attempt: int, seed: int
) -> None:
    """FULL jitter stays within [0, the delay without jitter]."""
    exact = backoff_delay(interval, rate, attempt, cap, "NONE", random.Random(0))
    assert 0 <= backoff_delay(interval, rate, attempt, cap, "FULL", random.Random(seed)) <= exact


@given(
    st.integers(min_value=0, max_value=1000),
    st.floats(min_value=1.0, max_value=10.0),
    st.integers(min_value=0, max_value=40),
    st.one_of(st.none(), st.integers(min_value=1, max_value=3600)),
    st.sampled_from(["NONE", "FULL"]),
    st.integers(min_value=0, max_value=2**32),
)
def test_retrier_delay_is_backoff_delay_with_the_retriers_fields(
    interval: int, rate: float, attempt: int, cap: int | None, jitter: str, seed: int
) -> None:
    """retrier_delay (with its first-retry shortcut) gives what backoff_delay gives for the same fields and seed."""
    retrier = Retrier(("States.ALL",), interval, 3, rate, cap, jitter)
    expected = backoff_delay(interval, rate, attempt, cap, jitter, random.Random(seed))
    assert retrier_delay(retrier, attempt, random.Random(seed)) == expected
