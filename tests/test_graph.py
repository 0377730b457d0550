"""Pictures of state machines: the graph model, rule labels, the overlay, the layout and each renderer."""

from __future__ import annotations

import importlib.util
import json
import os
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import asl
from asl.graph import build_graph, load_history, overlay_from_events, render
from asl.graph.layout import ClusterLayout, layout_graph
from asl.graph.model import END, START
from asl.graph.rules import rule_text
from asl.testing import VirtualClock

ROOT = Path(__file__).resolve().parent.parent
ORDER = ROOT / "examples" / "order_processing" / "order_processing.asl.json"

NESTED: dict[str, Any] = {
    "Comment": "clusters",
    "StartAt": "Fan",
    "States": {
        "Fan": {
            "Type": "Parallel",
            "Branches": [
                {"StartAt": "Left", "States": {"Left": {"Type": "Pass", "End": True}}},
                {
                    "StartAt": "Each",
                    "States": {
                        "Each": {
                            "Type": "Map",
                            "ItemProcessor": {"StartAt": "Work", "States": {"Work": {"Type": "Pass", "End": True}}},
                            "End": True,
                        }
                    },
                },
            ],
            "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Oops"}],
            "Next": "Check",
        },
        "Check": {
            "Type": "Choice",
            "Choices": [{"Variable": "$.n", "NumericGreaterThan": 3, "Next": "Done"}],
            "Default": "Again",
        },
        "Again": {"Type": "Pass", "Result": {"n": 5}, "Next": "Check"},
        "Done": {"Type": "Succeed"},
        "Oops": {"Type": "Fail", "Error": "Bad"},
    },
}


def graph_of(definition: Any) -> Any:
    """The graph model of ``definition``."""
    return build_graph(asl.parse(definition))


# -- the model -------------------------------------------------------------------------------


def test_parallel_branches_and_map_processor_are_nested_clusters() -> None:
    """A Parallel node holds one cluster per branch; a Map node holds its processor's cluster."""
    graph = graph_of(NESTED)
    fan = graph.node("Fan")
    assert [(c.kind, c.label, c.start_at) for c in fan.clusters] == [
        ("branch", "Branch 1", "Left"),
        ("branch", "Branch 2", "Each"),
    ]
    each = graph.node("Each")
    assert [(c.kind, [n.name for n in c.nodes]) for c in each.clusters] == [("processor", ["Work"])]
    assert [c.id for c in graph.clusters()] == ["machine", "Fan/branch1", "Fan/branch2", "Each/processor"]


def test_edges_are_labelled_by_kind() -> None:
    """Choice edges carry the rule text, Default its name, Catch the errors it catches; Start and End markers."""
    edges = {(e.source, e.target, e.kind, e.label) for e in graph_of(NESTED).edges()}
    assert (START, "Fan", "start", "") in edges
    assert ("Fan", "Check", "next", "") in edges
    assert ("Fan", "Oops", "catch", "Catch States.ALL") in edges
    assert ("Check", "Done", "choice", "$.n > 3") in edges
    assert ("Check", "Again", "default", "Default") in edges
    assert ("Done", END, "end", "") in edges
    assert not any(e[0] == "Left" for e in edges)  # a branch's End is not the machine's End


def test_node_details_name_the_resource() -> None:
    """A Task's second line is its short resource (service and function name)."""
    graph = build_graph(asl.parse(ORDER))
    assert graph.node("ProcessPayment").detail == "lambda:invoke ProcessPayment"
    assert graph.node("ValidateOrder").detail == "lambda ValidateOrder"
    assert graph.node("UpdateInventory").detail == "dynamodb:updateItem"
    assert graph.node("ReviewRejected").detail == "OrderRejected"


# -- Choice rules as text ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rule", "text"),
    [
        ({"Variable": "$.x", "NumericGreaterThan": 3}, "$.x > 3"),
        ({"Variable": "$.s", "StringEquals": 'a"b'}, '$.s == "a\\"b"'),
        ({"Variable": "$.a", "NumericLessThanEqualsPath": "$.b"}, "$.a <= $.b"),
        ({"Variable": "$.t", "TimestampGreaterThanEquals": "2024-01-01T00:00:00Z"}, '$.t >= "2024-01-01T00:00:00Z"'),
        ({"Variable": "$.f", "BooleanEquals": False}, "$.f == false"),
        ({"Variable": "$.n", "IsNull": False}, "$.n is not null"),
        ({"Variable": "$.p", "IsPresent": True}, "$.p is present"),
        ({"Variable": "$.name", "StringMatches": "log-*"}, '$.name matches "log-*"'),
        ({"Not": {"Variable": "$.x", "IsNumeric": True}}, "not ($.x is numeric)"),
        (
            {
                "And": [
                    {"Variable": "$.a", "NumericEquals": 1},
                    {"Or": [{"Variable": "$.b", "IsString": True}, {"Variable": "$.c", "IsBoolean": True}]},
                ]
            },
            "$.a == 1 and ($.b is string or $.c is boolean)",
        ),
        ({"Condition": "{% $states.input.n > 3 %}"}, "$states.input.n > 3"),
    ],
)
def test_rule_text(rule: dict[str, Any], text: str) -> None:
    """Each Choice rule reads as a short expression."""
    assert rule_text(rule) == text


