"""Resolvers: the user's Python functions that stand in for the resources Task states call.

``resolvers={key: callable}`` maps a key to a function. For each Task the key is chosen in
this order:

1. a key equal to the **state name**;
2. an **exact** key: the Resource ARN, or for a Lambda function its ARN as called, its
   unqualified ARN, ``name:qualifier`` or its bare name (for ``lambda:invoke`` these come from
   the ``FunctionName``; a bare name with no region also finds a function registered under
   its ARN in any region); then the Resource without its ``.sync`` / ``.waitForTaskToken``
   suffix;
3. the most specific **glob** (``fnmatch`` syntax, case-sensitive) matching the Resource,
   the function's ARNs or the bare function name: fewest wildcards, then longest literal
   text, then the first registered.

The Resource, not the key, decides how the function is called:

* ``arn:aws:lambda:<region>:<account>:function:<name>[:<qualifier>]``: ``fn(event)`` gets the
  effective input and its return value is the task result, serialised and parsed as the
  Lambda Python runtime and Step Functions do (``Runtime.MarshalError`` when it is not JSON).
* ``arn:aws:states:::lambda:invoke``: ``fn(event)`` gets ``Payload`` (absent or null: ``{}``;
  a string is the raw request body, parsed as JSON when it is JSON text) and the result is
  wrapped in the Invoke response envelope (``ExecutedVersion``, ``Payload``,
  ``SdkHttpMetadata``, ``SdkResponseMetadata``, ``StatusCode``). With ``.waitForTaskToken``
  the return value stands for the output sent with SendTaskSuccess and is returned bare.
* anything else: ``fn(payload)`` gets the effective input; the return value is the result.

``bytes`` results are the raw response body: JSON text is parsed, other text is kept as a
string (what Step Functions does with a Lambda response that is not JSON), and more than
256 KiB fails with ``States.DataLimitExceeded``. A resolver wrapped in :func:`raw` is always
called the plain way, for mocks that return a whole task result (an Invoke envelope, say).

A resolver may be sync or async and may take ``(payload, call)`` where ``call`` is a
:class:`TaskCall`. Raising :class:`asl.errors.StatesError` fails the task with exactly that
error; any other ``Exception`` fails it with the class name as the error and the Lambda
runtime's error JSON as the cause, whose ``stackTrace`` lists only the resolver's own frames
formatted as the Lambda Python runtime formats them. ``lambda:invoke`` causes are compact JSON
(Step Functions re-serialises the function's error payload); other causes are the runtime's
own ``json.dumps`` text.

Under an :class:`asl.engine.Engine` the table also has ``integrations``: after each lookup
they may wrap the binding in an ``around`` (a ``.waitForTaskToken`` task runs its resolver,
then waits for its token to be answered) or supply a binding of their own (activities,
``states:startExecution``). :func:`invoke` calls ``around(payload, call, submit)`` when a
binding has one. Without an engine nothing changes: a resolver's return value is the result.
"""

from __future__ import annotations

import base64
import contextlib
import email.utils
import fnmatch
import functools
import inspect
import json
import random
import re
import traceback
import uuid
from collections.abc import Awaitable, Callable, Iterable, Mapping
from datetime import UTC, datetime
from decimal import Decimal
from types import TracebackType
from typing import Any, Final, Protocol

import attrs

from ._home import DEFAULT_ACCOUNT, DEFAULT_PARTITION, DEFAULT_REGION
from ._json import copy_json
from .errors import DATA_LIMIT_EXCEEDED, RUNTIME, Deferred, StatesError
from .limits import resolver_result

__all__ = [
    "Around",
    "Binding",
    "FunctionRef",
    "Integrations",
    "Raw",
    "Resolver",
    "ResolverTable",
    "Submit",
    "TaskCall",
    "invoke",
    "lambda_error_cause",
    "missing_resolver_error",
    "raw",
    "sdk_metadata",
    "unresolved",
]

Resolver = Callable[..., Any]
"""A sync or async callable: ``fn(payload)``, ``fn(payload, call)`` or ``fn()``."""

MAX_RESULT_BYTES: Final = 262_144
"""Step Functions' limit on a task result (256 KiB of UTF-8)."""
DEFAULT_HOME: Final = (DEFAULT_PARTITION, DEFAULT_REGION, DEFAULT_ACCOUNT)
"""(partition, region, account) when the context object names no execution."""

PLAIN: Final = "plain"
LAMBDA: Final = "lambda"
LAMBDA_INVOKE: Final = "lambda:invoke"
LAMBDA_CALLBACK: Final = "lambda:invoke.waitForTaskToken"

