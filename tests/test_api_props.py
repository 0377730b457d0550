"""Whatever is thrown at the public entry points, only the documented outcomes come out."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

import asl
import asl.testing

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=20,
)

FIELD_VALUES = st.sampled_from(
    ["$", "$.a", "$.a[0]", "$$", "$.a[*]", "States.Format('{}', $.a)", "{% $states.input %}", "$.", "", "$[", 0, None]
)

STATE_KEYS = st.sampled_from(
    ["InputPath", "OutputPath", "ResultPath", "Parameters", "Result", "Next", "End", "Type", "Seconds", "Choices"]
)


@st.composite
def mutated_machines(draw: st.DrawFn) -> dict[str, Any]:
    """A small valid machine with random fields replaced by random values."""
    machine: dict[str, Any] = {
        "StartAt": "A",
        "States": {
            "A": {"Type": "Pass", "Parameters": {"x.$": "$.a"}, "Next": "B"},
            "B": {"Type": "Wait", "Seconds": 1, "Next": "C"},
            "C": {"Type": "Succeed"},
        },
    }
    for _ in range(draw(st.integers(0, 3))):
        state = draw(st.sampled_from(["A", "B", "C"]))
        key = draw(STATE_KEYS)
        value = draw(FIELD_VALUES | JSON)
        if key == "Parameters" and isinstance(value, str):
            value = {"k.$": value}
        machine["States"][state][key] = value
    return machine


@settings(max_examples=150, deadline=None)
@given(JSON)
def test_validate_random_json_returns_issues(definition: Any) -> None:
    """asl.validate on any JSON value returns a list of DefinitionIssue and never raises."""
    issues = asl.validate(definition)
    assert isinstance(issues, list)
    assert all(isinstance(issue, asl.DefinitionIssue) for issue in issues)


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=40))
def test_validate_random_text_returns_issues(text: str) -> None:
    """asl.validate on arbitrary text (not always JSON) returns issues and never raises."""
    assert isinstance(asl.validate(text), list)


@settings(max_examples=150, deadline=None)
@given(mutated_machines())
def test_parse_raises_only_definition_error(definition: dict[str, Any]) -> None:
    """asl.parse either returns a StateMachine or raises DefinitionError, and agrees with validate."""
    issues = asl.validate(definition)
    try:
        machine = asl.parse(definition)
    except asl.DefinitionError as e:
        assert e.issues == issues and issues
    else:
        assert isinstance(machine, asl.StateMachine) and issues == []


@settings(max_examples=100, deadline=None)
@given(mutated_machines(), JSON)
def test_run_returns_output_or_execution_failed(definition: dict[str, Any], data: Any) -> None:
    """asl.run of any machine that parses returns JSON output or raises ExecutionFailed, and never mutates."""
    if asl.validate(definition):
        return
    before = json.dumps(data, sort_keys=True)
    try:
        output = asl.run(definition, data, clock=asl.testing.VirtualClock())
    except asl.ExecutionFailed as e:
        assert e.status in {"FAILED", "TIMED_OUT"}
    else:
        json.dumps(output)
    assert json.dumps(data, sort_keys=True) == before
