"""Retry and Catch on Task states: matching, counters, backoff schedules, jitter and error output.

Rules from the AWS guide ("Handling errors in Step Functions workflows") and the States
Language spec; backoff schedules are read from ``VirtualClock.sleeps``.
"""

from __future__ import annotations

from typing import Any

import anyio
import pytest

import asl

from ._helpers import Scripted, chain, clock, fail, run, single, task


def _always(error: str = "Boom", cause: str | None = "c") -> Scripted:
    return Scripted(asl.StatesError(error, cause))


def _retry_schedule(retry: list[dict[str, Any]], resolver: Scripted | None = None, **kw: Any) -> list[float]:
    """The sleeps a Task with ``retry`` asks for when every attempt fails."""
    the_clock = clock()
    fail(single(task(Retry=retry)), {}, resolvers={"S": resolver or _always()}, clock=the_clock, **kw)
    return the_clock.sleeps


# -- which retrier --------------------------------------------------------------------------


def test_first_matching_retrier_wins() -> None:
    """Only the first retrier whose ErrorEquals matches is used, even after it is exhausted."""
    retry = [
        {"ErrorEquals": ["Boom"], "IntervalSeconds": 7, "MaxAttempts": 1},
        {"ErrorEquals": ["States.ALL"], "IntervalSeconds": 3, "MaxAttempts": 5},
    ]
    resolver = _always()
    assert (_retry_schedule(retry, resolver), resolver.count) == ([7], 2)


def test_non_matching_retrier_is_skipped() -> None:
    """A retrier whose ErrorEquals does not match is passed over for a later one."""
    retry = [
        {"ErrorEquals": ["Other"], "IntervalSeconds": 7, "MaxAttempts": 3},
        {"ErrorEquals": ["Boom"], "IntervalSeconds": 3, "MaxAttempts": 1},
    ]
    assert _retry_schedule(retry) == [3]


def test_counters_are_per_retrier() -> None:
    """Each retrier counts its own attempts and backs off from its own interval."""
    retry = [
        {"ErrorEquals": ["A"], "IntervalSeconds": 1, "BackoffRate": 2, "MaxAttempts": 2},
        {"ErrorEquals": ["B"], "IntervalSeconds": 10, "BackoffRate": 3, "MaxAttempts": 2},
    ]
    errors = [asl.StatesError("A"), asl.StatesError("B"), asl.StatesError("A"), asl.StatesError("B")]
    resolver = Scripted(*errors, "done")
    the_clock = clock()
    out = run(single(task(Retry=retry)), {}, resolvers={"S": resolver}, clock=the_clock)
    assert (out, the_clock.sleeps) == ("done", [1, 10, 2, 30])


def test_max_attempts_zero_never_retries() -> None:
    """MaxAttempts: 0 means the error is never retried."""
    resolver = _always()
    sleeps = _retry_schedule([{"ErrorEquals": ["States.ALL"], "MaxAttempts": 0}], resolver)
    assert (sleeps, resolver.count) == ([], 1)


def test_retry_succeeds_after_failures() -> None:
    """A task that fails twice then succeeds gives the successful result."""
    resolver = Scripted(asl.StatesError("Flaky"), asl.StatesError("Flaky"), {"ok": True})
    retry = [{"ErrorEquals": ["Flaky"], "MaxAttempts": 2}]
    assert run(single(task(Retry=retry)), {}, resolvers={"S": resolver}) == {"ok": True}


def test_exhausted_retries_fail_with_last_error() -> None:
    """When retries run out the execution fails with the last attempt's error and cause."""
    resolver = Scripted(asl.StatesError("Flaky", "first"), asl.StatesError("Flaky", "last"))
    err = fail(single(task(Retry=[{"ErrorEquals": ["Flaky"], "MaxAttempts": 1}])), {}, resolvers={"S": resolver})
    assert (err.error, err.cause) == ("Flaky", "last")


# -- backoff schedules ----------------------------------------------------------------------


