"""Static checks of workflow variables and JSONata expressions, on the raw definition dict.

:func:`check_variables` reports what CreateStateMachine / ValidateStateMachineDefinition
reject about variables and ``$states``, and nothing it accepts:

* **Reserved fields of ``$states``** (JSONata states). ``$states.input`` and
  ``$states.context`` are readable everywhere; ``$states.result`` only in the ``Output`` and
  ``Assign`` of Task, Parallel and Map states; ``$states.errorOutput`` only in the ``Output`` and
  ``Assign`` of a ``Catch`` rule. Elsewhere AWS answers ``UNSUPPORTED_JSONATA_EXPRESSION``
  "Field '$states.errorOutput' does not exist." (ResultWriter is left unchecked: where AWS
  allows what there is not known.) An expression that reads ``$states`` whole (``$lookup``)
  is not reported.
* **Variable names in Assign** (both query languages; a JSONPath key may end in ``.$``, the
  name is without it): ``states`` is reserved, a name has at most 80 characters, starts with a
  letter (or ``_``/``$``) and goes on with letters, digits, ``_`` or ``$``. AWS's rule is
  Unicode's identifier syntax (UAX #31); names that JavaScript's looser rule also accepts are
  let through, so that only names AWS certainly rejects are reported
  (``SCHEMA_VALIDATION_FAILED``).
* **JSONata reading a context value at the top level** (``$``, ``$$``, a bare field name): AWS
  answers ``UNSUPPORTED_JSONATA_EXPRESSION``. Syntax errors are the builder's to report.

Not reported, because AWS accepts the definition and fails at run time instead: a variable read
that no state assigns (JSONata ``$doesNotExist`` in Assign or Output is created fine and fails
with ``States.QueryEvaluationError``), a call of an unknown function, and a Distributed Map's
processor reading its parent's variables.

Expressions are only looked for where AWS evaluates them: the fields of JSONata states named
in :data:`_EVALUATED`, ``Choices[i]`` and ``Catch[i]``; nested machines (Parallel branches, Map
processors) are checked as machines of their own. Like the other semantic checks this reads the
dict defensively: a field of the wrong shape is skipped (the schema reports it).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any, Final

import attrs

from ..errors import DefinitionIssue
from ..jsonata import Expression, compile_expression, is_expression, validate_expression
from ._load import SCHEMA_VALIDATION_FAILED, child_path, iter_machines

__all__ = ["UNSUPPORTED_JSONATA_EXPRESSION", "check_variables", "is_variable_name"]

UNSUPPORTED_JSONATA_EXPRESSION: Final = "UNSUPPORTED_JSONATA_EXPRESSION"
"""AWS's diagnostic code for a JSONata expression that parses but reads what it may not."""

_JSONATA: Final = "JSONata"
_JSONPATH: Final = "JSONPath"
_RESERVED_NAME: Final = "states"
_MAX_NAME: Final = 80

#: State-level fields that JSONata states evaluate (any ``{% %}`` string at any depth inside).
_EVALUATED: Final = (
    "Arguments", "Output", "Assign", "Items", "ItemSelector", "Seconds", "Timestamp", "Error", "Cause",
    "TimeoutSeconds", "HeartbeatSeconds", "MaxConcurrency", "ToleratedFailureCount",
    "ToleratedFailurePercentage", "ItemReader", "ItemBatcher", "ResultWriter", "Credentials",
)
_RESTRICTED: Final = frozenset({"result", "errorOutput"})
"""Fields of ``$states`` that exist only in some places."""
_ANYWHERE: Final[frozenset[str]] = frozenset()
_WITH_RESULT: Final = frozenset({"result"})
_WITH_ERROR_OUTPUT: Final = frozenset({"errorOutput"})
_UNCHECKED: Final = _RESTRICTED
_RESULT_TYPES: Final = ("Task", "Parallel", "Map")
_RESULT_FIELDS: Final = ("Output", "Assign")
#: Where each restricted field may be read, for the message.
_WHERE: Final = {
    "result": "the Output and Assign fields of Task, Parallel and Map states",
    "errorOutput": "the Output and Assign fields of a Catch rule",
}
#: State types whose top level, Choices[i] and Catch[i] may carry Assign.
_ASSIGN_TYPES: Final = ("Pass", "Task", "Map", "Parallel", "Choice", "Wait")
_CHOICE_TYPES: Final = ("Choice",)
_CATCH_TYPES: Final = ("Task", "Map", "Parallel")


