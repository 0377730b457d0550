"""JSONata states end to end: each JSONata field of each state type, AWS's extra functions, errors.

Expected values come from AWS's "Transforming data with JSONata in Step Functions" guide, the
state reference pages and the recorded executions in ``/work/shared/conformance/cases``
(``*jsonata*``, ``states_variables_*``). Each test runs a whole machine with :func:`asl.run`
under a virtual clock.
"""

from __future__ import annotations

import hashlib
import re
from datetime import UTC, datetime, timedelta
from typing import Any

import anyio
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import asl
from asl.testing import VirtualClock

J = "JSONata"
QUERY_EVALUATION_ERROR = "States.QueryEvaluationError"
START = datetime(2024, 1, 1, tzinfo=UTC)
FUNCTION = "arn:aws:lambda:us-east-1:123456789012:function:Quote"
LOOKUP = "arn:aws:states:::aws-sdk:dynamodb:getItem"
"""A Task resource with no built-in integration: its resolver gets the payload as it is."""
UUID4 = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")


def run(definition: dict[str, Any], data: Any = None, *, clock: VirtualClock | None = None, **options: Any) -> Any:
    """Run ``definition`` under a virtual clock and return its output."""
    return asl.run(definition, data, clock=clock or VirtualClock(START), **options)


def failure(definition: dict[str, Any], data: Any = None, **options: Any) -> asl.ExecutionFailed:
    """Run ``definition`` and return the ExecutionFailed it must end with."""
    with pytest.raises(asl.ExecutionFailed) as failed:
        run(definition, data, **options)
    return failed.value


def one(name: str, state: dict[str, Any]) -> dict[str, Any]:
    """A JSONata machine of one state (End added where the type needs it)."""
    body = dict(state)
    if body["Type"] not in ("Choice", "Succeed", "Fail"):
        body.setdefault("End", True)
    return {"QueryLanguage": J, "StartAt": name, "States": {name: body}}


def output_of(expression: str, data: Any = None, **options: Any) -> Any:
    """The output of a JSONata Pass state whose Output is ``expression``."""
    return run(one("Eval", {"Type": "Pass", "Output": expression}), data, **options)


def inline(*states: tuple[str, dict[str, Any]]) -> dict[str, Any]:
    """An INLINE ItemProcessor running ``states`` in order."""
    built: dict[str, Any] = {}
    for index, (name, state) in enumerate(states):
        body = dict(state)
        if body["Type"] not in ("Choice", "Succeed", "Fail"):
            if index + 1 < len(states):
                body.setdefault("Next", states[index + 1][0])
            else:
                body.setdefault("End", True)
        built[name] = body
    return {"ProcessorConfig": {"Mode": "INLINE"}, "StartAt": states[0][0], "States": built}


# -- Task: Arguments, Output, result -------------------------------------------------------------


def test_task_arguments_are_what_the_resolver_receives() -> None:
    """A Task's Arguments, with expressions evaluated, is the payload handed to the resolver."""
    received: list[Any] = []

    def quote(event: Any) -> dict[str, Any]:
        received.append(event)
        return {"price": 9}

    definition = one("Quote", {
        "Type": "Task",
        "Resource": FUNCTION,
        "Arguments": {"sku": "{% $states.input.item.sku %}", "qty": "{% $states.input.item.qty * 2 %}",
                      "fixed": "literal"},
    })
    run(definition, {"item": {"sku": "A-1", "qty": 3}}, resolvers={"Quote": quote})
    assert received == [{"sku": "A-1", "qty": 6, "fixed": "literal"}]


def test_task_without_arguments_sends_the_state_input() -> None:
    """A JSONata Task without Arguments hands its whole input to the resolver."""
    received: list[Any] = []
    definition = one("Quote", {"Type": "Task", "Resource": FUNCTION})
    run(definition, {"sku": "A-1"}, resolvers={"Quote": lambda event: received.append(event) or "ok"})
    assert received == [{"sku": "A-1"}]


def test_task_output_defaults_to_the_result() -> None:
    """A JSONata Task without Output outputs the task result, not its input."""
    definition = one("Quote", {"Type": "Task", "Resource": FUNCTION})
    assert run(definition, {"sku": "A-1"}, resolvers={"Quote": lambda _event: {"price": 9}}) == {"price": 9}


