"""Faults: hanging resolvers, BaseExceptions, cancellation from outside, and nothing mutated.

* A resolver that never returns is bounded by the Task's ``TimeoutSeconds`` (``States.Timeout``).
* A resolver raising a ``BaseException`` that is not an ``Exception`` (KeyboardInterrupt,
  SystemExit, a CancelledError of its own) is neither retried, caught nor turned into a task
  failure: it leaves ``asl.run`` bare (never inside an ExceptionGroup), after every other
  branch and iteration has stopped.
* Cancelling ``asl.run_async`` from outside stops every branch and iteration; no task is
  left running, even in a loop of states that never waits.
* Nothing the caller passes (input, context, definition, mock configuration) is changed, and
  resolvers get copies they may change freely (and may change what they returned).
"""

from __future__ import annotations

import asyncio
import copy
import time
from typing import Any

import anyio
import pytest

import asl
from asl.testing import VirtualClock

RESOURCE = "arn:aws:states:::aws-sdk:dynamodb:getItem"
PASS_END = {"Type": "Pass", "End": True}


def task(name: str = "T", **fields: Any) -> dict[str, Any]:
    """A Task state (End unless Next is given)."""
    state = {"Type": "Task", "Resource": RESOURCE, **fields}
    if "Next" not in state:
        state["End"] = True
    return state


def one(state: dict[str, Any], name: str = "T") -> dict[str, Any]:
    """A machine made of one state."""
    return {"StartAt": name, "States": {name: state}}


def parallel(*branches: dict[str, Any], **fields: Any) -> dict[str, Any]:
    """A machine made of one Parallel state."""
    return one({"Type": "Parallel", "Branches": list(branches), "End": True, **fields}, "P")


def mapped(processor: dict[str, Any], **fields: Any) -> dict[str, Any]:
    """A machine made of one Map state over its input."""
    return one({"Type": "Map", "ItemProcessor": processor, "End": True, **fields}, "M")


async def hang(_payload: Any) -> Any:
    """A resolver that never returns."""
    await anyio.sleep_forever()


# -- a resolver that hangs -----------------------------------------------------------------------


def test_hanging_resolver_times_out_in_virtual_time() -> None:
    """TimeoutSeconds 3600 ends a resolver that never returns: States.Timeout, one virtual hour, no real wait."""
    clock = VirtualClock()
    began, real = clock.now(), time.monotonic()
    execution = asl.start(one(task(TimeoutSeconds=3600)), {}, resolvers={"T": hang}, clock=clock)
    assert (execution.status, execution.error) == ("FAILED", "States.Timeout")
    assert clock.now() - began == pytest.approx(3600, abs=1)
    assert time.monotonic() - real < 5


def test_hanging_resolver_times_out_in_real_time() -> None:
    """TimeoutSeconds 1 under the real clock ends a hanging resolver after about a second."""
    began = time.monotonic()
    execution = asl.start(one(task(TimeoutSeconds=1)), {}, resolvers={"T": hang})
    assert execution.error == "States.Timeout"
    assert 0.9 < time.monotonic() - began < 10


def test_hanging_resolver_timeout_is_retried_then_caught() -> None:
    """A timed-out attempt is retried (States.Timeout) and finally caught like any task error."""
    calls: list[int] = []

    async def counted(_payload: Any) -> Any:
        calls.append(1)
        await anyio.sleep_forever()

    state = task(
        TimeoutSeconds=5,
        Retry=[{"ErrorEquals": ["States.Timeout"], "MaxAttempts": 2, "IntervalSeconds": 1}],
        Catch=[{"ErrorEquals": ["States.ALL"], "Next": "Caught"}],
    )
    definition = {"StartAt": "T", "States": {"T": state, "Caught": PASS_END}}
    output = asl.run(definition, {}, resolvers={"T": counted}, clock=VirtualClock())
    assert (len(calls), output["Error"]) == (3, "States.Timeout")


