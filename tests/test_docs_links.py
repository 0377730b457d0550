"""The documentation's links hold, offline: every relative link and anchor resolves, the site builds.

Pages checked: every Markdown file under ``docs/``, the README and the CHANGELOG. A link to a
page may carry an anchor; it must name a heading of that page (GitHub's slug rules, which
MkDocs follows for the headings these pages use) or an explicit ``{#id}``. Links with a
scheme (``https://...``) are not fetched: CI has no network.

The site itself (``mkdocs.yml``) must list every page in its nav and build with
``mkdocs build --strict``; that test is skipped when the ``docs`` extra is not installed
(``pip install -e '.[docs]'``).
"""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
MKDOCS_YML = ROOT / "mkdocs.yml"
PAGES = [*sorted(DOCS.rglob("*.md")), ROOT / "README.md", ROOT / "CHANGELOG.md"]

_FENCE = re.compile(r"^(?P<fence>```+|~~~+)[^\n]*\n.*?^(?P=fence)[ \t]*$", re.S | re.M)
_CODE_SPAN = re.compile(r"(`+)(?!`).+?(?<!`)\1(?!`)", re.S)
_INLINE_LINK = re.compile(r"!?\[(?:[^\[\]]|\[[^\]]*\])*\]\((?P<target><[^>]*>|[^)\s]*)(?:\s+\"[^\"]*\")?\)")
_REFERENCE_LINK = re.compile(r"^\s{0,3}\[[^\]]+\]:\s+(?P<target>\S+)", re.M)
_HEADING = re.compile(r"^(?P<hashes>#{1,6})[ \t]+(?P<text>.+?)[ \t]*#*[ \t]*$", re.M)
_EXPLICIT_ID = re.compile(r"\{[^}]*#(?P<id>[\w\-:.]+)[^}]*\}")
_HTML_ID = re.compile(r"<a\s+(?:name|id)=\"(?P<id>[^\"]+)\"")
_SNIPPET = re.compile(r"^--8<--\s+\"(?P<path>[^\"]+)\"\s*$", re.M)


def _page_id(page: Path) -> str:
    return page.relative_to(ROOT).as_posix() if page.is_relative_to(ROOT) else page.name


def prose(text: str) -> str:
    """The page without fenced blocks and code spans, where links are not links."""
    return _CODE_SPAN.sub("", _FENCE.sub("", text))


def slug(heading: str) -> str:
    """GitHub's anchor for a heading: markup dropped, lower case, punctuation removed, spaces to hyphens."""
    text = _EXPLICIT_ID.sub("", heading)
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", text)  # a link keeps its text
    text = re.sub(r"<[^>]+>", "", text)  # inline HTML
    text = text.strip().lower()
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


def anchors(text: str) -> set[str]:
    """Every anchor a page offers: its headings' slugs (repeats get -1, -2, ...) and explicit ids."""
    found: set[str] = set()
    seen: dict[str, int] = {}
    body = _FENCE.sub("", text)
    for match in _HEADING.finditer(body):
        heading = match["text"]
        explicit = _EXPLICIT_ID.search(heading)
        if explicit:
            found.add(explicit["id"])
            continue
        base = slug(heading)
        count = seen.get(base, 0)
        seen[base] = count + 1
        found.add(base if count == 0 else f"{base}-{count}")
    found.update(m["id"] for m in _HTML_ID.finditer(body))
    return found


def links(text: str) -> list[str]:
    """Every link target of the page's prose, inline or reference-style."""
    body = prose(text)
    targets = [m["target"].strip("<>") for m in _INLINE_LINK.finditer(body)]
    targets += [m["target"] for m in _REFERENCE_LINK.finditer(body)]
    return targets


def problems(page: Path) -> list[str]:
    """What is wrong with the page's relative links: missing files, missing anchors."""
    text = page.read_text(encoding="utf-8")
    found = []
    for target in links(text):
        if re.match(r"^[a-zA-Z][a-zA-Z0-9+.\-]*:", target) or target.startswith("//"):
            continue  # https:, mailto: ...: not fetched
        path_part, _, anchor = target.partition("#")
        path = (page.parent / path_part).resolve() if path_part else page
        if not path.exists():
            found.append(f"{_page_id(page)}: link to missing {path_part}")
            continue
        if anchor and path.suffix == ".md" and anchor not in anchors(path.read_text(encoding="utf-8")):
            found.append(f"{_page_id(page)}: no anchor #{anchor} in {path_part or page.name}")
    return found


