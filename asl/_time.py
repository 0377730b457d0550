"""Timestamps as Step Functions reads and writes them (ISO-8601 extended offset date-time).

One parser serves Wait states, Choice ``Timestamp*`` operators, ``IsTimestamp`` and the
validator: RFC 3339 date-times with an uppercase ``T``, seconds, 1 to 9 fraction digits and
``Z`` or a ``+hh:mm``/``-hh:mm`` offset of at most 18 hours (java.time's range, which AWS
parses with), on real calendar dates of years 1 to 9999.
"""

from __future__ import annotations

import datetime
import functools
import math
import re
from typing import Any, Final

__all__ = ["format_timestamp", "is_timestamp", "parse_timestamp", "timestamp_epoch_seconds"]

_TIMESTAMP: Final = re.compile(
    r"([0-9]{4})-([0-9]{2})-([0-9]{2})T([0-9]{2}):([0-9]{2}):([0-9]{2})"
    r"(?:\.([0-9]{1,9}))?(?:Z|([+-])([0-9]{2}):([0-9]{2}))",
)
_NANOS: Final = 1_000_000_000
_MAX_OFFSET: Final = 18 * 3600  # java.time.ZoneOffset's range, which AWS parses with
_MAX_LENGTH: Final = len("2000-01-01T00:00:00.123456789+00:00")


def _parse_timestamp(text: str) -> int | None:
    return None if len(text) > _MAX_LENGTH else _parse_short(text)


@functools.lru_cache(maxsize=1024)  # short strings only: the cache stays small
def _parse_short(text: str) -> int | None:
    match = _TIMESTAMP.fullmatch(text)
    if match is None:
        return None
    year, month, day, hour, minute, second, fraction, sign, off_h, off_m = match.groups()
    try:
        days = datetime.date(int(year), int(month), int(day)).toordinal()
    except ValueError:
        return None
    h, m, s = int(hour), int(minute), int(second)
    if h > 23 or m > 59 or s > 59:
        return None
    offset = 0
    if sign is not None:
        if int(off_m) > 59:
            return None
        offset = int(off_h) * 3600 + int(off_m) * 60
        if offset > _MAX_OFFSET:
            return None
        if sign == "-":
            offset = -offset
    nanos = int(fraction.ljust(9, "0")) if fraction else 0
    return (days * 86400 + h * 3600 + m * 60 + s - offset) * _NANOS + nanos


def parse_timestamp(value: Any) -> int | None:
    """The instant ``value`` denotes, in nanoseconds on a fixed scale, or ``None``.

    Accepts RFC 3339 date-times with an uppercase ``T``, seconds, 1 to 9 fraction digits
    and ``Z`` or a ``+hh:mm`` / ``-hh:mm`` offset (at most 18 hours), on real calendar
    dates of years 1 to 9999. Only differences and order of results are meaningful.
    """
    if type(value) is not str:
        return None
    return _parse_timestamp(value)


def is_timestamp(value: Any) -> bool:
    """Whether ``IsTimestamp`` holds for ``value``."""
    return parse_timestamp(value) is not None


_EPOCH_NANOS: Final = datetime.date(1970, 1, 1).toordinal() * 86400 * _NANOS


def timestamp_epoch_seconds(value: Any) -> float | None:
    """Seconds since the Unix epoch that ``value`` denotes, or ``None`` when it is no timestamp."""
    instant = parse_timestamp(value)
    return None if instant is None else (instant - _EPOCH_NANOS) / _NANOS


def format_timestamp(epoch_seconds: float) -> str:
    """``2024-01-02T03:04:05.678Z``: how AWS renders times in the context object."""
    return _format_millis(math.floor(epoch_seconds * 1000))


@functools.lru_cache(maxsize=4)  # states entered in the same millisecond share the text
def _format_millis(millis: int) -> str:
    seconds, fraction = divmod(millis, 1000)
    days, rest = divmod(seconds, 86400)  # UTC days have 86,400 seconds (no leap seconds in epoch time)
    hours, rest = divmod(rest, 3600)
    minutes, seconds = divmod(rest, 60)
    return f"{_format_day(days)}T{hours:02d}:{minutes:02d}:{seconds:02d}.{fraction:03d}Z"


@functools.lru_cache(maxsize=16)  # the date part changes once a day (strftime is the slow part)
def _format_day(days: int) -> str:
    return datetime.datetime.fromtimestamp(days * 86400, tz=datetime.UTC).strftime("%Y-%m-%d")
