"""Three purchase requests through a human-approval workflow, answered by an approver task.

    python examples/approval/run.py

The approver approves the laptop, rejects the server (over the limit) and never answers
for the sofa, which expires after a day: a virtual day, so the script ends at once.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import anyio

sys.path.insert(0, str(Path(__file__).parent))
from approval import DEFINITION, Approver, Inbox, resolvers

import asl
from asl.engine import Engine
from asl.testing import VirtualClock

REQUESTS = [
    {"id": "req-1", "item": "laptop", "amount": 950},
    {"id": "req-2", "item": "server", "amount": 12000},
    {"id": "req-3", "item": "sofa", "amount": 400},
]


async def process(engine: Engine, inbox: Inbox, approver: Approver) -> list[asl.Execution]:
    """Start every request, let the approver answer, and wait for all of them."""
    async with inbox, anyio.create_task_group() as tg:
        tg.start_soon(approver.serve, engine, inbox)
        handles = [await engine.start("Approval", request, name=request["id"]) for request in REQUESTS]
        executions = [await handle.wait() for handle in handles]
        tg.cancel_scope.cancel()
    return executions


def main() -> int:
    """Run the three requests and print how each ended."""
    inbox = Inbox()
    approver = Approver(away_for=("sofa",))
    engine = Engine(resolvers=resolvers(inbox), clock=VirtualClock(), state_machines={"Approval": DEFINITION})

    async def go(engine: Engine) -> list[asl.Execution]:
        return await process(engine, inbox, approver)

    executions = engine.serve(go)
    for request, execution in zip(REQUESTS, executions, strict=True):
        detail: Any = execution.output["order"] if execution.status == "SUCCEEDED" else execution.error
        print(f"{request['id']} ({request['item']}, {request['amount']}): {execution.status} {detail}")
    expected = ["SUCCEEDED", "FAILED", "FAILED"]
    return 0 if [e.status for e in executions] == expected else 1


if __name__ == "__main__":
    sys.exit(main())