_THIS_FILE: Final = __file__
_TRACE_BITS: Final = (1 << 96) - 1
_LAMBDA_ARN = re.compile(
    r"arn:(?P<partition>[^:]+):lambda:(?P<region>[^:]+):(?P<account>[^:]+):function:"
    r"(?P<name>[^:]+)(?::(?P<qualifier>[^:]+))?"
)
_PARTIAL_ARN = re.compile(r"(?P<account>\d{12}):function:(?P<name>[^:]+)(?::(?P<qualifier>[^:]+))?")
_BARE_NAME = re.compile(r"(?P<name>[^:]+)(?::(?P<qualifier>[^:]+))?")
_INTEGRATION = re.compile(r"(?P<base>arn:[^:]+:states:::[^.]+)(?:\.(?P<pattern>sync(?::2)?|waitForTaskToken))?")
_INVOKE_BASE = re.compile(r"arn:[^:]+:states:::lambda:invoke")
_HOME_ARN = re.compile(r"arn:(?P<partition>[^:]+):states:(?P<region>[^:]+):(?P<account>[^:]+):")


@attrs.frozen
class TaskCall:
    """What a resolver may take as its optional second argument."""

    state_name: str
    """The Task state's name."""
    resource: str
    """The state's ``Resource`` as written."""
    attempt: int
    """0 for the first try, 1 for the first retry, ..."""
    _context: Mapping[str, Any] | Callable[[], Mapping[str, Any]] = attrs.field(repr=False)
    """The context object, or a function that builds it (the executor's: built only if read)."""
    task_token: str | None = None
    """The task token, for ``.waitForTaskToken`` resources."""
    credentials: Any = None
    """The state's ``Credentials`` field, evaluated."""
    heartbeat_seconds: float | None = None
    """The state's ``HeartbeatSeconds`` (evaluated), for callback and activity tasks."""
    request_bits: int = attrs.field(factory=lambda: random.getrandbits(128), repr=False)
    """128 random bits behind :attr:`request_id`; the executor draws them from the execution's
    seeded random source, so request ids repeat with ``seed=``."""
    events: Any = attrs.field(default=None, repr=False, eq=False)
    """(engine) The task's history recorder: an Engine's integrations record ``TaskSubmitted`` and
    ``ActivityStarted`` through it (None outside an execution)."""

    @functools.cached_property
    def context(self) -> Mapping[str, Any]:
        """The context object (``$$``): the resolver's own copy, which it may change freely."""
        copied: Mapping[str, Any] = copy_json(live_context(self))
        return copied

    @property
    def request_id(self) -> str:
        """The Lambda request id of this call (``x-amzn-RequestId``, an error's ``requestId``)."""
        return _uuid4_text(self.request_bits)


def live_context(call: TaskCall) -> Mapping[str, Any]:
    """The executor's own context object of ``call``, for asl's readers that never change it."""
    context = call._context
    return context() if callable(context) else context


Submit = Callable[[TaskCall], Awaitable[Any]]
"""Runs the resolver of a call (with the :class:`TaskCall` given) and returns what it returned."""
Around = Callable[[Any, TaskCall, Submit], Awaitable[Any]]
"""``around(payload, call, submit)``: wraps one task call; returns the task result.

An :class:`asl.engine.Engine` uses it for ``.waitForTaskToken`` and activity tasks: it registers
the task token, awaits ``submit(call)`` (the user's resolver, if any) and then waits for
``send_task_success`` / ``send_task_failure`` with that token.
"""


class Integrations(Protocol):
    """What a :class:`ResolverTable` consults after its own lookup (an Engine's built-in integrations)."""

    def bind(self, found: Binding | None, state_name: str, resource: str) -> Binding | None:
        """The binding to use for this call: ``found`` (the user's, or None), wrapped or replaced."""
        ...


@attrs.frozen
class Raw:
    """A resolver called the plain way whatever the Resource: its return value is the task result."""

    fn: Resolver


def raw(fn: Resolver) -> Raw:
    """Mark ``fn`` as returning the whole task result (no Lambda event, envelope or marshalling)."""
    return Raw(fn)


@attrs.frozen
class FunctionRef:
    """A Lambda function as named in a Resource or a ``FunctionName``."""

    name: str
    qualifier: str | None = None
    partition: str | None = None
    region: str | None = None
    account: str | None = None

    @classmethod
    def parse(cls, text: str, qualifier: str | None = None) -> FunctionRef | None:
        """A name, ``name:qualifier``, a partial ARN or a function ARN; None when it is none of them."""
        for pattern in (_LAMBDA_ARN, _PARTIAL_ARN, _BARE_NAME):
            m = pattern.fullmatch(text)
            if m:
                parts = m.groupdict()
                return cls(
                    name=parts["name"],
                    qualifier=parts["qualifier"] or qualifier,
                    partition=parts.get("partition"),
                    region=parts.get("region"),
                    account=parts.get("account"),
                )
        return None

    def unqualified_arn(self, home: tuple[str, str, str]) -> str:
        """``arn:<partition>:lambda:<region>:<account>:function:<name>``, gaps filled from ``home``."""
        partition, region, account = home
        return (
            f"arn:{self.partition or partition}:lambda:{self.region or region}:"
            f"{self.account or account}:function:{self.name}"
        )

    def arn(self, home: tuple[str, str, str]) -> str:
        """The ARN as called: unqualified, or with the alias or version."""
        base = self.unqualified_arn(home)
        return f"{base}:{self.qualifier}" if self.qualifier else base

    @property
    def executed_version(self) -> str:
        """What Invoke reports as ``ExecutedVersion`` (an alias's version is unknown here)."""
        return self.qualifier if self.qualifier and self.qualifier.isdigit() else "$LATEST"


