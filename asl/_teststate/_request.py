"""A TestState request checked as AWS checks it, before anything runs.

AWS answers a bad request with a ``ValidationException`` (or ``InvalidDefinition``) and
never runs the state; :class:`InvalidTestStateRequest` plays that part here, with AWS's
message.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

import attrs

from ..errors import ASLError, DefinitionError
from ..parser import parse
from ..states import MapState, ParallelState, State, StateMachine, TaskState
from ._mockschema import MockResultInvalid, check_mock_result

__all__ = ["InvalidTestStateRequest", "Request", "build_request"]

#: The name AWS gives a state tested on its own (its error locations say /States/StateName/...).
SINGLE_STATE_NAME = "StateName"
INSPECTION_LEVELS = ("INFO", "DEBUG", "TRACE")
FIELD_VALIDATION_MODES = ("STRICT", "PRESENT", "NONE")
_UNMOCKABLE = frozenset({"Pass", "Succeed", "Fail", "Choice", "Wait"})
_CONTEXT_FIELDS: dict[str, dict[str, type | tuple[type, ...]]] = {
    "Execution": {
        "Id": str,
        "Input": object,
        "Name": str,
        "RoleArn": str,
        "StartTime": str,
        "RedriveCount": int,
        "RedriveTime": str,
    },
    "State": {"EnteredTime": str, "Name": str, "RetryCount": int},
    "StateMachine": {"Id": str, "Name": str},
    "Task": {"Token": str},
    "Map": {"Item": dict},
}
_CONFIGURATION_FIELDS = ("retrierRetryCount", "errorCausedByState", "mapIterationFailureCount", "mapItemReaderData")


class InvalidTestStateRequest(ASLError, ValueError):
    """AWS would reject this TestState request (``ValidationException``); nothing ran."""


@attrs.frozen
class Mock:
    """The ``mock`` of a request: a result, or an error output."""

    has_result: bool
    result: Any = None
    error: str | None = None
    cause: str | None = None
    field_validation_mode: str = "STRICT"


@attrs.frozen
class Request:
    """A checked request: the state to run and everything that shapes its run."""

    machine: StateMachine
    state: State
    input: Any
    mock: Mock | None
    variables: dict[str, Any]
    context: dict[str, Any] | None
    retrier_retry_count: int
    error_caused_by_state: str | None
    map_iteration_failure_count: int
    map_item_reader_data: Any
    inspection_level: str
    role_arn: str | None = None


def _json_argument(value: Any, what: str) -> Any:
    """A request field AWS takes as JSON text; Python callers may pass the value itself."""
    if not isinstance(value, str):
        return value
    try:
        return json.loads(value)
    except ValueError:
        raise InvalidTestStateRequest(f"{what} must be valid JSON") from None


def _mock(mock: Any) -> Mock | None:
    if mock is None:
        return None
    if not isinstance(mock, Mapping):
        raise InvalidTestStateRequest("The mock must be an object with a result or an errorOutput.")
    unknown = sorted(set(mock) - {"result", "errorOutput", "fieldValidationMode"})
    if unknown:
        raise InvalidTestStateRequest(f"Unknown mock field(s): {', '.join(unknown)}.")
    mode = mock.get("fieldValidationMode", "STRICT")
    if mode not in FIELD_VALIDATION_MODES:
        raise InvalidTestStateRequest(f"fieldValidationMode must be one of {list(FIELD_VALIDATION_MODES)}.")
    if ("result" in mock) == ("errorOutput" in mock):
        raise InvalidTestStateRequest(
            "A test mock should have only one of the following fields: [result, errorOutput]."
        )
    if "result" in mock:
        return Mock(True, _json_argument(mock["result"], "Mocked result"), field_validation_mode=mode)
    error_output = mock["errorOutput"]
    if not isinstance(error_output, Mapping) or not isinstance(error_output.get("error"), str):
        raise InvalidTestStateRequest("The mock's errorOutput must be an object with an error (and a cause).")
    cause = error_output.get("cause")
    if cause is not None and not isinstance(cause, str):
        raise InvalidTestStateRequest("The mock's errorOutput cause must be a string.")
    return Mock(False, error=error_output["error"], cause=cause, field_validation_mode=mode)


def _check_context(context: Any) -> dict[str, Any] | None:
    context = _json_argument(context, "The context")
    if context is None:
        return None
    if not isinstance(context, dict):
        raise InvalidTestStateRequest("Invalid Context object provided: the context must be an object")
    for key, value in context.items():
        fields = _CONTEXT_FIELDS.get(key)
        if fields is None:
            raise InvalidTestStateRequest(f"Invalid Context object provided: Field '{key}' is not allowed")
        if not isinstance(value, dict):
            raise InvalidTestStateRequest(f"Invalid Context object provided: {key} must be an object")
        for name, item in value.items():
            kind = fields.get(name)
            if kind is None:
                raise InvalidTestStateRequest(f"Invalid Context object provided: Field '{name}' is not allowed")
            if kind is int and (isinstance(item, bool) or not isinstance(item, int)):
                raise InvalidTestStateRequest(f"Invalid Context object provided: {key}.{name} must be an integer")
            if kind is str and not isinstance(item, str):
                raise InvalidTestStateRequest(f"Invalid Context object provided: {key}.{name} must be a string")
            if kind is dict and not isinstance(item, dict):
                raise InvalidTestStateRequest(f"Invalid Context object provided: {key}.{name} must be an object")
    return context


def _references(state: Mapping[str, Any]) -> set[str]:
    """The state names a lone state's transitions name (they need not exist in TestState)."""
    names = set()
    if isinstance(state.get("Next"), str):
        names.add(state["Next"])
    if isinstance(state.get("Default"), str):
        names.add(state["Default"])
    for key in ("Choices", "Catch"):
        for entry in state.get(key) or ():
            if isinstance(entry, Mapping) and isinstance(entry.get("Next"), str):
                names.add(entry["Next"])
    return names


