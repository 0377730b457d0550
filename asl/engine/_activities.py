"""Activities: tasks queued for workers that poll ``get_activity_task`` and answer with ``send_task_*``.

A Task whose Resource is an activity ARN (``arn:aws:states:<region>:<account>:activity:<name>``)
and that no resolver serves is queued here with a fresh task token; its history is AWS's:
``ActivityScheduled`` when queued, ``ActivityStarted`` (with the worker's name) when a worker
takes it, then ``ActivitySucceeded`` / ``ActivityFailed`` / ``ActivityTimedOut``. A task for an
activity deleted with ``delete_activity`` is not queued: ``ActivityScheduleFailed``.
Activities need not be created first (any well-formed ARN can be polled), unlike on AWS.
"""

from __future__ import annotations

import json
import re
from collections import deque
from typing import TYPE_CHECKING, Any, Final

import anyio
import attrs

from ..errors import StatesError
from ..resolvers import live_context
from ._errors import ActivityDoesNotExist
from ._tokens import PendingTask, execution_arn

if TYPE_CHECKING:
    from ..resolvers import Submit, TaskCall
    from ._engine import Engine
    from ._tokens import TokenRegistry

__all__ = ["ACTIVITY_ARN", "ActivityQueues", "ActivityTask", "get_activity_task", "schedule_activity"]

ACTIVITY_ARN: Final = re.compile(r"arn:[^:]+:states:[^:]+:[^:]+:activity:[^:]+")


@attrs.frozen
class ActivityTask:
    """What ``get_activity_task`` hands a worker."""

    task_token: str
    """Answer with ``send_task_success(task_token, output)`` / ``send_task_failure`` / heartbeat."""
    input: Any
    """The task's effective input (JSON data)."""
    activity_arn: str
    execution_arn: str
    state_name: str

    @property
    def input_text(self) -> str:
        """The input as JSON text, as ``GetActivityTask`` returns it."""
        return json.dumps(self.input, ensure_ascii=False, separators=(",", ":"))


class ActivityQueues:
    """Activity tasks waiting for a worker, one FIFO queue per activity ARN; deleted activities."""

    __slots__ = ("_deleted", "_queues", "_ready")

    def __init__(self) -> None:
        self._queues: dict[str, deque[PendingTask]] = {}
        self._ready: dict[str, anyio.Event] = {}
        self._deleted: set[str] = set()

    def create(self, activity_arn: str) -> None:
        """Declare an activity (again, after a delete)."""
        self._deleted.discard(activity_arn)

    def delete(self, activity_arn: str) -> None:
        """Delete an activity: new tasks for it fail to be scheduled, polls raise ActivityDoesNotExist."""
        self._deleted.add(activity_arn)

    def exists(self, activity_arn: str) -> bool:
        """Whether ``activity_arn`` is a well-formed activity ARN that was not deleted."""
        return ACTIVITY_ARN.fullmatch(activity_arn) is not None and activity_arn not in self._deleted

    def put(self, activity_arn: str, task: PendingTask) -> None:
        """Queue ``task`` and wake a waiting worker."""
        self._queues.setdefault(activity_arn, deque()).append(task)
        ready = self._ready.pop(activity_arn, None)
        if ready is not None:
            ready.set()

    def _take(self, activity_arn: str, registry: TokenRegistry) -> PendingTask | None:
        queue = self._queues.get(activity_arn)
        while queue:
            task = queue.popleft()
            if registry.is_open(task):  # skip tasks that ended while queued
                return task
        return None

    async def get(self, activity_arn: str, registry: TokenRegistry, timeout: float | None) -> PendingTask | None:
        """The oldest queued task of ``activity_arn``, waiting up to ``timeout`` seconds; None if none came."""
        with anyio.move_on_after(timeout):
            while True:
                task = self._take(activity_arn, registry)
                if task is not None:
                    return task
                ready = self._ready.get(activity_arn)
                if ready is None:
                    ready = self._ready[activity_arn] = anyio.Event()
                await ready.wait()
        return None


def _does_not_exist(activity_arn: str) -> ActivityDoesNotExist:
    return ActivityDoesNotExist(f"Activity Does Not Exist: '{activity_arn}'")


async def schedule_activity(engine: Engine, payload: Any, call: TaskCall, _submit: Submit) -> Any:
    """The ``around`` of an activity task: queue it for workers and wait for their answer."""
    events = call.events
    if not engine.activities.exists(call.resource):
        if events is not None:
            events.schedule_failing()
        err = _does_not_exist(call.resource)
        raise StatesError(err.code, str(err))
    token = engine.new_token()
    task = engine.tokens.open(
        PendingTask(
            token,
            execution_arn(live_context(call)),
            call.state_name,
            call.resource,
            payload,
            call.heartbeat_seconds,
            started=False,
            events=events,
        )
    )
    try:
        engine.activities.put(call.resource, task)
        return await task.wait()
    finally:
        engine.tokens.close(token)


async def get_activity_task(
    engine: Engine, activity_arn: str, worker_name: str | None, timeout: float | None
) -> ActivityTask | None:
    """``GetActivityTask``: hand the oldest queued task to a worker (``ActivityStarted``), or None."""
    if not engine.activities.exists(activity_arn):
        raise _does_not_exist(activity_arn)
    task = await engine.activities.get(activity_arn, engine.tokens, timeout)
    if task is None:
        return None
    task.started = True  # the heartbeat timer runs from now
    if task.events is not None:
        task.events.started(worker_name)
    task.notify()
    return ActivityTask(task.token, task.input, activity_arn, task.execution_arn, task.state_name)
