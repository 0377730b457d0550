"""The order workflow tested the Step Functions Local way: a MockConfigFile, one test case per path.

``MockConfigFile.json`` beside this file is the mock configuration you would give Step
Functions Local (``SFN_MOCK_CONFIG``); here the ``asl_mock`` marker picks a test case and the
``asl_runner`` fixture (from the plugin that ``asl-engine`` installs) runs the definition with it,
on a virtual clock, so the 2 s/4 s/8 s retry backoffs take no time. Task states a test case does
not mock are served by the resolvers registered with ``asl_resolvers``, the Python stand-ins of
``resolvers.py``.

    python -m pytest examples/order_processing --asl-cov
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from resolvers import BIG_ORDER, UPDATE_ITEM, Shop
from resolvers import GOOD_ORDER as ORDER

import asl
from asl.testing import (
    ResolverRegistry,
    Runner,
    Snapshot,
    assert_failed,
    assert_output,
    assert_path,
    assert_retried,
    assert_succeeded,
)

DEFINITION = "order_processing.asl.json"
MOCKS = pytest.mark.asl_mock(config="MockConfigFile.json")
"""The marker with the file filled in: ``@MOCKS("HappyPath")`` picks a test case."""

SMALL_PATH = ["ValidateOrder", "CheckOrderValue", "ProcessPayment", "UpdateInventory", "OrderComplete"]


@MOCKS("HappyPath")
def test_happy_path(asl_runner: Runner) -> None:
    """Every task mocked: the order is validated, charged and taken off the stock."""
    execution = asl_runner.run(DEFINITION, ORDER)
    assert_path(execution, SMALL_PATH)
    assert_output(
        execution,
        {
            **ORDER,
            "validation": {"total": 39.98, "currency": "USD"},
            "payment": {"transactionId": "txn-ord-1001", "amount": 39.98, "status": "CAPTURED"},
            "inventory": {"remainingStock": 8},
        },
    )


@MOCKS("ValidatorRecovers")
def test_validator_outage_is_retried(asl_runner: Runner) -> None:
    """Two mocked ServiceUnavailable errors are retried after 2 s then 4 s, and the order goes through."""
    execution = asl_runner.run(DEFINITION, ORDER)
    assert_succeeded(execution)
    assert_retried(execution, "ValidateOrder", times=2)
    assert asl_runner.clock.sleeps == [2.0, 4.0]


@MOCKS("ValidatorDown")
def test_validator_outage_exhausts_the_retries(asl_runner: Runner) -> None:
    """Four failures in a row (the first try and 3 retries) fail the execution with the outage error."""
    execution = asl_runner.run(DEFINITION, ORDER)
    assert_failed(execution, error="ServiceUnavailable", cause="the pricing service is not answering")
    assert asl_runner.clock.sleeps == [2.0, 4.0, 8.0]


@MOCKS("InvalidOrder")
def test_invalid_order_is_caught(asl_runner: Runner) -> None:
    """A mocked ValidationError is not retried: the Catch sends it to OrderFailed, with the Lambda error as cause."""
    execution = asl_runner.run(DEFINITION, {**ORDER, "quantity": 0})
    assert_path(execution, ["ValidateOrder", "OrderFailed"])
    assert_failed(execution, error="OrderValidationFailed", cause=re.compile("quantity must be a positive integer"))
    assert_retried(execution, "ValidateOrder", times=0)


@MOCKS("BigOrderApproved")
def test_big_order_is_reviewed_then_charged(asl_runner: Runner) -> None:
    """A mocked .waitForTaskToken review completes at once with the reviewer's answer."""
    execution = asl_runner.run(DEFINITION, BIG_ORDER)
    assert_path(
        execution,
        [
            "ValidateOrder",
            "CheckOrderValue",
            "ManualReview",
            "ReviewDecision",
            "ProcessPayment",
            "UpdateInventory",
            "OrderComplete",
        ],
    )
    assert execution.output["review"] == {"approved": True, "reviewer": "ops@example.com"}


@MOCKS("BigOrderDeclined")
def test_declined_review_stops_the_order(asl_runner: Runner) -> None:
    """A declined review fails the order before any charge."""
    execution = asl_runner.run(DEFINITION, BIG_ORDER)
    assert_failed(execution, "OrderRejected", "A reviewer declined the order.")
    assert "ProcessPayment" not in execution.path


