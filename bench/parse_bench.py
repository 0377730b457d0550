"""Time `asl.parse` (structure and semantic checks, then the compiled machine) on big definitions.

    python bench/parse_bench.py                   # 50 and 500 states, median of 50 runs
    python bench/parse_bench.py --states 50,500,2000 --runs 20

The definitions are generated: blocks of ten states using every state type (Pass with
Parameters templates and intrinsics, a Lambda Task with Retry, Catch, ResultSelector and
TimeoutSeconds, a Choice with And/Or/Not rules, Wait, a Parallel of two branches, an
inline Map with ItemSelector, a Fail), padded with Pass states and closed by a Succeed.
States inside branches and Map processors count. ``asl.parse`` validates as it builds, so
its time is parse + validate; it is measured from a dict and from JSON text (``json.loads``
included), each run on a fresh copy.
"""

from __future__ import annotations

import argparse
import copy
import gc
import json
import statistics
import sys
import time
from collections.abc import Callable
from functools import partial
from typing import Any

import asl

BLOCK_STATES = 10
LAMBDA_ARN = "arn:aws:lambda:us-east-1:123456789012:function:"


def _task(p: str, i: int) -> dict[str, Any]:
    return {
        "Type": "Task",
        "Resource": f"{LAMBDA_ARN}fn{i}",
        "Parameters": {"payload.$": "$.prep", "execution.$": "$$.Execution.Id", "fixed": [1, 2, {"a": None}]},
        "ResultSelector": {"v.$": "$.value", "all.$": "$"},
        "ResultPath": "$.res",
        "TimeoutSeconds": 30,
        "Retry": [
            {"ErrorEquals": ["States.Timeout"], "IntervalSeconds": 1, "MaxAttempts": 2},
            {
                "ErrorEquals": ["States.ALL"],
                "BackoffRate": 1.5,
                "MaxDelaySeconds": 10,
                "JitterStrategy": "FULL",
            },
        ],
        "Catch": [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.err", "Next": f"{p}Failed"}],
        "Next": f"{p}Route",
    }


def _choice(p: str) -> dict[str, Any]:
    return {
        "Type": "Choice",
        "Choices": [
            {
                "And": [
                    {"Variable": "$.res.v", "IsPresent": True},
                    {"Variable": "$.res.v", "NumericGreaterThan": 10},
                ],
                "Next": f"{p}Wait",
            },
            {
                "Or": [
                    {"Variable": "$.tag", "StringMatches": "x*y"},
                    {"Not": {"Variable": "$.n", "NumericEqualsPath": "$.prep.n"}},
                    {"Variable": "$.items[0]", "IsNumeric": True},
                ],
                "Next": f"{p}Fan",
            },
        ],
        "Default": f"{p}Fan",
    }


def _parallel(p: str) -> dict[str, Any]:
    branches = [
        {"StartAt": f"{p}B{b}", "States": {f"{p}B{b}": {"Type": "Pass", "Result": {"b": b}, "End": True}}}
        for b in range(2)
    ]
    return {
        "Type": "Parallel",
        "Branches": branches,
        "ResultSelector": {"first.$": "$[0]", "count.$": "States.ArrayLength($)"},
        "ResultPath": "$.fan",
        "Retry": [{"ErrorEquals": ["States.BranchFailed"], "MaxAttempts": 1}],
        "Catch": [{"ErrorEquals": ["States.ALL"], "Next": f"{p}Failed"}],
        "Next": f"{p}Each",
    }


def _map(p: str, following: str) -> dict[str, Any]:
    return {
        "Type": "Map",
        "ItemsPath": "$.items",
        "ItemSelector": {"item.$": "$$.Map.Item.Value", "idx.$": "$$.Map.Item.Index"},
        "MaxConcurrency": 4,
        "ItemProcessor": {
            "ProcessorConfig": {"Mode": "INLINE"},
            "StartAt": f"{p}Item",
            "States": {f"{p}Item": {"Type": "Pass", "Parameters": {"x.$": "$.item", "i.$": "$.idx"}, "End": True}},
        },
        "ResultPath": "$.mapped",
        "Next": following,
    }


def block(i: int, following: str) -> dict[str, Any]:
    """Ten states named ``S<i>_*`` (two of them in a Parallel, one in a Map) ending at ``following``."""
    p = f"S{i}_"
    return {
        f"{p}Prepare": {
            "Type": "Pass",
            "Parameters": {
                "id.$": "$.id",
                "n.$": "States.MathAdd($.n, 1)",
                "tag.$": "States.Format('block-{}-{}', $.id, $.n)",
                "static": {"k": i, "nested": {"list.$": "States.Array($.n, 'x')"}},
            },
            "ResultPath": "$.prep",
            "Next": f"{p}Call",
        },
        f"{p}Call": _task(p, i),
        f"{p}Route": _choice(p),
        f"{p}Wait": {"Type": "Wait", "Seconds": 1, "Next": f"{p}Fan"},
        f"{p}Fan": _parallel(p),
        f"{p}Each": _map(p, following),
        f"{p}Failed": {"Type": "Fail", "Error": "BlockFailed", "Cause": f"block {i} failed"},
    }


def definition(total: int) -> dict[str, Any]:
    """A valid definition of exactly ``total`` states (at least 2), nested ones included."""
    blocks, padding = divmod(total - 1, BLOCK_STATES)
    names = [f"S{i}_Prepare" for i in range(blocks)] + [f"Pad{k}" for k in range(padding)] + ["Done"]
    states: dict[str, Any] = {}
    for i in range(blocks):
        states.update(block(i, names[i + 1]))
    for k in range(padding):
        following = names[blocks + k + 1]
        states[f"Pad{k}"] = {"Type": "Pass", "Result": k, "ResultPath": f"$.pad{k}", "Next": following}
    states["Done"] = {"Type": "Succeed", "OutputPath": "$.prep"}
    return {"Comment": f"generated: {total} states", "StartAt": names[0], "States": states}


def count_states(states: dict[str, Any]) -> int:
    """States in ``states`` and in every branch and Map processor below them."""
    total = len(states)
    for state in states.values():
        for branch in state.get("Branches", []):
            total += count_states(branch["States"])
        if "ItemProcessor" in state:
            total += count_states(state["ItemProcessor"]["States"])
    return total


def median_ms(fn: Callable[[Any], Any], make_arg: Callable[[], Any], runs: int) -> tuple[float, float]:
    """Median and fastest milliseconds of ``fn(make_arg())`` over ``runs`` runs (``make_arg`` untimed).

    A full garbage collection before each run keeps the copy's garbage out of the timing.
    On a shared machine the median moves with the load; the fastest run much less.
    """
    times = []
    for _ in range(runs):
        arg = make_arg()
        gc.collect()
        t0 = time.perf_counter()
        fn(arg)
        times.append(time.perf_counter() - t0)
    return statistics.median(times) * 1000, min(times) * 1000


def main(argv: list[str] | None = None) -> int:
    """Print one table row per size; exit 1 if a generated definition is not valid."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--states", default="50,500", help="comma list of definition sizes")
    parser.add_argument("--runs", type=int, default=50)
    args = parser.parse_args(argv)
    print(f"asl.parse, median of {args.runs} runs\n")
    print("| states | JSON bytes | parse(dict) ms | fastest ms | parse(JSON text) ms | µs per state |")
    print("|---:|---:|---:|---:|---:|---:|")
    for total in (int(s) for s in args.states.split(",")):
        d = definition(total)
        issues = asl.validate(d)
        if issues or count_states(d["States"]) != total:
            print(f"generated {total}-state definition is wrong: {issues[:3]}", file=sys.stderr)
            return 1
        text = json.dumps(d)
        from_dict, fastest = median_ms(asl.parse, partial(copy.deepcopy, d), args.runs)
        from_text, _ = median_ms(asl.parse, partial(str.__add__, text, " "), args.runs)
        per_state = from_dict * 1000 / total
        print(f"| {total} | {len(text):,} | {from_dict:.2f} | {fastest:.2f} | {from_text:.2f} | {per_state:.0f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
