"""How to test a human-approval workflow: the approver is a task answering tokens, time is virtual."""

from __future__ import annotations

from typing import Any

import anyio
import pytest
from approval import DEFINITION, Approver, Inbox, resolvers

import asl
from asl.engine import Engine
from asl.testing import VirtualClock


def decide(request: dict[str, Any], approver: Approver) -> asl.Execution:
    """Run one request through the workflow with ``approver`` answering from another task."""
    inbox = Inbox()
    engine = Engine(resolvers=resolvers(inbox), clock=VirtualClock(), state_machines={"Approval": DEFINITION})

    async def main(engine: Engine) -> asl.Execution:
        async with inbox, anyio.create_task_group() as tg:
            tg.start_soon(approver.serve, engine, inbox)
            execution = await (await engine.start("Approval", request)).wait()
            tg.cancel_scope.cancel()
        return execution

    return engine.serve(main)


def test_an_approved_request_places_the_order() -> None:
    """An approved request goes on to PlaceOrder with the approver's name."""
    execution = decide({"item": "laptop", "amount": 950}, Approver(name="dana"))
    assert execution.status == "SUCCEEDED"
    assert execution.output["decision"] == {"approved": True, "by": "dana"}
    assert execution.output["order"] == {"orderId": "po-laptop"}


def test_a_rejected_request_fails_with_the_reason() -> None:
    """A rejection ends in the Rejected Fail state with the approver's reason as the cause."""
    execution = decide({"item": "server", "amount": 12000}, Approver(limit=1000))
    assert (execution.status, execution.error) == ("FAILED", "Rejected")
    assert execution.cause == "12000 is over the 1000 limit"


def test_an_unanswered_request_expires_after_a_day() -> None:
    """With no answer, TimeoutSeconds (a virtual day) sends the request to Expired."""
    execution = decide({"item": "sofa", "amount": 10}, Approver(away_for=("sofa",)))
    assert (execution.status, execution.error) == ("FAILED", "ApprovalExpired")
    assert execution.path == ["RequestApproval", "Expired"]


@pytest.mark.parametrize(("amount", "status"), [(1000, "SUCCEEDED"), (1000.01, "FAILED")])
def test_the_limit_is_inclusive(amount: float, status: str) -> None:
    """An amount equal to the limit is approved; anything above is not."""
    assert decide({"item": "desk", "amount": amount}, Approver(limit=1000)).status == status
