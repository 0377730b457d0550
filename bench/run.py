"""Time the benchmark workloads on `asl` (and, with --peers, on other engines) and check every output.

    python bench/run.py                        # asl only, median of 3 runs
    python bench/run.py --workloads pass_chain --repeat 5
    python bench/run.py --peers --peer-engines node --rounds 5   # engines take turns, 5 times
    python bench/run.py --smoke                # every workload at a tiny size, outputs checked (CI)
    ASL_PEERS_DIR=~/.cache/asl-peers python bench/run.py --peers --peer-engines node,moto,plain \\
        --peer-scale moto=0.05                 # moto at 1/20 of each size: it is that slow

Each run executes a workload's definition (parsed once, untimed: that cost is reported as
``parse ms``) on a fresh copy of its input through ``asl.run``; ``task_retry_virtual`` gets
a ``VirtualClock`` so its retry backoff takes no time. A run's output must equal the
expected output (computed by ``generate.py`` without any engine), or the row says WRONG.
Peers run on the same definitions in the same run: moto in the virtualenv
``setup_peers.sh`` made, aws-local-stepfunctions through ``node_runner.cjs``, and ``plain``
(hand-written Python doing the same data work, the floor) in this process. ``asl/peer`` is
asl's median µs per transition over the peer's (below 1: asl is faster); with
``--peer-scale`` a peer runs a smaller size, and its cell names that size.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import suite  # noqa: E402

PEERS = ("moto", "node", "plain")
SMOKE_N = {
    "pass_chain": 50,
    "choice_heavy": 40,
    "payload_heavy": 3,
    "task_retry_virtual": 10,
    "map_inline": 100,
    "parallel_fanout": 5,
    "task_retry": 1,
}
"""Sizes for ``--smoke``: every workload in well under a second, just to catch crashes and wrong outputs."""


@dataclass
class Result:
    """One engine on one workload at one size."""

    engine: str
    workload: str
    n: int
    transitions: int
    seconds: list[float] = field(default_factory=list)
    setup: list[float] = field(default_factory=list)
    ok: bool = False
    error: str | None = None
    version: str = ""

    @property
    def median(self) -> float:
        """Median execution time in seconds."""
        return statistics.median(self.seconds)

    @property
    def us_per_transition(self) -> float:
        """Median microseconds per state transition."""
        return self.median / self.transitions * 1e6


def _sized(workload: suite.Workload, engine: str, n: int) -> Result:
    return Result(engine, workload.name, n, workload.transitions(n))


def _pool(pooled: dict[str, Result], result: Result) -> None:
    """Add one round's result of an engine to its earlier rounds' (timed runs pooled; any failure kept)."""
    first = pooled.setdefault(result.engine, result)
    if first is result:
        return
    first.seconds += result.seconds
    first.setup += result.setup
    first.ok = first.ok and result.ok
    first.error = first.error or result.error


def _warmup_n(n: int) -> int:
    return max(1, n // 50)


# ------------------------------------------------------------------------------ asl
def _asl_once(machine: Any, workload: suite.Workload, inp: Any) -> tuple[float, Any, int]:
    import asl
    from asl.testing import VirtualClock

    flaky = suite.Flaky()
    resolvers = {suite.FLAKY_ARN: flaky} if workload.flaky_task else None
    clock = VirtualClock() if workload.virtual_waits else None
    t0 = time.perf_counter()
    output = asl.run(machine, inp, resolvers=resolvers, clock=clock)
    return time.perf_counter() - t0, output, flaky.calls


def _collect_once() -> None:
    """One full garbage collection before a workload's timed runs, none between them.

    The peers' harnesses force none either; a ``gc.collect()`` before every run would also
    empty CPython's free lists and hand memory back to the OS, which the next run pays for
    again (about 1 ms here), a cost no real caller of ``asl.run`` has.
    """
    gc.collect()


def run_asl(workload: suite.Workload, repeat: int, warmup: bool, n: int) -> Result:
    """Run ``workload`` at size ``n`` through ``asl.run`` ``repeat`` times; check the output and the Task calls."""
    import asl

    result = _sized(workload, "asl", n)
    result.version = f"asl {getattr(asl, '__version__', '?')}"
    output: Any = None
    try:
        t0 = time.perf_counter()
        machine = asl.parse(workload.definition())
        result.setup.append(time.perf_counter() - t0)
        if warmup:
            _asl_once(machine, workload, workload.input_for(_warmup_n(n)))
        expected = workload.expected_for(n)
        ok = True
        _collect_once()
        for _ in range(repeat):
            seconds, output, calls = _asl_once(machine, workload, workload.input_for(n))
            result.seconds.append(seconds)
            ok = ok and suite.strict_eq(output, expected)
            if workload.flaky_task and calls != 3 * n:
                result.error = f"the Task handler was called {calls} times, not {3 * n}"
                ok = False
        result.ok = ok
        if not ok and result.error is None:
            result.error = f"output: {json.dumps(output)[:200]}"
    except Exception as exc:  # reported in the table, the other workloads still run
        result.error = f"{type(exc).__name__}: {exc}"[:400]
    return result


# ------------------------------------------------------------------------------ peers
def _peer_result(result: Result, workload: suite.Workload, report: dict[str, Any]) -> Result:
    result.version = report.get("version") or ""
    if report.get("error"):
        result.error = str(report["error"])[:400]
        return result
    result.seconds = [r["seconds"] for r in report["runs"]]
    result.setup = [r["setup_s"] for r in report["runs"]]
    result.ok = suite.strict_eq(report["output"], workload.expected_for(result.n))
    if not result.ok:
        result.error = f"output: {json.dumps(report['output'])[:200]}"
    return result


@dataclass
class PeerJob:
    """What every peer runner gets: the workload, its size and how to run it."""

    workload: suite.Workload
    n: int
    repeat: int
    warmup: bool
    peers_dir: Path
    timeout: float


def run_moto(job: PeerJob) -> Result:
    """Run the workload on moto, in the peers' virtualenv, through ``moto_worker.py``."""
    result = _sized(job.workload, "moto", job.n)
    python = job.peers_dir / "venv" / "bin" / "python"
    if not python.exists():
        result.error = f"not installed: no {python} (run setup_peers.sh)"
        return result
    cmd = [str(python), str(HERE / "moto_worker.py"), job.workload.name, "--repeat", str(job.repeat)]
    cmd += ["--warmup", str(int(job.warmup)), "--n", str(job.n)]
    try:
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=job.timeout, check=False)
    except subprocess.TimeoutExpired:
        result.error = f"timed out after {job.timeout:.0f} s"
        return result
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if not lines:
        result.error = f"moto worker failed (rc={done.returncode}): {done.stderr[-300:]}"
        return result
    return _peer_result(result, job.workload, json.loads(lines[-1]))


