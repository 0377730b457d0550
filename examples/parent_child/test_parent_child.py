"""How to test a parent workflow that runs a child state machine with startExecution.sync:2."""

from __future__ import annotations

import json
from typing import Any

from shipping import CHILD_ARN, shipping_engine

import asl
from asl.engine import Engine


def ship(orders: list[dict[str, Any]]) -> tuple[asl.Execution, list[asl.Execution]]:
    """Run the parent on ``orders``; the parent execution and its children."""

    async def main(engine: Engine) -> tuple[asl.Execution, list[asl.Execution]]:
        parent = await (await engine.start("ShipBatch", {"orders": orders})).wait()
        children = [h.execution for h in engine.handles() if h.parent_arn == parent.arn]
        return parent, children

    return shipping_engine().serve(main)


def test_each_order_is_shipped_by_its_own_child_execution() -> None:
    """Every order runs as one ShipOrder execution named after it, and its tracking comes back."""
    parent, children = ship([{"orderId": "x1", "to": "oslo"}, {"orderId": "x2", "to": "rome"}])
    assert parent.output["shipments"] == [
        {"orderId": "x1", "tracking": "TRK-X1"},
        {"orderId": "x2", "tracking": "TRK-X2"},
    ]
    assert sorted(c.name for c in children) == ["ship-x1", "ship-x2"]


def test_a_child_failure_comes_back_as_task_failed_with_the_child_error() -> None:
    """A failing child surfaces in the parent as States.TaskFailed whose cause names the child's error."""
    parent, children = ship([{"orderId": "m1", "to": "moon"}])
    (shipment,) = parent.output["shipments"]
    assert shipment == {
        "orderId": "m1",
        "error": "NoCourier",
        "child": CHILD_ARN.replace(":stateMachine:", ":execution:") + ":ship-m1",
    }
    assert children[0].status == "FAILED"


def test_the_child_knows_its_parent() -> None:
    """The child's input carries AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID = the parent's execution ARN."""
    parent, children = ship([{"orderId": "k1", "to": "kyiv"}])
    assert children[0].input["AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID"] == parent.arn


def test_the_child_alone_can_be_tested_with_asl_run() -> None:
    """The child is an ordinary state machine: asl.run tests it without the parent."""
    from shipping import CHILD, book_courier

    output = asl.run(CHILD, {"order": {"orderId": "z9"}}, resolvers={"book-courier": book_courier})
    assert json.dumps(output) == '{"orderId": "z9", "tracking": "TRK-Z9"}'
