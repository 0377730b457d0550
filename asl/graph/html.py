"""The graph as one self-contained HTML page: the SVG inline, a legend and the execution's summary.

No scripts, stylesheets or fonts are fetched: the page works offline and from a CI artifact.
"""

from __future__ import annotations

from html import escape

from .model import Graph
from .overlay import Overlay
from .svg import render_svg

__all__ = ["render_html"]

_STYLE = """
body { font-family: Verdana, 'DejaVu Sans', Arial, sans-serif; margin: 24px; color: #0f172a; background: #f8fafc; }
h1 { font-size: 18px; margin: 0 0 4px; }
.picture { background: #ffffff; border: 1px solid #e2e8f0; border-radius: 8px; padding: 8px; overflow: auto; }
.legend, .summary { font-size: 12px; color: #334155; margin: 10px 0; }
.legend span { display: inline-block; margin-right: 16px; }
.swatch { display: inline-block; width: 12px; height: 12px; border-radius: 3px; vertical-align: -2px;
          margin-right: 4px; border: 2px solid; }
.status-SUCCEEDED { color: #15803d; } .status-FAILED { color: #b91c1c; }
.status-TIMED_OUT, .status-ABORTED { color: #b45309; }
pre { white-space: pre-wrap; background: #ffffff; border: 1px solid #e2e8f0; padding: 8px; border-radius: 6px; }
"""

_LEGEND_PLAIN = (
    '<span><span class="swatch" style="background:#eff6ff;border-color:#2563eb"></span>Task</span>'
    '<span><span class="swatch" style="background:#fefce8;border-color:#ca8a04"></span>Choice</span>'
    "<span>── transition</span><span>- - - Catch</span>"
)
_LEGEND_RUN = (
    '<span><span class="swatch" style="background:#dcfce7;border-color:#15803d"></span>visited</span>'
    '<span><span class="swatch" style="background:#fee2e2;border-color:#b91c1c"></span>failed</span>'
    '<span><span class="swatch" style="background:#ffffff;border-color:#cbd5e1"></span>not visited</span>'
    '<span style="color:#2563eb">━ transition taken</span><span>- - - Catch</span>'
)


def _summary(overlay: Overlay) -> str:
    parts = [
        f'<div class="summary"><b class="status-{escape(overlay.status or "")}">{escape(overlay.status or "")}</b>'
    ]
    if overlay.path:
        parts.append(f" &middot; path: {escape(' → '.join(overlay.path[:60]))}{' …' if len(overlay.path) > 60 else ''}")
    parts.append("</div>")
    if overlay.error is not None:
        parts.append(f"<pre>Error: {escape(overlay.error)}\nCause: {escape(overlay.cause or '')}</pre>")
    return "".join(parts)


def render_html(graph: Graph, overlay: Overlay | None = None, title: str = "State machine") -> str:
    """A standalone HTML page showing ``graph`` (and ``overlay``, when given)."""
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>{escape(title)}</title><style>{_STYLE}</style></head><body>",
        f"<h1>{escape(title)}</h1>",
    ]
    if overlay is not None:
        parts.append(_summary(overlay))
    parts.append(f'<div class="legend">{_LEGEND_RUN if overlay is not None else _LEGEND_PLAIN}</div>')
    parts.append(f'<div class="picture">{render_svg(graph, overlay)}</div>')
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"
