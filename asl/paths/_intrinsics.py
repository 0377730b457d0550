"""The intrinsic functions of the Amazon States Language (``States.Format(...)`` and friends).

A call is parsed once by :func:`compile_intrinsic` into an :class:`IntrinsicCall` whose
arguments are already compiled (literals, :class:`~asl.paths._jsonpath.JsonPath`, nested
calls). Evaluation only reads the arguments and runs one small function from a table.

==========================  =====================================  ===========================================
function                    arguments                              result
==========================  =====================================  ===========================================
``States.Format``           template string, values...             the template with each ``{}`` replaced
``States.StringToJson``     string                                 the parsed JSON (blank text gives ``null``)
``States.JsonToString``     path (or nested call)                  compact JSON text (no blanks)
``States.Array``            values...                              a list of the values
``States.ArrayPartition``   array, chunk size (> 0)                a list of chunks
``States.ArrayContains``    array, value                           ``true`` when the value is in the array
``States.ArrayRange``       start, end, step (!= 0)                ``start..end`` inclusive, <= 1000 items
``States.ArrayGetItem``     array, index                           the item at ``index``
``States.ArrayLength``      array                                  its length
``States.ArrayUnique``      array                                  the array without repeats (first kept)
``States.Base64Encode``     string (<= 10,000 characters)          Base64 of its UTF-8 bytes
``States.Base64Decode``     Base64 string (<= 10,000 characters)   the decoded UTF-8 text
``States.Hash``             string (<= 10,000 characters), alg     hex digest; MD5, SHA-1, SHA-256/384/512
``States.JsonMerge``        object, object, ``false``              shallow merge, the second object wins
``States.MathRandom``       start, end[, seed]                     an integer in ``[start, end)``
``States.MathAdd``          number, number                         their sum
``States.StringSplit``      string, delimiter characters           the non-empty pieces
``States.UUID``             (none)                                 a version 4 UUID
==========================  =====================================  ===========================================

Rules shared by every function, taken from the AWS documentation and recorded executions:

* Where AWS wants an integer (``MathAdd``, ``MathRandom``, ``ArrayRange``,
  ``ArrayPartition``'s chunk size, ``ArrayGetItem``'s index), a non-integer number is
  rounded to the nearest integer, halves going up as Java's ``Math.round`` does:
  ``States.MathAdd(1.49, 1.5)`` is ``1 + 2 = 3`` and ``-1.5`` becomes ``-1``.
* String literals are single-quoted; the only escapes are ``\\'``, ``\\{``, ``\\}`` and
  ``\\\\``. Any other backslash makes the definition invalid. In a ``States.Format``
  template an escaped brace is literal text, never part of a ``{}`` placeholder.
* ``States.Format`` renders strings as they are, ``null``/``true``/``false`` and numbers
  as JSON, arrays as ``[a, b]`` and objects as ``{key=value, key2=value2}`` (Java's
  ``toString``, as AWS does).
* Values are never copied or mutated: results share unchanged parts of their inputs.

Compile-time problems (syntax, unknown function, wrong argument count, a literal of the
wrong JSON type, calls nested deeper than :data:`MAX_NESTING`) raise
:class:`~asl.paths._base.PathSyntaxError`. Run-time problems raise
``StatesError("States.IntrinsicFailure", cause)``. A definite path argument that matches
nothing raises :class:`~asl.paths._base.PathNotFound`; the caller words that error.
"""

from __future__ import annotations

import base64
import binascii
import functools
import hashlib
import json
import math
import random
import re
import uuid
from collections.abc import Callable
from typing import Any, Final, TypeAlias

import attrs

from asl.errors import INTRINSIC_FAILURE, StatesError
from asl.limits import current as current_limits
from asl.limits import json_chars_exceed, value_too_large_cause

from ._base import PathSyntaxError, Scope
from ._jsonpath import JsonPath, compile_path

