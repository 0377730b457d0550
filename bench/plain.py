"""The floor: hand-written plain Python doing the same data work as each workload.

No interpreter (no JSONPath, no definition walking, no event history, no deep copies where
sharing is safe): an ideal ASL interpreter could approach, never beat, these numbers.
A copy of the project's shared ``plain_baseline.py``; ``run.py --peers --peer-engines plain``
runs it in-process.

Each function takes (input, handlers, virtual_waits) and returns the output.
"""

from __future__ import annotations

import time

from generate import CHOICE_RECS, N_DECOYS


def pass_chain(inp, handlers, virtual_waits):
    s = inp
    while True:
        s = {"i": s["i"] + 1, "n": s["n"]}  # Inc (Pass + MathAdd)
        if not s["i"] < s["n"]:  # Check (Choice)
            return s


def map_inline(inp, handlers, virtual_waits):
    out = []
    for it in inp["items"]:
        r = {"id": it["id"], "price": it["p"], "label": "{}#{}".format(it["id"], it["p"]), "src": "bench"}
        out.append(r["label"])
    return out


def parallel_fanout(inp, handlers, virtual_waits):
    s = inp
    while True:
        fan = []
        for k in range(10):  # Fan (Parallel), branches run one after another
            a = {"i": s["ctr"]["i"], "b": k}
            b = dict(a)
            b["extra"] = {"k": k, "tag": "b"}
            fan.append({"i": b["i"], "b": b["b"], "tag": b["extra"]["tag"]})
        s = dict(s)
        s["fan"] = fan
        s = dict(s)  # Bump
        s["ctr"] = {"i": s["ctr"]["i"] + 1, "m": s["ctr"]["m"]}
        if not s["ctr"]["i"] < s["ctr"]["m"]:  # Loop
            return {"i": s["ctr"]["i"], "fan": s["fan"]}


def _match(s: str, pat: str) -> bool:
    """StringMatches with only '*' wildcards (no escapes in our patterns)."""
    parts = pat.split("*")
    if len(parts) == 1:
        return s == pat
    if not s.startswith(parts[0]):
        return False
    pos = len(parts[0])
    for mid in parts[1:-1]:
        j = s.find(mid, pos)
        if j < 0:
            return False
        pos = j + len(mid)
    return s.endswith(parts[-1]) and len(s) - len(parts[-1]) >= pos


def _route(c: dict) -> str:
    for k in range(N_DECOYS):  # the 12 decoy rules, as in workloads._decoy
        kind = k % 3
        if kind == 0:
            if "score" in c and c["tier"] == f"tier-{k}" and c["flags"]["vip"] is True:
                return "D"
        elif kind == 1:
            if _match(c["name"], f"zz*{k}") or c["score"] > 1000 + k:
                return "D"
        elif "email" not in c and c["score"] > c["limit"]:
            return "D"
    if "coupon" in c and _match(c["email"], "*@example.com") and c["score"] > c["limit"]:
        return "A"
    if (c["tier"] == "gold" and c["flags"]["vip"] is True) or (
        not _match(c["name"], "test-*") and c["score"] > 90
    ):
        return "B"
    if "coupon" not in c and c["score"] <= c["limit"] and _match(c["name"], "cust-*"):
        return "C"
    return "D"


def choice_heavy(inp, handlers, virtual_waits):
    s = inp
    while True:
        s = dict(s)
        s["pick"] = {"cur": s["recs"][s["ctr"]["j"]]}  # Pick
        hit = _route(s["pick"]["cur"])  # Route
        t = dict(s["tally"])  # Hit?
        t[hit] += 1
        s = dict(s)
        s["tally"] = t
        s = dict(s)  # Next
        s["ctr"] = {"i": s["ctr"]["i"] + 1, "j": s["ctr"]["j"] + 1}
        if s["ctr"]["i"] >= s["n"]:  # Wrap
            return {"i": s["ctr"]["i"], "tally": s["tally"]}
        if s["ctr"]["j"] == len(CHOICE_RECS):
            s = dict(s)  # Reset
            s["ctr"] = {"i": s["ctr"]["i"], "j": 0}


def payload_heavy(inp, handlers, virtual_waits):
    s = inp
    while True:
        d = s["doc"]  # Select
        s = dict(s)
        s["view"] = {"users": d["users"], "meta": d["meta"], "count": len(d["users"])}
        v = s["view"]  # Summarise (1-branch Parallel + ResultSelector)
        branch = [{"first": v["users"][0], "count": v["count"], "region": v["meta"]["region"]}]
        s = dict(s)
        s["summary"] = {"pick": branch[0], "n": len(branch)}
        s = {  # Bump (Parameters + ResultPath + OutputPath)
            "doc": s["doc"],
            "ctr": {"i": s["ctr"]["i"] + 1, "n": s["ctr"]["n"]},
            "last": s["summary"],
        }
        if not s["ctr"]["i"] < s["ctr"]["n"]:  # Loop
            return {"i": s["ctr"]["i"], "last": s["last"], "users": len(s["doc"]["users"])}


def task_retry(inp, handlers, virtual_waits):
    work = handlers["Work"]
    s = inp
    while True:
        interval, attempt = 1.0, 0
        while True:  # Work (Task + Retry [States.ALL, 1 s, x2, 3 attempts])
            try:
                r = work({"i": s["i"]})
                break
            except Exception:
                attempt += 1
                if attempt > 3:
                    raise
                if not virtual_waits:
                    time.sleep(interval)
                interval *= 2
        s = dict(s)
        s["r"] = r
        s = {"i": s["i"] + 1, "n": s["n"], "r": s["r"]}  # Inc
        if not s["i"] < s["n"]:  # Check
            return s


PLAIN = {
    "pass_chain": pass_chain,
    "map_inline": map_inline,
    "parallel_fanout": parallel_fanout,
    "choice_heavy": choice_heavy,
    "payload_heavy": payload_heavy,
    "task_retry": task_retry,
    "task_retry_virtual": task_retry,
}
