"""Locations inside a definition, written as JSONPath: ``$.States.Fetch.Retry[0]``."""

from __future__ import annotations

import re

__all__ = ["child"]

_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")


def child(loc: str, key: str | int) -> str:
    """The location of ``key`` (an object key or an array index) inside ``loc``."""
    if isinstance(key, int):
        return f"{loc}[{key}]"
    if _IDENTIFIER.match(key):
        return f"{loc}.{key}"
    escaped = key.replace("\\", "\\\\").replace("'", "\\'")
    return f"{loc}['{escaped}']"
