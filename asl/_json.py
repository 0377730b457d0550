"""Small helpers for JSON data (dicts, lists, str, int, float, bool, None) shared by every layer."""

from __future__ import annotations

from typing import Any

__all__ = ["copy_json"]

_SCALAR_TYPES = frozenset({str, int, float, bool, type(None)})


def copy_json(value: Any) -> Any:
    """A deep copy of JSON data (dicts, lists and scalars), much faster than ``copy.deepcopy``.

    Scalars are shared (immutable); only containers recurse.
    """
    if isinstance(value, dict):
        return {k: v if type(v) in _SCALAR_TYPES else copy_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [v if type(v) in _SCALAR_TYPES else copy_json(v) for v in value]
    return value