def test_backoff_schedule() -> None:
    """IntervalSeconds 2, BackoffRate 2.0, MaxAttempts 3 waits 2, 4 then 8 seconds."""
    retry = [{"ErrorEquals": ["States.ALL"], "IntervalSeconds": 2, "BackoffRate": 2.0, "MaxAttempts": 3}]
    resolver = _always()
    assert (_retry_schedule(retry, resolver), resolver.count) == ([2, 4, 8], 4)


def test_default_retrier_values() -> None:
    """Defaults are IntervalSeconds 1, BackoffRate 2.0 and MaxAttempts 3."""
    assert _retry_schedule([{"ErrorEquals": ["States.ALL"]}]) == [1, 2, 4]


def test_backoff_rate_one_keeps_interval() -> None:
    """BackoffRate 1 waits IntervalSeconds before every retry."""
    retry = [{"ErrorEquals": ["States.ALL"], "IntervalSeconds": 5, "BackoffRate": 1, "MaxAttempts": 3}]
    assert _retry_schedule(retry) == [5, 5, 5]


def test_max_delay_seconds_caps_backoff() -> None:
    """MaxDelaySeconds caps each computed delay."""
    retry = [
        {"ErrorEquals": ["States.ALL"], "IntervalSeconds": 2, "BackoffRate": 3, "MaxAttempts": 4, "MaxDelaySeconds": 10}
    ]
    assert _retry_schedule(retry) == [2, 6, 10, 10]


_JITTER = [
    {"ErrorEquals": ["States.ALL"], "IntervalSeconds": 4, "BackoffRate": 2, "MaxAttempts": 3, "JitterStrategy": "FULL"}
]


def test_full_jitter_stays_within_computed_delay() -> None:
    """FULL jitter draws each delay between 0 and the computed backoff (4, 8, 16)."""
    sleeps = _retry_schedule(_JITTER, seed=1)
    assert len(sleeps) == 3
    assert all(0 <= s <= bound for s, bound in zip(sleeps, [4, 8, 16], strict=True))


def test_full_jitter_reproducible_with_seed() -> None:
    """The same seed gives the same jittered schedule."""
    assert _retry_schedule(_JITTER, seed=42) == _retry_schedule(_JITTER, seed=42)


def test_full_jitter_varies_delays() -> None:
    """Across seeds FULL jitter does not always give the computed backoff."""
    schedules = {tuple(_retry_schedule(_JITTER, seed=seed)) for seed in range(5)}
    assert schedules != {(4.0, 8.0, 16.0)}


def test_full_jitter_respects_max_delay() -> None:
    """With FULL jitter every delay stays at or below MaxDelaySeconds."""
    retry = [{**_JITTER[0], "MaxDelaySeconds": 5}]
    assert all(0 <= s <= 5 for s in _retry_schedule(retry, seed=3))


# -- matching -------------------------------------------------------------------------------


def test_states_all_catches_custom_error() -> None:
    """A States.ALL catcher catches a custom error; the handler gets {Error, Cause}."""
    definition = chain(
        ("T", task(Catch=[{"ErrorEquals": ["States.ALL"], "Next": "H"}], End=True)),
        ("H", {"Type": "Pass"}),
    )
    resolver = _always("MyError", "boom")
    assert run(definition, {"in": 1}, resolvers={"T": resolver}) == {"Error": "MyError", "Cause": "boom"}


def _runtime_failing_task(**fields: Any) -> dict[str, Any]:
    return chain(
        ("T", task(OutputPath="$.no.such", End=True, **fields)),
        ("H", {"Type": "Pass", "Result": "caught"}),
    )


def test_states_all_does_not_catch_runtime() -> None:
    """A States.ALL catcher does not catch States.Runtime: the execution fails."""
    definition = _runtime_failing_task(Catch=[{"ErrorEquals": ["States.ALL"], "Next": "H"}])
    assert fail(definition, {}, resolvers={"T": Scripted({})}).error == "States.Runtime"


def test_states_all_does_not_retry_runtime() -> None:
    """A States.ALL retrier does not retry States.Runtime."""
    resolver = Scripted({})
    definition = single(
        task(OutputPath="$.no.such", Retry=[{"ErrorEquals": ["States.ALL"], "MaxAttempts": 3}]), name="T"
    )
    fail(definition, {}, resolvers={"T": resolver})
    assert resolver.count == 1


