"""Task tokens: the tasks waiting for ``send_task_success`` / ``send_task_failure`` / ``send_task_heartbeat``.

A :class:`PendingTask` is opened when a ``.waitForTaskToken`` or activity task starts and closed
when it ends for any reason (answered, failed, timed out, cancelled). Answers for a closed
token raise :class:`TaskTimedOut`, answers for a token never issued :class:`TaskDoesNotExist`,
as the Step Functions API does. Everything here runs on the engine's event loop; the Engine
moves calls from other threads onto it.
"""

from __future__ import annotations

import json
from collections import OrderedDict
from collections.abc import Mapping
from typing import Any, Final

import anyio
import attrs

from ..errors import HEARTBEAT_TIMEOUT, StatesError
from ._errors import InvalidOutput, InvalidToken, TaskDoesNotExist, TaskTimedOut

__all__ = ["PendingTask", "TokenRegistry", "check_token", "execution_arn", "json_output"]

#: Closed tokens remembered (to answer TaskTimedOut rather than TaskDoesNotExist).
_CLOSED_MEMORY: Final = 100_000
#: AWS's limit on a task token's length.
_MAX_TOKEN_LENGTH: Final = 2048


@attrs.define(eq=False)
class PendingTask:
    """A task waiting for its token to be answered."""

    token: str
    """The task token (``$$.Task.Token``, or the activity task's token)."""
    execution_arn: str
    """The execution the task belongs to."""
    state_name: str
    resource: str
    input: Any
    """The task's effective parameters (what its resolver, or an activity worker, receives)."""
    heartbeat_seconds: float | None = None
    """``HeartbeatSeconds``: the most time allowed between heartbeats once the task started."""
    started: bool = True
    """False while an activity task waits for a worker (heartbeats are not due before)."""
    outcome: tuple[Any, ...] | None = attrs.field(default=None, repr=False)
    """``("success", output)`` or ``("failure", error, cause)`` once answered."""
    events: Any = attrs.field(default=None, repr=False)
    """The task's history recorder (an activity task records ``ActivityStarted`` through it)."""
    _changed: anyio.Event | None = attrs.field(default=None, repr=False, alias="changed")

    def notify(self) -> None:
        """Wake the waiter (an answer, a heartbeat or a worker picking the task up)."""
        if self._changed is not None:
            self._changed.set()
            self._changed = None

    async def wait(self) -> Any:
        """The output sent with ``send_task_success``; raises the error of ``send_task_failure``.

        Raises ``States.HeartbeatTimeout`` when a started task goes longer than
        ``heartbeat_seconds`` without a heartbeat or an answer.
        """
        while self.outcome is None:
            changed = self._changed = anyio.Event()
            if self.heartbeat_seconds is None or not self.started:
                await changed.wait()
                continue
            with anyio.move_on_after(self.heartbeat_seconds) as scope:
                await changed.wait()
            if scope.cancelled_caught and self.outcome is None:
                raise StatesError(HEARTBEAT_TIMEOUT, None)
        if self.outcome[0] == "success":
            return self.outcome[1]
        raise StatesError(self.outcome[1], self.outcome[2])


def execution_arn(context: Mapping[str, Any]) -> str:
    """``$$.Execution.Id`` of a task's context object ("" if absent)."""
    execution = context.get("Execution")
    ident = execution.get("Id") if isinstance(execution, Mapping) else None
    return ident if isinstance(ident, str) else ""


def check_token(token: Any) -> str:
    """``token`` when it is well formed; :class:`InvalidToken` otherwise."""
    if not isinstance(token, str) or not token or len(token) > _MAX_TOKEN_LENGTH:
        raise InvalidToken(f"Invalid token: {token!r:.80}")
    return token


def json_output(output: Any) -> Any:
    """A private copy of ``output`` as JSON data; :class:`InvalidOutput` when it is not JSON."""
    try:
        return json.loads(json.dumps(output, allow_nan=False))
    except (TypeError, ValueError) as e:
        raise InvalidOutput(f"Invalid output: {e}") from None


class TokenRegistry:
    """Every open task token of an engine, and the recently closed ones."""

    __slots__ = ("_closed", "_open")

    def __init__(self) -> None:
        self._open: dict[str, PendingTask] = {}
        self._closed: OrderedDict[str, None] = OrderedDict()

    def open(self, task: PendingTask) -> PendingTask:
        """Register ``task``; its token may be answered from now on."""
        self._open[task.token] = task
        self._closed.pop(task.token, None)
        return task

    def close(self, token: str) -> None:
        """The task ended: later answers get TaskTimedOut."""
        if self._open.pop(token, None) is not None:
            self._closed[token] = None
            if len(self._closed) > _CLOSED_MEMORY:
                self._closed.popitem(last=False)

    def is_open(self, task: PendingTask) -> bool:
        """Whether ``task`` is still waiting for an answer."""
        return self._open.get(task.token) is task and task.outcome is None

    def pending(self) -> list[PendingTask]:
        """The open tasks, oldest first."""
        return list(self._open.values())

    def _find(self, token: Any) -> PendingTask:
        token = check_token(token)
        task = self._open.get(token)
        if task is not None and task.outcome is None:
            return task
        if task is not None or token in self._closed:
            raise TaskTimedOut("Task Timed Out: 'Provided task does not exist anymore'")
        raise TaskDoesNotExist("Task does not exist anymore")

    def succeed(self, token: Any, output: Any) -> None:
        """Answer ``token`` with ``output`` (JSON data)."""
        task = self._find(token)
        task.outcome = ("success", json_output(output))
        task.notify()

    def fail(self, token: Any, error: str | None, cause: str | None) -> None:
        """Fail the task of ``token`` with ``error`` and ``cause`` (either may be None: absent)."""
        task = self._find(token)
        task.outcome = ("failure", error, cause)
        task.notify()

    def heartbeat(self, token: Any) -> None:
        """Restart the heartbeat timer of ``token``'s task."""
        self._find(token).notify()
