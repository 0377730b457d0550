"""The benchmark runner's bookkeeping (bench/run.py): rounds of runs pooled per engine."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

BENCH = Path(__file__).resolve().parent.parent / "bench"


def _runner() -> ModuleType:
    sys.path.insert(0, str(BENCH))
    try:
        spec = importlib.util.spec_from_file_location("bench_run", BENCH / "run.py")
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules["bench_run"] = module  # dataclasses look their module up
        spec.loader.exec_module(module)
        return module
    finally:
        sys.path.remove(str(BENCH))


def test_rounds_pool_each_engines_timed_runs() -> None:
    """Two rounds of an engine's runs pool into one result whose median is over all of them."""
    run = _runner()
    pooled: dict[str, object] = {}
    run._pool(pooled, run.Result("asl", "w", 1, 10, seconds=[1.0, 3.0], ok=True))
    run._pool(pooled, run.Result("node", "w", 1, 10, seconds=[9.0], ok=True))
    run._pool(pooled, run.Result("asl", "w", 1, 10, seconds=[2.0], ok=True))
    asl = pooled["asl"]
    assert (asl.seconds, asl.median, asl.ok) == ([1.0, 3.0, 2.0], 2.0, True)  # type: ignore[attr-defined]
    assert pooled["node"].seconds == [9.0]  # type: ignore[attr-defined]


def test_a_failed_round_marks_the_pooled_result_failed() -> None:
    """One round with a wrong output or an error leaves the pooled result not ok, with that error."""
    run = _runner()
    pooled: dict[str, object] = {}
    run._pool(pooled, run.Result("asl", "w", 1, 10, seconds=[1.0], ok=True))
    run._pool(pooled, run.Result("asl", "w", 1, 10, seconds=[1.0], ok=False, error="output: 3"))
    assert (pooled["asl"].ok, pooled["asl"].error) == (False, "output: 3")  # type: ignore[attr-defined]