def test_task_output_reads_result_and_input() -> None:
    """A Task's Output combines $states.result and $states.input (recorded TASK_CATCH_ERROR_OUTPUT shape)."""
    definition = one("Quote", {
        "Type": "Task",
        "Resource": FUNCTION,
        "Output": {"stateInput": "{% $states.input %}", "stateResult": "{% $states.result %}"},
    })
    output = run(definition, {"sku": "A-1"}, resolvers={"Quote": lambda _event: {"price": 9}})
    assert output == {"stateInput": {"sku": "A-1"}, "stateResult": {"price": 9}}


def test_task_assign_reads_the_result() -> None:
    """A Task's Assign stores a part of $states.result for later states."""
    definition = {
        "QueryLanguage": J,
        "StartAt": "Quote",
        "States": {
            "Quote": {"Type": "Task", "Resource": FUNCTION, "Assign": {"price": "{% $states.result.price %}"},
                      "Output": {}, "Next": "Use"},
            "Use": {"Type": "Pass", "Output": "{% $price * 2 %}", "End": True},
        },
    }
    assert run(definition, {}, resolvers={"Quote": lambda _event: {"price": 9}}) == 18


def test_lambda_invoke_arguments_build_the_invoke_request() -> None:
    """For lambda:invoke, Arguments.Payload is the event and Output picks the Payload of the response."""
    definition = one("Call", {
        "Type": "Task",
        "Resource": "arn:aws:states:::lambda:invoke",
        "Arguments": {"FunctionName": "Quote", "Payload": {"sku": "{% $states.input.sku %}"}},
        "Output": "{% $states.result.Payload %}",
    })
    assert run(definition, {"sku": "B"}, resolvers={"Quote": lambda event: {"for": event["sku"]}}) == {"for": "B"}


# -- Pass ---------------------------------------------------------------------------------------


def test_pass_output_defaults_to_the_input() -> None:
    """A JSONata Pass without Output passes its input on."""
    assert run(one("Nothing", {"Type": "Pass"}), {"keep": [1, 2]}) == {"keep": [1, 2]}


def test_pass_output_may_be_any_json_value() -> None:
    """A Pass Output may be a literal array holding expressions at any depth."""
    definition = one("Shape", {"Type": "Pass", "Output": [1, {"deep": ["{% $states.input.v %}"]}, "text"]})
    assert run(definition, {"v": True}) == [1, {"deep": [True]}, "text"]


def test_whole_string_must_be_the_expression() -> None:
    """A string that merely contains {% %} is a literal, not an expression."""
    assert output_of(" {% 1 + 1 %}", {}) == " {% 1 + 1 %}"


# -- Map: Items, ItemSelector, context ----------------------------------------------------------


def test_map_items_expression_selects_the_array() -> None:
    """Map Items as an expression picks the array to iterate from the input."""
    definition = one("Each", {
        "Type": "Map",
        "Items": "{% $states.input.orders %}",
        "ItemProcessor": inline(("Double", {"Type": "Pass", "Output": "{% $states.input * 2 %}"})),
    })
    assert run(definition, {"orders": [1, 2, 3]}) == [2, 4, 6]


def test_map_items_may_be_a_literal_array() -> None:
    """Map Items may be a JSON array written in the definition."""
    definition = one("Each", {"Type": "Map", "Items": ["a", "b"],
                              "ItemProcessor": inline(("Same", {"Type": "Pass"}))})
    assert run(definition, {"ignored": 1}) == ["a", "b"]


def test_map_item_selector_reads_item_value_index_and_input() -> None:
    """ItemSelector reads $states.context.Map.Item.Value/Index and the Map's own $states.input."""
    definition = one("Each", {
        "Type": "Map",
        "Items": "{% $states.input.skus %}",
        "ItemSelector": {
            "sku": "{% $states.context.Map.Item.Value %}",
            "position": "{% $states.context.Map.Item.Index %}",
            "customer": "{% $states.input.customer %}",
        },
        "ItemProcessor": inline(("Same", {"Type": "Pass"})),
    })
    output = run(definition, {"skus": ["A", "B"], "customer": "ann"})
    assert output == [{"sku": "A", "position": 0, "customer": "ann"}, {"sku": "B", "position": 1, "customer": "ann"}]


