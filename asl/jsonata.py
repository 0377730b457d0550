"""JSONata for states with ``QueryLanguage: "JSONata"``: the only home of jsonata-python.

A field value that is a string starting with ``{%`` and ending with ``%}`` (no trimming of
the string itself) is a JSONata expression; the text between the delimiters, stripped of
surrounding whitespace, is what AWS shows in its error messages. Everything is compiled once
(:func:`compile_expression`, :func:`compile_value`) and evaluated many times.

What AWS does that plain JSONata does not, and how it is done here:

* ``$states`` is bound to ``{"input", "context", "result"?, "errorOutput"?}`` and every
  workflow variable is bound as ``$name``. There is no context value: ``$`` at the top of an
  expression is undefined.
* AWS runs JSONata 2.0.6. jsonata-python also parses the 2.1 operators ``??`` and ``?:``; a
  stricter parser rejects them the way 2.0.6 does (``S0211``). ``$eval`` is unbound, so calling
  it fails with ``T1006`` as on AWS.
* Extra functions: ``$partition``, ``$range``, ``$hash``, ``$random([seed])``, ``$uuid`` and
  ``$parse``. ``$random`` without a seed, ``$uuid`` and ``$shuffle`` draw from the ``rng`` given
  to ``evaluate``; ``$now`` and ``$millis`` read the evaluation's timestamp (``now_ms``).
* Errors become ``States.QueryEvaluationError`` with AWS's wording (without the
  "An error occurred while executing the state ..." prefix, which the executor adds). JSONata
  error messages are rendered as JSONata 2.0.6 (JavaScript) renders them.
* Runaway expressions are bounded: an evaluation that nests deeper than
  :attr:`Limits.max_depth` or runs longer than :attr:`Limits.timeout_s` fails with ``D1011`` /
  ``D1012``; a Python ``RecursionError`` is caught the same way. The bounds are the
  execution's (:func:`use_limits`, set from ``asl.limits.Limits``), else :func:`set_limits`'s.
* Regular expressions (``/.../`` literals, used by ``$match``, ``$replace``, ``$split`` and
  ``$contains``) are compiled by the ``regex`` package instead of ``re``: its matching can be
  interrupted, so a catastrophic pattern fails with ``D1012`` when the evaluation's time is up.
* Memory is bounded too: no step may build a string, array or object larger than
  :attr:`Limits.max_chars` characters of JSON. Steps that could build one in a single call are
  checked before they do (``$pad``, ``$join``, ``$replace``, ``$string`` and ``&`` on a value
  sharing one part many times, regular-expression matches); every step's result is checked
  after it. jsonata-python's ``Functions._string`` is wrapped for this; the wrapper only acts
  inside an evaluation made here.

Results are plain JSON data. They may share unchanged parts with the bound data and with the
literals of a compiled value: treat them as read-only, as the rest of ``asl`` does.
"""

from __future__ import annotations

import contextvars
import hashlib
import json
import math
import random
import re
import threading
import time
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from decimal import Decimal
from typing import Any, Final

import attrs
import jsonata as _jsonata
import regex as _regex

from .errors import QUERY_EVALUATION_ERROR, StatesError
from .limits import MAX_VALUE_CHARS, json_chars_exceed, value_too_large_cause

__all__ = [
    "CompiledValue",
    "Expression",
    "JsonataSyntaxError",
    "Limits",
    "LimitsScope",
    "compile_expression",
    "compile_value",
    "current_limits",
    "field_name",
    "is_expression",
    "json_type_name",
    "set_limits",
    "unexpected_type_error",
    "use_limits",
    "validate_expression",
]

_Jsonata: Final = _jsonata.Jsonata
_JException: Final = _jsonata.JException
_Symbol: Final = _jsonata.Parser.Symbol
_NULL: Final = _jsonata.Utils.NULL_VALUE

KeyPath = tuple[str | int, ...]


# --------------------------------------------------------------------------- public types


class JsonataSyntaxError(ValueError):
    """A ``{% %}`` string that is not a valid JSONata 2.0.6 expression (found at parse time)."""

    def __init__(self, message: str, *, expression: str, key_path: Sequence[str | int] = (),
                 code: str | None = None) -> None:
        self.expression = expression
        """The text between ``{%`` and ``%}``, stripped."""
        self.key_path: list[str | int] = list(key_path)
        """Where the expression sits inside the compiled value (``[]`` for the value itself)."""
        self.code = code
        """JSONata's error code (``S0201``, ...) when it gave one."""
        self.detail = message
        """The problem, without the location."""
        where = "".join(f"[{k}]" if isinstance(k, int) else f"/{k}" for k in self.key_path)
        located = f" at {where}" if where else ""
        super().__init__(f"invalid JSONata expression '{expression}'{located}: {message}")


@attrs.frozen
class Limits:
    """Bounds on one evaluation, so that a runaway expression fails instead of hanging."""

    timeout_s: float = 5.0
    """Wall-clock budget of one evaluation (``D1012`` when exceeded)."""
    max_depth: int = 1500
    """Deepest nesting of evaluation steps (``D1011`` when exceeded)."""
    max_chars: int = MAX_VALUE_CHARS
    """Largest string, array or object one evaluation may build, as JSON characters."""


_limits = Limits()
_SCOPED_LIMITS: Final[contextvars.ContextVar[Limits | None]] = contextvars.ContextVar("asl_jsonata_limits",
                                                                                       default=None)


def set_limits(limits: Limits) -> Limits:
    """Replace the default evaluation bounds (those outside :func:`use_limits`); returns the previous ones."""
    global _limits
    previous, _limits = _limits, limits
    return previous


