"""How a user tests the order-processing workflow with `asl`: plain pytest, no AWS account.

Run with ``python -m pytest examples``. Each test runs the real definition file against
the Python stand-ins in ``resolvers.py``, under a virtual clock so retries cost no time.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from resolvers import BIG_ORDER, InventoryTable, Shop
from resolvers import GOOD_ORDER as ORDER

import asl
from asl.testing import VirtualClock

DEFINITION = Path(__file__).with_name("order_processing.asl.json")



@pytest.fixture
def shop() -> Shop:
    """Fresh services for each test: 10 WIDGET-1 in stock, a healthy validator."""
    return Shop()


@pytest.fixture
def clock() -> VirtualClock:
    """A clock under which every wait is instant and recorded."""
    return VirtualClock()


def start(order: dict[str, Any], shop: Shop, clock: VirtualClock) -> asl.Execution:
    """Run the workflow to its end and return the execution, whatever its status."""
    return asl.start(DEFINITION, order, resolvers=shop.resolvers(), clock=clock)


def test_definition_is_valid() -> None:
    """The definition passes validation with no issues."""
    assert asl.validate(DEFINITION) == []


def test_happy_path_output(shop: Shop, clock: VirtualClock) -> None:
    """A small card order comes out validated, charged and with its stock update."""
    output = asl.run(DEFINITION, ORDER, resolvers=shop.resolvers(), clock=clock)
    assert output == {
        **ORDER,
        "validation": {"total": 39.98, "currency": "USD"},
        "payment": {"transactionId": "txn-ord-1001", "amount": 39.98, "status": "CAPTURED"},
        "inventory": {"remainingStock": 8},
    }


def test_happy_path_states(shop: Shop, clock: VirtualClock) -> None:
    """A small card order skips manual review."""
    execution = start(ORDER, shop, clock)
    assert execution.status == "SUCCEEDED"
    assert execution.path == [
        "ValidateOrder",
        "CheckOrderValue",
        "ProcessPayment",
        "UpdateInventory",
        "OrderComplete",
    ]


def test_inventory_request_is_typed(shop: Shop, clock: VirtualClock) -> None:
    """UpdateItem gets the SKU as an S value and the quantity as an N string."""
    asl.run(DEFINITION, ORDER, resolvers=shop.resolvers(), clock=clock)
    (request,) = shop.inventory.requests
    assert request["Key"] == {"sku": {"S": "WIDGET-1"}}
    assert request["ExpressionAttributeValues"] == {":q": {"N": "2"}}
    assert shop.inventory.stock("WIDGET-1") == 8


def test_invalid_order_fails_without_retry(shop: Shop, clock: VirtualClock) -> None:
    """A ValidationError is caught at once (no retry) and ends in OrderFailed."""
    with pytest.raises(asl.ExecutionFailed) as failed:
        asl.run(DEFINITION, {**ORDER, "quantity": 0}, resolvers=shop.resolvers(), clock=clock)
    assert failed.value.error == "OrderValidationFailed"
    assert failed.value.execution.path[-1] == "OrderFailed"
    assert (shop.validate_calls, clock.sleeps) == (1, [])


def test_invalid_order_cause_carries_the_lambda_error(shop: Shop, clock: VirtualClock) -> None:
    """OrderFailed's cause is the validator's Lambda error, with its type and message."""
    with pytest.raises(asl.ExecutionFailed) as failed:
        asl.run(DEFINITION, {**ORDER, "quantity": 0}, resolvers=shop.resolvers(), clock=clock)
    assert failed.value.cause is not None
    cause = json.loads(failed.value.cause)
    assert cause["errorType"] == "ValidationError"
    assert cause["errorMessage"] == "quantity must be a positive integer, got 0"


def test_flaky_validator_is_retried_with_backoff(clock: VirtualClock) -> None:
    """Two outages are retried after 2 s then 4 s, and the order goes through."""
    shop = Shop(validator_outages=2)
    output = asl.run(DEFINITION, ORDER, resolvers=shop.resolvers(), clock=clock)
    assert clock.sleeps == [2.0, 4.0]
    assert shop.validate_calls == 3
    assert output["payment"]["status"] == "CAPTURED"


def test_validator_outage_exhausts_retries(clock: VirtualClock) -> None:
    """After 3 retries (2 s, 4 s, 8 s) the outage error fails the execution."""
    shop = Shop(validator_outages=10)
    with pytest.raises(asl.ExecutionFailed) as failed:
        asl.run(DEFINITION, ORDER, resolvers=shop.resolvers(), clock=clock)
    assert failed.value.error == "ServiceUnavailable"
    assert clock.sleeps == [2.0, 4.0, 8.0]
    assert shop.validate_calls == 4


def test_big_order_goes_through_manual_review(shop: Shop, clock: VirtualClock) -> None:
    """An order above 1000 waits for a reviewer before it is charged."""
    execution = start(BIG_ORDER, shop, clock)
    assert execution.path == [
        "ValidateOrder",
        "CheckOrderValue",
        "ManualReview",
        "ReviewDecision",
        "ProcessPayment",
        "UpdateInventory",
        "OrderComplete",
    ]
    assert execution.output["review"] == {"approved": True, "reviewer": "ops@example.com"}


def test_manual_review_request_carries_a_task_token(shop: Shop, clock: VirtualClock) -> None:
    """RequestApproval receives the order summary and a task token to answer with."""
    asl.run(DEFINITION, BIG_ORDER, resolvers=shop.resolvers(), clock=clock)
    (request,) = shop.approval_requests
    assert {k: request[k] for k in ("orderId", "total", "paymentMethod")} == {
        "orderId": "ord-2001",
        "total": 1497.0,
        "paymentMethod": "card",
    }
    assert isinstance(request["taskToken"], str) and request["taskToken"]


def test_invoice_order_goes_through_manual_review(shop: Shop, clock: VirtualClock) -> None:
    """A small order paid by invoice is reviewed too."""
    execution = start({**ORDER, "paymentMethod": "invoice"}, shop, clock)
    assert "ManualReview" in execution.path


def test_declined_review_stops_the_order(clock: VirtualClock) -> None:
    """A reviewer's refusal fails the order before any charge."""
    shop = Shop(approve_reviews=False)
    with pytest.raises(asl.ExecutionFailed) as failed:
        asl.run(DEFINITION, BIG_ORDER, resolvers=shop.resolvers(), clock=clock)
    assert (failed.value.error, failed.value.cause) == ("OrderRejected", "A reviewer declined the order.")
    assert shop.charges == []


def test_out_of_stock_fails_with_the_dynamodb_error(clock: VirtualClock) -> None:
    """Ordering more than the stock fails UpdateInventory's condition and leaves the stock alone."""
    shop = Shop(inventory=InventoryTable.with_stock({"WIDGET-1": 1}))
    with pytest.raises(asl.ExecutionFailed) as failed:
        asl.run(DEFINITION, ORDER, resolvers=shop.resolvers(), clock=clock)
    assert failed.value.error == "DynamoDB.ConditionalCheckFailedException"
    assert shop.inventory.stock("WIDGET-1") == 1
