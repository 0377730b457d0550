"""Nesting bounds of a loaded definition: Parallel/Map inside one another, and Choice rules.

Checked before anything that recurses over the definition, with explicit stacks, so a
definition nested beyond the bounds is a ``TOO_DEEPLY_NESTED`` issue, never a
``RecursionError``. The bounds come from :class:`asl.limits.Limits`.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from ..errors import DefinitionIssue
from ._load import TOO_DEEPLY_NESTED, child_path

__all__ = ["check_nesting"]

_BOOLEAN_OPERATORS = ("And", "Or", "Not")


def check_nesting(definition: Mapping[str, Any], max_states: int, max_rules: int) -> list[DefinitionIssue]:
    """Parallel/Map states nested more than ``max_states`` deep, Choice rules more than ``max_rules``."""
    issues: list[DefinitionIssue] = []
    pending: list[tuple[Mapping[str, Any], str, int]] = [(definition, "$", 0)]
    while pending:
        machine, path, depth = pending.pop()
        states = machine.get("States")
        if not isinstance(states, Mapping):
            continue
        states_path = child_path(path, "States")
        for name, state in states.items():
            if not isinstance(state, Mapping):
                continue
            location = child_path(states_path, name)
            if state.get("Type") == "Choice":
                issues.extend(_choice_nesting(state, location, max_rules))
            inner = list(_inner_machines(state, location))
            if not inner:
                continue
            if depth + 1 > max_states:
                message = f"Parallel and Map states nest more than {max_states} deep"
                issues.append(DefinitionIssue(location, TOO_DEEPLY_NESTED, message))
                continue
            pending.extend((sub, sub_path, depth + 1) for sub, sub_path in inner)
    return issues


def _inner_machines(state: Mapping[str, Any], path: str) -> Iterator[tuple[Mapping[str, Any], str]]:
    kind = state.get("Type")
    if kind == "Parallel":
        branches = state.get("Branches")
        if isinstance(branches, list):
            for index, branch in enumerate(branches):
                if isinstance(branch, Mapping):
                    yield branch, child_path(child_path(path, "Branches"), index)
    elif kind == "Map":
        for field in ("ItemProcessor", "Iterator"):
            processor = state.get(field)
            if isinstance(processor, Mapping):
                yield processor, child_path(path, field)


def _choice_nesting(state: Mapping[str, Any], path: str, max_rules: int) -> Iterator[DefinitionIssue]:
    """The first rule of each of the state's Choices nested beyond ``max_rules`` operators."""
    choices = state.get("Choices")
    if not isinstance(choices, list):
        return
    for index, rule in enumerate(choices):
        too_deep = _too_deep(rule, child_path(child_path(path, "Choices"), index), max_rules)
        if too_deep is not None:
            message = f"Choice rules nest And, Or and Not more than {max_rules} deep"
            yield DefinitionIssue(too_deep, TOO_DEEPLY_NESTED, message)


def _too_deep(rule: Any, path: str, max_rules: int) -> str | None:
    """Where ``rule`` first nests more than ``max_rules`` boolean operators, or None."""
    pending: list[tuple[Any, str, int]] = [(rule, path, 0)]
    while pending:
        node, where, depth = pending.pop()
        if not isinstance(node, Mapping):
            continue
        for operator in _BOOLEAN_OPERATORS:
            if operator not in node:
                continue
            if depth + 1 > max_rules:
                return child_path(where, operator)
            inner = node[operator]
            inner_path = child_path(where, operator)
            if isinstance(inner, list):
                pending.extend((item, child_path(inner_path, i), depth + 1) for i, item in enumerate(inner))
            else:
                pending.append((inner, inner_path, depth + 1))
    return None
