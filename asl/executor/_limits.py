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
from typing import Any

__all__ = ["MAX_PAYLOAD_BYTES", "PayloadMeter"]

#: AWS's quota on a state's input or output and a task's payload or result: 256 KiB (UTF-8).
MAX_PAYLOAD_BYTES = 256 * 1024

#: AWS keeps at most 10 MiB of variables per execution: 40 times the 256 KiB payload quota.
MAX_VARIABLES_FACTOR = 40

_SMALL = 16  # leaf containers (no nested containers) this small are measured in one encoder call
_REMEMBER = 1024  # only containers at least this big are remembered
_CAPACITY = 4096  # remembered containers before the memo starts over

_encode = json.JSONEncoder(separators=(",", ":")).encode  # ASCII: \u escapes over-count UTF-8


class PayloadMeter:
    """Sizes of JSON values in bytes, remembering large shared containers."""

    __slots__ = ("_memo", "limit")

    def __init__(self, limit: int | None = MAX_PAYLOAD_BYTES) -> None:
        self.limit = limit
        """The quota in bytes; ``None``: no quota."""
        self._memo: dict[int, tuple[Any, int]] = {}

    def exceeds(self, value: Any) -> bool:
        """Whether ``value`` as compact UTF-8 JSON is over the limit (TypeError if not JSON)."""
        if self.limit is None:
            return False
        if self._estimate(value) <= self.limit:
            return False
        # the estimate counts \uXXXX escapes: confirm with the exact UTF-8 size
        exact = json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()
        return len(exact) > self.limit

    def exceeds_total(self, variables: Any) -> bool:
        """Whether stored variables are over AWS's 10 MiB total (40 times the payload quota)."""
        if self.limit is None:
            return False
        total = self.limit * MAX_VARIABLES_FACTOR
        # the variables dict changes in place: never remember it, only its (immutable) values
        if 1 + sum(len(_encode(k)) + 2 + self._estimate(v) for k, v in variables.items()) <= total:
            return False
        return len(json.dumps(variables, ensure_ascii=False, separators=(",", ":")).encode()) > total

    def _estimate(self, value: Any) -> int:
        """An upper bound of the UTF-8 size: exact for ASCII text."""
        kind = type(value)
        if kind is not dict and kind is not list:
            return len(_encode(value))
        memo = self._memo
        hit = memo.get(id(value))
        if hit is not None and hit[0] is value:
            return hit[1]
        children = value.values() if kind is dict else value
        if len(value) < _SMALL and not any(type(v) is dict or type(v) is list for v in children):
            return len(_encode(value))  # a small leaf container: one encoder call
        if kind is dict:
            size = 1 + sum(len(_encode(k)) + 2 + self._estimate(v) for k, v in value.items())
        else:
            size = 1 + sum(1 + self._estimate(v) for v in value)
        if size >= _REMEMBER:
            if len(memo) >= _CAPACITY:
                memo.clear()
            memo[id(value)] = (value, size)
        return size