__all__ = [
    "FUNCTION_NAMES",
    "MAX_NESTING",
    "Argument",
    "IntrinsicCall",
    "Literal",
    "compile_intrinsic",
    "is_intrinsic",
    "java_round",
]

MAX_NESTING: Final = 10
"""AWS: intrinsic functions nest at most 10 deep within a field (the outermost call counts)."""

MAX_STRING_LENGTH: Final = 10_000
"""AWS: the input of ``Base64Encode``, ``Base64Decode`` and ``Hash`` is at most 10,000 characters."""

MAX_RANGE_ITEMS: Final = 1000
"""AWS: ``States.ArrayRange`` makes at most 1000 items."""

INT32_MIN: Final = -(2**31)
INT32_MAX: Final = 2**31 - 1

_PREFIX: Final = "States."
_BLANKS: Final = " \t\n\r"
_ESCAPABLE: Final = frozenset("'{}\\")
_NUMBER: Final = re.compile(r"-?[0-9]+(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?")
_NOT_BASE64: Final = re.compile(r"[^A-Za-z0-9+/=]")


# --------------------------------------------------------------------------- compiled data


@attrs.frozen
class Literal:
    """A literal argument: a string, a number, ``true``, ``false`` or ``null``."""

    value: Any
    """The JSON value (immutable, so it is shared by every evaluation)."""
    segments: tuple[str, ...] | None = attrs.field(default=None, eq=False, repr=False)
    """For a string: the text around each unescaped ``{}``, used by ``States.Format``."""

    def evaluate(self, data: Any, scope: Scope) -> Any:
        """The literal's value."""
        return self.value


_Run = Callable[[list[Any], Scope], Any]


class _Failure(Exception):
    """A run-time problem with a function's arguments; the message says what is wrong."""


@attrs.frozen
class IntrinsicCall:
    """A compiled intrinsic function call such as ``States.Format('{}', $.name)``."""

    name: str
    """The function's name, e.g. ``States.Format``."""
    args: tuple[Argument, ...]
    """The compiled arguments, in order."""
    text: str = attrs.field(eq=False)
    """The call as written in the definition (used in error causes)."""
    _run: _Run = attrs.field(eq=False, repr=False)

    def evaluate(self, data: Any, scope: Scope) -> Any:
        """Evaluate the arguments against ``data`` and ``scope``, then apply the function."""
        values = []
        for arg in self.args:  # a loop: cheaper than a comprehension for a few arguments
            values.append(arg.evaluate(data, scope))  # noqa: PERF401
        try:
            return self._run(values, scope)
        except _Failure as failure:
            raise StatesError(INTRINSIC_FAILURE, f"{self.text}: {failure}") from None


Argument: TypeAlias = "Literal | JsonPath | IntrinsicCall"
"""What an argument compiles to."""


# --------------------------------------------------------------------------- value helpers


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    return type(value).__name__


def _describe(value: Any) -> str:
    """``a number (5)``: the JSON type and a short preview, for error messages."""
    kind = _json_type(value)
    article = "an" if kind[0] in "aeiou" else "a"
    if value is None:
        return "null"
    try:
        preview = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    except (TypeError, ValueError):
        preview = repr(value)
    if len(preview) > 60:
        preview = preview[:57] + "..."
    return f"{article} {kind} ({preview})"


def _want(args: list[Any], index: int, kind: str) -> Any:
    value = args[index]
    if _RUNTIME_KINDS[kind](value):
        return value
    raise _Failure(f"argument {index + 1} must be {_KIND_WORDS[kind]}, got {_describe(value)}")


def _string(args: list[Any], index: int) -> str:
    value: str = _want(args, index, "string")
    return value


def _array(args: list[Any], index: int) -> list[Any]:
    value: list[Any] = _want(args, index, "array")
    return value


def _limited(args: list[Any], index: int) -> str:
    text = _string(args, index)
    if len(text) > MAX_STRING_LENGTH:
        raise _Failure(
            f"argument {index + 1} has {len(text)} characters; at most {MAX_STRING_LENGTH} are allowed"
        )
    return text


