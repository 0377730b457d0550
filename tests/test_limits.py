"""Every bound of :class:`asl.limits.Limits` (and the fixed ones): AWS's value by default, a clear error past it.

AWS's numbers and words: "Maximum execution history size: 25,000 events" and, when it is
reached, ``States.Runtime`` "The execution reached the maximum number of history events
(25000)." as event 25,000 (bp-history-limit: "If the event number 25,000 is
ExecutionSucceeded, the execution finishes successfully"); CreateStateMachine's definition
has at most 1,048,576 characters; "You can nest up to 10 intrinsic functions within a field";
an execution past its maximum time fails with ``States.Timeout``.
"""

from __future__ import annotations

import inspect
import json
import random
import time
from typing import Any

import anyio
import pytest

import asl
from asl.choice import Wildcard
from asl.execution import Execution
from asl.executor import execute
from asl.limits import InvalidExecutionInput, Limits
from asl.resolvers import ResolverTable
from asl.testing import VirtualClock

KIB = 1024
PASS_END = {"Type": "Pass", "End": True}

#: A loop that never ends: Pass -> Choice -> Pass -> ... (each turn enters two states, four events).
LOOP: dict[str, Any] = {
    "StartAt": "Spin",
    "States": {
        "Spin": {"Type": "Pass", "Next": "Again"},
        "Again": {
            "Type": "Choice",
            "Choices": [{"Variable": "$.stop", "IsPresent": True, "Next": "Done"}],
            "Default": "Spin",
        },
        "Done": {"Type": "Succeed"},
    },
}


def start(definition: Any, input: Any = None, *, limits: Limits | None = None, **options: Any) -> Execution:
    """Run to the end under ``limits`` (through ``asl.start`` once it takes ``limits``)."""
    options.setdefault("clock", VirtualClock())
    if "limits" in inspect.signature(asl.start).parameters:
        return asl.start(definition, input, limits=limits, **options)
    clock = options.pop("clock")
    resolvers = ResolverTable.build(options.pop("resolvers", None))

    async def main() -> Execution:
        machine = asl.parse(definition, limits=limits)
        return await execute(
            machine, input, resolvers=resolvers, clock=clock, rng=random.Random(0), limits=limits, **options
        )

    factory = clock.loop_factory()
    execution: Execution = anyio.run(main, backend_options={"loop_factory": factory} if factory else {})
    return execution


def codes(definition: Any, limits: Limits | None = None) -> list[tuple[str, str]]:
    """(path, code) of every issue ``asl.validate`` reports."""
    return [(issue.path, issue.code) for issue in asl.validate(definition, limits=limits)]


# -- the Limits object ------------------------------------------------------------------------


def test_defaults_are_aws_values() -> None:
    """The defaults: 256 KiB payloads, 1,048,576-character definitions, no history quota."""
    limits = Limits()
    assert (limits.max_payload_bytes, limits.max_definition_chars, limits.max_history_events) == (
        262_144,
        1_048_576,
        None,
    )


def test_standard_preset_has_history_quota() -> None:
    """Limits.standard() sets AWS's 25,000 events and one year (31,536,000 s)."""
    assert (Limits.standard().max_history_events, Limits.standard().max_duration_seconds) == (25_000, 31_536_000)


def test_express_preset_has_five_minutes() -> None:
    """Limits.express() bounds an execution to 300 seconds and keeps history unbounded."""
    assert (Limits.express().max_duration_seconds, Limits.express().max_history_events) == (300, None)


@pytest.mark.parametrize("field", ["max_transitions", "max_history_events", "max_payload_bytes"])
@pytest.mark.parametrize("value", [0, -1, True, "10"])
def test_bad_bound_is_refused(field: str, value: Any) -> None:
    """A bound that is not a positive number is a ValueError naming the field."""
    with pytest.raises(ValueError, match=field):
        Limits(**{field: value})


# -- definition size --------------------------------------------------------------------------


def _text_of_length(length: int) -> str:
    """A valid definition's JSON text of exactly ``length`` characters (padded in Comment)."""
    head = '{"Comment":"'
    tail = '","StartAt":"A","States":{"A":{"Type":"Pass","End":true}}}'
    return head + "x" * (length - len(head) - len(tail)) + tail


