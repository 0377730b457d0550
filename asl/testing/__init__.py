"""The testing toolkit of ``asl``: what a test suite needs to run state machines fast and offline.

- :class:`VirtualClock` makes every wait, retry backoff and timeout of an execution finish
  at once while recording what was asked (``clock.sleeps``).
- :class:`LocalS3` serves a local directory as S3 buckets, so a distributed Map's
  ItemReader and ResultWriter work in tests (``resolvers=LocalS3(tmp_path).resolvers()``).
- :class:`MockConfig` reads Step Functions Local's ``MockConfigFile.json``
  (``asl.run(..., mock_config=path, test_case="HappyPath")`` uses it); a malformed file raises
  :class:`MockConfigError`.
- :class:`Runner` and :class:`ResolverRegistry` are what the pytest plugin's ``asl_runner`` and
  ``asl_resolvers`` fixtures hand out; they work without pytest too.
- ``assert_*`` helpers check a finished :class:`asl.Execution` and say what happened when it is
  not what was expected; :class:`Snapshot` and :func:`assert_matches_snapshot` compare with a
  stored JSON file.
- :class:`Coverage` adds up the states, transitions, Choice rules, retriers and catchers that
  executions ran (``pytest --asl-cov``).

The pytest plugin (``asl.testing._plugin``) is registered when ``asl-engine`` is installed:
fixtures ``asl_clock``, ``asl_resolvers``, ``asl_runner``, ``asl_snapshot``; the marker
``asl_mock``; the options ``--asl-cov``, ``--asl-cov-report``, ``--asl-cov-fail-under`` and
``--asl-snapshot-update``.
"""

from __future__ import annotations

from ..clock import VirtualClock as VirtualClock
from ._assert import Snapshot as Snapshot
from ._assert import assert_failed as assert_failed
from ._assert import assert_matches_snapshot as assert_matches_snapshot
from ._assert import assert_output as assert_output
from ._assert import assert_path as assert_path
from ._assert import assert_retried as assert_retried
from ._assert import assert_succeeded as assert_succeeded
from ._coverage import Coverage as Coverage
from ._mock import MockConfig as MockConfig
from ._mock import MockConfigError as MockConfigError
from ._runner import ResolverRegistry as ResolverRegistry
from ._runner import Runner as Runner
from ._s3 import LocalS3 as LocalS3

__all__ = [
    "Coverage",
    "LocalS3",
    "MockConfig",
    "MockConfigError",
    "ResolverRegistry",
    "Runner",
    "Snapshot",
    "VirtualClock",
    "assert_failed",
    "assert_matches_snapshot",
    "assert_output",
    "assert_path",
    "assert_retried",
    "assert_succeeded",
]