@settings(max_examples=40, deadline=None)
@given(
    st.recursive(
        st.dictionaries(st.text(max_size=12), st.none() | st.integers() | st.text(max_size=5)),
        lambda kids: st.dictionaries(
            st.sampled_from(["And", "Or", "Not", "Variable"]), kids | st.lists(kids, max_size=3)
        ),
        max_leaves=10,
    )
)
def test_rule_text_never_raises(rule: Any) -> None:
    """Any JSON object as a rule (even a malformed one) gives a string, never an exception."""
    assert isinstance(rule_text(rule), str)


# -- the overlay -----------------------------------------------------------------------------


def _flaky_run() -> Any:
    """An execution of NESTED-like machine with retries, a loop and a Map over three items."""
    machine = {
        "StartAt": "Call",
        "States": {
            "Call": {
                "Type": "Task",
                "Resource": "arn:aws:lambda:us-east-1:123456789012:function:flaky",
                "Retry": [{"ErrorEquals": ["States.ALL"], "IntervalSeconds": 1, "MaxAttempts": 3}],
                "Next": "Each",
            },
            "Each": {
                "Type": "Map",
                "ItemsPath": "$.items",
                "ItemProcessor": {"StartAt": "Work", "States": {"Work": {"Type": "Pass", "End": True}}},
                "ResultPath": "$.done",
                "Next": "Boom",
            },
            "Boom": {"Type": "Fail", "Error": "Custom.Boom", "Cause": "end"},
        },
    }
    calls = {"n": 0}

    def flaky(data: Any) -> Any:
        calls["n"] += 1
        if calls["n"] < 3:
            raise RuntimeError("not yet")
        return {"items": [1, 2, 3]}

    execution = asl.start(machine, {}, resolvers={"flaky": flaky}, clock=VirtualClock())
    return machine, execution


def test_overlay_counts_visits_retries_and_transitions() -> None:
    """From a real execution: visits per state, retries beyond one attempt per visit, transitions taken."""
    _, execution = _flaky_run()
    overlay = overlay_from_events(execution.events)
    assert overlay.status == "FAILED" and overlay.error == "Custom.Boom"
    assert overlay.visits == {"Call": 1, "Each": 1, "Work": 3, "Boom": 1}
    assert overlay.retries == {"Call": 2}
    assert overlay.transitions == {(START, "Call"): 1, ("Call", "Each"): 1, ("Each", "Boom"): 1}
    assert overlay.failed == frozenset({"Boom"})
    assert overlay.path[:2] == ("Call", "Each")


def test_overlay_reads_aws_get_execution_history_json() -> None:
    """An AWS GetExecutionHistory document (details nested, ids chained) gives the same overlay."""
    history = {
        "events": [
            {
                "id": 1,
                "previousEventId": 0,
                "type": "ExecutionStarted",
                "executionStartedEventDetails": {"input": "{}"},
            },
            {"id": 2, "previousEventId": 1, "type": "TaskStateEntered", "stateEnteredEventDetails": {"name": "T"}},
            {"id": 3, "previousEventId": 2, "type": "TaskScheduled", "taskScheduledEventDetails": {"resource": "x"}},
            {"id": 4, "previousEventId": 3, "type": "TaskFailed", "taskFailedEventDetails": {"error": "E"}},
            {"id": 5, "previousEventId": 4, "type": "TaskScheduled", "taskScheduledEventDetails": {"resource": "x"}},
            {"id": 6, "previousEventId": 5, "type": "TaskFailed", "taskFailedEventDetails": {"error": "E"}},
            {
                "id": 7,
                "previousEventId": 6,
                "type": "ExecutionFailed",
                "executionFailedEventDetails": {"error": "E", "cause": "c"},
            },
        ]
    }
    overlay = overlay_from_events(load_history(history))
    assert (overlay.status, overlay.error, overlay.cause) == ("FAILED", "E", "c")
    assert overlay.visits == {"T": 1} and overlay.retries == {"T": 1}
    assert overlay.failed == frozenset({"T"}) and overlay.transitions == {(START, "T"): 1}