def run_node(job: PeerJob) -> Result:
    """Run the workload on aws-local-stepfunctions through ``node_runner.cjs``."""
    workload = job.workload
    result = _sized(workload, "node", job.n)
    node_dir = job.peers_dir / "node"
    if shutil.which("node") is None or not (node_dir / "node_modules" / "aws-local-stepfunctions").is_dir():
        result.error = f"not installed: node, or aws-local-stepfunctions in {node_dir} (run setup_peers.sh)"
        return result
    handlers = {"Work": "flaky"} if workload.flaky_task else {}
    spec = {
        "engine": "alsf",
        "workload": workload.name,
        "definition": workload.definition(),
        "input": workload.input_for(job.n),
        "warmup_input": workload.input_for(_warmup_n(job.n)) if job.warmup else None,
        "repeat": job.repeat,
        "task_handlers": handlers,
        "resource_handlers": {suite.FLAKY_ARN: "flaky"} if workload.flaky_task else {},
        "virtual_waits": workload.virtual_waits,
    }
    with tempfile.TemporaryDirectory() as tmp:
        job_file, result_file = Path(tmp, "job.json"), Path(tmp, "result.json")
        job_file.write_text(json.dumps(spec))
        try:
            done = subprocess.run(
                ["node", str(HERE / "node_runner.cjs"), str(job_file), str(result_file)],
                capture_output=True,
                text=True,
                timeout=job.timeout,
                check=False,
                env={**os.environ, "PEERS_NODE_DIR": str(node_dir)},
            )
        except subprocess.TimeoutExpired:
            result.error = f"timed out after {job.timeout:.0f} s"
            return result
        if not result_file.exists():
            result.error = f"node runner failed (rc={done.returncode}): {done.stderr[-300:]}"
            return result
        report = json.loads(result_file.read_text())
    return _peer_result(result, workload, report)


