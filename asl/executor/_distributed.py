"""Distributed Map I/O: ItemReader, ItemBatcher and ResultWriter.

The Map handler (``_concurrent.py``) calls these three functions; everything about where
items come from and where results go lives here.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ..errors import RUNTIME, StatesError

if TYPE_CHECKING:
    from ..states import MapState
    from ._step import Step

__all__ = ["iteration_inputs", "read_items", "write_results"]


async def read_items(step: Step, state: MapState, raw: Any, data: Any) -> list[Any]:
    """The items an ``ItemReader`` yields (the state has one)."""
    raise StatesError(RUNTIME, f"ItemReader of state '{state.name}' is not supported yet")


def iteration_inputs(
    step: Step, state: MapState, raw: Any, data: Any, items: list[Any], select: Callable[[int, Any], Any]
) -> list[Any]:
    """The input of each child: ``select`` (ItemSelector) per item, then batches when ItemBatcher is set."""
    return [select(index, item) for index, item in enumerate(items)]


async def write_results(
    step: Step, state: MapState, raw: Any, data: Any, results: list[Any], failed: list[bool]
) -> Any:
    """The Map's result after a ``ResultWriter`` (the state has one) wrote ``results``."""
    return results
