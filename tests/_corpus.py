"""Shared by the conformance tests: the recorded-AWS harness and the checked-in lists of known cases."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType


def load_harness(corpus: Path, module_name: str) -> ModuleType | None:
    """The corpus's ``run.py`` as a module, or None when the corpus is absent."""
    path = corpus / "run.py"
    if not path.is_file():
        return None
    spec = importlib.util.spec_from_file_location(module_name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def read_known(path: Path) -> dict[str, str]:
    """``file name :: reason`` lines of a known-cases list; ``#`` starts a comment."""
    known: dict[str, str] = {}
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        name, _, reason = line.partition(" :: ")
        known[name.strip()] = reason.strip()
    return known
