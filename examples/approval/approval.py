"""The pieces around the approval workflow: the queue requests go to, the approver, the order service.

``RequestApproval`` is an ``sqs:sendMessage.waitForTaskToken`` task. Here the queue is an
in-memory :class:`Inbox` (its ``send_message`` is the task's resolver) and the person is an
:class:`Approver` task that reads the inbox and answers each token with
``engine.send_task_success`` while the executions wait.
"""

from __future__ import annotations

from pathlib import Path
from types import TracebackType
from typing import Any

import anyio

from asl.engine import Engine

DEFINITION = Path(__file__).with_name("approval.asl.json")


class Inbox:
    """Stands in for the SQS queue: each message the workflow sends lands here."""

    def __init__(self) -> None:
        self._send, self._receive = anyio.create_memory_object_stream[dict[str, Any]](1000)
        self.sent = 0

    async def send_message(self, payload: dict[str, Any]) -> dict[str, Any]:
        """The resolver of ``sqs:sendMessage``: queue the message body."""
        self.sent += 1
        await self._send.send(payload["MessageBody"])
        return {"MessageId": f"msg-{self.sent}", "MD5OfMessageBody": "-"}

    async def receive(self) -> dict[str, Any]:
        """The next message (waits for one)."""
        return await self._receive.receive()

    async def __aenter__(self) -> Inbox:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self._send.aclose()
        await self._receive.aclose()


class Approver:
    """A manager who approves amounts up to ``limit``, rejects the rest, and ignores what they are ``away`` for."""

    def __init__(self, name: str = "dana", limit: float = 1000, away_for: tuple[str, ...] = ()) -> None:
        self.name = name
        self.limit = limit
        self.away_for = away_for
        self.answered: list[str] = []

    def decide(self, request: dict[str, Any]) -> dict[str, Any] | None:
        """The answer to one request, or None when it goes unanswered."""
        if request["item"] in self.away_for:
            return None
        if request["amount"] <= self.limit:
            return {"approved": True, "by": self.name}
        return {"approved": False, "by": self.name, "reason": f"{request['amount']} is over the {self.limit} limit"}

    async def serve(self, engine: Engine, inbox: Inbox) -> None:
        """Answer every request that arrives, from this task, until cancelled."""
        while True:
            message = await inbox.receive()
            answer = self.decide(message["request"])
            if answer is not None:
                engine.send_task_success(message["taskToken"], answer)
                self.answered.append(message["request"]["item"])


def place_order(event: dict[str, Any]) -> dict[str, Any]:
    """The ``place-order`` Lambda function."""
    return {"orderId": f"po-{event['item']}", "approvedBy": event["approvedBy"]}


def resolvers(inbox: Inbox) -> dict[str, Any]:
    """The workflow's resolvers."""
    return {"arn:aws:states:::sqs:sendMessage": inbox.send_message, "place-order": place_order}