def test_hanging_iterations_each_time_out() -> None:
    """Every Map iteration whose resolver hangs times out; a Catch on the Map gets States.Timeout."""
    processor = one(task(TimeoutSeconds=2))
    definition = {
        "StartAt": "M",
        "States": {
            "M": {
                "Type": "Map",
                "ItemProcessor": processor,
                "Catch": [{"ErrorEquals": ["States.Timeout"], "Next": "Caught"}],
                "End": True,
            },
            "Caught": PASS_END,
        },
    }
    output = asl.run(definition, [1, 2, 3], resolvers={"T": hang}, clock=VirtualClock())
    assert output == {"Error": "States.Timeout"}


# -- BaseExceptions from a resolver ----------------------------------------------------------------

RAISED = [KeyboardInterrupt, SystemExit, asyncio.CancelledError]


def _retrying_task() -> dict[str, Any]:
    return task(
        Retry=[{"ErrorEquals": ["States.ALL"], "MaxAttempts": 3}],
        Catch=[{"ErrorEquals": ["States.ALL"], "Next": "Caught"}],
    )


def _placements() -> dict[str, dict[str, Any]]:
    caught = {"Caught": PASS_END}
    return {
        "top": {"StartAt": "T", "States": {"T": _retrying_task(), **caught}},
        "parallel": {
            "StartAt": "P",
            "States": {
                "P": {
                    "Type": "Parallel",
                    "Branches": [
                        {"StartAt": "T", "States": {"T": {**_retrying_task(), "Catch": []}}},
                        {"StartAt": "Other", "States": {"Other": task()}},
                    ],
                    "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Caught"}],
                    "End": True,
                },
                **caught,
            },
        },
        "map": {
            "StartAt": "M",
            "States": {
                "M": {
                    "Type": "Map",
                    "ItemProcessor": {"StartAt": "T", "States": {"T": {**_retrying_task(), "Catch": []}}},
                    "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Caught"}],
                    "End": True,
                },
                **caught,
            },
        },
    }


@pytest.mark.parametrize("exception", RAISED, ids=lambda e: e.__name__)
@pytest.mark.parametrize("where", ["top", "parallel", "map"])
def test_base_exception_propagates_bare(exception: type[BaseException], where: str) -> None:
    """The BaseException leaves asl.run itself: not retried, not caught, not in an ExceptionGroup."""
    calls: list[int] = []

    def boom(_payload: Any) -> Any:
        calls.append(1)
        raise exception("from the resolver")

    with pytest.raises(exception, match="from the resolver"):
        asl.run(_placements()[where], [1], resolvers={"T": boom, "Other": hang}, clock=VirtualClock())
    assert len(calls) == 1


@pytest.mark.parametrize("exception", RAISED, ids=lambda e: e.__name__)
def test_base_exception_stops_sibling_branches(exception: type[BaseException]) -> None:
    """When one branch raises a BaseException, the sibling branch's resolver is cancelled and cleaned up."""
    events: list[str] = []

    async def sibling(_payload: Any) -> Any:
        events.append("sibling started")
        try:
            await anyio.sleep_forever()
        finally:
            events.append("sibling stopped")

    async def boom(_payload: Any) -> Any:
        await anyio.sleep(1)
        raise exception("boom")

    definition = parallel(one(task(), "Boom"), one(task(), "Sibling"))
    with pytest.raises(exception):
        asl.run(definition, {}, resolvers={"Boom": boom, "Sibling": sibling}, clock=VirtualClock())
    assert events == ["sibling started", "sibling stopped"]


# -- cancellation from outside ---------------------------------------------------------------------


def _wide_definition() -> dict[str, Any]:
    """A Parallel of a Map (five iterations) and a plain task: six resolver calls at once."""
    return parallel(mapped(one(task(), "InMap")), one(task(), "Alone"))


def test_cancelling_run_async_stops_every_branch_and_iteration() -> None:
    """A cancel scope around run_async stops all six running resolvers and leaves no task behind."""
    started: list[str] = []
    stopped: list[str] = []

    async def slow(payload: Any, call: asl.TaskCall) -> Any:
        started.append(call.state_name)
        try:
            await anyio.sleep_forever()
        finally:
            stopped.append(call.state_name)

    async def main() -> tuple[bool, int]:
        with anyio.move_on_after(0.5) as scope:
            await asl.run_async(_wide_definition(), [1, 2, 3, 4, 5], resolvers={"InMap": slow, "Alone": slow})
        await anyio.sleep(0)
        return scope.cancelled_caught, len(asyncio.all_tasks())

    cancelled, tasks_left = anyio.run(main)
    assert cancelled
    assert sorted(started) == ["Alone"] + ["InMap"] * 5
    assert sorted(stopped) == sorted(started)
    assert tasks_left == 1  # main itself


