"""What the fuzzers check, as plain functions of bytes (shared by atheris and the corpus replay).

* :func:`check_definition`: bytes -> JSON -> ``asl.validate`` / ``asl.parse``. ``validate``
  returns a list of issues and never raises; ``parse`` raises only ``DefinitionError``, exactly
  when there are issues. The bytes are tried both as JSON text and as the parsed dict.
* :func:`check_expression`: the first byte picks a language (JSONPath path, ResultPath,
  payload template, intrinsic call, JSONata), the rest is the text. Compiling raises only
  ``ValueError`` (the syntax errors); evaluating on a fixed input raises only
  ``StatesError`` or ``PathNotFound`` and returns JSON data.

Anything else escaping is a bug: the fuzzer reports it and saves the input.
"""

from __future__ import annotations

import json
import math
import random
from typing import Any

import asl
from asl.errors import StatesError
from asl.jsonata import Limits as JsonataLimits
from asl.jsonata import compile_expression, use_limits
from asl.paths import PathNotFound, Scope, compile_intrinsic, compile_path, compile_result_path, compile_template

__all__ = ["DATA", "check_definition", "check_expression", "decode"]

#: The input every expression is evaluated on.
DATA: Any = {
    "a": 1,
    "b": {"c": [1, 2, {"d": "x"}], "e": None},
    "items": [{"id": 1, "tags": ["a"]}, {"id": 2, "tags": []}, {"id": 3}],
    "s": "a,b,,c",
    "n": 2.5,
    "t": True,
    "u": "\u20ac\U0001f600",
}
_CONTEXT: Any = {"Execution": {"Input": DATA, "Name": "n"}, "State": {"Name": "S"}, "Map": {"Item": {"Index": 0}}}
_VARIABLES: Any = {"v": [1, 2], "w": {"x": "y"}}
_LIMITS = JsonataLimits(timeout_s=1.0, max_depth=500)


def decode(data: bytes) -> str:
    """The bytes as text (invalid UTF-8 replaced, so every input is some text)."""
    return data.decode("utf-8", errors="replace")


def _is_json(value: Any) -> bool:
    try:
        json.dumps(value, allow_nan=False)
    except (TypeError, ValueError):
        return False
    return True


def check_definition(data: bytes) -> None:
    """``validate`` and ``parse`` on ``data`` as text and, when it is JSON, as a dict."""
    candidates: list[Any] = [data]
    try:
        loaded = json.loads(decode(data))
    except (ValueError, RecursionError):
        loaded = None
    if isinstance(loaded, dict):
        candidates.append(loaded)
    for definition in candidates:
        issues = asl.validate(definition)
        assert isinstance(issues, list), issues
        assert all(isinstance(issue, asl.DefinitionIssue) for issue in issues), issues
        try:
            asl.parse(definition)
        except asl.DefinitionError as error:
            assert error.issues == issues and issues, (error.issues, issues)
        else:
            assert issues == [], issues


def _evaluate_path(text: str) -> Any:
    return compile_path(text).evaluate(DATA, Scope(_CONTEXT, _VARIABLES, random.Random(0)))


def _evaluate_result_path(text: str) -> Any:
    return compile_result_path(text or None).apply(DATA, {"r": 1})


def _evaluate_template(text: str) -> Any:
    try:
        template = json.loads(text)
    except (ValueError, RecursionError):
        template = {"k.$": text}
    return compile_template(template).evaluate(DATA, Scope(_CONTEXT, _VARIABLES, random.Random(0)))


def _evaluate_intrinsic(text: str) -> Any:
    if not text.startswith("States."):
        text = "States." + text
    return compile_intrinsic(text).evaluate(DATA, Scope(_CONTEXT, _VARIABLES, random.Random(0)))


def _evaluate_jsonata(text: str) -> Any:
    expression = compile_expression("{% " + text + " %}")
    with use_limits(_LIMITS):
        return expression.evaluate({"input": DATA, "context": _CONTEXT}, _VARIABLES, field="Output",
                                   rng=random.Random(0), now_ms=0)


_KINDS = (_evaluate_path, _evaluate_result_path, _evaluate_template, _evaluate_intrinsic, _evaluate_jsonata)


def check_expression(data: bytes) -> None:
    """Compile and evaluate the text after the first byte in the language the first byte picks."""
    if not data:
        return
    evaluate = _KINDS[data[0] % len(_KINDS)]
    text = decode(data[1:])
    try:
        value = evaluate(text)
    except (ValueError, StatesError, PathNotFound):  # syntax errors (ValueError) and the ASL errors
        return
    assert _is_json(value), (text, value)
    if isinstance(value, float):
        assert math.isfinite(value), value
