"""Bounds on what one definition or one execution may cost: :class:`Limits`.

Every bound has AWS's value as its default where AWS has one, and ends the parse or the
execution with the error AWS gives (or the nearest ASL error) when it is exceeded, so
that a hostile definition or input can neither crash nor hang the process:

==========================  ===============  ===============================  ==================================
field                       default          AWS                              when exceeded
==========================  ===============  ===============================  ==================================
``max_payload_bytes``       262,144          256 KiB per state/task payload   ``States.DataLimitExceeded``
``max_history_events``      ``None``         25,000 (Standard workflows)      ``States.Runtime`` (event 25,000
                                                                              is ``ExecutionFailed``)
``max_transitions``         ``None``         none                             ``States.Runtime``
``max_duration_seconds``    ``None``         1 year Standard, 5 min Express   ``TIMED_OUT``, ``States.Timeout``
``jsonata_timeout_seconds`` 5.0              not published                    ``States.QueryEvaluationError``
                                                                              (JSONata ``D1012``)
``jsonata_max_depth``       1500             not published                    ``States.QueryEvaluationError``
                                                                              (JSONata ``D1011``)
``max_value_chars``         10,485,760       not published                    ``States.QueryEvaluationError``
                                                                              (JSONata) or
                                                                              ``States.IntrinsicFailure``
``max_definition_chars``    1,048,576        1,048,576 characters             ``DefinitionError``
``max_json_depth``          512              not published                    ``DefinitionError``
                                                                              (``TOO_DEEPLY_NESTED``)
``max_state_nesting``       64               not published                    ``DefinitionError``
                                                                              (``TOO_DEEPLY_NESTED``)
``max_choice_nesting``      128              not published                    ``DefinitionError``
                                                                              (``TOO_DEEPLY_NESTED``)
==========================  ===============  ===============================  ==================================

``None`` lifts a bound. The history quota is opt-in (``Limits.standard()``) because a
local run often does what AWS would split across child executions (an inline Map over
100,000 items); ``max_transitions`` is the simplest guard against a loop that never ends.

Bounds that are not fields: intrinsic functions nest at most 10 deep (AWS's rule,
:data:`asl.paths._intrinsics.MAX_NESTING`), ``StringMatches`` is matched in linear time,
JSONata's ``$range`` and range operator stop at 10,000,000 items, and JSONata regular
expressions share the evaluation's time bound (the ``regex`` package's interruptible matching).

The execution input is checked as AWS's StartExecution checks it (:func:`execution_input`):
JSON data only, at most ``max_payload_bytes``, else :class:`InvalidExecutionInput`.
"""

from __future__ import annotations

import contextvars
import json
import math
from typing import Any, Final

import attrs

from .errors import RUNTIME, ASLError, StatesError

__all__ = [
    "AWS_DEFINITION_CHARS",
    "AWS_PAYLOAD_BYTES",
    "EXPRESS_DURATION_SECONDS",
    "MAX_DATA_DEPTH",
    "MAX_VALUE_CHARS",
    "STANDARD_DURATION_SECONDS",
    "STANDARD_HISTORY_EVENTS",
    "InvalidExecutionInput",
    "Limits",
    "LimitsScope",
    "NotJsonData",
    "current",
    "execution_input",
    "history_limit_cause",
    "json_chars_exceed",
    "json_data",
    "resolver_result",
    "transition_limit_cause",
    "use",
    "value_too_large_cause",
]

AWS_PAYLOAD_BYTES: Final = 256 * 1024
"""AWS: "Maximum input or output size for a task, state, or execution: 262,144 bytes"."""
STANDARD_HISTORY_EVENTS: Final = 25_000
"""AWS: "Maximum execution history size: 25,000 events" (Standard workflows; Express: unlimited)."""
STANDARD_DURATION_SECONDS: Final = 365 * 24 * 3600
"""AWS: a Standard execution runs at most one year."""
EXPRESS_DURATION_SECONDS: Final = 5 * 60
"""AWS: an Express execution runs at most five minutes."""
AWS_DEFINITION_CHARS: Final = 1_048_576
"""AWS: CreateStateMachine's ``definition`` has at most 1,048,576 characters."""
MAX_DATA_DEPTH: Final = 512
"""Deepest nesting of an execution input or a resolver's result (deeper would exhaust the stack)."""
MAX_VALUE_CHARS: Final = 10 * 1024 * 1024
"""Largest value one JSONata evaluation or intrinsic function may build, as JSON characters.

AWS publishes no such bound; 10 MiB is what AWS lets one execution keep in all its variables
together (40 times the payload quota), so no value a workflow can use is refused.
"""


