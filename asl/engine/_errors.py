"""The errors of the Engine's API calls, named after the AWS Step Functions API errors they stand for.

Each carries ``code``: the AWS error code (``TaskDoesNotExist``, ``TaskTimedOut``, ...), so code
written against boto3's ``ClientError`` codes reads the same.
"""

from __future__ import annotations

from typing import ClassVar

from ..errors import ASLError

__all__ = [
    "ActivityDoesNotExist",
    "EngineError",
    "ExecutionAlreadyExists",
    "ExecutionDoesNotExist",
    "InvalidExecutionInput",
    "InvalidOutput",
    "InvalidToken",
    "StateMachineDoesNotExist",
    "TaskDoesNotExist",
    "TaskTimedOut",
]


class EngineError(ASLError):
    """An Engine API call was refused, as the Step Functions API would refuse it."""

    code: ClassVar[str] = "EngineError"
    """The AWS error code."""


class TaskDoesNotExist(EngineError):
    """``send_task_*`` with a token this engine never issued."""

    code = "TaskDoesNotExist"


class TaskTimedOut(EngineError):
    """``send_task_*`` with a token whose task already ended (answered, timed out, stopped)."""

    code = "TaskTimedOut"


class InvalidToken(EngineError):
    """A task token that is not a non-empty string of at most 2,048 characters."""

    code = "InvalidToken"


class InvalidOutput(EngineError):
    """``send_task_success`` with output that is not JSON data (or not valid JSON text)."""

    code = "InvalidOutput"


class ExecutionDoesNotExist(EngineError):
    """No execution has this ARN."""

    code = "ExecutionDoesNotExist"


class ExecutionAlreadyExists(EngineError):
    """An execution of this state machine already has this name."""

    code = "ExecutionAlreadyExists"


class InvalidExecutionInput(EngineError):
    """The execution input is not JSON data (or not valid JSON text)."""

    code = "InvalidExecutionInput"


class StateMachineDoesNotExist(EngineError):
    """No state machine is registered under this name or ARN."""

    code = "StateMachineDoesNotExist"


class ActivityDoesNotExist(EngineError):
    """No activity has this ARN."""

    code = "ActivityDoesNotExist"