def test_map_items_not_an_array_is_a_query_evaluation_error() -> None:
    """Items that evaluates to a number fails with AWS's unexpected-type wording."""
    definition = one("Each", {"Type": "Map", "Items": "{% $states.input.n %}",
                              "ItemProcessor": inline(("Same", {"Type": "Pass"}))})
    failed = failure(definition, {"n": 1})
    assert failed.error == QUERY_EVALUATION_ERROR
    assert failed.cause is not None
    assert failed.cause.endswith(
        "The JSONata expression '$states.input.n' specified for the field 'Items' returned an unexpected "
        "result type. Expected 'array', but was 'number' for value: 1"
    )


def test_map_output_and_assign_read_the_results() -> None:
    """A Map's Output and Assign read $states.result, the array of iteration outputs."""
    definition = {
        "QueryLanguage": J,
        "StartAt": "Each",
        "States": {
            "Each": {
                "Type": "Map",
                "Items": [1, 2, 3],
                "ItemProcessor": inline(("Square", {"Type": "Pass", "Output": "{% $states.input * $states.input %}"})),
                "Assign": {"total": "{% $sum($states.result) %}"},
                "Output": {"squares": "{% $states.result %}"},
                "Next": "Done",
            },
            "Done": {"Type": "Pass", "Output": {"total": "{% $total %}", "seen": "{% $states.input %}"}, "End": True},
        },
    }
    assert run(definition, {}) == {"total": 14, "seen": {"squares": [1, 4, 9]}}


# -- Parallel -----------------------------------------------------------------------------------


def test_parallel_arguments_are_every_branch_input() -> None:
    """A Parallel's Arguments is the input of each branch; Output reads the branch results."""
    definition = one("Fork", {
        "Type": "Parallel",
        "Arguments": {"n": "{% $states.input.value %}"},
        "Branches": [
            {"StartAt": "Inc", "States": {"Inc": {"Type": "Pass", "Output": "{% $states.input.n + 1 %}", "End": True}}},
            {"StartAt": "Dec", "States": {"Dec": {"Type": "Pass", "Output": "{% $states.input.n - 1 %}", "End": True}}},
        ],
        "Output": {"up": "{% $states.result[0] %}", "down": "{% $states.result[1] %}"},
    })
    assert run(definition, {"value": 10}) == {"up": 11, "down": 9}


# -- Choice -------------------------------------------------------------------------------------


def _router() -> dict[str, Any]:
    return {
        "QueryLanguage": J,
        "StartAt": "Route",
        "States": {
            "Route": {
                "Type": "Choice",
                "Choices": [
                    {"Condition": "{% $states.input.total > 100 %}", "Next": "Big"},
                    {"Condition": "{% $states.input.total > 10 %}", "Next": "Medium",
                     "Output": {"note": "{% 'medium ' & $string($states.input.total) %}"}},
                ],
                "Default": "Small",
            },
            "Big": {"Type": "Pass", "Output": "big", "End": True},
            "Medium": {"Type": "Pass", "End": True},
            "Small": {"Type": "Pass", "Output": "small", "End": True},
        },
    }


@pytest.mark.parametrize(("total", "expected"), [(500, "big"), (5, "small")])
def test_choice_condition_picks_the_next_state(total: int, expected: str) -> None:
    """The first rule whose Condition is true names the next state; none true means Default."""
    assert run(_router(), {"total": total}) == expected


def test_choice_rule_output_shapes_the_state_output() -> None:
    """A matched rule's Output is the Choice state's output."""
    assert run(_router(), {"total": 50}) == {"note": "medium 50"}


def test_choice_condition_must_be_boolean() -> None:
    """A Condition that evaluates to a string fails with States.QueryEvaluationError."""
    definition = one("Route", {"Type": "Choice", "Choices": [{"Condition": "{% $states.input.flag %}", "Next": "X"}],
                               "Default": "X"})
    definition["States"]["X"] = {"Type": "Succeed"}
    assert failure(definition, {"flag": "yes"}).error == QUERY_EVALUATION_ERROR


