"""Host many executions in one process, with the integration patterns production machines use.

:class:`Engine` runs executions concurrently in one anyio task group and supplies, through the
resolver layer, what a plain :func:`asl.run` cannot: ``.waitForTaskToken`` callbacks answered
with :meth:`Engine.send_task_success` (from another task or thread), heartbeats, activities
polled with :meth:`Engine.get_activity_task`, nested executions through
``arn:aws:states:::states:startExecution`` (``.sync``, ``.sync:2``, ``.waitForTaskToken``), and
``stop`` (``ABORTED``, cancelling running tasks, branches and iterations).
"""

from __future__ import annotations

from ._activities import ActivityTask as ActivityTask
from ._blocking import BlockingEngine as BlockingEngine
from ._blocking import BlockingHandle as BlockingHandle
from ._engine import Engine as Engine
from ._engine import StateMachineEntry as StateMachineEntry
from ._errors import ActivityDoesNotExist as ActivityDoesNotExist
from ._errors import EngineError as EngineError
from ._errors import ExecutionAlreadyExists as ExecutionAlreadyExists
from ._errors import ExecutionDoesNotExist as ExecutionDoesNotExist
from ._errors import InvalidExecutionInput as InvalidExecutionInput
from ._errors import InvalidOutput as InvalidOutput
from ._errors import InvalidToken as InvalidToken
from ._errors import StateMachineDoesNotExist as StateMachineDoesNotExist
from ._errors import TaskDoesNotExist as TaskDoesNotExist
from ._errors import TaskTimedOut as TaskTimedOut
from ._live import ExecutionHandle as ExecutionHandle
from ._tokens import PendingTask as PendingTask

__all__ = [
    "ActivityDoesNotExist",
    "ActivityTask",
    "BlockingEngine",
    "BlockingHandle",
    "Engine",
    "EngineError",
    "ExecutionAlreadyExists",
    "ExecutionDoesNotExist",
    "ExecutionHandle",
    "InvalidExecutionInput",
    "InvalidOutput",
    "InvalidToken",
    "PendingTask",
    "StateMachineDoesNotExist",
    "StateMachineEntry",
    "TaskDoesNotExist",
    "TaskTimedOut",
]