def test_definition_text_at_the_bound_is_accepted() -> None:
    """JSON text of exactly max_definition_chars characters is valid."""
    text = _text_of_length(200)
    assert len(text) == 200
    assert asl.validate(text, limits=Limits(max_definition_chars=200)) == []


def test_definition_text_past_the_bound_is_refused_in_aws_words() -> None:
    """One character more is SCHEMA_VALIDATION_FAILED with AWS's constraint message."""
    issues = asl.validate(_text_of_length(201), limits=Limits(max_definition_chars=200))
    assert [(i.path, i.code, i.message) for i in issues] == [
        (
            "$",
            "SCHEMA_VALIDATION_FAILED",
            "Value at 'definition' failed to satisfy constraint: Member must have length less than or equal to 200",
        )
    ]


def test_dict_definition_is_measured_as_compact_json() -> None:
    """A dict is measured as its compact JSON text: 200 characters pass, 199 allowed fails."""
    definition = json.loads(_text_of_length(200))
    assert asl.validate(definition, limits=Limits(max_definition_chars=200)) == []
    assert codes(definition, Limits(max_definition_chars=199)) == [("$", "SCHEMA_VALIDATION_FAILED")]


def test_default_definition_bound_is_one_mebibyte_of_characters() -> None:
    """With default limits, a 1,048,577-character definition is refused and parse raises DefinitionError."""
    with pytest.raises(asl.DefinitionError, match="less than or equal to 1048576"):
        asl.parse(_text_of_length(1_048_577))


def test_definition_bound_can_be_lifted() -> None:
    """max_definition_chars=None accepts a definition over AWS's size."""
    assert asl.validate(_text_of_length(1_048_577), limits=Limits(max_definition_chars=None)) == []


# -- definition nesting -----------------------------------------------------------------------


def _nested_parallels(depth: int) -> dict[str, Any]:
    machine: dict[str, Any] = {"StartAt": "Leaf", "States": {"Leaf": PASS_END}}
    for level in range(depth):
        state = {"Type": "Parallel", "Branches": [machine], "End": True}
        machine = {"StartAt": f"P{level}", "States": {f"P{level}": state}}
    return machine


def _nested_maps(depth: int) -> dict[str, Any]:
    machine: dict[str, Any] = {"StartAt": "Leaf", "States": {"Leaf": PASS_END}}
    for level in range(depth):
        state = {"Type": "Map", "ItemProcessor": machine, "End": True}
        machine = {"StartAt": f"M{level}", "States": {f"M{level}": state}}
    return machine


def _nested_nots(depth: int) -> dict[str, Any]:
    rule: dict[str, Any] = {"Variable": "$.a", "IsPresent": True}
    for _ in range(depth):
        rule = {"Not": rule}
    choice = {"Type": "Choice", "Choices": [{**rule, "Next": "End"}], "Default": "End"}
    return {"StartAt": "C", "States": {"C": choice, "End": {"Type": "Succeed"}}}


def test_parallel_nesting_at_the_bound_is_valid() -> None:
    """64 Parallel states nested in one another (the default bound) are valid."""
    assert asl.validate(_nested_parallels(64)) == []


def test_parallel_nesting_past_the_bound_is_too_deeply_nested() -> None:
    """A 65th nested Parallel is TOO_DEEPLY_NESTED, reported at the innermost Parallel."""
    issues = asl.validate(_nested_parallels(65))
    assert [i.code for i in issues] == ["TOO_DEEPLY_NESTED"]
    assert issues[0].path.endswith("States.P0")
    assert issues[0].path.count("Branches[0]") == 64


def test_map_nesting_bound_is_configurable() -> None:
    """max_state_nesting=2: two nested Maps are valid, three are TOO_DEEPLY_NESTED."""
    assert asl.validate(_nested_maps(2), limits=Limits(max_state_nesting=2)) == []
    assert codes(_nested_maps(3), Limits(max_state_nesting=2)) == [
        ("$.States.M2.ItemProcessor.States.M1.ItemProcessor.States.M0", "TOO_DEEPLY_NESTED")
    ]


def test_choice_nesting_at_the_bound_is_valid() -> None:
    """128 nested Not operators (the default bound) are valid."""
    assert asl.validate(_nested_nots(128)) == []


