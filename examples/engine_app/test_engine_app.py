"""How to test an application that embeds an Engine: run it small, check what every execution did."""

from __future__ import annotations

from order_app import engine, run_orders

from asl.engine import Engine
from asl.testing import VirtualClock


def test_every_tenth_order_is_out_of_stock() -> None:
    """Of 50 concurrent orders, the 5 for the sold-out SKU fail with OutOfStock and the rest succeed."""

    async def main(engine: Engine) -> tuple[dict[str, int], list[str]]:
        statuses, _ = await run_orders(engine, 50)
        errors = sorted({h.execution.error or "" for h in engine.handles() if h.status == "FAILED"})
        return statuses, errors

    statuses, errors = engine(clock=VirtualClock()).serve(main)
    assert statuses == {"SUCCEEDED": 45, "FAILED": 5}
    assert errors == ["OutOfStock"]


def test_a_successful_order_carries_its_receipt() -> None:
    """A succeeded execution's output holds the stock check and the receipt."""

    async def main(engine: Engine) -> object:
        return await engine.run("Orders", {"orderId": "o-1", "sku": "sku-1"})

    output = engine(clock=VirtualClock()).serve(main)
    assert output == {
        "orderId": "o-1",
        "sku": "sku-1",
        "stock": {"available": "12"},
        "payment": {"receipt": "rcpt-o-1"},
    }