@attrs.frozen
class _Field:
    """One object member that may hold expressions: where it is and what it may read."""

    path: str
    """Its location in the definition (``$.States.T.Catch[0].Output``)."""
    name: str
    """AWS's name for it inside the state (``Catch/0/Output``)."""
    value: Any
    allowed: frozenset[str]
    """The restricted ``$states`` fields it may read."""


def check_variables(definition: dict[str, Any]) -> list[DefinitionIssue]:
    """Problems with variables, ``$states`` and top-level JSONata reads; ``[]`` when none.

    Never raises: anything malformed is skipped (the structural checks report it).
    """
    issues: list[DefinitionIssue] = []
    if not isinstance(definition, dict):
        return issues
    top = definition.get("QueryLanguage")
    top_language = top if top in (_JSONATA, _JSONPATH) else _JSONPATH
    compiled: dict[str, Expression | None] = {}
    try:
        for machine, path, _ in iter_machines(definition):
            for state, where in _states(machine, path):
                language = _language(state, top_language)
                issues.extend(_name_issues(state, where, language))
                if language == _JSONATA:
                    for field in _fields(state, where):
                        issues.extend(_expression_issues(field, compiled))
    except RecursionError:  # a pathologically deep value: report what was found so far
        pass
    return issues


def is_variable_name(name: str) -> bool:
    """Whether ``name`` may be assigned: 1 to 80 identifier characters, not ``states``.

    Letters, digits (not first), ``_`` and ``$``, as JavaScript identifiers have them.
    """
    return (
        0 < len(name) <= _MAX_NAME
        and name != _RESERVED_NAME
        and name.replace("$", "_").isidentifier()
    )


# --- reading the raw dict ----------------------------------------------------------------------


def _states(machine: Mapping[str, Any], path: str) -> Iterator[tuple[Mapping[str, Any], str]]:
    states = machine.get("States")
    if not isinstance(states, dict):
        return
    states_path = child_path(path, "States")
    for name, state in states.items():
        if isinstance(state, dict):
            yield state, child_path(states_path, name)


def _language(state: Mapping[str, Any], top_language: str) -> str:
    own = state.get("QueryLanguage")
    return own if own in (_JSONATA, _JSONPATH) else top_language


def _objects(state: Mapping[str, Any], field: str) -> Iterator[tuple[int, Mapping[str, Any]]]:
    """``(index, object)`` for each object in the array ``state[field]``."""
    items = state.get(field)
    if isinstance(items, list):
        for index, item in enumerate(items):
            if isinstance(item, dict):
                yield index, item


def _nested(state: Mapping[str, Any], kinds: tuple[str, ...], field: str) -> Iterator[tuple[int, Mapping[str, Any]]]:
    """The rules in ``Choices`` or ``Catch``, when the state's type has them."""
    if state.get("Type") in kinds:
        yield from _objects(state, field)


# --- rule: variable names in Assign ------------------------------------------------------------


def _assigns(state: Mapping[str, Any], where: str) -> Iterator[tuple[Mapping[str, Any], str]]:
    """Every Assign object of a state with its location: its own, its Choices' and Catch's."""
    if state.get("Type") not in _ASSIGN_TYPES:
        return
    found = [(state, where)]
    for field, kinds in (("Choices", _CHOICE_TYPES), ("Catch", _CATCH_TYPES)):
        found += [(rule, _at(where, field, index)) for index, rule in _nested(state, kinds, field)]
    for owner, at in found:
        assign = owner.get("Assign")
        if isinstance(assign, dict):
            yield assign, child_path(at, "Assign")


