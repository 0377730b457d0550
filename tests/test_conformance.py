"""The recorded-AWS conformance corpus (``../shared/conformance``), run through the real harness.

Every case runs in-process with the harness's own comparison (``run.py``'s ``run_case``).
A case listed in ``tests/conformance_known_failures.txt`` is expected to fail (strict
xfail): when it starts passing the test fails, so the list only shrinks.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from _corpus import load_harness, read_known

import asl
import asl.testing

ROOT = Path(__file__).resolve().parents[1]
CORPUS = Path(os.environ.get("ASL_CONFORMANCE_DIR", ROOT.parent / "shared" / "conformance"))
KNOWN_FAILURES = ROOT / "tests" / "conformance_known_failures.txt"






HARNESS = load_harness(CORPUS, "asl_conformance_harness")
KNOWN = read_known(KNOWN_FAILURES)


def _case_params() -> list[Any]:
    if HARNESS is None:
        return [pytest.param(None, marks=pytest.mark.skip(reason=f"conformance corpus not found at {CORPUS}"))]
    params = []
    for path in HARNESS.find_case_files([str(CORPUS / d) for d in HARNESS.CASE_SUBDIRS]):
        name = Path(path).name
        if HARNESS.load_case(path) is None:
            continue  # an index file, not a case
        marks = []
        if name in KNOWN:
            marks.append(pytest.mark.xfail(reason=KNOWN[name], strict=True))
        params.append(pytest.param(path, id=name.removesuffix(".json"), marks=marks))
    return params


@pytest.mark.parametrize("case_path", _case_params())
def test_conformance_case(case_path: str) -> None:
    """The library reproduces what real AWS recorded for this case."""
    assert HARNESS is not None
    case = HARNESS.load_case(case_path)
    result = HARNESS.run_case(asl, case)
    outcome = result.get("outcome")
    if outcome == "unsupported":
        pytest.skip(f"not expressible through the harness contract: {result.get('reason')}")
    assert outcome == "pass", f"{result.get('reason')}\n{result.get('diff', '')}\n{result.get('traceback', '')}"


def test_known_failures_name_real_cases() -> None:
    """Every entry of the known-failures list names a case that exists."""
    if HARNESS is None:
        pytest.skip(f"conformance corpus not found at {CORPUS}")
    names = {Path(p).name for p in HARNESS.find_case_files([str(CORPUS / d) for d in HARNESS.CASE_SUBDIRS])}
    assert sorted(set(KNOWN) - names) == []