def java_round(number: float) -> int:
    """Round to the nearest integer, halves up (Java's ``Math.round``): 2.5 -> 3, -2.5 -> -2."""
    floor = math.floor(number)
    return floor + 1 if number - floor >= 0.5 else floor


def _integer(args: list[Any], index: int) -> int:
    """An integer argument; other numbers are rounded the way AWS rounds them."""
    value = args[index]
    if type(value) is int:  # the common case, decided without the generic check
        return value
    value = _want(args, index, "number")
    if isinstance(value, int):
        return value
    if not math.isfinite(value):
        raise _Failure(f"argument {index + 1} must be a finite number, got {value!r}")
    return java_round(value)


def _json_key(value: Any) -> Any:
    """A hashable stand-in for a JSON value: equal keys iff the values are equal JSON.

    Booleans are not numbers, and an integer never equals a decimal (``1`` vs ``1.0``),
    as with the Java values AWS compares; object key order does not matter.
    """
    if isinstance(value, dict):
        return ("object", frozenset((key, _json_key(item)) for key, item in value.items()))
    if isinstance(value, list):
        return ("array", tuple(_json_key(item) for item in value))
    return (type(value).__name__, value)


def _format_value(value: Any) -> str:
    """How ``States.Format`` renders a value (Java's ``toString`` of the JSON value)."""
    kind = type(value)
    if kind is str:
        text: str = value
        return text
    if kind is int:
        return int.__repr__(value)  # what json.dumps writes, without building an encoder
    if kind is bool:
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        return "[" + ", ".join(_format_value(item) for item in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{key}={_format_value(item)}" for key, item in value.items()) + "}"
    return json.dumps(value)


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


def _bounded(values: list[Any], extra: int = 0) -> None:
    """(reliability) Refuse, before it is built, a result made of ``values`` (and ``extra``
    characters) whose text would pass ``max_value_chars``; a value may share one large part
    many times: its text counts every one. Scalars only: summed here, without the walk."""
    limit = current_limits().max_value_chars
    size = extra
    for value in values:
        kind = type(value)
        if kind is str:
            size += len(value)
        elif kind is dict or kind is list:
            size = -1
            break
    if size > limit or (size < 0 and json_chars_exceed(values, limit - extra)):
        raise _Failure(value_too_large_cause(limit))


# --------------------------------------------------------------------------- the functions


def _make_format(template: Argument) -> _Run:
    """``States.Format``; a literal template is split into segments once, here."""
    fixed = template.segments if isinstance(template, Literal) else None
    # the literal template as a str.format pattern (braces doubled), filled in one C call
    pattern = "{}".join(part.replace("{", "{{").replace("}", "}}") for part in fixed) if fixed else None
    fixed_chars = sum(map(len, fixed)) if fixed else 0

    def run(args: list[Any], scope: Scope) -> str:
        segments = fixed
        if segments is None:
            segments = tuple(_string(args, 0).split("{}"))
        values = args[1:]
        if len(segments) - 1 != len(values):
            raise _Failure(
                f"the template has {len(segments) - 1} placeholder(s) '{{}}' "
                f"but {len(values)} value(s) were given"
            )
        _bounded(values, fixed_chars if fixed else sum(map(len, segments)))
        if pattern is not None:
            return pattern.format(*map(_format_value, values))
        parts = [segments[0]]
        for value, segment in zip(values, segments[1:], strict=True):
            parts.append(_format_value(value))
            parts.append(segment)
        return "".join(parts)

    return run


def _string_to_json(args: list[Any], scope: Scope) -> Any:
    text = _string(args, 0)
    if not text.strip(_BLANKS):
        return None  # recorded: "" and " " give null
    try:
        return json.loads(text, parse_constant=_reject_constant)
    except ValueError as exc:
        raise _Failure(f"the string is not valid JSON: {exc}") from None


