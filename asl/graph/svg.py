"""The graph as a standalone SVG image: our own layout, no Graphviz, no fonts or scripts to fetch.

Styling is written as presentation attributes (no CSS), and arrowheads are drawn as
polygons, so every SVG viewer and converter (browsers, cairosvg, Inkscape) shows the
same picture. Each node carries a ``<title>`` tooltip with its full details.
"""

from __future__ import annotations

from html import escape

from .layout import (
    DETAIL_SIZE,
    LABEL_SIZE,
    LINE,
    NAME_SIZE,
    ClusterLayout,
    Placed,
    Route,
    layout_graph,
    node_lines,
    short_label,
    text_width,
)
from .model import END, START, Graph
from .overlay import Overlay, state_class

__all__ = ["render_svg"]

FONT = "Verdana, 'DejaVu Sans', Arial, sans-serif"
MARGIN = 20.0
_TYPE_COLOURS = {
    "Task": ("#eff6ff", "#2563eb"),
    "Choice": ("#fefce8", "#ca8a04"),
    "Pass": ("#f8fafc", "#64748b"),
    "Wait": ("#f5f3ff", "#7c3aed"),
    "Succeed": ("#f0fdf4", "#16a34a"),
    "Fail": ("#fff1f2", "#e11d48"),
    "Parallel": ("#f8fafc", "#475569"),
    "Map": ("#f8fafc", "#475569"),
}
_STATUS_COLOURS = {
    "visited": ("#dcfce7", "#15803d"),
    "failed": ("#fee2e2", "#b91c1c"),
    "unvisited": ("#ffffff", "#cbd5e1"),
}
_STATUS_TEXT = {"SUCCEEDED": "#15803d", "FAILED": "#b91c1c", "TIMED_OUT": "#b45309", "ABORTED": "#b45309"}


def _text(
    x: float, y: float, text: str, size: float, colour: str, weight: str = "normal", anchor: str = "middle"
) -> str:
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" font-family="{FONT}" font-size="{size}" font-weight="{weight}" '
        f'fill="{colour}" text-anchor="{anchor}">{escape(text)}</text>'
    )


def _colours(placed: Placed, overlay: Overlay | None) -> tuple[str, str, float, str]:
    """Fill, stroke, stroke width and text colour of a node."""
    if overlay is None:
        fill, stroke = _TYPE_COLOURS.get(placed.node.type, ("#ffffff", "#475569"))
        return fill, stroke, 1.5, "#0f172a"
    kind = state_class(overlay, placed.node.name)
    fill, stroke = _STATUS_COLOURS[kind]
    return fill, stroke, 3.0 if kind == "failed" else 1.8, "#94a3b8" if kind == "unvisited" else "#0f172a"


def _tooltip(placed: Placed, overlay: Overlay | None) -> str:
    node = placed.node
    lines = [f"{node.name} ({node.type})"]
    if node.detail:
        lines.append(node.detail)
    if node.comment:
        lines.append(node.comment)
    if overlay is not None:
        lines.append(f"visits: {overlay.visits.get(node.name, 0)}, retries: {overlay.retries.get(node.name, 0)}")
        if node.name in overlay.failed:
            lines.append(f"failed: {overlay.error or ''}")
    return f"<title>{escape(chr(10).join(lines))}</title>"


