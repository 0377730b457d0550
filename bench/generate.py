"""Benchmark workloads for ASL interpreters: definitions, inputs and expected outputs for any size n.

A copy of the project's shared benchmark set (``../shared/bench/workloads.py``), kept here so
that ``run.py`` can size workloads (``--smoke``, ``--peer-scale``) and check every output.
No ``asl`` import: the moto worker loads it in moto's own virtualenv.

Each workload has:
  * a static ASL definition (``workloads/<name>.asl.json``; the size n lives in the input, so
    one definition serves every n),
  * make_input(n)     -> execution input,
  * expected(n)       -> expected execution output (computed independently of any engine, from
                         closed forms or small tables),
  * transitions(n)    -> number of states entered (incl. states inside Map iterations / Parallel
                         branches); retries of a Task do not count as extra transitions,
  * default_n,
  * task_handlers     -> {state name: handler name} for Task states that the engine must run as a
                         local handler (``suite.Flaky``, ``node_runner.cjs``).

``python bench/generate.py`` (re)writes ``workloads/*.asl.json`` and, for the default n,
``*.input.json`` and ``*.expected.json``.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

HERE = os.path.dirname(os.path.abspath(__file__))
WL_DIR = os.path.join(HERE, "workloads")

FLAKY_ARN = "arn:aws:lambda:us-east-1:123456789012:function:flaky"


@dataclass
class Workload:
    name: str
    build: Callable[[], dict]
    make_input: Callable[[int], Any]
    expected: Callable[[int], Any]
    transitions: Callable[[int], int]
    default_n: int
    description: str
    task_handlers: dict = field(default_factory=dict)  # state name -> handler name
    resource_handlers: dict = field(default_factory=dict)  # resource ARN -> handler name
    virtual_waits: bool = False  # ask engines to skip Retry sleeps
    definition_name: str | None = None  # reuse another workload's definition file

    @property
    def def_file(self) -> str:
        return os.path.join(WL_DIR, f"{self.definition_name or self.name}.asl.json")

    def definition(self) -> dict:
        with open(self.def_file) as f:
            return json.load(f)


# ---------------------------------------------------------------- pass_chain
def pass_chain_def() -> dict:
    return {
        "Comment": "Pass + Choice counter loop: per-transition overhead",
        "StartAt": "Inc",
        "States": {
            "Inc": {
                "Type": "Pass",
                "Parameters": {"i.$": "States.MathAdd($.i, 1)", "n.$": "$.n"},
                "Next": "Check",
            },
            "Check": {
                "Type": "Choice",
                "Choices": [{"Variable": "$.i", "NumericLessThanPath": "$.n", "Next": "Inc"}],
                "Default": "Done",
            },
            "Done": {"Type": "Succeed"},
        },
    }


# ---------------------------------------------------------------- map_inline
# Sized to respect the 256 KiB state-payload quota that AWS (and moto) enforce:
# 10,000 items are ~200 KiB of input, and each iteration's rich Parameters object
# is cut down to one string by OutputPath, so the Map result is ~100 KiB.
def map_inline_def() -> dict:
    return {
        "Comment": "Inline Map over n items, Pass with Parameters reshaping each",
        "StartAt": "Map",
        "States": {
            "Map": {
                "Type": "Map",
                "ItemsPath": "$.items",
                "MaxConcurrency": 0,
                "ItemProcessor": {
                    "ProcessorConfig": {"Mode": "INLINE"},
                    "StartAt": "Reshape",
                    "States": {
                        "Reshape": {
                            "Type": "Pass",
                            "Parameters": {
                                "id.$": "$.id",
                                "price.$": "$.p",
                                "label.$": "States.Format('{}#{}', $.id, $.p)",
                                "src": "bench",
                            },
                            "OutputPath": "$.label",
                            "End": True,
                        }
                    },
                },
                "End": True,
            }
        },
    }


def map_item(k: int) -> dict:
    return {"id": k, "p": (k * 37) % 1000}


def map_inline_expected(n: int) -> list:
    return [f"{k}#{(k * 37) % 1000}" for k in range(n)]


# ----------------------------------------------------------- parallel_fanout
def _fanout_branch(k: int) -> dict:
    extra = {"Type": "Pass", "Result": {"k": k, "tag": "b"}, "ResultPath": "$.extra", "Next": f"B{k}c"}
    return {
        "StartAt": f"B{k}a",
        "States": {
            f"B{k}a": {"Type": "Pass", "Parameters": {"i.$": "$.ctr.i", "b": k}, "Next": f"B{k}b"},
            f"B{k}b": extra,
            f"B{k}c": {
                "Type": "Pass",
                "Parameters": {"i.$": "$.i", "b.$": "$.b", "tag.$": "$.extra.tag"},
                "End": True,
            },
        },
    }


def parallel_fanout_def() -> dict:
    branches = [_fanout_branch(k) for k in range(10)]
    return {
        "Comment": "Loop of m iterations around a 10-branch Parallel of 3-Pass chains",
        "StartAt": "Fan",
        "States": {
            "Fan": {"Type": "Parallel", "Branches": branches, "ResultPath": "$.fan", "Next": "Bump"},
            "Bump": {
                "Type": "Pass",
                "Parameters": {"i.$": "States.MathAdd($.ctr.i, 1)", "m.$": "$.ctr.m"},
                "ResultPath": "$.ctr",
                "Next": "Loop",
            },
            "Loop": {
                "Type": "Choice",
                "Choices": [{"Variable": "$.ctr.i", "NumericLessThanPath": "$.ctr.m", "Next": "Fan"}],
                "Default": "Done",
            },
            "Done": {"Type": "Pass", "Parameters": {"i.$": "$.ctr.i", "fan.$": "$.fan"}, "End": True},
        },
    }


# -------------------------------------------------------------- choice_heavy
CHOICE_RECS = [
    # name, email, tier, score, limit, vip, coupon (None = absent)
    ("cust-01", "a@example.com", "gold", 50, 40, True, "X1"),  # A
    ("cust-02", "b@other.org", "gold", 30, 40, True, "X2"),  # B
    ("test-03", "c@example.com", "silver", 95, 100, False, None),  # D
    ("cust-04", "d@example.com", "bronze", 20, 30, False, None),  # C
    ("cust-05", "e@example.com", "silver", 99, 100, False, "Y"),  # B
    ("test-06", "f@example.com", "gold", 10, 5, False, "Z"),  # A
    ("cust-07", "g@example.net", "bronze", 70, 60, False, None),  # D
    ("cust-08", "h@example.com", "silver", 60, 60, True, None),  # C
]
CHOICE_ROUTES = ["A", "B", "D", "C", "B", "A", "D", "C"]
N_DECOYS = 12


def choice_rec(t) -> dict:
    name, email, tier, score, limit, vip, coupon = t
    r = {"name": name, "email": email, "tier": tier, "score": score, "limit": limit, "flags": {"vip": vip}}
    if coupon is not None:
        r["coupon"] = coupon
    return r


def _decoy(k: int) -> dict:
    v = "$.pick.cur"
    kind = k % 3
    if kind == 0:  # And: first true, second false
        return {
            "And": [
                {"Variable": f"{v}.score", "IsPresent": True},
                {"Variable": f"{v}.tier", "StringEquals": f"tier-{k}"},
                {"Variable": f"{v}.flags.vip", "BooleanEquals": True},
            ],
            "Next": "HitD",
        }
    if kind == 1:  # Or: both false
        return {
            "Or": [
                {"Variable": f"{v}.name", "StringMatches": f"zz*{k}"},
                {"Variable": f"{v}.score", "NumericGreaterThan": 1000 + k},
            ],
            "Next": "HitD",
        }
    return {  # Not(true) and a path comparison
        "And": [
            {"Not": {"Variable": f"{v}.email", "IsPresent": True}},
            {"Variable": f"{v}.score", "NumericGreaterThanPath": f"{v}.limit"},
        ],
        "Next": "HitD",
    }


def choice_heavy_def() -> dict:
    v = "$.pick.cur"
    rules = [_decoy(k) for k in range(N_DECOYS)]
    rules += [
        {
            "And": [
                {"Variable": f"{v}.coupon", "IsPresent": True},
                {"Variable": f"{v}.email", "StringMatches": "*@example.com"},
                {"Variable": f"{v}.score", "NumericGreaterThanPath": f"{v}.limit"},
            ],
            "Next": "HitA",
        },
        {
            "Or": [
                {
                    "And": [
                        {"Variable": f"{v}.tier", "StringEquals": "gold"},
                        {"Variable": f"{v}.flags.vip", "BooleanEquals": True},
                    ]
                },
                {
                    "And": [
                        {"Not": {"Variable": f"{v}.name", "StringMatches": "test-*"}},
                        {"Variable": f"{v}.score", "NumericGreaterThan": 90},
                    ]
                },
            ],
            "Next": "HitB",
        },
        {
            "And": [
                {"Not": {"Variable": f"{v}.coupon", "IsPresent": True}},
                {"Variable": f"{v}.score", "NumericLessThanEqualsPath": f"{v}.limit"},
                {"Variable": f"{v}.name", "StringMatches": "cust-*"},
            ],
            "Next": "HitC",
        },
    ]

    def hit(letter):
        params = {k + (".$"): f"$.tally.{k}" for k in "ABCD"}
        del params[letter + ".$"]
        params[letter + ".$"] = f"States.MathAdd($.tally.{letter}, 1)"
        return {"Type": "Pass", "Parameters": params, "ResultPath": "$.tally", "Next": "Advance"}

    return {
        "Comment": "Choice with 15 rules (And/Or/Not, StringMatches, *Path, IsPresent) evaluated n times",
        "StartAt": "Pick",
        "States": {
            "Pick": {
                "Type": "Pass",
                "Parameters": {"cur.$": "States.ArrayGetItem($.recs, $.ctr.j)"},
                "ResultPath": "$.pick",
                "Next": "Route",
            },
            "Route": {"Type": "Choice", "Choices": rules, "Default": "HitD"},
            "HitA": hit("A"),
            "HitB": hit("B"),
            "HitC": hit("C"),
            "HitD": hit("D"),
            # (a state named "Next" is legal ASL but trips aws-local-stepfunctions' validator)
            "Advance": {
                "Type": "Pass",
                "Parameters": {"i.$": "States.MathAdd($.ctr.i, 1)", "j.$": "States.MathAdd($.ctr.j, 1)"},
                "ResultPath": "$.ctr",
                "Next": "Wrap",
            },
            "Wrap": {
                "Type": "Choice",
                "Choices": [
                    {"Variable": "$.ctr.i", "NumericGreaterThanEqualsPath": "$.n", "Next": "Done"},
                    {"Variable": "$.ctr.j", "NumericEquals": len(CHOICE_RECS), "Next": "Reset"},
                ],
                "Default": "Pick",
            },
            "Reset": {
                "Type": "Pass",
                "Parameters": {"i.$": "$.ctr.i", "j": 0},
                "ResultPath": "$.ctr",
                "Next": "Pick",
            },
            "Done": {"Type": "Pass", "Parameters": {"i.$": "$.ctr.i", "tally.$": "$.tally"}, "End": True},
        },
    }


def choice_heavy_input(n: int) -> dict:
    return {
        "n": n,
        "ctr": {"i": 0, "j": 0},
        "tally": {"A": 0, "B": 0, "C": 0, "D": 0},
        "recs": [choice_rec(t) for t in CHOICE_RECS],
    }


def choice_heavy_expected(n: int) -> dict:
    tally = {"A": 0, "B": 0, "C": 0, "D": 0}
    for i in range(n):
        tally[CHOICE_ROUTES[i % len(CHOICE_RECS)]] += 1
    return {"i": n, "tally": tally}


# ------------------------------------------------------------- payload_heavy
def payload_doc(users: int = 500) -> dict:
    return {
        "meta": {"region": "eu-west-1", "version": 3, "generated": "2024-01-01T00:00:00Z"},
        "users": [
            {
                "id": k,
                "name": f"user{k:04d}",
                "email": f"user{k}@example.com",
                "active": k % 2 == 0,
                "tags": ["alpha", "beta", "gamma"][: 1 + k % 3],
                "address": {"street": f"{k} Main Street", "city": "Springfield", "zip": f"{10000 + k}"},
                "scores": [k % 7, k % 11, k % 13, k % 17],
            }
            for k in range(users)
        ],
    }


def payload_heavy_def() -> dict:
    return {
        "Comment": "InputPath/Parameters/ResultSelector/ResultPath/OutputPath over a ~100 KiB document, n times",
        "StartAt": "Select",
        "States": {
            "Select": {
                "Type": "Pass",
                "InputPath": "$.doc",
                "Parameters": {"users.$": "$.users", "meta.$": "$.meta", "count.$": "States.ArrayLength($.users)"},
                "ResultPath": "$.view",
                "Next": "Summarise",
            },
            "Summarise": {
                "Type": "Parallel",
                "InputPath": "$.view",
                "Branches": [
                    {
                        "StartAt": "Pick",
                        "States": {
                            "Pick": {
                                "Type": "Pass",
                                "Parameters": {
                                    # not "$.users[0].name": moto 5.2.5 returns ["user0000"]
                                    # for index-then-field paths (AWS returns "user0000")
                                    "first.$": "$.users[0]",
                                    "count.$": "$.count",
                                    "region.$": "$.meta.region",
                                },
                                "End": True,
                            }
                        },
                    }
                ],
                "ResultSelector": {"pick.$": "$[0]", "n.$": "States.ArrayLength($)"},
                "ResultPath": "$.summary",
                "Next": "Bump",
            },
            "Bump": {
                "Type": "Pass",
                "Parameters": {
                    "doc.$": "$.doc",
                    "ctr": {"i.$": "States.MathAdd($.ctr.i, 1)", "n.$": "$.ctr.n"},
                    "last.$": "$.summary",
                },
                "ResultPath": "$.next",
                "OutputPath": "$.next",
                "Next": "Loop",
            },
            "Loop": {
                "Type": "Choice",
                "Choices": [{"Variable": "$.ctr.i", "NumericLessThanPath": "$.ctr.n", "Next": "Select"}],
                "Default": "Done",
            },
            "Done": {
                "Type": "Pass",
                "Parameters": {"i.$": "$.ctr.i", "last.$": "$.last", "users.$": "States.ArrayLength($.doc.users)"},
                "End": True,
            },
        },
    }


def payload_heavy_expected(n: int) -> dict:
    user0 = payload_doc(1)["users"][0]
    return {
        "i": n,
        "last": {"pick": {"first": user0, "count": 500, "region": "eu-west-1"}, "n": 1},
        "users": 500,
    }


# ----------------------------------------------------------------- task_retry
def task_retry_def() -> dict:
    return {
        "Comment": "Task whose local handler fails twice per item then succeeds; Retry 1s x2 backoff",
        "StartAt": "Work",
        "States": {
            "Work": {
                "Type": "Task",
                "Resource": FLAKY_ARN,
                "Parameters": {"i.$": "$.i"},
                "ResultPath": "$.r",
                "Retry": [
                    {"ErrorEquals": ["States.ALL"], "IntervalSeconds": 1, "BackoffRate": 2, "MaxAttempts": 3}
                ],
                "Next": "Inc",
            },
            "Inc": {
                "Type": "Pass",
                "Parameters": {"i.$": "States.MathAdd($.i, 1)", "n.$": "$.n", "r.$": "$.r"},
                "Next": "Check",
            },
            "Check": {
                "Type": "Choice",
                "Choices": [{"Variable": "$.i", "NumericLessThanPath": "$.n", "Next": "Work"}],
                "Default": "Done",
            },
            "Done": {"Type": "Succeed"},
        },
    }


WORKLOADS: dict[str, Workload] = {}


def _add(w: Workload):
    WORKLOADS[w.name] = w


_add(
    Workload(
        "pass_chain",
        pass_chain_def,
        lambda n: {"i": 0, "n": n},
        lambda n: {"i": n, "n": n},
        lambda n: 2 * n + 1,
        5000,
        "Pass(MathAdd)+Choice loop, n iterations (2n+1 transitions)",
    )
)
_add(
    Workload(
        "map_inline",
        map_inline_def,
        lambda n: {"items": [map_item(k) for k in range(n)]},
        map_inline_expected,
        lambda n: n + 1,
        10000,
        "inline Map over n items, Pass+Parameters(+States.Format)+OutputPath per item, MaxConcurrency 0",
    )
)
_add(
    Workload(
        "parallel_fanout",
        parallel_fanout_def,
        lambda n: {"ctr": {"i": 0, "m": n}},
        lambda n: {"i": n, "fan": [{"i": n - 1, "b": k, "tag": "b"} for k in range(10)]},
        lambda n: 33 * n + 1,
        300,
        "loop of n Parallel states, 10 branches x 3 Pass each (33n+1 transitions)",
    )
)
_add(
    Workload(
        "choice_heavy",
        choice_heavy_def,
        choice_heavy_input,
        choice_heavy_expected,
        lambda n: 5 * n + (n - 1) // len(CHOICE_RECS) + 1,
        2000,
        "15-rule Choice (12 decoys + 3 real, And/Or/Not/StringMatches/*Path/IsPresent) evaluated n times",
    )
)
_add(
    Workload(
        "payload_heavy",
        payload_heavy_def,
        lambda n: {"doc": payload_doc(), "ctr": {"i": 0, "n": n}},
        payload_heavy_expected,
        lambda n: 5 * n + 1,
        200,
        "~100 KiB doc through Pass/Parallel with InputPath/Parameters/ResultSelector/ResultPath/OutputPath, n loops",
    )
)
_add(
    Workload(
        "task_retry",
        task_retry_def,
        lambda n: {"i": 0, "n": n},
        lambda n: {"i": n, "n": n, "r": {"i": n - 1, "attempt": 3}},
        lambda n: 3 * n + 1,
        1,
        "Task (local handler) failing 2x per item then succeeding; Retry 1s, backoff 2 => 3 s of waits per item",
        task_handlers={"Work": "flaky"},
        resource_handlers={FLAKY_ARN: "flaky"},
    )
)
_add(
    Workload(
        "task_retry_virtual",
        task_retry_def,
        lambda n: {"i": 0, "n": n},
        lambda n: {"i": n, "n": n, "r": {"i": n - 1, "attempt": 3}},
        lambda n: 3 * n + 1,
        200,
        "task_retry with Retry waits virtualised (engine-specific switch), n items => per-Task overhead",
        task_handlers={"Work": "flaky"},
        resource_handlers={FLAKY_ARN: "flaky"},
        virtual_waits=True,
        definition_name="task_retry",
    )
)


def write_files() -> None:
    os.makedirs(WL_DIR, exist_ok=True)
    for w in WORKLOADS.values():
        if w.definition_name is None:
            with open(w.def_file, "w") as f:
                json.dump(w.build(), f, indent=2)
                f.write("\n")
        n = w.default_n
        for suffix, obj in (("input", w.make_input(n)), ("expected", w.expected(n))):
            with open(os.path.join(WL_DIR, f"{w.name}.{suffix}.json"), "w") as f:
                json.dump(obj, f, separators=(",", ":"))
                f.write("\n")


if __name__ == "__main__":
    write_files()
    for w in WORKLOADS.values():
        print(f"{w.name:20s} n={w.default_n:<6d} transitions={w.transitions(w.default_n):<6d} {w.description}")
    print("payload doc bytes:", len(json.dumps(payload_doc(), separators=(",", ":"))))
