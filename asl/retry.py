"""Retry and Catch policy, pure: which errors an ``ErrorEquals`` list matches, and backoff delays.

No I/O and no clock here: the executor keeps one attempt counter per retrier, asks
:func:`backoff_delay` how long to wait and sleeps on its own clock.

How AWS matches an error name against ``ErrorEquals`` (one rule for retriers and catchers):

* an exact name matches itself (names are case-sensitive);
* ``States.ALL`` matches every error;
* ``States.TaskFailed`` matches every error except a timeout (``States.Timeout``, and
  ``States.HeartbeatTimeout`` which is a kind of it);
* ``States.Timeout`` also matches ``States.HeartbeatTimeout``: before AWS added the
  heartbeat error, ``States.Timeout`` was how one caught heartbeat failures;
* ``States.Runtime`` is matched by nothing, not even by naming it: AWS fails the execution
  (the recorded ``test_catch_states_runtime`` case has a ``["States.Runtime"]`` catcher
  that does not fire).

``States.DataLimitExceeded``, when a task reports it, is matched like any other error
(recorded on AWS: a ``States.ALL`` catcher catches a Lambda result over the size limit).
The AWS guide calls it terminal and not catchable by ``States.ALL``; that concerns the
executor's own payload checks, which must fail the execution without asking any matcher.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

from .errors import ALL, HEARTBEAT_TIMEOUT, RUNTIME, TASK_FAILED, TIMEOUT

if TYPE_CHECKING:
    import random
    from collections.abc import Callable, Sequence

    from .states import Retrier

__all__ = ["JITTER_STRATEGIES", "UNMATCHABLE_ERRORS", "backoff_delay", "matches", "retrier_delay"]

#: Errors no ``ErrorEquals`` matches: they always fail the execution.
UNMATCHABLE_ERRORS: Final = frozenset({RUNTIME})

_TIMEOUTS: Final = frozenset({TIMEOUT, HEARTBEAT_TIMEOUT})

#: Names in ``ErrorEquals`` that match more than themselves: name -> does it match this error?
_WIDE_NAMES: Final[dict[str, Callable[[str], bool]]] = {
    ALL: lambda error: True,
    TASK_FAILED: lambda error: error not in _TIMEOUTS,
    TIMEOUT: lambda error: error in _TIMEOUTS,
}


def _matches_one(name: str, error: str) -> bool:
    """Whether the single ``ErrorEquals`` entry ``name`` matches ``error``."""
    wide = _WIDE_NAMES.get(name)
    return wide(error) if wide is not None else name == error


def matches(error_equals: Sequence[str], error: str) -> bool:
    """Whether a retrier's or catcher's ``ErrorEquals`` list matches the error named ``error``."""
    if error in UNMATCHABLE_ERRORS:
        return False
    return any(_matches_one(name, error) for name in error_equals)


def _no_jitter(delay: float, rng: random.Random) -> float:
    return delay


def _full_jitter(delay: float, rng: random.Random) -> float:
    return rng.uniform(0.0, delay)


#: ``JitterStrategy`` -> how it turns the computed delay into the actual one.
JITTER_STRATEGIES: Final[dict[str, Callable[[float, random.Random], float]]] = {
    "NONE": _no_jitter,
    "FULL": _full_jitter,
}


def backoff_delay(
    interval_seconds: float,
    backoff_rate: float,
    attempt: int,
    max_delay_seconds: float | None,
    jitter: str,
    rng: random.Random,
) -> float:
    """Seconds to wait before a retry.

    ``attempt`` is how many retries this retrier already made (0 before its first retry).
    The delay is ``interval_seconds * backoff_rate ** attempt``, capped at
    ``max_delay_seconds`` when given; ``"FULL"`` jitter then draws uniformly from
    ``[0, delay]`` with ``rng``, ``"NONE"`` keeps it exact.
    """
    if attempt < 0:
        raise ValueError(f"attempt must be >= 0, got {attempt}")
    apply_jitter = JITTER_STRATEGIES.get(jitter)
    if apply_jitter is None:
        raise ValueError(f"unknown JitterStrategy {jitter!r}; expected one of {sorted(JITTER_STRATEGIES)}")
    delay = _exponential(float(interval_seconds), float(backoff_rate), attempt, max_delay_seconds)
    return apply_jitter(delay, rng)


def retrier_delay(retrier: Retrier, attempt: int, rng: random.Random) -> float:
    """:func:`backoff_delay` with a retrier's fields: seconds before its retry number ``attempt`` + 1."""
    if retrier.jitter_strategy == "NONE":  # (perf) no draw: the capped exponential, the first one the interval
        interval = float(retrier.interval_seconds)
        delay = interval if attempt == 0 else _exponential(interval, float(retrier.backoff_rate), attempt, None)
        cap = retrier.max_delay_seconds
        return delay if cap is None else min(delay, float(cap))
    return backoff_delay(
        retrier.interval_seconds,
        retrier.backoff_rate,
        attempt,
        retrier.max_delay_seconds,
        retrier.jitter_strategy,
        rng,
    )


def _exponential(interval: float, rate: float, attempt: int, cap: float | None) -> float:
    """``interval * rate ** attempt`` capped at ``cap``, without overflowing on huge attempts."""
    try:
        delay = interval * rate**attempt
    except OverflowError:
        delay = float("inf") if interval > 0 else 0.0
    return delay if cap is None else min(delay, float(cap))
