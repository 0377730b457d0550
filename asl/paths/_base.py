"""What every compiled path, template and intrinsic shares: the scope it reads and its errors."""

from __future__ import annotations

import random
from collections.abc import Mapping
from typing import Any, Protocol

__all__ = ["Evaluable", "PathNotFound", "PathSyntaxError", "Scope"]


class Scope:
    """What an expression may read besides the state's data.

    ``context`` may be built lazily: a subclass (the executor's step) overrides
    :meth:`_make_context`, which runs the first time ``context`` is read, so a state
    whose expressions never read ``$$`` never builds its context object.
    """

    __slots__ = ("_context", "rng", "variables")

    def __init__(
        self,
        context: Mapping[str, Any] | None = None,
        variables: Mapping[str, Any] | None = None,
        rng: random.Random | None = None,
    ) -> None:
        self._context = context
        self.variables: Mapping[str, Any] = {} if variables is None else variables
        """Workflow variables, read by ``$name`` paths."""
        self.rng: random.Random = random.Random() if rng is None else rng
        """Randomness for ``States.UUID`` and ``States.MathRandom``."""

    @property
    def context(self) -> Mapping[str, Any]:
        """The context object, read by ``$$`` paths."""
        context = self._context
        if context is None:
            context = self._context = self._make_context()
        return context

    @context.setter
    def context(self, value: Mapping[str, Any]) -> None:
        self._context = value

    def _make_context(self) -> Mapping[str, Any]:
        return {}

    def __repr__(self) -> str:
        return f"Scope(context={self._context!r}, variables={self.variables!r})"


class Evaluable(Protocol):
    """A compiled path, payload template or intrinsic call."""

    def evaluate(self, data: Any, scope: Scope) -> Any:
        """The value for ``data`` (the state's effective input) in ``scope``."""
        ...


class PathSyntaxError(ValueError):
    """A path, template or intrinsic call that does not compile (found at parse time)."""


class PathNotFound(Exception):  # a signal, not a failure: callers word the ASL error
    """A single-value path matched nothing at run time.

    The caller turns it into ``States.Runtime`` with the wording AWS uses for its field.
    """

    def __init__(self, path: str, detail: str) -> None:
        self.path = path
        """The path as written in the definition."""
        self.detail = detail
        """Jayway's wording: ``No results for path: $['a']`` or ``Missing property in path $['a']``."""
        super().__init__(f"Invalid path '{path}' : {detail}")
