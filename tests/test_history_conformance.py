"""History comparison mode of the conformance corpus: our events against the histories AWS recorded.

Every execution case of ``../shared/conformance/cases`` with a recorded ``history`` runs as
``tests/test_conformance.py`` runs it (the harness's Lambda stand-ins, context and virtual
clock), through ``asl.start``, and its events must have the recorded event types in the
recorded order. Order is exact outside Parallel and Map states; the events of a Parallel's
branches or a Map's iterations (between ``ParallelStateStarted``/``MapStateStarted`` and the
state's end) are compared as a multiset, since branches and iterations run concurrently.

A case listed in ``tests/history_known_differences.txt`` is a strict xfail: when it starts
matching, the test fails, so the list only shrinks.
"""

from __future__ import annotations

import copy
import json
import os
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from _corpus import load_harness, read_known

import asl
import asl.testing

ROOT = Path(__file__).resolve().parents[1]
CORPUS = Path(os.environ.get("ASL_CONFORMANCE_DIR", ROOT.parent / "shared" / "conformance"))
KNOWN_DIFFERENCES = ROOT / "tests" / "history_known_differences.txt"

Signature = tuple[str, str, int]
Item = Signature | tuple[str, tuple[tuple[Signature, int], ...]]

_SECTION_KINDS = {"Parallel", "Map"}
#: Events that end one attempt of a Parallel or Map state.
_CLOSERS = {
    "ParallelStateSucceeded": "Parallel",
    "ParallelStateFailed": "Parallel",
    "ParallelStateAborted": "Parallel",
    "MapStateSucceeded": "Map",
    "MapStateFailed": "Map",
    "MapStateAborted": "Map",
}
#: The events LocalStack's Parallel normaliser stops at (see ``localstack_parallel_normalised``).
_LOCALSTACK_ENDS = {"ParallelStateSucceeded", "ParallelStateAborted", "ParallelStateExited", "ParallelStateFailed"}






HARNESS = load_harness(CORPUS, "asl_history_conformance_harness")
KNOWN = read_known(KNOWN_DIFFERENCES)


# -- canonical forms ---------------------------------------------------------------------------


def signature(event: dict[str, Any]) -> Signature:
    """What is compared of one event: its type, and the state name and Map index it carries."""
    index = event.get("index")
    return (event["type"], str(event.get("name", "")), index if isinstance(index, int) else -1)


def canonical(events: list[dict[str, Any]]) -> list[Item]:
    """The events in order, each outermost Parallel/Map attempt's inner events as one multiset.

    A stack of the Parallel and Map states entered tells where an attempt ends: at its
    ``...Succeeded``/``...Failed``/``...Aborted`` event, at the next attempt's ``...Started``
    (a retry records no failure event in between), or at the state's exit.
    """
    items: list[Item] = []
    stack: list[list[Any]] = []  # [kind, open attempt?]
    section: Counter[Signature] | None = None

    def close() -> None:
        nonlocal section
        if section is not None:
            items.append(("<concurrent>", tuple(sorted(section.items()))))
            section = None

    for event in events:
        event_type: str = event["type"]
        sig = signature(event)
        kind = event_type.removesuffix("StateEntered")
        if kind in _SECTION_KINDS and event_type.endswith("StateEntered"):
            if section is not None:
                section.update([sig])
            else:
                items.append(sig)
            stack.append([kind, False])
            continue
        if event_type in ("ParallelStateStarted", "MapStateStarted") and stack:
            top = stack[-1]
            if len(stack) == 1:
                close()
                items.append(sig)
                section = Counter()
            elif section is not None:
                section.update([sig])
            top[1] = True
            continue
        outermost = len(stack) == 1 and stack[0][1]
        exits_section_state = event_type.endswith("StateExited") and kind_of(event_type) in _SECTION_KINDS
        if (event_type in _CLOSERS or exits_section_state) and stack and stack[-1][1]:
            stack[-1][1] = False
            if outermost:
                close()
        if exits_section_state and stack:
            stack.pop()
        if section is not None:
            section.update([sig])
        else:
            items.append(sig)
    close()
    return items


def kind_of(event_type: str) -> str:
    """``Parallel`` for ``ParallelStateExited`` and so on."""
    return event_type.removesuffix("StateExited")