def current_limits() -> Limits:
    """The bounds evaluations use here: the innermost :func:`use_limits`, else the default."""
    return _SCOPED_LIMITS.get() or _limits


class LimitsScope:
    """Bounds set by :func:`use_limits` for the current context; :meth:`close` restores the previous ones."""

    def __init__(self, token: contextvars.Token[Limits | None]) -> None:
        self._token = token

    def close(self) -> None:
        """Restore the bounds in force before :func:`use_limits` (call it in the same task)."""
        _SCOPED_LIMITS.reset(self._token)

    def __enter__(self) -> LimitsScope:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()


def use_limits(limits: Limits) -> LimitsScope:
    """Bound every evaluation in the current context (and tasks started from it) by ``limits``.

    The executor sets the execution's bounds this way, so two executions running at once
    keep their own.
    """
    return LimitsScope(_SCOPED_LIMITS.set(limits))


# --------------------------------------------------------------------------- recognising


def is_expression(value: Any) -> bool:
    """Whether ``value`` is a ``{% ... %}`` string (AWS does not trim the string first)."""
    return isinstance(value, str) and len(value) >= 4 and value.startswith("{%") and value.endswith("%}")


def _inner(text: str) -> str:
    return text[2:-2].strip()


def field_name(base: str, key_path: Sequence[str | int]) -> str:
    """AWS's name for a field inside ``base``: the key path joined with ``/`` (``Output/result``)."""
    return "/".join([base, *(str(k) for k in key_path)]) if key_path else base


# --------------------------------------------------------------------------- error wording


#: JSONata 2.0.6 messages. jsonata-python copied them with "function" replaced by "Object".
_TEMPLATES: Final[dict[str, str]] = {
    code: template.replace("Object", "function") for code, template in _JException.error_codes.items()
}
#: jsonata-python raises a few errors with the message in place of the code.
_CODES_BY_MESSAGE: Final = {
    "Second argument of replace function cannot be an empty string": "D3010",
    "Fourth argument of replace function must evaluate to a positive number": "D3011",
}
#: Which exception arguments (current, expected, extra) fill the placeholders, where
#: jsonata-python passes them in another order than the template reads them.
_ARGUMENT_ORDER: Final[dict[str, tuple[int | None, ...]]] = {
    "D1002": (1,),
    "T0411": (1, None),
}
#: JSONata's names for array subtypes in T0412 ("must be an array of numbers").
_ARRAY_TYPES: Final = {"a": "arrays", "b": "booleans", "f": "functions", "n": "numbers",
                       "o": "objects", "s": "strings"}
_PLACEHOLDER: Final = re.compile(r"\{\{\{(\w+)\}\}\}|\{\{(\w+)\}\}")


def _js_number(value: float) -> str:
    """A number as JavaScript prints it (``1``, ``0.00001``, ``1e-7``, ``1e+21``)."""
    if value.is_integer() and abs(value) < 1e21:
        return str(int(value))
    magnitude = abs(value)
    if 1e-6 <= magnitude < 1e21:
        return format(Decimal(repr(value)), "f")
    return re.sub(r"e([+-])0*(\d)", r"e\1\2", repr(value))


def _js_string(value: Any) -> str:
    """``String(value)``, for ``{{{triple}}}`` placeholders."""
    if value is None:
        return "undefined"
    if isinstance(value, str):
        return value
    return _js_json(value)


def _js_json(value: Any) -> str:
    """``JSON.stringify(value)``, for ``{{double}}`` placeholders."""
    if value is None:
        return "undefined"
    if value is _NULL:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return _js_number(float(value)) if isinstance(value, float) else str(value)
    try:
        plain = _to_json(value)
        limit = _max_chars()
        if json_chars_exceed(plain, limit):  # shown in a message: never written out in full
            return f"(a value of more than {limit} characters)"
        return _compact_json(plain)
    except (_UnsupportedResult, RecursionError, TypeError, ValueError):
        if isinstance(value, _Symbol | _Jsonata.JFunction):
            return "undefined"  # JSON.stringify of a function
        try:
            return str(value)
        except Exception:  # a jsonata-python object whose repr fails
            return type(value).__name__


def _compact_json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)


def _describe(exc: Any) -> str:
    """``CODE: message`` for a JSONata exception, worded as JSONata 2.0.6 words it."""
    code = str(exc.error)
    template = _TEMPLATES.get(code)
    if template is None:
        known = _CODES_BY_MESSAGE.get(code)
        return f"{known}: {code}" if known else code
    raw = (exc.current, exc.expected, exc.extra)
    order = _ARGUMENT_ORDER.get(code, (0, 1, 2))
    args: list[Any] = [raw[i] if i is not None else None for i in order]
    if code == "T0412" and len(args) > 2:
        args[2] = _ARRAY_TYPES.get(str(args[2]), args[2])
    values = iter(args)

    def fill(match: re.Match[str]) -> str:
        value = next(values, None)
        return _js_string(value) if match.group(1) else _js_json(value)

    return f"{code}: {_PLACEHOLDER.sub(fill, template)}"


def _prefix(text: str, field: str) -> str:
    return f"The JSONata expression '{text}' specified for the field '{field}'"


def _undefined_error(text: str, field: str) -> StatesError:
    return StatesError(QUERY_EVALUATION_ERROR, f"{_prefix(text, field)} returned nothing (undefined).")


def _unsupported_error(text: str, field: str) -> StatesError:
    return StatesError(QUERY_EVALUATION_ERROR, f"{_prefix(text, field)} returned an unsupported result type.")


def _threw_error(text: str, field: str, detail: str) -> StatesError:
    return StatesError(QUERY_EVALUATION_ERROR,
                       f"{_prefix(text, field)} threw an error during evaluation. {detail}")