@attrs.frozen
class _Entry:
    key: str
    fn: Resolver
    arity: int
    raw: bool
    order: int


@attrs.frozen
class _Glob:
    entry: _Entry
    regex: re.Pattern[str]


@attrs.frozen
class Binding:
    """The resolver chosen for one Task call and how to call it."""

    key: str
    """The ``resolvers`` key that matched."""
    resolver: Resolver
    arity: int
    """How many positional arguments it takes: 0, 1 (payload) or 2 (payload, call)."""
    protocol: str
    """``plain``, ``lambda``, ``lambda:invoke`` or ``lambda:invoke.waitForTaskToken``."""
    around: Around | None = None
    """Wraps the call (an Engine waits here for a task token after the resolver ran); None: none."""


def _arity(key: str, fn: Resolver) -> int:
    try:
        signature = inspect.signature(fn)
    except (TypeError, ValueError):  # some builtins: assume fn(payload)
        return 1
    positional = required = 0
    for p in signature.parameters.values():
        if p.kind is p.VAR_POSITIONAL:
            positional = 2
        elif p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD):
            positional += 1
            required += p.default is p.empty
        elif p.kind is p.KEYWORD_ONLY and p.default is p.empty:
            raise TypeError(f"resolver for {key!r} has a required keyword-only parameter {p.name!r}")
    if required > 2:
        raise TypeError(
            f"resolver for {key!r} requires {required} positional arguments; "
            "a resolver takes (payload) or (payload, call)"
        )
    return min(positional, 2)


def _glob_rank(key: str) -> tuple[int, int] | None:
    """(wildcards, literal characters) of a glob key, or None when it has no wildcard."""
    wildcards = literal = i = 0
    while i < len(key):
        if key[i] in "*?":
            wildcards += 1
        elif key[i] == "[" and (end := _set_end(key, i)) > 0:
            wildcards += 1
            i = end
        else:
            literal += 1
        i += 1
    return (wildcards, literal) if wildcards else None


def _set_end(key: str, start: int) -> int:
    """Index of the ``]`` closing the ``[`` at ``start`` as fnmatch reads it; -1 when it is literal."""
    j = start + 1
    if key[j : j + 1] == "!":
        j += 1
    if key[j : j + 1] == "]":
        j += 1
    return key.find("]", j)


def _home(context: Mapping[str, Any] | None) -> tuple[str, str, str]:
    """(partition, region, account) of the execution, from ``$$.Execution.Id`` or ``$$.StateMachine.Id``."""
    for section in ("Execution", "StateMachine"):
        part = (context or {}).get(section)
        ident = part.get("Id") if isinstance(part, Mapping) else None
        m = _HOME_ARN.match(ident) if isinstance(ident, str) else None
        if m:
            return m["partition"], m["region"], m["account"]
    return DEFAULT_HOME


def _protocol(resource: str) -> str:
    if _LAMBDA_ARN.fullmatch(resource):
        return LAMBDA
    m = _INTEGRATION.fullmatch(resource)
    if m and _INVOKE_BASE.fullmatch(m["base"]):
        return LAMBDA_CALLBACK if m["pattern"] == "waitForTaskToken" else LAMBDA_INVOKE
    return PLAIN


def _target(resource: str, protocol: str, payload: Any) -> FunctionRef | None:
    """The Lambda function a call names, if any."""
    if protocol == LAMBDA:
        return FunctionRef.parse(resource)
    if protocol == PLAIN or not isinstance(payload, Mapping):
        return None
    name, qualifier = payload.get("FunctionName"), payload.get("Qualifier")
    if not isinstance(name, str):
        return None
    return FunctionRef.parse(name, qualifier if isinstance(qualifier, str) else None)


