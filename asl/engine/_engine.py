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
"""

from __future__ import annotations

import json
import random
import threading
import traceback
import uuid
from collections.abc import Awaitable, Callable, Iterator, Mapping
from contextlib import contextmanager
from types import TracebackType
from typing import TYPE_CHECKING, Any, Literal, TypeVar

import anyio
import anyio.from_thread
import anyio.lowlevel
import attrs

from .._home import DEFAULT_ACCOUNT, DEFAULT_REGION
from ..clock import Clock, RealClock
from ..errors import RUNTIME, DefinitionError
from ..execution import ABORTED, FAILED, RUNNING
from ..executor import MAX_PAYLOAD_BYTES, execute
from ..parser import parse
from ..resolvers import Raw, Resolver, ResolverTable
from ._errors import (
    ActivityDoesNotExist,
    ExecutionAlreadyExists,
    ExecutionDoesNotExist,
    InvalidExecutionInput,
    StateMachineDoesNotExist,
)
from ._express import EXPRESS_MAX_SECONDS, express_issues
from ._integrations import ACTIVITY_ARN, EngineIntegrations
from ._live import ExecutionHandle, LiveExecution
from ._tokens import ActivityQueues, ActivityTask, PendingTask, TokenRegistry

if TYPE_CHECKING:
    from anyio.abc import TaskGroup

    from ..states import StateMachine
    from ._blocking import BlockingEngine

__all__ = ["Engine", "StateMachineEntry"]

T = TypeVar("T")
MachineType = Literal["STANDARD", "EXPRESS"]

_CLOSED_CAUSE = "The engine was closed while the execution was running."


@attrs.frozen
class StateMachineEntry:
    """A state machine registered with an engine."""

    name: str
    arn: str
    machine: StateMachine
    """The parsed machine (for EXPRESS, its timeout capped at five minutes)."""
    type: MachineType = "STANDARD"


def _copy_input(value: Any) -> Any:
    try:
        return json.loads(json.dumps(value, allow_nan=False))
    except (TypeError, ValueError) as e:
        raise InvalidExecutionInput(f"Invalid State Machine Execution Input: {e}") from None


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
        self._machines: dict[str, StateMachineEntry] = {}
        self._names: dict[str, str] = {}
        self._executions: dict[str, ExecutionHandle] = {}
        self._activity_arns: set[str] = set()
        self._group: TaskGroup | None = None
        self._thread: int | None = None
        self._loop_token: Any = None
        self._anonymous = 0
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
        if type not in ("STANDARD", "EXPRESS"):
            raise ValueError(f"type must be 'STANDARD' or 'EXPRESS', got {type!r}")
        machine = parse(definition)
        if type == "EXPRESS":
            issues = express_issues(machine.definition)
            if issues:
                raise DefinitionError(issues)
            limit = machine.timeout_seconds
            machine = attrs.evolve(machine, timeout_seconds=min(limit or EXPRESS_MAX_SECONDS, EXPRESS_MAX_SECONDS))
        if name.startswith("arn:"):
            arn, short = name, name.rsplit(":", 1)[-1]
        else:
            arn, short = f"arn:aws:states:{self.region}:{self.account}:stateMachine:{name}", name
        self._machines[arn] = StateMachineEntry(short, arn, machine, type)
        self._names[short] = arn
        return arn

    def state_machine(self, name_or_arn: str) -> StateMachineEntry:
        """The registered state machine with this name or ARN (:class:`StateMachineDoesNotExist` if none)."""
        arn = self._names.get(name_or_arn, name_or_arn)
        entry = self._machines.get(arn)
        if entry is None:
            raise StateMachineDoesNotExist(f"State Machine Does Not Exist: '{name_or_arn}'")
        return entry

    def create_activity(self, name: str) -> str:
        """Declare an activity (workers poll it with :meth:`get_activity_task`); its ARN."""
        arn = name if name.startswith("arn:") else f"arn:aws:states:{self.region}:{self.account}:activity:{name}"
        if not ACTIVITY_ARN.fullmatch(arn):
            raise ValueError(f"not an activity name or ARN: {name!r}")
        self._activity_arns.add(arn)
        return arn

    # -- starting -------------------------------------------------------------------------------

    def _entry_for(self, target: Any) -> StateMachineEntry:
        if isinstance(target, str) and (target in self._names or target in self._machines):
            return self.state_machine(target)
        if isinstance(target, str) and target.startswith("arn:") and ":stateMachine:" in target:
            return self.state_machine(target)
        self._anonymous += 1
        return self._machines[self.register(f"StateMachine-{self._anonymous}", target)]

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
        group = self._group
        if group is None:
            raise RuntimeError("the engine is not running: use `async with Engine(...) as engine:`")
        entry = self._entry_for(target)
        data = _copy_input(input)
        name = name or str(uuid.UUID(int=self._rng.getrandbits(128), version=4))
        prefix = f"arn:aws:states:{self._home(entry)}"
        if entry.type == "EXPRESS":
            arn = f"{prefix}:express:{entry.name}:{name}:{self.new_uuid()}"
        else:
            arn = f"{prefix}:execution:{entry.name}:{name}"
        existing = self._executions.get(arn)
        if existing is not None:
            if existing.running and existing.execution.input == data:
                return existing
            raise ExecutionAlreadyExists(f"Execution Already Exists: '{arn}'")
        execution = LiveExecution(
            name=name, arn=arn, input=data, start_time=self.clock.now(), keep_history=self._history
        )
        handle = ExecutionHandle(self, entry, execution, parent_arn)
        self._executions[arn] = handle
        group.start_soon(self._run, handle, context)
        return handle

    def _home(self, entry: StateMachineEntry) -> str:
        parts = entry.arn.split(":")
        return f"{parts[3]}:{parts[4]}" if len(parts) > 4 else f"{self.region}:{self.account}"

    async def _run(self, handle: ExecutionHandle, context: Mapping[str, Any] | None) -> None:
        """Run one execution to its end (or abort); never raises into the task group."""
        execution = handle.execution
        entry = handle.entry
        identity = {
            "StateMachine": {"Id": entry.arn, "Name": entry.name},
            "Execution": {"Id": execution.arn, "Name": execution.name},
        }
        merged = _merge(dict(context or {}), identity)

        def adopt(**fields: Any) -> LiveExecution:
            execution.input = fields.get("input", execution.input)
            execution.start_time = fields.get("start_time", execution.start_time)
            return execution

        rng = random.Random(self._rng.getrandbits(64))
        with anyio.CancelScope() as scope:
            handle.scope = scope
            if handle.abort_reason is not None:
                scope.cancel()
            try:
                await execute(
                    entry.machine,
                    execution.input,
                    resolvers=self._table,
                    clock=self.clock,
                    rng=rng,
                    context=merged,
                    max_payload_bytes=self._max_payload_bytes,
                    history=self._history,
                    execution_factory=adopt,
                )
            except Exception as e:  # an internal error: fail the execution, keep the engine alive
                if execution.status == RUNNING:
                    detail = "".join(traceback.format_exception_only(type(e), e)).strip()
                    self._finish(handle, FAILED, RUNTIME, f"Internal error in asl: {detail}", "ExecutionFailed")
        if execution.status == RUNNING:
            error, cause = handle.abort_reason or (None, None)
            self._finish(handle, ABORTED, error, cause, "ExecutionAborted")
        handle.done.set()
        execution.wake()

    def _finish(self, handle: ExecutionHandle, status: str, error: str | None, cause: str | None, kind: str) -> None:
        execution = handle.execution
        now = self.clock.now()
        execution.status = status
        execution.error = error
        execution.cause = cause
        execution.stop_time = now
        details = {k: v for k, v in (("error", error), ("cause", cause)) if v is not None}
        execution.record(kind, now, execution.last_event_id, details)

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
        found = [
            h.summary()
            for h in reversed(self._executions.values())
            if (arn is None or h.state_machine_arn == arn) and (status is None or h.status == status)
        ]
        return found

    def handles(self) -> list[ExecutionHandle]:
        """Every execution's handle, in start order."""
        return list(self._executions.values())

    def abort(self, handle: ExecutionHandle, error: str | None = None, cause: str | None = None) -> None:
        """Ask a running execution to stop (``ABORTED``) without waiting; :meth:`stop` waits."""
        if not handle.running:
            return
        if handle.abort_reason is None:
            handle.abort_reason = (error, cause)
        if handle.scope is not None:
            handle.scope.cancel()

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

    def _on_loop(self, fn: Callable[..., T], *args: Any) -> T:
        """Call ``fn`` on the engine's loop: directly there, through anyio from another thread."""
        if self._thread is None or self._thread == threading.get_ident():
            return fn(*args)
        return anyio.from_thread.run_sync(fn, *args, token=self._loop_token)

    def send_task_success(self, task_token: str, output: Any = None) -> None:
        """``SendTaskSuccess``: the task of ``task_token`` succeeds with ``output`` (JSON data).

        Callable from the engine's tasks and from any other thread. Raises
        :class:`TaskDoesNotExist` for a token this engine never issued, :class:`TaskTimedOut` for
        one whose task already ended, :class:`InvalidOutput` for output that is not JSON.
        """
        self._on_loop(self.tokens.succeed, task_token, output)

    def send_task_failure(self, task_token: str, error: str | None = None, cause: str | None = None) -> None:
        """``SendTaskFailure``: the task of ``task_token`` fails with ``error`` and ``cause``."""
        self._on_loop(self.tokens.fail, task_token, error, cause)

    def send_task_heartbeat(self, task_token: str) -> None:
        """``SendTaskHeartbeat``: restart the ``HeartbeatSeconds`` timer of the task."""
        self._on_loop(self.tokens.heartbeat, task_token)

    def pending_tasks(self, execution_arn: str | None = None) -> list[PendingTask]:
        """Callback and activity tasks waiting for an answer (of one execution, if given), oldest first."""
        tasks = self._on_loop(self.tokens.pending)
        return [t for t in tasks if execution_arn is None or t.execution_arn == execution_arn]

    async def get_activity_task(
        self, activity_arn: str, *, worker_name: str | None = None, timeout: float | None = None
    ) -> ActivityTask | None:
        """``GetActivityTask``: the oldest task queued for the activity, waiting for one to come.

        Waits at most ``timeout`` seconds (None: until a task comes) and then returns None, as
        AWS's long poll returns no task. The heartbeat timer of the task starts now.
        """
        if not ACTIVITY_ARN.fullmatch(activity_arn):
            raise ActivityDoesNotExist(f"Activity Does Not Exist: '{activity_arn}'")
        task = await self.activities.get(activity_arn, self.tokens, timeout)
        if task is None:
            return None
        return ActivityTask(task.token, task.input, activity_arn, task.execution_arn, task.state_name)

    def new_token(self) -> str:
        """A fresh task token."""
        return "".join(f"{self._rng.getrandbits(32):08x}" for _ in range(8))

    def new_uuid(self) -> str:
        """A fresh UUID (from the engine's RNG, so seeded engines repeat)."""
        return str(uuid.UUID(int=self._rng.getrandbits(128), version=4))

    request_id = new_uuid

    # -- lifetime -------------------------------------------------------------------------------

    async def __aenter__(self) -> Engine:
        if self._group is not None:
            raise RuntimeError("this engine is already running")
        group = anyio.create_task_group()
        await group.__aenter__()
        self._group = group
        self._thread = threading.get_ident()
        self._loop_token = anyio.lowlevel.current_token()
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> bool | None:
        """Abort every execution still running, wait for them to end, and stop the engine."""
        group = self._group
        assert group is not None
        for handle in list(self._executions.values()):
            self.abort(handle, "Engine.Closed", _CLOSED_CAUSE)
        try:
            return await group.__aexit__(exc_type, exc, tb)
        finally:
            self._group = None
            self._thread = None

    def serve(self, main: Callable[[Engine], Awaitable[T]]) -> T:
        """Run ``await main(engine)`` inside this engine, on the clock's event loop; its result.

        The synchronous way in: under a :class:`~asl.testing.VirtualClock` every timer of every
        execution (waits, retries, timeouts, heartbeats) finishes at once.
        """

        async def outer() -> T:
            async with self:
                return await main(self)

        factory = self.clock.loop_factory()
        options = {"loop_factory": factory} if factory is not None else {}
        result: T = anyio.run(outer, backend="asyncio", backend_options=options)
        return result

    @contextmanager
    def blocking(self) -> Iterator[BlockingEngine]:
        """A synchronous facade: the engine runs on its own thread while the block lasts.

        ::

            with asl.Engine(resolvers=...).blocking() as engine:
                handle = engine.start("Approval", {"id": 7})
                engine.send_task_success(token, {"approved": True})
                print(handle.result())
        """
        from ._blocking import BlockingEngine

        factory = self.clock.loop_factory()
        options = {"loop_factory": factory} if factory is not None else {}
        with anyio.from_thread.start_blocking_portal("asyncio", options) as portal, portal.wrap_async_context_manager(
            self
        ):
            yield BlockingEngine(self, portal)

    def __repr__(self) -> str:
        return f"Engine(state_machines={sorted(self._names)!r}, executions={len(self._executions)})"

    list = list_executions


def _merge(base: dict[str, Any], extra: Mapping[str, Any]) -> dict[str, Any]:
    """``base`` with ``extra`` merged in, one level of sections deep (``extra`` wins)."""
    for key, value in extra.items():
        section = base.get(key)
        base[key] = {**section, **value} if isinstance(section, Mapping) and isinstance(value, Mapping) else value
    return base