def json_type_name(value: Any) -> str:
    """AWS's name for the JSON type of ``value``: object, array, string, number, boolean or null."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    return "array" if isinstance(value, list) else "object"


def unexpected_type_error(text: str, field: str, expected: str, value: Any) -> StatesError:
    """The error for a result of the wrong JSON type (e.g. Map ``Items`` that is not an array).

    ``text`` is :attr:`Expression.text`; ``expected`` is a :func:`json_type_name` value.
    """
    shown = _js_number(value) if isinstance(value, float) else _compact_json(value)
    return StatesError(
        QUERY_EVALUATION_ERROR,
        f"{_prefix(text, field)} returned an unexpected result type. "
        f"Expected '{expected}', but was '{json_type_name(value)}' for value: {shown}",
    )


# --------------------------------------------------------------------------- results


class _UnsupportedResult(Exception):
    """A result holding something JSON cannot carry (a function, a regex, ...)."""


def _to_json(value: Any) -> Any:
    """``value`` as plain JSON data; unchanged containers are returned as they are."""
    if value is None or value is _NULL:
        return None
    kind = type(value)
    if kind is str or kind is int or kind is bool:
        return value
    if kind is float:
        if not math.isfinite(value):
            raise _UnsupportedResult
        return value
    if isinstance(value, dict):
        return _dict_to_json(value)
    if isinstance(value, list):
        return _list_to_json(value)
    raise _UnsupportedResult


def _dict_to_json(value: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] | None = None if type(value) is dict else {}
    for key, item in value.items():
        plain = _to_json(item)
        if out is None and plain is not item:
            out = {}
            for done, old in value.items():
                if done == key:
                    break
                out[done] = old
        if out is not None:
            out[key] = plain
    return value if out is None else out


_SCALARS: Final = frozenset({str, int, bool})


def _list_to_json(value: list[Any]) -> list[Any]:
    if isinstance(value, _jsonata.Utils.RangeList):
        return list(iter(value))
    first = 0
    for first, item in enumerate(value):  # noqa: B007 - the index where work starts is kept
        if type(item) not in _SCALARS:
            break
    else:
        return value if type(value) is list else list(value)
    out: list[Any] | None = None if type(value) is list else value[:first]
    for index in range(first, len(value)):
        item = value[index]
        plain = _to_json(item)
        if out is None and plain is not item:
            out = value[:index]
        if out is not None:
            out.append(plain)
    return value if out is None else out


def _bindable(value: Any) -> Any:
    """A variable value as JSONata must see it: a bound ``None`` would read as undefined."""
    return _NULL if value is None else value


# --------------------------------------------------------------------------- one evaluation


@attrs.define(slots=True)
class _Run:
    """Per-evaluation state: randomness, timestamp and the runaway guard."""

    rng: random.Random | None
    now_ms: int
    deadline: float
    max_depth: int
    timeout_ms: int
    max_chars: int = MAX_VALUE_CHARS
    depth: int = 0
    steps: int = 0

    def enter(self, _expr: Any, _input: Any, _env: Any) -> None:
        self.depth += 1
        if self.depth > self.max_depth:
            raise _JException("D1011", -1)
        self.steps += 1
        if not self.steps & 0xFF and time.monotonic() > self.deadline:
            raise _JException("D1012", -1, self.timeout_ms)

    def leave(self, _expr: Any, _input: Any, _env: Any, result: Any) -> None:
        self.depth -= 1
        kind = result.__class__
        if kind is str:
            if len(result) > self.max_chars:
                raise _too_large(self.max_chars)
        elif kind is dict:
            if 5 * len(result) + 1 > self.max_chars:  # '{"":0,...}': at least 5 characters a member
                raise _too_large(self.max_chars)
        elif isinstance(result, list) and 2 * len(result) + 1 > self.max_chars:  # '[0,...]': 2 an item
            # a range ([1..n]) is lazy, but almost any use of it makes the list: refused here too
            raise _too_large(self.max_chars)

    def time_left(self) -> float:
        """Seconds left of the evaluation's time; ``D1012`` when none is."""
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise _JException("D1012", -1, self.timeout_ms)
        return left


_RUN: Final[contextvars.ContextVar[_Run]] = contextvars.ContextVar("asl_jsonata_run")


def _too_large(limit: int) -> Exception:
    """The error for a value over ``max_chars`` (a JSONata exception, so that jsonata-python passes
    it through unchanged; its code is the message, as jsonata-python's own message-only errors)."""
    error: Exception = _JException(value_too_large_cause(limit), -1)
    return error


def _max_chars() -> int:
    run = _RUN.get(None)
    return run.max_chars if run is not None else current_limits().max_chars


def _check_chars(value: Any, *, indent: int | None = None) -> None:
    """Refuse, before it is written, a JSON text of ``value`` longer than the evaluation allows."""
    limit = _max_chars()
    if json_chars_exceed(value, limit, indent=indent):
        raise _too_large(limit)


# --------------------------------------------------------------------------- bounded regular expressions


def _time_left() -> float | None:
    run = _RUN.get(None)
    return run.time_left() if run is not None else None


def _timed_out() -> Exception:
    run = _RUN.get(None)
    error: Exception = _JException("D1012", -1, run.timeout_ms if run is not None else 0)
    return error


