"""An application embedding an :class:`asl.engine.Engine`: many order executions at once.

The services are async Python functions that take a few milliseconds, as network calls
would; the engine runs every execution in one task group, so their waits overlap.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import anyio

from asl.engine import Engine

DEFINITION = Path(__file__).with_name("orders.asl.json")
SERVICE_DELAY = 0.005


async def get_item(payload: dict[str, Any]) -> dict[str, Any]:
    """``aws-sdk:dynamodb:getItem`` on the stock table: every SKU but ``sold-out`` is in stock."""
    await anyio.sleep(SERVICE_DELAY)
    count = "0" if payload["Key"]["sku"]["S"] == "sold-out" else "12"
    return {"Item": {"sku": payload["Key"]["sku"], "count": {"N": count}}}


async def charge(event: dict[str, Any]) -> dict[str, Any]:
    """The ``charge`` Lambda function."""
    await anyio.sleep(SERVICE_DELAY)
    return {"receipt": f"rcpt-{event['orderId']}"}


def engine(**options: Any) -> Engine:
    """An engine with the Orders machine and its services."""
    resolvers = {"arn:aws:states:::aws-sdk:dynamodb:getItem": get_item, "charge": charge}
    return Engine(resolvers=resolvers, state_machines={"Orders": DEFINITION}, **options)


async def run_orders(engine: Engine, count: int) -> tuple[dict[str, int], float]:
    """Start ``count`` executions at once and wait for them all; (status counts, seconds taken)."""
    began = time.perf_counter()
    handles = []
    for i in range(count):
        sku = "sold-out" if i % 10 == 9 else f"sku-{i % 7}"
        handles.append(await engine.start("Orders", {"orderId": f"o-{i}", "sku": sku}))
    statuses: dict[str, int] = {}
    for handle in handles:
        status = (await handle.wait()).status
        statuses[status] = statuses.get(status, 0) + 1
    return statuses, time.perf_counter() - began
