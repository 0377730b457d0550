"""Choice rules as short readable text, for edge labels: ``$.x > 3``, ``$.kind == "a" or $.vip``.

Works on the raw definition (the ``Choices`` entries as written), so the text shows the
rule as its author wrote it. A table maps each comparison operator to its symbol; the
``...Path`` variants compare with another path. JSONata ``Condition`` rules show the
expression without its ``{% %}`` delimiters.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from functools import partial
from typing import Any

__all__ = ["rule_text"]

_SYMBOLS: dict[str, str] = {
    "Equals": "==",
    "LessThan": "<",
    "GreaterThan": ">",
    "LessThanEquals": "<=",
    "GreaterThanEquals": ">=",
}
_KINDS = ("String", "Numeric", "Boolean", "Timestamp")


def _operand(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def _compare(symbol: str, path_operand: bool, variable: str, value: Any) -> str:
    return f"{variable} {symbol} {value if path_operand else _operand(value)}"


def _test(word: str, variable: str, value: Any) -> str:
    return f"{variable} is {'' if value is True else 'not '}{word}"


def _matches(variable: str, value: Any) -> str:
    return f"{variable} matches {_operand(value)}"


def _comparisons() -> dict[str, Callable[[str, Any], str]]:
    """Operator name -> text maker, for every comparison (``...Path`` variants included)."""
    table: dict[str, Callable[[str, Any], str]] = {"StringMatches": _matches}
    for kind in _KINDS:
        for suffix, symbol in _SYMBOLS.items():
            if kind == "Boolean" and suffix != "Equals":
                continue
            table[kind + suffix] = partial(_compare, symbol, False)
            table[kind + suffix + "Path"] = partial(_compare, symbol, True)
        table["Is" + kind] = partial(_test, kind.lower())
    table["IsNull"] = partial(_test, "null")
    table["IsPresent"] = partial(_test, "present")
    return table


_COMPARISONS = _comparisons()


def _condition(text: Any) -> str:
    value = str(text).strip()
    if value.startswith("{%") and value.endswith("%}"):
        value = value[2:-2].strip()
    return value


def _group(rules: Any, word: str) -> str:
    if not isinstance(rules, list) or not rules:
        return "?"
    parts = [_text(rule, nested=True) for rule in rules]
    return f" {word} ".join(parts)


def _text(rule: Any, nested: bool = False) -> str:
    if not isinstance(rule, Mapping):
        return "?"
    if "Condition" in rule:
        return _condition(rule["Condition"])
    if "And" in rule:
        text = _group(rule["And"], "and")
        return f"({text})" if nested and len(rule["And"]) > 1 else text
    if "Or" in rule:
        text = _group(rule["Or"], "or")
        return f"({text})" if nested and len(rule["Or"]) > 1 else text
    if "Not" in rule:
        return f"not ({_text(rule['Not'])})"
    variable = str(rule.get("Variable", "?"))
    for name, make in _COMPARISONS.items():
        if name in rule:
            return make(variable, rule[name])
    return variable


def rule_text(rule: Any) -> str:
    """A one-line readable form of one Choice rule (a raw ``Choices`` entry)."""
    return _text(rule)
