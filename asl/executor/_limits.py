"""AWS's 256 KiB payload quota, measured without serialising the whole state on every transition.

States share most of their data: a ResultPath merge copies only the containers on its
path, OutputPath selects a subtree. :class:`PayloadMeter` remembers the size of every
large container it measured (data is never mutated, so a size stays true while the
object lives; the meter holds a reference so the id cannot be reused), and measures a
new container as the sum of its children, most of which it already knows. Small
subtrees are measured by the C JSON encoder in one call.
"""

from __future__ import annotations

import json
import marshal
from typing import Any

__all__ = ["MAX_PAYLOAD_BYTES", "PayloadMeter"]

#: AWS's quota on a state's input or output and a task's payload or result: 256 KiB (UTF-8).
MAX_PAYLOAD_BYTES = 256 * 1024

#: AWS keeps at most 10 MiB of variables per execution: 40 times the 256 KiB payload quota.
MAX_VARIABLES_FACTOR = 40

_MAX_WALK_DEPTH = 3  # objects this near the top are summed member by member
_REMEMBER = 256  # only containers at least this big are remembered
_WALK_BIG = 1024  # an object this big measured whole gets its members remembered too
_CAPACITY = 4096  # remembered containers before the memo starts over

_plain_encode = json.JSONEncoder(separators=(",", ":")).encode  # ASCII: \u escapes over-count UTF-8


def _not_json(value: Any) -> Any:
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


# One C encoder made once (JSONEncoder.encode builds a new one on every call, which is most of
# its cost on small values); markers=None: data is never circular (it came from JSON).
_c_make_encoder = getattr(json.encoder, "c_make_encoder", None)
_chunks = (
    _c_make_encoder(None, _not_json, json.encoder.encode_basestring_ascii, None, ":", ",", False, False, True)
    if _c_make_encoder is not None
    else None
)
_key_sizes: dict[str, int] = {}
_marshal = marshal.dumps
_MARSHAL_FACTOR = 6
_SEED = 4096  # marshal bytes from which a container bounded by marshal is also remembered
"""Compact UTF-8 JSON is at most this many times the size of marshal format 2 (see ``data_exceeds``)."""


def _encoded_size(value: Any) -> int:
    """Characters of ``value`` as compact ASCII JSON."""
    kind = type(value)
    if kind is str:
        return len(json.encoder.encode_basestring_ascii(value))
    if kind is int or kind is float:
        return len(_plain_encode(value)) if kind is float else len(int.__repr__(value))
    if value is None or value is True:
        return 4
    if value is False:
        return 5
    if _chunks is None or (kind is not dict and kind is not list):
        return len(_plain_encode(value))
    return sum(map(len, _chunks(value, 0)))


def _key_size(key: str) -> int:
    size = _key_sizes.get(key)
    if size is None:
        size = len(json.encoder.encode_basestring_ascii(key))
        if len(_key_sizes) < 65536:
            _key_sizes[key] = size
    return size