@attrs.frozen
class ResolverTable:
    """Every registered resolver, indexed once for fast lookups."""

    exact: Mapping[str, _Entry]
    globs: tuple[_Glob, ...]
    """Most specific first."""
    by_function: Mapping[tuple[str, str | None], tuple[_Entry, ...]]
    """Keys that are Lambda function ARNs, by (name, qualifier), for calls that name no region."""
    integrations: Integrations | None = attrs.field(default=None, kw_only=True)
    """Consulted after every lookup (an Engine's callbacks, nested executions, activities)."""
    _cache: dict[tuple[Any, ...], Binding | None] = attrs.field(factory=dict, init=False, eq=False, repr=False)

    @classmethod
    def build(
        cls, resolvers: Mapping[str, Resolver | Raw] | None, *, integrations: Integrations | None = None
    ) -> ResolverTable:
        """Check and index ``resolvers``; TypeError or ValueError names the offending key."""
        exact: dict[str, _Entry] = {}
        ranked: list[tuple[tuple[int, int, int], _Glob]] = []
        by_function: dict[tuple[str, str | None], list[_Entry]] = {}
        for order, (key, value) in enumerate((resolvers or {}).items()):
            entry = _entry(key, value, order)
            exact[key] = entry
            rank = _glob_rank(key)
            if rank is not None:
                glob = _Glob(entry, re.compile(fnmatch.translate(key)))
                ranked.append(((rank[0], -rank[1], order), glob))
            elif (m := _LAMBDA_ARN.fullmatch(key)) is not None:
                by_function.setdefault((m["name"], m["qualifier"]), []).append(entry)
        ranked.sort(key=lambda item: item[0])
        return cls(
            exact=exact,
            globs=tuple(glob for _, glob in ranked),
            by_function={k: tuple(v) for k, v in by_function.items()},
            integrations=integrations,
        )

    def find(
        self, state_name: str, resource: str, payload: Any, *, context: Mapping[str, Any] | None = None
    ) -> Binding | None:
        """The resolver for one Task call, or None (see :func:`missing_resolver_error`)."""
        protocol = _protocol(resource)
        target = _target(resource, protocol, payload)
        home = _home(context) if target is not None and target.region is None else DEFAULT_HOME
        cache_key = (state_name, resource, target, home)
        try:
            return self._cache[cache_key]
        except KeyError:
            pass
        entry = self._lookup(state_name, resource, target, home)
        found = None
        if entry is not None:
            found = Binding(entry.key, entry.fn, entry.arity, PLAIN if entry.raw else protocol)
        if self.integrations is not None:
            found = self.integrations.bind(found, state_name, resource)
        self._cache[cache_key] = found
        return found

    def _lookup(
        self, state_name: str, resource: str, target: FunctionRef | None, home: tuple[str, str, str]
    ) -> _Entry | None:
        entry = self.exact.get(state_name)
        if entry is not None:
            return entry
        names = _exact_names(resource, target, home)
        for name in names:
            entry = self.exact.get(name)
            if entry is not None:
                return entry
        if target is not None and target.region is None:
            for candidate in self.by_function.get((target.name, target.qualifier), ()):
                if target.account is None or f":{target.account}:function:" in candidate.key:
                    return candidate
        for glob in self.globs:
            if any(glob.regex.match(name) for name in names):
                return glob.entry
        return None

    def keys(self) -> list[str]:
        """Every registered key, in registration order."""
        return list(self.exact)


def _entry(key: Any, value: Any, order: int) -> _Entry:
    if not isinstance(key, str):
        raise TypeError(f"resolver keys must be strings (a state name, ARN or glob), got {key!r}")
    if not key:
        raise ValueError("resolver keys must not be empty")
    is_raw = isinstance(value, Raw)
    fn = value.fn if isinstance(value, Raw) else value
    if not callable(fn):
        raise TypeError(
            f"resolver for {key!r} must be callable (a function, async function or callable object), "
            f"got {type(fn).__name__}: {fn!r:.80}"
        )
    return _Entry(key, fn, _arity(key, fn), is_raw, order)


def _exact_names(resource: str, target: FunctionRef | None, home: tuple[str, str, str]) -> list[str]:
    """Exact keys to try after the state name, most specific first."""
    names: list[str] = []
    if target is not None:
        names.append(target.arn(home))
        names.append(target.unqualified_arn(home))
        if target.qualifier:
            names.append(f"{target.name}:{target.qualifier}")
        names.append(target.name)
    names.append(resource)
    m = _INTEGRATION.fullmatch(resource)
    if m and m["pattern"]:
        names.append(m["base"])
    return list(dict.fromkeys(names))


# ---- calling ---------------------------------------------------------------------------------


async def _call(binding: Binding, payload: Any, call: TaskCall, *, compact: bool) -> Any:
    """Run the resolver; any Exception but StatesError becomes a Lambda-style function error."""
    try:
        arity = binding.arity  # (perf) called here, not through a table of lambdas: one frame fewer
        if arity == 1:
            out = binding.resolver(payload)
        elif arity == 2:
            out = binding.resolver(payload, call)
        else:
            out = binding.resolver()
        if type(out) not in _PLAIN_TYPES and inspect.isawaitable(out):  # (perf) plain data: no ABC check
            out = await out
    except StatesError:
        raise
    except Exception as exc:
        raise _function_error(exc, compact, call.request_bits) from exc
    return out


def _function_error(exc: Exception, compact: bool, request: int | str | None) -> StatesError:
    """The task error for an exception a resolver raised: its class name, and the Lambda
    runtime's error JSON as the cause (written when first read: a retried attempt's
    usually never is)."""
    return StatesError.deferred(type(exc).__name__, _LambdaErrorCause(exc, compact, request))


DIRECT_PROTOCOLS: Final = frozenset({PLAIN, LAMBDA})
"""The protocols :func:`call_direct` runs: no envelope to build, nothing to wait for around the call."""


class Later:
    """A direct call whose resolver returned an awaitable: await :attr:`awaitable` for the result."""

    __slots__ = ("awaitable",)

    def __init__(self, awaitable: Awaitable[Any]) -> None:
        self.awaitable = awaitable