def localstack_parallel_normalised(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Our events as LocalStack's Parallel normaliser left the recorded ones.

    For the cases whose recorded events carry ``"id": [0]``, LocalStack's snapshot
    normaliser rewrote the history: it reorders the events after each
    ``ParallelStateStarted`` and, because it rewrites the list while walking it, drops the
    event before a ``ParallelStateExited`` that directly follows a ``...Succeeded`` or
    ``...Failed`` one (and leaves the event after it unvisited). Replaying that walk on our
    events makes them comparable; the reordering does not matter (sections compare as sets).
    """
    result = list(events)
    start: int | None = None
    section: list[dict[str, Any]] = []
    inside = False
    i = 0
    while i < len(result):
        event_type = result[i]["type"]
        if event_type in _LOCALSTACK_ENDS:
            if start is not None:
                result[start:i] = section
            inside = False
        elif event_type == "ParallelStateStarted":
            inside = True
            section = []
            start = i + 1
        elif inside:
            section.append(result[i])
        i += 1
    return result


def recorded_events(case: dict[str, Any]) -> list[dict[str, Any]]:
    """The case's recorded history, oldest event first (one case recorded it newest first)."""
    history = list(case["history"])
    if history and history[0]["type"] != "ExecutionStarted" and history[-1]["type"] == "ExecutionStarted":
        history.reverse()
    return history


def normalised_by_localstack(case: dict[str, Any]) -> bool:
    """Whether LocalStack's Parallel normaliser rewrote the recorded history (ids became [0])."""
    return any(event.get("id") == [0] for event in case["history"])


# -- running ----------------------------------------------------------------------------------


def run_case(case: dict[str, Any]) -> asl.Execution | None:
    """The case's execution as the conformance harness runs it; None when it cannot be run."""
    assert HARNESS is not None
    resolvers, why = HARNESS.build_resolvers(case)
    if why:
        return None
    context = HARNESS.build_context(case.get("execution"))
    return asl.start(
        copy.deepcopy(case["definition"]),
        copy.deepcopy(case["input"]),
        resolvers=resolvers,
        clock=asl.testing.VirtualClock(),
        context=context,
    )


def _case_params() -> list[Any]:
    if HARNESS is None:
        return [pytest.param(None, marks=pytest.mark.skip(reason=f"conformance corpus not found at {CORPUS}"))]
    params = []
    for path in HARNESS.find_case_files([str(CORPUS / "cases")]):
        case = HARNESS.load_case(path)
        if case is None or case.get("kind") or not case.get("history"):
            continue  # not an execution case, or no usable history
        name = Path(path).name
        marks = []
        if name in KNOWN:
            marks.append(pytest.mark.xfail(reason=KNOWN[name], strict=True))
        params.append(pytest.param(path, id=name.removesuffix(".json"), marks=marks))
    return params


def _show(items: list[Item]) -> str:
    return "\n".join(json.dumps(item) for item in items)


@pytest.mark.parametrize("case_path", _case_params())
def test_history_matches_recording(case_path: str) -> None:
    """Our events have the recorded event types, in order (as a multiset inside Parallel/Map)."""
    assert HARNESS is not None
    case = HARNESS.load_case(case_path)
    execution = run_case(case)
    if execution is None:
        pytest.skip("the case needs a Lambda handler the harness has no stand-in for")
    ours = execution.events
    if normalised_by_localstack(case):
        ours = localstack_parallel_normalised(ours)
    want = canonical(recorded_events(case))
    have = canonical(ours)
    assert have == want, f"recorded:\n{_show(want)}\n\nours:\n{_show(have)}"


def test_known_differences_name_real_cases() -> None:
    """Every entry of the known-differences list names a case with a recorded history."""
    if HARNESS is None:
        pytest.skip(f"conformance corpus not found at {CORPUS}")
    names = {Path(p).name for p in HARNESS.find_case_files([str(CORPUS / "cases")])}
    assert sorted(set(KNOWN) - names) == []


# -- the comparison itself ----------------------------------------------------------------------


def _events(*types: str) -> list[dict[str, Any]]:
    return [{"type": t} for t in types]


def test_canonical_sorts_parallel_branch_events() -> None:
    """Branch events in either order give the same canonical form."""
    first = _events("ParallelStateEntered", "ParallelStateStarted", "PassStateEntered", "WaitStateEntered")
    second = _events("ParallelStateEntered", "ParallelStateStarted", "WaitStateEntered", "PassStateEntered")
    assert canonical(first) == canonical(second)


def test_canonical_keeps_top_level_order() -> None:
    """Swapped events outside any Parallel or Map make different canonical forms."""
    assert canonical(_events("PassStateEntered", "PassStateExited")) != canonical(
        _events("PassStateExited", "PassStateEntered")
    )


def test_canonical_keeps_events_after_a_parallel_in_order() -> None:
    """The events after a Parallel's Exited event are compared in order again."""
    head = ["ParallelStateEntered", "ParallelStateStarted", "PassStateEntered", "ParallelStateSucceeded"]
    first = _events(*head, "ParallelStateExited", "PassStateEntered", "PassStateExited")
    second = _events(*head, "ParallelStateExited", "PassStateExited", "PassStateEntered")
    assert canonical(first) != canonical(second)


def test_canonical_separates_retried_attempts() -> None:
    """Each attempt of a retried Parallel is its own section: moving an event across attempts differs."""
    first = _events("ParallelStateEntered", "ParallelStateStarted", "FailStateEntered", "ParallelStateStarted")
    second = _events("ParallelStateEntered", "ParallelStateStarted", "ParallelStateStarted", "FailStateEntered")
    assert canonical(first) != canonical(second)


def test_localstack_normaliser_drops_the_event_before_exited() -> None:
    """The replayed LocalStack walk drops ParallelStateSucceeded when ParallelStateExited follows it."""
    events = _events(
        "ParallelStateEntered", "ParallelStateStarted", "PassStateEntered", "ParallelStateSucceeded",
        "ParallelStateExited", "ExecutionSucceeded",
    )  # fmt: skip
    assert [e["type"] for e in localstack_parallel_normalised(events)] == [
        "ParallelStateEntered",
        "ParallelStateStarted",
        "PassStateEntered",
        "ParallelStateExited",
        "ExecutionSucceeded",
    ]
