"""Reading a definition: from a dict, JSON text or a file into a private dict, or issues.

Also the small helpers every validator shares: issue codes, JSONPath-style locations
(``$.States['My State'].Next``) and a walk over every state machine of a definition (the top
level, each Parallel branch and each Map item processor).

:func:`load_definition` never raises for bad input and never mutates what it was given:

* a ``dict`` (any ``Mapping``) is deep-copied; tuples become lists; a value that is not JSON
  data (a set, bytes, NaN, a non-string key, ...) is an issue;
* ``str``/``bytes`` are JSON text; a ``str`` that is not JSON but names an existing
  ``.json`` file, or any ``os.PathLike``, is read as a file;
* anything else, blank text, or JSON whose top level is not an object gives
  ``SCHEMA_VALIDATION_FAILED`` "Definition must be a valid JSON object" (AWS's wording);
* malformed JSON, ``NaN``/``Infinity`` and undecodable bytes give ``INVALID_JSON_DESCRIPTION``;
* nesting deeper than ``max_depth`` (:data:`MAX_DEPTH`) gives ``TOO_DEEPLY_NESTED``;
* text (or a dict's compact JSON) longer than ``max_chars`` (:data:`MAX_CHARS`, AWS's
  1,048,576 characters) gives ``SCHEMA_VALIDATION_FAILED`` in the words of AWS's API.

Duplicate keys: JSON allows them and the last one wins, as with AWS's parser, except in a
``States`` object, where a repeated name is the ``DUPLICATE_STATE_NAME`` AWS reports.
"""

from __future__ import annotations

import json
import math
import os
from collections import deque
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any, Final

from ..errors import DefinitionIssue
from ._location import child

__all__ = [
    "DUPLICATE_LABEL_NAME",
    "DUPLICATE_STATE_NAME",
    "INVALID_JSON_DESCRIPTION",
    "INVALID_LABEL_NAME",
    "INVALID_STATE_NAME",
    "MAX_CHARS",
    "MAX_DEPTH",
    "MISSING_END_STATE",
    "MISSING_TRANSITION_TARGET",
    "SCHEMA_VALIDATION_FAILED",
    "TOO_DEEPLY_NESTED",
    "child_path",
    "iter_machines",
    "load_definition",
]

# AWS's ValidateStateMachineDefinition diagnostic codes (the ones this package reports).
INVALID_JSON_DESCRIPTION: Final = "INVALID_JSON_DESCRIPTION"
SCHEMA_VALIDATION_FAILED: Final = "SCHEMA_VALIDATION_FAILED"
MISSING_END_STATE: Final = "MISSING_END_STATE"
DUPLICATE_STATE_NAME: Final = "DUPLICATE_STATE_NAME"
INVALID_STATE_NAME: Final = "INVALID_STATE_NAME"
DUPLICATE_LABEL_NAME: Final = "DUPLICATE_LABEL_NAME"
INVALID_LABEL_NAME: Final = "INVALID_LABEL_NAME"
MISSING_TRANSITION_TARGET: Final = "MISSING_TRANSITION_TARGET"
TOO_DEEPLY_NESTED: Final = "TOO_DEEPLY_NESTED"

MAX_DEPTH: Final = 512
"""Deepest JSON nesting accepted; deeper definitions would exhaust the interpreter's stack."""
MAX_CHARS: Final = 1_048_576
"""AWS's bound on CreateStateMachine's ``definition``, in characters."""

_NOT_AN_OBJECT: Final = "Definition must be a valid JSON object"
_FILE_SUFFIX: Final = ".json"


def child_path(path: str, key: object) -> str:
    """``path`` extended by an object key or array index, in JSONPath notation."""
    if isinstance(key, int) and not isinstance(key, bool):
        return child(path, key)
    return child(path, str(key))


def iter_machines(definition: Any) -> Iterator[tuple[Mapping[str, Any], str, str]]:
    """Every state machine in ``definition``: ``(machine, location, kind)``, outermost first.

    ``kind`` is ``"top"``, ``"branch"`` (a Parallel ``Branches[i]``) or ``"processor"`` (a Map
    ``ItemProcessor`` or ``Iterator``). Anything malformed is skipped, never raised on.
    """
    if not isinstance(definition, Mapping):
        return
    pending: deque[tuple[Mapping[str, Any], str, str]] = deque([(definition, "$", "top")])
    while pending:
        machine, path, kind = pending.popleft()
        yield machine, path, kind
        states = machine.get("States")
        if not isinstance(states, Mapping):
            continue
        states_path = child_path(path, "States")
        for name, state in states.items():
            if isinstance(state, Mapping):
                pending.extend(_sub_machines(state, child_path(states_path, name)))


