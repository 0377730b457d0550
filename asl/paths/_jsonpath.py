"""JSONPath as AWS reads it (Jayway JsonPath syntax), compiled once.

A path is tokenised here into steps:

* a *definite* path (names and indexes only) is evaluated by our own walk over a tuple of
  keys and indexes, and yields one value or raises :class:`PathNotFound` with Jayway's
  wording;
* an *indefinite* path (``*``, ``..``, ``[?(...)]``, ``[a:b]``, ``[0,2]``) is turned into a
  jsonpath-ng expression (built node by node, never re-parsed) and yields the list of
  matches in document order, possibly empty.

Jayway details kept on purpose:

* quoted names are taken as written: a backslash only stops the next character from
  closing the name, it is not removed (AWS matched ``$['a\\"b']`` against the key
  ``a\\"b``);
* ``$.[0]`` is ``$[0]``; a negative index counts from the end;
* an index out of range yields no result (``No results for path: <whole path>``),
  while a missing object member before the last step is ``Missing property in path``;
* a union of names as the last step (``$.a['x','y']``) yields one object made of the
  members that exist (Jayway's "merge" case);
* a filter applied to an object tests the object itself; applied to an array it tests
  each element.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from typing import Any

import attrs

from ._base import PathNotFound, PathSyntaxError, Scope

__all__ = ["JsonPath", "compile_path"]

Step = str | int
"""A definite step: an object member name or an array index (negative counts from the end)."""


# --------------------------------------------------------------------------- tokens


@attrs.frozen
class _Wildcard:
    """``*`` or ``[*]``."""


@attrs.frozen
class _Descend:
    """``..`` followed by ``target``."""

    target: Step | _Wildcard | _Slice | _Names | _Indexes | _Filter


@attrs.frozen
class _Slice:
    """``[start:end]`` or ``[start:end:step]``."""

    start: int | None
    end: int | None
    step: int | None


@attrs.frozen
class _Names:
    """``['a','b']``: two or more names."""

    names: tuple[str, ...]


@attrs.frozen
class _Indexes:
    """``[0,2]``: two or more indexes."""

    indexes: tuple[int, ...]


@attrs.frozen
class _Filter:
    """``[?(...)]`` as written."""

    text: str


Token = Step | _Wildcard | _Descend | _Slice | _Names | _Indexes | _Filter


def _render_step(step: Step) -> str:
    return f"[{step}]" if isinstance(step, int) else f"['{step}']"


def _canonical(root: str, steps: tuple[Step, ...]) -> str:
    """Jayway's canonical bracket form, e.g. ``$['a'][0]``."""
    return root + "".join(_render_step(step) for step in steps)


