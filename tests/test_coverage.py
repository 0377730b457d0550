"""State machine coverage: the universe of items, what executions hit, reports and labels.

Every expected count below is worked out by hand from the definition.
"""

from __future__ import annotations

import gc
import json
from pathlib import Path
from typing import Any

import asl
from asl.executor._observe import observing
from asl.testing import Coverage, VirtualClock
from asl.testing._coverage import fingerprint, universe

RESOURCE = "arn:aws:states:::aws-sdk:dynamodb:getItem"

# Check: 2 rules + Default; Call: Retry (2 retriers, one MaxAttempts 0) + Catch (1); a Fail.
MACHINE: dict[str, Any] = {
    "Comment": "coverage sample",
    "StartAt": "Check",
    "States": {
        "Check": {
            "Type": "Choice",
            "Choices": [
                {"Variable": "$.n", "NumericEquals": 1, "Next": "Call"},
                {"Variable": "$.n", "NumericEquals": 2, "Next": "Done"},
            ],
            "Default": "Bad",
        },
        "Call": {
            "Type": "Task",
            "Resource": RESOURCE,
            "Retry": [
                {"ErrorEquals": ["Never"], "MaxAttempts": 0},
                {"ErrorEquals": ["Flaky"], "IntervalSeconds": 1, "MaxAttempts": 2},
            ],
            "Catch": [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.error", "Next": "Bad"}],
            "Next": "Done",
        },
        "Done": {"Type": "Succeed"},
        "Bad": {"Type": "Fail", "Error": "Bad"},
    },
}


def run_all(definition: Any, inputs: list[Any], resolvers: dict[str, Any] | None = None) -> Coverage:
    """Run ``definition`` once per input under a fresh Coverage; return it."""
    coverage = Coverage()
    with observing(coverage):
        for data in inputs:
            asl.start(definition, data, resolvers=resolvers or {}, clock=VirtualClock(start=0))
    return coverage


def counts(coverage: Coverage) -> dict[str, tuple[int, int]]:
    """(covered, total) per category of the only machine seen."""
    (entry,) = coverage.machines
    return {category: entry.counts(category) for category in entry.hits}


class Flaky:
    """Fails with Flaky ``times`` times, then returns 1."""

    def __init__(self, times: int) -> None:
        self.times = times

    def __call__(self, payload: Any) -> Any:
        if self.times > 0:
            self.times -= 1
            raise asl.StatesError("Flaky", "try again")
        return 1


def test_universe_lists_every_item() -> None:
    """States, transitions (rules, Default, Next, Catch, ends), rules, usable retriers and catchers."""
    items = universe(asl.parse(MACHINE))
    assert items.states == ("Check", "Call", "Done", "Bad")
    assert items.transitions == (
        ("Check", "Call"),
        ("Check", "Done"),
        ("Check", "Bad"),
        ("Call", "Done"),
        ("Call", "Bad"),
        ("Done", None),
    )
    assert items.choice_rules == (("Check", 0), ("Check", 1), ("Check", None))
    assert items.retriers == (("Call", 1),)
    assert items.catchers == (("Call", 0),)
    assert items.total == 4 + 6 + 3 + 1 + 1


def test_universe_includes_nested_branches() -> None:
    """Parallel branches and Map processors add their states, with branch ends as transitions."""
    definition = {
        "StartAt": "Both",
        "States": {
            "Both": {
                "Type": "Parallel",
                "Branches": [{"StartAt": "L", "States": {"L": {"Type": "Pass", "End": True}}}],
                "Next": "Each",
            },
            "Each": {
                "Type": "Map",
                "ItemProcessor": {"StartAt": "M", "States": {"M": {"Type": "Pass", "End": True}}},
                "End": True,
            },
        },
    }
    items = universe(asl.parse(definition))
    assert set(items.states) == {"Both", "L", "Each", "M"}
    assert set(items.transitions) == {("Both", "Each"), ("L", None), ("Each", None), ("M", None)}


def test_one_run_counts_what_it_took() -> None:
    """Input n=2: Check, rule 1, Check -> Done, Done's end; nothing of Call."""
    assert counts(run_all(MACHINE, [{"n": 2}])) == {
        "states": (2, 4),
        "transitions": (2, 6),
        "choice_rules": (1, 3),
        "retriers": (0, 1),
        "catchers": (0, 1),
    }


def test_runs_add_up_across_executions() -> None:
    """n=1 (retried once, then succeeds), n=1 (always fails: caught), n=3 (Default): all but rule 1."""
    coverage = Coverage()
    with observing(coverage):
        clock = VirtualClock(start=0)
        asl.start(MACHINE, {"n": 1}, resolvers={"Call": Flaky(1)}, clock=clock)
        asl.start(MACHINE, {"n": 1}, resolvers={"Call": Flaky(10)}, clock=clock)
        asl.start(MACHINE, {"n": 3}, clock=clock)
    assert counts(coverage) == {
        "states": (4, 4),
        "transitions": (5, 6),
        "choice_rules": (2, 3),
        "retriers": (1, 1),
        "catchers": (1, 1),
    }
    (entry,) = coverage.machines
    assert entry.missed("transitions") == ["Check -> Done"]
    assert entry.missed("choice_rules") == ["Check.Choices[1]"]
    assert coverage.covered_total == (13, 15)
    assert round(coverage.percent, 2) == 86.67


def test_same_definition_parsed_twice_is_one_machine() -> None:
    """Two parses of equal definitions (key order aside) share one coverage entry."""
    reordered = {"States": MACHINE["States"], "StartAt": "Check", "Comment": "coverage sample"}
    coverage = run_all(MACHINE, [{"n": 2}])
    with observing(coverage):
        asl.start(reordered, {"n": 3}, clock=VirtualClock(start=0))
    assert len(coverage.machines) == 1
    assert counts(coverage)["choice_rules"] == (2, 3)
    assert fingerprint(asl.parse(MACHINE)) == fingerprint(asl.parse(reordered))


def test_different_definitions_are_separate_machines() -> None:
    """Two definitions give two entries, each with its own counts."""
    other = {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}}
    coverage = run_all(MACHINE, [{"n": 2}])
    with observing(coverage):
        asl.start(other, {})
    assert sorted(entry.covered_total for entry in coverage.machines) == [(2, 2), (5, 15)]