def _sub_machines(state: Mapping[str, Any], path: str) -> Iterator[tuple[Mapping[str, Any], str, str]]:
    """The machines nested directly in one state."""
    kind = state.get("Type")
    if kind == "Parallel":
        branches = state.get("Branches")
        if isinstance(branches, list):
            for index, branch in enumerate(branches):
                if isinstance(branch, Mapping):
                    yield branch, child_path(child_path(path, "Branches"), index), "branch"
    elif kind == "Map":
        for field in ("ItemProcessor", "Iterator"):
            processor = state.get(field)
            if isinstance(processor, Mapping):
                yield processor, child_path(path, field), "processor"


class _Bounds:
    """The bounds of one load (``max_depth`` levels, ``max_chars`` characters or ``None``)."""

    __slots__ = ("max_chars", "max_depth")

    def __init__(self, max_depth: int, max_chars: int | None) -> None:
        self.max_depth = max_depth
        self.max_chars = max_chars


def load_definition(
    definition: Any, *, max_depth: int = MAX_DEPTH, max_chars: int | None = MAX_CHARS
) -> tuple[dict[str, Any] | None, list[DefinitionIssue]]:
    """The definition as a fresh dict (or ``None``) and the problems met reading it."""
    bounds = _Bounds(max_depth, max_chars)
    if isinstance(definition, Mapping):
        return _from_data(definition, bounds)
    if isinstance(definition, bytes | bytearray | memoryview):
        return _from_text(bytes(definition), None, bounds)
    if isinstance(definition, str):
        return _from_text(definition, _as_file(definition), bounds)
    if isinstance(definition, os.PathLike):
        return _from_file(Path(os.fspath(definition)), bounds)
    return None, [_not_an_object()]


def _too_large(limit: int) -> DefinitionIssue:
    message = (
        f"Value at 'definition' failed to satisfy constraint: Member must have length less than or equal to {limit}"
    )
    return DefinitionIssue("$", SCHEMA_VALIDATION_FAILED, message)


def _text_length(text: str | bytes) -> int:
    """Characters of ``text`` (bytes are counted once decoded, only when they might be too many)."""
    if isinstance(text, str):
        return len(text)
    return len(text.decode("utf-8", errors="replace"))


def _as_file(text: str) -> Path | None:
    """The file ``text`` names, when it looks like a path to an existing JSON file."""
    if len(text) > 4096 or "\n" in text or not text.strip().lower().endswith(_FILE_SUFFIX):
        return None
    try:
        path = Path(text.strip())
        return path if path.is_file() else None
    except (OSError, ValueError):
        return None


def _from_file(path: Path, bounds: _Bounds) -> tuple[dict[str, Any] | None, list[DefinitionIssue]]:
    try:
        data = path.read_bytes()
    except OSError as exc:
        message = f"Cannot read the definition file {str(path)!r}: {exc.strerror or exc}"
        return None, [DefinitionIssue("$", INVALID_JSON_DESCRIPTION, message)]
    return _from_text(data, None, bounds)


def _from_text(
    text: str | bytes, fallback: Path | None, bounds: _Bounds
) -> tuple[dict[str, Any] | None, list[DefinitionIssue]]:
    """Parse JSON text; on a syntax error, read ``fallback`` instead when there is one."""
    if not text.strip():
        return None, [_not_an_object()]
    limit = bounds.max_chars
    if limit is not None and len(text) > limit and _text_length(text) > limit:
        return None, [_too_large(limit)]
    try:
        data = json.loads(text, object_pairs_hook=_pairs_hook, parse_constant=_reject_constant)
    except RecursionError:
        message = f"The JSON text is nested too deeply (more than {bounds.max_depth} levels are not supported)"
        return None, [DefinitionIssue("$", TOO_DEEPLY_NESTED, message)]
    except ValueError as exc:  # JSONDecodeError and UnicodeDecodeError are ValueErrors
        if fallback is not None:
            return _from_file(fallback, bounds)
        message = f"The definition is not valid JSON: {exc}"
        return None, [DefinitionIssue("$", INVALID_JSON_DESCRIPTION, message)]
    if not isinstance(data, dict):
        return None, [_not_an_object()]
    return _from_data(data, bounds, measured=True)


