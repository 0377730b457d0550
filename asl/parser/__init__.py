"""Definition -> :class:`~asl.states.StateMachine`: load, check structure and semantics, build.

``validate`` returns every problem; ``parse`` raises :class:`~asl.errors.DefinitionError`
carrying them, most relevant first. Neither mutates the caller's definition. Both take
``limits`` (:class:`asl.limits.Limits`): the definition's size and nesting bounds.
"""

from __future__ import annotations

from typing import Any

from ..errors import DefinitionError, DefinitionIssue
from ..limits import Limits
from ..states import StateMachine
from ._build import build_machine
from ._load import load_definition
from ._nesting import check_nesting
from ._validate import sort_issues, validate_dict

__all__ = ["parse", "validate"]


_DEFAULT_LIMITS = Limits()


def _analyse(definition: Any, limits: Limits | None) -> tuple[StateMachine | None, list[DefinitionIssue]]:
    limits = limits or _DEFAULT_LIMITS
    loaded, issues = load_definition(
        definition, max_depth=limits.max_json_depth, max_chars=limits.max_definition_chars
    )
    if loaded is None:
        return None, issues
    too_deep = check_nesting(loaded, limits.max_state_nesting, limits.max_choice_nesting)
    if too_deep:  # checked before anything that recurses over the definition
        return None, sort_issues(issues + too_deep)
    issues += validate_dict(loaded)
    try:
        machine, build_issues = build_machine(loaded)
    except Exception as e:  # a definition the checks let through must not crash the builder
        if issues:
            return None, issues
        detail = f"{type(e).__name__}: {e}"
        return None, [DefinitionIssue("$", "SCHEMA_VALIDATION_FAILED", f"cannot build this definition ({detail})")]
    # the builder compiles what the checks already judged: keep only problems at new places
    reported = [issue.path for issue in issues]
    issues += [issue for issue in build_issues if not _covered(issue.path, reported)]
    if issues:
        return None, sort_issues(issues)
    return machine, []


def _covered(path: str, reported: list[str]) -> bool:
    """Whether ``path`` is a place (or inside a place) already reported."""
    return any(path == done or path.startswith((done + ".", done + "[")) for done in reported)


def validate(definition: Any, *, limits: Limits | None = None) -> list[DefinitionIssue]:
    """Every problem of ``definition`` (dict, JSON text or path); ``[]`` when it is valid.

    ``limits`` bounds the definition's size and nesting (default: :class:`asl.limits.Limits()`).
    """
    return _analyse(definition, limits)[1]


def parse(definition: Any, *, limits: Limits | None = None) -> StateMachine:
    """The typed state machine for ``definition``; raises :class:`DefinitionError` if invalid.

    ``limits`` bounds the definition's size and nesting (default: :class:`asl.limits.Limits()`).
    """
    if isinstance(definition, StateMachine):
        return definition
    machine, issues = _analyse(definition, limits)
    if machine is None:
        raise DefinitionError(issues)
    return machine