@MOCKS("PaymentThrottled")
def test_payment_throttling_is_retried(asl_runner: Runner) -> None:
    """Lambda.TooManyRequestsException is retried once after 1 s."""
    execution = asl_runner.run(DEFINITION, ORDER)
    assert_retried(execution, "ProcessPayment", times=1)
    assert (execution.status, asl_runner.clock.sleeps) == ("SUCCEEDED", [1.0])


@MOCKS("OutOfStock")
def test_out_of_stock_fails_with_the_dynamodb_error(asl_runner: Runner) -> None:
    """The DynamoDB condition failure is not handled, so it fails the execution."""
    execution = asl_runner.run(DEFINITION, ORDER)
    assert_failed(execution, error="DynamoDB.ConditionalCheckFailedException")
    assert execution.path[-1] == "UpdateInventory"


# -- mocks and resolvers together -------------------------------------------------------------------


@pytest.fixture
def shop(asl_resolvers: ResolverRegistry) -> Shop:
    """The Python stand-ins of resolvers.py, registered for the Tasks a test case leaves unmocked."""
    services = Shop()
    asl_resolvers.update(services.resolvers())
    return services


@MOCKS("ValidatorOnly")
def test_unmocked_tasks_use_the_resolvers(asl_runner: Runner, shop: Shop) -> None:
    """ValidateOrder is mocked; payment and stock go to the Python stand-ins, as on Step Functions Local."""
    execution = asl_runner.run(DEFINITION, ORDER)
    assert_path(execution, SMALL_PATH)
    assert (shop.validate_calls, shop.charges) == (0, [{"orderId": "ord-1001", "amount": 39.98}])
    assert shop.inventory.stock("WIDGET-1") == 8


def test_resolvers_alone(asl_runner: Runner, shop: Shop) -> None:
    """Without a marker nothing is mocked: the registered resolvers serve every Task."""
    assert_succeeded(asl_runner.run(DEFINITION, ORDER))
    assert shop.validate_calls == 1


def test_a_resolver_can_replace_one_service(asl_runner: Runner, asl_resolvers: ResolverRegistry, shop: Shop) -> None:
    """A resolver registered in the test overrides the stand-in for that one service."""

    @asl_resolvers.register(UPDATE_ITEM)
    def no_stock(request: dict[str, Any]) -> Any:
        raise asl.StatesError("DynamoDB.ConditionalCheckFailedException", "The conditional request failed")

    assert_failed(asl_runner.run(DEFINITION, ORDER), error="DynamoDB.ConditionalCheckFailedException")
    assert shop.charges != []  # charged before the stock update failed: a real bug worth a Catch


@pytest.mark.parametrize(
    ("case", "status"),
    [("HappyPath", "SUCCEEDED"), ("InvalidOrder", "FAILED"), ("BigOrderDeclined", "FAILED")],
)
def test_test_case_chosen_per_run(asl_runner: Runner, case: str, status: str) -> None:
    """mock_config=/test_case= on one run pick a test case without a marker."""
    order = BIG_ORDER if case.startswith("Big") else ORDER
    execution = asl_runner.run(DEFINITION, order, mock_config="MockConfigFile.json", test_case=case)
    assert execution.status == status


@MOCKS("HappyPath")
def test_output_matches_the_snapshot(asl_runner: Runner, asl_snapshot: Snapshot) -> None:
    """The whole output equals __snapshots__/test_order_mocks/test_output_matches_the_snapshot.json."""
    asl_snapshot(asl_runner.run(DEFINITION, ORDER))


def test_plain_asl_run_reads_the_mock_file_too() -> None:
    """Without the plugin: asl.run(..., mock_config=, test_case=) takes the same file."""
    from pathlib import Path

    here = Path(__file__).parent
    output = asl.run(
        here / DEFINITION,
        ORDER,
        mock_config=here / "MockConfigFile.json",
        test_case="HappyPath",
        clock=asl.testing.VirtualClock(),
    )
    assert json.loads(json.dumps(output))["inventory"] == {"remainingStock": 8}