class _Scanner:
    """One pass over the text after the root, producing tokens."""

    def __init__(self, text: str, pos: int) -> None:
        self.text = text
        self.pos = pos

    def error(self, why: str) -> PathSyntaxError:
        return PathSyntaxError(f"invalid JSONPath {self.text!r}: {why} (at character {self.pos})")

    def peek(self, ahead: int = 0) -> str:
        i = self.pos + ahead
        return self.text[i] if i < len(self.text) else ""

    def at_end(self) -> bool:
        return self.pos >= len(self.text)

    def tokens(self) -> tuple[Token, ...]:
        out: list[Token] = []
        while not self.at_end():
            char = self.peek()
            if char == "." and self.peek(1) == ".":
                self.pos += 2
                out.append(_Descend(self._after_dot()))
            elif char == ".":
                self.pos += 1
                out.append(self._after_dot())
            elif char == "[":
                out.append(self._bracket())
            else:
                raise self.error(f"unexpected {char!r}; a step starts with '.' or '['")
        return tuple(out)

    def _after_dot(self) -> Any:
        char = self.peek()
        if not char:
            raise self.error("the path must not end with '.'")
        if char == ".":
            raise self.error("unexpected '.'")
        if char == "*":
            self.pos += 1
            return _Wildcard()
        if char == "[":
            return self._bracket()
        return self._name()

    def _name(self) -> str:
        start = self.pos
        while not self.at_end():
            char = self.peek()
            if char in ".[":
                break
            if char.isspace():
                raise self.error("use bracket notation ['my name'] for a name with blanks")
            if char in "()":
                raise self.error("functions such as length() are not supported")
            self.pos += 1
        return self.text[start : self.pos]

    def _skip_blanks(self) -> None:
        while self.peek() == " ":
            self.pos += 1

    def _expect(self, char: str) -> None:
        self._skip_blanks()
        if self.peek() != char:
            found = repr(self.peek()) if self.peek() else "the end"
            raise self.error(f"expected {char!r}, found {found}")
        self.pos += 1

    def _bracket(self) -> Token:
        self.pos += 1  # '['
        self._skip_blanks()
        char = self.peek()
        if not char:
            raise self.error("unterminated '['")
        if char == "?":
            return self._filter()
        if char == "*":
            self.pos += 1
            self._expect("]")
            return _Wildcard()
        if char in "'\"":
            return self._quoted_names()
        return self._numeric()

    def _quoted_names(self) -> Step | _Names:
        names = [self._quoted()]
        self._skip_blanks()
        while self.peek() == ",":
            self.pos += 1
            self._skip_blanks()
            names.append(self._quoted())
            self._skip_blanks()
        self._expect("]")
        return names[0] if len(names) == 1 else _Names(tuple(names))

    def _quoted(self) -> str:
        quote = self.peek()
        if not quote or quote not in "'\"":
            raise self.error("expected a quoted name")
        self.pos += 1
        start = self.pos
        while not self.at_end():
            char = self.peek()
            if char == "\\":
                self.pos += 2
                continue
            if char == quote:
                name = self.text[start : self.pos]
                self.pos += 1
                return name
            self.pos += 1
        raise self.error("unterminated quoted name")

    def _numeric(self) -> Token:
        end = self.text.find("]", self.pos)
        if end < 0:
            raise self.error("unterminated '['")
        body = self.text[self.pos : end].replace(" ", "")
        if not body:
            raise self.error("empty brackets")
        token = _numeric_token(body)
        if token is None:
            raise self.error(f"invalid index, slice or index list [{body}]")
        self.pos = end + 1
        return token

    def _filter(self) -> _Filter:
        start = self.pos
        self.pos += 1  # '?'
        self._skip_blanks()
        if self.peek() != "(":
            raise self.error("a filter is written [?(...)]")
        depth = 0
        quote = ""
        while not self.at_end():
            char = self.peek()
            self.pos += 1
            if quote:
                if char == "\\":
                    self.pos += 1
                elif char == quote:
                    quote = ""
            elif char in "'\"":
                quote = char
            elif char == "(":
                depth += 1
            elif char == ")":
                depth -= 1
                if depth == 0:
                    body = self.text[start : self.pos]
                    self._expect("]")
                    return _Filter(body)
        raise self.error("unterminated filter")


def _parse_int(text: str) -> int:
    digits = text[1:] if text.startswith("-") else text
    if not (digits.isascii() and digits.isdigit()):
        raise ValueError(text)
    return int(text)


def _numeric_token(body: str) -> Token | None:
    """``0``, ``-1``, ``1:3``, ``:2``, ``0,2``; None when it is none of them."""
    try:
        if ":" in body:
            parts = body.split(":")
            if len(parts) > 3:
                return None
            start, end, step = (_parse_int(part) if part else None for part in [*parts, ""][:3])
            return None if step == 0 else _Slice(start, end, step)
        if "," in body:
            return _Indexes(tuple(_parse_int(part) for part in body.split(",")))
        return _parse_int(body)
    except ValueError:
        return None


# --------------------------------------------------------------------------- roots


