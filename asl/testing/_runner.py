"""What the pytest fixtures hand out: a resolver registry and a runner (usable without pytest too).

:class:`ResolverRegistry` is a ``resolvers=`` mapping you add to as you go::

    resolvers = ResolverRegistry()

    @resolvers.register("ValidateOrder")
    def validate(order):
        return {"total": 20}

:class:`Runner` runs definitions with those resolvers, one :class:`~asl.testing.VirtualClock`,
a fixed seed and, when given, a MockConfigFile test case; it returns the finished
:class:`asl.Execution`, whatever its status. ``run`` is for sync code, ``await run_async`` for
async code (asyncio or trio). Relative paths (definitions, mock files) are looked up in the
working directory, then in ``base_dir`` (the test file's folder under pytest).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, TypeVar, overload

from ..clock import VirtualClock

if TYPE_CHECKING:
    from ..execution import Execution
    from ..states import StateMachine

__all__ = ["DEFAULT_SEED", "DEFAULT_START", "ResolverRegistry", "Runner"]

F = TypeVar("F", bound=Callable[..., Any])

DEFAULT_START: Final = datetime(2025, 1, 1, tzinfo=UTC)
"""Where a runner's virtual clock starts, so that timestamps repeat from run to run."""
DEFAULT_SEED: Final = 0
"""The seed a runner passes unless told otherwise, so that random values repeat."""

_PARSED: dict[str, tuple[tuple[int, int], StateMachine]] = {}


class ResolverRegistry(dict[str, Any]):
    """A ``resolvers=`` mapping (state name, Resource ARN or glob -> callable) with a decorator."""

    @overload
    def register(self, key: str) -> Callable[[F], F]: ...

    @overload
    def register(self, key: str, resolver: F) -> F: ...

    def register(self, key: str, resolver: Any = None) -> Any:
        """Serve ``key`` with ``resolver``; without ``resolver``, a decorator doing so."""
        if resolver is not None:
            self[key] = resolver
            return resolver

        def decorator(function: F) -> F:
            self[key] = function
            return function

        return decorator


def _locate(value: Any, base_dir: Path | None) -> Path | None:
    """The file ``value`` names, if it is a path (not JSON text) to an existing file."""
    text = isinstance(value, str) and value.strip() and not value.lstrip().startswith(("{", "["))
    if not (isinstance(value, os.PathLike) or text):
        return None
    path = Path(value)
    if path.exists() or path.is_absolute() or base_dir is None:
        return path
    beside = base_dir / path
    return beside if beside.exists() else path


def _parse_file(path: Path) -> StateMachine:
    from ..parser import parse

    key = str(path.resolve())
    try:
        stat = path.stat()
    except OSError:
        return parse(path)  # the parser reports the missing file as a DefinitionError
    stamp = (stat.st_mtime_ns, stat.st_size)
    cached = _PARSED.get(key)
    if cached is not None and cached[0] == stamp:
        return cached[1]
    machine = parse(path)
    _PARSED[key] = (stamp, machine)
    return machine


def _in_event_loop() -> bool:
    """Whether an asyncio or trio event loop runs in this thread."""
    import asyncio
    import sys

    try:
        asyncio.get_running_loop()
        return True
    except RuntimeError:
        pass
    trio: Any = sys.modules.get("trio")
    if trio is None:
        return False
    try:
        trio.lowlevel.current_trio_token()
    except RuntimeError:
        return False
    return True


class Runner:
    """Runs state machines for tests: registered resolvers, a virtual clock, a seed, mocks.

    Every option of :func:`asl.start` may be given to :meth:`run`/:meth:`run_async` to
    override the runner's own for one run; ``resolvers=`` there are added to the registry's.
    """

    __slots__ = (
        "base_dir",
        "clock",
        "executions",
        "mock_config",
        "on_machine",
        "resolvers",
        "seed",
        "state_machine",
        "test_case",
    )

    def __init__(
        self,
        *,
        resolvers: Mapping[str, Any] | None = None,
        clock: Any = None,
        mock_config: Any = None,
        test_case: str | None = None,
        state_machine: str | None = None,
        seed: int | None = DEFAULT_SEED,
        base_dir: str | os.PathLike[str] | None = None,
        on_machine: Callable[[StateMachine, Path], None] | None = None,
    ) -> None:
        self.resolvers = resolvers if isinstance(resolvers, ResolverRegistry) else ResolverRegistry(resolvers or {})
        """The resolvers every run uses (add to it with ``register``)."""
        self.clock = clock if clock is not None else VirtualClock(start=DEFAULT_START)
        """The clock of every run (by default a VirtualClock starting at :data:`DEFAULT_START`)."""
        self.mock_config = mock_config
        """A MockConfigFile path, dict or MockConfig (None: ``SFN_MOCK_CONFIG`` when a test case is set)."""
        self.test_case = test_case
        """The MockConfigFile test case every run uses, or None for no mocks."""
        self.state_machine = state_machine
        """The state machine's name: in the mock file, and as ``$$.StateMachine.Name``."""
        self.seed = seed
        self.base_dir = Path(base_dir) if base_dir is not None else None
        """Where relative paths are looked up after the working directory."""
        self.on_machine = on_machine
        """Called with each definition file's parsed machine and path (coverage labels)."""
        self.executions: list[Execution] = []
        """Every execution this runner ran, in order."""

    @property
    def last(self) -> Execution:
        """The latest execution (IndexError before the first run)."""
        return self.executions[-1]

    def machine(self, definition: Any) -> Any:
        """``definition`` parsed when it names a file (cached by path and modification time), else as given."""
        path = _locate(definition, self.base_dir)
        if path is None:
            return definition
        machine = _parse_file(path)
        if self.on_machine is not None:
            self.on_machine(machine, path)
        return machine

    def _options(self, options: dict[str, Any]) -> dict[str, Any]:
        resolvers = dict(self.resolvers)
        resolvers.update(options.pop("resolvers", None) or {})
        merged: dict[str, Any] = {"resolvers": resolvers, "clock": self.clock, "seed": self.seed}
        test_case = options.pop("test_case", self.test_case)
        given = options.pop("mock_config", None)
        if test_case is not None or given is not None:
            config = given if given is not None else self.mock_config
            located = _locate(config, self.base_dir) if config is not None else None
            merged["mock_config"] = located if located is not None else config
            merged["test_case"] = test_case
        if self.state_machine is not None:
            context = dict(options.pop("context", None) or {})
            context.setdefault("StateMachine", {"Name": self.state_machine})
            merged["context"] = context
        merged.update(options)
        if "rng" in options and "seed" not in options:
            merged.pop("seed")
        return merged

    def run(self, definition: Any, input: Any = None, **options: Any) -> Execution:
        """Run ``definition`` on ``input`` to its end (sync code; not inside a running event loop)."""
        from .._api import start

        if _in_event_loop():
            raise RuntimeError("Runner.run() cannot run inside a running event loop: use `await runner.run_async(...)`")
        execution = start(self.machine(definition), input, **self._options(options))
        self.executions.append(execution)
        return execution

    async def run_async(self, definition: Any, input: Any = None, **options: Any) -> Execution:
        """Run ``definition`` on ``input`` to its end inside the running event loop (asyncio or trio)."""
        from .._api import start_async

        execution = await start_async(self.machine(definition), input, **self._options(options))
        self.executions.append(execution)
        return execution
