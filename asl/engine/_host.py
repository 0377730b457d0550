"""Where an Engine runs: its task group, the thread and event loop it runs on, and the ways in.

``async with engine`` opens the task group on the current loop; :func:`serve` runs a coroutine
inside the engine on the clock's own event loop (a virtual clock skips every timer);
:func:`blocking` runs the engine on a thread of its own for synchronous callers. Calls from
other threads (``send_task_success`` from a worker thread, say) hop onto the loop through
:meth:`Host.call`.
"""

from __future__ import annotations

import threading
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from types import TracebackType
from typing import TYPE_CHECKING, Any, TypeVar

import anyio
import anyio.from_thread
import anyio.lowlevel

if TYPE_CHECKING:
    from anyio.abc import TaskGroup

    from ._blocking import BlockingEngine
    from ._engine import Engine

__all__ = ["Host", "blocking", "serve"]

T = TypeVar("T")


class Host:
    """The task group of a running engine, and the thread and loop it runs on."""

    __slots__ = ("_loop_token", "_thread", "group")

    def __init__(self) -> None:
        self.group: TaskGroup | None = None
        """The task group every execution runs in (None while the engine is not running)."""
        self._thread: int | None = None
        self._loop_token: Any = None

    async def open(self) -> None:
        """Open the task group on the current loop."""
        if self.group is not None:
            raise RuntimeError("this engine is already running")
        group = anyio.create_task_group()
        await group.__aenter__()
        self.group = group
        self._thread = threading.get_ident()
        self._loop_token = anyio.lowlevel.current_token()

    async def close(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> bool | None:
        """Wait for every task of the group to end and close it.

        An exception raised in the ``async with`` body comes out as itself, not wrapped in the
        ``ExceptionGroup`` anyio makes of it (the engine's own tasks never raise).
        """
        group = self.group
        assert group is not None
        try:
            return await group.__aexit__(exc_type, exc, tb)
        except BaseExceptionGroup as errors:
            if exc is not None and len(errors.exceptions) == 1 and errors.exceptions[0] is exc:
                raise exc from None
            raise
        finally:
            self.group = None
            self._thread = None

    def call(self, fn: Callable[..., T], *args: Any) -> T:
        """Call ``fn`` on the engine's loop: directly there (or when not running), through anyio from another thread."""
        if self._thread is None or self._thread == threading.get_ident():
            return fn(*args)
        return anyio.from_thread.run_sync(fn, *args, token=self._loop_token)


def _backend_options(engine: Engine) -> dict[str, Any]:
    factory = engine.clock.loop_factory()
    return {"loop_factory": factory} if factory is not None else {}


def serve(engine: Engine, main: Callable[[Engine], Awaitable[T]]) -> T:
    """Run ``await main(engine)`` inside ``engine`` on the clock's event loop; its result."""

    async def outer() -> T:
        async with engine:
            return await main(engine)

    result: T = anyio.run(outer, backend="asyncio", backend_options=_backend_options(engine))
    return result


@contextmanager
def blocking(engine: Engine) -> Iterator[BlockingEngine]:
    """Run ``engine`` on a thread of its own while the block lasts; its synchronous facade."""
    from ._blocking import BlockingEngine

    with anyio.from_thread.start_blocking_portal(
        "asyncio", _backend_options(engine)
    ) as portal, portal.wrap_async_context_manager(engine):
        yield BlockingEngine(engine, portal)
