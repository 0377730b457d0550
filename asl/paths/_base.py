"""What every compiled path, template and intrinsic shares: the scope it reads and its errors."""

from __future__ import annotations

import random
from collections.abc import Mapping
from typing import Any, Protocol

import attrs

__all__ = ["Evaluable", "PathNotFound", "PathSyntaxError", "Scope"]


@attrs.define(slots=True)
class Scope:
    """What an expression may read besides the state's data."""

    context: Mapping[str, Any] = attrs.field(factory=dict)
    """The context object, read by ``$$`` paths."""
    variables: Mapping[str, Any] = attrs.field(factory=dict)
    """Workflow variables, read by ``$name`` paths."""
    rng: random.Random = attrs.field(factory=random.Random)
    """Randomness for ``States.UUID`` and ``States.MathRandom``."""


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