# -- Wait ---------------------------------------------------------------------------------------


def test_wait_seconds_expression() -> None:
    """Wait Seconds as an expression sleeps the number of seconds it evaluates to."""
    clock = VirtualClock(START)
    definition = one("Pause", {"Type": "Wait", "Seconds": "{% $states.input.minutes * 60 %}"})
    assert run(definition, {"minutes": 2}, clock=clock) == {"minutes": 2}
    assert clock.sleeps == [120.0]


def test_wait_timestamp_expression() -> None:
    """Wait Timestamp as an expression sleeps until the moment it evaluates to."""
    clock = VirtualClock(START)
    definition = one("Until", {"Type": "Wait", "Timestamp": "{% $states.input.at %}"})
    run(definition, {"at": (START + timedelta(minutes=5)).strftime("%Y-%m-%dT%H:%M:%SZ")}, clock=clock)
    assert clock.sleeps == [300.0]


def test_wait_timestamp_that_is_not_iso_8601_fails() -> None:
    """A Timestamp without the T separator fails with AWS's recorded cause."""
    definition = one("WaitState", {"Type": "Wait", "Timestamp": "{% $states.input.TimestampValue %}"})
    failed = failure(definition, {"TimestampValue": "2016-12-05 21:29:29Z"})
    assert (failed.error, failed.cause) == (
        QUERY_EVALUATION_ERROR,
        "An error occurred while executing the state 'WaitState' (entered at the event id #2). The Timestamp "
        "field cannot be parsed as an ISO-8601 extended offset date-time format string: 2016-12-05 21:29:29Z",
    )


# -- Fail -----------------------------------------------------------------------------------------


def test_fail_error_and_cause_expressions() -> None:
    """A Fail state's Error and Cause may be expressions over its input."""
    definition = one("Stop", {"Type": "Fail", "Error": "{% $states.input.kind %}",
                              "Cause": "{% 'order ' & $states.input.id & ' refused' %}"})
    failed = failure(definition, {"kind": "Refused", "id": "o-1"})
    assert (failed.error, failed.cause) == ("Refused", "order o-1 refused")


def test_fail_error_expression_must_be_a_string() -> None:
    """An Error expression that evaluates to a number fails with States.QueryEvaluationError."""
    definition = one("Stop", {"Type": "Fail", "Error": "{% $states.input.code %}"})
    assert failure(definition, {"code": 500}).error == QUERY_EVALUATION_ERROR


# -- TimeoutSeconds ----------------------------------------------------------------------------


async def _slow(_event: Any) -> str:
    await anyio.sleep(30)
    return "late"


def test_timeout_seconds_expression_times_the_task_out() -> None:
    """TimeoutSeconds as an expression bounds the task: a 30 s task under a 10 s limit is States.Timeout."""
    definition = one("Slow", {"Type": "Task", "Resource": LOOKUP, "TimeoutSeconds": "{% $states.input.limit %}"})
    assert failure(definition, {"limit": 10}, resolvers={"Slow": _slow}).error == "States.Timeout"


def test_timeout_seconds_expression_lets_a_fast_enough_task_finish() -> None:
    """The same 30 s task under a 60 s limit evaluated from the input succeeds."""
    definition = one("Slow", {"Type": "Task", "Resource": LOOKUP, "TimeoutSeconds": "{% $states.input.limit %}"})
    assert run(definition, {"limit": 60}, resolvers={"Slow": _slow}) == "late"


# -- AWS's extra functions ---------------------------------------------------------------------


def test_partition_splits_into_chunks() -> None:
    """$partition cuts an array into chunks of the given size; the last one may be shorter."""
    assert output_of("{% $partition([1, 2, 3, 4, 5], 2) %}") == [[1, 2], [3, 4], [5]]


def test_range_includes_the_end() -> None:
    """$range(0, 10, 2) counts from start to end inclusive (AWS's example)."""
    assert output_of("{% $range(0, 10, 2) %}") == [0, 2, 4, 6, 8, 10]


def test_range_recorded_case() -> None:
    """$range(0, 9, 3) gives [0, 3, 6, 9] (recorded array_range case)."""
    assert output_of("{% $range(0, 9, 3) %}") == [0, 3, 6, 9]


