"""A state machine as a graph: nodes, labelled edges and nested clusters, ready to draw.

:func:`build_graph` turns a parsed :class:`~asl.StateMachine` into a :class:`Graph`. Each
graph of states (the machine itself, a Parallel branch, a Map item processor) is a
:class:`Cluster`; a Parallel or Map node owns its branch or processor clusters, so the
nesting of the picture is the nesting of the definition. Transitions never cross a
cluster's border in ASL, so every edge lives inside one cluster.

Edge kinds: ``start`` (the top-level Start marker to StartAt), ``next``, ``choice`` (one per
Choice rule, labelled with the rule's text), ``default`` (labelled ``Default``), ``catch``
(drawn dashed, labelled with the errors it catches) and ``end`` (a terminal state to the
End marker). Renderers give each node an id of their own (``s0``, ``s1``...) from
:attr:`Graph.ids`, so any state name is safe in any output format.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any

import attrs

from ..states import ChoiceState, MapState, ParallelState
from .rules import rule_text

if TYPE_CHECKING:
    from ..states import Branch, State, StateMachine

__all__ = ["END", "START", "Cluster", "Edge", "Graph", "Node", "build_graph", "raw_states"]

START = "__start"
"""The name of the Start marker of the top-level cluster."""
END = "__end"
"""The name of the End marker of the top-level cluster."""


@attrs.frozen
class Edge:
    """One transition a state can take."""

    source: str
    target: str
    kind: str
    """``start``, ``next``, ``choice``, ``default``, ``catch`` or ``end``."""
    label: str = ""


@attrs.frozen
class Node:
    """One state (or the Start/End marker)."""

    name: str
    type: str
    """The ASL ``Type``, or ``Start``/``End`` for the markers."""
    detail: str = ""
    """A short second line: the resource of a Task, the seconds of a Wait, the error of a Fail..."""
    clusters: tuple[Cluster, ...] = ()
    """A Parallel's branches or a Map's item processor (empty for other states)."""
    comment: str = ""


@attrs.frozen
class Cluster:
    """A graph of states: the machine, one Parallel branch or one Map item processor."""

    id: str
    label: str
    kind: str
    """``machine``, ``branch`` or ``processor``."""
    start_at: str
    nodes: tuple[Node, ...]
    edges: tuple[Edge, ...]


@attrs.frozen
class Graph:
    """The whole picture: the top-level cluster and lookup tables over every cluster."""

    root: Cluster
    comment: str = ""

    @property
    def ids(self) -> dict[str, str]:
        """A short id per node name (``s0``, ``s1``, ...; the markers keep their names)."""
        ids: dict[str, str] = {START: START, END: END}
        for index, node in enumerate(n for n in self.nodes() if n.name not in (START, END)):
            ids[node.name] = f"s{index}"
        return ids

    def nodes(self) -> Iterator[Node]:
        """Every node, nested ones included, outermost first."""
        yield from _nodes(self.root)

    def edges(self) -> Iterator[Edge]:
        """Every edge, nested clusters included."""
        yield from _edges(self.root)

    def clusters(self) -> Iterator[Cluster]:
        """Every cluster, the top-level one first."""
        yield from _clusters(self.root)

    def node(self, name: str) -> Node:
        """The node called ``name``."""
        for node in self.nodes():
            if node.name == name:
                return node
        raise KeyError(name)


def _nodes(cluster: Cluster) -> Iterator[Node]:
    for node in cluster.nodes:
        yield node
        for inner in node.clusters:
            yield from _nodes(inner)


def _edges(cluster: Cluster) -> Iterator[Edge]:
    yield from cluster.edges
    for node in cluster.nodes:
        for inner in node.clusters:
            yield from _edges(inner)


def _clusters(cluster: Cluster) -> Iterator[Cluster]:
    yield cluster
    for node in cluster.nodes:
        for inner in node.clusters:
            yield from _clusters(inner)


def raw_states(definition: Mapping[str, Any]) -> dict[str, Mapping[str, Any]]:
    """Every state of a raw definition by name, nested branches and processors included."""
    found: dict[str, Mapping[str, Any]] = {}
    pending = [definition]
    while pending:
        machine = pending.pop()
        states = machine.get("States")
        if not isinstance(states, Mapping):
            continue
        for name, state in states.items():
            if not isinstance(state, Mapping):
                continue
            found[name] = state
            pending.extend(b for b in state.get("Branches") or () if isinstance(b, Mapping))
            processor = state.get("ItemProcessor") or state.get("Iterator")
            if isinstance(processor, Mapping):
                pending.append(processor)
    return found


def _short_resource(resource: str, raw: Mapping[str, Any]) -> str:
    """``lambda:invoke ProcessPayment`` for ``arn:aws:states:::lambda:invoke``, and so on."""
    if resource.startswith("arn:aws:states:::"):
        service = resource[len("arn:aws:states:::") :]
        args = raw.get("Parameters") or raw.get("Arguments")
        function = args.get("FunctionName") if isinstance(args, Mapping) else None
        if isinstance(function, str) and service.startswith("lambda:invoke"):
            return f"{service} {function.split(':')[-1]}"
        return service
    parts = resource.split(":")
    if len(parts) >= 7 and parts[2] == "lambda":
        return f"lambda {parts[6]}"
    if len(parts) >= 7 and parts[2] == "states" and parts[5] == "activity":
        return f"activity {parts[6]}"
    return resource


def _wait_detail(raw: Mapping[str, Any]) -> str:
    for field in ("Seconds", "SecondsPath", "Timestamp", "TimestampPath"):
        if field in raw:
            value = raw[field]
            return f"{value} s" if field == "Seconds" and isinstance(value, int | float) else f"{field} {value}"
    return ""


def _fail_detail(raw: Mapping[str, Any]) -> str:
    error = raw.get("Error") or raw.get("ErrorPath")
    return str(error) if error is not None else ""


def _map_detail(raw: Mapping[str, Any]) -> str:
    processor = raw.get("ItemProcessor")
    config = processor.get("ProcessorConfig") if isinstance(processor, Mapping) else None
    mode = config.get("Mode") if isinstance(config, Mapping) else None
    return "distributed" if mode == "DISTRIBUTED" else "inline"


_DETAILS = {
    "Wait": _wait_detail,
    "Fail": _fail_detail,
    "Map": _map_detail,
}


def _detail(state: State, raw: Mapping[str, Any]) -> str:
    if state.type == "Task":
        return _short_resource(str(raw.get("Resource", "")), raw)
    make = _DETAILS.get(state.type)
    return make(raw) if make is not None else ""


def _state_edges(state: State, raw: Mapping[str, Any], top: bool) -> list[Edge]:
    name = state.name
    edges: list[Edge] = []
    if isinstance(state, ChoiceState):
        for choice, raw_rule in zip(state.choices, raw.get("Choices") or (), strict=False):
            edges.append(Edge(name, choice.next, "choice", rule_text(raw_rule)))
        if state.default is not None:
            edges.append(Edge(name, state.default, "default", "Default"))
    elif state.next is not None:
        edges.append(Edge(name, state.next, "next"))
    edges.extend(Edge(name, c.next, "catch", "Catch " + ", ".join(c.error_equals)) for c in getattr(state, "catch", ()))
    if top and state.type != "Choice" and (state.is_terminal or state.next is None):
        edges.append(Edge(name, END, "end"))
    return edges


def _cluster(branch: Branch, cluster_id: str, label: str, kind: str, raws: Mapping[str, Mapping[str, Any]]) -> Cluster:
    top = kind == "machine"
    nodes: list[Node] = []
    edges: list[Edge] = []
    if top:
        nodes.append(Node(START, "Start"))
        edges.append(Edge(START, branch.start_at, "start"))
    for name, state in branch.states.items():
        raw = raws.get(name, {})
        nodes.append(
            Node(name, state.type, _detail(state, raw), _inner_clusters(state, raws), str(state.comment or ""))
        )
        edges.extend(_state_edges(state, raw, top))
    if top:
        nodes.append(Node(END, "End"))
    return Cluster(cluster_id, label, kind, branch.start_at, tuple(nodes), tuple(edges))


def _inner_clusters(state: State, raws: Mapping[str, Mapping[str, Any]]) -> tuple[Cluster, ...]:
    if isinstance(state, ParallelState):
        return tuple(
            _cluster(branch, f"{state.name}/branch{i + 1}", f"Branch {i + 1}", "branch", raws)
            for i, branch in enumerate(state.branches)
        )
    if isinstance(state, MapState):
        label = "Item processor" + (f" ({state.label})" if state.label else "")
        return (_cluster(state.processor, f"{state.name}/processor", label, "processor", raws),)
    return ()


def build_graph(machine: StateMachine) -> Graph:
    """The graph of ``machine``: nodes, labelled edges, and Parallel/Map clusters."""
    raws = raw_states(machine.definition)
    root = _cluster(machine.root, "machine", "State machine", "machine", raws)
    return Graph(root, str(machine.comment or ""))