def test_explicit_states_runtime_catcher_does_not_catch() -> None:
    """Naming States.Runtime in a catcher does not catch it (recorded: test_catch_states_runtime)."""
    definition = _runtime_failing_task(Catch=[{"ErrorEquals": ["States.Runtime"], "Next": "H"}])
    err = fail(definition, {}, resolvers={"T": Scripted({})})
    assert err.error == "States.Runtime"


def test_task_failed_matches_resolver_error() -> None:
    """States.TaskFailed catches an error raised by the resolver."""

    def resolver(_payload: Any) -> Any:
        raise ValueError("nope")

    definition = chain(
        ("T", task(Catch=[{"ErrorEquals": ["States.TaskFailed"], "Next": "H"}], End=True)),
        ("H", {"Type": "Pass", "OutputPath": "$.Error"}),
    )
    assert run(definition, {}, resolvers={"T": resolver}) == "ValueError"


async def _slow(_payload: Any) -> Any:
    await anyio.sleep(600)
    return "late"


def test_task_failed_does_not_catch_timeout() -> None:
    """States.TaskFailed does not match States.Timeout."""
    definition = chain(
        ("T", task(TimeoutSeconds=1, Catch=[{"ErrorEquals": ["States.TaskFailed"], "Next": "H"}], End=True)),
        ("H", {"Type": "Pass", "Result": "caught"}),
    )
    assert fail(definition, {}, resolvers={"T": _slow}).error == "States.Timeout"


def test_task_failed_does_not_retry_timeout() -> None:
    """A States.TaskFailed retrier does not retry a timeout."""
    calls: list[int] = []

    async def slow(_payload: Any) -> Any:
        calls.append(1)
        await anyio.sleep(600)

    definition = single(task(TimeoutSeconds=1, Retry=[{"ErrorEquals": ["States.TaskFailed"], "MaxAttempts": 3}]))
    fail(definition, {}, resolvers={"S": slow})
    assert len(calls) == 1


def test_states_all_catches_timeout() -> None:
    """States.ALL does catch States.Timeout."""
    definition = chain(
        ("T", task(TimeoutSeconds=1, Catch=[{"ErrorEquals": ["States.ALL"], "Next": "H"}], End=True)),
        ("H", {"Type": "Pass", "OutputPath": "$.Error"}),
    )
    assert run(definition, {}, resolvers={"T": _slow}) == "States.Timeout"


def _catching(errors: list[str], **catcher: Any) -> dict[str, Any]:
    return chain(
        ("T", task(Catch=[{"ErrorEquals": errors, "Next": "H", **catcher}], End=True)),
        ("H", {"Type": "Pass"}),
    )


def test_error_names_are_case_sensitive() -> None:
    """ErrorEquals matches error names case-sensitively."""
    definition = _catching(["boom"])
    assert fail(definition, {}, resolvers={"T": _always("Boom")}).error == "Boom"


# -- Catch ----------------------------------------------------------------------------------


def test_catch_resultpath_places_error_output() -> None:
    """Catch ResultPath puts {Error, Cause} into the state input."""
    definition = _catching(["Boom"], ResultPath="$.err")
    out = run(definition, {"orig": 1}, resolvers={"T": _always("Boom", "why")})
    assert out == {"orig": 1, "err": {"Error": "Boom", "Cause": "why"}}


def test_catch_resultpath_null_keeps_input() -> None:
    """Catch ResultPath: null passes the original input to the handler."""
    definition = _catching(["Boom"], ResultPath=None)
    assert run(definition, {"orig": 1}, resolvers={"T": _always("Boom")}) == {"orig": 1}