@pytest.mark.parametrize(("algorithm", "name"), [("MD5", "md5"), ("SHA-1", "sha1"), ("SHA-256", "sha256"),
                                                 ("SHA-384", "sha384"), ("SHA-512", "sha512")])
def test_hash_algorithms(algorithm: str, name: str) -> None:
    """$hash gives the lower-case hex digest of each algorithm AWS lists."""
    expected = hashlib.new(name, b"input data").hexdigest()
    assert output_of(f"{{% $hash('input data', '{algorithm}') %}}") == expected


@settings(max_examples=25, deadline=None)
@given(st.text(max_size=300))
def test_hash_matches_hashlib_for_any_text(text: str) -> None:
    """$hash(text, 'SHA-256') equals hashlib's digest of the UTF-8 bytes, for any text."""
    assert output_of("{% $hash($states.input, 'SHA-256') %}", text) == hashlib.sha256(text.encode()).hexdigest()


def test_parse_turns_json_text_into_data() -> None:
    """$parse reads JSON text into JSON data (AWS's replacement for $eval)."""
    assert output_of("{% $parse($states.input.text) %}", {"text": '{"a": [1, true]}'}) == {"a": [1, True]}


def test_uuid_is_a_version_4_uuid() -> None:
    """$uuid() returns a version 4 UUID in canonical form."""
    assert UUID4.match(output_of("{% $uuid() %}"))


def test_uuid_repeats_with_the_same_run_seed() -> None:
    """Two runs with asl.run(seed=7) draw the same $uuid(); another seed draws another."""
    first = output_of("{% $uuid() %}", seed=7)
    assert output_of("{% $uuid() %}", seed=7) == first
    assert output_of("{% $uuid() %}", seed=8) != first


def test_random_without_seed_repeats_with_the_same_run_seed() -> None:
    """$random() is in [0, 1) and repeats across runs given the same asl.run seed."""
    first = output_of("{% $random() %}", seed=11)
    assert 0 <= first < 1
    assert output_of("{% $random() %}", seed=11) == first


def test_random_with_a_seed_argument_is_reproducible() -> None:
    """$random(seed) gives the same number for the same seed argument, whatever the run's seed."""
    pair = output_of("{% [$random(42), $random(42)] %}", seed=1)
    assert pair[0] == pair[1]
    assert 0 <= pair[0] < 1
    assert output_of("{% $random(42) %}", seed=2) == pair[0]


def test_eval_is_not_available() -> None:
    """$eval is unbound on AWS: calling it is T1006, a States.QueryEvaluationError."""
    failed = failure(one("Eval", {"Type": "Pass", "Output": "{% $eval('1 + 1') %}"}), {})
    assert failed.error == QUERY_EVALUATION_ERROR
    assert failed.cause is not None
    assert failed.cause.endswith("T1006: Attempted to invoke a non-function")


# -- errors -------------------------------------------------------------------------------------


def test_undefined_result_is_a_query_evaluation_error() -> None:
    """An Output field whose expression returns nothing fails with AWS's recorded cause."""
    definition = one("State0", {"Type": "Pass", "Output": {"result": "{% $states.input.missing %}"}})
    failed = failure(definition, {})
    assert (failed.error, failed.cause) == (
        QUERY_EVALUATION_ERROR,
        "An error occurred while executing the state 'State0' (entered at the event id #2). The JSONata "
        "expression '$states.input.missing' specified for the field 'Output/result' returned nothing (undefined).",
    )


def test_expression_error_is_caught_by_catch() -> None:
    """A failing Arguments expression is States.QueryEvaluationError, which a Catch on it handles."""
    definition = {
        "QueryLanguage": J,
        "StartAt": "Call",
        "States": {
            "Call": {
                "Type": "Task",
                "Resource": LOOKUP,
                "Arguments": {"n": "{% $number($states.input.n) %}"},
                "Catch": [{"ErrorEquals": ["States.QueryEvaluationError"],
                           "Output": {"error": "{% $states.errorOutput.Error %}"}, "Next": "Recover"}],
                "End": True,
            },
            "Recover": {"Type": "Pass", "End": True},
        },
    }
    called: list[Any] = []
    output = run(definition, {"n": "not a number"}, resolvers={"Call": called.append})
    assert output == {"error": QUERY_EVALUATION_ERROR}
    assert called == []