def test_choice_nesting_past_the_bound_is_too_deeply_nested() -> None:
    """A 129th nested Not is TOO_DEEPLY_NESTED."""
    assert [i.code for i in asl.validate(_nested_nots(129))] == ["TOO_DEEPLY_NESTED"]


def test_choice_nesting_counts_and_or_inside_lists() -> None:
    """And/Or lists count as one level each: And[Or[Not[...]]] is three levels deep."""
    rule = {"And": [{"Or": [{"Not": {"Variable": "$.a", "IsPresent": True}}]}]}
    choice = {"Type": "Choice", "Choices": [{**rule, "Next": "E"}], "Default": "E"}
    definition = {"StartAt": "C", "States": {"C": choice, "E": {"Type": "Succeed"}}}
    assert asl.validate(definition, limits=Limits(max_choice_nesting=3)) == []
    assert codes(definition, Limits(max_choice_nesting=2)) == [
        ("$.States.C.Choices[0].And[0].Or[0].Not", "TOO_DEEPLY_NESTED")
    ]


def test_json_depth_bound_is_configurable() -> None:
    """max_json_depth=8: a Result nested past eight levels is TOO_DEEPLY_NESTED."""
    result: Any = 1
    for _ in range(8):
        result = [result]
    definition = {"StartAt": "A", "States": {"A": {"Type": "Pass", "Result": result, "End": True}}}
    assert asl.validate(definition) == []
    assert codes(definition, Limits(max_json_depth=8)) == [("$", "TOO_DEEPLY_NESTED")]


@pytest.mark.parametrize("depth", [1_000, 100_000])
def test_very_deep_json_text_is_an_issue_not_a_crash(depth: int) -> None:
    """JSON text nested 1,000 or 100,000 levels deep is TOO_DEEPLY_NESTED, never a RecursionError."""
    text = '{"StartAt":"A","States":{"A":{"Type":"Pass","End":true,"Result":' + "[" * depth + "]" * depth + "}}}"
    assert codes(text) == [("$", "TOO_DEEPLY_NESTED")]


def _intrinsic_nest(depth: int) -> str:
    text = "$.s"
    for _ in range(depth):
        text = f"States.Format('{{}}', {text})"
    return text


def test_intrinsics_nested_ten_deep_run() -> None:
    """Ten nested intrinsic functions (AWS's maximum) are valid and evaluate."""
    definition = {
        "StartAt": "A",
        "States": {"A": {"Type": "Pass", "Parameters": {"v.$": _intrinsic_nest(10)}, "End": True}},
    }
    assert asl.run(definition, {"s": "x"}, clock=VirtualClock()) == {"v": "x"}


def test_intrinsics_nested_eleven_deep_are_invalid() -> None:
    """An eleventh nested intrinsic function makes the definition invalid."""
    definition = {
        "StartAt": "A",
        "States": {"A": {"Type": "Pass", "Parameters": {"v.$": _intrinsic_nest(11)}, "End": True}},
    }
    with pytest.raises(asl.DefinitionError, match="nest at most 10"):
        asl.parse(definition)


# -- transitions --------------------------------------------------------------------------------


def test_endless_loop_stops_at_max_transitions() -> None:
    """max_transitions=5: the sixth state entered fails the execution with States.Runtime."""
    execution = start(LOOP, {}, limits=Limits(max_transitions=5))
    assert (execution.status, execution.error, execution.cause) == (
        "FAILED",
        "States.Runtime",
        "The execution exceeded the maximum number of state transitions (5).",
    )
    assert execution.path == ["Spin", "Again", "Spin", "Again", "Spin"]


def test_transition_bound_is_not_caught_by_states_all() -> None:
    """The transition bound is States.Runtime: a Catch on States.ALL around the loop does not catch it."""
    inner = dict(LOOP)
    definition = {
        "StartAt": "P",
        "States": {
            "P": {
                "Type": "Parallel",
                "Branches": [inner],
                "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Caught"}],
                "End": True,
            },
            "Caught": PASS_END,
        },
    }
    execution = start(definition, {}, limits=Limits(max_transitions=100))
    assert (execution.status, execution.error) == ("FAILED", "States.Runtime")
    assert "Caught" not in execution.path


