"""Properties of the validator on open-ended input, and its speed.

* any JSON value, text or bytes goes through load + validate without raising;
* random mutations of a valid definition (drop a key, change a value's type, point a
  transition elsewhere) give a list of issues, and the ones that must be caught are;
* the fast compiled predicates agree with jsonschema on every state schema;
* a 50-state definition validates well under 5 ms.
"""

from __future__ import annotations

import copy
import time
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from asl.errors import DefinitionIssue
from asl.parser._schema import (
    MACHINE_CHECKERS,
    MACHINE_SCHEMAS,
    MACHINE_VALIDATORS,
    STATE_CHECKERS,
    STATE_SCHEMAS,
    STATE_TYPES,
    STATE_VALIDATORS,
)
from asl.parser._validate import validate_definition, validate_dict

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

scalars = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text()
json_values = st.recursive(
    scalars, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4), max_leaves=20
)

FIELD_NAMES = sorted(
    {name for schema in [*STATE_SCHEMAS.values(), *MACHINE_SCHEMAS.values()] for name in schema["properties"]}
    | {"Variable", "And", "Or", "Not", "Condition", "Next", "ErrorEquals", "Bogus", "Next.$"}
)
GOOD_VALUES = [
    0, 1, 5, 1.5, -1, 101, True, False, None, "text", "$.x", "{% 1 %}", "2016-03-14T01:59:00Z",
    "JSONPath", "JSONata", "INLINE", "FULL", {}, [], ["States.ALL"], [{"ErrorEquals": ["E"], "Next": "A"}],
    [{"Variable": "$.v", "IsNull": True, "Next": "A"}], {"StartAt": "A", "States": {"A": {"Type": "Succeed"}}},
]  # fmt: skip
field_values = json_values | st.sampled_from(GOOD_VALUES)
state_like = st.dictionaries(st.sampled_from(FIELD_NAMES), field_values, max_size=8)
typed_state = st.builds(lambda kind, body: {**body, "Type": kind}, st.sampled_from(STATE_TYPES), state_like)
machine_like = st.fixed_dictionaries(
    {
        "StartAt": st.sampled_from(["A", "B", 3]),
        "States": st.dictionaries(st.sampled_from(["A", "B", "C"]), typed_state),
    },
    optional={"QueryLanguage": st.sampled_from(["JSONPath", "JSONata", "XPath"]), "Comment": field_values},
)