def test_overlay_reads_a_recorded_conformance_history() -> None:
    """The simplified histories of the conformance cases (``previous`` links) give a path."""
    history = [
        {"id": 1, "previous": 0, "type": "ExecutionStarted"},
        {"id": 2, "previous": 0, "type": "PassStateEntered", "name": "A"},
        {"id": 3, "previous": 2, "type": "PassStateExited", "name": "A"},
        {"id": 4, "previous": 3, "type": "SucceedStateEntered", "name": "B"},
        {"id": 5, "previous": 4, "type": "SucceedStateExited", "name": "B"},
        {"id": 6, "previous": 5, "type": "ExecutionSucceeded"},
    ]
    overlay = overlay_from_events(load_history({"history": history}))
    assert overlay.status == "SUCCEEDED"
    assert overlay.transitions == {(START, "A"): 1, ("A", "B"): 1, ("B", END): 1}


@pytest.mark.parametrize("document", [{"hello": 1}, [1, 2], "text", [{"id": 1}]])
def test_load_history_rejects_what_is_not_a_history(document: Any) -> None:
    """A document without a list of typed events is a ValueError."""
    with pytest.raises(ValueError, match="not an execution history"):
        load_history(document)


# -- the layout ------------------------------------------------------------------------------


def _boxes(laid: ClusterLayout) -> list[tuple[float, float, float, float]]:
    return [(p.x, p.y, p.x + p.w, p.y + p.h) for p in laid.nodes]


def _check_layout(laid: ClusterLayout) -> None:
    """No two boxes of a cluster overlap, each box fits the cluster, nested clusters fit their node."""
    boxes = _boxes(laid)
    for i, (a1, b1, a2, b2) in enumerate(boxes):
        assert a1 >= 0 and b1 >= 0 and a2 <= laid.w + 0.01 and b2 <= laid.h + 0.01
        for c1, d1, c2, d2 in boxes[i + 1 :]:
            assert a2 <= c1 or c2 <= a1 or b2 <= d1 or d2 <= b1, "boxes overlap"
    for placed in laid.nodes:
        for inner in placed.inner:
            width, height = inner.frame
            assert inner.x + width <= placed.w + 0.01 and inner.y + height <= placed.h + 0.01
            _check_layout(inner)


def test_layout_of_nested_clusters_has_no_overlaps() -> None:
    """The layered layout keeps boxes apart and nests clusters inside their Parallel/Map box."""
    laid = layout_graph(graph_of(NESTED))
    _check_layout(laid)
    fan = next(p for p in laid.nodes if p.node.name == "Fan")
    assert len(fan.inner) == 2 and fan.inner[0].x + fan.inner[0].frame[0] <= fan.inner[1].x


def test_layout_puts_a_successor_below_its_state() -> None:
    """Forward transitions go down: each state sits below the one before it on the main path."""
    laid = layout_graph(build_graph(asl.parse(ORDER)))
    y = {p.node.name: p.y for p in laid.nodes}
    assert y[START] < y["ValidateOrder"] < y["CheckOrderValue"] < y["ProcessPayment"] < y["UpdateInventory"] < y[END]


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 7), st.integers(0, 7)), min_size=1, max_size=14))
def test_layout_of_any_choice_graph_has_no_overlaps(links: list[tuple[int, int]]) -> None:
    """Random graphs of Choice states (cycles included) lay out without overlapping boxes."""
    names = [f"S{i}" for i in range(8)]
    states: dict[str, Any] = {}
    for i, name in enumerate(names):
        following = names[i + 1] if i + 1 < len(names) else "End"  # a chain keeps every state reachable
        targets = [names[b] for a, b in links if a == i]
        if targets:
            choices = [{"Variable": "$.x", "NumericEquals": k, "Next": t} for k, t in enumerate(targets)]
            states[name] = {"Type": "Choice", "Choices": choices, "Default": following}
        else:
            states[name] = {"Type": "Pass", "Next": following}
    states["End"] = {"Type": "Succeed"}
    laid = layout_graph(graph_of({"StartAt": "S0", "States": states}))
    _check_layout(laid)
    assert all(len(route.points) >= 2 for route in laid.routes)


# -- the renderers ---------------------------------------------------------------------------


def test_mermaid_has_subgraphs_labels_and_dotted_catches() -> None:
    """Mermaid: nested subgraphs, a diamond Choice with a labelled rule, a dotted Catch edge."""
    text = render(graph_of(NESTED), "mermaid")
    ids = graph_of(NESTED).ids
    assert text.startswith("flowchart TD\n")
    assert f'subgraph {ids["Fan"]}["Fan<br/>Parallel"]' in text
    assert f'subgraph {ids["Each"]}_processor["Item processor"]' in text
    assert f'{ids["Check"]}{{"Check<br/>Choice"}}' in text
    assert f'{ids["Check"]} -->|"$.n #gt; 3"| {ids["Done"]}' in text
    assert f'{ids["Fan"]} -.->|"Catch States.ALL"| {ids["Oops"]}' in text


