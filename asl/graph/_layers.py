"""The graph-drawing steps of the layered layout that work on node names only.

Breaking cycles (:func:`back_edges`), layering (:func:`layers`), ordering each layer by
barycenter sweeps (:func:`order`), horizontal placement by isotonic regression
(:func:`positions`) and straightening long edges (:func:`straighten`). :mod:`.layout`
turns their answers into boxes and edge routes.
"""

from __future__ import annotations

from bisect import bisect_right, insort
from collections.abc import Sequence

from .model import END, Edge

__all__ = ["NODE_GAP", "back_edges", "layers", "order", "positions", "straighten"]

NODE_GAP = 28.0
"""Horizontal space between two boxes of a layer."""


def back_edges(names: Sequence[str], edges: Sequence[Edge], start: str) -> set[int]:
    """Indexes of the edges that close a cycle in a depth-first walk from ``start``."""
    out: dict[str, list[int]] = {n: [] for n in names}
    for i, edge in enumerate(edges):
        out[edge.source].append(i)
    back: set[int] = set()
    state: dict[str, int] = {}  # 1: on the stack, 2: done
    for root in [start, *names]:
        if root in state:
            continue
        state[root] = 1
        stack = [(root, iter(out[root]))]
        while stack:
            node, pending = stack[-1]
            for i in pending:
                target = edges[i].target
                if state.get(target) == 1:
                    back.add(i)
                elif target not in state:
                    state[target] = 1
                    stack.append((target, iter(out[target])))
                    break
            else:
                state[node] = 2
                stack.pop()
    return back


def layers(names: Sequence[str], dag: Sequence[tuple[str, str]]) -> dict[str, int]:
    """Longest-path layering of an acyclic graph; the End marker goes below everything."""
    preds: dict[str, list[str]] = {n: [] for n in names}
    indegree = dict.fromkeys(names, 0)
    succs: dict[str, list[str]] = {n: [] for n in names}
    for u, v in dag:
        preds[v].append(u)
        succs[u].append(v)
        indegree[v] += 1
    ready = [n for n in names if indegree[n] == 0]
    layer: dict[str, int] = {}
    while ready:
        node = ready.pop(0)
        layer[node] = max((layer[p] + 1 for p in preds[node]), default=0)
        for nxt in succs[node]:
            indegree[nxt] -= 1
            if indegree[nxt] == 0:
                ready.append(nxt)
    if END in layer:
        layer[END] = max((v for k, v in layer.items() if k != END), default=0) + 1
    return layer


def _crossings(rows: list[list[str]], links: list[tuple[str, str]]) -> int:
    """Edge crossings between adjacent layers: inversions of the lower ends, sorted by upper end."""
    position = {n: i for row in rows for i, n in enumerate(row)}
    level = {n: r for r, row in enumerate(rows) for n in row}
    by_level: dict[int, list[tuple[int, int]]] = {}
    for u, v in links:
        by_level.setdefault(level[u], []).append((position[u], position[v]))
    count = 0
    for pairs in by_level.values():
        seen: list[int] = []
        for _, lower in sorted(pairs):
            count += len(seen) - bisect_right(seen, lower)
            insort(seen, lower)
    return count


def order(rows: list[list[str]], links: list[tuple[str, str]]) -> list[list[str]]:
    """Barycenter sweeps over the layers; the ordering with the fewest crossings wins."""
    preds: dict[str, list[str]] = {}
    succs: dict[str, list[str]] = {}
    for u, v in links:
        succs.setdefault(u, []).append(v)
        preds.setdefault(v, []).append(u)
    best, best_count = [list(r) for r in rows], _crossings(rows, links)
    for sweep in range(8):
        down = sweep % 2 == 0
        indexes = range(1, len(rows)) if down else range(len(rows) - 2, -1, -1)
        for r in indexes:
            other = {n: i for i, n in enumerate(rows[r - 1 if down else r + 1])}
            near = preds if down else succs

            def key(item: tuple[int, str], other: dict[str, int] = other, near: dict[str, list[str]] = near) -> float:
                spots = [other[n] for n in near.get(item[1], ()) if n in other]
                return sum(spots) / len(spots) if spots else float(item[0])

            rows[r] = [n for _, n in sorted(enumerate(rows[r]), key=key)]
        count = _crossings(rows, links)
        if count < best_count:
            best, best_count = [list(r) for r in rows], count
    return best


