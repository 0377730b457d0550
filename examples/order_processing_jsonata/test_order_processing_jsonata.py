"""How a user tests the JSONata order-processing workflow with `asl`: plain pytest, no AWS account.

Run with ``python -m pytest examples``. The services are the Python stand-ins of the JSONPath
example (``examples/order_processing/resolvers.py``); the workflow keeps the order, its
validation, the review and the payment in variables instead of threading them through the
state input.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest

import asl
from asl.testing import VirtualClock

sys.path.insert(0, str(Path(__file__).parents[1] / "order_processing"))
from resolvers import BIG_ORDER, InventoryTable, Shop
from resolvers import GOOD_ORDER as ORDER

HERE = Path(__file__).parent
DEFINITION = HERE / "order_processing_jsonata.asl.json"



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


def assigned(execution: asl.Execution, state: str) -> dict[str, Any]:
    """The variables ``state`` assigned when it exited (empty when it assigned none)."""
    for event in execution.events:
        if event["type"].endswith("StateExited") and event["name"] == state:
            return dict(event.get("assignedVariables", {}))
    raise AssertionError(f"{state} never exited")


def test_definition_is_valid() -> None:
    """The JSONata definition passes validation with no issues."""
    assert asl.validate(DEFINITION) == []


def test_happy_path_output_is_built_from_variables(shop: Shop, clock: VirtualClock) -> None:
    """The last Task's Output summarises the order from the variables set along the way."""
    output = asl.run(DEFINITION, ORDER, resolvers=shop.resolvers(), clock=clock)
    assert output == {
        "orderId": "ord-1001",
        "sku": "WIDGET-1",
        "quantity": 2,
        "total": 39.98,
        "currency": "USD",
        "payment": {"transactionId": "txn-ord-1001", "amount": 39.98, "status": "CAPTURED"},
        "remainingStock": 8,
    }


def test_validation_result_is_stored_in_a_variable(shop: Shop, clock: VirtualClock) -> None:
    """ValidateOrder assigns the order and the validator's answer."""
    execution = start(ORDER, shop, clock)
    assert assigned(execution, "ValidateOrder") == {
        "order": ORDER,
        "validation": {"total": 39.98, "currency": "USD"},
    }


def test_payment_is_charged_the_validated_total(shop: Shop, clock: VirtualClock) -> None:
    """ProcessPayment's Arguments read $validation, so the charge is the validated total."""
    asl.run(DEFINITION, ORDER, resolvers=shop.resolvers(), clock=clock)
    assert shop.charges == [{"orderId": "ord-1001", "amount": 39.98}]


def test_inventory_request_is_typed(shop: Shop, clock: VirtualClock) -> None:
    """UpdateItem gets the SKU as an S value and the quantity as an N string, from $order."""
    asl.run(DEFINITION, ORDER, resolvers=shop.resolvers(), clock=clock)
    (request,) = shop.inventory.requests
    assert request["Key"] == {"sku": {"S": "WIDGET-1"}}
    assert request["ExpressionAttributeValues"] == {":q": {"N": "2"}}


def test_big_order_goes_through_manual_review(shop: Shop, clock: VirtualClock) -> None:
    """An order above 1000 is reviewed; the reviewer gets the order summary and a task token."""
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


def test_declined_review_names_the_reviewer(clock: VirtualClock) -> None:
    """A refusal fails the order before any charge, with a Cause built from $review and $order."""
    shop = Shop(approve_reviews=False)
    with pytest.raises(asl.ExecutionFailed) as failed:
        asl.run(DEFINITION, BIG_ORDER, resolvers=shop.resolvers(), clock=clock)
    assert (failed.value.error, failed.value.cause) == (
        "OrderRejected",
        "Declined by ops@example.com: order ord-2001 was not charged.",
    )
    assert shop.charges == []


def test_invalid_order_fails_with_the_validator_error(shop: Shop, clock: VirtualClock) -> None:
    """A ValidationError is caught at once; the Catch's $failure variable becomes the Fail Cause."""
    with pytest.raises(asl.ExecutionFailed) as failed:
        asl.run(DEFINITION, {**ORDER, "quantity": 0}, resolvers=shop.resolvers(), clock=clock)
    assert failed.value.error == "OrderValidationFailed"
    assert failed.value.cause is not None
    cause = json.loads(failed.value.cause)
    assert (cause["errorType"], cause["errorMessage"]) == (
        "ValidationError",
        "quantity must be a positive integer, got 0",
    )
    assert (shop.validate_calls, clock.sleeps) == (1, [])


def test_flaky_validator_is_retried_with_backoff(clock: VirtualClock) -> None:
    """Two outages are retried after 2 s then 4 s, and the order goes through."""
    shop = Shop(validator_outages=2)
    output = asl.run(DEFINITION, ORDER, resolvers=shop.resolvers(), clock=clock)
    assert clock.sleeps == [2.0, 4.0]
    assert output["payment"]["status"] == "CAPTURED"


def test_out_of_stock_fails_with_the_dynamodb_error(clock: VirtualClock) -> None:
    """Ordering more than the stock fails UpdateInventory and leaves the stock alone."""
    shop = Shop(inventory=InventoryTable.with_stock({"WIDGET-1": 1}))
    with pytest.raises(asl.ExecutionFailed) as failed:
        asl.run(DEFINITION, ORDER, resolvers=shop.resolvers(), clock=clock)
    assert failed.value.error == "DynamoDB.ConditionalCheckFailedException"
    assert shop.inventory.stock("WIDGET-1") == 1


def test_same_outcome_as_the_jsonpath_workflow(clock: VirtualClock) -> None:
    """Both versions charge the same amount and leave the same stock for the same order."""
    jsonpath = HERE.parent / "order_processing" / "order_processing.asl.json"
    old, new = Shop(), Shop()
    asl.run(jsonpath, ORDER, resolvers=old.resolvers(), clock=VirtualClock())
    asl.run(DEFINITION, ORDER, resolvers=new.resolvers(), clock=clock)
    assert (new.charges, new.inventory.stock("WIDGET-1")) == (old.charges, old.inventory.stock("WIDGET-1"))
