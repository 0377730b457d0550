"""Timestamps as Step Functions reads and writes them (ISO-8601 extended offset date-time)."""

from __future__ import annotations

import re
from datetime import UTC, datetime

__all__ = ["format_timestamp", "parse_timestamp"]

_TIMESTAMP = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d+)?(Z|z|[+-]\d{2}:\d{2})\Z"
)


def parse_timestamp(text: object) -> datetime | None:
    """The aware datetime ``text`` denotes, or ``None`` when it is not an RFC 3339 timestamp."""
    if not isinstance(text, str):
        return None
    m = _TIMESTAMP.match(text)
    if m is None:
        return None
    fraction = m.group(7) or ""
    # datetime takes at most microseconds; AWS accepts nanoseconds: keep the first six digits
    normalised = text[: m.start(7)] if fraction else text[: m.start(8)]
    if fraction:
        normalised += fraction[:7]
    zone = m.group(8)
    normalised += "+00:00" if zone in ("Z", "z") else zone
    try:
        return datetime.fromisoformat(normalised)
    except ValueError:
        return None


def format_timestamp(epoch_seconds: float) -> str:
    """``2024-01-02T03:04:05.678Z``: how AWS renders times in the context object."""
    moment = datetime.fromtimestamp(epoch_seconds, tz=UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"