class _Pattern:
    """A JSONata regular expression, matched by the ``regex`` package within the evaluation's time.

    It offers what jsonata-python calls on a compiled pattern (``search``, ``finditer``, ``sub``,
    ``split``). A match past the time left fails with ``D1012``; too many matches, or a
    replacement that would build too long a string, fail as too large before they are built.
    """

    __slots__ = ("_compiled", "_flags", "_source", "_stdlib")

    def __init__(self, source: str, flags: int) -> None:
        self._source = source
        self._flags = flags
        self._compiled = _regex.compile(source, flags | _regex.VERSION0)
        self._stdlib: re.Pattern[str] | None = None

    def search(self, string: str) -> Any:
        try:
            return self._compiled.search(string, timeout=_time_left())
        except TimeoutError:
            raise _timed_out() from None

    def finditer(self, string: str) -> Iterator[Any]:
        return _bounded_matches(self._compiled.finditer(string, timeout=_time_left()))

    def split(self, string: str, maxsplit: int = 0) -> list[str]:
        try:
            pieces: list[str] = self._compiled.split(string, maxsplit, timeout=_time_left())
        except TimeoutError:
            raise _timed_out() from None
        limit = _max_chars()
        if 2 * len(pieces) + 1 > limit:
            raise _too_large(limit)
        return pieces

    def sub(self, repl: Any, string: str, count: int = 0) -> str:
        limit = _max_chars()
        constant = isinstance(repl, str) and "\\" not in repl  # no group reference: one text for all
        if constant and len(string) + (len(string) + 1) * len(repl) <= limit:
            replacement: Any = repl  # even a match at every position stays in bounds: one C call
        else:
            if isinstance(repl, str) and not constant:
                self._check_template(repl)
            replacement = _bounded_replacer(repl, len(string), limit)
        try:
            result: str = self._compiled.sub(replacement, string, count, timeout=_time_left())
        except TimeoutError:
            raise _timed_out() from None
        return result

    def _check_template(self, template: str) -> None:
        """Raise ``re``'s error for a bad group reference: jsonata-python reads its wording
        (``invalid group reference N at position P``) to drop groups that do not exist."""
        if self._stdlib is None:
            try:
                self._stdlib = re.compile(self._source, self._flags)
            except re.error:  # syntax only ``regex`` knows: its own error is all there is
                return
        self._stdlib.sub(template, "")


def _bounded_replacer(repl: Any, length: int, limit: int) -> Callable[[Any], Any]:
    """A ``sub`` callback giving what ``repl`` (a template or a function) gives for a match,
    failing as too large once the result (``length`` characters at first) would pass ``limit``."""
    size = length

    def replace(match: Any) -> Any:
        nonlocal size
        text = repl(match) if callable(repl) else match.expand(repl)
        if isinstance(text, str):
            size += len(text) - (match.end() - match.start())
            if size > limit:
                raise _too_large(limit)
        return text

    return replace


#: ``{"match":"","index":0,"groups":[]}``: the shortest match object ``$match`` returns, as JSON.
_MATCH_CHARS: Final = 36


def _bounded_matches(matches: Iterator[Any]) -> Iterator[Any]:
    """The matches, failing with ``D1012`` when the time is up or as too large past the bound
    (``$match`` makes an object of at least :data:`_MATCH_CHARS` characters a match)."""
    most = _max_chars() // _MATCH_CHARS
    count = 0
    try:
        for match in matches:
            count += 1
            if count > most:
                raise _too_large(_max_chars())
            yield match
    except TimeoutError:
        raise _timed_out() from None


def _regex_engine(source: str, flags: Any) -> _Pattern:
    """jsonata-python's regex-engine hook: ``/source/flags`` literals compile to a :class:`_Pattern`."""
    options = 0
    if flags.case_insensitive:
        options |= re.IGNORECASE
    if flags.multiline:
        options |= re.MULTILINE
    return _Pattern(source, options)


def _rng() -> random.Random | None:
    run = _RUN.get(None)
    return run.rng if run is not None else None


def _now_ms() -> int:
    run = _RUN.get(None)
    return run.now_ms if run is not None else int(time.time() * 1000)


# --------------------------------------------------------------------------- AWS's functions


class _FunctionError(Exception):
    """An extra function rejected its arguments; the message is shown after 'evaluation. '."""


def _is_integer(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and float(value).is_integer()


def _partition(array: Any, size: Any) -> list[Any]:
    if not _is_integer(size) or size < 1:
        raise _FunctionError("The chunk size argument of $partition must be a positive integer")
    items = list(array) if isinstance(array, list) else [array]
    step = int(size)
    return [items[i:i + step] for i in range(0, len(items), step)]


_MAX_RANGE: Final = 10_000_000


def _range(start: Any, end: Any, step: Any) -> Any:
    if step == 0:
        raise _FunctionError("The step argument of $range must not be zero")
    count = math.floor((end - start) / step) + 1
    if count > _MAX_RANGE:
        raise _JException("D2014", -1, count)
    bound = _max_chars()
    if 2 * count + 1 > bound:
        raise _too_large(bound)
    integral = all(_is_integer(v) for v in (start, end, step))
    values = (start + i * step for i in range(max(count, 0)))
    result = _jsonata.Utils.create_sequence_from_iter(int(v) if integral else v for v in values)
    return result if result else None


_HASHES: Final = {"MD5": "md5", "SHA-1": "sha1", "SHA-256": "sha256", "SHA-384": "sha384",
                  "SHA-512": "sha512"}


def _hash(value: str, algorithm: str) -> str:
    name = _HASHES.get(algorithm)
    if name is None:
        raise _FunctionError(f"The hash algorithm '{algorithm}' is not supported; "
                             f"use one of {', '.join(_HASHES)}")
    return hashlib.new(name, value.encode("utf-8")).hexdigest()


def _random(seed: Any = None) -> float:
    if seed is not None:
        return random.Random(seed).random()
    rng = _rng()
    return rng.random() if rng is not None else random.random()


def _uuid() -> str:
    rng = _rng()
    if rng is None:
        return str(uuid.uuid4())
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"{text} is out of range")
    return value