def _lone_state_machine(state: Mapping[str, Any]) -> dict[str, Any]:
    """A machine around one state, with a stand-in for every state it may go to next."""
    states: dict[str, Any] = {name: {"Type": "Succeed"} for name in _references(state)}
    states[SINGLE_STATE_NAME] = dict(state)
    machine: dict[str, Any] = {"StartAt": SINGLE_STATE_NAME, "States": states}
    return machine


def _load(definition: Any) -> Any:
    if isinstance(definition, (str, bytes, bytearray)):
        try:
            return json.loads(definition)
        except ValueError as e:
            raise InvalidTestStateRequest(f"The definition is not valid JSON: {e}") from None
    return definition


def _machine_and_state(definition: Any, state_name: str | None) -> tuple[StateMachine, State]:
    definition = _load(definition)
    if isinstance(definition, StateMachine):
        machine = definition
        whole = True
    else:
        if not isinstance(definition, Mapping):
            raise InvalidTestStateRequest("The definition must be a state or a state machine (a JSON object).")
        whole = "States" in definition
        if state_name is not None and not whole:
            raise InvalidTestStateRequest("stateName is given but the definition is a single state.")
        machine = parse(definition if whole else _lone_state_machine(definition))
    if not whole:
        return machine, machine.all_states[SINGLE_STATE_NAME]
    if state_name is None:
        state_name = machine.start_at
    if not isinstance(state_name, str) or not state_name:
        raise InvalidTestStateRequest(
            "Invalid length for parameter stateName, value: 0, valid min length: 1"
        )
    state = machine.all_states.get(state_name)
    if state is None:
        raise InvalidTestStateRequest("State not found in definition")
    return machine, state


def _input(value: Any) -> Any:
    """The state input: AWS's default is ``{}``; bytes are JSON text."""
    if value is None:
        return {}
    if isinstance(value, (bytes, bytearray)):
        return _json_argument(value.decode(), "input")
    return value


def _non_negative(value: Any, name: str) -> int:
    if value is None:
        return 0
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise InvalidTestStateRequest(f"stateConfiguration.{name} must be a non-negative integer.")
    return value