class PayloadMeter:
    """Sizes of JSON values in bytes, remembering large shared containers."""

    __slots__ = ("_last_small", "_memo", "limit")

    def __init__(self, limit: int | None = MAX_PAYLOAD_BYTES) -> None:
        self.limit = limit
        """The quota in bytes; ``None``: no quota."""
        self._memo: dict[int, tuple[Any, int]] = {}
        self._last_small: Any = None
        """The latest container found within the quota by one marshal call (a retried task's
        payload is the same object on every attempt; data is never changed once made)."""

    def exceeds(self, value: Any) -> bool:
        """Whether ``value`` as compact UTF-8 JSON is over the limit (TypeError if not JSON)."""
        if self.limit is None:
            return False
        if self._estimate(value) <= self.limit:
            return False
        # the estimate counts \uXXXX escapes: confirm with the exact UTF-8 size
        exact = json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()
        return len(exact) > self.limit

    def data_exceeds(self, value: Any) -> bool:
        """:meth:`exceeds` for data known to be JSON (a state's output, a task's payload): faster.

        A fresh container that shares nothing already measured is first bounded with
        :func:`marshal.dumps` (format 2: no back-references, so shared subtrees count
        every time, as in JSON). Every value's compact UTF-8 JSON is at most
        :data:`_MARSHAL_FACTOR` times its marshal size (``false`` is 5 bytes for 1, a
        control character escaped as ``\\u001f`` is 6 for 1; each container's framing
        is bigger in marshal), so a small bound settles most outputs in one C call,
        several times cheaper than the JSON encoder. Values marshal cannot write, and
        bounds over the limit, go through :meth:`exceeds`. A container sharing members
        already remembered is summed from them instead (marshal would walk them again).
        """
        limit = self.limit
        if limit is None:
            return False
        kind = type(value)
        if kind is dict or kind is list:  # (perf) the usual case first
            if value is self._last_small:
                return False
            memo = self._memo
            if not memo or (
                id(value) not in memo
                and not (kind is dict and any(map(memo.__contains__, map(id, value.values()))))
            ):
                try:
                    bound = len(_marshal(value, 2))
                except ValueError:  # not marshallable: measured the careful way
                    bound = limit
                if bound * _MARSHAL_FACTOR <= limit:
                    if bound >= _SEED:
                        # a big fresh container: measure it once the careful way so that it and
                        # its members are remembered, and the next state sharing them is cheap
                        self._estimate(value)
                    self._last_small = value
                    return False
        elif kind is str:
            if len(value) * _MARSHAL_FACTOR + 2 <= limit:  # at most 6 bytes a character (\\u001f)
                return False
        elif (kind is bool or kind is float or value is None) and limit >= 24:
            return False  # at most 24 bytes (-2.2250738585072014e-308)
        return self.exceeds(value)

    def exceeds_total(self, variables: Any) -> bool:
        """Whether stored variables are over AWS's 10 MiB total (40 times the payload quota)."""
        if self.limit is None:
            return False
        total = self.limit * MAX_VARIABLES_FACTOR
        # the variables dict changes in place: never remember it, only its (immutable) values
        if 1 + sum(_key_size(k) + 2 + self._estimate(v) for k, v in variables.items()) <= total:
            return False
        return len(json.dumps(variables, ensure_ascii=False, separators=(",", ":")).encode()) > total

    def _estimate(self, value: Any, depth: int = 0) -> int:
        """An upper bound of the UTF-8 size: exact for ASCII text.

        A container is measured by the C encoder in one call, unless it is an object near
        the top with members already remembered: then it is the sum of its members, the
        remembered ones looked up. A large object measured whole has its members remembered
        too, so the next document sharing them (after a ResultPath merge, say) is cheap.
        """
        kind = type(value)
        if kind is not dict and kind is not list:
            return _encoded_size(value)
        memo = self._memo
        hit = memo.get(id(value))
        if hit is not None and hit[0] is value:
            return hit[1]
        walk = kind is dict and depth < _MAX_WALK_DEPTH
        # (a scalar's id is never a key: the memo's keys are ids of containers it keeps alive)
        if walk and any(map(memo.__contains__, map(id, value.values()))):
            size = 1
            scalars: dict[Any, Any] = {}
            for k, v in value.items():
                if type(v) is dict or type(v) is list:
                    size += _key_size(k) + 2 + self._estimate(v, depth + 1)
                else:
                    scalars[k] = v
            if scalars:  # one encoder call for all of them: '{"k":v,...}' less one brace
                size += _encoded_size(scalars) - 1
        else:
            size = _encoded_size(value)
            if walk and size >= _WALK_BIG:
                for member in value.values():
                    if type(member) is dict or type(member) is list:
                        self._estimate(member, depth + 1)
        if size >= _REMEMBER:
            if len(memo) >= _CAPACITY:
                memo.clear()
            memo[id(value)] = (value, size)
        return size