END = {"Type": "Succeed"}
VALID: dict[str, Any] = {
    "Comment": "one of each",
    "StartAt": "Prepare",
    "TimeoutSeconds": 300,
    "States": {
        "Prepare": {"Type": "Pass", "Parameters": {"n.$": "$.n"}, "ResultPath": "$.p", "Next": "Call"},
        "Call": {
            "Type": "Task",
            "Resource": "arn:aws:states:::lambda:invoke",
            "Parameters": {"FunctionName": "f", "Payload.$": "$"},
            "TimeoutSeconds": 30,
            "Retry": [{"ErrorEquals": ["States.TaskFailed"], "IntervalSeconds": 1, "MaxAttempts": 2, "BackoffRate": 2}],
            "Catch": [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.error", "Next": "Failed"}],
            "Next": "Decide",
        },
        "Decide": {
            "Type": "Choice",
            "Choices": [
                {"Variable": "$.n", "NumericGreaterThan": 3, "Next": "Pause"},
                {
                    "And": [{"Variable": "$.s", "StringEquals": "x"}, {"Not": {"Variable": "$.t", "IsPresent": True}}],
                    "Next": "Fan",
                },
            ],
            "Default": "Loop",
        },
        "Pause": {"Type": "Wait", "Seconds": 1, "Next": "Fan"},
        "Fan": {
            "Type": "Parallel",
            "Branches": [{"StartAt": "Left", "States": {"Left": {"Type": "Pass", "End": True}}}],
            "Next": "Loop",
        },
        "Loop": {
            "Type": "Map",
            "ItemsPath": "$.items",
            "MaxConcurrency": 2,
            "ItemProcessor": {"ProcessorConfig": {"Mode": "INLINE"}, "StartAt": "Item", "States": {"Item": END}},
            "Next": "Done",
        },
        "Failed": {"Type": "Fail", "Error": "Oops", "Cause": "bad"},
        "Done": {"Type": "Succeed"},
    },
}


def _locations(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every key path inside ``value``."""
    found: list[tuple[Any, ...]] = []
    if isinstance(value, dict):
        for key, item in value.items():
            found.append((*path, key))
            found.extend(_locations(item, (*path, key)))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found.append((*path, index))
            found.extend(_locations(item, (*path, index)))
    return found


LOCATIONS = _locations(VALID)
TRANSITIONS = [location for location in LOCATIONS if location[-1] in ("Next", "Default", "StartAt")]


def _parent(document: Any, location: tuple[Any, ...]) -> Any:
    for key in location[:-1]:
        document = document[key]
    return document


def _all_issues(result: Any) -> bool:
    return isinstance(result, list) and all(isinstance(issue, DefinitionIssue) for issue in result)


def test_reference_definition_is_valid() -> None:
    """The definition the mutation tests start from is itself valid."""
    assert validate_dict(copy.deepcopy(VALID)) == []


@SETTINGS
@given(json_values)
def test_any_json_value_is_handled(value: Any) -> None:
    """Any JSON value as a definition gives a list of issues, never an exception."""
    assert _all_issues(validate_definition(value))


@SETTINGS
@given(st.text() | st.binary())
def test_any_text_or_bytes_is_handled(value: str | bytes) -> None:
    """Any text or bytes as a definition gives a list of issues, never an exception."""
    assert _all_issues(validate_definition(value))


@SETTINGS
@given(machine_like)
def test_machine_shaped_input_is_handled(definition: dict[str, Any]) -> None:
    """Machines made of random ASL fields give a list of issues, never an exception."""
    assert _all_issues(validate_dict(definition))


@SETTINGS
@given(st.data())
def test_dropping_a_key_is_handled(data: st.DataObject) -> None:
    """Removing any key (or list element) of a valid definition never makes validation raise."""
    definition = copy.deepcopy(VALID)
    location = data.draw(st.sampled_from(LOCATIONS))
    del _parent(definition, location)[location[-1]]
    assert _all_issues(validate_dict(definition))


@SETTINGS
@given(st.data(), field_values)
def test_replacing_a_value_is_handled(data: st.DataObject, value: Any) -> None:
    """Replacing any value of a valid definition with random JSON never makes validation raise."""
    definition = copy.deepcopy(VALID)
    location = data.draw(st.sampled_from(LOCATIONS))
    _parent(definition, location)[location[-1]] = value
    assert _all_issues(validate_dict(definition))


@SETTINGS
@given(st.data(), st.text(min_size=1).filter(lambda name: name not in VALID["States"] and name not in ("Left", "Item")))
def test_renamed_target_is_reported(data: st.DataObject, target: str) -> None:
    """Pointing a StartAt/Next/Default at a name no state has is MISSING_TRANSITION_TARGET there."""
    definition = copy.deepcopy(VALID)
    location = data.draw(st.sampled_from(TRANSITIONS))
    _parent(definition, location)[location[-1]] = target
    issues = validate_dict(definition)
    assert any(issue.code == "MISSING_TRANSITION_TARGET" and issue.message.endswith(target) for issue in issues)


@SETTINGS
@given(st.sampled_from(sorted(VALID["States"])))
def test_state_without_type_is_reported(name: str) -> None:
    """Dropping a state's Type is reported at that state."""
    definition = copy.deepcopy(VALID)
    del definition["States"][name]["Type"]
    assert any(issue.path == f"$.States.{name}" for issue in validate_dict(definition))


@SETTINGS
@given(st.sampled_from(sorted(STATE_SCHEMAS)), state_like)
def test_fast_check_agrees_with_jsonschema(key: tuple[str, str], state: dict[str, Any]) -> None:
    """The compiled predicate of a state schema says what jsonschema says."""
    instance = {**state, "Type": key[0]}
    assert STATE_CHECKERS[key](instance) == STATE_VALIDATORS[key].is_valid(instance)


@SETTINGS
@given(st.sampled_from(sorted(MACHINE_SCHEMAS)), state_like)
def test_fast_machine_check_agrees_with_jsonschema(kind: str, machine: dict[str, Any]) -> None:
    """The compiled predicate of a machine schema says what jsonschema says."""
    assert MACHINE_CHECKERS[kind](machine) == MACHINE_VALIDATORS[kind].is_valid(machine)


@SETTINGS
@given(st.data(), field_values)
def test_fast_check_agrees_on_near_valid_states(data: st.DataObject, value: Any) -> None:
    """On states one change away from valid, the predicate and jsonschema still agree."""
    definition = copy.deepcopy(VALID)
    name = data.draw(st.sampled_from(sorted(definition["States"])))
    state = definition["States"][name]
    field = data.draw(st.sampled_from(sorted(state)))
    state[field] = value
    kind = state.get("Type")
    if kind in STATE_TYPES:
        key = (kind, "JSONPath")
        assert STATE_CHECKERS[key](state) == STATE_VALIDATORS[key].is_valid(state)


def fifty_states() -> dict[str, Any]:
    """A valid 50-state machine cycling through Pass, Task, Choice, Wait and Map states."""
    states: dict[str, Any] = {}
    for index in range(50):
        flow: dict[str, Any] = {"Next": f"S{index + 1}"} if index < 49 else {"End": True}
        kind = index % 5
        if kind == 0:
            state = {"Type": "Pass", "Parameters": {"a.$": "$.x"}, "ResultPath": "$.r", **flow}
        elif kind == 1:
            retry = [{"ErrorEquals": ["States.TaskFailed"], "IntervalSeconds": 1, "MaxAttempts": 3, "BackoffRate": 2.0}]
            catch = [{"ErrorEquals": ["States.ALL"], "Next": "S49", "ResultPath": "$.err"}]
            state = {
                "Type": "Task",
                "Resource": "arn:aws:states:::lambda:invoke",
                "Retry": retry,
                "Catch": catch,
                **flow,
            }
        elif kind == 2:
            both = [{"Variable": "$.y", "StringEquals": "a"}, {"Not": {"Variable": "$.z", "IsPresent": True}}]
            rules = [
                {"Variable": "$.x", "NumericGreaterThan": 3, "Next": f"S{index + 1}"},
                {"And": both, "Next": f"S{index + 1}"},
            ]
            state = {"Type": "Choice", "Choices": rules, "Default": f"S{index + 1}"}
        elif kind == 3:
            state = {"Type": "Wait", "Seconds": 1, **flow}
        else:
            processor = {"StartAt": f"M{index}", "States": {f"M{index}": {"Type": "Pass", "End": True}}}
            state = {"Type": "Map", "ItemsPath": "$.items", "ItemProcessor": processor, **flow}
        states[f"S{index}"] = state
    return {"StartAt": "S0", "States": states}


def test_fifty_states_validate_under_5_ms() -> None:
    """validate_dict of a valid 50-state definition takes well under 5 ms (best of 30 runs)."""
    definition = fifty_states()
    assert validate_dict(definition) == []
    best = float("inf")
    for _ in range(30):
        start = time.perf_counter()
        validate_dict(definition)
        best = min(best, time.perf_counter() - start)
    assert best < 0.005, f"{best * 1000:.2f} ms"