def test_dot_has_clusters_and_compound_edges() -> None:
    """DOT: a cluster per Parallel/Map and per branch, edges into them end at the border, Catch dashed."""
    graph = graph_of(NESTED)
    ids = graph.ids
    text = render(graph, "dot")
    assert "compound=true" in text
    assert f"subgraph cluster_{ids['Fan']} {{" in text and f"subgraph cluster_{ids['Fan']}_1 {{" in text
    assert f'ltail="cluster_{ids["Fan"]}"' in text
    assert f'{ids["Check"]} -> {ids["Done"]} [label="$.n > 3"]' in text
    assert 'label="Catch States.ALL", style="dashed"' in text


def test_dot_escapes_quotes_in_labels() -> None:
    """A quote in a rule is escaped in the DOT string."""
    machine = {
        "StartAt": "C",
        "States": {
            "C": {"Type": "Choice", "Choices": [{"Variable": "$.s", "StringEquals": 'say "hi"', "Next": "E"}]},
            "E": {"Type": "Succeed"},
        },
    }
    assert 'label="$.s == \\"say \\\\\\"hi\\\\\\"\\""' in render(graph_of(machine), "dot")


def test_svg_is_well_formed_and_has_every_state() -> None:
    """SVG: parses as XML, names every state, draws Catch edges dashed, needs nothing from the network."""
    text = render(graph_of(NESTED), "svg")
    root = ET.fromstring(text)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    texts = {t.text for t in root.iter("{http://www.w3.org/2000/svg}text")}
    assert {"Fan", "Left", "Each", "Work", "Check", "Again", "Done", "Oops", "Branch 1", "$.n > 3"} <= texts
    assert 'stroke-dasharray="6 4"' in text
    assert "http" not in text.replace("http://www.w3.org/2000/svg", "")


def test_svg_overlay_highlights_the_path_and_the_failed_state() -> None:
    """With an execution: visit and retry badges, the taken edges in blue, the failing state in red."""
    machine, execution = _flaky_run()
    text = render(graph_of(machine), "svg", overlay_from_events(execution.events))
    root = ET.fromstring(text)
    texts = {t.text for t in root.iter("{http://www.w3.org/2000/svg}text")}
    assert {"2 retries", "×3", "Execution FAILED", "Error: Custom.Boom"} <= texts
    assert 'stroke="#b91c1c" stroke-width="3.0"' in text  # Boom
    assert 'stroke="#2563eb" stroke-width="2.6"' in text  # a transition taken


def test_html_embeds_the_svg_offline() -> None:
    """HTML: one page with the SVG inline and the execution's summary, no external resource."""
    machine, execution = _flaky_run()
    text = render(graph_of(machine), "html", overlay_from_events(execution.events))
    assert text.startswith("<!DOCTYPE html>") and "<svg " in text
    assert "FAILED" in text and "Call → Each" in text
    assert "src=" not in text and "<link" not in text and "<script" not in text


def test_unknown_format_is_a_value_error() -> None:
    """render() names the formats it knows when given another."""
    with pytest.raises(ValueError, match="mermaid, dot, svg, html"):
        render(graph_of(NESTED), "png")


# -- the README's picture --------------------------------------------------------------------


def _render_script() -> Any:
    spec = importlib.util.spec_from_file_location("render_images", ROOT / "docs" / "images" / "render.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_readme_picture_shows_retries_catch_and_failure() -> None:
    """docs/images/render.py draws the example's rejected order: retries, the Catch taken, the Fail state."""
    text = _render_script().order_svg()
    assert "2 retries" in text and "Execution FAILED" in text and "Catch ValidationError" in text


def test_readme_picture_renders_to_png(tmp_path: Path) -> None:
    """The SVG converts to a PNG with cairosvg (skipped when cairosvg or cairo is missing)."""
    try:
        import cairosvg  # noqa: F401
    except (ImportError, OSError) as e:
        pytest.skip(f"cairosvg is not usable here: {e}")
    script = _render_script()
    png = script.svg_to_png(script.order_svg(), scale=1.0)
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    width, height = int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
    assert width > 500 and height > 800


CORPUS = Path(os.environ.get("ASL_CONFORMANCE_DIR", ROOT.parent / "shared" / "conformance")) / "cases"


def test_overlay_of_every_recorded_aws_history() -> None:
    """Each history recorded on AWS gives its execution's status, and a failed one a highlighted state."""
    cases = sorted(CORPUS.glob("*.json"))
    if not cases:
        pytest.skip(f"no conformance corpus at {CORPUS}")
    checked = 0
    for case in cases:
        recorded = json.loads(case.read_text())
        if not recorded.get("history"):
            continue
        overlay = overlay_from_events(load_history(recorded["history"]))
        status = recorded["expected"]["status"]
        assert overlay.status == status, case.name
        assert status == "SUCCEEDED" or overlay.failed, case.name
        checked += 1
    assert checked > 300
