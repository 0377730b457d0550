"""Payload templates: Parameters, ResultSelector, ItemSelector (JSONPath states).

A template is a JSON value whose object members named ``"key.$"`` take their value from
a path (``$...``, ``$$...``, ``$name...``) or an intrinsic function call
(``States.Format(...)``); the member is emitted as ``"key"``. Everything else is copied
as written.

The template is walked once, at compile time, into a tree of small closures, so that
evaluation only calls them:

* every object and array of the template is built anew on each evaluation (a literal
  one is copied with one C-level ``dict.copy``/``list.copy`` when it holds only
  scalars), so a caller may change the result without touching the compiled
  template; scalars are immutable and shared;
* values read by paths are the input's own objects (no copy), as everywhere in
  ``asl.paths``: callers never mutate them.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import Any

import attrs

from ._base import PathNotFound, PathSyntaxError, Scope
from ._intrinsics import compile_intrinsic
from ._jsonpath import compile_path

__all__ = ["FieldPathNotFound", "Template", "TemplateSyntaxError", "compile_template"]

Node = Callable[[Any, Scope], Any]
KeyPath = list[str | int]

_SCALARS = (str, int, float, bool, type(None))


class FieldPathNotFound(PathNotFound):
    """A definite path in a template field matched nothing.

    AWS words it "The JSONPath '<path>' specified for the field '<field>' could not be
    found in the input '<input as JSON>'"; the executor formats that message.
    """

    def __init__(self, path: str, detail: str, field: str) -> None:
        super().__init__(path, detail)
        self.field = field
        """The template key, ``.$`` included (``value.$``)."""


class TemplateSyntaxError(PathSyntaxError):
    """A template member that does not compile; ``key_path`` locates it in the template."""

    def __init__(self, message: str, key_path: Sequence[str | int]) -> None:
        super().__init__(message)
        self.key_path: KeyPath = list(key_path)
        """The keys and indexes from the template's root to the bad member, e.g. ``["a", 0, "b.$"]``."""


@attrs.frozen
class Template:
    """A compiled payload template."""

    value: Any = attrs.field(repr=False)
    """The template as written."""
    evaluate: Node = attrs.field(repr=False, eq=False)
    """``evaluate(data, scope)``: a fresh JSON value, the template with every ``.$`` member
    resolved. Raises :class:`FieldPathNotFound` when a definite path matches nothing, and
    whatever an intrinsic function raises (``StatesError``). (A field holding the compiled
    tree's root, so a call costs no method indirection.)"""


def compile_template(value: Any) -> Template:
    """Compile a payload template; raises :class:`TemplateSyntaxError` (a ``PathSyntaxError``)."""
    return Template(value, _compile(value, []))


# --------------------------------------------------------------------------- compiling


def _compile(value: Any, key_path: KeyPath) -> Node:
    if isinstance(value, dict):
        return _compile_object(value, key_path)
    if isinstance(value, list):
        return _compile_array(value, key_path)
    return _constant(value)


def _constant(value: Any) -> Node:
    def constant(data: Any, scope: Scope) -> Any:
        return value

    return constant


def _compile_object(template: dict[str, Any], key_path: KeyPath) -> Node:
    if not _has_dynamic(template):
        return _literal(template)
    members: list[tuple[str, Node, str | None]] = []
    for key, member in template.items():
        here = [*key_path, key]
        if isinstance(key, str) and key.endswith(".$"):
            members.append((key[:-2], _compile_dynamic(key, member, here), key))
        else:
            members.append((key, _compile(member, here), None))
    items = tuple(members)

    def build_object(data: Any, scope: Scope) -> Any:
        # a plain loop: cheaper than a comprehension, and its try costs nothing until a path fails
        built: dict[str, Any] = {}
        for key, node, field in items:
            try:
                built[key] = node(data, scope)
            except FieldPathNotFound:
                raise
            except PathNotFound as exc:
                if field is None:
                    raise
                raise FieldPathNotFound(exc.path, exc.detail, field) from None
        return built

    return build_object


def _compile_array(template: list[Any], key_path: KeyPath) -> Node:
    if not _has_dynamic(template):
        return _literal(template)
    nodes = tuple(_compile(item, [*key_path, i]) for i, item in enumerate(template))

    def build_array(data: Any, scope: Scope) -> Any:
        return [node(data, scope) for node in nodes]

    return build_array


def _has_dynamic(value: Any) -> bool:
    """True when ``value`` holds a ``.$`` member at any depth."""
    if isinstance(value, dict):
        return any(
            (isinstance(key, str) and key.endswith(".$")) or _has_dynamic(member)
            for key, member in value.items()
        )
    if isinstance(value, list):
        return any(_has_dynamic(item) for item in value)
    return False


def _literal(value: Any) -> Node:
    """A node that returns a fresh copy of a literal container (scalars shared)."""
    if isinstance(value, dict):
        if all(isinstance(member, _SCALARS) for member in value.values()):
            return _shallow_copier(value)
        items = tuple((key, _literal(member)) for key, member in value.items())

        def copy_object(data: Any, scope: Scope) -> Any:
            return {key: node(data, scope) for key, node in items}

        return copy_object
    if isinstance(value, list):
        if all(isinstance(item, _SCALARS) for item in value):
            return _shallow_copier(value)
        nodes = tuple(_literal(item) for item in value)

        def copy_array(data: Any, scope: Scope) -> Any:
            return [node(data, scope) for node in nodes]

        return copy_array
    return _constant(value)


def _shallow_copier(value: dict[str, Any] | list[Any]) -> Node:
    copy = value.copy

    def shallow_copy(data: Any, scope: Scope) -> Any:
        return copy()

    return shallow_copy


def _compile_dynamic(key: str, text: Any, key_path: KeyPath) -> Node:
    """The node of a ``key.$`` member: a path or an intrinsic function call."""
    try:  # (the object holding the member reports a path that matches nothing for ``key``)
        if isinstance(text, str) and text.startswith("$"):
            return compile_path(text).evaluate
        if isinstance(text, str) and text.startswith("States."):
            return compile_intrinsic(text).evaluate
        detail = f"found {json.dumps(text, ensure_ascii=False)}"
    except PathSyntaxError as exc:
        detail = str(exc)
    raise TemplateSyntaxError(
        # AWS's wording (SCHEMA_VALIDATION_FAILED), then what is wrong.
        f"The value for the field '{key}' must be a valid JSONPath or a valid intrinsic "
        f"function call ({detail})",
        key_path,
    )
