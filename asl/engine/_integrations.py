"""The Engine's built-in integrations, supplied through the resolver layer.

:class:`EngineIntegrations` is consulted by the engine's :class:`~asl.resolvers.ResolverTable`
after every lookup and decides how a Task runs:

* ``.waitForTaskToken`` resources: the user's resolver (if any) runs with the token
  (``call.task_token``, also ``$$.Task.Token``; a new one for each attempt), ``TaskSubmitted``
  records what it returned, then the task waits until the token is answered
  (``send_task_success`` / ``send_task_failure``), with ``HeartbeatSeconds`` enforced
  (``States.HeartbeatTimeout``, recorded as ``TaskTimedOut``); ``TimeoutSeconds`` still bounds
  the whole task (``States.Timeout``).
* activity ARNs (``arn:aws:states:<region>:<account>:activity:<name>``): a resolver registered for the
  ARN serves the task directly; otherwise the task is queued for ``get_activity_task`` workers and
  waits for their answer like a callback (:mod:`._activities`).
* ``arn:aws:states:::states:startExecution`` (request-response, ``.sync``, ``.sync:2``,
  ``.waitForTaskToken``): a child execution of a registered state machine (:mod:`._nested`).
* ``arn:aws:states:::aws-sdk:sfn:sendTaskSuccess`` / ``sendTaskFailure`` / ``sendTaskHeartbeat``:
  answer a token of this engine (a child answering its parent, say).

A resolver registered under the exact Resource (or state name) always wins over the built-in
``states`` / ``sfn`` integrations; one matched only through a glob does not.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, Final

import attrs

from ..errors import RUNTIME, StatesError
from ..resolvers import PLAIN, Binding, Submit, TaskCall, invoke_envelope, live_context
from ._activities import ACTIVITY_ARN, schedule_activity
from ._errors import EngineError
from ._nested import run_sync, start_execution
from ._tokens import PendingTask, execution_arn

if TYPE_CHECKING:
    from ._engine import Engine

__all__ = ["EngineIntegrations"]

_START: Final = re.compile(r"arn:[^:]+:states:::states:startExecution(?:\.(?P<pattern>sync(?::2)?|waitForTaskToken))?")
_SEND: Final = re.compile(r"arn:[^:]+:states:::aws-sdk:sfn:(?P<action>sendTask(?:Success|Failure|Heartbeat))")
_CALLBACK: Final = ".waitForTaskToken"
_LAMBDA_CALLBACK: Final = re.compile(r"arn:[^:]+:states:::lambda:invoke\.waitForTaskToken")


def _is_glob(key: str) -> bool:
    return any(c in key for c in "*?[")


def _submitted(call: TaskCall, response: Any) -> None:
    """``TaskSubmitted``: the call went out; ``response`` is what the service answered."""
    events = call.events
    if events is None:
        return
    if response is not None and _LAMBDA_CALLBACK.fullmatch(call.resource):
        size = len(json.dumps(response, ensure_ascii=False).encode())
        response = invoke_envelope(response, size, call)  # the Invoke response
    events.submitted(response)


def _nothing(_payload: Any) -> None:
    """The resolver of a callback task nobody registered one for: the token is only waited on."""
    return None


class EngineIntegrations:
    """The callback, activity and nested-execution machinery of one :class:`~asl.engine.Engine`."""

    __slots__ = ("_engine",)

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def bind(self, found: Binding | None, state_name: str, resource: str) -> Binding | None:
        """The binding for one Task: the user's, the engine's, or the user's wrapped in a callback wait."""
        if found is not None and not _is_glob(found.key):
            return self._callback_wrapped(found, resource)
        builtin = self._builtin(resource)
        if builtin is not None:
            return builtin
        if found is not None:
            return self._callback_wrapped(found, resource)
        if ACTIVITY_ARN.fullmatch(resource):
            return Binding(resource, _nothing, 1, PLAIN, around=self._activity)
        if resource.endswith(_CALLBACK):
            return Binding(resource, _nothing, 1, PLAIN, around=self._callback)
        return None

    def _callback_wrapped(self, found: Binding, resource: str) -> Binding:
        if resource.endswith(_CALLBACK):
            return attrs.evolve(found, around=self._callback)
        return found

    def _builtin(self, resource: str) -> Binding | None:
        engine = self._engine
        m = _START.fullmatch(resource)
        if m is not None:
            pattern = m["pattern"]
            if pattern in ("sync", "sync:2"):
                v2 = pattern == "sync:2"

                async def sync(payload: Any, call: TaskCall) -> Any:
                    return await run_sync(engine, payload, call, version_2=v2)

                return Binding(resource, sync, 2, PLAIN)

            async def start(payload: Any, call: TaskCall) -> Any:
                return await start_execution(engine, payload, call)

            return Binding(resource, start, 2, PLAIN, around=self._callback if pattern else None)
        m = _SEND.fullmatch(resource)
        if m is not None:
            return Binding(resource, _SENDERS[m["action"]](engine), 1, PLAIN)
        return None

    async def _callback(self, payload: Any, call: TaskCall, submit: Submit) -> Any:
        """Register the token, run the resolver (``TaskSubmitted``), wait for the answer."""
        token = call.task_token
        if token is None:  # not a .waitForTaskToken state after all (a resolver keyed by name, say)
            return await submit(call)
        tokens = self._engine.tokens
        owner = execution_arn(live_context(call))
        task = tokens.open(PendingTask(token, owner, call.state_name, call.resource, payload, call.heartbeat_seconds))
        try:
            _submitted(call, await submit(call))
            return await task.wait()
        finally:
            tokens.close(token)

    async def _activity(self, payload: Any, call: TaskCall, submit: Submit) -> Any:
        """Queue the task for ``get_activity_task`` workers and wait for their answer."""
        return await schedule_activity(self._engine, payload, call, submit)


# -- aws-sdk:sfn:sendTask* ------------------------------------------------------------------------


def _sdk_error(err: EngineError, engine: Engine) -> StatesError:
    return StatesError(
        f"Sfn.{err.code}Exception",
        f"{err} (Service: Sfn, Status Code: 400, Request ID: {engine.request_id()})",
    )


def _field(payload: Any, name: str) -> Any:
    return payload.get(name) if isinstance(payload, Mapping) else None


def _output(payload: Any) -> Any:
    """``Output`` as SendTaskSuccess takes it: JSON text, or a JSON value Step Functions serialises."""
    value = _field(payload, "Output")
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            raise StatesError(
                "Sfn.InvalidOutputException", f"Invalid Output: '{value:.200}' (Service: Sfn, Status Code: 400)"
            ) from None
    return value


def _sender(action: Callable[[Engine, Any], None]) -> Callable[[Engine], Callable[[Any], Any]]:
    def make(engine: Engine) -> Callable[[Any], Any]:
        def send(payload: Any) -> dict[str, Any]:
            if not isinstance(_field(payload, "TaskToken"), str):
                raise StatesError(RUNTIME, "The parameters need a TaskToken string.")
            try:
                action(engine, payload)
            except EngineError as err:
                raise _sdk_error(err, engine) from None
            return {}

        return send

    return make


_SENDERS: Final[dict[str, Callable[[Engine], Callable[[Any], Any]]]] = {
    "sendTaskSuccess": _sender(lambda e, p: e.send_task_success(p["TaskToken"], _output(p))),
    "sendTaskFailure": _sender(lambda e, p: e.send_task_failure(p["TaskToken"], p.get("Error"), p.get("Cause"))),
    "sendTaskHeartbeat": _sender(lambda e, p: e.send_task_heartbeat(p["TaskToken"])),
}
