"""A TestState mock result checked against the service API's output shape.

AWS checks a mocked Task result against the API model of the integration the Task calls
(``fieldValidationMode``: ``STRICT`` also wants every required field, ``PRESENT`` checks
only the fields given, ``NONE`` nothing). The API models here are botocore's, read when
botocore is installed (``pip install 'asl-engine[aws]'``); without it, or for a resource
that is not an AWS API call (a Lambda function ARN, an activity, ``.sync`` patterns),
the result is not checked.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

__all__ = ["MockResultInvalid", "check_mock_result"]

_OPTIMIZED_SERVICES = {"states": "stepfunctions"}
_SDK_SERVICES = {"sfn": "stepfunctions"}
_NUMBERS = ("integer", "long", "float", "double")


class MockResultInvalid(ValueError):
    """The mocked result does not fit the API's output shape."""


def _service_and_action(resource: str) -> tuple[str, str] | None:
    """(botocore service name, action) for a Task resource that calls an AWS API."""
    prefix = "arn:aws:states:::"
    if not resource.startswith(prefix):
        return None
    rest = resource[len(prefix) :]
    if rest.endswith(".waitForTaskToken"):
        rest = rest[: -len(".waitForTaskToken")]
    if ".sync" in rest:
        return None  # the result is the job's description, not the call's output
    parts = rest.split(":")
    if parts[0] == "aws-sdk" and len(parts) == 3:
        return _SDK_SERVICES.get(parts[1], parts[1]), parts[2]
    if len(parts) == 2:
        return _OPTIMIZED_SERVICES.get(parts[0], parts[0]), parts[1]
    return None


@functools.lru_cache(maxsize=128)
def _output_shape(service: str, action: str) -> Any:
    try:
        import botocore.session
        from botocore.exceptions import UnknownServiceError
    except ImportError:
        return None
    session = _session(botocore.session)
    try:
        model = session.get_service_model(service)
    except UnknownServiceError:
        return None
    wanted = action.lower()
    for name in model.operation_names:
        if name.lower() == wanted:
            return model.operation_model(name).output_shape
    return None


@functools.cache
def _session(module: Any) -> Any:
    return module.get_session()


def check_mock_result(resource: str, result: Any, mode: str) -> None:
    """Raise :class:`MockResultInvalid` when ``result`` breaks the API's output shape."""
    if mode == "NONE":
        return
    target = _service_and_action(resource)
    if target is None:
        return
    shape = _output_shape(*target)
    if shape is None:
        return
    _check(shape, result, shape.name, mode == "STRICT")


def _fail(name: str, problem: str) -> MockResultInvalid:
    return MockResultInvalid(f"Mock result schema validation error: Field '{name}' {problem}")


def _check(shape: Any, value: Any, name: str, strict: bool) -> None:
    _CHECKS.get(shape.type_name, _check_nothing)(shape, value, name, strict)


def _check_nothing(shape: Any, value: Any, name: str, strict: bool) -> None:
    """Blobs (a Lambda Payload arrives parsed) and timestamps take any JSON value."""
    if shape.type_name == "blob" and isinstance(value, str):
        _check_length(shape, value, name)


def _check_structure(shape: Any, value: Any, name: str, strict: bool) -> None:
    if not isinstance(value, dict):
        raise _fail(name, "must be an object")
    if strict:
        for required in shape.required_members:
            if required not in value:
                raise _fail(required, "is required")
    for member, member_shape in shape.members.items():
        if member in value:
            _check(member_shape, value[member], member, strict)


def _check_list(shape: Any, value: Any, name: str, strict: bool) -> None:
    if not isinstance(value, list):
        raise _fail(name, "must be an array")
    member = shape.member
    for item in value:
        _check(member, item, member.name if member.type_name in ("structure", "list", "map") else name, strict)


def _check_map(shape: Any, value: Any, name: str, strict: bool) -> None:
    if not isinstance(value, dict):
        raise _fail(name, "must be an object")
    for item in value.values():
        _check(shape.value, item, name, strict)


def _check_length(shape: Any, value: str, name: str) -> None:
    low, high = shape.metadata.get("min"), shape.metadata.get("max")
    if low is not None and len(value) < low:
        raise _fail(name, "is smaller than the minimum length")
    if high is not None and len(value) > high:
        raise _fail(name, "exceeds the maximum length")


def _check_string(shape: Any, value: Any, name: str, strict: bool) -> None:
    if not isinstance(value, str):
        raise _fail(name, "must be a string")
    if shape.enum and value not in shape.enum:
        raise _fail(name, "is not an expected value")
    _check_length(shape, value, name)


def _check_number(shape: Any, value: Any, name: str, strict: bool) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise _fail(name, "must be a number")
    if shape.type_name in ("integer", "long") and value != int(value):
        raise _fail(name, "must be an integer")
    low, high = shape.metadata.get("min"), shape.metadata.get("max")
    if low is not None and value < low:
        raise _fail(name, "is less than the minimum value")
    if high is not None and value > high:
        raise _fail(name, "exceeds the maximum value")


def _check_boolean(shape: Any, value: Any, name: str, strict: bool) -> None:
    if not isinstance(value, bool):
        raise _fail(name, "must be a boolean")


_CHECKS: dict[str, Callable[[Any, Any, str, bool], None]] = {
    "structure": _check_structure,
    "list": _check_list,
    "map": _check_map,
    "string": _check_string,
    "boolean": _check_boolean,
    **{number: _check_number for number in _NUMBERS},
}