def _split_root(text: str) -> tuple[str, str, int]:
    """``(root kind, variable name, position after the root)``."""
    if text.startswith("$$"):
        return "context", "", 2
    end = 1
    while end < len(text) and (text[end].isalnum() or text[end] == "_"):
        end += 1
    if end == 1:
        return "input", "", 1
    name = text[1:end]
    if name[0].isdigit():
        raise PathSyntaxError(f"invalid JSONPath {text!r}: a variable name cannot start with a digit")
    return "variable", name, end


def _read_input(data: Any, scope: Scope) -> Any:
    return data


def _read_context(data: Any, scope: Scope) -> Any:
    return scope.context


def _variable_reader(name: str, text: str) -> Callable[[Any, Scope], Any]:
    def read(data: Any, scope: Scope) -> Any:
        try:
            return scope.variables[name]
        except KeyError:
            raise PathNotFound(text, f"No results for path: ${name}") from None

    return read


# --------------------------------------------------------------------------- the walk


def _walk(value: Any, steps: tuple[Step, ...], text: str, root: str) -> Any:
    """Follow ``steps`` from ``value``; raise :class:`PathNotFound` worded as Jayway does."""
    for i, step in enumerate(steps):
        if step.__class__ is str:
            try:
                value = value[step]
            except (KeyError, TypeError, IndexError):
                raise _member_missing(text, root, steps, i) from None
        elif isinstance(value, list):
            try:
                value = value[step]  # type: ignore[index]
            except IndexError:
                raise PathNotFound(text, f"No results for path: {_canonical(root, steps)}") from None
        else:
            raise _member_missing(text, root, steps, i)
    return value


def _member_missing(text: str, root: str, steps: tuple[Step, ...], i: int) -> PathNotFound:
    prefix = _canonical(root, steps[: i + 1])
    if i == len(steps) - 1:
        return PathNotFound(text, f"No results for path: {prefix}")
    return PathNotFound(text, f"Missing property in path {prefix}")


def _merge(value: Any, names: tuple[str, ...], text: str, where: str) -> Any:
    """Jayway's leaf union of names: one object of the members present."""
    if not isinstance(value, dict):
        raise PathNotFound(text, f"Missing property in path {where}")
    return {name: value[name] for name in names if name in value}


# --------------------------------------------------------------------------- the compiled path


@attrs.frozen
class JsonPath:
    """A compiled JSONPath: :meth:`evaluate` reads one value or a list of matches."""

    text: str
    """The path as written."""
    definite: bool
    """True when made only of names and indexes (or ends in a union of names): one value."""
    root: str
    """``"input"`` (``$``), ``"context"`` (``$$``) or ``"variable"`` (``$name``)."""
    variable: str | None = None
    """The variable's name when ``root == "variable"``."""
    steps: tuple[Step, ...] = ()
    """The walk of a definite path (empty for ``$``, ``$$``, ``$name`` and indefinite paths)."""
    evaluate: Callable[[Any, Scope], Any] = attrs.field(default=_read_input, repr=False, eq=False)
    """``evaluate(data, scope)``: the value of a definite path, or the list of matches of an
    indefinite one. The result is the data's own object (no copy): callers must not mutate
    it. Raises :class:`PathNotFound` when a definite path matches nothing. (A field holding
    the compiled walk, so a call costs no method indirection.)"""


