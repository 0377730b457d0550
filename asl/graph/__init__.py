"""Pictures of state machines and of the executions that ran through them.

>>> import asl
>>> from asl.graph import build_graph, render
>>> machine = asl.parse({"StartAt": "A", "States": {"A": {"Type": "Pass", "End": True}}})
>>> print(render(build_graph(machine), "mermaid").splitlines()[0])
flowchart TD

:func:`build_graph` makes the model (nodes, labelled edges, nested clusters);
:func:`overlay_from_events` reads an execution's history (ours or AWS's); :func:`render`
draws both as ``mermaid``, ``dot``, ``svg`` or ``html`` (SVG and HTML use our own layered
layout: no Graphviz, nothing fetched).
"""

from __future__ import annotations

from collections.abc import Callable

from .dot import render_dot
from .html import render_html
from .mermaid import render_mermaid
from .model import Cluster, Edge, Graph, Node, build_graph
from .overlay import Overlay, load_history, overlay_from_events
from .svg import render_svg

__all__ = [
    "FORMATS",
    "Cluster",
    "Edge",
    "Graph",
    "Node",
    "Overlay",
    "build_graph",
    "load_history",
    "overlay_from_events",
    "render",
]

FORMATS: dict[str, Callable[[Graph, Overlay | None], str]] = {
    "mermaid": render_mermaid,
    "dot": render_dot,
    "svg": render_svg,
    "html": render_html,
}
"""Renderer by format name."""


def render(graph: Graph, format: str = "mermaid", overlay: Overlay | None = None) -> str:
    """``graph`` drawn in ``format`` (a key of :data:`FORMATS`), ``overlay``'s execution over it."""
    try:
        renderer = FORMATS[format]
    except KeyError:
        raise ValueError(f"unknown graph format {format!r}; choose one of {', '.join(FORMATS)}") from None
    return renderer(graph, overlay)
