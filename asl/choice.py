"""Choice rules (JSONPath): a table operator name -> comparison, compiled once.

A rule is compiled into a small tree of frozen objects whose ``evaluate(data, scope)``
returns a bool:

* :class:`Comparison` - ``Variable`` against a literal operand, prepared at compile time
  (timestamps parsed, ``StringMatches`` patterns turned into a linear-time matcher);
* :class:`PathComparison` - ``Variable`` against the value of a ``...Path`` operand;
* :class:`Presence` - ``IsPresent``, the only test that tolerates a missing ``Variable``;
* :class:`AllOf` / :class:`AnyOf` / :class:`Negation` - ``And`` / ``Or`` / ``Not``,
  short-circuiting.

Every operator is one :class:`Operator` in :data:`OPERATORS`: ``prepare`` turns an operand
into the form ``test`` compares with (or :data:`MISMATCH` when the operand has the wrong
type), ``test(value, operand)`` answers for a variable's value. Each ``...Path`` variant is
derived from its base operator. Semantics follow the AWS Step Functions developer guide:

* a type mismatch is ``False`` (a JSON boolean is never a number; ``1 == 1.0``);
* strings compare as Java's ``String.compareTo`` does: by UTF-16 code unit;
* ``StringMatches``: ``*`` matches any run of characters, ``\\*`` is a literal star and
  ``\\\\`` a literal backslash; a backslash before any other character stands for itself;
* timestamps are RFC 3339 date-times with an uppercase ``T``, an uppercase ``Z`` or a
  numeric offset ``+hh:mm``, and 1 to 9 fraction digits; they compare as instants, to the
  nanosecond;
* a ``Variable`` or ``...Path`` operand path that matches nothing fails with
  ``States.Runtime`` (only ``IsPresent`` answers instead).
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Final, Protocol

import attrs

from ._time import is_timestamp, parse_timestamp
from .errors import RUNTIME, StatesError
from .paths._base import PathNotFound, Scope
from .paths._jsonpath import JsonPath, compile_path

if TYPE_CHECKING:
    from .jsonata import Expression

__all__ = [
    "MISMATCH",
    "OPERATORS",
    "AllOf",
    "AnyOf",
    "Choice",
    "ChoiceRule",
    "Comparison",
    "ConditionRule",
    "Negation",
    "Operator",
    "PathComparison",
    "Presence",
    "Wildcard",
    "compile_rule",
    "is_timestamp",
    "parse_timestamp",
]


class ChoiceRule(Protocol):
    """A compiled rule: true when the state's data satisfies it."""

    def evaluate(self, data: Any, scope: Scope) -> bool:
        """Whether ``data`` (the Choice state's effective input) satisfies the rule."""
        ...


@attrs.frozen
class Choice:
    """A top-level rule with the state it leads to."""

    rule: ChoiceRule
    next: str
    assign: Any | None = None
    """The rule's ``Assign`` (compiled by the parser) when present."""
    output: Any | None = None
    """The rule's ``Output`` (JSONata) when present."""


class _Mismatch:
    """The type of :data:`MISMATCH`."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "MISMATCH"


MISMATCH: Final = _Mismatch()
"""What :attr:`Operator.prepare` returns for an operand of the wrong type."""

Prepare = Callable[[Any], Any]
Test = Callable[[Any, Any], bool]


@attrs.frozen
class Operator:
    """One comparison operator of the table."""

    name: str
    prepare: Prepare
    """Operand -> the form ``test`` takes, or :data:`MISMATCH` (wrong type)."""
    test: Test
    """``test(variable value, prepared operand)``."""
    by_path: bool = False
    """True for ``...Path`` variants: the operand is a reference path read at run time."""
    expects: str = ""
    """What a literal operand must be, for error messages."""


# --------------------------------------------------------------------------- types


def _is_number(value: Any) -> bool:
    kind = type(value)
    return kind is int or kind is float


def _as_string(operand: Any) -> Any:
    return operand if type(operand) is str else MISMATCH


def _as_number(operand: Any) -> Any:
    return operand if _is_number(operand) else MISMATCH


def _as_boolean(operand: Any) -> Any:
    return operand if type(operand) is bool else MISMATCH


def _as_timestamp(operand: Any) -> Any:
    instant = parse_timestamp(operand) if type(operand) is str else None
    return MISMATCH if instant is None else instant


# --------------------------------------------------------------------------- strings


def _utf16(text: str) -> bytes:
    """Big-endian UTF-16: bytewise order is Java's code-unit order."""
    return text.encode("utf-16-be", "surrogatepass")


def _string_order(compare: Callable[[Any, Any], bool]) -> Test:
    def test(value: Any, operand: str) -> bool:
        if type(value) is not str:
            return False
        if value.isascii() and operand.isascii():
            return compare(value, operand)
        return compare(_utf16(value), _utf16(operand))

    return test