def run_plain(job: PeerJob) -> Result:
    """Run the hand-written Python doing the workload's data work (the floor), in this process."""
    import plain

    workload = job.workload
    result = _sized(workload, "plain", job.n)
    result.version = f"CPython {platform.python_version()}"
    function = plain.PLAIN[workload.name]
    runs: list[dict[str, float]] = []
    output: Any = None
    if job.warmup:
        function(workload.input_for(_warmup_n(job.n)), {"Work": suite.Flaky()}, workload.virtual_waits)
    _collect_once()
    for _ in range(job.repeat):
        inp = workload.input_for(job.n)
        handlers = {"Work": suite.Flaky()}
        t0 = time.perf_counter()
        output = function(inp, handlers, workload.virtual_waits)
        runs.append({"seconds": time.perf_counter() - t0, "setup_s": 0.0})
    return _peer_result(result, workload, {"runs": runs, "output": output, "version": result.version})


PEER_RUNNERS: dict[str, Callable[[PeerJob], Result]] = {"moto": run_moto, "node": run_node, "plain": run_plain}


# ------------------------------------------------------------------------------ report
def _us(us: float) -> str:
    if us >= 100:
        return f"{us:,.0f}"
    return f"{us:.1f}" if us >= 1 else f"{us:.2f}"


def _cell(result: Result | None, n: int | None = None) -> str:
    if result is None:
        return "-"
    if not result.seconds:
        return "error"
    size = f" (n={result.n})" if n is not None and result.n != n else ""
    return _us(result.us_per_transition) + size + ("" if result.ok else " WRONG")


def _ratio(mine: Result, peer: Result | None) -> str:
    if peer is None or not peer.seconds or not mine.seconds:
        return "-"
    return f"{mine.us_per_transition / peer.us_per_transition:.3g}"


def table(results: list[Result], names: list[str], peers: list[str]) -> str:
    """A markdown table: asl's median and µs per transition, then each peer's and the ratio."""
    by = {(r.workload, r.engine): r for r in results}
    head = "| workload | n | transitions | asl median s | asl µs/tr | parse ms |"
    rule = "|---|---:|---:|---:|---:|---:|"
    for peer in peers:
        head += f" {peer} µs/tr | asl/{peer} |"
        rule += "---:|---:|"
    lines = [head, rule]
    for name in names:
        mine = by[(name, "asl")]
        median = f"{mine.median:.3f}" if mine.seconds else "error"
        parse = f"{mine.setup[0] * 1000:.1f}" if mine.setup else "-"
        row = f"| {name} | {mine.n} | {mine.transitions} | {median} | {_cell(mine)} | {parse} |"
        for peer in peers:
            other = by.get((name, peer))
            row += f" {_cell(other, mine.n)} | {_ratio(mine, other)} |"
        lines.append(row)
    notes = [f"- {r.engine} {r.workload}: {r.error}" for r in results if r.error]
    versions = sorted({f"{r.engine}: {r.version}" for r in results if r.version})
    return "\n".join([*lines, "", *notes, *(f"- {v}" for v in versions)])


def machine() -> str:
    """CPU, core count and interpreter of this machine."""
    cpu = platform.processor()
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next((line.split(":", 1)[1].strip() for line in f if line.startswith("model name")), cpu)
    except OSError:
        pass
    system = f"{platform.system()} {platform.machine()}"
    return f"{system}, {os.cpu_count()} cores ({cpu}), CPython {platform.python_version()}"


def _pairs(text: str, convert: Callable[[str], Any], option: str) -> dict[str, Any]:
    """``a=1,b=2`` as a dict (``--n``, ``--peer-scale``)."""
    pairs: dict[str, Any] = {}
    for item in filter(None, text.split(",")):
        key, sep, value = item.partition("=")
        if not sep:
            raise SystemExit(f"{option}: expected name=value, got {item!r}")
        pairs[key.strip()] = convert(value)
    return pairs


