"""The public entry points: glue between the parser and the executor."""

from __future__ import annotations

import random
from collections.abc import Mapping
from typing import Any

import anyio

from .clock import Clock, RealClock
from .errors import ExecutionFailed, MissingResolvers
from .execution import SUCCEEDED, Execution
from .executor import MAX_PAYLOAD_BYTES, execute
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
) -> Execution:
    """Run an execution to its end and return it, whatever its status."""
    machine = parse(definition)
    table = ResolverTable.build(resolvers)
    if strict:
        missing = unresolved(table, _task_resources(machine))
        if missing:
            raise MissingResolvers(missing)
    return await execute(
        machine,
        input,
        resolvers=table,
        clock=clock or RealClock(),
        rng=_rng(seed, rng),
        context=context,
        max_payload_bytes=max_payload_bytes,
        history=history,
    )


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
) -> Any:
    """Like :func:`run`, inside a running event loop (asyncio or trio through anyio)."""
    execution = await start_async(
        definition,
        input,
        resolvers=resolvers,
        clock=clock,
        context=context,
        seed=seed,
        rng=rng,
        strict=strict,
        max_payload_bytes=max_payload_bytes,
        history=history,
    )
    return _outcome(execution)


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
) -> Execution:
    """Run a state machine to its end and return the :class:`Execution`, whatever its status.

    Takes the same arguments as :func:`run`. Use it to look at ``status``, ``error``,
    ``cause``, ``path`` and ``events`` without catching :class:`ExecutionFailed`. It runs
    its own event loop (the clock's, so a :class:`~asl.testing.VirtualClock` skips every
    timer); inside a running loop use :func:`start_async`.
    """
    clock = clock or RealClock()

    async def main() -> Execution:
        return await start_async(
            definition,
            input,
            resolvers=resolvers,
            clock=clock,
            context=context,
            seed=seed,
            rng=rng,
            strict=strict,
            max_payload_bytes=max_payload_bytes,
            history=history,
        )

    factory = clock.loop_factory()
    options = {"loop_factory": factory} if factory is not None else {}
    execution: Execution = anyio.run(main, backend="asyncio", backend_options=options)
    return execution


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
    (they are only counted), for executions too large to keep them.

    Raises :class:`asl.DefinitionError` for an invalid definition and
    :class:`asl.ExecutionFailed` when the execution does not succeed.
    """
    execution = start(
        definition,
        input,
        resolvers=resolvers,
        clock=clock,
        context=context,
        seed=seed,
        rng=rng,
        strict=strict,
        max_payload_bytes=max_payload_bytes,
        history=history,
    )
    return _outcome(execution)
