"""The documentation and the examples hold: every code example runs, every test a page cites exists.

* Every fenced ```python block of a page under ``docs/`` runs, in order, in one namespace per
  page (a later block may use names an earlier one defined). A block fenced ```py is Python
  that is shown but not run (it needs a tool the tests do not install, say); ```console,
  ```json and the other languages are not run either. Both GitHub and the site highlight
  ```py as Python. Examples assert what they claim, so a behaviour change that makes a page wrong
  fails here.
* A page naming `tests/...` or `examples/...` names an existing file, and
  `tests/FILE.py::test_name` an existing test function of that file (a ``[param]`` suffix
  must name a page or a recorded conformance case), so the feature table's proofs stay real.
* Every example script under ``examples/`` runs to completion, every example folder has a
  pytest file, and every ``*.asl.json`` there is a valid definition.

Links and anchors are checked by ``tests/test_docs_links.py``.
"""

from __future__ import annotations

import ast
import os
import re
import subprocess
import sys
from functools import cache
from pathlib import Path

import pytest

import asl

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
EXAMPLES = ROOT / "examples"
PAGES = sorted(DOCS.rglob("*.md"))
CORPUS = Path(os.environ.get("ASL_CONFORMANCE_DIR", ROOT.parent / "shared" / "conformance"))

_FENCE = re.compile(r"^```(?P<info>[^\n`]*)\n(?P<body>.*?)^```[ \t]*$", re.S | re.M)
_REFERENCE = re.compile(r"`(?P<path>(?:tests|examples)/[\w/.\-]+)(?:::(?P<test>\w+)(?:\[(?P<param>[^\]`]+)\])?)?`")
_LANGUAGES = {
    "",
    "python",
    "py",
    "console",
    "json",
    "text",
    "yaml",
    "toml",
    "ini",
    "mermaid",
    "diff",
    "bash",
    "sh",
    "jsonc",
    "javascript",
}


def _page_id(page: Path) -> str:
    return page.relative_to(DOCS).as_posix()


def python_blocks(text: str) -> list[tuple[int, str]]:
    """(first line number, code) of every ```python block (```py blocks are shown, not run)."""
    blocks = []
    for match in _FENCE.finditer(text):
        words = match["info"].split()
        if words[:1] == ["python"]:
            line = text.count("\n", 0, match.start("body")) + 1
            blocks.append((line, match["body"]))
    return blocks


@cache
def defined_tests(path: Path) -> frozenset[str]:
    """The test functions a test file defines, at module level or in classes."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name.startswith("test"):
            names.add(node.name)
    return frozenset(names)


def reference_problem(path: str, test: str | None, param: str | None) -> str | None:
    """What is wrong with a cited `path[::test[param]]`, or None when it is real."""
    file = ROOT / path
    if not file.exists():
        return f"missing file {path}"
    if test is None:
        return None
    if test not in defined_tests(file):
        return f"{path} has no test {test}"
    if param is None:
        return None
    if test == "test_python_examples_run":
        return None if (DOCS / param).is_file() else f"no page {param} for {test}"
    if test == "test_conformance_case" and (CORPUS / "cases").is_dir():
        found = any((CORPUS / sub / f"{param}.json").is_file() for sub in ("cases", "test_state", "validation"))
        return None if found else f"no recorded case {param}"
    return None


@pytest.mark.parametrize("page", PAGES, ids=_page_id)
def test_python_examples_run(page: Path) -> None:
    """Every python block of the page runs without error, in order, in one shared namespace."""
    text = page.read_text(encoding="utf-8")
    namespace: dict[str, object] = {"__name__": f"docs_{page.stem.replace('-', '_')}"}
    for line, code in python_blocks(text):
        compiled = compile("\n" * (line - 1) + code, str(page), "exec")
        exec(compiled, namespace)


@pytest.mark.parametrize("page", PAGES, ids=_page_id)
def test_cited_files_and_tests_exist(page: Path) -> None:
    """Every `tests/...` or `examples/...` path a page names exists, and so does every test it cites."""
    text = page.read_text(encoding="utf-8")
    problems = [reference_problem(m["path"], m["test"], m["param"]) for m in _REFERENCE.finditer(text)]
    assert [p for p in problems if p] == []


@pytest.mark.parametrize("page", PAGES, ids=_page_id)
def test_fences_name_a_known_language(page: Path) -> None:
    """Code fences name a known language, so no Python example hides behind ```python3 or a typo."""
    infos = {
        m["info"].split()[0] if m["info"].split() else "" for m in _FENCE.finditer(page.read_text(encoding="utf-8"))
    }
    assert infos <= _LANGUAGES


def _example_scripts() -> list[Path]:
    scripts = []
    for path in sorted(EXAMPLES.rglob("*.py")):
        if path.name.startswith("test_") or path.name == "conftest.py":
            continue
        if re.search(r"^if __name__ == ['\"]__main__['\"]:", path.read_text(encoding="utf-8"), re.M):
            scripts.append(path)
    return scripts


@pytest.mark.parametrize("script", _example_scripts(), ids=lambda p: p.relative_to(EXAMPLES).as_posix())
def test_example_script_runs(script: Path) -> None:
    """The example script runs to completion from the repository root and exits with 0."""
    done = subprocess.run(
        [sys.executable, str(script)], cwd=ROOT, capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-4000:]


@pytest.mark.parametrize(
    "folder",
    sorted(p for p in EXAMPLES.iterdir() if p.is_dir() and not p.name.startswith((".", "_"))),
    ids=lambda p: p.name,
)
def test_example_folder_has_tests(folder: Path) -> None:
    """Each example folder carries the pytest file that shows how to test it."""
    assert sorted(folder.rglob("test_*.py")), f"examples/{folder.name} has no test_*.py"


@pytest.mark.parametrize(
    "definition", sorted(EXAMPLES.rglob("*.asl.json")), ids=lambda p: p.relative_to(EXAMPLES).as_posix()
)
def test_example_definition_is_valid(definition: Path) -> None:
    """Every state machine definition shipped with the examples passes asl.validate."""
    assert asl.validate(definition) == []


def test_block_finder_skips_py_blocks() -> None:
    """A ```py block is not collected; ```python blocks are, with their line."""
    text = "intro\n```python\nx = 1\n```\n```py\nraise SystemExit\n```\n```\nnot python\n```\n"
    assert python_blocks(text) == [(3, "x = 1\n")]


def test_reference_check_finds_missing_tests() -> None:
    """A cited test that the file does not define is reported; an existing one is not."""
    assert reference_problem("tests/test_docs.py", "test_block_finder_skips_py_blocks", None) is None
    assert (
        reference_problem("tests/test_docs.py", "test_nothing_like_this", None)
        == "tests/test_docs.py has no test test_nothing_like_this"
    )
    assert reference_problem("tests/no_such_file.py", None, None) == "missing file tests/no_such_file.py"
    assert reference_problem("tests/test_docs.py", "test_python_examples_run", "no-such-page.md") is not None