@functools.lru_cache(maxsize=4096)  # compiled paths are immutable: "$.id" compiles once per process
def compile_path(text: str, *, reference: bool = False) -> JsonPath:
    """Compile a JSONPath written in AWS's (Jayway) syntax.

    ``reference=True`` compiles a Reference Path (ResultPath, ItemsPath, ``...Path``
    fields, Choice ``Variable``): it must identify a single node, so ``*``, ``..``,
    filters, slices and unions are rejected. Raises :class:`PathSyntaxError`.
    """
    if not isinstance(text, str):
        raise PathSyntaxError(f"invalid JSONPath {text!r}: not a string")
    if not text:
        raise PathSyntaxError("invalid JSONPath '': empty")
    if not text.startswith("$"):
        raise PathSyntaxError(f"invalid JSONPath {text!r}: a path starts with '$'")
    kind, name, pos = _split_root(text)
    tokens = _Scanner(text, pos).tokens()
    sigil = "$$" if kind == "context" else f"${name}"
    if kind == "variable":
        read_root = _variable_reader(name, text)
    else:
        read_root = _read_context if kind == "context" else _read_input
    variable = name if kind == "variable" else None
    steps = tuple(token for token in tokens if isinstance(token, str | int))
    if len(steps) == len(tokens):
        run = _definite_runner(read_root, steps, text, sigil)
        return JsonPath(text, True, kind, variable, steps, run)
    if reference:
        raise PathSyntaxError(
            f"invalid reference path {text!r}: a reference path must identify a single node "
            "(no '*', '..', filters, slices or unions)"
        )
    last = tokens[-1]
    if len(steps) == len(tokens) - 1 and isinstance(last, _Names):
        walk = _definite_runner(read_root, steps, text, sigil)
        run = _merging_runner(walk, last.names, text, _canonical(sigil, steps))
        return JsonPath(text, True, kind, variable, steps, run)
    run = _matching_runner(read_root, _build_matcher(text, tokens))
    return JsonPath(text, False, kind, variable, (), run)


def _definite_runner(
    read_root: Callable[[Any, Scope], Any], steps: tuple[Step, ...], text: str, sigil: str
) -> Callable[[Any, Scope], Any]:
    """The fastest exact walk for ``steps``.

    On any failure the careful :func:`_walk` runs again from the root and raises the
    :class:`PathNotFound` Jayway would (the fast loop stays free of bookkeeping).
    """
    if not steps:
        return read_root
    on_input = read_root is _read_input
    if on_input and len(steps) == 1 and steps[0].__class__ is str:
        key = steps[0]

        def run_member(data: Any, scope: Scope) -> Any:  # ``$.name``: the most common path
            try:
                return data[key]
            except (LookupError, TypeError):
                return _walk(data, steps, text, sigil)

        return run_member
    if all(step.__class__ is str for step in steps):
        # Only a dict can be indexed by a string (a list or a string raises TypeError).
        def run_names(data: Any, scope: Scope) -> Any:
            value = start = data if on_input else read_root(data, scope)
            try:
                for step in steps:
                    value = value[step]
            except (LookupError, TypeError):
                return _walk(start, steps, text, sigil)
            return value

        return run_names

    def run_steps(data: Any, scope: Scope) -> Any:
        value = start = data if on_input else read_root(data, scope)
        try:
            for step in steps:
                if step.__class__ is int and not isinstance(value, list):
                    raise TypeError  # an index on an object or a string: no match
                value = value[step]
        except (LookupError, TypeError):
            return _walk(start, steps, text, sigil)
        return value

    return run_steps


def _merging_runner(
    walk: Callable[[Any, Scope], Any], names: tuple[str, ...], text: str, where: str
) -> Callable[[Any, Scope], Any]:
    def run_merge(data: Any, scope: Scope) -> Any:
        return _merge(walk(data, scope), names, text, where)

    return run_merge


def _matching_runner(read_root: Callable[[Any, Scope], Any], matcher: Any) -> Callable[[Any, Scope], Any]:
    find = matcher.find

    def run_matches(data: Any, scope: Scope) -> Any:
        return [match.value for match in find(read_root(data, scope))]

    return run_matches


# --------------------------------------------------------------------------- jsonpath-ng


def _build_matcher(text: str, tokens: tuple[Token, ...]) -> Any:
    """A jsonpath-ng expression equal to ``tokens``, built node by node."""
    from jsonpath_ng import Child, Descendants, Root

    expression: Any = Root()
    for i, token in enumerate(tokens):
        leaf = i == len(tokens) - 1
        if isinstance(token, _Descend):
            expression = Descendants(expression, _node(text, token.target, leaf=leaf))
        else:
            expression = Child(expression, _node(text, token, leaf=leaf))
    return expression


