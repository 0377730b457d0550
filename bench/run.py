"""Time the benchmark workloads on `asl` (and, with --peers, on other engines) and check every output.

    python bench/run.py                        # asl only, median of 3 runs
    python bench/run.py --workloads pass_chain --repeat 5
    ASL_PEERS_DIR=~/.cache/asl-peers python bench/run.py --peers   # + moto, aws-local-stepfunctions

Each run executes a workload's definition (parsed once, untimed: that cost is reported as
``parse ms``) on its pre-generated input through ``asl.run``; ``task_retry_virtual`` gets a
``VirtualClock`` so its retry backoff takes no time. A run's output must equal the
workload's expected output, or the row is marked WRONG. Peers run in their own processes
(moto in the virtualenv ``setup_peers.sh`` made, aws-local-stepfunctions through
``node_runner.cjs``), on the same files, in the same run; ``asl/peer`` is asl's median time
over the peer's (below 1: asl is faster).
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
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import suite  # noqa: E402

PEERS = ("moto", "node")


@dataclass
class Result:
    """One engine on one workload."""

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


def _sized(workload: suite.Workload, engine: str) -> Result:
    n = workload.size(json.loads(workload.input_text()))
    return Result(engine, workload.name, n, workload.transitions(n))


# ------------------------------------------------------------------------------ asl
def _asl_once(machine: Any, workload: suite.Workload, inp: Any) -> tuple[float, Any, int]:
    import asl
    from asl.testing import VirtualClock

    flaky = suite.Flaky()
    resolvers = {suite.FLAKY_ARN: flaky} if workload.flaky_task else None
    clock = VirtualClock() if workload.virtual_waits else None
    gc.collect()  # the previous run's garbage is not this run's cost
    t0 = time.perf_counter()
    output = asl.run(machine, inp, resolvers=resolvers, clock=clock)
    return time.perf_counter() - t0, output, flaky.calls


def run_asl(workload: suite.Workload, repeat: int, warmup: bool) -> Result:
    """Run ``workload`` through ``asl.run`` ``repeat`` times; check the output and the Task calls."""
    import asl

    result = _sized(workload, "asl")
    result.version = f"asl {getattr(asl, '__version__', '?')}"
    try:
        t0 = time.perf_counter()
        machine = asl.parse(workload.definition())
        result.setup.append(time.perf_counter() - t0)
        if warmup:
            small = workload.resize(json.loads(workload.input_text()), max(1, result.n // 50))
            _asl_once(machine, workload, small)
        ok = True
        for _ in range(repeat):
            seconds, output, calls = _asl_once(machine, workload, json.loads(workload.input_text()))
            result.seconds.append(seconds)
            ok = ok and suite.strict_eq(output, workload.expected())
            if workload.flaky_task and calls != 3 * result.n:
                result.error = f"the Task handler was called {calls} times, not {3 * result.n}"
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
    result.ok = suite.strict_eq(report["output"], workload.expected())
    if not result.ok:
        result.error = f"output: {json.dumps(report['output'])[:200]}"
    return result


def run_moto(workload: suite.Workload, repeat: int, warmup: bool, peers_dir: Path, timeout: float) -> Result:
    """Run ``workload`` on moto, in the peers' virtualenv, through ``moto_worker.py``."""
    result = _sized(workload, "moto")
    python = peers_dir / "venv" / "bin" / "python"
    if not python.exists():
        result.error = f"not installed: no {python} (run setup_peers.sh)"
        return result
    cmd = [str(python), str(HERE / "moto_worker.py"), workload.name, "--repeat", str(repeat)]
    cmd += ["--warmup", str(int(warmup))]
    try:
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        result.error = f"timed out after {timeout:.0f} s"
        return result
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if not lines:
        result.error = f"moto worker failed (rc={done.returncode}): {done.stderr[-300:]}"
        return result
    return _peer_result(result, workload, json.loads(lines[-1]))