def test_expression_error_is_retried_by_retry() -> None:
    """States.QueryEvaluationError is an ordinary error: a matching Retry runs the state again."""
    clock = VirtualClock(START)
    definition = one("Call", {
        "Type": "Task",
        "Resource": LOOKUP,
        "Arguments": "{% $states.input.missing %}",
        "Retry": [{"ErrorEquals": ["States.QueryEvaluationError"], "IntervalSeconds": 3, "MaxAttempts": 2}],
    })
    with pytest.raises(asl.ExecutionFailed) as failed:
        run(definition, {}, clock=clock, resolvers={"Call": lambda event: event})
    assert failed.value.error == QUERY_EVALUATION_ERROR
    assert clock.sleeps == [3.0, 6.0]


def test_top_level_query_language_can_be_overridden_per_state() -> None:
    """A JSONPath machine may hold a JSONata state, and JSONPath fields keep working around it."""
    definition = {
        "StartAt": "Path",
        "States": {
            "Path": {"Type": "Pass", "Parameters": {"v.$": "$.value"}, "Next": "Ata"},
            "Ata": {"Type": "Pass", "QueryLanguage": J, "Output": "{% $states.input.v + 1 %}", "End": True},
        },
    }
    assert run(definition, {"value": 1}) == 2


# -- forbidden references are definition errors -----------------------------------------------------


def _task(**fields: Any) -> dict[str, Any]:
    return one("Call", {"Type": "Task", "Resource": LOOKUP, **fields})


FORBIDDEN = {
    "result in Arguments": _task(Arguments={"r": "{% $states.result %}"}),
    "result in Pass Output": one("P", {"Type": "Pass", "Output": "{% $states.result %}"}),
    "errorOutput in state Output": _task(Output="{% $states.errorOutput %}"),
    "errorOutput in state Assign": _task(Assign={"e": "{% $states.errorOutput %}"}),
    "top-level $ in Output": one("P", {"Type": "Pass", "Output": "{% $.field %}"}),
}


@pytest.mark.parametrize("definition", FORBIDDEN.values(), ids=FORBIDDEN.keys())
def test_forbidden_reference_is_reported_by_validate(definition: dict[str, Any]) -> None:
    """asl.validate reports a $states field read where AWS does not provide it."""
    assert asl.validate(definition) != []


@pytest.mark.parametrize("definition", FORBIDDEN.values(), ids=FORBIDDEN.keys())
def test_forbidden_reference_makes_parse_raise(definition: dict[str, Any]) -> None:
    """asl.parse raises DefinitionError for a $states field read where AWS does not provide it."""
    with pytest.raises(asl.DefinitionError):
        asl.parse(definition)


def test_result_in_arguments_issue_points_at_the_field() -> None:
    """The issue for $states.result in Arguments names the field and says it does not exist."""
    (issue,) = asl.validate(_task(Arguments={"r": "{% $states.result %}"}))
    assert issue.path == "$.States.Call.Arguments.r"
    assert "$states.result" in issue.message


ALLOWED = {
    "result in Task Output": _task(Output="{% $states.result %}"),
    "result in Task Assign": _task(Assign={"r": "{% $states.result %}"}),
    "errorOutput in Catch Output": _task(Catch=[{"ErrorEquals": ["States.ALL"], "Next": "Call",
                                                 "Output": "{% $states.errorOutput %}"}]),
    "errorOutput in Catch Assign": _task(Catch=[{"ErrorEquals": ["States.ALL"], "Next": "Call",
                                                 "Assign": {"e": "{% $states.errorOutput %}"}}]),
    "context anywhere": _task(Arguments={"id": "{% $states.context.Execution.Id %}"}),
}


@pytest.mark.parametrize("definition", ALLOWED.values(), ids=ALLOWED.keys())
def test_allowed_reference_is_valid(definition: dict[str, Any]) -> None:
    """$states.result in a Task's Output/Assign and $states.errorOutput in a Catch are valid."""
    assert asl.validate(definition) == []
