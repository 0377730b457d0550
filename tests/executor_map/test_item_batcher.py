"""ItemBatcher: grouping a Distributed Map's items into batch inputs of bounded count and size."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from . import fail, map_machine, run


def batched(items: list[Any], input: Any = None, **batcher: Any) -> Any:
    """The Map's output over ``items`` with ItemBatcher ``batcher`` (each child returns its input)."""
    data = {"items": items, **(input or {})}
    return run(map_machine(ItemsPath="$.items", ItemBatcher=batcher), data)


def test_max_items_per_batch_groups_consecutive_items() -> None:
    """MaxItemsPerBatch 2 over five items makes batches of 2, 2 and 1, in order."""
    assert batched([1, 2, 3, 4, 5], MaxItemsPerBatch=2) == [
        {"Items": [1, 2]},
        {"Items": [3, 4]},
        {"Items": [5]},
    ]


def test_batch_input_is_added_to_every_batch() -> None:
    """BatchInput, resolved against the state input, is part of every batch."""
    out = batched([1, 2, 3], {"day": "mon"}, MaxItemsPerBatch=2, BatchInput={"d.$": "$.day", "fixed": 1})
    assert out == [
        {"BatchInput": {"d": "mon", "fixed": 1}, "Items": [1, 2]},
        {"BatchInput": {"d": "mon", "fixed": 1}, "Items": [3]},
    ]


def test_max_input_bytes_allows_a_batch_of_exactly_the_limit() -> None:
    """{"Items":["a","b"]} is 19 bytes: a limit of 19 keeps both items together."""
    assert batched(["a", "b", "c"], MaxInputBytesPerBatch=19) == [{"Items": ["a", "b"]}, {"Items": ["c"]}]


def test_max_input_bytes_one_below_splits() -> None:
    """A limit of 18 bytes cannot hold two one-letter items: every batch has one."""
    assert batched(["a", "b", "c"], MaxInputBytesPerBatch=18) == [{"Items": ["a"]}, {"Items": ["b"]}, {"Items": ["c"]}]


def test_max_input_bytes_counts_batch_input() -> None:
    """The byte bound covers the whole child input, BatchInput included (36 bytes for one item here)."""
    assert batched(["a", "b"], MaxInputBytesPerBatch=39, BatchInput={"x": 1}) == [
        {"BatchInput": {"x": 1}, "Items": ["a"]},
        {"BatchInput": {"x": 1}, "Items": ["b"]},
    ]


def test_max_input_bytes_counts_utf8_bytes() -> None:
    """Bytes, not characters, are counted: {"Items":["é","é"]} is 21 bytes."""
    assert batched(["é", "é"], MaxInputBytesPerBatch=21) == [{"Items": ["é", "é"]}]
    assert batched(["é", "é"], MaxInputBytesPerBatch=20) == [{"Items": ["é"]}, {"Items": ["é"]}]


def test_both_bounds_apply() -> None:
    """With both bounds, the tighter one closes a batch."""
    assert batched(["a", "b", "c", "d"], MaxItemsPerBatch=3, MaxInputBytesPerBatch=19) == [
        {"Items": ["a", "b"]},
        {"Items": ["c", "d"]},
    ]


def test_item_over_the_byte_bound_fails() -> None:
    """An item that alone makes a batch over MaxInputBytesPerBatch fails the Map with States.Runtime."""
    err = fail(map_machine(ItemsPath="$.items", ItemBatcher={"MaxInputBytesPerBatch": 19}), {"items": ["abcdef"]})
    assert err.error == "States.Runtime"
    assert "MaxInputBytesPerBatch" in (err.cause or "")


def test_item_selector_runs_before_batching() -> None:
    """ItemSelector shapes each item (with its own index) before items are batched."""
    machine = map_machine(
        ItemsPath="$.items",
        ItemSelector={"i.$": "$$.Map.Item.Index", "v.$": "$$.Map.Item.Value"},
        ItemBatcher={"MaxItemsPerBatch": 2},
    )
    assert run(machine, {"items": ["x", "y", "z"]}) == [
        {"Items": [{"i": 0, "v": "x"}, {"i": 1, "v": "y"}]},
        {"Items": [{"i": 2, "v": "z"}]},
    ]


def test_max_items_per_batch_path() -> None:
    """MaxItemsPerBatchPath reads the bound from the state input."""
    assert batched([1, 2, 3], {"n": 3}, MaxItemsPerBatchPath="$.n") == [{"Items": [1, 2, 3]}]


def test_max_items_per_batch_path_must_be_positive() -> None:
    """A MaxItemsPerBatchPath value of 0 fails with States.Runtime."""
    err = fail(map_machine(ItemsPath="$.items", ItemBatcher={"MaxItemsPerBatchPath": "$.n"}), {"items": [1], "n": 0})
    assert err.error == "States.Runtime"
    assert "MaxItemsPerBatchPath" in (err.cause or "")


def test_max_input_bytes_per_batch_path() -> None:
    """MaxInputBytesPerBatchPath reads the byte bound from the state input."""
    assert batched(["a", "b"], {"b": 18}, MaxInputBytesPerBatchPath="$.b") == [{"Items": ["a"]}, {"Items": ["b"]}]


def test_jsonata_batcher_fields_are_evaluated() -> None:
    """In JSONata states MaxItemsPerBatch and BatchInput may hold expressions."""
    machine = map_machine(
        QueryLanguage="JSONata",
        Items="{% $states.input.items %}",
        ItemBatcher={"MaxItemsPerBatch": "{% $states.input.n %}", "BatchInput": {"tag": "{% $states.input.tag %}"}},
    )
    assert run(machine, {"items": [1, 2, 3], "n": 2, "tag": "t"}) == [
        {"BatchInput": {"tag": "t"}, "Items": [1, 2]},
        {"BatchInput": {"tag": "t"}, "Items": [3]},
    ]


def test_no_items_make_no_batches() -> None:
    """An empty item list makes no child at all."""
    assert batched([], MaxItemsPerBatch=2) == []


@settings(max_examples=50, deadline=None)
@given(items=st.lists(st.integers(0, 999), max_size=20), size=st.integers(1, 6))
def test_batches_preserve_order_and_fill_up(items: list[int], size: int) -> None:
    """Batches concatenate back to the items; every batch but the last holds exactly MaxItemsPerBatch."""
    groups = [batch["Items"] for batch in batched(items, MaxItemsPerBatch=size)]
    assert [item for group in groups for item in group] == items
    assert all(len(group) == size for group in groups[:-1])
    assert all(1 <= len(group) <= size for group in groups)