def _optional_positive(_instance: object, attribute: attrs.Attribute[Any], value: Any) -> None:
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
        raise ValueError(f"Limits.{attribute.name} must be a positive number or None, got {value!r}")


def _positive(_instance: object, attribute: attrs.Attribute[Any], value: Any) -> None:
    if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
        raise ValueError(f"Limits.{attribute.name} must be a positive number, got {value!r}")


@attrs.frozen
class Limits:
    """What one definition or one execution may cost; ``None`` lifts a bound.

    Pass one to :func:`asl.run` (``limits=``), :func:`asl.parse` and :func:`asl.validate`.
    """

    # -- an execution ------------------------------------------------------------------------
    max_payload_bytes: int | None = attrs.field(default=AWS_PAYLOAD_BYTES, validator=_optional_positive)
    """Largest state output, task payload or task result, UTF-8 bytes (``States.DataLimitExceeded``)."""
    max_history_events: int | None = attrs.field(default=None, validator=_optional_positive)
    """History events an execution may have, ``ExecutionFailed`` included (``States.Runtime``).

    As on AWS, the event that would be number ``max_history_events`` becomes the
    ``ExecutionFailed`` event unless it is ``ExecutionSucceeded``. Counted with or without
    ``history=False``. Opt-in: :meth:`standard` sets AWS's 25,000.
    """
    max_transitions: int | None = attrs.field(default=None, validator=_optional_positive)
    """States an execution may enter, across all its branches and iterations (``States.Runtime``)."""
    max_duration_seconds: float | None = attrs.field(default=None, validator=_optional_positive)
    """Clock seconds an execution may run, like a top-level ``TimeoutSeconds`` (``States.Timeout``)."""
    jsonata_timeout_seconds: float = attrs.field(default=5.0, validator=_positive)
    """Real seconds one JSONata evaluation may take (``D1012``)."""
    jsonata_max_depth: int = attrs.field(default=1500, validator=_positive)
    """Deepest nesting of one JSONata evaluation (``D1011``)."""
    max_value_chars: int = attrs.field(default=MAX_VALUE_CHARS, validator=_positive)
    """Largest string, array or object one JSONata evaluation or intrinsic function may build.

    Measured as JSON text in characters (a string: its length; a part shared several times
    counts each time, as JSON would write it), and checked before the work that would build
    it (``$pad``, ``$join``, ``$string``, ``$replace``, ``&``, ``States.Format``, ...), so that
    an expression cannot exhaust memory before the payload quota sees its result.
    ``States.QueryEvaluationError`` (JSONata) or ``States.IntrinsicFailure`` when exceeded.
    """

    # -- a definition ------------------------------------------------------------------------
    max_definition_chars: int | None = attrs.field(default=AWS_DEFINITION_CHARS, validator=_optional_positive)
    """Characters of the definition's JSON text (a dict is measured as compact JSON)."""
    max_json_depth: int = attrs.field(default=512, validator=_positive)
    """Deepest JSON nesting of the definition (deeper ones would exhaust the interpreter's stack)."""
    max_state_nesting: int = attrs.field(default=64, validator=_positive)
    """Parallel and Map states nested inside one another (the top level's states are at depth 1)."""
    max_choice_nesting: int = attrs.field(default=128, validator=_positive)
    """``And``/``Or``/``Not`` nested inside one another in one Choice rule."""

    @classmethod
    def standard(cls) -> Limits:
        """AWS's quotas for a Standard workflow: also 25,000 history events and one year."""
        return cls(max_history_events=STANDARD_HISTORY_EVENTS, max_duration_seconds=STANDARD_DURATION_SECONDS)

    @classmethod
    def express(cls) -> Limits:
        """AWS's quotas for an Express workflow: also five minutes (history is unlimited)."""
        return cls(max_duration_seconds=EXPRESS_DURATION_SECONDS)