def _parse(text: str) -> Any:
    try:
        value = json.loads(text, parse_constant=_reject_constant, parse_float=_finite_float)
    except (ValueError, RecursionError) as exc:
        raise _FunctionError(f"The argument of $parse is not valid JSON: {text}") from exc
    return _bindable(value)


def _shuffle(array: Any) -> Any:
    if not isinstance(array, list) or len(array) <= 1:
        return array
    items = list(array)
    rng = _rng()
    (rng or random).shuffle(items)
    return items


def _now(picture: str | None = None, timezone: str | None = None) -> str | None:
    result: str | None = _jsonata.Functions.datetime_from_millis(_now_ms(), picture, timezone)
    return result


def _millis() -> int:
    return _now_ms()


class _Native:
    """Adapts a Python function to jsonata-python's ``call(input, args)`` protocol."""

    def __init__(self, name: str, impl: Callable[..., Any], signature: str) -> None:
        self.name = name
        self.impl = impl
        spec = signature[1:signature.index(":")]
        params = spec.replace("?", "")
        self.nargs = len(params)
        self.required = len(params) - spec.count("?")
        #: JSONata 2.0.6 refuses null for a string or number parameter; jsonata-python lets it in.
        self.refuses_null = frozenset(i for i, kind in enumerate(params) if kind in "snb")

    def call(self, _input: Any, args: Sequence[Any] | None) -> Any:
        values = list(args or ())[: self.nargs]
        for index, value in enumerate(values):
            if value is _NULL and index in self.refuses_null:
                raise _JException("T0410", -1, index + 1, self.name)
        if any(value is None for value in values[: self.required]):
            return None  # undefined in, undefined out, as JSONata's own functions do
        while values and values[-1] is None:
            values.pop()
        return self.impl(*values)


class _AwsFunction(_jsonata.Jsonata.JFunction):  # type: ignore[misc] # jsonata-python is untyped
    """A signature-checked function that also supports partial application (``$f(?, 2)``)."""

    def __init__(self, name: str, impl: Callable[..., Any], signature: str) -> None:
        native = _Native(name, impl, signature)
        super().__init__(native, signature)
        self.function_name = name
        self._nargs = native.nargs

    def get_number_of_args(self) -> int:
        return self._nargs


#: name -> (implementation, JSONata signature)
_FUNCTIONS: Final[dict[str, tuple[Callable[..., Any], str]]] = {
    "partition": (_partition, "<xn:a>"),
    "range": (_range, "<nnn:a>"),
    "hash": (_hash, "<ss:s>"),
    "random": (_random, "<n?:n>"),
    "uuid": (_uuid, "<:s>"),
    "parse": (_parse, "<s:x>"),
    "shuffle": (_shuffle, "<a:a>"),
    "now": (_now, "<s?s?:s>"),
    "millis": (_millis, "<:n>"),
}


class _Bounded(_jsonata.Functions):  # type: ignore[misc] # jsonata-python is untyped
    """JSONata's functions that can build a large string in one call, checked before they do."""

    @staticmethod
    def pad(string: Any, width: Any, char: Any) -> Any:
        if isinstance(width, int | float) and not isinstance(width, bool) and math.isfinite(width):
            limit = _max_chars()
            if abs(width) > limit:
                raise _too_large(limit)
        return _jsonata.Functions.pad(string, width, char)

    @staticmethod
    def join(strs: Any, separator: Any) -> Any:
        if isinstance(strs, list) and strs:
            limit = _max_chars()
            glue = len(separator) if isinstance(separator, str) else 0
            size = glue * (len(strs) - 1)
            for item in strs:
                size += len(item) if isinstance(item, str) else 0
                if size > limit:
                    raise _too_large(limit)
        return _jsonata.Functions.join(strs, separator)

    @staticmethod
    def split(string: Any, separator: Any, limit: Any) -> Any:
        if isinstance(string, str) and isinstance(separator, str):
            pieces = len(string) if not separator else string.count(separator) + 1
            if isinstance(limit, int | float) and not isinstance(limit, bool) and 0 <= limit < pieces:
                pieces = int(limit)
            bound = _max_chars()
            if 2 * pieces + 1 > bound:  # '["",...]': more than 2 characters a piece
                raise _too_large(bound)
        return _jsonata.Functions.split(string, separator, limit)

    @staticmethod
    def replace(string: Any, pattern: Any, replacement: Any, limit: Any) -> Any:
        if isinstance(string, str) and isinstance(pattern, str) and pattern:
            # every match of a plain pattern is the same text, so every replacement is too
            count = string.count(pattern)
            if isinstance(limit, int | float) and not isinstance(limit, bool) and 0 <= limit < count:
                count = math.ceil(limit)
            if count:
                one = _jsonata.Functions.replace(pattern, pattern, replacement, None)
                bound = _max_chars()
                if isinstance(one, str) and len(string) + count * (len(one) - len(pattern)) > bound:
                    raise _too_large(bound)
        return _jsonata.Functions.replace(string, pattern, replacement, limit)


#: name -> signature of the functions :class:`_Bounded` checks (as jsonata-python defines them)
_BOUNDED: Final = {"pad": "<s-ns?:s>", "join": "<a<s>s?:s>", "replace": "<s-(sf)(sf)n?:s>",
                   "split": "<s-(sf)n?:a<s>>"}

_unbounded_string: Final = _jsonata.Functions._string


def _bounded_string(arg: Any, prettify: bool) -> Any:
    """``Functions._string`` (``$string``, ``&``, ...) refusing a text longer than the bound first."""
    if _RUN.get(None) is not None:
        _check_chars(arg, indent=2 if prettify else None)
    return _unbounded_string(arg, prettify)


_jsonata.Functions._string = staticmethod(_bounded_string)


