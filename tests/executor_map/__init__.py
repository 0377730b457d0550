"""Tests of Map: ItemReader, ItemBatcher, ResultWriter and the concurrency of iterations.

The helpers below build one-state machines around a Map and run them under a virtual clock.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

import asl
from asl.testing import VirtualClock

#: When every virtual clock of these tests starts: 2024-01-01T00:00:00Z.
START = datetime(2024, 1, 1, tzinfo=UTC)

GET_OBJECT = "arn:aws:states:::s3:getObject"
LIST_OBJECTS = "arn:aws:states:::s3:listObjectsV2"
PUT_OBJECT = "arn:aws:states:::s3:putObject"
#: The Resource of the Task states inside processors (served by a test's resolver).
WORK = "arn:aws:states:::aws-sdk:dynamodb:getItem"

PASS_PROCESSOR_STATES = {"P": {"Type": "Pass", "End": True}}
WORK_PROCESSOR_STATES = {"W": {"Type": "Task", "Resource": WORK, "End": True}}


def processor(mode: str = "DISTRIBUTED", states: dict[str, Any] | None = None) -> dict[str, Any]:
    """An ItemProcessor in ``mode`` that passes each item through (or runs ``states``)."""
    config: dict[str, Any] = {"Mode": mode}
    if mode == "DISTRIBUTED":
        config["ExecutionType"] = "STANDARD"
    states = states or PASS_PROCESSOR_STATES
    return {"ProcessorConfig": config, "StartAt": next(iter(states)), "States": states}


def map_machine(mode: str = "DISTRIBUTED", states: dict[str, Any] | None = None, **fields: Any) -> dict[str, Any]:
    """A machine whose only state ``M`` is a Map with ``fields``."""
    query_language = fields.pop("QueryLanguage", None)
    state = {"Type": "Map", "ItemProcessor": processor(mode, states), **fields, "End": True}
    machine: dict[str, Any] = {"StartAt": "M", "States": {"M": state}}
    if query_language:
        machine["QueryLanguage"] = query_language
    return machine


def run(definition: Any, input: Any = None, **kw: Any) -> Any:
    """``asl.run`` under a fresh virtual clock."""
    kw.setdefault("clock", VirtualClock(START))
    return asl.run(definition, input, **kw)


def fail(definition: Any, input: Any = None, **kw: Any) -> asl.ExecutionFailed:
    """Run and return the ``ExecutionFailed`` the execution must end with."""
    with pytest.raises(asl.ExecutionFailed) as info:
        run(definition, input, **kw)
    return info.value


class Recorder:
    """A resolver that returns ``result`` (or raises it) and keeps every payload it got."""

    def __init__(self, result: Any) -> None:
        self.result = result
        self.payloads: list[Any] = []

    def __call__(self, payload: Any) -> Any:
        self.payloads.append(payload)
        if isinstance(self.result, BaseException):
            raise self.result
        return self.result
