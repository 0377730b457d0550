"""Nothing the caller hands in is ever mutated: inputs, definitions, resolver results, parsed machines."""

from __future__ import annotations

import copy
from typing import Any

import pytest

import asl

from ._helpers import chain, execute, run, single, task


def _input() -> dict[str, Any]:
    return {"a": {"b": [1, {"c": 2}]}, "items": [{"v": 1}, {"v": 2}], "n": 1, "s": 3}


def _branch(name: str) -> dict[str, Any]:
    return {"StartAt": name, "States": {name: {"Type": "Pass", "Result": "x", "ResultPath": "$.a.b", "End": True}}}


STATES: dict[str, dict[str, Any]] = {
    "pass-result-path": {"Type": "Pass", "Result": {"r": 1}, "ResultPath": "$.a.new"},
    "pass-parameters": {"Type": "Pass", "Parameters": {"x.$": "$.a.b"}, "ResultPath": "$.a.b"},
    "pass-output-path": {"Type": "Pass", "OutputPath": "$.a"},
    "task": task(ResultPath="$.a.b"),
    "choice": {
        "Type": "Choice",
        "Choices": [{"Variable": "$.n", "NumericEquals": 1, "Next": "End"}],
        "Default": "End",
    },
    "wait": {"Type": "Wait", "SecondsPath": "$.s"},
    "succeed": {"Type": "Succeed"},
    "fail": {"Type": "Fail", "ErrorPath": "$.items[0].v"},
    "parallel": {"Type": "Parallel", "Branches": [_branch("B1"), _branch("B2")], "ResultPath": "$.a.par"},
    "map": {
        "Type": "Map",
        "ItemsPath": "$.items",
        "ItemProcessor": {
            "StartAt": "In",
            "States": {"In": {"Type": "Pass", "Result": 9, "ResultPath": "$.v", "End": True}},
        },
        "ResultPath": "$.items",
    },
}


def _machine(state: dict[str, Any]) -> dict[str, Any]:
    if state["Type"] == "Choice":
        return chain(("S", state), ("End", {"Type": "Pass", "Result": "done", "ResultPath": "$.a.b", "End": True}))
    return single(state)


def _mutating_resolver(payload: Any) -> Any:
    payload["a"]["b"].append("mutated")
    return {"r": payload}


@pytest.mark.parametrize("kind", list(STATES))
def test_input_never_mutated(kind: str) -> None:
    """The caller's input is unchanged after an execution, for every state type."""
    data = _input()
    before = copy.deepcopy(data)
    execute(_machine(STATES[kind]), data, resolvers={"S": _mutating_resolver})
    assert data == before


@pytest.mark.parametrize("kind", list(STATES))
def test_definition_never_mutated(kind: str) -> None:
    """The caller's definition dict is unchanged after parsing and running it."""
    definition = _machine(STATES[kind])
    before = copy.deepcopy(definition)
    execute(definition, _input(), resolvers={"S": _mutating_resolver})
    assert definition == before


def test_resolver_result_never_mutated() -> None:
    """A result object the resolver keeps is not changed by later ResultPath writes."""
    shared = {"inner": {"k": 1}}
    definition = chain(
        ("T", task()),
        ("P", {"Type": "Pass", "Result": "added", "ResultPath": "$.inner.extra"}),
    )
    run(definition, {}, resolvers={"T": lambda _p: shared})
    assert shared == {"inner": {"k": 1}}


def test_pass_result_not_mutated_across_runs() -> None:
    """A Pass Result written into by a later ResultPath is fresh in the next execution."""
    machine = asl.parse(
        chain(
            ("R", {"Type": "Pass", "Result": {"box": {}}}),
            ("W", {"Type": "Pass", "Parameters": {"v.$": "$$.Execution.Input.v"}, "ResultPath": "$.box.v"}),
        )
    )
    first = run(machine, {"v": 1})
    second = run(machine, {"v": 2})
    assert (first, second) == ({"box": {"v": {"v": 1}}}, {"box": {"v": {"v": 2}}})


def test_output_not_aliased_to_input() -> None:
    """Mutating the returned output does not change the caller's input."""
    data = _input()
    out = run(single({"Type": "Pass"}), data)
    out["a"]["b"].append("changed later")
    assert data == _input()


def test_execution_input_in_context_not_affected_by_caller() -> None:
    """Mutating the input while a resolver runs does not change $$.Execution.Input."""
    data = {"v": 1}

    def meddle(_payload: Any) -> Any:
        data["v"] = 99
        return "ok"

    definition = chain(
        ("T", task(ResultPath=None)), ("P", {"Type": "Pass", "Parameters": {"v.$": "$$.Execution.Input.v"}})
    )
    assert run(definition, data, resolvers={"T": meddle}) == {"v": 1}