def _aws_frame() -> Any:
    frame = _Jsonata.Frame(_Jsonata.static_frame)
    for name, (impl, signature) in _FUNCTIONS.items():
        frame.bind(name, _AwsFunction(name, impl, signature))
    for name, signature in _BOUNDED.items():
        frame.bind(name, _Jsonata.JNativeFunction(name, signature, _Bounded, name))
    frame.bind("eval", None)  # unavailable on AWS: calling it is T1006
    return frame


_AWS_FRAME: Final = _aws_frame()
_BUILTIN_NAMES: Final = frozenset(_Jsonata.static_frame.bindings) | frozenset(_AWS_FRAME.bindings)


# --------------------------------------------------------------------------- compiling


class _Parser206(_jsonata.Parser):  # type: ignore[misc] # jsonata-python is untyped
    """jsonata-python's parser minus the JSONata 2.1 operators, which 2.0.6 cannot parse."""

    def advance(self, id: str | None = None, infix: bool = False) -> Any:
        node = super().advance(id, infix)
        if getattr(node, "type", None) == "operator" and node.value in ("??", "?:"):
            # 2.0.6 reads '??' as '?' followed by a '?' it cannot start an expression with
            raise _JException("S0211", node.position, node.value[1])
        return node


def _syntax_error(inner: str, exc: Exception, key_path: Sequence[str | int] = ()) -> JsonataSyntaxError:
    if isinstance(exc, _JException):
        detail = _describe(exc)
        return JsonataSyntaxError(detail, expression=inner, key_path=key_path, code=str(exc.error))
    return JsonataSyntaxError(f"cannot be parsed ({type(exc).__name__}: {exc})", expression=inner,
                              key_path=key_path)


_PARSERS: Final = threading.local()


def _compile_program(inner: str) -> Any:
    parser = getattr(_PARSERS, "parser", None)
    if parser is None:
        parser = _PARSERS.parser = _Parser206()
    parser.parse(inner, _regex_engine)
    program = _Jsonata(inner, _regex_engine)
    program.set_output_convert_nulls(False)
    program.environment.parent = _AWS_FRAME
    return program


_UNDEFINED: Final = object()
_SLOW: Final = object()
#: Attributes a plain name step may carry; anything else (predicates, bindings, ...) needs JSONata.
_PLAIN_ATTRIBUTES: Final = frozenset({"_outer_instance", "id", "value", "type", "position", "bp", "lbp",
                                      "level", "descending", "thunk", "_jsonata_lambda"})


def _is_plain(node: Any) -> bool:
    return all(value is None or value is False or name in _PLAIN_ATTRIBUTES
               for name, value in vars(node).items())


@attrs.frozen
class _FastPath:
    """``$name.key.key`` over objects only, read without JSONata (the common case)."""

    head: str
    keys: tuple[str, ...]

    @classmethod
    def of(cls, ast: Any) -> _FastPath | None:
        kind = getattr(ast, "type", None)
        if kind == "path" and _is_plain(_without(ast, "steps")):
            steps = list(ast.steps or ())
        elif kind == "variable":
            steps = [ast]
        else:
            return None
        head, rest = steps[0], steps[1:]
        if getattr(head, "type", None) != "variable" or head.value in ("", "$") or not _is_plain(head):
            return None
        if not all(getattr(step, "type", None) == "name" and _is_plain(step) for step in rest):
            return None
        return cls(str(head.value), tuple(str(step.value) for step in rest))

    def run(self, states: Mapping[str, Any], variables: Mapping[str, Any]) -> Any:
        """The value, ``_UNDEFINED``, or ``_SLOW`` when JSONata's rules for arrays are needed."""
        if self.head == "states":
            if not self.keys:
                return _SLOW  # the whole object: JSONata's copy of it
            value: Any = states
        elif self.head in variables:
            value = variables[self.head]
        else:
            return _SLOW if self.head in _BUILTIN_NAMES else _UNDEFINED
        for key in self.keys:
            if not isinstance(value, Mapping):
                return _SLOW
            if key not in value:
                return _UNDEFINED
            value = value[key]
        return _SLOW if isinstance(value, list) else value


def _without(node: Any, attribute: str) -> Any:
    """A stand-in exposing every attribute of ``node`` but one (for :func:`_is_plain`)."""
    stand_in = _Bare()
    stand_in.__dict__.update({k: v for k, v in vars(node).items() if k != attribute})
    return stand_in


class _Bare:
    """An attribute bag."""