def _node(text: str, token: Any, *, leaf: bool) -> Any:
    from jsonpath_ng import Fields, Index, Slice, Wildcard

    if isinstance(token, str):
        return Fields(token)
    if isinstance(token, int):
        return Index(token)
    if isinstance(token, _Wildcard):
        return Wildcard()
    if isinstance(token, _Slice):
        return Slice(token.start, token.end, token.step)
    if isinstance(token, _Indexes):
        return Index(*token.indexes)
    if isinstance(token, _Names):
        return _merge_node(token.names) if leaf else Fields(*token.names)
    assert isinstance(token, _Filter)
    return _filter_node(text, token.text)


def _merge_node(names: tuple[str, ...]) -> Any:
    return _ng_classes()[0](names)


def _filter_node(text: str, body: str) -> Any:
    from jsonpath_ng.ext.filter import Filter
    from jsonpath_ng.ext.parser import parse

    try:
        parsed = parse(f"$[{_regex_literals(body)}]")
    except Exception as exc:  # jsonpath-ng raises plain Exception subclasses
        raise PathSyntaxError(f"invalid JSONPath {text!r}: bad filter [{body}]: {exc}") from None
    node = getattr(parsed, "right", None)
    if not isinstance(node, Filter) or not node.expressions:
        raise PathSyntaxError(f"invalid JSONPath {text!r}: bad filter [{body}]")
    return _ng_classes()[1](node.expressions)


# A quoted string (left alone) or Jayway's regex literal ``=~ /re/flags``.
_FILTER_PIECE = re.compile(r"""'(?:\\.|[^'\\])*'|"(?:\\.|[^"\\])*"|=~\s*/((?:\\.|[^/\\])*)/([A-Za-z]*)""")


def _regex_literals(body: str) -> str:
    r"""Rewrite Jayway's ``=~ /re/i`` for jsonpath-ng: ``=~ '(?i)^(?:re)\Z'``.

    Jayway matches the whole string, jsonpath-ng searches: the anchors make them agree.
    The flags Python shares with Java (``i``, ``m``, ``s``, ``x``) are kept.
    """

    def rewrite(match: re.Match[str]) -> str:
        if match.group(1) is None:
            return match.group(0)
        flags = "".join(flag for flag in match.group(2) if flag in "imsx")
        pattern = (f"(?{flags})" if flags else "") + f"^(?:{match.group(1)})\\Z"
        return "=~ '" + pattern.replace("\\", "\\\\").replace("'", "\\'") + "'"

    return _FILTER_PIECE.sub(rewrite, body)


@functools.cache
def _ng_classes() -> tuple[type[Any], type[Any]]:
    """Our two jsonpath-ng node types, defined on first use (jsonpath-ng loads lazily)."""
    from jsonpath_ng import DatumInContext, JSONPath
    from jsonpath_ng.ext.filter import Filter

    class MergeFields(JSONPath):
        """Jayway's leaf union of names: one object per matched object."""

        def __init__(self, names: tuple[str, ...]) -> None:
            self.names = names

        def find(self, datum: Any) -> list[Any]:
            datum = DatumInContext.wrap(datum)
            value = datum.value
            if not isinstance(value, dict):
                return []
            merged = {name: value[name] for name in self.names if name in value}
            return [DatumInContext(merged, context=datum)]

    class JaywayFilter(Filter):
        """A filter on an array tests each element; on an object, the object itself."""

        def find(self, datum: Any) -> Any:
            datum = DatumInContext.wrap(datum)
            if isinstance(datum.value, dict):
                if all(expression.find(datum.value) for expression in self.expressions):
                    return [datum]
                return []
            return super().find(datum)  # type: ignore[no-untyped-call]

    return MergeFields, JaywayFilter