def run_node(workload: suite.Workload, repeat: int, warmup: bool, peers_dir: Path, timeout: float) -> Result:
    """Run ``workload`` on aws-local-stepfunctions through ``node_runner.cjs``."""
    result = _sized(workload, "node")
    node_dir = peers_dir / "node"
    if shutil.which("node") is None or not (node_dir / "node_modules" / "aws-local-stepfunctions").is_dir():
        result.error = f"not installed: node, or aws-local-stepfunctions in {node_dir} (run setup_peers.sh)"
        return result
    inp = json.loads(workload.input_text())
    handlers = {"Work": "flaky"} if workload.flaky_task else {}
    job = {
        "engine": "alsf",
        "workload": workload.name,
        "definition": workload.definition(),
        "input": inp,
        "warmup_input": workload.resize(inp, max(1, result.n // 50)) if warmup else None,
        "repeat": repeat,
        "task_handlers": handlers,
        "resource_handlers": {suite.FLAKY_ARN: "flaky"} if workload.flaky_task else {},
        "virtual_waits": workload.virtual_waits,
    }
    with tempfile.TemporaryDirectory() as tmp:
        job_file, result_file = Path(tmp, "job.json"), Path(tmp, "result.json")
        job_file.write_text(json.dumps(job))
        try:
            done = subprocess.run(
                ["node", str(HERE / "node_runner.cjs"), str(job_file), str(result_file)],
                capture_output=True,
                text=True,
                timeout=timeout,
                check=False,
                env={**os.environ, "PEERS_NODE_DIR": str(node_dir)},
            )
        except subprocess.TimeoutExpired:
            result.error = f"timed out after {timeout:.0f} s"
            return result
        if not result_file.exists():
            result.error = f"node runner failed (rc={done.returncode}): {done.stderr[-300:]}"
            return result
        report = json.loads(result_file.read_text())
    return _peer_result(result, workload, report)


PEER_RUNNERS = {"moto": run_moto, "node": run_node}


# ------------------------------------------------------------------------------ report
def _us(us: float) -> str:
    if us >= 100:
        return f"{us:,.0f}"
    return f"{us:.1f}" if us >= 1 else f"{us:.2f}"


def _cell(result: Result | None) -> str:
    if result is None:
        return "-"
    if not result.seconds:
        return "error"
    return _us(result.us_per_transition) + ("" if result.ok else " WRONG")


def _ratio(mine: Result, peer: Result | None) -> str:
    if peer is None or not peer.seconds or not mine.seconds:
        return "-"
    return f"{mine.median / peer.median:.3g}"


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
            row += f" {_cell(by.get((name, peer)))} | {_ratio(mine, by.get((name, peer)))} |"
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


def main(argv: list[str] | None = None) -> int:
    """Run the chosen workloads and print the table; exit 1 when an asl output was wrong or failed."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=3, help="timed runs per workload (median reported)")
    parser.add_argument("--workloads", default=",".join(suite.DEFAULT_WORKLOADS), help="comma list of names")
    parser.add_argument("--warmup", type=int, default=1, choices=[0, 1], help="1: an untimed run at n/50")
    parser.add_argument("--peers", action="store_true", help="also run moto and aws-local-stepfunctions")
    parser.add_argument("--peer-engines", default=",".join(PEERS), help="comma-separated subset of moto,node")
    parser.add_argument("--timeout", type=float, default=1800, help="seconds per peer and workload")
    parser.add_argument("--json", metavar="FILE", help="also write the raw results here")
    args = parser.parse_args(argv)
    names = args.workloads.split(",")
    unknown = [n for n in names if n not in suite.WORKLOADS]
    if unknown:
        parser.error(f"unknown workloads: {', '.join(unknown)}; known: {', '.join(suite.WORKLOADS)}")
    peers = args.peer_engines.split(",") if args.peers else []
    peers_dir = Path(os.environ.get("ASL_PEERS_DIR", Path.home() / ".cache" / "asl-peers")).expanduser()
    results: list[Result] = []
    for name in names:
        workload = suite.WORKLOADS[name]
        warmup = bool(args.warmup)
        batch = [run_asl(workload, args.repeat, warmup)]
        batch += [PEER_RUNNERS[p](workload, args.repeat, warmup, peers_dir, args.timeout) for p in peers]
        results += batch
        for r in batch:
            status = f"{r.median:.3f} s" if r.seconds else "error"
            print(f"  {name:20s} {r.engine:5s} {status} ok={r.ok}", file=sys.stderr, flush=True)
    print(f"{machine()}; median of {args.repeat} runs; {time.strftime('%Y-%m-%d')}\n")
    print(table(results, names, peers))
    if args.json:
        Path(args.json).write_text(json.dumps([r.__dict__ for r in results], indent=1))
    return 0 if all(r.ok for r in results if r.engine == "asl") else 1


if __name__ == "__main__":
    sys.exit(main())