def call_direct(
    binding: Binding, payload: Any, call: TaskCall | None, request_bits: int, state_name: str, resource: str
) -> Any:
    """(perf) Run the resolver of a ``plain`` or ``lambda`` binding without an ``around``, here
    and now: what :func:`invoke` does without a coroutine of its own (most resolvers are sync).

    Returns the task result as the protocol makes it, a fresh copy checked to be JSON data;
    the :class:`StatesError` the call failed with, *returned* rather than raised (a retried
    task fails the same way many times, and raising it through the layers above costs more
    than the rest of the attempt); or a :class:`Later` when the resolver returned an
    awaitable. Raises StatesError when the returned value cannot be a task result
    (``Runtime.MarshalError``, a body over the quota, not JSON data).

    ``call`` is what a resolver of arity 2 gets (None for the others); ``request_bits`` make
    the request id of an error's cause.
    """
    try:
        arity = binding.arity  # (perf) as in _call, not through a shared helper: one frame fewer in every traceback
        if arity == 1:
            out = binding.resolver(payload)
        elif arity == 2:
            out = binding.resolver(payload, call)
        else:
            out = binding.resolver()
    except StatesError as err:
        return err
    except Exception as exc:
        return _function_error(exc, False, request_bits)
    if type(out) not in _PLAIN_TYPES and inspect.isawaitable(out):
        return Later(_settle(binding.protocol, out, request_bits, state_name, resource))
    return _direct_result(binding.protocol, out, request_bits, state_name, resource)


async def _settle(protocol: str, awaitable: Awaitable[Any], request_bits: int, state_name: str, resource: str) -> Any:
    """The rest of :func:`call_direct` for a resolver that returned an awaitable."""
    try:
        out = await awaitable
    except StatesError:
        raise
    except Exception as exc:
        raise _function_error(exc, False, request_bits) from exc
    return _direct_result(protocol, out, request_bits, state_name, resource)


def _direct_result(protocol: str, out: Any, request_bits: int, state_name: str, resource: str) -> Any:
    """What the ``plain`` or ``lambda`` protocol makes of a resolver's return value: a fresh
    copy (the resolver may keep and change what it returned), checked to be JSON data."""
    if protocol == LAMBDA and not isinstance(out, (bytes, bytearray)):
        try:
            return _plain_copy(out)  # (perf) exact JSON types, finite numbers: JSON data already
        except _NotPlain:
            pass
    return resolver_result(state_name, _protocol_result(protocol, out, request_bits, resource))


def _protocol_result(protocol: str, out: Any, request_bits: int, resource: str) -> Any:
    """The task result the ``plain`` or ``lambda`` protocol makes of a resolver's return value
    (plain: the value itself, or the body it returned read as Step Functions reads it)."""
    if protocol == LAMBDA:
        return _marshal(out, resource, request_bits, compact=False, sized=False)[0]
    if isinstance(out, (bytes, bytearray)):
        return _from_body(out, resource)
    return out


_UUID4_CLEAR: Final = ~((0xF000 << 64) | (0xC000 << 48))
_UUID4_SET: Final = (4 << 76) | (0x8000 << 48)


def _uuid4_text(bits: int) -> str:
    """``str(uuid.UUID(int=bits, version=4))``, several times faster (a failing task writes one per attempt)."""
    h = ((bits & _UUID4_CLEAR) | _UUID4_SET).to_bytes(16, "big").hex()
    return "-".join((h[:8], h[8:12], h[12:16], h[16:20], h[20:]))


def _own_frames(tb: TracebackType | None) -> _StackText:
    """The formatted traceback from the first frame that is not ours (the resolver's) onwards,
    with the JSON arrays of it already written (by separator); neither is to be changed.

    Formatting reads source lines and parses them for carets (tens of µs a frame), so the
    text is remembered per sequence of (code, instruction): a retried task that fails the
    same way again costs a dict lookup. The key holds the code objects' ids (hashing a code
    object hashes its constants); the entry keeps the code objects alive, so no other code
    object can take one of those ids while the entry exists.
    """
    code = None
    while tb is not None:
        code = tb.tb_frame.f_code  # (perf) each attribute of a traceback or frame is a slow lookup
        if code.co_filename != _THIS_FILE:
            break
        tb = tb.tb_next
    frozen: tuple[int, ...]
    following = tb.tb_next if tb is not None else None
    if tb is not None and following is None:  # (perf) raised by the resolver itself, the usual case
        frozen = (id(code), tb.tb_lasti)
    else:
        key: list[int] = []
        walk = tb
        while walk is not None:
            key.append(id(walk.tb_frame.f_code))
            key.append(walk.tb_lasti)
            walk = walk.tb_next
        frozen = tuple(key)
    hit = _STACK_TEXTS.get(frozen)
    if hit is None:
        codes: list[Any] = []
        walk = tb
        while walk is not None:
            codes.append(walk.tb_frame.f_code)
            walk = walk.tb_next
        if len(_STACK_TEXTS) >= 256:
            _STACK_TEXTS.clear()
        hit = _STACK_TEXTS[frozen] = _StackText(traceback.format_list(traceback.extract_tb(tb)), codes)
    return hit