class InvalidExecutionInput(ASLError, ValueError):
    """The execution input cannot be taken as JSON data, or is too large (AWS's StartExecution refuses it).

    :attr:`code` is the error AWS's API answers with: ``InvalidExecutionInput`` for input that
    is not JSON data, ``ValidationException`` for input over the payload quota.
    """

    def __init__(self, message: str, code: str = "InvalidExecutionInput") -> None:
        super().__init__(message)
        self.code = code
        """AWS's API error code for this refusal."""


def execution_input(value: Any, max_bytes: int | None = AWS_PAYLOAD_BYTES) -> Any:
    """A fresh copy of an execution input, checked as AWS's StartExecution checks it.

    Raises :class:`InvalidExecutionInput` for anything JSON cannot carry (a set, bytes, a
    ``datetime``, NaN or Infinity, a key that is not a string, nesting deeper than
    :data:`MAX_DATA_DEPTH`) and, with ``code`` ``ValidationException``, for input whose compact
    UTF-8 JSON is longer than ``max_bytes`` (``None``: no bound). The size is bounded before
    anything is copied, so input sharing one large part many times is refused cheaply.
    """
    if max_bytes is not None and json_chars_exceed(value, max_bytes):
        raise _too_large_input(max_bytes)
    try:
        data = json_data(value)
    except NotJsonData as e:
        raise InvalidExecutionInput(f"Invalid State Machine Execution Input: {e}") from None
    if max_bytes is not None and len(json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()) > max_bytes:
        raise _too_large_input(max_bytes)
    return data


def _too_large_input(max_bytes: int) -> InvalidExecutionInput:
    return InvalidExecutionInput(
        "1 validation error detected: Value at 'input' failed to satisfy constraint: "
        f"Member must have length less than or equal to {max_bytes}",
        "ValidationException",
    )


def history_limit_cause(limit: int) -> str:
    """AWS's cause when an execution reaches its history quota."""
    return f"The execution reached the maximum number of history events ({limit})."


def transition_limit_cause(limit: int) -> str:
    """The cause when an execution enters more states than ``max_transitions`` allows."""
    return f"The execution exceeded the maximum number of state transitions ({limit})."


class NotJsonData(ValueError):
    """A value given to the executor (an input, a resolver's result) that is not JSON data."""


_SCALARS: Final = frozenset({str, int, bool, type(None)})


def _scalar(value: Any) -> Any:
    """A JSON scalar as itself (``int``/``str`` subclasses as plain values), or raise."""
    if isinstance(value, float):
        if not math.isfinite(value):
            raise NotJsonData(f"the number {value} is not JSON data")
        return float(value)
    if isinstance(value, bool):
        return bool(value)
    if isinstance(value, int):
        return int(value)
    if isinstance(value, str):
        return str(value)
    raise NotJsonData(f"a value of type {type(value).__name__} is not JSON data")


def json_data(value: Any, *, max_depth: int = MAX_DATA_DEPTH) -> Any:
    """A fresh copy of ``value`` made of plain dicts, lists and scalars (tuples become lists).

    Raises :class:`NotJsonData` for anything JSON cannot carry (a set, bytes, NaN, a key that
    is not a string, ...) and for nesting deeper than ``max_depth``. No recursion: any depth
    is refused cleanly.
    """
    if type(value) in _SCALARS:
        return value
    root: list[Any] = [None]
    pending: list[tuple[Any, Any, Any, int]] = [(value, root, 0, 1)]
    while pending:
        item, target, key, depth = pending.pop()
        kind = type(item)
        if kind is dict or kind is list or kind is tuple or isinstance(item, dict | list | tuple):
            if depth > max_depth:
                raise NotJsonData(f"it is nested more than {max_depth} levels deep")
            if isinstance(item, dict):
                copy: Any = {}
                for name, member in item.items():
                    if type(name) is not str:
                        raise NotJsonData(f"the key {name!r} is not a string")
                    if type(member) in _SCALARS:
                        copy[name] = member
                    else:
                        copy[name] = None
                        pending.append((member, copy, name, depth + 1))
            else:
                copy = list(item)
                for index, member in enumerate(copy):
                    if type(member) not in _SCALARS:
                        pending.append((member, copy, index, depth + 1))
            target[key] = copy
        else:
            target[key] = _scalar(item)
    return root[0]


