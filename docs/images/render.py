"""Regenerate the pictures of the README's example: ``python docs/images/render.py``.

Runs ``examples/order_processing`` on an order the validator rejects, after two outages
of the validator service (so the picture shows the retries, the Catch taken and the
failing state), and writes ``order_processing.svg`` and, when cairosvg is installed
(``pip install cairosvg``), ``order_processing.png`` next to this script.

The same SVG comes from the command line::

    asl graph examples/order_processing/order_processing.asl.json --run --virtual-time \\
        --input '{"orderId": "ord-1002", "sku": "WIDGET-1", "quantity": 0, ...}' \\
        --resolvers my_resolvers.py -o order_processing.svg
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
EXAMPLE = HERE.parent.parent / "examples" / "order_processing"


#: The example's rejected order (``examples/order_processing/run.py``'s BAD_ORDER): quantity 0.
REJECTED_ORDER = {
    "orderId": "ord-1002",
    "customer": "alice@example.com",
    "sku": "WIDGET-1",
    "quantity": 0,
    "unitPrice": 19.99,
    "paymentMethod": "card",
}


def _example_resolvers() -> Any:
    """The example's ``resolvers`` module, loaded under a private name (nothing added to sys.path)."""
    spec = importlib.util.spec_from_file_location("_order_processing_resolvers", EXAMPLE / "resolvers.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def order_svg() -> str:
    """The SVG of the example's state machine with the rejected order's execution over it."""
    import asl
    from asl.graph import build_graph, overlay_from_events, render
    from asl.testing import VirtualClock

    shop = _example_resolvers().Shop(validator_outages=2)
    machine = asl.parse(EXAMPLE / "order_processing.asl.json")
    execution = asl.start(machine, REJECTED_ORDER, resolvers=shop.resolvers(), clock=VirtualClock(), seed=7)
    return render(build_graph(machine), "svg", overlay_from_events(execution.events))


def svg_to_png(svg: str, scale: float = 2.0) -> bytes:
    """``svg`` as PNG bytes (needs cairosvg and the cairo library)."""
    import cairosvg

    png: bytes = cairosvg.svg2png(bytestring=svg.encode("utf-8"), scale=scale)
    return png


def main() -> int:
    """Write the SVG, and the PNG when cairosvg can be imported."""
    svg = order_svg()
    (HERE / "order_processing.svg").write_text(svg, encoding="utf-8")
    print(f"wrote {HERE / 'order_processing.svg'}")
    try:
        png = svg_to_png(svg)
    except (ImportError, OSError) as e:  # OSError: cairosvg installed but the cairo library is missing
        print(f"no PNG: {e} (pip install cairosvg)")
        return 0
    (HERE / "order_processing.png").write_bytes(png)
    print(f"wrote {HERE / 'order_processing.png'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