def test_label_is_comment_then_path() -> None:
    """An entry is labelled by Comment and fingerprint until a file path is registered for it."""
    machine = asl.parse(MACHINE)
    coverage = run_all(machine, [{"n": 2}])
    (entry,) = coverage.machines
    assert entry.label == f"coverage sample ({fingerprint(machine)[:8]})"
    coverage.label(machine, "flows/sample.asl.json")
    assert (entry.label, entry.path) == ("flows/sample.asl.json", "flows/sample.asl.json")


def test_label_without_comment_uses_start_at() -> None:
    """A machine without Comment is labelled by its StartAt."""
    definition = {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}}
    (entry,) = run_all(definition, [{}]).machines
    assert entry.label.startswith("StartAt P (")


def test_added_definition_shows_at_zero(tmp_path: Path) -> None:
    """A definition file registered but never run is reported with nothing covered."""
    file = tmp_path / "never.asl.json"
    file.write_text(json.dumps(MACHINE))
    coverage = Coverage()
    coverage.add_definition(file)
    (entry,) = coverage.machines
    assert (entry.label, entry.covered_total) == (str(file), (0, 15))


def test_added_invalid_definition_is_reported_as_error(tmp_path: Path) -> None:
    """A registered file that is not a valid definition is listed in errors, not raised."""
    file = tmp_path / "broken.json"
    file.write_text("{}")
    coverage = Coverage()
    coverage.add_definition(file)
    assert coverage.machines == []
    assert coverage.errors[0].startswith(f"{file}: not a valid definition")


def test_json_report(tmp_path: Path) -> None:
    """The JSON report carries totals, and per machine counts and missed items."""
    coverage = run_all(MACHINE, [{"n": 2}])
    coverage.write_json(tmp_path / "out" / "cov.json")
    data = json.loads((tmp_path / "out" / "cov.json").read_text())
    assert (data["covered"], data["total"], data["percent"]) == (5, 15, 33.33)
    (machine,) = data["machines"]
    assert machine["states"] == {"covered": 2, "total": 4, "missed": ["Call", "Bad"]}
    assert machine["retriers"] == {"covered": 0, "total": 1, "missed": ["Call.Retry[1]"]}


def test_terminal_report_rows() -> None:
    """The terminal report has a header, a row per machine with its missed items, and a total."""
    lines = run_all(MACHINE, [{"n": 2}]).report_lines()
    assert lines[0].split() == ["Machine", "States", "Transitions", "Choices", "Retriers", "Catchers", "Cover"]
    assert lines[1].split()[-6:] == ["2/4", "2/6", "1/3", "0/1", "0/1", "33.3%"]
    assert [part.strip() for part in lines[2].split(":", 1)] == ["missed states", "Call, Bad"]
    assert lines[-1].split()[0] == "TOTAL"


def test_terminal_report_without_machines() -> None:
    """With nothing run, the report says so."""
    assert Coverage().report_lines() == ["no state machine ran"]


def test_no_observer_outside_the_block() -> None:
    """Executions after the observing block are not counted."""
    coverage = run_all(MACHINE, [{"n": 2}])
    asl.start(MACHINE, {"n": 3}, clock=VirtualClock(start=0))
    assert counts(coverage)["choice_rules"] == (1, 3)


def test_collected_machine_is_forgotten_but_its_counts_stay() -> None:
    """A machine object that is garbage-collected keeps its counts under its fingerprint."""
    coverage = Coverage()
    with observing(coverage):
        asl.start(asl.parse(MACHINE), {"n": 2}, clock=VirtualClock(start=0))
        gc.collect()
        asl.start(asl.parse(MACHINE), {"n": 3}, clock=VirtualClock(start=0))
    assert counts(coverage)["choice_rules"] == (2, 3)


def test_collecting_block_counts_executions() -> None:
    """Coverage.collecting() counts what runs inside it, and nothing after."""
    coverage = Coverage()
    with coverage.collecting() as active:
        asl.start(MACHINE, {"n": 2}, clock=VirtualClock(start=0))
    asl.start(MACHINE, {"n": 3}, clock=VirtualClock(start=0))
    assert active is coverage
    assert counts(coverage)["choice_rules"] == (1, 3)
