"""Step Functions' naming rules between a Task's parameters and botocore, and back.

* Parameters are PascalCase in Step Functions even where the service API is camelCase
  (``StateMachineArn`` for ``stateMachineArn``): a parameter matches a member of the operation's
  input shape exactly, else without regard to case; ``EqualsValue`` stands for ``Equals``. A
  JSON value given for a string member is sent as JSON text, text given for a blob as UTF-8.
* ``aws-sdk`` results name every structure member in PascalCase as the AWS SDK for Java 2.x
  does (``executionArn`` -> ``ExecutionArn``, ``MD5OfMessageBody`` -> ``Md5OfMessageBody``,
  DynamoDB's ``BOOL`` -> ``Bool``); map keys are data and stay as they are. Blobs and streams
  become text, timestamps ISO-8601 text.
* Error names are ``<Service>.<Error>``: the service in the same PascalCase (``DynamoDb``,
  ``Sqs``, ``S3``, ``Sfn``, ``EventBridge``, ``AcmPca``) and the error with an ``Exception``
  suffix (``S3.NoSuchKeyException``); an error the service does not model is
  ``<Service>.<Service>Exception``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any, Final

__all__ = ["from_boto", "json_safe", "pascal", "to_boto"]

_WORD: Final = re.compile(r"[A-Z]+[0-9]*(?=[A-Z][a-z]|[^A-Za-z0-9]|$)|[A-Z]?[a-z]+[0-9]*|[A-Z]+[0-9]*|[0-9]+")


def pascal(name: str) -> str:
    """``name`` as the AWS SDK for Java 2.x spells a member or service: each word capitalised once."""
    return "".join(word[:1].upper() + word[1:].lower() for word in _WORD.findall(name))


def _compact(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _member(members: Mapping[str, Any], key: str) -> str | None:
    if key in members:
        return key
    lowered = key.lower()
    for name in members:
        if name.lower() == lowered:
            return name
    if key.endswith("Value") and key[:-5] == "Equals" and "Equals" in members:
        return "Equals"
    return None


def to_boto(value: Any, shape: Any) -> Any:
    """``value`` (Step Functions parameters) as botocore takes it for ``shape``."""
    if shape is None:
        return value
    kind = shape.type_name
    if kind == "structure" and isinstance(value, Mapping):
        members = shape.members
        out: dict[str, Any] = {}
        for key, item in value.items():
            name = _member(members, key)
            out[name or key] = to_boto(item, members[name]) if name is not None else item
        return out
    if kind == "list" and isinstance(value, list):
        return [to_boto(item, shape.member) for item in value]
    if kind == "map" and isinstance(value, Mapping):
        return {key: to_boto(item, shape.value) for key, item in value.items()}
    if kind == "string" and not isinstance(value, str) and value is not None:
        return _compact(value)
    if kind == "blob" and isinstance(value, str):
        return value.encode()
    if kind in ("integer", "long") and isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _timestamp(value: datetime) -> str:
    moment = value if value.tzinfo else value.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _bytes(value: Any) -> Any:
    data = value.read() if hasattr(value, "read") else value
    if isinstance(data, (bytes, bytearray)):
        return bytes(data).decode("utf-8", errors="replace")
    return data


def json_safe(value: Any) -> Any:
    """Response data as JSON data: timestamps as ISO-8601 text, bytes and streams as text."""
    if isinstance(value, Mapping):
        return {key: json_safe(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [json_safe(item) for item in value]
    if isinstance(value, datetime):
        return _timestamp(value)
    if isinstance(value, (bytes, bytearray)) or hasattr(value, "read"):
        return _bytes(value)
    return value


def from_boto(value: Any, shape: Any) -> Any:
    """A botocore response value as the ``aws-sdk`` integration returns it (members in PascalCase)."""
    if shape is None:
        return json_safe(value)
    kind = shape.type_name
    if kind == "structure" and isinstance(value, Mapping):
        members = shape.members
        return {pascal(key): from_boto(item, members.get(key)) for key, item in value.items()}
    if kind == "list" and isinstance(value, (list, tuple)):
        return [from_boto(item, shape.member) for item in value]
    if kind == "map" and isinstance(value, Mapping):
        return {key: from_boto(item, shape.value) for key, item in value.items()}
    return json_safe(value)
