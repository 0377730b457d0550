"""Small builders and runners shared by the executor tests.

Every runner defaults to a :class:`asl.testing.VirtualClock` starting at :data:`START`, so
waits, backoffs and timeouts take no wall time and timestamps are predictable.
"""

from __future__ import annotations

import copy
from datetime import UTC, datetime
from typing import Any

import anyio
import pytest

import asl
from asl.testing import VirtualClock

#: When every virtual clock of these tests starts: 2024-01-01T00:00:00Z.
START = datetime(2024, 1, 1, tzinfo=UTC)
START_EPOCH = START.timestamp()

#: A resource that no built-in integration knows: its resolver is called the plain way.
RESOURCE = "arn:aws:states:::aws-sdk:dynamodb:getItem"
#: A Lambda function ARN as a Task Resource.
FUNCTION_ARN = "arn:aws:lambda:us-east-1:111111111111:function:greet"

_UNENDED = frozenset({"Choice", "Succeed", "Fail"})


def clock() -> VirtualClock:
    """A fresh virtual clock at :data:`START`."""
    return VirtualClock(START)


def chain(*states: tuple[str, dict[str, Any]], **top: Any) -> dict[str, Any]:
    """A machine running ``states`` in order: each one's Next is the following one."""
    built: dict[str, Any] = {}
    for i, (name, state) in enumerate(states):
        body = dict(state)
        if body["Type"] not in _UNENDED and "Next" not in body and "End" not in body:
            if i + 1 < len(states):
                body["Next"] = states[i + 1][0]
            else:
                body["End"] = True
        built[name] = body
    return {"StartAt": states[0][0], "States": built, **top}


def single(state: dict[str, Any], name: str = "S", **top: Any) -> dict[str, Any]:
    """A machine made of one state named ``name``."""
    return chain((name, state), **top)


def task(**fields: Any) -> dict[str, Any]:
    """A Task state on :data:`RESOURCE` (fields override)."""
    return {"Type": "Task", "Resource": RESOURCE, **fields}


def run(definition: Any, input: Any = None, **kw: Any) -> Any:
    """``asl.run`` under a fresh virtual clock unless one is given."""
    kw.setdefault("clock", clock())
    return asl.run(definition, input, **kw)


def fail(definition: Any, input: Any = None, **kw: Any) -> asl.ExecutionFailed:
    """Run and return the ``ExecutionFailed`` the execution must end with."""
    with pytest.raises(asl.ExecutionFailed) as info:
        run(definition, input, **kw)
    return info.value


def execute(definition: Any, input: Any = None, **kw: Any) -> asl.Execution:
    """``asl.start_async`` on the clock's own event loop; the finished :class:`asl.Execution`."""
    the_clock = kw.setdefault("clock", clock())

    async def main() -> asl.Execution:
        return await asl.start_async(definition, input, **kw)

    return anyio.run(main, backend="asyncio", backend_options={"loop_factory": the_clock.loop_factory()})


def prefix(state: str, event_id: int = 2) -> str:
    """AWS's opening of an engine error's cause."""
    return f"An error occurred while executing the state '{state}' (entered at the event id #{event_id}). "


class Scripted:
    """A resolver that plays ``outcomes`` in turn (the last one repeats) and records every call.

    An outcome that is an exception is raised; anything else is returned. ``payloads`` and
    ``contexts`` are deep copies taken at call time.
    """

    def __init__(self, *outcomes: Any) -> None:
        self.outcomes = list(outcomes) or [{}]
        self.payloads: list[Any] = []
        self.calls: list[asl.TaskCall] = []
        self.contexts: list[Any] = []

    def __call__(self, payload: Any, call: asl.TaskCall) -> Any:
        self.payloads.append(copy.deepcopy(payload))
        self.calls.append(call)
        self.contexts.append(copy.deepcopy(dict(call.context)))
        outcome = self.outcomes[min(len(self.calls), len(self.outcomes)) - 1]
        if isinstance(outcome, BaseException):
            raise outcome
        return outcome

    @property
    def count(self) -> int:
        """How many times it was called."""
        return len(self.calls)
