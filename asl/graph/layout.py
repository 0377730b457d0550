"""A layered (Sugiyama-style) layout of a graph with nested clusters, in pure Python.

Each cluster (the machine, a Parallel branch, a Map processor) is laid out on its own,
innermost first, so a Parallel or Map node is simply a big box holding its clusters'
layouts. For one cluster:

Steps 1-5 live in :mod:`._layers`.

1. cycles are broken by reversing the back edges a depth-first walk from the start finds;
2. each node's layer is its longest path from a source (the End marker goes last);
3. an edge spanning several layers gets one dummy point per layer it crosses;
4. the order within each layer comes from barycenter sweeps, keeping the order with the
   fewest crossings;
5. x positions: each layer is placed as close as possible to the mean x of each node's
   neighbours while keeping the order and the spacing (an isotonic regression, solved
   exactly by pool-adjacent-violators), sweeping down and up a few times;
6. edges leave the bottom of their source and enter the top of their target (back edges
   the other way round), through their dummy points; labels sit in the gap below the source.

Text is measured with a width table for Verdana/DejaVu Sans, the fonts the SVG asks for.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import pairwise

import attrs

from ._layers import back_edges, layers, order, positions, straighten
from .model import END, START, Cluster, Edge, Graph, Node
from .overlay import Overlay, badge

__all__ = ["ClusterLayout", "Placed", "Route", "layout_graph", "node_lines", "text_width"]

Point = tuple[float, float]

NAME_SIZE = 12.0
DETAIL_SIZE = 10.5
LABEL_SIZE = 10.0
LINE = 15.0
PAD_X = 14.0
ROW_GAP = 34.0
LABEL_ROW_GAP = 52.0
MARKER = 34.0
HEADER_PAD = 8.0
CLUSTER_PAD = 12.0
CLUSTER_TITLE = 20.0
MAX_LABEL = 60

_NARROW = frozenset("il.,:;|!'`()[]{}/\\ -")
_WIDE = frozenset("mwMW@%")


def text_width(text: str, size: float) -> float:
    """The width of ``text`` drawn at ``size`` px in Verdana/DejaVu Sans (a close estimate)."""
    units = 0.0
    for char in text:
        if char in _NARROW:
            units += 0.36
        elif char in _WIDE:
            units += 0.95
        elif char.isupper() or char.isdigit():
            units += 0.70
        else:
            units += 0.62
    return units * size


def short_label(text: str) -> str:
    """An edge label cut to :data:`MAX_LABEL` characters."""
    return text if len(text) <= MAX_LABEL else text[: MAX_LABEL - 1] + "…"


@attrs.frozen
class Route:
    """Where one edge is drawn: its points (source end first) and its label's centre."""

    edge: Edge
    points: tuple[Point, ...]
    label_at: Point | None = None
    loop: bool = False


@attrs.frozen
class Placed:
    """One node with its box (top-left corner, size) in its cluster's coordinates."""

    node: Node
    x: float
    y: float
    w: float
    h: float
    inner: tuple[ClusterLayout, ...] = ()
    """A Parallel's or Map's cluster layouts, placed relative to this box."""


@attrs.frozen
class ClusterLayout:
    """A laid-out cluster: its nodes and routes, and where its frame sits in its owner's box.

    ``x``/``y`` place the frame (a Parallel branch's or Map processor's dashed box) in the
    owner's coordinates; ``w``/``h`` are the size of the content, which starts at
    :attr:`origin`.
    """

    cluster: Cluster
    x: float
    y: float
    w: float
    h: float
    nodes: tuple[Placed, ...]
    routes: tuple[Route, ...]

    @property
    def frame(self) -> tuple[float, float]:
        """Width and height of the frame around the content (title line included)."""
        return self.w + 2 * CLUSTER_PAD, self.h + CLUSTER_TITLE + CLUSTER_PAD

    @property
    def origin(self) -> Point:
        """Where the content starts, in the owner's coordinates."""
        return self.x + CLUSTER_PAD, self.y + CLUSTER_TITLE


def node_lines(node: Node, overlay: Overlay | None) -> list[tuple[str, float]]:
    """The text lines of a node's box (or a Parallel/Map header) with their font sizes."""
    lines = [(node.name, NAME_SIZE), (f"{node.type} · {node.detail}" if node.detail else node.type, DETAIL_SIZE)]
    note = badge(overlay, node.name) if overlay is not None else ""
    if note:
        lines.append((note, DETAIL_SIZE))
    return lines