class _StackText:
    """One formatted traceback (a ``stackTrace``), and its JSON arrays by separator."""

    __slots__ = ("codes", "frames", "written")

    def __init__(self, frames: list[str], codes: list[Any]) -> None:
        self.frames = frames
        self.written: dict[str, str] = {}
        self.codes = codes
        """The code objects whose ids key this entry (kept alive so that no id is reused)."""

    def json(self, comma: str) -> str:
        """The JSON array of the frames, written once per separator."""
        text = self.written.get(comma)
        if text is None:
            text = self.written[comma] = "[" + comma.join(map(json.encoder.encode_basestring, self.frames)) + "]"
        return text


_STACK_TEXTS: dict[tuple[int, ...], _StackText] = {}


def _dumps(value: Any, *, compact: bool) -> str:
    """JSON text: compact as Step Functions writes it, spaced as the Lambda Python runtime does."""
    if compact:
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return json.dumps(value, ensure_ascii=False)


class _LambdaErrorCause(Deferred):
    """The error JSON the Lambda Python runtime reports for an exception, written when first read.

    What the exception says and where it was raised are taken at once (the exception, its
    traceback and their frames are not kept); the JSON is put together later, if ever.
    """

    __slots__ = ("_compact", "_message", "_request", "_stack", "_type")

    def __init__(self, exc: BaseException, compact: bool, request: int | str | None) -> None:
        """``request``: the request id, or the 128 bits it is made from (None: a random one)."""
        self._text = None  # (perf) Deferred.__init__, inlined
        try:
            self._message = str(exc)
        except Exception:
            self._message = ""
        self._type = type(exc).__name__
        self._stack = _own_frames(exc.__traceback__)
        self._compact = compact
        self._request = request

    def write(self) -> str:
        # What _dumps writes for {"errorMessage", "errorType", "requestId", "stackTrace"}, put
        # together from json's own string encoder (no JSONEncoder to build).
        text = json.encoder.encode_basestring
        comma, colon = (",", ":") if self._compact else (", ", ": ")
        request = self._request
        request_id = _uuid4_text(request) if isinstance(request, int) else request or str(uuid.uuid4())
        return (
            f'{{"errorMessage"{colon}{text(self._message)}{comma}"errorType"{colon}{text(self._type)}'
            f'{comma}"requestId"{colon}{text(request_id)}{comma}"stackTrace"{colon}{self._stack.json(comma)}}}'
        )


def lambda_error_cause(exc: BaseException, *, compact: bool = False, request_id: str | None = None) -> str:
    """The error JSON the Lambda Python runtime reports for ``exc``, as a Task ``Cause``."""
    return _LambdaErrorCause(exc, compact, request_id).text()


def _marshal_error(detail: str, request_id: str, *, compact: bool) -> StatesError:
    body = {
        "errorMessage": f"Unable to marshal response: {detail}",
        "errorType": "Runtime.MarshalError",
        "requestId": request_id,
        "stackTrace": [],
    }
    return StatesError("Runtime.MarshalError", _dumps(body, compact=compact))


def _from_body(body: bytes | bytearray, resource: str) -> Any:
    """A raw response body as Step Functions reads it: JSON when it parses, else the text."""
    if len(body) > MAX_RESULT_BYTES:
        raise StatesError(
            DATA_LIMIT_EXCEEDED,
            f"The state/task '{resource}' returned a result with a size exceeding the maximum "
            "number of bytes service limit.",
        )
    text = bytes(body).decode("utf-8", errors="replace")
    try:
        return json.loads(text)
    except ValueError:
        return text


def _lambda_default(value: Any) -> Any:
    if isinstance(value, Decimal):  # the Lambda Python runtime's only extension to json
        return float(value)
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


_PLAIN_TYPES: Final = frozenset({dict, list, str, int, float, bool, type(None)})
_PLAIN_SCALARS: Final = frozenset({str, int, bool, type(None)})
"""Values :func:`_plain_copy` keeps as they are without a look (a float must be finite)."""
_PLAIN_DEPTH: Final = 64


class _NotPlain(Exception):
    """A value :func:`_plain_copy` leaves to the JSON encoder."""


def _plain_copy(value: Any, depth: int = 0) -> Any:
    """(perf) What ``json.loads(json.dumps(value))`` gives, for values made only of exact JSON types.

    Dicts with string keys, lists, tuples (they become lists), str, int, finite floats, bool
    and None are copied in one walk, and the copy is JSON data; anything else (a subclass,
    Decimal, NaN or an infinity, a non-string key, deep nesting) raises :class:`_NotPlain`,
    and the encoder decides.
    """
    kind = type(value)
    if kind is dict:
        if depth > _PLAIN_DEPTH:
            raise _NotPlain
        copy: dict[str, Any] = {}
        for key, member in value.items():
            if type(key) is not str:
                raise _NotPlain
            copy[key] = member if type(member) in _PLAIN_SCALARS else _plain_copy(member, depth + 1)
        return copy
    if kind is list or kind is tuple:
        if depth > _PLAIN_DEPTH:
            raise _NotPlain
        return [member if type(member) in _PLAIN_SCALARS else _plain_copy(member, depth + 1) for member in value]
    if kind in _PLAIN_SCALARS or (kind is float and value - value == 0.0):  # x - x is NaN for NaN and ±inf
        return value
    raise _NotPlain


