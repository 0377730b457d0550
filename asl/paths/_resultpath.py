"""ResultPath: where a state's result goes in its raw input.

* ``null`` discards the result: the output is the input;
* ``$`` replaces the input with the result;
* ``$.a.b`` puts the result at ``a.b`` in a *new* document: the containers along the path
  are copied (one shallow copy each), everything else is shared with the input, and the
  input itself is never changed. Missing object members along the way are created as
  empty objects; an index step must name an element that exists.

When the input (or a value along the path) cannot take the step, for example a string
input with ``$.a``, the state fails with ``States.ResultPathMatchFailure``.
"""

from __future__ import annotations

import functools
import json
from typing import Any

import attrs

from ..errors import RESULT_PATH_MATCH_FAILURE, StatesError
from ._base import PathSyntaxError
from ._jsonpath import Step, compile_path

__all__ = ["ResultPath", "compile_result_path"]


@attrs.frozen
class ResultPath:
    """A compiled ResultPath (``text`` None is JSON ``null``: discard the result)."""

    text: str | None
    """The path as written, or None for ``null``."""
    steps: tuple[Step, ...] | None = attrs.field(default=None, repr=False)
    """Where the result goes: ``()`` for ``$``, None to discard the result."""

    def apply(self, state_input: Any, result: Any) -> Any:
        """The state's output: ``result`` placed into ``state_input`` (never mutated)."""
        steps = self.steps
        if steps is None:
            return state_input
        if not steps:
            return result
        try:
            return _put(state_input, steps, 0, result)
        except _CannotApply:
            raise StatesError(RESULT_PATH_MATCH_FAILURE, _cause(self.text, state_input)) from None


@functools.lru_cache(maxsize=4096)  # the result is immutable: compile each text once
def compile_result_path(text: str | None) -> ResultPath:
    """Compile a ResultPath; None (JSON ``null``) discards the result.

    Only a Reference Path on the state's input is allowed (no ``$$``, no ``$variable``).
    Raises :class:`PathSyntaxError`.
    """
    if text is None:
        return ResultPath(None)
    path = compile_path(text, reference=True)
    if path.root != "input":
        raise PathSyntaxError(f"invalid ResultPath {text!r}: it must start with '$.' or '$[' or be '$'")
    return ResultPath(text, path.steps)


class _CannotApply(Exception):
    """A step that the value at hand cannot take."""


def _put(value: Any, steps: tuple[Step, ...], i: int, result: Any) -> Any:
    """A copy of ``value`` with ``result`` at ``steps[i:]``; containers off the path are shared."""
    step = steps[i]
    last = i == len(steps) - 1
    if step.__class__ is str:
        if not isinstance(value, dict):
            raise _CannotApply
        copy = dict(value)
        if last:
            copy[step] = result
        elif step in value:
            copy[step] = _put(value[step], steps, i + 1, result)
        else:
            copy[step] = _create(steps, i + 1, result)
        return copy
    if not isinstance(value, list):
        raise _CannotApply
    index: int = step  # type: ignore[assignment]
    if not -len(value) <= index < len(value):
        raise _CannotApply
    items = list(value)
    items[index] = result if last else _put(value[index], steps, i + 1, result)
    return items


def _create(steps: tuple[Step, ...], i: int, result: Any) -> Any:
    """New objects for the missing members ``steps[i:]`` (an index cannot be created)."""
    value = result
    for step in reversed(steps[i:]):
        if step.__class__ is not str:
            raise _CannotApply
        value = {step: value}
    return value


def _cause(text: str | None, state_input: Any) -> str:
    # No AWS recording of this cause is available; the wording is ours.
    document = json.dumps(state_input, separators=(",", ":"), ensure_ascii=False)
    return f'Unable to apply ResultPath "{text}" to input "{document}"'
