"""A Map over many items: time per item and the process's peak memory.

    python bench/map_scale.py                 # 100,000 items, inline Map, MaxConcurrency 0
    python bench/map_scale.py --items 20000 --max-concurrency 10 --mode DISTRIBUTED

Each iteration runs a Pass with Parameters and a Task served by a Python resolver. The
peak RSS is read from the kernel (ru_maxrss) after the run, minus the RSS before it, so
the figure is what the execution itself added: input, results, history and live
iterations.
"""

from __future__ import annotations

import argparse
import resource
import time
from typing import Any

import asl


def definition(mode: str, max_concurrency: int) -> dict[str, Any]:
    """An inline or distributed Map whose processor reshapes the item and calls a Task."""
    processor: dict[str, Any] = {
        "StartAt": "Shape",
        "States": {
            "Shape": {
                "Type": "Pass",
                "Parameters": {"id.$": "$.id", "double.$": "States.MathAdd($.id, $.id)"},
                "Next": "Work",
            },
            "Work": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:work", "End": True},
        },
    }
    if mode == "DISTRIBUTED":
        processor["ProcessorConfig"] = {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"}
    return {
        "StartAt": "Fan",
        "States": {"Fan": {"Type": "Map", "MaxConcurrency": max_concurrency, "ItemProcessor": processor, "End": True}},
    }


def rss_mib() -> float:
    """The peak resident set size of this process so far, in MiB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    """Run the Map once and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--mode", choices=["INLINE", "DISTRIBUTED"], default="INLINE")
    parser.add_argument("--max-concurrency", type=int, default=0)
    parser.add_argument("--history", action="store_true", help="keep the history events (9 per item)")
    args = parser.parse_args()
    machine = asl.parse(definition(args.mode, args.max_concurrency))
    items = [{"id": i} for i in range(args.items)]
    before = rss_mib()
    start = time.perf_counter()
    # 100,000 items are far over AWS's 256 KiB state quota (lifted); 900,000 history events are
    # kept only with --history (otherwise they are counted, not stored)
    output = asl.run(
        machine,
        items,
        resolvers={"work": lambda event: event["double"]},
        max_payload_bytes=None,
        history=args.history,
    )
    elapsed = time.perf_counter() - start
    assert output == [2 * i for i in range(args.items)], "wrong output"
    kept = "kept" if args.history else "counted only"
    print(f"Map {args.mode} over {args.items:,} items, MaxConcurrency {args.max_concurrency}, history {kept}")
    print(f"  time: {elapsed:.2f} s = {elapsed / args.items * 1e6:.1f} µs per item (2 transitions + 1 task each)")
    print(f"  peak RSS: {rss_mib():.0f} MiB ({rss_mib() - before:.0f} MiB over the {before:.0f} MiB before the run)")


if __name__ == "__main__":
    main()