def _marshal(result: Any, resource: str, request_bits: int, *, compact: bool, sized: bool = True) -> tuple[Any, int]:
    """The result as Step Functions sees a Lambda response, and the response's size in bytes
    (-1 when not ``sized``: plain data is then copied without the JSON round trip)."""
    if isinstance(result, (bytes, bytearray)):
        return _from_body(result, resource), len(result)
    if not sized:
        try:
            return _plain_copy(result), -1
        except _NotPlain:
            pass
    try:
        text = json.dumps(result, ensure_ascii=False, default=_lambda_default)
    except (TypeError, ValueError) as e:
        raise _marshal_error(str(e), _uuid4_text(request_bits), compact=compact) from e
    return json.loads(text), len(text.encode())


def _event(params: Mapping[str, Any]) -> Any:
    """The event a ``lambda:invoke`` call passes: ``Payload``, where a string is the raw body."""
    payload = params.get("Payload")
    if payload is None:
        return {}
    if isinstance(payload, str):
        try:
            return json.loads(payload)
        except ValueError:
            return payload
    return payload


def _invoke_params(payload: Any) -> Mapping[str, Any]:
    return payload if isinstance(payload, Mapping) else {}


async def _invoke_plain(binding: Binding, payload: Any, call: TaskCall) -> Any:
    result = await _call(binding, payload, call, compact=False)
    return _protocol_result(PLAIN, result, call.request_bits, call.resource)


async def _invoke_lambda(binding: Binding, payload: Any, call: TaskCall) -> Any:
    result = await _call(binding, payload, call, compact=False)
    return _protocol_result(LAMBDA, result, call.request_bits, call.resource)


async def _invoke_lambda_api(binding: Binding, payload: Any, call: TaskCall) -> Any:
    params = _invoke_params(payload)
    target = _target(call.resource, LAMBDA_INVOKE, params)
    version = target.executed_version if target is not None else "$LATEST"
    kind = params.get("InvocationType", "RequestResponse")
    if kind in ("Event", "DryRun"):
        if kind == "Event":
            with contextlib.suppress(StatesError):  # an asynchronous call never reports function errors
                await _call(binding, _event(params), call, compact=True)
        return invoke_envelope("", 0, call, status=202 if kind == "Event" else 204)
    result = await _call(binding, _event(params), call, compact=True)
    value, size = _marshal(result, call.resource, call.request_bits, compact=True)
    return invoke_envelope(value, size, call, version=version, log_tail=params.get("LogType") == "Tail")


async def _invoke_lambda_callback(binding: Binding, payload: Any, call: TaskCall) -> Any:
    result = await _call(binding, _event(_invoke_params(payload)), call, compact=True)
    return _marshal(result, call.resource, call.request_bits, compact=True, sized=False)[0]


_PROTOCOLS: Final = {
    PLAIN: _invoke_plain,
    LAMBDA: _invoke_lambda,
    LAMBDA_INVOKE: _invoke_lambda_api,
    LAMBDA_CALLBACK: _invoke_lambda_callback,
}


def invoke(binding: Binding, payload: Any, call: TaskCall) -> Awaitable[Any]:
    """Run ``binding``'s resolver on ``payload`` (the executor's fresh copy, free to mutate).

    Await it for the task result as the state machine sees it; it raises :class:`StatesError`
    when the task fails. BaseExceptions that are not Exceptions (cancellation,
    KeyboardInterrupt) pass through. (A plain function returning the protocol's coroutine:
    one coroutine fewer per call.)
    """
    protocol = _PROTOCOLS[binding.protocol]
    if binding.around is None:
        return protocol(binding, payload, call)
    return binding.around(payload, call, lambda given: protocol(binding, payload, given))


# ---- the lambda:invoke envelope ------------------------------------------------------------


def _http_date(context: Mapping[str, Any]) -> tuple[str, float]:
    """The response's HTTP ``Date`` and epoch seconds: when the state was entered, else now."""
    state = context.get("State")
    entered = state.get("EnteredTime") if isinstance(state, Mapping) else None
    try:
        moment = datetime.fromisoformat(entered) if isinstance(entered, str) else None
    except ValueError:
        moment = None
    if moment is None:
        moment = datetime.now(UTC)
    elif moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    moment = moment.astimezone(UTC)
    return email.utils.format_datetime(moment, usegmt=True), moment.timestamp()


def _log_tail(request_id: str, version: str) -> str:
    lines = (
        f"START RequestId: {request_id} Version: {version}\n"
        f"END RequestId: {request_id}\n"
        f"REPORT RequestId: {request_id}\tDuration: 1.00 ms\tBilled Duration: 1 ms\t"
        "Memory Size: 128 MB\tMax Memory Used: 32 MB\t\n"
    )
    return base64.b64encode(lines.encode()).decode()