def _text_box(node: Node, overlay: Overlay | None) -> tuple[float, float]:
    lines = node_lines(node, overlay)
    width = max(text_width(text, size) for text, size in lines) + 2 * PAD_X
    return max(width, 110.0), len(lines) * LINE + 2 * HEADER_PAD


def _box(node: Node, overlay: Overlay | None) -> tuple[float, float, tuple[ClusterLayout, ...]]:
    if node.name in (START, END):
        return MARKER, MARKER, ()
    width, height = _text_box(node, overlay)
    if not node.clusters:
        return width, height, ()
    inner: list[ClusterLayout] = []
    x = CLUSTER_PAD
    for cluster in node.clusters:
        laid = attrs.evolve(_layout(cluster, overlay), x=x, y=height)
        inner.append(laid)
        x += laid.frame[0] + CLUSTER_PAD
    inner_height = max(c.frame[1] for c in inner)
    if width > x:  # a wide header: centre the clusters under it
        inner = [attrs.evolve(c, x=c.x + (width - x) / 2) for c in inner]
    return max(width, x), height + inner_height + CLUSTER_PAD, tuple(inner)


def _ports(
    ends: list[tuple[str, str, int, float]], centre: dict[str, float], width: dict[str, float]
) -> dict[tuple[int, str], float]:
    """x of each edge end on a node side: ends spread over the side, sorted by where they go."""
    sides: dict[tuple[str, str], list[tuple[float, int]]] = {}
    for node, side, index, toward in ends:
        sides.setdefault((node, side), []).append((toward, index))
    spots: dict[tuple[int, str], float] = {}
    for (node, side), items in sides.items():
        items.sort()
        spread = min(max(width[node] - 24.0, 0.0), 16.0 * (len(items) - 1))
        for k, (_, index) in enumerate(items):
            offset = -spread / 2 + (spread * k / (len(items) - 1) if len(items) > 1 else spread / 2)
            spots[(index, side)] = centre[node] + offset
    return spots


def _layout(cluster: Cluster, overlay: Overlay | None) -> ClusterLayout:
    names = [n.name for n in cluster.nodes]
    boxes = {n.name: _box(n, overlay) for n in cluster.nodes}
    edges = list(cluster.edges)
    back = back_edges(names, edges, START if START in boxes else cluster.start_at)
    dag = [(e.target, e.source) if i in back else (e.source, e.target) for i, e in enumerate(edges)]
    layer = layers(names, [d for d in dag if d[0] != d[1]])
    width = {n: boxes[n][0] for n in names}
    chains: list[list[str]] = []
    links: list[tuple[str, str]] = []
    for i, (u, v) in enumerate(dag):
        chain = [u]
        for k in range(layer[u] + 1, layer[v]):
            dummy = f"~{i}~{k}"
            layer[dummy], width[dummy] = k, 8.0
            chain.append(dummy)
        chain.append(v)
        chains.append(chain)
        links.extend((a, b) for a, b in pairwise(chain) if a != b)
    rows: list[list[str]] = [[] for _ in range(max(layer.values(), default=0) + 1)]
    for name in [*names, *(n for n in layer if n.startswith("~"))]:
        rows[layer[name]].append(name)
    rows = order(rows, links)
    centre = positions(rows, width, links)
    straighten(rows, width, centre, chains)
    labelled = {layer[e.source] for e in edges if e.label}
    tops, y = [], 0.0
    for r, row in enumerate(rows):
        tops.append(y)
        y += max((boxes[n][1] for n in row if n in boxes), default=0.0)
        y += LABEL_ROW_GAP if r in labelled else ROW_GAP
    heights = [max((boxes[n][1] for n in row if n in boxes), default=0.0) for row in rows]
    left = min((centre[n] - width[n] / 2 for n in centre), default=0.0)
    centre = {n: c - left for n, c in centre.items()}
    top = {n: tops[layer[n]] + (heights[layer[n]] - boxes[n][1]) / 2 for n in names}
    placed = tuple(
        Placed(
            node, centre[node.name] - width[node.name] / 2, top[node.name], *boxes[node.name][:2], boxes[node.name][2]
        )
        for node in cluster.nodes
    )
    routes = _routes(edges, back, chains, centre, width, top, boxes, tops, heights, layer)
    low, high = _extent(placed, routes)
    if low < 0:
        placed = tuple(attrs.evolve(p, x=p.x - low) for p in placed)
        routes = tuple(_shifted(r, -low) for r in routes)
    total_h = max((tops[layer[n]] + heights[layer[n]] for n in names), default=0.0)
    return ClusterLayout(cluster, 0.0, 0.0, high - min(low, 0.0), total_h, placed, routes)