def _name_issues(state: Mapping[str, Any], where: str, language: str) -> Iterator[DefinitionIssue]:
    for assign, at in _assigns(state, where):
        for key in assign:
            if not isinstance(key, str):
                continue
            name = key[:-2] if language == _JSONPATH and key.endswith(".$") else key
            if not is_variable_name(name):
                yield DefinitionIssue(child_path(at, key), SCHEMA_VALIDATION_FAILED, _bad_name(name))


def _bad_name(name: str) -> str:
    if name == _RESERVED_NAME:
        return "The variable name 'states' is reserved (it names the $states object of JSONata states)"
    if len(name) > _MAX_NAME:
        return f"The variable name {name[:20]!r}... has {len(name)} characters; at most {_MAX_NAME} are allowed"
    return (
        f"Invalid variable name {name!r}: a name starts with a letter or '_' and goes on with "
        "letters, digits and '_'"
    )


# --- rules: $states fields and top-level reads in JSONata expressions ---------------------------


def _fields(state: Mapping[str, Any], where: str) -> Iterator[_Field]:
    """The members of a JSONata state that AWS evaluates, with what each may read."""
    result_state = state.get("Type") in _RESULT_TYPES
    for key in _EVALUATED:
        if key in state:
            yield _Field(child_path(where, key), key, state[key], _allowed(key, result_state=result_state))
    for index, rule in _nested(state, _CHOICE_TYPES, "Choices"):
        for key in ("Condition", "Output", "Assign"):
            if key in rule:
                yield _Field(_at(where, "Choices", index, key), f"Choices/{index}/{key}", rule[key], _ANYWHERE)
    for index, catcher in _nested(state, _CATCH_TYPES, "Catch"):
        for key in ("Output", "Assign"):
            if key in catcher:
                yield _Field(_at(where, "Catch", index, key), f"Catch/{index}/{key}", catcher[key],
                             _WITH_ERROR_OUTPUT)


def _allowed(key: str, *, result_state: bool) -> frozenset[str]:
    if key == "ResultWriter":
        return _UNCHECKED
    return _WITH_RESULT if result_state and key in _RESULT_FIELDS else _ANYWHERE


def _expression_issues(field: _Field, compiled: dict[str, Expression | None]) -> Iterator[DefinitionIssue]:
    for path, name, text in _expressions(field):
        expression = _compile(text, compiled)
        if expression is None:
            continue  # a syntax error: the builder reports it
        problem = validate_expression(text)
        if problem is not None:
            yield DefinitionIssue(path, UNSUPPORTED_JSONATA_EXPRESSION, f"{problem} (in {name})")
        for missing in sorted(expression.states_fields & (_RESTRICTED - field.allowed)):
            yield DefinitionIssue(path, UNSUPPORTED_JSONATA_EXPRESSION, _not_here(missing, name, expression.text))


def _expressions(field: _Field) -> Iterator[tuple[str, str, str]]:
    """``(location, field name, text)`` of every ``{% %}`` string inside the field's value."""
    pending: list[tuple[Any, str, str]] = [(field.value, field.path, field.name)]
    while pending:
        value, path, name = pending.pop()
        if is_expression(value):
            yield path, name, value
        elif isinstance(value, dict):
            members = [(v, child_path(path, k), f"{name}/{k}") for k, v in value.items() if isinstance(k, str)]
            pending.extend(reversed(members))
        elif isinstance(value, list):
            pending.extend(reversed([(v, child_path(path, i), f"{name}/{i}") for i, v in enumerate(value)]))


def _compile(text: str, compiled: dict[str, Expression | None]) -> Expression | None:
    if text not in compiled:
        try:
            compiled[text] = compile_expression(text)
        except ValueError:
            compiled[text] = None
    return compiled[text]


def _not_here(field: str, where: str, text: str) -> str:
    return (
        f"Field '$states.{field}' does not exist. The expression '{text}' in {where} reads it; "
        f"it is available only in {_WHERE[field]}"
    )


def _at(path: str, *keys: str | int) -> str:
    for key in keys:
        path = child_path(path, key)
    return path
