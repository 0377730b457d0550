"""Hooks for tools that watch executions (coverage) or answer tasks (mock files).

Both are off by default and cost one ``is None`` test where they would be called.

* An :class:`Observer` is told of every state run, transition taken, Choice rule chosen,
  retrier used and catcher taken, in every execution started while it is active
  (:func:`observing`). The pytest plugin's coverage uses it.
* A :class:`TaskMocks` answers Task states by state name before resolvers are consulted
  (Step Functions Local's MockConfigFile). ``respond`` returns :data:`NOT_MOCKED` to fall
  through to the resolvers, a result to use as the task's result, or raises
  :class:`~asl.StatesError` to fail the task.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from ..states import StateMachine

__all__ = ["NOT_MOCKED", "Observer", "TaskMocks", "current_observer", "observing"]


class Observer(Protocol):
    """What an execution reports to a watcher (every method must be cheap and never raise)."""

    def state(self, machine: StateMachine, name: str) -> None:
        """State ``name`` was entered."""

    def transition(self, machine: StateMachine, source: str, target: str | None) -> None:
        """State ``source`` finished and passed control to ``target`` (None: its branch ended)."""

    def choice(self, machine: StateMachine, name: str, rule: int | None) -> None:
        """Choice state ``name`` chose rule ``rule`` (an index into Choices; None: Default)."""

    def retry(self, machine: StateMachine, name: str, retrier: int) -> None:
        """State ``name`` is retried by its retrier at index ``retrier``."""

    def catch(self, machine: StateMachine, name: str, catcher: int) -> None:
        """State ``name``'s error was caught by its catcher at index ``catcher``."""


class _NotMocked:
    __slots__ = ()

    def __repr__(self) -> str:
        return "NOT_MOCKED"


NOT_MOCKED: Any = _NotMocked()
"""What :meth:`TaskMocks.respond` returns to let the resolvers serve a task."""


class TaskMocks(Protocol):
    """Canned task responses for one execution (one counter per state)."""

    def respond(self, state_name: str) -> Any:
        """The result for this invocation of ``state_name``, or :data:`NOT_MOCKED`.

        Raises :class:`~asl.StatesError` when the canned response is an error.
        """


_observer: ContextVar[Observer | None] = ContextVar("asl_observer", default=None)


def current_observer() -> Observer | None:
    """The observer of executions started now, if any."""
    return _observer.get()


@contextmanager
def observing(observer: Observer | None) -> Iterator[None]:
    """Report every execution started inside this block to ``observer``."""
    token = _observer.set(observer)
    try:
        yield
    finally:
        _observer.reset(token)