def invoke_envelope(
    payload: Any,
    size: int,
    call: TaskCall,
    *,
    version: str = "$LATEST",
    status: int = 200,
    log_tail: bool = False,
    request_id: str | None = None,
) -> dict[str, Any]:
    """The ``lambda:invoke`` task result around ``payload`` (``size``: the response body's bytes)."""
    request_id = request_id or call.request_id
    date, epoch = _http_date(live_context(call))
    trace = f"root=1-{int(epoch):08x}-{call.request_bits & _TRACE_BITS:024x};sampled=0"
    log_result = _log_tail(request_id, version) if log_tail else None
    headers: dict[str, list[str]] = {}
    if log_result is not None:
        headers["X-Amz-Log-Result"] = [log_result]
    if status == 200:
        headers["X-Amz-Executed-Version"] = [version]
    headers |= {
        "x-amzn-Remapped-Content-Length": ["0"],
        "Connection": ["keep-alive"],
        "x-amzn-RequestId": [request_id],
        "Content-Length": [str(size)],
        "Date": [date],
        "X-Amzn-Trace-Id": [trace],
        "Content-Type": ["application/json"],
    }
    envelope: dict[str, Any] = {"ExecutedVersion": version} if status == 200 else {}
    if log_result is not None:
        envelope["LogResult"] = log_result
    envelope |= {
        "Payload": payload,
        "SdkHttpMetadata": {
            "AllHttpHeaders": headers,
            "HttpHeaders": {k: v[0] for k, v in sorted(headers.items(), key=lambda kv: kv[0].lower())},
            "HttpStatusCode": status,
        },
        "SdkResponseMetadata": {"RequestId": request_id},
        "StatusCode": status,
    }
    return envelope


def sdk_metadata(headers: Mapping[str, str], request_id: str, *, status: int = 200) -> dict[str, Any]:
    """``SdkHttpMetadata`` and ``SdkResponseMetadata``, as optimized integrations add them to a result.

    ``headers`` are the response's HTTP headers in the order the service sent them;
    ``HttpHeaders`` lists them sorted without regard to case, as Step Functions does.
    """
    return {
        "SdkHttpMetadata": {
            "AllHttpHeaders": {k: [v] for k, v in headers.items()},
            "HttpHeaders": dict(sorted(headers.items(), key=lambda kv: kv[0].lower())),
            "HttpStatusCode": status,
        },
        "SdkResponseMetadata": {"RequestId": request_id},
    }


# ---- missing resolvers -----------------------------------------------------------------------


def missing_resolver_error(
    state_name: str,
    resource: str,
    payload: Any,
    context: Mapping[str, Any] | None = None,
    request_id: str | None = None,
) -> StatesError:
    """The error a Task fails with when no resolver serves it.

    A Lambda function fails as AWS reports an unknown function
    (``Lambda.ResourceNotFoundException``); anything else is ``States.Runtime`` saying what
    to register.
    """
    protocol = _protocol(resource)
    if protocol != PLAIN:
        target = _target(resource, protocol, payload)
        if target is not None:
            arn = target.arn(_home(context))
            if target.qualifier is None:
                arn += ":$LATEST"
            return StatesError(
                "Lambda.ResourceNotFoundException",
                f"Function not found: {arn} (Service: AWSLambda; Status Code: 404; "
                f"Error Code: ResourceNotFoundException; Request ID: {request_id or uuid.uuid4()}; Proxy: null)",
            )
        return StatesError(
            RUNTIME,
            f"The resolved parameters of state '{state_name}' give no valid FunctionName for Resource '{resource}'.",
        )
    return StatesError(
        RUNTIME,
        f"No resolver for state '{state_name}' (Resource '{resource}'): register a callable under "
        "the state name, the Resource ARN or a glob matching it, e.g. "
        f"resolvers={{{state_name!r}: fn}}.",
    )


def unresolved(table: ResolverTable, tasks: Iterable[tuple[str, str] | tuple[str, str, str | None]]) -> list[str]:
    """One message per Task that no resolver serves, for a strict mode.

    ``tasks`` holds ``(state_name, resource)`` or ``(state_name, resource, function_name)``. A
    ``lambda:invoke`` task whose FunctionName is only known at run time (None) is reported only
    when nothing could serve it: no state-name, integration or glob key and no resolver at all.
    """
    problems: list[str] = []
    for task in tasks:
        state_name, resource = task[0], task[1]
        function = task[2] if len(task) > 2 else None
        payload = {"FunctionName": function} if function is not None else None
        if _protocol(resource) in (LAMBDA_INVOKE, LAMBDA_CALLBACK) and function is None:
            if table.find(state_name, resource, None) is None and not table.exact:
                problems.append(f"state {state_name!r}: no resolver is registered for Resource {resource!r}")
            continue
        if table.find(state_name, resource, payload) is None:
            named = f" (FunctionName {function!r})" if function is not None else ""
            problems.append(f"state {state_name!r}: no resolver for Resource {resource!r}{named}")
    return problems
