"""Run the order-processing workflow offline: one good order, then one bad order.

    python examples/order_processing/run.py

The validator is made to fail twice first, so the run shows the Retry at work; the
virtual clock makes the 2 s and 4 s backoff take no time and records them.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import asl
from asl.testing import VirtualClock

sys.path.insert(0, str(Path(__file__).parent))
from resolvers import BAD_ORDER, GOOD_ORDER, Shop

DEFINITION = Path(__file__).with_name("order_processing.asl.json")



def start(order: dict[str, Any], shop: Shop, clock: VirtualClock) -> asl.Execution:
    """Run one execution to its end and return it, whatever its status."""
    return asl.start(DEFINITION, order, resolvers=shop.resolvers(), clock=clock)


def main() -> int:
    """Run both orders and print what happened; exit 1 if either ends unexpectedly."""
    shop = Shop(validator_outages=2)
    clock = VirtualClock()
    good = start(GOOD_ORDER, shop, clock)
    print(f"good order: {good.status}")
    print(json.dumps(good.output, indent=2))
    print("path:", " -> ".join(good.path))
    print(f"validator calls: {shop.validate_calls}, backoff sleeps: {clock.sleeps}")
    print(f"WIDGET-1 left in stock: {shop.inventory.stock('WIDGET-1')}")

    bad = start(BAD_ORDER, shop, VirtualClock())
    print(f"\nbad order: {bad.status}")
    print("path:", " -> ".join(bad.path))
    print(f"Error: {bad.error}")
    print(f"Cause: {bad.cause}")
    print(f"(the validator said: {json.loads(bad.cause or '{}').get('errorMessage')})")
    return 0 if (good.status, bad.status) == ("SUCCEEDED", "FAILED") else 1


if __name__ == "__main__":
    sys.exit(main())