def _pairs_hook(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """The ``object_pairs_hook`` for ``json.loads``: marks objects that repeat a key."""
    result = dict(pairs)
    return _DuplicateKeys(pairs) if len(result) != len(pairs) else result


class _DuplicateKeys(dict[str, Any]):
    """A parsed object that repeated keys; remembers its repeated names (last value wins)."""

    def __init__(self, pairs: list[tuple[str, Any]]) -> None:
        super().__init__(pairs)
        seen: set[str] = set()
        self.repeated: list[str] = []
        for key, _ in pairs:
            if key in seen and key not in self.repeated:
                self.repeated.append(key)
            seen.add(key)


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def _not_an_object() -> DefinitionIssue:
    return DefinitionIssue("$", SCHEMA_VALIDATION_FAILED, _NOT_AN_OBJECT)


def _from_data(
    data: Mapping[Any, Any], bounds: _Bounds, *, measured: bool = False
) -> tuple[dict[str, Any] | None, list[DefinitionIssue]]:
    """Deep-copy JSON-like data without recursion, checking that it is JSON data (and its size,
    unless it was ``measured`` as text already)."""
    copier = _Copier(bounds.max_depth)
    root: dict[str, Any] = {}
    copier.expand(data, root, "$", 1, is_states=False)
    if not copier.run():
        return None, copier.issues
    limit = bounds.max_chars
    if not measured and limit is not None and not copier.issues and _json_length(root) > limit:
        return None, [_too_large(limit)]
    return root, copier.issues


def _json_length(data: dict[str, Any]) -> int:
    """Characters of ``data`` as compact JSON text (how a dict definition would be sent to AWS)."""
    try:
        return len(json.dumps(data, ensure_ascii=False, separators=(",", ":")))
    except (TypeError, ValueError, RecursionError):
        return 0  # not JSON data: reported by the copier


Loc = Any  # "$" or (parent Loc, key): a location rendered to text only when an issue needs it


def _render(loc: Loc) -> str:
    keys: list[str | int] = []
    while not isinstance(loc, str):
        loc, key = loc
        keys.append(key)
    text: str = loc
    for key in reversed(keys):
        text = child_path(text, key)
    return text


class _Copier:
    """An explicit-stack deep copy (any depth, no recursion) that reports non-JSON values."""

    def __init__(self, max_depth: int = MAX_DEPTH) -> None:
        self.max_depth = max_depth
        self.issues: list[DefinitionIssue] = []
        # Each entry: source value, container for its copy, key there, location, depth, is-States.
        self.pending: list[tuple[Any, Any, Any, Loc, int, bool]] = []

    def run(self) -> bool:
        """Copy everything queued; ``False`` (with an issue) when the data is too deep."""
        while self.pending:
            value, target, key, path, depth, is_states = self.pending.pop()
            if depth > self.max_depth:
                message = f"The definition nests JSON more than {self.max_depth} levels deep"
                self.issues = [DefinitionIssue("$", TOO_DEEPLY_NESTED, message)]
                return False
            target[key] = self.node(value, path, depth, is_states=is_states)
        return True

    def node(self, value: Any, path: Loc, depth: int, *, is_states: bool) -> Any:
        """The copy of one value; containers start empty and are filled through ``pending``."""
        value_type = type(value)
        if value_type is str or value_type is int or value_type is bool or value is None:
            return value
        if value_type is dict or isinstance(value, Mapping):
            copy: dict[str, Any] = {}
            self.expand(value, copy, path, depth + 1, is_states=is_states)
            return copy
        if isinstance(value, list | tuple):
            items: list[Any] = [None] * len(value)
            for index, item in enumerate(value):
                self.pending.append((item, items, index, (path, index), depth + 1, False))
            return items
        if value is None or isinstance(value, str | bool | int):
            return value
        if isinstance(value, float) and math.isfinite(value):
            return value
        kind = f"The number {value}" if isinstance(value, float) else f"A value of type {type(value).__name__}"
        self.issues.append(DefinitionIssue(_render(path), SCHEMA_VALIDATION_FAILED, f"{kind} is not JSON data"))
        return None

    def expand(
        self, source: Mapping[Any, Any], target: dict[str, Any], path: Loc, depth: int, *, is_states: bool
    ) -> None:
        """Queue the members of ``source`` for ``target``, in reverse so that pops keep order."""
        if is_states and isinstance(source, _DuplicateKeys):
            for name in source.repeated:
                message = f"The state name {name!r} appears more than once"
                self.issues.append(DefinitionIssue(child_path(_render(path), name), DUPLICATE_STATE_NAME, message))
        members = list(source.items())
        for key, _ in members:
            target[key] = None  # fixes the key order before the values are filled in
        for key, value in reversed(members):
            if not isinstance(key, str):
                message = f"The key {key!r} is a {type(key).__name__}; JSON object keys are strings"
                self.issues.append(DefinitionIssue(_render(path), SCHEMA_VALIDATION_FAILED, message))
                del target[key]
                continue
            self.pending.append((value, target, key, (path, key), depth, key == "States"))