def _string_equals(value: Any, operand: str) -> bool:
    return type(value) is str and value == operand


# --------------------------------------------------------------------------- wildcards


def _split_wildcard(pattern: str) -> tuple[str, ...]:
    """The literal pieces between unescaped stars (``\\*`` and ``\\\\`` are escapes)."""
    parts: list[str] = []
    piece: list[str] = []
    i, n = 0, len(pattern)
    while i < n:
        char = pattern[i]
        if char == "\\" and i + 1 < n and pattern[i + 1] in "*\\":
            piece.append(pattern[i + 1])
            i += 2
            continue
        if char == "*":
            parts.append("".join(piece))
            piece = []
        else:
            piece.append(char)
        i += 1
    parts.append("".join(piece))
    return tuple(parts)


def _matcher(parts: tuple[str, ...]) -> Callable[[str], bool]:
    """A linear-time test for ``parts`` joined by stars, specialised for the common shapes."""
    first, last = parts[0], parts[-1]
    if len(parts) == 1:
        return first.__eq__
    if len(parts) == 2:
        if not last:
            return lambda text: text.startswith(first)
        if not first:
            return lambda text: text.endswith(last)
        least = len(first) + len(last)
        return lambda text: len(text) >= least and text.startswith(first) and text.endswith(last)
    middle = parts[1:-1]

    def match(text: str) -> bool:
        end = len(text) - len(last)
        if end < len(first) or not text.startswith(first) or not text.endswith(last):
            return False
        pos = len(first)
        for piece in middle:  # leftmost match of each piece is always safe with '*' only
            found = text.find(piece, pos, end)
            if found < 0:
                return False
            pos = found + len(piece)
        return True

    return match


@attrs.frozen
class Wildcard:
    """A compiled ``StringMatches`` pattern: no backtracking, linear in the text."""

    pattern: str
    parts: tuple[str, ...]
    """The literal pieces between stars; one piece means no star at all."""
    match: Callable[[str], bool] = attrs.field(eq=False, repr=False)

    @classmethod
    def compile(cls, pattern: str) -> Wildcard:
        """Compile ``pattern``; a backslash before anything but ``*`` or ``\\`` stands for itself."""
        parts = _split_wildcard(pattern)
        return cls(pattern, parts, _matcher(parts))


def _as_wildcard(operand: Any) -> Any:
    return Wildcard.compile(operand) if type(operand) is str else MISMATCH


def _string_matches(value: Any, operand: Wildcard) -> bool:
    return type(value) is str and operand.match(value)


# --------------------------------------------------------------------------- numbers


def _numeric(compare: Callable[[Any, Any], bool]) -> Test:
    def test(value: Any, operand: float) -> bool:
        kind = type(value)
        return (kind is int or kind is float) and compare(value, operand)

    return test


def _boolean_equals(value: Any, operand: bool) -> bool:
    return type(value) is bool and value is operand


# --------------------------------------------------------------------------- timestamps


def _timestamp(compare: Callable[[Any, Any], bool]) -> Test:
    def test(value: Any, operand: int) -> bool:
        if type(value) is not str:
            return False
        instant = parse_timestamp(value)
        return instant is not None and compare(instant, operand)

    return test


# --------------------------------------------------------------------------- type tests


def _type_test(predicate: Callable[[Any], bool]) -> Test:
    def test(value: Any, expected: bool) -> bool:
        return predicate(value) is expected

    return test


# --------------------------------------------------------------------------- the table


_ORDERS: Final[dict[str, Callable[[Any, Any], bool]]] = {
    "Equals": operator.eq,
    "LessThan": operator.lt,
    "GreaterThan": operator.gt,
    "LessThanEquals": operator.le,
    "GreaterThanEquals": operator.ge,
}

_BASE: Final[list[Operator]] = [
    Operator("StringEquals", _as_string, _string_equals, expects="a string"),
    *(
        Operator(f"String{order}", _as_string, _string_order(compare), expects="a string")
        for order, compare in _ORDERS.items()
        if order != "Equals"
    ),
    *(
        Operator(f"Numeric{order}", _as_number, _numeric(compare), expects="a number")
        for order, compare in _ORDERS.items()
    ),
    Operator("BooleanEquals", _as_boolean, _boolean_equals, expects="a boolean"),
    *(
        Operator(f"Timestamp{order}", _as_timestamp, _timestamp(compare), expects="an RFC 3339 timestamp")
        for order, compare in _ORDERS.items()
    ),
]
"""The operators that have a ``...Path`` variant."""

