"""The graph as a Mermaid flowchart (renders in GitHub Markdown, mkdocs-material, mermaid.live).

Parallel and Map states are subgraphs holding one subgraph per branch or processor; edges
into and out of them attach to the subgraph. Choice states are diamonds, Choice edges carry
their rule, Catch edges are dotted. With an overlay, visited states, the failing state and
the transitions taken get classes and link styles, and labels show visit and retry counts.
"""

from __future__ import annotations

from .model import END, START, Cluster, Edge, Graph, Node
from .overlay import Overlay, badge, state_class

__all__ = ["render_mermaid"]

_SHAPES = {
    "Choice": ("{", "}"),
    "Start": ("((", "))"),
    "End": ("((", "))"),
    "Succeed": ("([", "])"),
    "Fail": ("([", "])"),
}
_CLASSES = (
    "classDef visited fill:#dcfce7,stroke:#15803d,stroke-width:2px",
    "classDef failed fill:#fee2e2,stroke:#b91c1c,stroke-width:3px",
    "classDef unvisited fill:#f8fafc,stroke:#94a3b8,color:#64748b",
    "classDef marker fill:#1e293b,stroke:#1e293b,color:#ffffff",
    "classDef failstate fill:#fff1f2,stroke:#e11d48",
)


def _escape(text: str) -> str:
    """Text safe inside a quoted Mermaid label (entity codes for quotes and angle brackets)."""
    return (
        text.replace("&", "#amp;")
        .replace('"', "#quot;")
        .replace("<", "#lt;")
        .replace(">", "#gt;")
        .replace("|", "#124;")
        .replace("\n", " ")
    )


def _label(node: Node, overlay: Overlay | None) -> str:
    lines = [_escape(node.name if node.type not in ("Start", "End") else node.type)]
    if node.type not in ("Start", "End"):
        lines.append(_escape(f"{node.type}: {node.detail}" if node.detail else node.type))
    note = badge(overlay, node.name) if overlay is not None else ""
    if note:
        lines.append(_escape(note))
    return "<br/>".join(lines)


def _declare(cluster: Cluster, ids: dict[str, str], overlay: Overlay | None, indent: str, out: list[str]) -> None:
    for node in cluster.nodes:
        node_id = ids[node.name]
        if node.clusters:
            out.append(f'{indent}subgraph {node_id}["{_label(node, overlay)}"]')
            out.append(f"{indent}  direction TB")
            for inner in node.clusters:
                inner_id = f"{node_id}_{inner.id.rsplit('/', 1)[-1]}"
                out.append(f'{indent}  subgraph {inner_id}["{_escape(inner.label)}"]')
                out.append(f"{indent}    direction TB")
                _declare(inner, ids, overlay, indent + "    ", out)
                out.append(f"{indent}  end")
            out.append(f"{indent}end")
            continue
        opening, closing = _SHAPES.get(node.type, ("[", "]"))
        out.append(f'{indent}{node_id}{opening}"{_label(node, overlay)}"{closing}')


def _arrow(edge: Edge) -> str:
    arrow = "-.->" if edge.kind == "catch" else "-->"
    if edge.label:
        return f'{arrow}|"{_escape(edge.label)}"|'
    return arrow


def _classes(graph: Graph, ids: dict[str, str], overlay: Overlay | None) -> list[str]:
    groups: dict[str, list[str]] = {}
    for node in graph.nodes():
        if overlay is not None:
            name = state_class(overlay, node.name)
            if node.name in (START, END) and name == "visited":
                name = "marker"
        elif node.name in (START, END):
            name = "marker"
        elif node.type == "Fail":
            name = "failstate"
        else:
            continue
        groups.setdefault(name, []).append(ids[node.name])
    return [f"class {','.join(members)} {name}" for name, members in groups.items()]


def render_mermaid(graph: Graph, overlay: Overlay | None = None) -> str:
    """Mermaid ``flowchart TD`` text for ``graph`` (with ``overlay``'s path drawn over it)."""
    ids = graph.ids
    out = ["flowchart TD"]
    _declare(graph.root, ids, overlay, "  ", out)
    taken: list[int] = []
    for index, edge in enumerate(graph.edges()):
        out.append(f"  {ids[edge.source]} {_arrow(edge)} {ids[edge.target]}")
        if overlay is not None and overlay.transitions.get((edge.source, edge.target)):
            taken.append(index)
    out.extend("  " + line for line in _CLASSES)
    out.extend("  " + line for line in _classes(graph, ids, overlay))
    if taken:
        out.append(f"  linkStyle {','.join(map(str, taken))} stroke:#2563eb,stroke-width:3px")
    return "\n".join(out) + "\n"