def test_cancelling_a_loop_that_never_waits() -> None:
    """An endless Pass/Choice loop (no Wait, no Task) is still cancelled from outside within a second."""
    definition = {
        "StartAt": "A",
        "States": {
            "A": {"Type": "Pass", "Next": "B"},
            "B": {"Type": "Choice", "Choices": [{"Variable": "$.stop", "IsPresent": True, "Next": "E"}],
                  "Default": "A"},
            "E": {"Type": "Succeed"},
        },
    }

    async def main() -> bool:
        with anyio.move_on_after(0.3) as scope:
            await asl.run_async(definition, {})
        return scope.cancelled_caught

    began = time.monotonic()
    assert anyio.run(main)
    assert time.monotonic() - began < 5


def test_cancelled_execution_does_not_leak_into_the_next() -> None:
    """After a cancelled run_async, a new run on the same loop succeeds normally."""
    async def main() -> Any:
        with anyio.move_on_after(0.2):
            await asl.run_async(one(task()), {}, resolvers={"T": hang})
        return await asl.run_async(one(task()), {"v": 1}, resolvers={"T": lambda p: p})

    assert anyio.run(main) == {"v": 1}


# -- nothing mutated ---------------------------------------------------------------------------------


def _vandal(payload: Any) -> Any:
    """A resolver that changes everything it is given, then returns part of it."""
    if isinstance(payload, dict):
        for value in list(payload.values()):
            if isinstance(value, list):
                value.append("vandal")
            if isinstance(value, dict):
                value["vandal"] = True
        payload["vandal"] = True
    return {"got": payload}


JSONPATH_STATES: dict[str, dict[str, Any]] = {
    "task": one(task(ResultPath="$.r")),
    "task-parameters": one(task(Parameters={"deep.$": "$.deep", "list.$": "$.list"}, ResultPath="$.r")),
    "parallel": parallel(one(task()), one(task(), "T2"), ResultPath="$.r"),
    "map": mapped(one(task()), ItemsPath="$.list", ItemSelector={"item.$": "$$.Map.Item.Value", "deep.$": "$.deep"},
                  ResultPath="$.r"),
    "pass-choice-wait": {
        "StartAt": "P",
        "States": {
            "P": {"Type": "Pass", "Parameters": {"d.$": "$.deep"}, "ResultPath": "$.p", "Next": "C"},
            "C": {"Type": "Choice", "Choices": [{"Variable": "$.deep.x", "NumericEquals": 1, "Next": "W"}],
                  "Default": "W"},
            "W": {"Type": "Wait", "Seconds": 1, "Next": "T"},
            "T": task(ResultPath="$.r"),
        },
    },
}

JSONATA_STATES: dict[str, dict[str, Any]] = {
    "task": {**one(task(Output="{% $merge([$states.input, {'r': $states.result}]) %}")), "QueryLanguage": "JSONata"},
    "task-arguments": {
        **one(task(Arguments={"deep": "{% $states.input.deep %}", "list": "{% $states.input.list %}"},
                   Assign={"kept": "{% $states.input.deep %}"})),
        "QueryLanguage": "JSONata",
    },
    "parallel": {**parallel(one(task()), one(task(), "T2")), "QueryLanguage": "JSONata"},
    "map": {
        **mapped(one(task()), Items="{% $states.input.list %}",
                 ItemSelector={"item": "{% $states.context.Map.Item.Value %}", "deep": "{% $states.input.deep %}"}),
        "QueryLanguage": "JSONata",
    },
}


def _input() -> dict[str, Any]:
    return {"deep": {"x": 1, "inner": [1, {"y": 2}]}, "list": [{"a": 1}, {"a": 2}]}


