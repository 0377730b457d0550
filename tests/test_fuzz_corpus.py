"""Replay the fuzzers' corpus (fuzz/corpus/...) and fuzz the same targets with hypothesis bytes.

The corpus holds the seeds and the interesting inputs atheris found (fuzz/fuzz_definition.py,
fuzz/fuzz_expressions.py); every one must still pass its target's checks (fuzz/targets.py).
Without atheris, the hypothesis tests below drive the same targets with random bytes.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

FUZZ_DIR = Path(__file__).resolve().parent.parent / "fuzz"
sys.path.insert(0, str(FUZZ_DIR))

from targets import check_definition, check_expression  # noqa: E402

EXAMPLES = int(os.environ.get("ASL_FUZZ_EXAMPLES", "100"))
BYTES = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _corpus(kind: str) -> list[Path]:
    return sorted((FUZZ_DIR / "corpus" / kind).iterdir())


def test_corpus_is_present() -> None:
    """Both corpora hold inputs (the replay below is not vacuous)."""
    assert len(_corpus("definition")) >= 20 and len(_corpus("expression")) >= 20


@pytest.mark.parametrize("path", _corpus("definition"), ids=lambda p: p.name)
def test_definition_corpus(path: Path) -> None:
    """Each saved definition: validate returns issues, parse raises only DefinitionError, and they agree."""
    check_definition(path.read_bytes())


@pytest.mark.parametrize("path", _corpus("expression"), ids=lambda p: p.name)
def test_expression_corpus(path: Path) -> None:
    """Each saved expression compiles or is a syntax error, and evaluates to JSON or an ASL error."""
    check_expression(path.read_bytes())


@BYTES
@given(st.binary(max_size=300))
def test_random_bytes_as_definition(data: bytes) -> None:
    """Random bytes as a definition: only issues, never an exception."""
    check_definition(data)


_TEXT = st.text(alphabet=st.sampled_from(list("$.[]()*?@'\",:{}0123456789abxyz States.FormatArray%&|=<>!-+ ")),
                 max_size=60)


@BYTES
@given(st.integers(0, 4), _TEXT)
def test_random_expression_text(kind: int, text: str) -> None:
    """Random text in each expression language: a syntax error, an ASL error or JSON data."""
    check_expression(bytes([kind]) + text.encode())
