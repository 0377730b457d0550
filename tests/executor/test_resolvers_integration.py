"""Resolvers as the executor uses them: lookup order, calling conventions, TaskCall, envelopes, missing ones."""

from __future__ import annotations

import re
from typing import Any

import anyio
import pytest

import asl

from ._helpers import FUNCTION_ARN, RESOURCE, Scripted, chain, fail, run, single, task

# -- lookup order -------------------------------------------------------------------------


def test_state_name_beats_exact_arn() -> None:
    """A resolver under the state name wins over one under the Resource ARN."""
    resolvers = {RESOURCE: Scripted("by-arn"), "S": Scripted("by-name")}
    assert run(single(task()), {}, resolvers=resolvers) == "by-name"


def test_exact_arn_beats_glob() -> None:
    """A resolver under the exact Resource ARN wins over a matching glob."""
    resolvers = {"arn:aws:states:::aws-sdk:dynamodb:*": Scripted("by-glob"), RESOURCE: Scripted("by-arn")}
    assert run(single(task()), {}, resolvers=resolvers) == "by-arn"


def test_glob_matches_resource() -> None:
    """A glob key serves every Resource it matches."""
    resolvers = {"arn:aws:states:::aws-sdk:*": Scripted("by-glob")}
    assert run(single(task()), {}, resolvers=resolvers) == "by-glob"


def test_state_name_serves_only_that_state() -> None:
    """Two Tasks on the same Resource get the resolvers registered under their own names."""
    definition = chain(("A", task(ResultPath="$.a")), ("B", task(ResultPath="$.b")))
    assert run(definition, {}, resolvers={"A": Scripted(1), "B": Scripted(2)}) == {"a": 1, "b": 2}


# -- calling conventions ------------------------------------------------------------------


def test_sync_resolver_with_payload_only() -> None:
    """A sync one-argument resolver receives the payload and returns the result."""
    assert run(single(task()), {"n": 2}, resolvers={"S": lambda p: p["n"] * 10}) == 20


def test_async_resolver() -> None:
    """An async resolver is awaited."""

    async def resolver(payload: Any) -> Any:
        await anyio.sleep(0)
        return {"doubled": payload["n"] * 2}

    assert run(single(task()), {"n": 4}, resolvers={"S": resolver}) == {"doubled": 8}


def test_resolver_receives_task_call_fields() -> None:
    """The second argument is a TaskCall naming the state and Resource, attempt 0 on the first try."""
    resolver = Scripted("ok")
    run(single(task(), name="Fetch"), {}, resolvers={"Fetch": resolver})
    call = resolver.calls[0]
    assert (call.state_name, call.resource, call.attempt, call.task_token) == ("Fetch", RESOURCE, 0, None)


def test_task_call_attempt_increments_on_retry() -> None:
    """TaskCall.attempt is 0, 1, 2 over the first try and two retries."""
    resolver = Scripted(asl.StatesError("Flaky"), asl.StatesError("Flaky"), "done")
    retry = [{"ErrorEquals": ["Flaky"], "IntervalSeconds": 1, "MaxAttempts": 3}]
    run(single(task(Retry=retry)), {}, resolvers={"S": resolver})
    assert [c.attempt for c in resolver.calls] == [0, 1, 2]


def test_task_call_context_has_state_name() -> None:
    """TaskCall.context is the context object, with $$.State.Name of the task."""
    resolver = Scripted("ok")
    run(single(task(), name="Fetch"), {}, resolvers={"Fetch": resolver})
    assert resolver.contexts[0]["State"]["Name"] == "Fetch"


def test_resolver_may_mutate_its_payload() -> None:
    """Mutating the payload inside a resolver does not change the execution's data."""

    def mutate(payload: Any) -> Any:
        payload["a"]["b"].append(99)
        payload["new"] = True
        return "ok"

    definition = single(task(ResultPath="$.r"))
    assert run(definition, {"a": {"b": [1]}}, resolvers={"S": mutate}) == {"a": {"b": [1]}, "r": "ok"}


def test_resolver_mutation_does_not_reach_execution_input() -> None:
    """Mutating the payload does not change $$.Execution.Input seen by later states."""

    def mutate(payload: Any) -> Any:
        payload["a"] = "changed"
        return "ok"

    definition = chain(
        ("T", task(ResultPath=None)),
        ("P", {"Type": "Pass", "Parameters": {"orig.$": "$$.Execution.Input.a"}}),
    )
    assert run(definition, {"a": "original"}, resolvers={"T": mutate}) == {"orig": "original"}


# -- lambda:invoke ------------------------------------------------------------------------

INVOKE = "arn:aws:states:::lambda:invoke"


def _invoke_task(**fields: Any) -> dict[str, Any]:
    params = {"FunctionName": "greet", "Payload": {"who.$": "$.who"}}
    return {"Type": "Task", "Resource": INVOKE, "Parameters": params, **fields}


