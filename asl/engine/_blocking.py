"""A synchronous facade over an :class:`~asl.engine.Engine` running on its own thread (``Engine.blocking()``)."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from ..execution import Execution

if TYPE_CHECKING:
    from anyio.from_thread import BlockingPortal

    from ._activities import ActivityTask
    from ._engine import Engine
    from ._live import ExecutionHandle
    from ._tokens import PendingTask

__all__ = ["BlockingEngine", "BlockingHandle"]


class BlockingHandle:
    """An :class:`~asl.engine.ExecutionHandle` for synchronous code."""

    __slots__ = ("_portal", "handle")

    def __init__(self, handle: ExecutionHandle, portal: BlockingPortal) -> None:
        self.handle = handle
        """The asynchronous handle."""
        self._portal = portal

    @property
    def arn(self) -> str:
        """The execution ARN."""
        return self.handle.arn

    @property
    def status(self) -> str:
        """The execution's status now."""
        return self.handle.status

    @property
    def execution(self) -> Execution:
        """The live :class:`~asl.Execution` record."""
        return self.handle.execution

    def wait(self) -> Execution:
        """Block until the execution ends; the :class:`~asl.Execution`."""
        return self._portal.call(self.handle.wait)

    def result(self) -> Any:
        """Block until the execution ends; its output, or :class:`~asl.ExecutionFailed`."""
        return self._portal.call(self.handle.result)

    def stop(self, error: str | None = None, cause: str | None = None) -> None:
        """Abort the execution and block until it is gone."""
        self._portal.call(functools.partial(self.handle.stop, error=error, cause=cause))

    def describe(self) -> dict[str, Any]:
        """``DescribeExecution``."""
        return self._portal.call(self.handle.describe)

    def __repr__(self) -> str:
        return f"BlockingHandle({self.arn!r}, status={self.status!r})"


class BlockingEngine:
    """The Engine's API for synchronous code; every call is carried out on the engine's thread."""

    __slots__ = ("_portal", "engine")

    def __init__(self, engine: Engine, portal: BlockingPortal) -> None:
        self.engine = engine
        """The asynchronous engine."""
        self._portal = portal

    def start(
        self, target: Any, input: Any = None, *, name: str | None = None, context: Mapping[str, Any] | None = None
    ) -> BlockingHandle:
        """Start an execution (see :meth:`Engine.start`)."""
        handle = self._portal.call(functools.partial(self.engine.start, target, input, name=name, context=context))
        return BlockingHandle(handle, self._portal)

    def run(self, target: Any, input: Any = None, *, name: str | None = None) -> Any:
        """Start an execution and block until it ends: its output, or :class:`~asl.ExecutionFailed`."""
        return self.start(target, input, name=name).result()

    def register(self, name: str, definition: Any, *, type: Any = "STANDARD") -> str:
        """Register a state machine (see :meth:`Engine.register`)."""
        return self._portal.call(functools.partial(self.engine.register, name, definition, type=type))

    def describe(self, execution_arn: str) -> dict[str, Any]:
        """``DescribeExecution``."""
        return self._portal.call(self.engine.describe, execution_arn)

    def list_executions(self, state_machine: str | None = None, *, status: str | None = None) -> list[dict[str, Any]]:
        """``ListExecutions``."""
        return self._portal.call(functools.partial(self.engine.list_executions, state_machine, status=status))

    def stop(self, execution_arn: str, *, error: str | None = None, cause: str | None = None) -> dict[str, Any]:
        """``StopExecution``: abort and block until the execution is gone."""
        return self._portal.call(functools.partial(self.engine.stop, execution_arn, error=error, cause=cause))

    def send_task_success(self, task_token: str, output: Any = None) -> None:
        """``SendTaskSuccess``."""
        self.engine.send_task_success(task_token, output)

    def send_task_failure(self, task_token: str, error: str | None = None, cause: str | None = None) -> None:
        """``SendTaskFailure``."""
        self.engine.send_task_failure(task_token, error, cause)

    def send_task_heartbeat(self, task_token: str) -> None:
        """``SendTaskHeartbeat``."""
        self.engine.send_task_heartbeat(task_token)

    def pending_tasks(self, execution_arn: str | None = None) -> list[PendingTask]:
        """Tasks waiting for an answer."""
        return self.engine.pending_tasks(execution_arn)

    def get_activity_task(
        self, activity_arn: str, *, worker_name: str | None = None, timeout: float | None = None
    ) -> ActivityTask | None:
        """``GetActivityTask``: block until a task of the activity comes (at most ``timeout`` seconds)."""
        get = functools.partial(self.engine.get_activity_task, activity_arn, worker_name=worker_name, timeout=timeout)
        return self._portal.call(get)
