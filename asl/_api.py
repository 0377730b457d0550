"""The public entry points: glue between the parser and the executor."""

from __future__ import annotations

import asyncio
import random
from collections.abc import Callable, Coroutine, Mapping
from typing import Any

import attrs

from .clock import Clock, RealClock
from .errors import ExecutionFailed, MissingResolvers
from .execution import SUCCEEDED, Execution
from .executor import MAX_PAYLOAD_BYTES, execute
from .executor._observe import TaskMocks
from .limits import Limits
from .parser import parse
from .resolvers import Resolver, ResolverTable, unresolved
from .states import StateMachine, TaskState

__all__ = ["run", "run_async", "start", "start_async"]


def _rng(seed: int | None, rng: random.Random | None) -> random.Random:
    if rng is not None:
        return rng
    return random.Random(seed)


def _task_resources(machine: StateMachine) -> list[tuple[str, str]]:
    return [(s.name, s.resource) for s in machine if isinstance(s, TaskState)]


@attrs.frozen
class _Options:
    """The options every entry point takes (see :func:`run`), and how an execution is started with them."""

    resolvers: Mapping[str, Resolver] | None
    clock: Clock | None
    context: Mapping[str, Any] | None
    seed: int | None
    rng: random.Random | None
    strict: bool
    max_payload_bytes: int | None
    history: bool
    mock_config: Any
    test_case: str | None
    limits: Limits | None

    async def start(self, definition: Any, input: Any) -> Execution:
        """Parse, check the resolvers (when strict) and run one execution to its end."""
        limits = self.limits
        if limits is not None and self.max_payload_bytes != MAX_PAYLOAD_BYTES:  # the explicit argument wins
            limits = attrs.evolve(limits, max_payload_bytes=self.max_payload_bytes)
        machine = parse(definition, limits=limits)
        table = ResolverTable.build(self.resolvers)
        if self.strict:
            missing = unresolved(table, _task_resources(machine))
            if missing:
                raise MissingResolvers(missing)
        return await execute(
            machine,
            input,
            resolvers=table,
            clock=self.clock or RealClock(),
            rng=_rng(self.seed, self.rng),
            context=self.context,
            max_payload_bytes=self.max_payload_bytes,
            history=self.history,
            mocks=_mocks(self.mock_config, self.test_case, machine, self.context),
            limits=limits,
        )

    def start_blocking(self, definition: Any, input: Any) -> Execution:
        """:meth:`start` in an event loop of its own (the clock's, so a VirtualClock skips every timer)."""
        clock = self.clock or RealClock()
        options = attrs.evolve(self, clock=clock)
        done: list[Execution] = []

        # main() returns nothing: asyncio's runner formats the main task's repr (result included)
        # when it restores the SIGINT handler, and an Execution's repr holds its whole input/output
        async def main() -> None:
            done.append(await options.start(definition, input))

        _run_in_new_loop(main, clock.loop_factory())
        return done[0]


def _run_in_new_loop(
    main: Callable[[], Coroutine[Any, Any, None]], factory: Callable[[], asyncio.AbstractEventLoop] | None
) -> None:
    """Run ``main()`` to its end on a new event loop (``factory``'s, else asyncio's), then close it.

    What :func:`asyncio.run` does, without the runner's SIGINT handler: installing and
    restoring it costs more than a small execution (Ctrl-C still stops the run, as a
    KeyboardInterrupt from inside the loop). anyio works on any asyncio loop.
    """
    loop = factory() if factory is not None else asyncio.new_event_loop()
    try:
        loop.run_until_complete(main())
    finally:
        try:
            _cancel_remaining(loop)
            # (perf) skipped when there is nothing to shut down (asyncio's own loops say so)
            if getattr(loop, "_asyncgens", True):
                loop.run_until_complete(loop.shutdown_asyncgens())
            if getattr(loop, "_default_executor", True) is not None:
                loop.run_until_complete(loop.shutdown_default_executor())
        finally:
            loop.close()


def _cancel_remaining(loop: asyncio.AbstractEventLoop) -> None:
    """Cancel the tasks still pending on ``loop`` and let them finish (as :func:`asyncio.run` does)."""
    pending = asyncio.all_tasks(loop)
    if not pending:
        return
    for task in pending:
        task.cancel()
    loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
    for task in pending:
        if not task.cancelled() and task.exception() is not None:
            message = "unhandled exception during asl.run() shutdown"
            loop.call_exception_handler({"message": message, "exception": task.exception(), "task": task})


async def start_async(
    definition: Any,
    input: Any = None,
    *,
    resolvers: Mapping[str, Resolver] | None = None,
    clock: Clock | None = None,
    context: Mapping[str, Any] | None = None,
    seed: int | None = None,
    rng: random.Random | None = None,
    strict: bool = False,
    max_payload_bytes: int | None = MAX_PAYLOAD_BYTES,
    history: bool = True,
    mock_config: Any = None,
    test_case: str | None = None,
    limits: Limits | None = None,
) -> Execution:
    """Run an execution to its end and return it, whatever its status."""
    options = _Options(
        resolvers, clock, context, seed, rng, strict, max_payload_bytes, history, mock_config, test_case, limits
    )
    return await options.start(definition, input)