_WITHOUT_PATH: Final[list[Operator]] = [
    Operator("StringMatches", _as_wildcard, _string_matches, expects="a string"),
    Operator("IsNull", _as_boolean, _type_test(lambda v: v is None), expects="a boolean"),
    Operator("IsNumeric", _as_boolean, _type_test(_is_number), expects="a boolean"),
    Operator("IsString", _as_boolean, _type_test(lambda v: type(v) is str), expects="a boolean"),
    Operator("IsBoolean", _as_boolean, _type_test(lambda v: type(v) is bool), expects="a boolean"),
    Operator("IsTimestamp", _as_boolean, _type_test(is_timestamp), expects="a boolean"),
    Operator("IsPresent", _as_boolean, _type_test(lambda v: True), expects="a boolean"),
]

OPERATORS: Final[dict[str, Operator]] = {
    **{op.name: op for op in _BASE},
    **{
        f"{op.name}Path": attrs.evolve(op, name=f"{op.name}Path", by_path=True, expects="a reference path")
        for op in _BASE
    },
    **{op.name: op for op in _WITHOUT_PATH},
}
"""Every comparison operator of a JSONPath Choice rule, by its ASL field name."""


# --------------------------------------------------------------------------- compiled rules


def _invalid_path(path: str) -> StatesError:
    cause = f"Invalid path '{path}': The choice state's condition path references an invalid value."
    return StatesError(RUNTIME, cause)


@attrs.frozen
class Comparison:
    """``Variable`` compared with a literal operand, prepared at compile time."""

    operator: str
    variable: JsonPath
    operand: Any
    test: Test = attrs.field(repr=False)

    def evaluate(self, data: Any, scope: Scope) -> bool:
        """Read ``Variable`` and compare; a missing value is ``States.Runtime``."""
        try:
            value = self.variable.evaluate(data, scope)
        except PathNotFound:
            raise _invalid_path(self.variable.text) from None
        return self.test(value, self.operand)


@attrs.frozen
class PathComparison:
    """``Variable`` compared with the value a ``...Path`` operand reads at run time."""

    operator: str
    variable: JsonPath
    operand: JsonPath
    prepare: Prepare = attrs.field(repr=False)
    test: Test = attrs.field(repr=False)

    def evaluate(self, data: Any, scope: Scope) -> bool:
        """Read both paths, compare; an operand of the wrong type is ``False``."""
        try:
            value = self.variable.evaluate(data, scope)
        except PathNotFound:
            raise _invalid_path(self.variable.text) from None
        try:
            other = self.prepare(self.operand.evaluate(data, scope))
        except PathNotFound:
            raise _invalid_path(self.operand.text) from None
        return other is not MISMATCH and self.test(value, other)


Probe = Callable[[Any, Scope], bool]


def _probe(path: JsonPath) -> Probe:
    """Whether ``path`` reads a value, without raising and catching :class:`PathNotFound`.

    Same rules as the path's own walk: a name on an object, an index on a list.
    """
    steps = path.steps
    if path.root == "input" and all(isinstance(step, str) for step in steps):

        def probe_names(data: Any, scope: Scope) -> bool:  # ``$.a.b``: the common case
            value = data
            for step in steps:
                if not isinstance(value, dict) or step not in value:
                    return False
                value = value[step]
            return True

        return probe_names
    root, name = path.root, path.variable or ""
    if root not in ("input", "context", "variable"):
        return _probe_by_evaluation(path)

    def probe(data: Any, scope: Scope) -> bool:
        if root == "input":
            value = data
        elif root == "context":
            value = scope.context
        elif name in scope.variables:
            value = scope.variables[name]
        else:
            return False
        for step in steps:
            if isinstance(step, str):
                try:
                    value = value[step]
                except (LookupError, TypeError):
                    return False
            elif isinstance(value, list) and -len(value) <= step < len(value):
                value = value[step]
            else:
                return False
        return True

    return probe


def _probe_by_evaluation(path: JsonPath) -> Probe:
    def probe(data: Any, scope: Scope) -> bool:
        try:
            path.evaluate(data, scope)
        except PathNotFound:
            return False
        return True

    return probe


@attrs.frozen
class Presence:
    """``IsPresent``: whether ``Variable`` matches something."""

    variable: JsonPath
    expected: bool
    probe: Probe = attrs.field(
        default=attrs.Factory(lambda self: _probe(self.variable), takes_self=True), eq=False, repr=False
    )

    def evaluate(self, data: Any, scope: Scope) -> bool:
        """True when the presence of a value is what the rule expects."""
        return self.probe(data, scope) is self.expected


@attrs.frozen
class AllOf:
    """``And``: every rule holds (stops at the first that does not)."""

    rules: tuple[ChoiceRule, ...]

    def evaluate(self, data: Any, scope: Scope) -> bool:
        """True when all rules are true."""
        for rule in self.rules:  # noqa: SIM110 - a plain loop is faster than all() on a generator
            if not rule.evaluate(data, scope):
                return False
        return True


