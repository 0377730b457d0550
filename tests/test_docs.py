"""The documentation in ``docs/`` holds: its Python examples run, its links and file references resolve.

Every fenced ```python block of a page runs, in order, in one namespace per page (a later
block may use names an earlier one defined). A block fenced ```python no-run is shown but
not run. Examples assert what they claim, so a behaviour change that makes a page wrong
fails here.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
PAGES = sorted(DOCS.glob("*.md"))

_FENCE = re.compile(r"^```(?P<info>[^\n`]*)\n(?P<body>.*?)^```[ \t]*$", re.S | re.M)
_LINK = re.compile(r"\]\((?P<target>[^)#\s]*)(?:#(?P<anchor>[^)\s]+))?\)")
_TEST_PATH = re.compile(r"`(?P<path>(?:tests|examples)/[\w/.\-]+)`")


def python_blocks(text: str) -> list[tuple[int, str]]:
    """(first line number, code) of every ```python block that is not marked ``no-run``."""
    blocks = []
    for match in _FENCE.finditer(text):
        words = match["info"].split()
        if words[:1] == ["python"] and "no-run" not in words:
            line = text.count("\n", 0, match.start("body")) + 1
            blocks.append((line, match["body"]))
    return blocks


def anchors(text: str) -> set[str]:
    """GitHub-style anchors of a page's headings."""
    found = set()
    for heading in re.findall(r"^#+ (.+)$", _FENCE.sub("", text), flags=re.M):
        slug = re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")
        found.add(slug)
    return found


def _page_id(page: Path) -> str:
    return page.name


def test_docs_folder_has_the_planned_pages() -> None:
    """docs/ holds the index and every page it promises."""
    names = {page.name for page in PAGES}
    assert {
        "index.md",
        "testing.md",
        "resolvers.md",
        "errors.md",
        "validation.md",
        "parity.md",
        "feature-support.md",
    } <= names


@pytest.mark.parametrize("page", PAGES, ids=_page_id)
def test_python_examples_run(page: Path) -> None:
    """Every python block of the page runs without error, in order, in one shared namespace."""
    text = page.read_text(encoding="utf-8")
    namespace: dict[str, object] = {"__name__": f"docs_{page.stem.replace('-', '_')}"}
    for line, code in python_blocks(text):
        compiled = compile("\n" * (line - 1) + code, str(page), "exec")
        exec(compiled, namespace)


@pytest.mark.parametrize("page", PAGES, ids=_page_id)
def test_links_point_to_existing_pages_and_headings(page: Path) -> None:
    """Every relative link names an existing file and, for a page, an existing heading."""
    text = page.read_text(encoding="utf-8")
    for match in _LINK.finditer(_FENCE.sub("", text)):
        target, anchor = match["target"], match["anchor"]
        if "://" in target or (not target and not anchor):
            continue
        path = (page.parent / target).resolve() if target else page
        assert path.exists(), f"{page.name} links to missing {target}"
        if anchor and path.suffix == ".md":
            assert anchor in anchors(path.read_text(encoding="utf-8")), f"{page.name}: no heading #{anchor} in {target}"


@pytest.mark.parametrize("page", PAGES, ids=_page_id)
def test_referenced_repository_files_exist(page: Path) -> None:
    """Every `tests/...` or `examples/...` path a page names exists in the repository."""
    text = page.read_text(encoding="utf-8")
    for match in _TEST_PATH.finditer(text):
        assert (ROOT / match["path"]).exists(), f"{page.name} names missing {match['path']}"


def test_block_finder_skips_no_run_blocks() -> None:
    """A ```python no-run block is not collected; plain ```python blocks are, with their line."""
    text = "intro\n```python\nx = 1\n```\n```python no-run\nraise SystemExit\n```\n```\nnot python\n```\n"
    assert python_blocks(text) == [(3, "x = 1\n")]


def test_anchor_slugs_follow_github() -> None:
    """Headings become lower-case, hyphenated anchors without punctuation."""
    assert anchors("# When no resolver serves a Task\n## `asl.validate` and friends!\n") == {
        "when-no-resolver-serves-a-task",
        "aslvalidate-and-friends",
    }
