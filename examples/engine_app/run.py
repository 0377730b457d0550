"""Start 1,000 order executions concurrently in one Engine and report the throughput.

    python examples/engine_app/run.py [COUNT]

Each execution makes up to two service calls of 5 ms; run one after another they would
take up to COUNT x 10 ms, while the engine overlaps them.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from order_app import SERVICE_DELAY, engine, run_orders

from asl.engine import Engine


def main(count: int = 1000) -> int:
    """Run ``count`` executions and print statuses and executions per second."""

    async def go(engine: Engine) -> tuple[dict[str, int], float]:
        return await run_orders(engine, count)

    statuses, seconds = engine().serve(go)
    print(f"{count} executions in {seconds:.2f} s: {count / seconds:,.0f} executions/s")
    print(f"statuses: {statuses}")
    print(f"one after another the service calls alone would take up to {count * 2 * SERVICE_DELAY:.1f} s")
    expected = {"SUCCEEDED": count - count // 10, "FAILED": count // 10}
    return 0 if {k: v for k, v in statuses.items() if v} == {k: v for k, v in expected.items() if v} else 1


if __name__ == "__main__":
    sys.exit(main(int(sys.argv[1]) if len(sys.argv) > 1 else 1000))