@attrs.frozen
class AnyOf:
    """``Or``: some rule holds (stops at the first that does)."""

    rules: tuple[ChoiceRule, ...]

    def evaluate(self, data: Any, scope: Scope) -> bool:
        """True when any rule is true."""
        for rule in self.rules:  # noqa: SIM110 - a plain loop is faster than any() on a generator
            if rule.evaluate(data, scope):
                return True
        return False


@attrs.frozen
class Negation:
    """``Not``: the rule does not hold."""

    rule: ChoiceRule

    def evaluate(self, data: Any, scope: Scope) -> bool:
        """The opposite of the inner rule."""
        return not self.rule.evaluate(data, scope)


# --------------------------------------------------------------------------- compiling

_TOP_LEVEL_ONLY: Final = frozenset({"Next", "Assign", "Output"})
_ALWAYS_ALLOWED: Final = frozenset({"Comment"})
_BOOLEAN_OPS: Final = ("And", "Or", "Not")


def compile_rule(rule: Mapping[str, Any], *, top_level: bool = True) -> ChoiceRule:
    """Compile one JSONPath Choice rule (``top_level`` allows ``Next``, ``Assign``, ``Output``).

    Raises :class:`~asl.paths.PathSyntaxError` for a path that does not compile and
    :class:`ValueError`, naming the field, for any other malformed rule.
    """
    if not isinstance(rule, Mapping):
        raise ValueError(f"a Choice rule must be an object, got {rule!r}")
    allowed = _ALWAYS_ALLOWED | _TOP_LEVEL_ONLY if top_level else _ALWAYS_ALLOWED
    if not top_level and "Next" in rule:
        raise ValueError("'Next' is only allowed in a top-level Choice rule")
    if "Condition" in rule:
        raise ValueError("'Condition' is a JSONata field: it has no place in a JSONPath Choice rule")
    found = [key for key in rule if key in OPERATORS or key in _BOOLEAN_OPS]
    if len(found) != 1:
        what = f"none among the fields {list(rule)}" if not found else f"several: {found}"
        raise ValueError(f"a Choice rule needs exactly one operator, found {what}")
    key = found[0]
    unknown = [k for k in rule if k not in (key, "Variable") and k not in allowed]
    if unknown:
        raise ValueError(f"unsupported field(s) {unknown} in a Choice rule")
    if key in _BOOLEAN_OPS:
        if "Variable" in rule:
            raise ValueError(f"'Variable' has no meaning next to '{key}'")
        return _COMBINATORS[key](rule[key])
    return _comparison(OPERATORS[key], rule)


def _nested(rules: Any, name: str) -> tuple[ChoiceRule, ...]:
    if not isinstance(rules, Sequence) or isinstance(rules, str | bytes) or not rules:
        raise ValueError(f"'{name}' must be a non-empty array of Choice rules, got {rules!r}")
    return tuple(compile_rule(inner, top_level=False) for inner in rules)


def _compile_not(inner: Any) -> ChoiceRule:
    if not isinstance(inner, Mapping):
        raise ValueError(f"'Not' must be a single Choice rule object, got {inner!r}")
    return Negation(compile_rule(inner, top_level=False))


_COMBINATORS: Final[dict[str, Callable[[Any], ChoiceRule]]] = {
    "And": lambda rules: AllOf(_nested(rules, "And")),
    "Or": lambda rules: AnyOf(_nested(rules, "Or")),
    "Not": _compile_not,
}


def _comparison(op: Operator, rule: Mapping[str, Any]) -> ChoiceRule:
    text = rule.get("Variable")
    if not isinstance(text, str):
        raise ValueError(f"'{op.name}' needs a 'Variable' path, got {text!r}")
    variable = compile_path(text, reference=True)
    operand = rule[op.name]
    if op.by_path:
        if not isinstance(operand, str):
            raise ValueError(f"'{op.name}' must be {op.expects}, got {operand!r}")
        return PathComparison(op.name, variable, compile_path(operand, reference=True), op.prepare, op.test)
    prepared = op.prepare(operand)
    if prepared is MISMATCH:
        raise ValueError(f"'{op.name}' must be {op.expects}, got {operand!r}")
    if op.name == "IsPresent":
        return Presence(variable, prepared)
    return Comparison(op.name, variable, prepared, op.test)


class ConditionRule:
    """A JSONata Choice rule: ``Condition`` (an expression, or a literal) must give a boolean."""

    __slots__ = ("constant", "expression")

    def __init__(self, expression: Expression | None, constant: Any = None) -> None:
        self.expression = expression
        self.constant = constant

    def __repr__(self) -> str:
        shown = self.expression.text if self.expression is not None else self.constant
        return f"ConditionRule({shown!r})"