def _check_mock_fits(state: State, mock: Mock | None) -> None:
    if mock is None:
        return
    if state.type in _UNMOCKABLE:
        raise InvalidTestStateRequest(f"State type '{state.type}' is not supported when a mock is specified")
    if not mock.has_result:
        return
    if isinstance(state, ParallelState):
        if not isinstance(mock.result, list):
            raise InvalidTestStateRequest("Mocked result must be an array.")
        if len(mock.result) != len(state.branches):
            raise InvalidTestStateRequest(
                "Mocked result must contain the same number of items as number of Parallel branches."
            )
    if isinstance(state, MapState):
        if state.result_writer is not None and not isinstance(mock.result, dict):
            raise InvalidTestStateRequest("Mocked result must be a JSON object.")
        if state.result_writer is None and not isinstance(mock.result, list):
            raise InvalidTestStateRequest("Mocked result must be an array.")


_ROLE_ARN = re.compile(r"arn:aws[a-z-]*:iam::\d{12}:role/[\w+=,.@/-]{1,512}")


def _role_arn(value: Any) -> str | None:
    """The request's ``roleArn``: an IAM role ARN, or None."""
    if value is None:
        return None
    if not isinstance(value, str) or not _ROLE_ARN.fullmatch(value):
        raise InvalidTestStateRequest(f"Invalid Arn: roleArn must be an IAM role ARN, got {value!r}")
    return value


def build_request(
    definition: Any,
    input: Any,
    *,
    state_name: str | None,
    mock: Any,
    variables: Any,
    context: Any,
    state_configuration: Any,
    inspection_level: str,
    has_resolvers: bool,
    role_arn: str | None = None,
) -> Request:
    """Check every part of a TestState request; raise as AWS would reject it."""
    if inspection_level not in INSPECTION_LEVELS:
        raise InvalidTestStateRequest(f"inspectionLevel must be one of {list(INSPECTION_LEVELS)}.")
    try:
        machine, state = _machine_and_state(definition, state_name)
    except DefinitionError as e:
        raise InvalidTestStateRequest(f"Invalid State Machine Definition: {e}") from e
    checked_mock = _mock(mock)
    _check_mock_fits(state, checked_mock)
    if checked_mock is not None and checked_mock.has_result and isinstance(state, TaskState):
        try:
            check_mock_result(state.resource, checked_mock.result, checked_mock.field_validation_mode)
        except MockResultInvalid as e:
            raise InvalidTestStateRequest(str(e)) from None
    if checked_mock is None and state.type in ("Map", "Parallel") and not has_resolvers:
        raise InvalidTestStateRequest(
            "TestState API does not support Map or Parallel states. Supported state types include: "
            "[Task, Wait, Pass, Succeed, Fail, Choice]"
        )
    config = _json_argument(state_configuration, "stateConfiguration") or {}
    if not isinstance(config, Mapping):
        raise InvalidTestStateRequest("stateConfiguration must be an object.")
    unknown = sorted(set(config) - set(_CONFIGURATION_FIELDS))
    if unknown:
        raise InvalidTestStateRequest(f"Unknown stateConfiguration field(s): {', '.join(unknown)}.")
    caused_by = config.get("errorCausedByState")
    if caused_by is not None and (not isinstance(caused_by, str) or caused_by not in machine.all_states):
        raise InvalidTestStateRequest(f"stateConfiguration.errorCausedByState names no state: {caused_by!r}.")
    reader_data = config.get("mapItemReaderData")
    if reader_data is not None and not (isinstance(state, MapState) and state.item_reader is not None):
        raise InvalidTestStateRequest(
            "stateConfiguration.mapItemReaderData is only for a Map state with an ItemReader."
        )
    variables = _json_argument(variables, "variables")
    if variables is None:
        variables = {}
    if not isinstance(variables, dict):
        raise InvalidTestStateRequest("variables must be an object mapping names to values.")
    return Request(
        machine=machine,
        state=state,
        input=_input(input),
        mock=checked_mock,
        variables=dict(variables),
        context=_check_context(context),
        retrier_retry_count=_non_negative(config.get("retrierRetryCount"), "retrierRetryCount"),
        error_caused_by_state=caused_by,
        map_iteration_failure_count=_non_negative(config.get("mapIterationFailureCount"), "mapIterationFailureCount"),
        map_item_reader_data=reader_data,
        inspection_level=inspection_level,
        role_arn=_role_arn(role_arn),
    )