def test_transitions_are_counted_across_map_iterations() -> None:
    """Three Map iterations of two states each, plus the Map: seven transitions pass, six do not."""
    processor = {"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "B"}, "B": PASS_END}}
    definition = {"StartAt": "M", "States": {"M": {"Type": "Map", "ItemProcessor": processor, "End": True}}}
    assert start(definition, [1, 2, 3], limits=Limits(max_transitions=7)).status == "SUCCEEDED"
    assert start(definition, [1, 2, 3], limits=Limits(max_transitions=6)).error == "States.Runtime"


def test_unbounded_transitions_by_default() -> None:
    """Without a bound a 20,000-transition execution runs to its end."""
    definition = {
        "StartAt": "M",
        "States": {
            "M": {
                "Type": "Map",
                "ItemProcessor": {"StartAt": "A", "States": {"A": PASS_END}},
                "End": True,
            }
        },
    }
    assert start(definition, list(range(20_000)), history=False).status == "SUCCEEDED"


# -- history events -----------------------------------------------------------------------------


def test_history_quota_fails_with_aws_cause_at_event_25000() -> None:
    """With Limits.standard() an endless loop fails as AWS does: event 25,000 is ExecutionFailed."""
    execution = start(LOOP, {}, limits=Limits.standard())
    assert (execution.status, execution.error, execution.cause) == (
        "FAILED",
        "States.Runtime",
        "The execution reached the maximum number of history events (25000).",
    )
    events = execution.events
    assert len(events) == 25_000
    assert (events[-1]["id"], events[-1]["type"], events[-1]["previousEventId"]) == (25_000, "ExecutionFailed", 24_999)


def test_history_quota_lets_the_last_event_succeed() -> None:
    """A one-Pass execution has four events: a quota of four succeeds, three fails at event 3."""
    definition = {"StartAt": "A", "States": {"A": PASS_END}}
    assert start(definition, {}, limits=Limits(max_history_events=4)).status == "SUCCEEDED"
    failed = start(definition, {}, limits=Limits(max_history_events=3))
    assert [e["type"] for e in failed.events] == ["ExecutionStarted", "PassStateEntered", "ExecutionFailed"]


def test_history_quota_counts_without_keeping_history() -> None:
    """history=False still counts events against the quota."""
    execution = start(LOOP, {}, limits=Limits(max_history_events=50), history=False)
    assert (execution.status, execution.error) == ("FAILED", "States.Runtime")
    assert execution.events == []


def test_history_quota_inside_parallel_fails_the_execution() -> None:
    """A quota reached inside a Parallel branch fails the whole execution, uncaught by States.ALL."""
    definition = {
        "StartAt": "P",
        "States": {
            "P": {
                "Type": "Parallel",
                "Branches": [LOOP, {"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 5, "End": True}}}],
                "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Caught"}],
                "End": True,
            },
            "Caught": PASS_END,
        },
    }
    execution = start(definition, {}, limits=Limits(max_history_events=40))
    assert (execution.status, execution.cause) == (
        "FAILED",
        "The execution reached the maximum number of history events (40).",
    )
    assert execution.events[-1]["id"] == 40


# -- duration -----------------------------------------------------------------------------------


def test_max_duration_times_the_execution_out() -> None:
    """max_duration_seconds=5 and a 10-second Wait: TIMED_OUT with States.Timeout (virtual time)."""
    definition = {"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 10, "End": True}}}
    execution = start(definition, {}, limits=Limits(max_duration_seconds=5))
    assert (execution.status, execution.error) == ("TIMED_OUT", "States.Timeout")


def test_express_preset_times_out_after_five_minutes() -> None:
    """Limits.express(): a 301-second Wait times out, a 299-second one does not."""
    def waiting(seconds: int) -> dict[str, Any]:
        return {"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": seconds, "End": True}}}

    assert start(waiting(301), {}, limits=Limits.express()).status == "TIMED_OUT"
    assert start(waiting(299), {}, limits=Limits.express()).status == "SUCCEEDED"


def test_machine_timeout_stops_an_endless_loop_in_real_time() -> None:
    """TimeoutSeconds: 1 ends an endless Pass/Choice loop under the real clock (the loop yields)."""
    definition = {**LOOP, "TimeoutSeconds": 1}
    began = time.monotonic()
    execution = asl.start(definition, {})
    assert (execution.status, execution.error) == ("TIMED_OUT", "States.Timeout")
    assert time.monotonic() - began < 10