def _pav(targets: list[float]) -> list[float]:
    """The non-decreasing sequence closest to ``targets`` (least squares): pool adjacent violators."""
    blocks: list[list[float]] = []  # [mean, weight]
    for t in targets:
        blocks.append([t, 1.0])
        while len(blocks) > 1 and blocks[-2][0] > blocks[-1][0]:
            mean, weight = blocks.pop()
            blocks[-1][0] = (blocks[-1][0] * blocks[-1][1] + mean * weight) / (blocks[-1][1] + weight)
            blocks[-1][1] += weight
    out: list[float] = []
    for mean, weight in blocks:
        out.extend([mean] * int(weight))
    return out


def _place_row(row: list[str], width: dict[str, float], wanted: dict[str, float]) -> dict[str, float]:
    """Centres for one layer: as near ``wanted`` as the order and spacing allow."""
    offsets, total = [], 0.0
    for i, name in enumerate(row):
        if i:
            total += width[row[i - 1]] / 2 + NODE_GAP + width[name] / 2
        offsets.append(total)
    fitted = _pav([wanted[n] - o for n, o in zip(row, offsets, strict=True)])
    return {n: y + o for n, y, o in zip(row, fitted, offsets, strict=True)}


def _weight(u: str, v: str) -> float:
    """How strongly a link pulls its ends into line: long edges (dummy chains) most, to run straight."""
    dummies = u.startswith("~") + v.startswith("~")
    return (1.0, 2.0, 8.0)[dummies]


def positions(rows: list[list[str]], width: dict[str, float], links: list[tuple[str, str]]) -> dict[str, float]:
    near: dict[str, list[tuple[str, float]]] = {}
    for u, v in links:
        near.setdefault(u, []).append((v, _weight(u, v)))
        near.setdefault(v, []).append((u, _weight(u, v)))
    x = {n: 0.0 for row in rows for n in row}
    for row in rows:
        x.update(_place_row(row, width, {n: 0.0 for n in row}))

    def wanted(name: str) -> float:
        pulls = near.get(name)
        if not pulls:
            return x[name]
        return sum(x[m] * w for m, w in pulls) / sum(w for _, w in pulls)

    for sweep in range(12):
        for row in rows if sweep % 2 == 0 else rows[::-1]:
            x.update(_place_row(row, width, {n: wanted(n) for n in row}))
    return x


def straighten(rows: list[list[str]], width: dict[str, float], x: dict[str, float], chains: list[list[str]]) -> None:
    """Put each long edge's dummy points on one vertical line where the neighbours leave room."""
    row_of = {n: (r, i) for r, row in enumerate(rows) for i, n in enumerate(row)}

    def fits(name: str, at: float) -> bool:
        r, i = row_of[name]
        row = rows[r]
        left_ok = i == 0 or x[row[i - 1]] + width[row[i - 1]] / 2 + NODE_GAP <= at - width[name] / 2
        right_ok = i == len(row) - 1 or at + width[name] / 2 + NODE_GAP <= x[row[i + 1]] - width[row[i + 1]] / 2
        return left_ok and right_ok

    for chain in chains:
        dummies = chain[1:-1]
        if len(dummies) < 2:
            continue
        ends = (x[chain[0]] + x[chain[-1]]) / 2
        for at in sorted({x[d] for d in dummies}, key=lambda c: abs(c - ends)):
            if all(fits(d, at) for d in dummies):
                x.update(dict.fromkeys(dummies, at))
                break