def test_lambda_invoke_resolver_gets_payload_only() -> None:
    """A lambda:invoke resolver registered under the function name receives only Payload."""
    resolver = Scripted({"hello": "x"})
    run(single(_invoke_task()), {"who": "Ada"}, resolvers={"greet": resolver})
    assert resolver.payloads == [{"who": "Ada"}]


def test_lambda_invoke_result_wraps_payload() -> None:
    """The lambda:invoke result is the Invoke envelope with the function's return value under Payload."""
    out = run(single(_invoke_task()), {"who": "Ada"}, resolvers={"greet": lambda e: {"hello": e["who"]}})
    assert (out["Payload"], out["StatusCode"], out["ExecutedVersion"]) == ({"hello": "Ada"}, 200, "$LATEST")


def test_lambda_invoke_envelope_selected_by_resultselector() -> None:
    """ResultSelector "$.Payload" unwraps the envelope, as AWS's guide recommends."""
    definition = single(_invoke_task(ResultSelector={"p.$": "$.Payload"}))
    assert run(definition, {"who": "Ada"}, resolvers={"greet": lambda e: e["who"]}) == {"p": "Ada"}


def test_lambda_function_arn_result_is_bare() -> None:
    """A Task whose Resource is a function ARN gets the function's return value, no envelope."""
    definition = single({"Type": "Task", "Resource": FUNCTION_ARN})
    assert run(definition, {"x": 1}, resolvers={"greet": lambda e: {"got": e}}) == {"got": {"x": 1}}


# -- missing resolvers --------------------------------------------------------------------

_CONTEXT = {"StateMachine": {"Id": "arn:aws:states:eu-west-1:111111111111:stateMachine:m", "Name": "m"}}
_NOT_FOUND = re.compile(
    r"Function not found: arn:aws:lambda:eu-west-1:111111111111:function:nope:\$LATEST "
    r"\(Service: AWSLambda; Status Code: 404; Error Code: ResourceNotFoundException; "
    r"Request ID: [^;]+; Proxy: null\)"
)


def test_missing_lambda_invoke_function_is_resource_not_found() -> None:
    """An unknown lambda:invoke function fails as AWS reports it (recorded: TestTaskServiceLambda no_such_function)."""
    definition = single({"Type": "Task", "Resource": INVOKE, "Parameters": {"FunctionName": "nope", "Payload": {}}})
    err = fail(definition, {}, resolvers={"other": Scripted()}, context=_CONTEXT)
    assert err.error == "Lambda.ResourceNotFoundException"
    assert _NOT_FOUND.fullmatch(err.cause or "")


def test_missing_lambda_arn_is_resource_not_found() -> None:
    """A Task on a function ARN with no resolver fails with Lambda.ResourceNotFoundException."""
    definition = single({"Type": "Task", "Resource": "arn:aws:lambda:eu-west-1:111111111111:function:nope"})
    assert fail(definition, {}, context=_CONTEXT).error == "Lambda.ResourceNotFoundException"


def test_missing_lambda_arn_is_catchable_by_states_all() -> None:
    """A missing function on a function-ARN Task is caught by States.ALL."""
    definition = chain(
        (
            "T",
            {
                "Type": "Task",
                "Resource": "arn:aws:lambda:eu-west-1:111111111111:function:nope",
                "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "H"}],
                "End": True,
            },
        ),
        ("H", {"Type": "Pass", "OutputPath": "$.Error"}),
    )
    assert run(definition, {}, context=_CONTEXT) == "Lambda.ResourceNotFoundException"


def test_missing_lambda_is_catchable_by_task_failed() -> None:
    """Lambda.ResourceNotFoundException is caught by States.TaskFailed (recorded: test_no_such_function_catch)."""
    definition = chain(
        (
            "T",
            {
                "Type": "Task",
                "Resource": INVOKE,
                "Parameters": {"FunctionName": "nope", "Payload": {}},
                "Catch": [{"ErrorEquals": ["States.TaskFailed"], "Next": "H", "ResultPath": "$.err"}],
                "End": True,
            },
        ),
        ("H", {"Type": "Pass", "OutputPath": "$.err.Error"}),
    )
    assert run(definition, {}, context=_CONTEXT) == "Lambda.ResourceNotFoundException"


def test_missing_plain_resolver_is_runtime_naming_state() -> None:
    """A non-Lambda Task with no resolver fails with States.Runtime whose cause names the state."""
    err = fail(single(task(), name="LoadCustomer"), {})
    assert err.error == "States.Runtime"
    assert "LoadCustomer" in (err.cause or "")


def test_strict_raises_missing_resolvers_before_running() -> None:
    """strict=True raises MissingResolvers naming the unserved state, and runs nothing."""
    first = Scripted("ran")
    definition = chain(("First", task()), ("Unserved", task()))
    with pytest.raises(asl.MissingResolvers) as info:
        run(definition, {}, resolvers={"First": first}, strict=True)
    assert (first.count, any("Unserved" in m for m in info.value.missing)) == (0, True)


def test_strict_runs_when_every_task_is_served() -> None:
    """strict=True runs normally when every Task has a resolver."""
    assert run(single(task()), {}, resolvers={"S": Scripted("ok")}, strict=True) == "ok"
