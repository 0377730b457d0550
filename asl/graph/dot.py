"""The graph as Graphviz DOT text (``dot -Tsvg`` draws it; no Graphviz is needed to emit it).

Parallel and Map states are clusters (``subgraph cluster_...``) holding one cluster per
branch or processor; edges into or out of them end at the cluster border (``compound=true``
with ``lhead``/``ltail``). Choice edges carry their rule, Catch edges are dashed, and an
overlay colours the path taken, the visit and retry counts, and the failing state.
"""

from __future__ import annotations

from .model import END, START, Cluster, Edge, Graph, Node
from .overlay import Overlay, badge, state_class

__all__ = ["render_dot"]

_FILL = {"visited": "#dcfce7", "failed": "#fee2e2", "unvisited": "#f8fafc"}
_STROKE = {"visited": "#15803d", "failed": "#b91c1c", "unvisited": "#94a3b8"}
_SHAPES = {"Choice": "diamond", "Start": "circle", "End": "doublecircle"}


def _quote(text: str) -> str:
    """A DOT string literal."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def _attrs(values: dict[str, str]) -> str:
    return "[" + ", ".join(f"{k}={_quote(v)}" for k, v in values.items()) + "]"


def _node_attrs(node: Node, overlay: Overlay | None) -> dict[str, str]:
    lines = [node.type] if node.type in ("Start", "End") else [node.name, node.detail or node.type]
    note = badge(overlay, node.name) if overlay is not None else ""
    if note:
        lines.append(note)
    values = {"label": "\n".join(lines), "shape": _SHAPES.get(node.type, "box")}
    if node.name in (START, END):
        values.update(style="filled", fillcolor="#1e293b", fontcolor="#ffffff", width="0.4")
    if overlay is not None and node.name not in (START, END):
        kind = state_class(overlay, node.name)
        values.update(fillcolor=_FILL[kind], color=_STROKE[kind])
        if kind == "failed":
            values["penwidth"] = "3"
    elif node.type == "Fail":
        values.update(fillcolor="#fff1f2", color="#e11d48")
    if node.comment:
        values["tooltip"] = node.comment
    return values


def _anchor(node: Node) -> str:
    """A plain node inside a Parallel/Map cluster, for edges that end at the cluster's border."""
    inner = node.clusters[0]
    first = next(n for n in inner.nodes if n.name == inner.start_at)
    return _anchor(first) if first.clusters else first.name


def _declare(cluster: Cluster, ids: dict[str, str], overlay: Overlay | None, indent: str, out: list[str]) -> None:
    for node in cluster.nodes:
        node_id = ids[node.name]
        if not node.clusters:
            out.append(f"{indent}{node_id} {_attrs(_node_attrs(node, overlay))};")
            continue
        values = _node_attrs(node, overlay)
        out.append(f"{indent}subgraph cluster_{node_id} {{")
        out.append(f"{indent}  label={_quote(values['label'])};")
        out.append(f'{indent}  style="rounded,filled"; fillcolor={_quote(values.get("fillcolor", "#f1f5f9"))};')
        for index, inner in enumerate(node.clusters):
            out.append(f"{indent}  subgraph cluster_{node_id}_{index} {{")
            out.append(f'{indent}    label={_quote(inner.label)}; style="dashed,filled"; fillcolor="#ffffff";')
            _declare(inner, ids, overlay, indent + "    ", out)
            out.append(f"{indent}  }}")
        out.append(f"{indent}}}")


def _edge(edge: Edge, nodes: dict[str, Node], ids: dict[str, str], overlay: Overlay | None) -> str:
    values: dict[str, str] = {}
    source, target = nodes[edge.source], nodes[edge.target]
    tail, head = ids[edge.source], ids[edge.target]
    if source.clusters:
        tail, values["ltail"] = ids[_anchor(source)], f"cluster_{ids[edge.source]}"
    if target.clusters:
        head, values["lhead"] = ids[_anchor(target)], f"cluster_{ids[edge.target]}"
    if edge.label:
        values["label"] = edge.label
    if edge.kind == "catch":
        values["style"] = "dashed"
    if overlay is not None:
        count = overlay.transitions.get((edge.source, edge.target), 0)
        if count:
            values.update(color="#2563eb", penwidth="2.5")
            if count > 1:
                values["label"] = f"{edge.label} (×{count})".strip()
        else:
            values["color"] = "#94a3b8"
    return f"  {tail} -> {head} {_attrs(values)};" if values else f"  {tail} -> {head};"


def render_dot(graph: Graph, overlay: Overlay | None = None) -> str:
    """Graphviz DOT text for ``graph`` (with ``overlay``'s path drawn over it)."""
    ids = graph.ids
    out = [
        "digraph StateMachine {",
        '  graph [rankdir=TB, compound=true, fontname="Helvetica", fontsize=11, nodesep=0.35, ranksep=0.45];',
        '  node [shape=box, style="rounded,filled", fillcolor="#ffffff", color="#475569", '
        'fontname="Helvetica", fontsize=11];',
        '  edge [fontname="Helvetica", fontsize=9, color="#475569"];',
    ]
    if graph.comment:
        out.append(f"  label={_quote(graph.comment)}; labelloc=t;")
    _declare(graph.root, ids, overlay, "  ", out)
    nodes = {node.name: node for node in graph.nodes()}
    out.extend(_edge(edge, nodes, ids, overlay) for edge in graph.edges())
    out.append("}")
    return "\n".join(out) + "\n"
