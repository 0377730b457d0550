"""The pieces of the parent/child example: the courier function and an engine with both machines.

``parent.asl.json`` maps over a batch of orders and ships each one through the ``ShipOrder``
machine (``child.asl.json``) with ``states:startExecution.sync:2``; every child is a nested
execution of the same :class:`~asl.engine.Engine`. A child that fails comes back to the
parent as ``States.TaskFailed`` whose cause holds the child's own error.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from asl.clock import Clock
from asl.engine import Engine

HERE = Path(__file__).parent
PARENT = HERE / "parent.asl.json"
CHILD = HERE / "child.asl.json"
CHILD_ARN = "arn:aws:states:us-east-1:111111111111:stateMachine:ShipOrder"


class NoCourier(Exception):
    """No courier serves the address."""


def book_courier(order: dict[str, Any]) -> dict[str, Any]:
    """The ``book-courier`` Lambda function: a tracking number, or NoCourier for the Moon."""
    if order.get("to") == "moon":
        raise NoCourier(f"nobody delivers order {order['orderId']} to the moon")
    return {"orderId": order["orderId"], "tracking": f"TRK-{order['orderId'].upper()}"}


def shipping_engine(clock: Clock | None = None) -> Engine:
    """An engine with ShipBatch (the parent) and ShipOrder (the child) registered."""
    engine = Engine(resolvers={"book-courier": book_courier}, clock=clock)
    engine.register(CHILD_ARN, CHILD)
    engine.register("ShipBatch", PARENT)
    return engine