def test_catch_ignores_task_inputpath() -> None:
    """The catcher's ResultPath applies to the raw state input, not InputPath's selection."""
    definition = chain(
        ("T", task(InputPath="$.part", Catch=[{"ErrorEquals": ["Boom"], "Next": "H", "ResultPath": "$.e"}], End=True)),
        ("H", {"Type": "Pass"}),
    )
    out = run(definition, {"part": 1, "other": 2}, resolvers={"T": _always("Boom", "c")})
    assert out == {"part": 1, "other": 2, "e": {"Error": "Boom", "Cause": "c"}}


def test_catcher_next_is_followed() -> None:
    """After a catch the execution continues at the catcher's Next, skipping the task's Next."""
    definition = chain(
        ("T", task(Catch=[{"ErrorEquals": ["Boom"], "Next": "Handler"}], Next="Normal")),
        ("Normal", {"Type": "Pass", "Result": "normal", "End": True}),
        ("Handler", {"Type": "Pass", "Result": "handled", "End": True}),
    )
    assert run(definition, {}, resolvers={"T": _always("Boom")}) == "handled"


def test_first_matching_catcher_wins() -> None:
    """With several catchers the first whose ErrorEquals matches is used."""
    definition = chain(
        (
            "T",
            task(
                Catch=[
                    {"ErrorEquals": ["Other"], "Next": "A"},
                    {"ErrorEquals": ["Boom"], "Next": "B"},
                    {"ErrorEquals": ["States.ALL"], "Next": "C"},
                ],
                End=True,
            ),
        ),
        ("A", {"Type": "Pass", "Result": "A", "End": True}),
        ("B", {"Type": "Pass", "Result": "B", "End": True}),
        ("C", {"Type": "Pass", "Result": "C", "End": True}),
    )
    assert run(definition, {}, resolvers={"T": _always("Boom")}) == "B"


def test_catch_applies_after_retries_exhausted() -> None:
    """When retries are exhausted a matching catcher handles the error."""
    resolver = _always("Boom", "c")
    definition = chain(
        (
            "T",
            task(
                Retry=[{"ErrorEquals": ["Boom"], "MaxAttempts": 2}],
                Catch=[{"ErrorEquals": ["Boom"], "Next": "H"}],
                End=True,
            ),
        ),
        ("H", {"Type": "Pass", "Result": "handled"}),
    )
    out = run(definition, {}, resolvers={"T": resolver})
    assert (out, resolver.count) == ("handled", 3)


def test_uncaught_error_fails_execution() -> None:
    """An error no catcher matches fails the execution with that error."""
    err = fail(_catching(["Other"]), {}, resolvers={"T": _always("Boom", "why")})
    assert (err.status, err.error, err.cause) == ("FAILED", "Boom", "why")


# -- $$.State.RetryCount ----------------------------------------------------------------------


def test_retry_count_visible_in_task_call_context() -> None:
    """$$.State.RetryCount is 0, 1, 2 in the resolver's context over two retries."""
    resolver = Scripted(asl.StatesError("Flaky"), asl.StatesError("Flaky"), "ok")
    run(single(task(Retry=[{"ErrorEquals": ["Flaky"], "MaxAttempts": 2}])), {}, resolvers={"S": resolver})
    assert [c["State"]["RetryCount"] for c in resolver.contexts] == [0, 1, 2]


def test_retry_count_in_parameters() -> None:
    """A Parameters template reads $$.State.RetryCount of the current attempt."""
    resolver = Scripted(asl.StatesError("Flaky"), "ok")
    definition = single(
        task(Parameters={"n.$": "$$.State.RetryCount"}, Retry=[{"ErrorEquals": ["Flaky"], "MaxAttempts": 1}])
    )
    run(definition, {}, resolvers={"S": resolver})
    assert resolver.payloads == [{"n": 0}, {"n": 1}]


@pytest.mark.parametrize("error", ["States.ALL", "States.TaskFailed", "Boom"])
def test_retrier_matches_by_name_or_wildcard(error: str) -> None:
    """A retrier naming the error, States.TaskFailed or States.ALL retries a resolver error."""
    resolver = Scripted(asl.StatesError("Boom"), "ok")
    definition = single(task(Retry=[{"ErrorEquals": [error], "MaxAttempts": 1}]))
    assert run(definition, {}, resolvers={"S": resolver}) == "ok"
