"""asl: run AWS Step Functions state machines offline, in-process, with AWS's semantics.

>>> import asl
>>> asl.run({"StartAt": "Hi", "States": {"Hi": {"Type": "Pass", "Result": "hello", "End": True}}})
'hello'
"""

from . import testing as testing
from ._api import run as run
from ._api import run_async as run_async
from ._api import start as start
from ._api import start_async as start_async
from ._teststate import InvalidTestStateRequest as InvalidTestStateRequest
from ._teststate import TestStateResult as TestStateResult
from ._teststate import test_state as test_state
from ._teststate import test_state_async as test_state_async
from .engine import Engine as Engine
from .errors import ASLError as ASLError
from .errors import DefinitionError as DefinitionError
from .errors import DefinitionIssue as DefinitionIssue
from .errors import ExecutionFailed as ExecutionFailed
from .errors import MissingResolvers as MissingResolvers
from .errors import StatesError as StatesError
from .execution import Execution as Execution
from .limits import InvalidExecutionInput as InvalidExecutionInput
from .parser import parse as parse
from .parser import validate as validate
from .resolvers import TaskCall as TaskCall
from .states import StateMachine as StateMachine

__all__ = [
    "ASLError",
    "DefinitionError",
    "DefinitionIssue",
    "Engine",
    "Execution",
    "ExecutionFailed",
    "InvalidExecutionInput",
    "InvalidTestStateRequest",
    "MissingResolvers",
    "StateMachine",
    "StatesError",
    "TaskCall",
    "TestStateResult",
    "parse",
    "run",
    "run_async",
    "start",
    "start_async",
    "test_state",
    "test_state_async",
    "testing",
    "validate",
]

__version__ = "0.1.0"
