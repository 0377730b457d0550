"""Run the JSONata order-processing workflow offline: one good order, one big order, one bad order.

    python examples/order_processing_jsonata/run.py

The services are the same Python stand-ins as the JSONPath example's
(``examples/order_processing/resolvers.py``). The validator fails twice first, so the run
shows the Retry at work; the virtual clock makes the 2 s and 4 s backoff take no time. The
history's ``assignedVariables`` show what each state stored.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import asl
from asl.testing import VirtualClock

sys.path.insert(0, str(Path(__file__).parents[1] / "order_processing"))
from resolvers import BAD_ORDER, BIG_ORDER, GOOD_ORDER, Shop

HERE = Path(__file__).parent
DEFINITION = HERE / "order_processing_jsonata.asl.json"



def start(order: dict[str, Any], shop: Shop, clock: VirtualClock) -> asl.Execution:
    """Run one execution to its end and return it, whatever its status."""
    return asl.start(DEFINITION, order, resolvers=shop.resolvers(), clock=clock)


def assignments(execution: asl.Execution) -> list[tuple[str, list[str]]]:
    """(state name, names of the variables it assigned) for each state that assigned some."""
    return [
        (event["name"], sorted(event["assignedVariables"]))
        for event in execution.events
        if event["type"].endswith("StateExited") and "assignedVariables" in event
    ]


def main() -> int:
    """Run the three orders and print what happened; exit 1 if any ends unexpectedly."""
    shop = Shop(validator_outages=2)
    clock = VirtualClock()
    good = start(GOOD_ORDER, shop, clock)
    print(f"good order: {good.status}")
    print(json.dumps(good.output, indent=2))
    print("path:", " -> ".join(good.path))
    print("variables assigned:", assignments(good))
    print(f"validator calls: {shop.validate_calls}, backoff sleeps: {clock.sleeps}")

    big = start(BIG_ORDER, shop, VirtualClock())
    print(f"\nbig order: {big.status}, path: {' -> '.join(big.path)}")
    print("reviewer was asked about:", {k: shop.approval_requests[-1][k] for k in ("orderId", "total")})

    bad = start(BAD_ORDER, shop, VirtualClock())
    print(f"\nbad order: {bad.status}")
    print("path:", " -> ".join(bad.path))
    print(f"Error: {bad.error}")
    print(f"(the validator said: {json.loads(bad.cause or '{}').get('errorMessage')})")
    statuses = (good.status, big.status, bad.status)
    return 0 if statuses == ("SUCCEEDED", "SUCCEEDED", "FAILED") else 1


if __name__ == "__main__":
    sys.exit(main())