def main(argv: list[str] | None = None) -> int:
    """Run the chosen workloads and print the table; exit 1 when an asl output was wrong or failed."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=3, help="timed runs per workload (median reported)")
    parser.add_argument("--workloads", default=",".join(suite.DEFAULT_WORKLOADS), help="comma list of names")
    parser.add_argument(
        "--rounds", type=int, default=1, help="run every engine this many times in turn, pooling the timed runs"
    )
    parser.add_argument("--warmup", type=int, default=1, choices=[0, 1], help="1: an untimed run at n/50")
    parser.add_argument("--n", default="", metavar="NAME=N,...", help="sizes other than the default ones")
    parser.add_argument("--smoke", action="store_true", help="tiny sizes, one run, asl only: a quick crash check")
    parser.add_argument("--peers", action="store_true", help="also run the peer engines")
    parser.add_argument("--peer-engines", default="moto,node", help="comma-separated subset of moto,node,plain")
    parser.add_argument(
        "--peer-scale", default="", metavar="ENGINE=F,...", help="run a peer at F times each size (moto=0.05)"
    )
    parser.add_argument("--timeout", type=float, default=1800, help="seconds per peer and workload")
    parser.add_argument("--json", metavar="FILE", help="also write the raw results here")
    args = parser.parse_args(argv)
    names = args.workloads.split(",")
    unknown = [n for n in names if n not in suite.WORKLOADS]
    if unknown:
        parser.error(f"unknown workloads: {', '.join(unknown)}; known: {', '.join(suite.WORKLOADS)}")
    peers = [p for p in args.peer_engines.split(",") if p] if args.peers and not args.smoke else []
    if set(peers) - set(PEER_RUNNERS):
        parser.error(f"unknown peer engines: {', '.join(sorted(set(peers) - set(PEER_RUNNERS)))}")
    sizes = _pairs(args.n, int, "--n")
    scales = _pairs(args.peer_scale, float, "--peer-scale")
    repeat, warmup = (1, False) if args.smoke else (args.repeat, bool(args.warmup))
    rounds = 1 if args.smoke else max(1, args.rounds)
    peers_dir = Path(os.environ.get("ASL_PEERS_DIR", Path.home() / ".cache" / "asl-peers")).expanduser()
    started = time.perf_counter()
    results: list[Result] = []
    for name in names:
        workload = suite.WORKLOADS[name]
        n = SMOKE_N.get(name, 1) if args.smoke else sizes.get(name, workload.default_n)
        pooled: dict[str, Result] = {}
        for _ in range(rounds):  # (rounds > 1) the engines take turns, so a slow spell hits them alike
            batch = [run_asl(workload, repeat, warmup, n)]
            for peer in peers:
                peer_n = max(1, round(n * scales.get(peer, 1.0)))
                batch.append(PEER_RUNNERS[peer](PeerJob(workload, peer_n, repeat, warmup, peers_dir, args.timeout)))
            for r in batch:
                status = f"{r.median:.3f} s" if r.seconds else "error"
                print(f"  {name:20s} {r.engine:5s} n={r.n:<6d} {status} ok={r.ok}", file=sys.stderr, flush=True)
                _pool(pooled, r)
        results += pooled.values()
    runs = f"{repeat} runs" if rounds == 1 else f"{rounds} rounds of {repeat} runs, engines taking turns"
    label = "smoke run (tiny sizes, 1 run)" if args.smoke else f"median of {runs}"
    print(f"{machine()}; {label}; {time.strftime('%Y-%m-%d %H:%M')}\n")
    print(table(results, names, peers))
    if args.smoke:
        print(f"\nsmoke run took {time.perf_counter() - started:.1f} s")
    if args.json:
        Path(args.json).write_text(json.dumps([r.__dict__ for r in results], indent=1))
    return 0 if all(r.ok for r in results if r.engine == "asl") else 1


if __name__ == "__main__":
    sys.exit(main())
