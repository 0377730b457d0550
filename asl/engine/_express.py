"""What AWS refuses in an Express state machine, and its five-minute limit.

``CreateStateMachine`` with ``type: EXPRESS`` rejects, with ``SCHEMA_VALIDATION_FAILED``, a Task
whose Resource is an activity ARN or uses the ``.sync`` / ``.sync:2`` or ``.waitForTaskToken``
integration pattern (anywhere in the machine, Parallel branches and Map processors included).
An Express execution runs for at most five minutes.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any, Final

from ..errors import DefinitionIssue

__all__ = ["EXPRESS_MAX_SECONDS", "express_issues"]

#: The longest an Express execution may run (AWS: five minutes).
EXPRESS_MAX_SECONDS: Final = 300

_ACTIVITY: Final = re.compile(r"arn:[^:]+:states:[^:]*:[^:]*:activity:.+")
_CODE: Final = "SCHEMA_VALIDATION_FAILED"


def _problem(resource: str) -> str | None:
    if _ACTIVITY.fullmatch(resource):
        return "Express state machine does not support Activity ARN"
    if resource.endswith((".sync", ".sync:2")):
        return "Express state machine does not support '.sync' service integration"
    if resource.endswith(".waitForTaskToken"):
        return "Express state machine does not support '.waitForTaskToken' service integration"
    return None


def _walk(states: Any, path: str) -> Iterator[tuple[str, Mapping[str, Any]]]:
    """(path, state) for every state under ``states``, nested ones included."""
    if not isinstance(states, Mapping):
        return
    for name, state in states.items():
        if not isinstance(state, Mapping):
            continue
        here = f"{path}.States.{name}" if re.fullmatch(r"\w+", str(name)) else f"{path}.States[{name!r}]"
        yield here, state
        for i, branch in enumerate(state.get("Branches") or ()):
            if isinstance(branch, Mapping):
                yield from _walk(branch.get("States"), f"{here}.Branches[{i}]")
        for key in ("ItemProcessor", "Iterator"):
            processor = state.get(key)
            if isinstance(processor, Mapping):
                yield from _walk(processor.get("States"), f"{here}.{key}")


def express_issues(definition: Mapping[str, Any]) -> list[DefinitionIssue]:
    """What AWS would reject in ``definition`` for an Express state machine (``[]``: nothing)."""
    issues: list[DefinitionIssue] = []
    for path, state in _walk(definition.get("States"), "$"):
        resource = state.get("Resource")
        if state.get("Type") == "Task" and isinstance(resource, str):
            message = _problem(resource)
            if message is not None:
                issues.append(DefinitionIssue(f"{path}.Resource", _CODE, message))
    return issues