@attrs.frozen
class Expression:
    """One compiled ``{% %}`` expression."""

    text: str
    """The expression between the delimiters, stripped (as AWS quotes it in errors)."""
    _program: Any = attrs.field(repr=False, eq=False)
    variables: frozenset[str] = attrs.field(eq=False)
    """Workflow variables read (``$name``), without ``$states``, local bindings and functions."""
    states_fields: frozenset[str] = attrs.field(eq=False)
    """Fields of ``$states`` read (``input``, ``result``, ...); ``*`` when ``$states`` is used whole."""
    _fast: _FastPath | None = attrs.field(default=None, repr=False, eq=False)

    def references(self) -> frozenset[str]:
        """Names of the workflow variables this expression reads."""
        return self.variables

    def evaluate(self, states: Mapping[str, Any], variables: Mapping[str, Any], *, field: str,
                 rng: random.Random | None = None, now_ms: int | None = None) -> Any:
        """The value of the expression as plain JSON data.

        ``states`` is the ``$states`` object, ``variables`` the workflow variables, ``field``
        AWS's name of the field for error messages (``Output/result``), ``rng`` the source of
        ``$random()``, ``$uuid()`` and ``$shuffle()``, ``now_ms`` the time ``$now()`` reports.
        Raises :class:`~asl.errors.StatesError` ``States.QueryEvaluationError`` on any failure.
        """
        if self._fast is not None:
            value = self._fast.run(states, variables)
            if value is _UNDEFINED:
                raise _undefined_error(self.text, field)
            if value is not _SLOW:
                return self._plain(value, field)
        limits = _SCOPED_LIMITS.get() or _limits
        run = _Run(rng=rng, now_ms=int(time.time() * 1000) if now_ms is None else now_ms,
                   deadline=time.monotonic() + limits.timeout_s, max_depth=limits.max_depth,
                   timeout_ms=int(limits.timeout_s * 1000), max_chars=limits.max_chars)
        bindings = {name: _bindable(value) for name, value in variables.items()}
        bindings["states"] = dict(states)
        bindings["__evaluate_entry"] = run.enter
        bindings["__evaluate_exit"] = run.leave
        token = _RUN.set(run)
        try:
            raw = self._program.evaluate(None, bindings)
        except _JException as exc:
            raise _threw_error(self.text, field, _describe(exc)) from None
        except _FunctionError as exc:
            raise _threw_error(self.text, field, str(exc)) from None
        except RecursionError:
            raise _threw_error(self.text, field, _describe(_JException("D1011", -1))) from None
        except Exception as exc:  # jsonata-python's internals must not escape
            raise _threw_error(self.text, field, str(exc) or type(exc).__name__) from None
        finally:
            _RUN.reset(token)
        if raw is None:
            raise _undefined_error(self.text, field)
        return self._plain(raw, field)

    def _plain(self, value: Any, field: str) -> Any:
        try:
            return _to_json(value)
        except (_UnsupportedResult, RecursionError):
            raise _unsupported_error(self.text, field) from None


def compile_expression(text: str) -> Expression:
    """Compile a full ``{% ... %}`` string; raises :class:`JsonataSyntaxError` when invalid."""
    if not is_expression(text):
        raise JsonataSyntaxError("not a '{% ... %}' string", expression=str(text))
    inner = _inner(text)
    try:
        program = _compile_program(inner)
        variables, states_fields = _references(program.ast)
    except Exception as exc:  # the parser also fails with IndexError, RecursionError, ...
        raise _syntax_error(inner, exc) from None
    return Expression(inner, program, variables, states_fields, _FastPath.of(program.ast))


def validate_expression(text: str) -> str | None:
    """What is wrong with an expression (``{% %}`` string or bare text), or None when valid.

    Checks the syntax (JSONata 2.0.6) and AWS's rule that ``$``, ``$$`` and unqualified field
    names cannot be used at the top level of an expression (there is no context value).
    """
    inner = _inner(text) if is_expression(text) else text.strip()
    try:
        program = _compile_program(inner)
        problem = _top_level_problem(program.ast)
    except Exception as exc:  # reported, not raised
        return str(_syntax_error(inner, exc))
    if problem is not None:
        return f"invalid JSONata expression '{inner}': {problem}"
    return None


# --------------------------------------------------------------------------- static analysis


_NOT_CHILDREN: Final = frozenset({"_outer_instance", "slot", "seeking_parent", "ancestor", "tuple"})


def _children(node: Any) -> Iterator[Any]:
    """The sub-expressions of an AST node, in source order as far as the AST keeps it."""
    for name, value in vars(node).items():
        if name not in _NOT_CHILDREN:
            yield from _symbols(value)


def _symbols(value: Any) -> Iterator[Any]:
    if isinstance(value, _Symbol):
        yield value
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _symbols(item)


def _references(ast: Any) -> tuple[frozenset[str], frozenset[str]]:
    variables: set[str] = set()
    states_fields: set[str] = set()
    _collect(ast, frozenset(), variables, states_fields)
    return frozenset(variables), frozenset(states_fields)


def _collect(node: Any, bound: frozenset[str], variables: set[str], states_fields: set[str]) -> None:
    """Walk ``node`` noting free variables; ``bound`` holds the local names in scope."""
    kind = getattr(node, "type", None)
    if kind == "variable":
        name = str(node.value)
        if name not in bound and name not in _BUILTIN_NAMES and name not in ("", "$", "states"):
            variables.add(name)
        if name == "states":
            states_fields.add("*")
    elif kind == "lambda":
        params = frozenset(str(arg.value) for arg in node.arguments or ())
        _collect(node.body, bound | params, variables, states_fields)
        return
    elif kind == "block":
        scope = set(bound)
        for expression in node.expressions or ():
            _collect(expression, frozenset(scope), variables, states_fields)
            if getattr(expression, "type", None) == "bind":
                scope.add(str(expression.lhs.value))
        return
    elif kind == "bind":
        _collect(node.rhs, bound, variables, states_fields)
        return
    elif kind == "path":
        _collect_path(node, bound, variables, states_fields)
        return
    for child in _children(node):
        _collect(child, bound, variables, states_fields)


def _collect_path(node: Any, bound: frozenset[str], variables: set[str], states_fields: set[str]) -> None:
    steps = list(node.steps or ())
    scope = set(bound)
    for index, step in enumerate(steps):
        if index == 0 and _is_states(step) and len(steps) > 1 and getattr(steps[1], "type", None) == "name":
            states_fields.add(str(steps[1].value))
            for child in _children(step):  # the step's predicates, not `$states` itself
                _collect(child, frozenset(scope), variables, states_fields)
        else:
            _collect(step, frozenset(scope), variables, states_fields)
        for binding in ("focus", "index"):  # `@$v` and `#$i` bind names for the later steps
            name = getattr(step, binding, None)
            if isinstance(name, str):
                scope.add(name)
    for name, value in vars(node).items():
        if name != "steps" and name not in _NOT_CHILDREN:
            for child in _symbols(value):
                _collect(child, frozenset(scope), variables, states_fields)


