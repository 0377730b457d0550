"""Ship a batch of three orders, each as a nested ShipOrder execution (startExecution.sync:2).

    python examples/parent_child/run.py
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))
from shipping import shipping_engine

from asl.engine import Engine

BATCH = {
    "orders": [
        {"orderId": "a-1", "to": "paris"},
        {"orderId": "a-2", "to": "moon"},
        {"orderId": "a-3", "to": "lima"},
    ]
}


def main() -> int:
    """Run the batch; print each shipment and the child executions the engine ran."""

    async def go(engine: Engine) -> tuple[Any, list[str]]:
        output = await engine.run("ShipBatch", BATCH, name="batch-1")
        children = [f"{h.name}: {h.status}" for h in engine.handles() if h.parent_arn is not None]
        return output, children

    output, children = shipping_engine().serve(go)
    print(json.dumps(output, indent=2))
    print("child executions:", ", ".join(children))
    shipments = output["shipments"]
    return 0 if [s.get("tracking") for s in shipments] == ["TRK-A-1", None, "TRK-A-3"] else 1


if __name__ == "__main__":
    sys.exit(main())