def resolver_result(state_name: str, value: Any) -> Any:
    """A copy of what a resolver returned (it may keep and change the original), checked to be JSON
    data; otherwise the task fails with ``States.Runtime``."""
    try:
        return json_data(value)
    except NotJsonData as e:
        message = f"The resolver of state '{state_name}' returned a value that is not JSON data: {e}"
        raise StatesError(RUNTIME, message) from None


# --------------------------------------------------------------------------- value sizes


class _TooLarge(Exception):
    """Raised inside :func:`json_chars_exceed` as soon as the count passes the limit."""


def _scalar_chars(value: Any) -> int:
    """A lower bound of a scalar's JSON length: a string's characters and quotes, 4 for
    ``true``/``null``, 5 for ``false``, 1 for a number (or anything else)."""
    if type(value) is str:
        return len(value) + 2
    if value is None or value is True:
        return 4
    return 5 if value is False else 1


def json_chars_exceed(value: Any, limit: int, *, indent: int | None = None) -> bool:
    """Whether ``value`` as JSON text (compact, or indented by ``indent`` spaces a level) has
    more than ``limit`` characters.

    Counts every part as often as JSON would write it, so a list holding one large string a
    million times is as large as its text, yet visits each container once per depth (its
    size is remembered) and stops as soon as the count passes ``limit``: the cost is bounded
    by the memory the value really holds, never by the size of its text. Escapes are not
    counted (a lower bound of the text's length, exact for plain text). No recursion.
    """
    if not isinstance(value, dict | list | tuple):
        return _scalar_chars(value) > limit
    try:
        _container_chars(value, limit, indent)
    except _TooLarge:
        return True
    return False


def _frame(container: Any, depth: int, indent: int | None) -> list[Any]:
    """[container, depth, items, characters so far, is an object] for the walk below."""
    is_object = isinstance(container, dict)
    count = len(container)
    size = 2 + max(count - 1, 0)  # brackets and commas
    if indent is not None and count:
        size += count * (1 + (depth + 1) * indent) + 1 + depth * indent  # newlines and indentation
    items = iter(container.items()) if is_object else iter(container)
    return [container, depth, items, size, is_object]


def _container_chars(root: Any, limit: int, indent: int | None) -> int:
    memo: dict[tuple[int, int], int] = {}
    colon = 1 if indent is None else 2
    stack = [_frame(root, 0, indent)]
    total = 0
    while stack:
        frame = stack[-1]
        _container, depth, items, size, is_object = frame
        descended = False
        for item in items:
            if is_object:
                key, child = item
                size += (len(key) if type(key) is str else 1) + 2 + colon
            else:
                child = item
            if isinstance(child, dict | list | tuple):
                known = memo.get((id(child), depth + 1))
                if known is None:
                    frame[3] = size
                    stack.append(_frame(child, depth + 1, indent))
                    descended = True
                    break
                size += known
            else:
                size += _scalar_chars(child)
            if size > limit:
                raise _TooLarge
        if descended:
            continue
        stack.pop()
        if size > limit:
            raise _TooLarge
        memo[(id(frame[0]), depth)] = size
        if stack:
            stack[-1][3] += size
        else:
            total = size
    return total


def value_too_large_cause(limit: int) -> str:
    """What an expression or intrinsic function that would build too large a value is told."""
    return (f"The value being built is larger than {limit} characters as JSON "
            "(asl.limits.Limits.max_value_chars).")


# --------------------------------------------------------------------------- the bounds in force


_CURRENT: Final[contextvars.ContextVar[Limits | None]] = contextvars.ContextVar("asl_limits", default=None)
_DEFAULT: Final = Limits()


def current() -> Limits:
    """The bounds of the execution running in this context (set by :func:`use`), else the defaults."""
    return _CURRENT.get() or _DEFAULT


class LimitsScope:
    """Bounds set by :func:`use`; :meth:`close` restores the previous ones."""

    def __init__(self, token: contextvars.Token[Limits | None]) -> None:
        self._token = token

    def close(self) -> None:
        """Restore the bounds in force before :func:`use` (call it in the same task)."""
        _CURRENT.reset(self._token)

    def __enter__(self) -> LimitsScope:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()


def use(limits: Limits) -> LimitsScope:
    """Make ``limits`` the bounds of everything evaluated in this context (and tasks started from it)."""
    return LimitsScope(_CURRENT.set(limits))
