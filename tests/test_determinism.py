"""Reproducible runs: with a seed, every random value of an execution repeats from run to run.

``States.UUID``, ``States.MathRandom``, JSONata's ``$uuid``, ``$random`` and ``$shuffle``,
full-jitter backoff, generated execution names and task tokens all draw from the execution's
random generator (``seed=`` or ``rng=``). With the same seed and a virtual clock starting at the
same instant, two runs give identical outputs and identical histories.
"""

from __future__ import annotations

import random
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

import asl
from asl.testing import Runner, VirtualClock

SQS = "arn:aws:states:::sqs:sendMessage"

RANDOM_EVERYWHERE: dict[str, Any] = {
    "StartAt": "Ids",
    "States": {
        "Ids": {
            "Type": "Pass",
            "Parameters": {
                "uuid.$": "States.UUID()",
                "number.$": "States.MathRandom(1, 1000000)",
                "name.$": "$$.Execution.Name",
            },
            "Next": "Lang",
        },
        "Lang": {
            "Type": "Pass",
            "QueryLanguage": "JSONata",
            "Output": {
                "ids": "{% $states.input %}",
                "uuid": "{% $uuid() %}",
                "random": "{% $random() %}",
                "shuffled": "{% $shuffle([1, 2, 3, 4, 5, 6, 7, 8]) %}",
            },
            "Next": "Each",
        },
        "Each": {
            "Type": "Map",
            "ItemsPath": "$.shuffled",
            "ResultPath": "$.each",
            "ItemProcessor": {
                "StartAt": "Item",
                "States": {"Item": {"Type": "Pass", "Parameters": {"uuid.$": "States.UUID()"}, "End": True}},
            },
            "Next": "Token",
        },
        "Token": {
            "Type": "Task",
            "Resource": SQS + ".waitForTaskToken",
            "Parameters": {"token.$": "$$.Task.Token"},
            "ResultPath": "$.token",
            "Next": "Jitter",
        },
        "Jitter": {
            "Type": "Task",
            "Resource": SQS,
            "Retry": [{"ErrorEquals": ["Busy"], "IntervalSeconds": 4, "MaxAttempts": 3, "JitterStrategy": "FULL"}],
            "ResultPath": "$.jitter",
            "End": True,
        },
    },
}


class BusyTwice:
    """An SQS stand-in that is busy for its first two calls."""

    def __init__(self) -> None:
        self.calls = 0

    def __call__(self, payload: Any) -> Any:
        self.calls += 1
        if self.calls <= 2:
            raise asl.StatesError("Busy", "try later")
        return {"MessageId": "m-1"}


def start(seed: int | None = None, **kw: Any) -> tuple[asl.Execution, list[float]]:
    """Run RANDOM_EVERYWHERE on a virtual clock at the epoch; the execution and its backoff sleeps."""
    clock = VirtualClock(start=0)
    resolvers = {"Token": lambda payload: payload, "Jitter": BusyTwice()}
    execution = asl.start(RANDOM_EVERYWHERE, {}, seed=seed, clock=clock, resolvers=resolvers, **kw)
    assert execution.status == "SUCCEEDED", (execution.error, execution.cause)
    return execution, clock.sleeps


def test_same_seed_gives_the_same_output() -> None:
    """Two runs with seed 7 give equal outputs (UUIDs, random numbers, shuffle, token)."""
    assert start(7)[0].output == start(7)[0].output


def test_same_seed_gives_the_same_history() -> None:
    """Two runs with seed 7 give equal history events, timestamps included."""
    assert start(7)[0].events == start(7)[0].events


def test_same_seed_gives_the_same_jitter() -> None:
    """Full-jitter backoff delays repeat with the seed, each within its cap (4 s, then 8 s)."""
    first, second = start(7)[1], start(7)[1]
    assert first == second
    assert len(first) == 2 and 0 <= first[0] <= 4 and 0 <= first[1] <= 8


def test_different_seeds_differ() -> None:
    """Seeds 1 and 2 give different UUIDs, execution names and tokens."""
    one, two = start(1)[0].output, start(2)[0].output
    assert one["uuid"] != two["uuid"]
    assert one["ids"]["uuid"] != two["ids"]["uuid"]
    assert one["ids"]["name"] != two["ids"]["name"]
    assert one["token"]["token"] != two["token"]["token"]


def test_no_seed_differs_between_runs() -> None:
    """Without a seed, random values are fresh each run."""
    assert start()[0].output["uuid"] != start()[0].output["uuid"]


def test_generated_execution_name_repeats() -> None:
    """The generated execution name (and so its ARN) repeats with the seed."""
    one, two = start(3)[0], start(3)[0]
    assert (one.name, one.arn) == (two.name, two.arn)


def test_rng_is_the_same_as_seed() -> None:
    """rng=random.Random(5) draws exactly what seed=5 draws."""
    assert start(rng=random.Random(5))[0].output == start(5)[0].output


def test_map_iterations_draw_in_a_repeatable_order() -> None:
    """UUIDs drawn by concurrent Map iterations repeat item by item."""
    assert start(11)[0].output["each"] == start(11)[0].output["each"]


def test_runner_is_deterministic_by_default() -> None:
    """Runner runs use seed 0 and a clock at a fixed start, so two runners give equal histories."""
    resolvers = {"Token": lambda payload: payload, "Jitter": lambda payload: {"MessageId": "m"}}
    first = Runner(resolvers=resolvers).run(RANDOM_EVERYWHERE, {})
    second = Runner(resolvers=resolvers).run(RANDOM_EVERYWHERE, {})
    assert first.status == "SUCCEEDED"
    assert first.events == second.events


@settings(max_examples=10, deadline=None)
@given(st.integers(min_value=0, max_value=2**64))
def test_any_seed_repeats(seed: int) -> None:
    """For any seed, two runs of a machine using every random source are identical."""
    first, second = start(seed), start(seed)
    assert (first[0].output, first[0].events, first[1]) == (second[0].output, second[0].events, second[1])


LAMBDA: dict[str, Any] = {
    "StartAt": "Call",
    "States": {
        "Call": {
            "Type": "Task",
            "Resource": "arn:aws:states:::lambda:invoke",
            "Parameters": {"FunctionName": "f", "Payload": {}},
            "Retry": [{"ErrorEquals": ["ValueError"], "IntervalSeconds": 1}],
            "End": True,
        }
    },
}


def test_lambda_request_ids_repeat_with_the_seed() -> None:
    """The lambda:invoke envelope and a Python error's cause repeat with the seed."""

    def histories() -> Any:
        calls = []

        def flaky(payload: Any) -> Any:
            calls.append(1)
            if len(calls) == 1:
                raise ValueError("first call fails")
            return {"ok": True}

        return asl.start(LAMBDA, {}, seed=1, clock=VirtualClock(start=0), resolvers={"Call": flaky}).events

    assert histories() == histories()