def _label_half(route: Route) -> float:
    return text_width(short_label(route.edge.label), LABEL_SIZE) / 2 + 4


def _extent(placed: Sequence[Placed], routes: Sequence[Route]) -> tuple[float, float]:
    """Leftmost and rightmost x of the boxes, edges and labels."""
    xs = [p.x for p in placed] + [p.x + p.w for p in placed]
    for route in routes:
        xs.extend(x for x, _ in route.points)
        if route.label_at is not None:
            half = _label_half(route)
            xs += [route.label_at[0] - half, route.label_at[0] + half]
    return min(xs, default=0.0), max(xs, default=0.0)


def _shifted(route: Route, dx: float) -> Route:
    points = tuple((x + dx, y) for x, y in route.points)
    label_at = (route.label_at[0] + dx, route.label_at[1]) if route.label_at is not None else None
    return attrs.evolve(route, points=points, label_at=label_at)


def _routes(
    edges: list[Edge],
    back: set[int],
    chains: list[list[str]],
    centre: dict[str, float],
    width: dict[str, float],
    top: dict[str, float],
    boxes: dict[str, tuple[float, float, tuple[ClusterLayout, ...]]],
    tops: list[float],
    heights: list[float],
    layer: dict[str, int],
) -> tuple[Route, ...]:
    ends: list[tuple[str, str, int, float]] = []
    for i, chain in enumerate(chains):
        if chain[0] == chain[-1]:
            continue
        ends.append((chain[0], "bottom", i, centre[chain[1]]))
        ends.append((chain[-1], "top", i, centre[chain[-2]]))
    port = _ports(ends, centre, width)
    routes: list[Route] = []
    for i, (edge, chain) in enumerate(zip(edges, chains, strict=True)):
        if chain[0] == chain[-1]:
            x = centre[edge.source] + width[edge.source] / 2
            y0, h = top[edge.source], boxes[edge.source][1]
            points = ((x, y0 + h * 0.35), (x + 22, y0 + h * 0.35), (x + 22, y0 + h * 0.65), (x, y0 + h * 0.65))
            label_at = (x + 26 + _label_half(Route(edge, points)), y0 + h / 2) if edge.label else None
            routes.append(Route(edge, points, label_at, loop=True))
            continue
        pts: list[Point] = [(port[(i, "bottom")], top[chain[0]] + boxes[chain[0]][1])]
        for dummy in chain[1:-1]:
            row = layer[dummy]
            pts += [(centre[dummy], tops[row]), (centre[dummy], tops[row] + heights[row])]
        pts.append((port[(i, "top")], top[chain[-1]]))
        first = pts[0], pts[1]
        label_at = ((first[0][0] + first[1][0]) / 2, (first[0][1] + first[1][1]) / 2) if edge.label else None
        if i in back:
            pts.reverse()
            label_at = ((pts[-1][0] + pts[-2][0]) / 2, (pts[-1][1] + pts[-2][1]) / 2) if edge.label else None
        routes.append(Route(edge, tuple(pts), label_at))
    return tuple(_spread_labels(routes))


def _spread_labels(routes: list[Route]) -> list[Route]:
    """Move labels that would overlap a previous one down a line."""
    boxes: list[tuple[float, float, float, float]] = []
    out: list[Route] = []
    for route in sorted(routes, key=lambda r: r.label_at or (0.0, 0.0)):
        if route.label_at is None:
            out.append(route)
            continue
        x, y = route.label_at
        half = _label_half(route)
        while any(abs(y - by) < 13 and x - half < bx2 and x + half > bx1 for bx1, by, bx2, _ in boxes):
            y += 13
        boxes.append((x - half, y, x + half, y))
        out.append(attrs.evolve(route, label_at=(x, y)))
    return out


def layout_graph(graph: Graph, overlay: Overlay | None = None) -> ClusterLayout:
    """The layout of ``graph`` (sizes depend on ``overlay``'s badges)."""
    return _layout(graph.root, overlay)
