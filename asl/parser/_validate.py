"""Validation entry points: structure and semantics together, deduplicated, best first.

Issue codes. AWS's ValidateStateMachineDefinition codes, used with AWS's meaning:

* ``INVALID_JSON_DESCRIPTION``: the text is not JSON (or has ``NaN``, or cannot be decoded).
* ``SCHEMA_VALIDATION_FAILED``: a field is missing, unknown, of the wrong type or out of
  range; the top level is not an object; Next/End, ErrorEquals and QueryLanguage rules.
* ``MISSING_TRANSITION_TARGET``: ``StartAt``/``Next``/``Default``/``Catch[].Next`` names no
  state of its machine, or a state is not reachable.
* ``MISSING_END_STATE``: a machine (top level, branch or item processor) has no terminal state.
* ``DUPLICATE_STATE_NAME``, ``INVALID_STATE_NAME``: state names are unique across the whole
  definition and have 1 to 80 characters, none of them control characters.
* ``DUPLICATE_LABEL_NAME``, ``INVALID_LABEL_NAME``: the same for Map ``Label``.
* ``TOO_DEEPLY_NESTED``: the definition nests beyond what can be checked (AWS has this code
  for nesting; we use it for JSON deeper than :data:`~asl.parser._load.MAX_DEPTH` levels).

No code of our own was needed.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from ..errors import DefinitionIssue
from ._checks import check_semantics
from ._load import (
    DUPLICATE_LABEL_NAME,
    DUPLICATE_STATE_NAME,
    INVALID_JSON_DESCRIPTION,
    INVALID_LABEL_NAME,
    INVALID_STATE_NAME,
    MISSING_END_STATE,
    MISSING_TRANSITION_TARGET,
    SCHEMA_VALIDATION_FAILED,
    TOO_DEEPLY_NESTED,
    load_definition,
)
from ._schema import check_structure
from ._variables import check_variables

__all__ = ["sort_issues", "validate_definition", "validate_dict"]

_RANK: Final = {
    INVALID_JSON_DESCRIPTION: 0,
    TOO_DEEPLY_NESTED: 0,
    SCHEMA_VALIDATION_FAILED: 1,
    INVALID_STATE_NAME: 2,
    DUPLICATE_STATE_NAME: 2,
    INVALID_LABEL_NAME: 2,
    DUPLICATE_LABEL_NAME: 2,
    MISSING_TRANSITION_TARGET: 3,
    MISSING_END_STATE: 4,
}
"""Structure first, then names, then the graph (AWS lists missing targets before MISSING_END_STATE)."""
_OTHER_RANK: Final = 5  # codes from elsewhere (the builder's) keep their place after ours


def _depth(path: str) -> int:
    """How many steps ``path`` takes from ``$``: ``$.A['b.c'][0]`` is 3."""
    depth, quoted, index = 0, False, 1
    while index < len(path):
        char = path[index]
        if quoted:
            if char == "\\":
                index += 1
            elif char == "'":
                quoted = False
        elif char == "'":
            quoted = True
        elif char in ".[":
            depth += 1
        index += 1
    return depth


def sort_issues(issues: list[DefinitionIssue]) -> list[DefinitionIssue]:
    """``issues`` without repeats, most relevant first: by kind of problem, then outer before inner.

    The sort is stable, so issues of the same kind and depth keep their document order.
    """
    unique = list(dict.fromkeys(issues))
    return sorted(unique, key=lambda issue: (_RANK.get(issue.code, _OTHER_RANK), _depth(issue.path)))


def validate_dict(definition: dict[str, Any]) -> list[DefinitionIssue]:
    """Every structural and semantic problem of a loaded definition; ``[]`` when valid."""
    if not isinstance(definition, Mapping):
        return [DefinitionIssue("$", SCHEMA_VALIDATION_FAILED, "Definition must be a valid JSON object")]
    return sort_issues(check_structure(definition) + check_semantics(definition) + check_variables(definition))


def validate_definition(definition: Any) -> list[DefinitionIssue]:
    """Load ``definition`` (dict, JSON text or path) and validate it; never raises for bad input."""
    loaded, issues = load_definition(definition)
    if loaded is None:
        return sort_issues(issues)
    return sort_issues(issues + validate_dict(loaded))