def _mocks(mock_config: Any, test_case: str | None, machine: StateMachine, context: Any) -> TaskMocks | None:
    """The MockConfigFile test case's responses for one execution, or None."""
    if mock_config is None and test_case is None:
        return None
    from .testing._mock import mocks_for

    sm = (context or {}).get("StateMachine") or {}
    name = sm.get("Name") or (str(sm["Id"]).split(":")[-1] if sm.get("Id") else None)
    return mocks_for(mock_config, test_case, name, machine)


def _outcome(execution: Execution) -> Any:
    if execution.status != SUCCEEDED:
        raise ExecutionFailed(execution.status, execution.error, execution.cause, execution)
    return execution.output


async def run_async(
    definition: Any,
    input: Any = None,
    *,
    resolvers: Mapping[str, Resolver] | None = None,
    clock: Clock | None = None,
    context: Mapping[str, Any] | None = None,
    seed: int | None = None,
    rng: random.Random | None = None,
    strict: bool = False,
    max_payload_bytes: int | None = MAX_PAYLOAD_BYTES,
    history: bool = True,
    mock_config: Any = None,
    test_case: str | None = None,
    limits: Limits | None = None,
) -> Any:
    """Like :func:`run`, inside a running event loop (asyncio or trio through anyio)."""
    options = _Options(
        resolvers, clock, context, seed, rng, strict, max_payload_bytes, history, mock_config, test_case, limits
    )
    return _outcome(await options.start(definition, input))


def start(
    definition: Any,
    input: Any = None,
    *,
    resolvers: Mapping[str, Resolver] | None = None,
    clock: Clock | None = None,
    context: Mapping[str, Any] | None = None,
    seed: int | None = None,
    rng: random.Random | None = None,
    strict: bool = False,
    max_payload_bytes: int | None = MAX_PAYLOAD_BYTES,
    history: bool = True,
    mock_config: Any = None,
    test_case: str | None = None,
    limits: Limits | None = None,
) -> Execution:
    """Run a state machine to its end and return the :class:`Execution`, whatever its status.

    Takes the same arguments as :func:`run`. Use it to look at ``status``, ``error``,
    ``cause``, ``path`` and ``events`` without catching :class:`ExecutionFailed`. It runs
    its own event loop (the clock's, so a :class:`~asl.testing.VirtualClock` skips every
    timer); inside a running loop use :func:`start_async`.
    """
    options = _Options(
        resolvers, clock, context, seed, rng, strict, max_payload_bytes, history, mock_config, test_case, limits
    )
    return options.start_blocking(definition, input)


def run(
    definition: Any,
    input: Any = None,
    *,
    resolvers: Mapping[str, Resolver] | None = None,
    clock: Clock | None = None,
    context: Mapping[str, Any] | None = None,
    seed: int | None = None,
    rng: random.Random | None = None,
    strict: bool = False,
    max_payload_bytes: int | None = MAX_PAYLOAD_BYTES,
    history: bool = True,
    mock_config: Any = None,
    test_case: str | None = None,
    limits: Limits | None = None,
) -> Any:
    """Run a state machine to its end and return its output.

    ``definition`` is a dict, JSON text, a path to a ``.json`` file or a parsed
    :class:`StateMachine`. ``resolvers`` maps a state name, a Resource ARN or an ARN glob
    to a Python callable (sync or async) serving that Task. ``clock`` defaults to real
    time; ``asl.testing.VirtualClock()`` makes every wait instant. ``context`` is merged
    into the context object (``$$``). ``seed``/``rng`` make jitter, ``States.UUID`` and
    ``States.MathRandom`` reproducible. ``strict`` refuses to start when a Task has no
    resolver. ``max_payload_bytes`` is the quota on a state's output and a task's payload or
    result (AWS: 256 KiB; ``None`` lifts it). ``history=False`` keeps no history events
    (they are only counted), for executions too large to keep them. ``mock_config`` (a
    path to a Step Functions Local ``MockConfigFile.json`` or its parsed dict) and
    ``test_case`` answer Task states with that test case's mocked responses; unmocked
    Tasks fall through to ``resolvers``. With ``test_case`` alone, the file named by the
    ``SFN_MOCK_CONFIG`` environment variable is read. ``limits`` (:class:`asl.limits.Limits`)
    bounds the definition and the execution: history events, transitions, wall time,
    JSONata cost, nesting; see ``docs/security.md``.

    Raises :class:`asl.DefinitionError` for an invalid definition and
    :class:`asl.ExecutionFailed` when the execution does not succeed.
    """
    options = _Options(
        resolvers, clock, context, seed, rng, strict, max_payload_bytes, history, mock_config, test_case, limits
    )
    return _outcome(options.start_blocking(definition, input))
