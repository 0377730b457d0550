"""The testing toolkit of ``asl``: what a test suite needs to run state machines fast and offline.

- :class:`VirtualClock` makes every wait, retry backoff and timeout of an execution finish
  at once while recording what was asked (``clock.sleeps``).
- :class:`LocalS3` serves a local directory as S3 buckets, so a distributed Map's
  ItemReader and ResultWriter work in tests (``resolvers=LocalS3(tmp_path).resolvers()``).
"""

from __future__ import annotations

from ..clock import VirtualClock as VirtualClock
from ._s3 import LocalS3 as LocalS3

__all__ = ["LocalS3", "VirtualClock"]
