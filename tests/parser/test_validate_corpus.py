"""The validator against definitions AWS accepted and rejected (the recorded conformance corpus).

* ``cases/*.json``: definitions AWS accepted and ran, so ``validate_dict`` finds nothing;
* ``validation/*.json``: ``creation_error`` with code InvalidDefinition and
  ``validate_definition`` with result FAIL must give at least one issue; result OK gives none.
  The rules mirror ``run_validation()`` in the corpus's ``run.py``.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

import pytest

from asl.parser._load import load_definition
from asl.parser._validate import validate_definition, validate_dict

ROOT = Path(__file__).resolve().parents[2]
CORPUS = Path(os.environ.get("ASL_CONFORMANCE_DIR", ROOT.parent / "shared" / "conformance"))

# Rejections that the structural and semantic checks leave to other layers, by AWS's message.
ELSEWHERE = {
    "must be a valid JSONPath or a valid intrinsic function call": (
        "intrinsic-function syntax is compiled and reported by the builder (asl.parser._build)"
    ),
}


def _files(folder: str) -> list[Any]:
    paths = sorted((CORPUS / folder).glob("*.json"))
    if not paths:
        return [pytest.param(None, marks=pytest.mark.skip(reason=f"no corpus folder at {CORPUS / folder}"))]
    return [pytest.param(path, id=path.stem) for path in paths]


def _read(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


@pytest.mark.parametrize("path", _files("cases"))
def test_accepted_definition_has_no_issue(path: Path) -> None:
    """A definition AWS accepted and ran validates without issues."""
    loaded, issues = load_definition(_read(path)["definition"])
    assert loaded is not None and issues == []
    assert validate_dict(loaded) == []


def _expectation(case: dict[str, Any]) -> tuple[bool | None, str]:
    """(whether AWS found problems, AWS's words); None when the case is not about the definition."""
    expected = case.get("expected") or {}
    if case.get("kind") == "creation_error":
        text = str(expected.get("message") or expected.get("exception") or "")
        code = expected.get("error_code")
        if code is None:
            match = re.match(r"An error occurred \((\w+)\)", text)
            code = match.group(1) if match else None
        return (True if code == "InvalidDefinition" else None), text
    if case.get("kind") == "validate_definition":
        return expected.get("result") != "OK", json.dumps(expected.get("diagnostics") or [])
    return None, ""


@pytest.mark.parametrize("path", _files("validation"))
def test_validation_case(path: Path) -> None:
    """AWS's verdict on the definition (reject: at least one issue; accept: none)."""
    case = _read(path)
    rejected, text = _expectation(case)
    if rejected is None:
        pytest.skip("not a verdict on the definition (TestState request or another API error)")
    if rejected and "Express state machine" in text and (case.get("request") or {}).get("type") == "EXPRESS":
        pytest.skip("EXPRESS-only rule: validation takes no workflow type")
    for words, reason in ELSEWHERE.items():
        if words in text:
            pytest.skip(reason)
    definition = case["definition"] if case.get("definition") is not None else case.get("definition_text")
    issues = validate_definition(definition)
    if rejected:
        assert issues, f"AWS said: {text[:300]}"
    else:
        assert issues == []
