"""``asl.test_state``: AWS's TestState API, locally: one state, run once, with mocks."""

from __future__ import annotations

import random
from collections.abc import Mapping
from typing import Any

import anyio

from ..clock import Clock
from ..resolvers import Resolver, ResolverTable
from ..testing import VirtualClock
from ._execute import TestStateResult, run_request
from ._request import InvalidTestStateRequest, build_request

__all__ = ["InvalidTestStateRequest", "TestStateResult", "test_state", "test_state_async"]


async def test_state_async(
    definition: Any,
    input: Any = None,
    *,
    state_name: str | None = None,
    mock: Mapping[str, Any] | None = None,
    variables: Mapping[str, Any] | str | None = None,
    context: Mapping[str, Any] | str | None = None,
    state_configuration: Mapping[str, Any] | str | None = None,
    inspection_level: str = "INFO",
    role_arn: str | None = None,
    resolvers: Mapping[str, Resolver] | None = None,
    clock: Clock | None = None,
    seed: int | None = None,
) -> TestStateResult:
    """Like :func:`test_state`, inside a running event loop."""
    request = build_request(
        definition,
        input,
        state_name=state_name,
        mock=mock,
        variables=variables,
        context=context,
        state_configuration=state_configuration,
        inspection_level=inspection_level,
        has_resolvers=bool(resolvers),
        role_arn=role_arn,
    )
    table = ResolverTable.build(resolvers)
    if request.mock is None and request.state.type == "Task" and table.find(
        request.state.name, request.state.resource, None  # type: ignore[attr-defined]
    ) is None:
        raise InvalidTestStateRequest(
            f"Task state '{request.state.name}' needs a mock or a resolver for "
            f"'{request.state.resource}'."  # type: ignore[attr-defined]
        )
    return await run_request(request, table, clock or VirtualClock(), random.Random(seed))


test_state_async.__test__ = False  # type: ignore[attr-defined]


def test_state(
    definition: Any,
    input: Any = None,
    *,
    state_name: str | None = None,
    mock: Mapping[str, Any] | None = None,
    variables: Mapping[str, Any] | str | None = None,
    context: Mapping[str, Any] | str | None = None,
    state_configuration: Mapping[str, Any] | str | None = None,
    inspection_level: str = "INFO",
    role_arn: str | None = None,
    resolvers: Mapping[str, Resolver] | None = None,
    clock: Clock | None = None,
    seed: int | None = None,
) -> TestStateResult:
    """Run one state once, as AWS's TestState API does, and say what would happen next.

    ``definition`` is one state (a dict or JSON text) or a whole state machine with
    ``state_name`` picking the state (default: its StartAt). ``mock`` answers a Task,
    Parallel or Map as AWS's TestState mock does: ``{"result": "<JSON text>"}`` (or the
    value itself) or ``{"errorOutput": {"error": ..., "cause": ...}}``; a Task without a
    mock is served by ``resolvers``. ``variables`` are the variables in scope,
    ``context`` replaces the context object (``$$``), and ``state_configuration`` takes
    AWS's ``retrierRetryCount``, ``errorCausedByState``, ``mapIterationFailureCount`` and
    ``mapItemReaderData``. ``role_arn`` is AWS's ``roleArn``, seen as ``$$.Execution.RoleArn``
    (when omitted: null, or a placeholder role for a state that runs a Task, where AWS demands
    one). At ``inspection_level`` ``"DEBUG"`` or ``"TRACE"`` the result
    carries ``inspection_data``.

    Returns a :class:`TestStateResult`: ``status`` is ``SUCCEEDED``, ``FAILED``,
    ``RETRIABLE`` (a retrier would retry the error) or ``CAUGHT_ERROR`` (a catcher takes
    it: ``output`` and ``next_state`` are the catcher's). Nothing waits: Wait states and
    backoffs are reported, not slept (a virtual clock unless ``clock`` is given).

    Raises :class:`InvalidTestStateRequest` where AWS rejects the request.
    """
    clock = clock or VirtualClock()

    async def main() -> TestStateResult:
        return await test_state_async(
            definition,
            input,
            state_name=state_name,
            mock=mock,
            variables=variables,
            context=context,
            state_configuration=state_configuration,
            inspection_level=inspection_level,
            role_arn=role_arn,
            resolvers=resolvers,
            clock=clock,
            seed=seed,
        )

    factory = clock.loop_factory()
    options = {"loop_factory": factory} if factory is not None else {}
    result: TestStateResult = anyio.run(main, backend="asyncio", backend_options=options)
    return result


test_state.__test__ = False  # type: ignore[attr-defined]
