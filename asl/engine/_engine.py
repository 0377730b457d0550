"""The Engine: hosts many executions at once, with the integration patterns production machines use.

An :class:`Engine` holds the resolvers, the registered state machines (by name and ARN), a clock
and settings, and runs every execution it starts as a task of one anyio task group::

    async with asl.Engine(resolvers=..., state_machines={"Child": child}) as engine:
        handle = await engine.start(parent, {"order": 1})
        print(await handle.result())

Callers from other threads may use ``send_task_success`` / ``send_task_failure`` /
``send_task_heartbeat`` directly (they hop onto the engine's loop); :meth:`Engine.blocking` gives
a whole synchronous facade, and :meth:`Engine.serve` runs a coroutine inside the engine on the
clock's own event loop (so a :class:`~asl.testing.VirtualClock` skips every timer).

This class is the API; the work is done next door: ``_registry`` (state machines), ``_runner``
(starting and running executions), ``_live`` (handles), ``_tokens`` (callback tokens),
``_activities`` (activity queues and workers), ``_nested`` (``states:startExecution``),
``_integrations`` (the hooks into the resolver layer) and ``_host`` (the loop and the ways in).
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Awaitable, Callable, Mapping
from contextlib import AbstractContextManager
from types import TracebackType
from typing import TYPE_CHECKING, Any, TypeVar

from .._home import DEFAULT_ACCOUNT, DEFAULT_REGION
from ..clock import Clock, RealClock
from ..executor import MAX_PAYLOAD_BYTES
from ..resolvers import Raw, Resolver, ResolverTable
from ._activities import ACTIVITY_ARN, ActivityQueues, ActivityTask, get_activity_task
from ._errors import ExecutionDoesNotExist
from ._host import Host, blocking, serve
from ._integrations import EngineIntegrations
from ._live import ExecutionHandle
from ._registry import MachineRegistry, MachineType, StateMachineEntry
from ._runner import launch
from ._tokens import PendingTask, TokenRegistry

if TYPE_CHECKING:
    from ._blocking import BlockingEngine

__all__ = ["Engine", "StateMachineEntry"]

T = TypeVar("T")

_CLOSED_CAUSE = "The engine was closed while the execution was running."


class Engine:
    """Runs many executions concurrently, with callbacks, nested executions and activities.

    ``resolvers`` are the same as :func:`asl.run`'s (a resolver for a ``.waitForTaskToken``
    resource receives the token as ``call.task_token``; its return value no longer ends the
    task: the answer sent with :meth:`send_task_success` does). ``state_machines`` maps names to
    definitions registered as STANDARD (see :meth:`register`). ``clock``, ``seed``/``rng``,
    ``max_payload_bytes`` and ``history`` mean what they mean for :func:`asl.run`; ``region`` and
    ``account`` make the ARNs.
    """

    def __init__(
        self,
        *,
        resolvers: Mapping[str, Resolver | Raw] | None = None,
        state_machines: Mapping[str, Any] | None = None,
        clock: Clock | None = None,
        seed: int | None = None,
        rng: random.Random | None = None,
        region: str = DEFAULT_REGION,
        account: str = DEFAULT_ACCOUNT,
        max_payload_bytes: int | None = MAX_PAYLOAD_BYTES,
        history: bool = True,
    ) -> None:
        self.clock: Clock = clock or RealClock()
        """Where executions get the time and how they wait."""
        self.region = region
        self.account = account
        self.tokens = TokenRegistry()
        """Open task tokens (callback and activity tasks)."""
        self.activities = ActivityQueues()
        """Activity tasks waiting for a worker."""
        self._rng = rng if rng is not None else random.Random(seed)
        self._max_payload_bytes = max_payload_bytes
        self._history = history
        self._table = ResolverTable.build(resolvers, integrations=EngineIntegrations(self))
        self._machines = MachineRegistry(region, account)
        self._executions: dict[str, ExecutionHandle] = {}
        self._host = Host()
        for name, definition in (state_machines or {}).items():
            self.register(name, definition)

    # -- state machines and activities ----------------------------------------------------------

    def register(self, name: str, definition: Any, *, type: MachineType = "STANDARD") -> str:
        """Register a state machine under ``name`` (or a full state machine ARN); its ARN.

        ``definition`` is anything :func:`asl.parse` takes. ``type="EXPRESS"`` refuses what AWS
        refuses for Express machines (activities, ``.sync``, ``.waitForTaskToken``:
        :class:`~asl.DefinitionError`) and caps each execution at five minutes. Registering a name
        again replaces the definition for executions started afterwards.
        """
        return self._machines.register(name, definition, type)

    def state_machine(self, name_or_arn: str) -> StateMachineEntry:
        """The registered state machine with this name or ARN (:class:`StateMachineDoesNotExist` if none)."""
        return self._machines.get(name_or_arn)

    def create_activity(self, name: str) -> str:
        """``CreateActivity``: declare an activity (workers poll it with :meth:`get_activity_task`); its ARN.

        Activities need not be created to be used; creating one deleted before makes it usable again.
        """
        arn = name if name.startswith("arn:") else f"arn:aws:states:{self.region}:{self.account}:activity:{name}"
        if not ACTIVITY_ARN.fullmatch(arn):
            raise ValueError(f"not an activity name or ARN: {name!r}")
        self.activities.create(arn)
        return arn

    def delete_activity(self, activity_arn: str) -> None:
        """``DeleteActivity``: tasks scheduled for it from now on fail (``ActivityScheduleFailed``) and
        :meth:`get_activity_task` raises :class:`ActivityDoesNotExist`; tasks already queued stay."""
        self.activities.delete(activity_arn)

    # -- starting -------------------------------------------------------------------------------

    async def start(
        self,
        target: Any,
        input: Any = None,
        *,
        name: str | None = None,
        context: Mapping[str, Any] | None = None,
    ) -> ExecutionHandle:
        """Start an execution; its handle (the execution runs on in the engine's task group).

        ``target`` is a registered name or ARN, or a definition (registered under a generated
        name). ``name`` is the execution name (default: a UUID); ``context`` is merged into the
        context object (``$$``). Raises :class:`ExecutionAlreadyExists` for a name already used by
        an execution of the same STANDARD machine (unless it is still running with the same input,
        when its handle is returned, as AWS does), :class:`InvalidExecutionInput` for input that is
        not JSON data.
        """
        return self.launch(target, input, name=name, context=context)

    async def run(self, target: Any, input: Any = None, *, name: str | None = None) -> Any:
        """Start an execution and wait for it: its output, or :class:`~asl.ExecutionFailed`."""
        handle = self.launch(target, input, name=name)
        return await handle.result()

    def launch(
        self,
        target: Any,
        input: Any = None,
        *,
        name: str | None = None,
        context: Mapping[str, Any] | None = None,
        parent_arn: str | None = None,
    ) -> ExecutionHandle:
        """:meth:`start` without awaiting (on the engine's loop; nested executions use it)."""
        group = self._host.group
        if group is None:
            raise RuntimeError("the engine is not running: use `async with Engine(...) as engine:`")
        return launch(self, group, self._machines.entry_for(target), input, name, context, parent_arn)

    # -- following and stopping ---------------------------------------------------------------

    def get(self, execution_arn: str) -> ExecutionHandle:
        """The handle of an execution (:class:`ExecutionDoesNotExist` if none has this ARN)."""
        handle = self._executions.get(execution_arn)
        if handle is None:
            raise ExecutionDoesNotExist(f"Execution Does Not Exist: '{execution_arn}'")
        return handle

    def describe(self, execution_arn: str) -> dict[str, Any]:
        """``DescribeExecution``: the execution's status, dates, input, output or error."""
        return self.get(execution_arn).describe()

    def list_executions(
        self, state_machine: str | None = None, *, status: str | None = None
    ) -> list[dict[str, Any]]:
        """``ListExecutions``: executions (newest first), of one state machine and/or one status."""
        arn = self.state_machine(state_machine).arn if state_machine is not None else None
        handles = reversed(self._executions.values())
        return [h.summary() for h in handles if arn in (None, h.state_machine_arn) and status in (None, h.status)]

    def handles(self) -> list[ExecutionHandle]:
        """Every execution's handle, in start order."""
        return list(self._executions.values())

    def abort(self, handle: ExecutionHandle, error: str | None = None, cause: str | None = None) -> None:
        """Ask a running execution to stop (``ABORTED``) without waiting; :meth:`stop` waits."""
        handle.abort(error, cause)

    async def stop(self, execution_arn: str, *, error: str | None = None, cause: str | None = None) -> dict[str, Any]:
        """``StopExecution``: abort the execution and wait until all its tasks and branches are gone.

        The execution ends ``ABORTED`` with ``error`` and ``cause`` (an ``ExecutionAborted`` event);
        its running resolvers are cancelled, and ``.sync`` child executions are stopped too. A
        finished execution is left as it is. Returns ``{"stopDate": datetime}``.
        """
        handle = self.get(execution_arn)
        self.abort(handle, error, cause)
        await handle.done.wait()
        return {"stopDate": handle.describe().get("stopDate")}

    async def join(self) -> None:
        """Wait until every execution started so far has ended."""
        for handle in list(self._executions.values()):
            await handle.done.wait()

    # -- tokens and activities ------------------------------------------------------------------

    def send_task_success(self, task_token: str, output: Any = None) -> None:
        """``SendTaskSuccess``: the task of ``task_token`` succeeds with ``output`` (JSON data).

        Callable from the engine's tasks and from any other thread. Raises
        :class:`TaskDoesNotExist` for a token this engine never issued, :class:`TaskTimedOut` for
        one whose task already ended, :class:`InvalidOutput` for output that is not JSON.
        """
        self._host.call(self.tokens.succeed, task_token, output)

    def send_task_failure(self, task_token: str, error: str | None = None, cause: str | None = None) -> None:
        """``SendTaskFailure``: the task of ``task_token`` fails with ``error`` and ``cause``."""
        self._host.call(self.tokens.fail, task_token, error, cause)

    def send_task_heartbeat(self, task_token: str) -> None:
        """``SendTaskHeartbeat``: restart the ``HeartbeatSeconds`` timer of the task."""
        self._host.call(self.tokens.heartbeat, task_token)

    def pending_tasks(self, execution_arn: str | None = None) -> list[PendingTask]:
        """Callback and activity tasks waiting for an answer (of one execution, if given), oldest first."""
        tasks = self._host.call(self.tokens.pending)
        return [t for t in tasks if execution_arn is None or t.execution_arn == execution_arn]

    async def get_activity_task(
        self, activity_arn: str, *, worker_name: str | None = None, timeout: float | None = None
    ) -> ActivityTask | None:
        """``GetActivityTask``: the oldest task queued for the activity, waiting for one to come.

        Waits at most ``timeout`` seconds (None: until a task comes) and then returns None, as
        AWS's long poll returns no task. The task's ``ActivityStarted`` event (with
        ``workerName``) is recorded and its heartbeat timer starts now.
        """
        return await get_activity_task(self, activity_arn, worker_name, timeout)

    def new_token(self) -> str:
        """A fresh task token."""
        return f"{self._rng.getrandbits(256):064x}"

    def new_uuid(self) -> str:
        """A fresh UUID (from the engine's RNG, so seeded engines repeat)."""
        return str(uuid.UUID(int=self._rng.getrandbits(128), version=4))

    request_id = new_uuid

    # -- lifetime -------------------------------------------------------------------------------

    async def __aenter__(self) -> Engine:
        await self._host.open()
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> bool | None:
        """Abort every execution still running, wait for them to end, and stop the engine."""
        for handle in list(self._executions.values()):
            self.abort(handle, "Engine.Closed", _CLOSED_CAUSE)
        return await self._host.close(exc_type, exc, tb)

    def serve(self, main: Callable[[Engine], Awaitable[T]]) -> T:
        """Run ``await main(engine)`` inside this engine, on the clock's event loop; its result.

        The synchronous way in: under a :class:`~asl.testing.VirtualClock` every timer of every
        execution (waits, retries, timeouts, heartbeats) finishes at once.
        """
        return serve(self, main)

    def blocking(self) -> AbstractContextManager[BlockingEngine]:
        """A synchronous facade: the engine runs on its own thread while the block lasts.

        ::

            with asl.Engine(resolvers=...).blocking() as engine:
                handle = engine.start("Approval", {"id": 7})
                engine.send_task_success(token, {"approved": True})
                print(handle.result())
        """
        return blocking(self)

    def __repr__(self) -> str:
        return f"Engine(state_machines={self._machines.names()!r}, executions={len(self._executions)})"

    list = list_executions

