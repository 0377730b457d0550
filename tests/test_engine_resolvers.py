"""The resolver layer's hooks an Engine builds on: ``integrations`` on a table, ``around`` on a binding."""

from __future__ import annotations

from typing import Any

import anyio

import asl
from asl.resolvers import PLAIN, Binding, ResolverTable, Submit, TaskCall, invoke, sdk_metadata

CALL = TaskCall(state_name="S", resource="arn:aws:states:::x", attempt=0, context={})


class Recorder:
    """Integrations that record what they were asked and wrap every binding."""

    def __init__(self) -> None:
        self.asked: list[tuple[str | None, str, str]] = []

    def bind(self, found: Binding | None, state_name: str, resource: str) -> Binding | None:
        self.asked.append((found.key if found else None, state_name, resource))
        if found is None:
            return Binding("builtin", lambda payload: "builtin", 1, PLAIN)
        return found


def test_integrations_see_every_lookup_once_per_key() -> None:
    """bind() gets the user's binding (or None) and its answer is cached like a lookup."""
    recorder = Recorder()
    table = ResolverTable.build({"S": lambda p: p}, integrations=recorder)
    table.find("S", "arn:aws:states:::x", {})
    table.find("S", "arn:aws:states:::x", {})
    table.find("T", "arn:aws:states:::y", {})
    assert recorder.asked == [("S", "S", "arn:aws:states:::x"), (None, "T", "arn:aws:states:::y")]


def test_integrations_may_supply_a_binding_where_the_user_has_none() -> None:
    """A binding supplied by the integrations serves a task no resolver serves."""
    binding = ResolverTable.build({}, integrations=Recorder()).find("T", "arn:aws:states:::y", {})
    assert binding is not None and binding.key == "builtin"


def test_around_wraps_the_resolver_and_decides_the_result() -> None:
    """invoke() calls around(payload, call, submit); submit runs the resolver, around returns the result."""
    seen: list[Any] = []

    async def around(payload: Any, call: TaskCall, submit: Submit) -> Any:
        seen.append(("before", payload))
        submitted = await submit(call)
        seen.append(("submitted", submitted))
        return {"final": submitted}

    binding = Binding("k", lambda payload: payload["n"] + 1, 1, PLAIN, around=around)
    result = anyio.run(invoke, binding, {"n": 1}, CALL)
    assert result == {"final": 2}
    assert seen == [("before", {"n": 1}), ("submitted", 2)]


def test_without_integrations_lookups_are_unchanged() -> None:
    """A table built without integrations returns plain bindings with no around."""
    binding = ResolverTable.build({"S": lambda p: p}).find("S", "arn:aws:states:::x", {})
    assert binding is not None and binding.around is None


def test_sdk_metadata_sorts_http_headers_without_regard_to_case() -> None:
    """HttpHeaders are sorted case-insensitively; AllHttpHeaders keep the order given, as lists."""
    meta = sdk_metadata({"x-amzn-RequestId": "r", "Content-Length": "2", "connection": "keep-alive"}, "r")
    assert list(meta["SdkHttpMetadata"]["HttpHeaders"]) == ["connection", "Content-Length", "x-amzn-RequestId"]
    assert meta["SdkHttpMetadata"]["AllHttpHeaders"]["Content-Length"] == ["2"]
    assert meta["SdkResponseMetadata"] == {"RequestId": "r"}


def test_the_evaluated_credentials_reach_the_task_call() -> None:
    """Credentials with a JSONPath RoleArn reaches call.credentials evaluated against the effective input."""
    seen: list[Any] = []
    machine = {
        "StartAt": "T",
        "States": {
            "T": {"Type": "Task", "Resource": "arn:aws:states:::x", "Credentials": {"RoleArn.$": "$.role"}, "End": True}
        },
    }
    asl.run(machine, {"role": "arn:aws:iam::222233334444:role/R"}, resolvers={"T": lambda p, call: seen.append(call)})
    assert seen[0].credentials == {"RoleArn": "arn:aws:iam::222233334444:role/R"}