def _is_states(node: Any) -> bool:
    return getattr(node, "type", None) == "variable" and node.value == "states"


#: Top-level steps that read the (absent) context value.
_CONTEXT_READS: Final = {"name": "the unqualified field name '{}'", "wildcard": "'*'",
                         "descendant": "'**'", "parent": "'%'"}
#: Parts of a node evaluated against another context value than the expression's own.
_INNER_CONTEXT: Final = frozenset({"stages", "predicate", "group", "terms", "body", "pattern", "update",
                                   "delete"})


def _top_level_problem(node: Any) -> str | None:
    """Why ``node`` reads the context value at the top level of the expression, or None."""
    kind = getattr(node, "type", None)
    if kind == "variable" and node.value in ("", "$"):
        which = "$" if node.value == "" else "$$"
        return f"'{which}' cannot be used at the top level of an expression (use $states.input)"
    if kind in _CONTEXT_READS:
        what = _CONTEXT_READS[kind].format(node.value)
        return f"{what} cannot be used at the top level of an expression (use $states.input)"
    if kind == "path":
        return _top_level_problem(node.steps[0]) if node.steps else None
    for name, value in vars(node).items():
        if name in _NOT_CHILDREN or name in _INNER_CONTEXT:
            continue
        for child in _symbols(value):
            problem = _top_level_problem(child)
            if problem is not None:
                return problem
    return None


# --------------------------------------------------------------------------- compiled values


@attrs.frozen
class _Literal:
    value: Any

    def run(self, states: Mapping[str, Any], variables: Mapping[str, Any], field: str,
            rng: random.Random | None, now_ms: int | None) -> Any:
        return self.value


@attrs.frozen
class _Dynamic:
    expression: Expression
    suffix: str

    def run(self, states: Mapping[str, Any], variables: Mapping[str, Any], field: str,
            rng: random.Random | None, now_ms: int | None) -> Any:
        return self.expression.evaluate(states, variables, field=field + self.suffix, rng=rng, now_ms=now_ms)


@attrs.frozen
class _Object:
    items: tuple[tuple[str, _Node], ...]

    def run(self, states: Mapping[str, Any], variables: Mapping[str, Any], field: str,
            rng: random.Random | None, now_ms: int | None) -> Any:
        return {key: node.run(states, variables, field, rng, now_ms) for key, node in self.items}


@attrs.frozen
class _Array:
    items: tuple[_Node, ...]

    def run(self, states: Mapping[str, Any], variables: Mapping[str, Any], field: str,
            rng: random.Random | None, now_ms: int | None) -> Any:
        return [node.run(states, variables, field, rng, now_ms) for node in self.items]


_Node = _Literal | _Dynamic | _Object | _Array


@attrs.frozen
class CompiledValue:
    """A JSON value whose ``{% %}`` strings, at any depth, are compiled expressions."""

    _root: _Node = attrs.field(repr=False)
    expressions: tuple[tuple[KeyPath, Expression], ...]
    """Every expression with its key path inside the value, in document order."""

    @property
    def is_literal(self) -> bool:
        """Whether the value holds no expression at all."""
        return not self.expressions

    @property
    def expression(self) -> Expression | None:
        """The expression when the whole value is one ``{% %}`` string, else None."""
        return self._root.expression if isinstance(self._root, _Dynamic) else None

    @property
    def text(self) -> str:
        """The text AWS quotes for the value when it is one expression (else ``""``)."""
        return self._root.expression.text if isinstance(self._root, _Dynamic) else ""

    def references(self) -> frozenset[str]:
        """Workflow variables read by any of the expressions."""
        return frozenset().union(*(expr.variables for _, expr in self.expressions))

    def evaluate(self, states: Mapping[str, Any], variables: Mapping[str, Any], *, field: str,
                 rng: random.Random | None = None, now_ms: int | None = None) -> Any:
        """The value with every expression replaced by its result (see :meth:`Expression.evaluate`).

        ``field`` names the whole value (``Output``); nested expressions report
        ``Output/key/0``-style names.
        """
        return self._root.run(states, variables, field, rng, now_ms)


def compile_value(value: Any) -> CompiledValue:
    """Compile every ``{% %}`` string inside a JSON value; literal subtrees are kept as they are.

    Raises :class:`JsonataSyntaxError` (with ``key_path``) for the first invalid expression.
    """
    found: list[tuple[KeyPath, Expression]] = []
    root = _compile_node(value, (), found)
    return CompiledValue(root, tuple(found))


def _compile_node(value: Any, key_path: KeyPath, found: list[tuple[KeyPath, Expression]]) -> _Node:
    if isinstance(value, str):
        if not is_expression(value):
            return _Literal(value)
        try:
            expression = compile_expression(value)
        except JsonataSyntaxError as exc:
            raise JsonataSyntaxError(exc.detail, expression=exc.expression, key_path=key_path,
                                     code=exc.code) from None
        found.append((key_path, expression))
        return _Dynamic(expression, "".join(f"/{k}" for k in key_path))
    if isinstance(value, dict):
        entries = tuple((str(k), _compile_node(v, (*key_path, str(k)), found)) for k, v in value.items())
        if all(isinstance(node, _Literal) for _, node in entries):
            return _Literal(json.loads(json.dumps(value)))
        return _Object(entries)
    if isinstance(value, list | tuple):
        nodes = tuple(_compile_node(v, (*key_path, i), found) for i, v in enumerate(value))
        if all(isinstance(node, _Literal) for node in nodes):
            return _Literal(json.loads(json.dumps(list(value))))
        return _Array(nodes)
    return _Literal(value)