def _marker(placed: Placed, dx: float, dy: float, overlay: Overlay | None, out: list[str]) -> None:
    cx, cy, r = dx + placed.x + placed.w / 2, dy + placed.y + placed.h / 2, placed.w / 2
    fill = "#1e293b"
    if overlay is not None and state_class(overlay, placed.node.name) == "unvisited":
        fill = "#cbd5e1"
    out.append(f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="{r:.1f}" fill="{fill}"/>')
    out.append(_text(cx, cy + 3.5, "Start" if placed.node.name == START else "End", 9.0, "#ffffff", "bold"))


def _node(placed: Placed, dx: float, dy: float, overlay: Overlay | None, out: list[str]) -> None:
    if placed.node.name in (START, END):
        _marker(placed, dx, dy, overlay, out)
        return
    fill, stroke, stroke_width, ink = _colours(placed, overlay)
    x, y = dx + placed.x, dy + placed.y
    out.append(f'<g class="state">{_tooltip(placed, overlay)}')
    out.append(
        f'<rect x="{x:.1f}" y="{y:.1f}" width="{placed.w:.1f}" height="{placed.h:.1f}" rx="9" '
        f'fill="{fill}" stroke="{stroke}" stroke-width="{stroke_width}"/>'
    )
    baseline = y + 8 + LINE - 3.5
    for index, (text, size) in enumerate(node_lines(placed.node, overlay)):
        colour = ink if index == 0 or ink != "#0f172a" else ("#1d4ed8" if index == 2 else "#475569")
        if index == 2 and overlay is not None and placed.node.name in overlay.failed:
            colour = "#b91c1c"
        out.append(_text(x + placed.w / 2, baseline, text, size, colour, "bold" if size == NAME_SIZE else "normal"))
        baseline += LINE
    out.append("</g>")
    for inner in placed.inner:
        fw, fh = inner.frame
        out.append(
            f'<rect x="{x + inner.x:.1f}" y="{y + inner.y:.1f}" width="{fw:.1f}" height="{fh:.1f}" rx="6" '
            f'fill="#ffffff" fill-opacity="0.7" stroke="#94a3b8" stroke-dasharray="4 3"/>'
        )
        out.append(
            _text(x + inner.x + 8, y + inner.y + 14, inner.cluster.label, DETAIL_SIZE, "#64748b", anchor="start")
        )
        ox, oy = inner.origin
        _cluster(inner, x + ox, y + oy, overlay, out)


def _curve(points: tuple[tuple[float, float], ...], dx: float, dy: float, loop: bool) -> str:
    (x0, y0), rest = points[0], points[1:]
    parts = [f"M{x0 + dx:.1f},{y0 + dy:.1f}"]
    prev = points[0]
    for x, y in rest:
        if loop or prev[0] == x:
            parts.append(f"L{x + dx:.1f},{y + dy:.1f}")
        else:
            mid = (prev[1] + y) / 2 + dy
            parts.append(f"C{prev[0] + dx:.1f},{mid:.1f} {x + dx:.1f},{mid:.1f} {x + dx:.1f},{y + dy:.1f}")
        prev = (x, y)
    return " ".join(parts)


def _arrowhead(route: Route, dx: float, dy: float, colour: str) -> str:
    py, (x, y) = route.points[-2][1], route.points[-1]
    x, y = x + dx, y + dy
    if route.loop:
        shape = [(x, y), (x + 8, y - 4), (x + 8, y + 4)]
    elif py + dy <= y:  # arriving downwards
        shape = [(x, y), (x - 4.5, y - 8), (x + 4.5, y - 8)]
    else:
        shape = [(x, y), (x - 4.5, y + 8), (x + 4.5, y + 8)]
    return f'<polygon points="{" ".join(f"{a:.1f},{b:.1f}" for a, b in shape)}" fill="{colour}"/>'


def _edge(route: Route, dx: float, dy: float, overlay: Overlay | None, out: list[str]) -> None:
    edge = route.edge
    colour, width = "#475569", 1.4
    count = 0
    if overlay is not None:
        count = overlay.transitions.get((edge.source, edge.target), 0)
        colour, width = ("#2563eb", 2.6) if count else ("#cbd5e1", 1.2)
    dash = ' stroke-dasharray="6 4"' if edge.kind == "catch" else ""
    path = _curve(route.points, dx, dy, route.loop)
    out.append(f'<path d="{path}" fill="none" stroke="{colour}" stroke-width="{width}"{dash}/>')
    out.append(_arrowhead(route, dx, dy, colour))
    label = short_label(edge.label)
    if count > 1:
        label = f"{label} ×{count}".strip()
    if not label:
        return
    if route.label_at is not None:
        lx, ly = route.label_at
    else:
        (ax, ay), (bx, by) = route.points[0], route.points[1]
        lx, ly = (ax + bx) / 2, (ay + by) / 2
    lx, ly = lx + dx, ly + dy
    half = text_width(label, LABEL_SIZE) / 2 + 4
    out.append(f"<g><title>{escape(edge.label)}</title>")
    out.append(
        f'<rect x="{lx - half:.1f}" y="{ly - 8:.1f}" width="{2 * half:.1f}" height="15" rx="3" '
        f'fill="#ffffff" fill-opacity="0.92" stroke="{colour}" stroke-width="0.6"/>'
    )
    ink = "#1e3a8a" if count else ("#94a3b8" if overlay is not None else "#334155")
    out.append(_text(lx, ly + 3.5, label, LABEL_SIZE, ink))
    out.append("</g>")


def _cluster(laid: ClusterLayout, dx: float, dy: float, overlay: Overlay | None, out: list[str]) -> None:
    for route in laid.routes:
        _edge(route, dx, dy, overlay, out)
    for placed in laid.nodes:
        _node(placed, dx, dy, overlay, out)


def _header(graph: Graph, overlay: Overlay | None) -> list[tuple[str, float, str, str]]:
    """Lines above the picture: (text, size, colour, weight)."""
    lines: list[tuple[str, float, str, str]] = []
    if graph.comment:
        lines.append((short_text(graph.comment, 110), 12.0, "#334155", "normal"))
    if overlay is not None and overlay.status is not None:
        lines.append((f"Execution {overlay.status}", 13.0, _STATUS_TEXT.get(overlay.status, "#0f172a"), "bold"))
        if overlay.error:
            lines.append((short_text(f"Error: {overlay.error}", 110), 11.0, "#b91c1c", "normal"))
        if overlay.cause:
            lines.append((short_text(f"Cause: {overlay.cause}", 110), 11.0, "#7f1d1d", "normal"))
    return lines


def short_text(text: str, limit: int) -> str:
    """``text`` on one line, cut to ``limit`` characters."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def render_svg(graph: Graph, overlay: Overlay | None = None) -> str:
    """A standalone SVG document of ``graph`` (with ``overlay``'s path drawn over it)."""
    laid = layout_graph(graph, overlay)
    header = _header(graph, overlay)
    header_h = sum(size + 6 for _, size, _, _ in header) + (8 if header else 0)
    width = max(laid.w, max((text_width(t, s) for t, s, _, _ in header), default=0.0)) + 2 * MARGIN
    height = laid.h + header_h + 2 * MARGIN
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0f}" height="{height:.0f}" '
        f'viewBox="0 0 {width:.0f} {height:.0f}" role="img">',
        f'<rect x="0" y="0" width="{width:.0f}" height="{height:.0f}" fill="#ffffff"/>',
    ]
    y = MARGIN
    for text, size, colour, weight in header:
        y += size
        out.append(_text(MARGIN, y, text, size, colour, weight, anchor="start"))
        y += 6
    _cluster(laid, MARGIN, MARGIN + header_h, overlay, out)
    out.append("</svg>")
    return "\n".join(out) + "\n"
