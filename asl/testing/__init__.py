"""The testing toolkit of ``asl``: everything a test suite needs to run state machines fast.

For now it holds :class:`VirtualClock`, which makes every wait, retry backoff and timeout
of an execution finish at once while recording what was asked (``clock.sleeps``). The
pytest plugin and the other test helpers will live here too.
"""

from __future__ import annotations

from ..clock import VirtualClock as VirtualClock

__all__ = ["VirtualClock"]