def _json_to_string(args: list[Any], scope: Scope) -> str:
    _bounded(args[:1])
    try:
        return json.dumps(args[0], ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise _Failure(f"the value cannot be written as JSON: {exc}") from None


def _array_of(args: list[Any], scope: Scope) -> list[Any]:
    _bounded(args)
    return list(args)


def _array_partition(args: list[Any], scope: Scope) -> list[list[Any]]:
    array = _array(args, 0)
    size = _integer(args, 1)
    if size <= 0:
        raise _Failure(f"the chunk size must be a positive integer, got {size}")
    return [array[start : start + size] for start in range(0, len(array), size)]


def _array_contains(args: list[Any], scope: Scope) -> bool:
    array = _array(args, 0)
    wanted = _json_key(args[1])
    return any(_json_key(item) == wanted for item in array)


def _array_range(args: list[Any], scope: Scope) -> list[int]:
    start, end, step = _integer(args, 0), _integer(args, 1), _integer(args, 2)
    if step == 0:
        raise _Failure("the step (argument 3) must not be 0")
    count = 0 if (end - start) * step < 0 else (end - start) // step + 1
    if count > MAX_RANGE_ITEMS:
        raise _Failure(f"the range would have {count} items; at most {MAX_RANGE_ITEMS} are allowed")
    return list(range(start, end + (1 if step > 0 else -1), step))


def _array_get_item(args: list[Any], scope: Scope) -> Any:
    array = _array(args, 0)
    index = _integer(args, 1)
    if not 0 <= index < len(array):
        raise _Failure(f"the index {index} is out of bounds for an array of {len(array)} item(s)")
    return array[index]


def _array_length(args: list[Any], scope: Scope) -> int:
    return len(_array(args, 0))


def _array_unique(args: list[Any], scope: Scope) -> list[Any]:
    seen: set[Any] = set()
    unique: list[Any] = []
    for item in _array(args, 0):
        key = _json_key(item)
        if key not in seen:
            seen.add(key)
            unique.append(item)
    return unique


def _base64_encode(args: list[Any], scope: Scope) -> str:
    data = _limited(args, 0).encode("utf-8", errors="replace")
    return base64.b64encode(data).decode("ascii")


def _base64_decode(args: list[Any], scope: Scope) -> str:
    text = _NOT_BASE64.sub("", _limited(args, 0))  # MIME: characters outside the alphabet are skipped
    try:
        data = base64.b64decode(text)
    except (binascii.Error, ValueError) as exc:
        raise _Failure(f"the string is not valid Base64: {exc}") from None
    return data.decode("utf-8", errors="replace")


_HASHES: Final[dict[str, Callable[[bytes], Any]]] = {
    "MD5": hashlib.md5,
    "SHA-1": hashlib.sha1,
    "SHA-256": hashlib.sha256,
    "SHA-384": hashlib.sha384,
    "SHA-512": hashlib.sha512,
}


def _hash(args: list[Any], scope: Scope) -> str:
    data = _limited(args, 0)
    algorithm = _string(args, 1)
    digest = _HASHES.get(algorithm)
    if digest is None:
        raise _Failure(f"unknown hash algorithm {algorithm!r}; use one of {', '.join(_HASHES)}")
    result: str = digest(data.encode("utf-8", errors="replace")).hexdigest()
    return result


def _json_merge(args: list[Any], scope: Scope) -> dict[str, Any]:
    first: dict[str, Any] = _want(args, 0, "object")
    second: dict[str, Any] = _want(args, 1, "object")
    deep = _want(args, 2, "boolean")
    if deep:
        raise _Failure("only the shallow merge is supported: argument 3 must be false")
    return {**first, **second}


def _math_random(args: list[Any], scope: Scope) -> int:
    start, end = _integer(args, 0), _integer(args, 1)
    rng = scope.rng if len(args) < 3 else random.Random(_integer(args, 2))
    if start >= end:
        raise _Failure(f"the start ({start}) must be less than the end ({end})")
    return rng.randrange(start, end)


def _math_add(args: list[Any], scope: Scope) -> int:
    first, second = _integer(args, 0), _integer(args, 1)
    if INT32_MIN <= first <= INT32_MAX and INT32_MIN <= second <= INT32_MAX:
        return first + second
    index, number = (0, first) if not INT32_MIN <= first <= INT32_MAX else (1, second)
    raise _Failure(f"argument {index + 1} ({number}) is outside the range {INT32_MIN}..{INT32_MAX}")


def _string_split(args: list[Any], scope: Scope) -> list[str]:
    text = _string(args, 0)
    delimiters = _string(args, 1)
    if not delimiters:
        return [text] if text else []
    return [piece for piece in re.split(f"[{re.escape(delimiters)}]", text) if piece]


def _uuid(args: list[Any], scope: Scope) -> str:
    return str(uuid.UUID(int=scope.rng.getrandbits(128), version=4))


# --------------------------------------------------------------------------- the table


_KIND_WORDS: Final = {
    "any": "any value",
    "string": "a string",
    "number": "a number",
    "boolean": "a boolean",
    "array": "an array",
    "object": "an object",
    "path": "a path",
}

_RUNTIME_KINDS: Final[dict[str, Callable[[Any], bool]]] = {
    "any": lambda value: True,
    "string": lambda value: isinstance(value, str),
    "number": lambda value: isinstance(value, (int, float)) and not isinstance(value, bool),
    "boolean": lambda value: isinstance(value, bool),
    "array": lambda value: isinstance(value, list),
    "object": lambda value: isinstance(value, dict),
    "path": lambda value: True,
}
"""Does a run-time value fit a parameter kind? (``path`` only constrains how it is written.)"""

_LITERAL_KINDS: Final[dict[str, Callable[[Any], bool]]] = {
    **_RUNTIME_KINDS,
    "array": lambda value: False,  # there are no array, object or path literals
    "object": lambda value: False,
    "path": lambda value: False,
}
"""Does a literal fit a parameter kind? Checked at compile time."""


@attrs.frozen
class _Spec:
    """One function: its parameters and its implementation."""

    params: tuple[str, ...]
    """The kind of each parameter (a key of ``_KIND_WORDS``)."""
    run: _Run | None
    """The implementation; None when built per call from its arguments (``States.Format``)."""
    optional: int = 0
    """How many trailing parameters may be left out."""
    rest: str | None = None
    """The kind of further arguments, for functions taking any number of them."""

    def arity(self) -> str:
        least = len(self.params) - self.optional
        if self.rest is not None:
            return f"at least {least} argument{'s' if least != 1 else ''}"
        if self.optional:
            return f"{least} to {len(self.params)} arguments"
        return f"{least} argument{'s' if least != 1 else ''}"

    def accepts(self, count: int) -> bool:
        least = len(self.params) - self.optional
        return count >= least and (self.rest is not None or count <= len(self.params))

    def kind(self, index: int) -> str:
        return self.params[index] if index < len(self.params) else (self.rest or "any")


_FUNCTIONS: Final[dict[str, _Spec]] = {
    "States.Format": _Spec(("string",), None, rest="any"),
    "States.StringToJson": _Spec(("string",), _string_to_json),
    "States.JsonToString": _Spec(("path",), _json_to_string),
    "States.Array": _Spec((), _array_of, rest="any"),
    "States.ArrayPartition": _Spec(("array", "number"), _array_partition),
    "States.ArrayContains": _Spec(("array", "any"), _array_contains),
    "States.ArrayRange": _Spec(("number", "number", "number"), _array_range),
    "States.ArrayGetItem": _Spec(("array", "number"), _array_get_item),
    "States.ArrayLength": _Spec(("array",), _array_length),
    "States.ArrayUnique": _Spec(("array",), _array_unique),
    "States.Base64Encode": _Spec(("string",), _base64_encode),
    "States.Base64Decode": _Spec(("string",), _base64_decode),
    "States.Hash": _Spec(("string", "string"), _hash),
    "States.JsonMerge": _Spec(("object", "object", "boolean"), _json_merge),
    "States.MathRandom": _Spec(("number", "number", "number"), _math_random, optional=1),
    "States.MathAdd": _Spec(("number", "number"), _math_add),
    "States.StringSplit": _Spec(("string", "string"), _string_split),
    "States.UUID": _Spec((), _uuid),
}

FUNCTION_NAMES: Final = frozenset(_FUNCTIONS)
"""The names of the 18 intrinsic functions."""


# --------------------------------------------------------------------------- the parser


class _Parser:
    """A one-pass reader of an intrinsic call."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0

    def error(self, why: str, pos: int | None = None) -> PathSyntaxError:
        at = self.pos if pos is None else pos
        return PathSyntaxError(f"invalid intrinsic function {self.text!r}: {why} (at character {at})")

    def peek(self, offset: int = 0) -> str:
        i = self.pos + offset
        return self.text[i] if i < len(self.text) else ""

    def skip_blanks(self) -> None:
        while self.pos < len(self.text) and self.text[self.pos] in _BLANKS:
            self.pos += 1

    def at_delimiter(self) -> bool:
        char = self.peek()
        return char == "" or char in _BLANKS or char in ",)"

    # ------------------------------------------------------------------ calls

    def call(self, depth: int) -> IntrinsicCall:
        start = self.pos
        if not self.text.startswith(_PREFIX, start):
            raise self.error("expected a call such as States.Format(...)")
        self.pos += len(_PREFIX)
        while self.peek().isascii() and self.peek().isalnum():
            self.pos += 1
        name = self.text[start : self.pos]
        if self.peek() != "(":
            raise self.error(f"expected '(' after {name!r}")
        spec = _FUNCTIONS.get(name)
        if spec is None:
            raise self.error(f"unknown function {name!r}", start)
        if depth > MAX_NESTING:
            raise self.error(f"intrinsic functions nest at most {MAX_NESTING} deep", start)
        self.pos += 1
        args = self.arguments(depth)
        call_text = self.text[start : self.pos]
        self.check(spec, name, args, start)
        run = spec.run if spec.run is not None else _make_format(args[0])
        return IntrinsicCall(name=name, args=args, text=call_text, run=run)

    def arguments(self, depth: int) -> tuple[Argument, ...]:
        args: list[Argument] = []
        self.skip_blanks()
        if self.peek() == ")":
            self.pos += 1
            return ()
        while True:
            args.append(self.argument(depth))
            self.skip_blanks()
            char = self.peek()
            self.pos += 1
            if char == ")":
                return tuple(args)
            if char != ",":
                self.pos -= 1
                raise self.error("expected ',' or ')'" if char else "missing ')'")

    def check(self, spec: _Spec, name: str, args: tuple[Any, ...], start: int) -> None:
        if not spec.accepts(len(args)):
            raise self.error(f"{name} takes {spec.arity()}, got {len(args)}", start)
        for index, arg in enumerate(args):
            kind = spec.kind(index)
            if isinstance(arg, Literal) and not _LITERAL_KINDS[kind](arg.value):
                shown = json.dumps(arg.value, ensure_ascii=False)
                raise self.error(
                    f"argument {index + 1} of {name} must be {_KIND_WORDS[kind]}, "
                    f"got the {_json_type(arg.value)} literal {shown}",
                    start,
                )

    # ------------------------------------------------------------------ arguments

    def argument(self, depth: int) -> Argument:
        self.skip_blanks()
        char = self.peek()
        if char == "'":
            return self.string()
        if char == "$":
            return self.path()
        if char == "-" or char.isdigit():
            return self.number()
        if self.text.startswith(_PREFIX, self.pos):
            return self.call(depth + 1)
        for word, value in _KEYWORDS.items():
            if self.text.startswith(word, self.pos):
                self.pos += len(word)
                if self.at_delimiter():
                    return Literal(value)
                self.pos -= len(word)
        if not char:
            raise self.error("missing argument or ')'")
        if char in ",)":
            raise self.error("missing argument")
        raise self.error(
            f"unexpected {char!r}: an argument is a 'string', a number, true, false, "
            "null, a path ($...) or a States.* call"
        )

    def string(self) -> Literal:
        start = self.pos
        self.pos += 1  # opening quote
        chars: list[str] = []
        segment: list[str] = []
        segments: list[str] = []
        text = self.text
        while True:
            if self.pos >= len(text):
                raise self.error("unterminated string literal", start)
            char = text[self.pos]
            if char == "\\":
                escaped = self.peek(1)
                if escaped not in _ESCAPABLE:
                    shown = "\\" + escaped if escaped else "a trailing '\\'"
                    raise self.error(
                        f"illegal escape sequence {shown!r} in a string literal "
                        "(only \\', \\{, \\} and \\\\ are allowed)"
                    )
                chars.append(escaped)
                segment.append(escaped)
                self.pos += 2
                continue
            self.pos += 1
            if char == "'":
                segments.append("".join(segment))
                return Literal("".join(chars), segments=tuple(segments))
            if char == "{" and self.peek() == "}":
                self.pos += 1
                chars.append("{}")
                segments.append("".join(segment))
                segment = []
                continue
            chars.append(char)
            segment.append(char)

    def number(self) -> Literal:
        match = _NUMBER.match(self.text, self.pos)
        if match is None:
            raise self.error("invalid number")
        self.pos = match.end()
        if not self.at_delimiter():
            raise self.error("invalid number")
        token = match.group()
        if any(mark in token for mark in ".eE"):
            return Literal(float(token))
        return Literal(int(token))

    def path(self) -> JsonPath:
        """A path runs to the first blank, ',' or ')' outside brackets, parentheses and quotes."""
        start = self.pos
        text = self.text
        depth = 0
        quote = ""
        while self.pos < len(text):
            char = text[self.pos]
            if quote:
                if char == "\\":
                    self.pos += 1
                elif char == quote:
                    quote = ""
            elif depth and char in "'\"":
                quote = char
            elif char in "[(":
                depth += 1
            elif char in "])":
                if depth == 0:
                    break
                depth -= 1
            elif depth == 0 and (char == "," or char in _BLANKS):
                break
            self.pos += 1
        try:
            return compile_path(text[start : self.pos])
        except PathSyntaxError as exc:
            raise self.error(f"bad path argument: {exc}", start) from None


_KEYWORDS: Final[dict[str, Any]] = {"true": True, "false": False, "null": None}


# --------------------------------------------------------------------------- entry points


def is_intrinsic(text: str) -> bool:
    """Cheap test: does ``text`` look like an intrinsic call (``States.Name(...)``)?"""
    return text.startswith(_PREFIX) and "(" in text and text.rstrip(_BLANKS).endswith(")")


@functools.lru_cache(maxsize=4096)  # the result is immutable: compile each text once
def compile_intrinsic(text: str) -> IntrinsicCall:
    """Parse ``text`` once into an :class:`IntrinsicCall`.

    Raises :class:`~asl.paths._base.PathSyntaxError` for bad syntax, an unknown function,
    a wrong argument count, a literal of the wrong JSON type, or nesting deeper than
    :data:`MAX_NESTING`.
    """
    if not isinstance(text, str):
        raise PathSyntaxError(f"invalid intrinsic function {text!r}: not a string")
    parser = _Parser(text)
    call = parser.call(depth=1)
    parser.skip_blanks()
    if parser.pos < len(text):
        raise parser.error("unexpected text after the call")
    return call