@pytest.mark.parametrize("name", list(JSONPATH_STATES) + [f"jsonata-{k}" for k in JSONATA_STATES])
def test_vandal_resolver_changes_nothing_of_the_callers(name: str) -> None:
    """With a resolver that mutates its payload, the caller's input, context and definition are unchanged."""
    definition = JSONATA_STATES[name[8:]] if name.startswith("jsonata-") else JSONPATH_STATES[name]
    data, context = _input(), {"Execution": {"Name": "n"}, "Extra": {"list": [1]}}
    saved = copy.deepcopy((definition, data, context))
    resolvers = {"T": _vandal, "T2": _vandal}
    execution = asl.start(definition, data, resolvers=resolvers, context=context, clock=VirtualClock())
    assert execution.status == "SUCCEEDED", execution.cause
    assert (definition, data, context) == saved


def test_vandal_resolver_does_not_change_the_state_input() -> None:
    """ResultPath merges the result into the input as it was, not as the resolver left its copy."""
    output = asl.run(one(task(ResultPath="$.r")), _input(), resolvers={"T": _vandal}, clock=VirtualClock())
    assert output["deep"] == {"x": 1, "inner": [1, {"y": 2}]}
    assert output["list"] == [{"a": 1}, {"a": 2}]


def test_each_iteration_gets_its_own_copy() -> None:
    """Map iterations sharing one selected object each get a fresh copy: no iteration sees another's change."""
    seen: list[Any] = []

    def record(payload: Any) -> Any:
        seen.append(copy.deepcopy(payload["shared"]))
        payload["shared"]["count"] += 1
        return None

    definition = mapped(one(task()), ItemSelector={"shared.$": "$$.Execution.Input.shared"},
                        ItemsPath="$.items", MaxConcurrency=1)
    asl.run(definition, {"shared": {"count": 0}, "items": [1, 2, 3]}, resolvers={"T": record}, clock=VirtualClock())
    assert seen == [{"count": 0}] * 3


def test_resolver_changing_its_returned_object_later_changes_nothing() -> None:
    """A resolver that keeps and later changes the object it returned does not change the output or history."""
    kept = {"v": [1]}

    def first(_payload: Any) -> Any:
        return kept

    def second(_payload: Any) -> Any:
        kept["v"].append("later")
        return {}

    definition = {
        "StartAt": "A",
        "States": {"A": task(ResultPath="$.a", Next="B"), "B": task(ResultPath="$.b")},
    }
    execution = asl.start(definition, {}, resolvers={"A": first, "B": second}, clock=VirtualClock())
    assert execution.output == {"a": {"v": [1]}, "b": {}}
    assert next(e["output"] for e in execution.events if e["type"] == "TaskSucceeded") == {"v": [1]}


def test_mock_config_dict_is_not_changed() -> None:
    """A MockConfigFile given as a dict is unchanged after runs whose outputs the caller then changes."""
    config = {
        "StateMachines": {"SM": {"TestCases": {"Happy": {"T": "Answer"}}}},
        "MockedResponses": {"Answer": {"0": {"Return": {"items": [1, 2]}}}},
    }
    saved = copy.deepcopy(config)
    options: dict[str, Any] = {"mock_config": config, "test_case": "Happy", "context": {"StateMachine": {"Name": "SM"}}}
    first = asl.run(one(task()), {}, clock=VirtualClock(), **options)
    first["items"].append("changed by the caller")
    second = asl.run(one(task()), {}, clock=VirtualClock(), **options)
    assert (config, second) == (saved, {"items": [1, 2]})


def test_resolver_changing_call_context_changes_nothing() -> None:
    """A resolver that changes TaskCall.context does not change $$ for later states."""

    def meddle(_payload: Any, call: asl.TaskCall) -> Any:
        call.context["Execution"]["Input"]["x"] = "changed"  # type: ignore[index]
        return None

    definition = {
        "StartAt": "A",
        "States": {"A": task(ResultPath=None, Next="B"),
                   "B": {"Type": "Pass", "Parameters": {"x.$": "$$.Execution.Input.x"}, "End": True}},
    }
    assert asl.run(definition, {"x": 1}, resolvers={"A": meddle}, clock=VirtualClock()) == {"x": 1}