# -- payload ------------------------------------------------------------------------------------


def test_payload_bound_comes_from_limits() -> None:
    """Limits(max_payload_bytes=100): a 200-byte Pass result fails with States.DataLimitExceeded."""
    definition = {"StartAt": "A", "States": {"A": {"Type": "Pass", "Result": "x" * 200, "End": True}}}
    execution = start(definition, {}, limits=Limits(max_payload_bytes=100))
    assert execution.error == "States.DataLimitExceeded"
    assert start(definition, {}, limits=Limits(max_payload_bytes=300)).status == "SUCCEEDED"


# -- execution input ----------------------------------------------------------------------------


def test_input_too_deep_to_copy_is_refused() -> None:
    """An input nested 100,000 levels deep raises InvalidExecutionInput (a ValueError), not RecursionError."""
    deep: Any = 1
    for _ in range(100_000):
        deep = [deep]
    with pytest.raises(InvalidExecutionInput, match="nested more than 512 levels deep"):
        start({"StartAt": "A", "States": {"A": PASS_END}}, deep)


# -- JSONata ------------------------------------------------------------------------------------

JSONATA_ENDLESS = "{% ($f := function($n){ 1 + $f($n + 1) }; $f(0)) %}"


def _jsonata_pass(expression: str) -> dict[str, Any]:
    return {"QueryLanguage": "JSONata", "StartAt": "A", "States": {"A": {"Type": "Pass", "Output": expression,
                                                                        "End": True}}}


def test_jsonata_depth_bound_comes_from_limits() -> None:
    """jsonata_max_depth=50: unbounded recursion fails with States.QueryEvaluationError D1011."""
    execution = start(_jsonata_pass(JSONATA_ENDLESS), {}, limits=Limits(jsonata_max_depth=50))
    assert execution.error == "States.QueryEvaluationError"
    assert "D1011" in str(execution.cause)


def test_jsonata_time_bound_comes_from_limits() -> None:
    """jsonata_timeout_seconds=0.2: an endless tail-recursive loop fails with D1012 within seconds."""
    loop = "{% ($f := function($n){ $n < 0 ? 0 : $f($n + 1) }; $f(0)) %}"
    began = time.monotonic()
    execution = start(_jsonata_pass(loop), {}, limits=Limits(jsonata_timeout_seconds=0.2, jsonata_max_depth=10**9))
    assert execution.error == "States.QueryEvaluationError"
    assert "D1012" in str(execution.cause) or "D1011" in str(execution.cause)
    assert time.monotonic() - began < 10


def test_jsonata_limits_do_not_outlive_the_execution() -> None:
    """After a run with a tiny depth bound, the default bound applies again (a 200-deep recursion works)."""
    start(_jsonata_pass(JSONATA_ENDLESS), {}, limits=Limits(jsonata_max_depth=20))
    counted = "{% ($f := function($n){ $n = 0 ? 0 : $f($n - 1) }; $f(60)) %}"
    assert start(_jsonata_pass(counted), {}).output == 0


# -- StringMatches ------------------------------------------------------------------------------


def test_string_matches_is_linear_on_adversarial_input() -> None:
    """A many-star pattern against 200,000 characters that almost match is decided in well under a second."""
    matcher = Wildcard.compile("*a*a*a*a*a*a*a*a*a*a*b")
    text = "a" * 200_000
    began = time.monotonic()
    assert matcher.match(text) is False
    assert matcher.match(text + "b") is True
    assert time.monotonic() - began < 1.0


def test_string_matches_pattern_escapes() -> None:
    """An escaped star is literal: 'a\\*b' matches 'a*b' only."""
    matcher = Wildcard.compile("a\\*b")
    assert (matcher.match("a*b"), matcher.match("axb")) == (True, False)


def test_input_payload_bytes_measured_in_utf8() -> None:
    """A 100 KiB string of three-byte characters (300 KiB) exceeds the default 256 KiB in a Pass Result."""
    definition = {"StartAt": "A", "States": {"A": {"Type": "Pass", "Result": "\u20ac" * (100 * KIB), "End": True}}}
    assert start(definition, {}).error == "States.DataLimitExceeded"
