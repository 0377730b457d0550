"""The errors of the Engine's API calls, named after the AWS Step Functions API errors they stand for.

Each carries ``code``: the AWS error code, which is the class's name (``TaskDoesNotExist``,
``TaskTimedOut``, ...), so code written against boto3's ``ClientError`` codes reads the same.
Every class is a subclass of :class:`EngineError` that only names the code and says when it is
raised.
"""

from __future__ import annotations

from typing import ClassVar

from .. import limits
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
    """The AWS error code (a subclass's name)."""

    def __init_subclass__(cls) -> None:
        super().__init_subclass__()
        cls.code = cls.__name__


class TaskDoesNotExist(EngineError):
    """``send_task_*`` with a token this engine never issued."""


class TaskTimedOut(EngineError):
    """``send_task_*`` with a token whose task already ended (answered, timed out, retried, stopped)."""


class InvalidToken(EngineError):
    """A task token that is not a non-empty string of at most 2,048 characters."""


class InvalidOutput(EngineError):
    """``send_task_success`` with output that is not JSON data (or not valid JSON text)."""


class ExecutionDoesNotExist(EngineError):
    """No execution has this ARN."""


class ExecutionAlreadyExists(EngineError):
    """An execution of this state machine already has this name."""


class InvalidExecutionInput(EngineError, limits.InvalidExecutionInput):
    """The execution input is not JSON data (or not valid JSON text), or is over the payload quota.

    Also an :class:`asl.InvalidExecutionInput`, so one ``except`` serves ``asl.run`` and the engine.
    """


class StateMachineDoesNotExist(EngineError):
    """No state machine is registered under this name or ARN."""


class ActivityDoesNotExist(EngineError):
    """No activity has this ARN (it is not an activity ARN, or it was deleted)."""