@pytest.mark.parametrize("page", PAGES, ids=_page_id)
def test_relative_links_and_anchors_resolve(page: Path) -> None:
    """Every relative link of the page names an existing file and, for a page, one of its anchors."""
    assert problems(page) == []


@pytest.mark.parametrize("page", PAGES, ids=_page_id)
def test_snippet_includes_exist(page: Path) -> None:
    """Every ``--8<-- "file"`` include names a file of the repository."""
    for match in _SNIPPET.finditer(page.read_text(encoding="utf-8")):
        assert (ROOT / match["path"]).is_file(), f"{_page_id(page)} includes missing {match['path']}"


def nav_pages() -> list[str]:
    """The pages mkdocs.yml's nav lists, relative to docs/."""
    return re.findall(r"^\s*-\s+(?:[^:\n]+:\s+)?([\w./\-]+\.md)\s*$", MKDOCS_YML.read_text(encoding="utf-8"), re.M)


def test_nav_lists_existing_pages() -> None:
    """Every page in mkdocs.yml's nav exists under docs/."""
    missing = [name for name in nav_pages() if not (DOCS / name).is_file()]
    assert missing == []


def test_every_page_is_in_the_nav() -> None:
    """Every page under docs/ is reachable from the site's nav."""
    listed = set(nav_pages())
    assert [
        p.relative_to(DOCS).as_posix()
        for p in sorted(DOCS.rglob("*.md"))
        if p.relative_to(DOCS).as_posix() not in listed
    ] == []


def _docs_tools_missing() -> str | None:
    for module in ("mkdocs", "material", "mkdocstrings", "mkdocstrings_handlers.python"):
        try:
            if importlib.util.find_spec(module) is None:
                return module
        except ModuleNotFoundError:
            return module
    return None


@pytest.mark.skipif(
    _docs_tools_missing() is not None, reason="the docs extra is not installed: pip install -e '.[docs]'"
)
def test_site_builds_strict(tmp_path: Path) -> None:
    """`mkdocs build --strict` succeeds: no broken link, anchor, nav entry or API reference."""
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(tmp_path / "site")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        env={"NO_MKDOCS_2_WARNING": "1", "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)},
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_slugs_follow_github() -> None:
    """Headings become lower-case, hyphenated anchors without punctuation or code marks."""
    assert slug("When no resolver serves a Task") == "when-no-resolver-serves-a-task"
    assert slug("`asl.validate` and friends!") == "aslvalidate-and-friends"
    assert slug("Errors, Retry and Catch") == "errors-retry-and-catch"
    assert slug("The `asl` command") == "the-asl-command"


def test_repeated_headings_get_numbered_anchors() -> None:
    """A second heading with the same text gets the anchor suffix -1."""
    assert anchors("# Usage\n## Usage\n### Other {#custom}\n") == {"usage", "usage-1", "custom"}


def test_links_inside_code_are_ignored() -> None:
    """A link-shaped text inside a code span or a fenced block is not a link."""
    text = "see [a](a.md) and `[b](b.md)`\n```\n[c](c.md)\n```\n[d]: d.md\n"
    assert links(text) == ["a.md", "d.md"]


def test_missing_target_and_anchor_are_reported(tmp_path: Path) -> None:
    """A link to a missing file, or to a missing heading of an existing page, is a problem."""
    (tmp_path / "other.md").write_text("# Real heading\n", encoding="utf-8")
    page = tmp_path / "page.md"
    page.write_text(
        "[x](nowhere.md) [y](other.md#real-heading) [z](other.md#gone) [w](#top)\n# Top\n", encoding="utf-8"
    )
    assert [p.split(": ", 1)[1] for p in problems(page)] == [
        "link to missing nowhere.md",
        "no anchor #gone in other.md",
    ]
