"""Python stand-ins for the services the order-processing workflow calls.

On AWS, ``order_processing.asl.json`` calls three Lambda functions and a DynamoDB table.
Offline, :class:`Shop` plays all of them; ``Shop().resolvers()`` is the ``resolvers=``
mapping to give :func:`asl.run`:

* ``ValidateOrder`` (a Lambda ARN Resource): checks the order and prices it. A bad order
  raises :class:`ValidationError`, which the workflow catches; ``validator_outages=N``
  makes the first N calls raise :class:`ServiceUnavailable`, which the workflow retries.
* ``RequestApproval`` (``lambda:invoke.waitForTaskToken``): its return value stands for the
  output a reviewer would send back with ``SendTaskSuccess``.
* ``ProcessPayment`` (``lambda:invoke``): charges the order; Step Functions wraps the return
  value in the Invoke response, under ``Payload``.
* ``arn:aws:states:::dynamodb:updateItem``: :class:`InventoryTable`, an in-memory table
  that answers like DynamoDB's UpdateItem (typed attribute values, ``Attributes``, a
  ``ConditionalCheckFailedException`` when the condition does not hold).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import asl

UPDATE_ITEM = "arn:aws:states:::dynamodb:updateItem"
PAYMENT_METHODS = frozenset({"card", "paypal", "invoice"})

GOOD_ORDER: dict[str, Any] = {
    "orderId": "ord-1001",
    "customer": "alice@example.com",
    "sku": "WIDGET-1",
    "quantity": 2,
    "unitPrice": 19.99,
    "paymentMethod": "card",
}
"""An order the workflow accepts: two widgets, paid by card."""
BIG_ORDER: dict[str, Any] = {**GOOD_ORDER, "orderId": "ord-2001", "quantity": 3, "unitPrice": 499.0}
"""An order large enough to need a reviewer's approval."""
BAD_ORDER: dict[str, Any] = {**GOOD_ORDER, "orderId": "ord-1002", "quantity": 0}
"""An order the validator rejects (no quantity)."""

# The one update this table understands: take :q off the stock when there is enough.
_DECREMENT = "SET stock = stock - :q"
_ENOUGH_STOCK = "stock >= :q"


class ValidationError(Exception):
    """The order itself is wrong: retrying cannot help."""


class ServiceUnavailable(Exception):
    """A transient outage of the validator: worth retrying."""


@dataclass
class InventoryTable:
    """The ``Inventory`` table: one item per SKU, ``{"sku": {"S": ...}, "stock": {"N": ...}}``."""

    name: str = "Inventory"
    items: dict[str, dict[str, dict[str, str]]] = field(default_factory=dict)
    requests: list[dict[str, Any]] = field(default_factory=list)

    @classmethod
    def with_stock(cls, stock: dict[str, int]) -> InventoryTable:
        """A table holding ``stock[sku]`` units of each SKU."""
        items = {sku: {"sku": {"S": sku}, "stock": {"N": str(n)}} for sku, n in stock.items()}
        return cls(items=items)

    def stock(self, sku: str) -> int:
        """Units of ``sku`` in stock now."""
        return int(self.items[sku]["stock"]["N"])

    def update_item(self, request: dict[str, Any]) -> dict[str, Any]:
        """Serve ``dynamodb:updateItem``: decrement the stock of one SKU, as DynamoDB would answer."""
        self.requests.append(request)
        table = request.get("TableName")
        if table != self.name:
            raise asl.StatesError("DynamoDB.ResourceNotFoundException", f"No table named {table}")
        expressions = (request.get("UpdateExpression"), request.get("ConditionExpression"))
        if expressions != (_DECREMENT, _ENOUGH_STOCK):
            raise asl.StatesError("DynamoDB.AmazonDynamoDBException", "this fake table only decrements stock")
        sku = request["Key"]["sku"]["S"]
        quantity = int(request["ExpressionAttributeValues"][":q"]["N"])
        item = self.items.get(sku)
        if item is None or int(item["stock"]["N"]) < quantity:
            raise asl.StatesError(
                "DynamoDB.ConditionalCheckFailedException",
                "The conditional request failed (Service: DynamoDb, Status Code: 400, "
                "Error Code: ConditionalCheckFailedException)",
            )
        item["stock"] = {"N": str(int(item["stock"]["N"]) - quantity)}
        return {
            "Attributes": {"stock": dict(item["stock"])},
            "SdkHttpMetadata": {"HttpStatusCode": 200},
            "SdkResponseMetadata": {"RequestId": f"req-{len(self.requests)}"},
        }


@dataclass
class Shop:
    """Every service of the workflow, with knobs for the situations worth testing."""

    inventory: InventoryTable = field(default_factory=lambda: InventoryTable.with_stock({"WIDGET-1": 10}))
    validator_outages: int = 0
    """How many of the next ValidateOrder calls fail with :class:`ServiceUnavailable`."""
    approve_reviews: bool = True
    """What the reviewer answers to a manual review."""
    validate_calls: int = 0
    approval_requests: list[dict[str, Any]] = field(default_factory=list)
    charges: list[dict[str, Any]] = field(default_factory=list)

    def validate_order(self, order: dict[str, Any]) -> dict[str, Any]:
        """The ValidateOrder Lambda: reject bad orders, price good ones."""
        self.validate_calls += 1
        if self.validator_outages > 0:
            self.validator_outages -= 1
            raise ServiceUnavailable("the pricing service is not answering")
        quantity = order.get("quantity")
        if not isinstance(quantity, int) or quantity < 1:
            raise ValidationError(f"quantity must be a positive integer, got {quantity!r}")
        if not order.get("sku"):
            raise ValidationError("the order names no sku")
        if order.get("paymentMethod") not in PAYMENT_METHODS:
            raise ValidationError(f"unknown payment method {order.get('paymentMethod')!r}")
        price = order.get("unitPrice")
        if not isinstance(price, (int, float)) or price <= 0:
            raise ValidationError(f"unitPrice must be a positive number, got {price!r}")
        return {"total": round(quantity * price, 2), "currency": "USD"}

    def request_approval(self, request: dict[str, Any]) -> dict[str, Any]:
        """The RequestApproval Lambda and the reviewer's answer (what SendTaskSuccess would send)."""
        self.approval_requests.append(request)
        return {"approved": self.approve_reviews, "reviewer": "ops@example.com"}

    def process_payment(self, state: dict[str, Any]) -> dict[str, Any]:
        """The ProcessPayment Lambda: charge the validated total."""
        amount = state["validation"]["total"]
        self.charges.append({"orderId": state["orderId"], "amount": amount})
        return {"transactionId": f"txn-{state['orderId']}", "amount": amount, "status": "CAPTURED"}

    def resolvers(self) -> dict[str, Any]:
        """The ``resolvers=`` mapping for :func:`asl.run`: function names and the DynamoDB ARN."""
        return {
            "ValidateOrder": self.validate_order,
            "RequestApproval": self.request_approval,
            "ProcessPayment": self.process_payment,
            UPDATE_ITEM: self.inventory.update_item,
        }
