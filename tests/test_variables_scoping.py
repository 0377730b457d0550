"""Workflow variables end to end: when Assign takes effect, where a variable is visible, where it can be read.

Expected values come from AWS's "Passing data between states with variables" guide and from
the recorded executions in ``/work/shared/conformance/cases/assign_*``:

* every expression of a state reads the variables as they were when the state was entered;
  new values are visible from the next state on;
* Parallel branches and Map iterations read the outer variables, keep their own assignments
  to themselves and hand data back only through their output; a Catch's Assign on the
  Parallel/Map state assigns in the outer scope;
* a Distributed Map's children cannot read the parent's variables;
* JSONPath states read variables as ``$name`` in every path field but ResultPath, in payload
  templates and in intrinsic arguments; in a JSONPath Assign, ``$`` is the state's result.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import anyio
import pytest

import asl
from asl.testing import VirtualClock

J = "JSONata"
QUERY_EVALUATION_ERROR = "States.QueryEvaluationError"
START = datetime(2024, 1, 1, tzinfo=UTC)
LOOKUP = "arn:aws:states:::aws-sdk:dynamodb:getItem"
"""A Task resource with no built-in integration: its resolver gets the payload as it is."""


def run(definition: dict[str, Any], data: Any = None, **options: Any) -> Any:
    """Run ``definition`` under a virtual clock and return its output."""
    return asl.run(definition, data, clock=VirtualClock(START), **options)


def failure(definition: dict[str, Any], data: Any = None, **options: Any) -> asl.ExecutionFailed:
    """Run ``definition`` and return the ExecutionFailed it must end with."""
    with pytest.raises(asl.ExecutionFailed) as failed:
        run(definition, data, **options)
    return failed.value


def machine(*states: tuple[str, dict[str, Any]], **top: Any) -> dict[str, Any]:
    """A machine running ``states`` in order (each one's Next is the following one)."""
    built: dict[str, Any] = {}
    for index, (name, state) in enumerate(states):
        body = dict(state)
        if body["Type"] not in ("Choice", "Succeed", "Fail") and "Next" not in body and "End" not in body:
            if index + 1 < len(states):
                body["Next"] = states[index + 1][0]
            else:
                body["End"] = True
        built[name] = body
    return {**top, "StartAt": states[0][0], "States": built}


def branch(*states: tuple[str, dict[str, Any]]) -> dict[str, Any]:
    """A Parallel branch or Map processor made of ``states`` in order."""
    return machine(*states)


def inline(*states: tuple[str, dict[str, Any]]) -> dict[str, Any]:
    """An INLINE Map ItemProcessor made of ``states`` in order."""
    return {"ProcessorConfig": {"Mode": "INLINE"}, **branch(*states)}


def distributed(*states: tuple[str, dict[str, Any]]) -> dict[str, Any]:
    """A DISTRIBUTED Map ItemProcessor made of ``states`` in order."""
    return {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"}, **branch(*states)}


def expose(*names: str) -> dict[str, Any]:
    """A JSONata Pass state whose output is ``{name: $name}`` for each name."""
    return {"Type": "Pass", "Output": {name: f"{{% ${name} %}}" for name in names}}


# -- the entry-value rule ------------------------------------------------------------------


def test_assign_expressions_read_values_from_state_entry() -> None:
    """In one Assign, {"a": $b, "b": 5} with b previously 1 gives a == 1."""
    definition = machine(
        ("Init", {"Type": "Pass", "Assign": {"b": 1}}),
        ("Swap", {"Type": "Pass", "Assign": {"a": "{% $b %}", "b": 5}}),
        ("Show", expose("a", "b")),
        QueryLanguage=J,
    )
    assert run(definition) == {"a": 1, "b": 5}


def test_assign_order_of_keys_does_not_matter() -> None:
    """x: $a and nextX: $x both read entry values (AWS's own example: x=3, a=6 -> x=6, nextX=3)."""
    definition = machine(
        ("Init", {"Type": "Pass", "Assign": {"x": 3, "a": 6}}),
        ("Shift", {"Type": "Pass", "Assign": {"x": "{% $a %}", "nextX": "{% $x %}"}}),
        ("Show", expose("x", "nextX")),
        QueryLanguage=J,
    )
    assert run(definition) == {"x": 6, "nextX": 3}


def test_output_of_the_assigning_state_sees_the_old_value() -> None:
    """A state's Output reads the variable as it was on entry, not the value its Assign sets."""
    definition = machine(
        ("Init", {"Type": "Pass", "Assign": {"b": 1}}),
        ("Change", {"Type": "Pass", "Assign": {"b": 5}, "Output": {"seen": "{% $b %}"}}),
        QueryLanguage=J,
    )
    assert run(definition) == {"seen": 1}


def test_task_output_sees_the_old_value_while_assign_stores_the_result() -> None:
    """In a Task, Output reads the entry value of a variable that the same state's Assign replaces."""
    definition = machine(
        ("Init", {"Type": "Pass", "Assign": {"price": 10}}),
        (
            "Fetch",
            {
                "Type": "Task",
                "Resource": LOOKUP,
                "Assign": {"price": "{% $states.result.price %}"},
                "Output": {"old": "{% $price %}", "fetched": "{% $states.result.price %}"},
            },
        ),
        ("Show", {"Type": "Pass", "Output": {"before": "{% $states.input %}", "now": "{% $price %}"}}),
        QueryLanguage=J,
    )
    output = run(definition, resolvers={"Fetch": lambda _payload: {"price": 12}})
    assert output == {"before": {"old": 10, "fetched": 12}, "now": 12}


def test_new_values_are_visible_in_the_next_state() -> None:
    """A value assigned by one state is what the following state reads."""
    definition = machine(
        ("First", {"Type": "Pass", "Assign": {"greeting": "hello"}}),
        ("Second", {"Type": "Pass", "Output": "{% $greeting & ' world' %}"}),
        QueryLanguage=J,
    )
    assert run(definition) == "hello world"


def test_jsonpath_assign_reads_values_from_state_entry() -> None:
    """In a JSONPath Assign, "a.$": "$b" reads b's entry value even when the same Assign sets b."""
    definition = machine(
        ("Init", {"Type": "Pass", "Assign": {"b": 1}}),
        ("Swap", {"Type": "Pass", "Assign": {"a.$": "$b", "b": 5}}),
        ("Show", {"Type": "Pass", "Parameters": {"a.$": "$a", "b.$": "$b"}}),
    )
    assert run(definition) == {"a": 1, "b": 5}


def test_jsonpath_and_jsonata_states_share_variables() -> None:
    """A variable assigned by a JSONPath state is read by a JSONata state and the other way round."""
    definition = machine(
        ("ByPath", {"Type": "Pass", "QueryLanguage": "JSONPath", "Assign": {"fromPath": 1}}),
        ("ByJsonata", {"Type": "Pass", "QueryLanguage": J, "Assign": {"fromJsonata": "{% $fromPath + 1 %}"}}),
        ("Show", {"Type": "Pass", "Parameters": {"a.$": "$fromPath", "b.$": "$fromJsonata"}}),
    )
    assert run(definition) == {"a": 1, "b": 2}


# -- scoping: Parallel ----------------------------------------------------------------------


def test_parallel_branches_read_outer_variables() -> None:
    """Every branch of a Parallel reads a variable assigned before it."""
    definition = machine(
        ("Init", {"Type": "Pass", "Assign": {"x": 42}}),
        (
            "Fork",
            {
                "Type": "Parallel",
                "Branches": [
                    branch(("Left", {"Type": "Pass", "Output": "{% $x %}"})),
                    branch(("Right", {"Type": "Pass", "Output": "{% $x + 1 %}"})),
                ],
            },
        ),
        QueryLanguage=J,
    )
    assert run(definition) == [42, 43]


def test_parallel_branch_assignments_do_not_leak_out() -> None:
    """A variable assigned inside a branch is undefined after the Parallel."""
    definition = machine(
        (
            "Fork",
            {
                "Type": "Parallel",
                "Branches": [branch(("Inner", {"Type": "Pass", "Assign": {"innerOnly": 1}}))],
            },
        ),
        ("After", {"Type": "Pass", "Output": "{% $innerOnly %}"}),
        QueryLanguage=J,
    )
    failed = failure(definition)
    assert failed.error == QUERY_EVALUATION_ERROR
    assert failed.cause is not None
    assert failed.cause.endswith(
        "The JSONata expression '$innerOnly' specified for the field 'Output' returned nothing (undefined)."
    )


def test_outer_variable_keeps_its_value_after_a_parallel() -> None:
    """Branches reading and working with an outer variable leave its value as it was."""
    definition = machine(
        ("Init", {"Type": "Pass", "Assign": {"total": 10}}),
        (
            "Fork",
            {
                "Type": "Parallel",
                "Branches": [
                    branch(("Double", {"Type": "Pass", "Assign": {"doubled": "{% $total * 2 %}"}})),
                    branch(("Halve", {"Type": "Pass", "Assign": {"halved": "{% $total / 2 %}"}})),
                ],
            },
        ),
        ("After", expose("total")),
        QueryLanguage=J,
    )
    assert run(definition) == {"total": 10}


def test_parallel_branches_cannot_see_each_others_variables() -> None:
    """A branch never reads a variable another branch assigned, even after it was assigned."""
    definition = machine(
        (
            "Fork",
            {
                "Type": "Parallel",
                "Branches": [
                    branch(("Fast", {"Type": "Pass", "Assign": {"fastDone": True}})),
                    branch(
                        ("Later", {"Type": "Wait", "Seconds": 5}),
                        ("Look", {"Type": "Pass", "Output": "{% $exists($fastDone) %}"}),
                    ),
                ],
            },
        ),
        QueryLanguage=J,
    )
    assert run(definition, {}) == [{}, False]


def test_data_leaves_a_parallel_only_through_branch_output() -> None:
    """A branch's assigned value reaches the outer scope through the branch Output and Assign on the Parallel."""
    definition = machine(
        (
            "Fork",
            {
                "Type": "Parallel",
                "Branches": [
                    branch(
                        ("Compute", {"Type": "Pass", "Assign": {"partial": 7}}),
                        ("Return", {"Type": "Pass", "Output": {"partial": "{% $partial %}"}}),
                    ),
                ],
                "Assign": {"collected": "{% $states.result[0].partial %}"},
            },
        ),
        ("After", expose("collected")),
        QueryLanguage=J,
    )
    assert run(definition) == {"collected": 7}


# -- scoping: inline Map --------------------------------------------------------------------


def test_map_iterations_read_outer_variables() -> None:
    """Each inline Map iteration reads a variable assigned before the Map."""
    definition = machine(
        ("Init", {"Type": "Pass", "Assign": {"rate": 3}}),
        (
            "Scale",
            {
                "Type": "Map",
                "Items": "{% $states.input.values %}",
                "ItemProcessor": inline(("Times", {"Type": "Pass", "Output": "{% $states.input * $rate %}"})),
            },
        ),
        QueryLanguage=J,
    )
    assert run(definition, {"values": [1, 2, 3]}) == [3, 6, 9]


def test_jsonpath_map_iterations_read_outer_variables() -> None:
    """In JSONPath, Map iterations read an outer variable as an intrinsic argument."""
    definition = machine(
        ("Init", {"Type": "Pass", "Assign": {"bias": 1}}),
        (
            "Each",
            {
                "Type": "Map",
                "ItemProcessor": inline(
                    ("Add", {"Type": "Pass", "Parameters": {"value.$": "States.MathAdd($, $bias)"}}),
                ),
            },
        ),
    )
    assert run(definition, [1, 2]) == [{"value": 2}, {"value": 3}]


def test_map_iteration_assignments_do_not_leak_out() -> None:
    """A variable assigned inside an iteration is undefined after the Map (JSONPath: States.Runtime)."""
    definition = machine(
        ("Each", {"Type": "Map", "ItemProcessor": inline(("Inner", {"Type": "Pass", "Assign": {"innerOnly": 1}}))}),
        ("After", {"Type": "Pass", "Parameters": {"value.$": "$innerOnly"}}),
    )
    assert failure(definition, [1, 2]).error == "States.Runtime"


def test_outer_variable_keeps_its_value_after_a_map() -> None:
    """Iterations using an outer variable leave its value unchanged for the states after the Map."""
    definition = machine(
        ("Init", {"Type": "Pass", "Assign": {"count": 0}}),
        (
            "Each",
            {
                "Type": "Map",
                "Items": [1, 2, 3],
                "ItemProcessor": inline(("Step", {"Type": "Pass", "Assign": {"next": "{% $count + $states.input %}"}})),
            },
        ),
        ("After", expose("count")),
        QueryLanguage=J,
    )
    assert run(definition) == {"count": 0}


def test_an_iteration_does_not_see_a_sibling_iterations_assignment() -> None:
    """Iterations run one at a time still start without the variables an earlier iteration assigned."""
    definition = machine(
        (
            "Each",
            {
                "Type": "Map",
                "Items": ["a", "b", "c"],
                "MaxConcurrency": 1,
                "ItemProcessor": inline(
                    (
                        "Mark",
                        {
                            "Type": "Pass",
                            "Output": "{% $exists($mark) %}",
                            "Assign": {"mark": "{% $states.input %}"},
                        },
                    ),
                ),
            },
        ),
        QueryLanguage=J,
    )
    assert run(definition) == [False, False, False]


def test_an_iteration_keeps_its_own_variables_between_its_states() -> None:
    """Inside one iteration, a value assigned by one state is read by the next, per item."""
    definition = machine(
        (
            "Each",
            {
                "Type": "Map",
                "Items": [1, 2],
                "ItemProcessor": inline(
                    ("Keep", {"Type": "Pass", "Assign": {"item": "{% $states.input %}"}}),
                    ("Use", {"Type": "Pass", "Output": "{% $item * 10 %}"}),
                ),
            },
        ),
        QueryLanguage=J,
    )
    assert run(definition) == [10, 20]


def test_map_catch_assign_writes_the_outer_scope() -> None:
    """A Catch on a Map assigns a variable that the state after the Catch reads."""
    definition = machine(
        (
            "Each",
            {
                "Type": "Map",
                "Items": [1],
                "ItemProcessor": inline(("Boom", {"Type": "Fail", "Error": "ItemFailed", "Cause": "bad item"})),
                "Catch": [
                    {
                        "ErrorEquals": ["States.ALL"],
                        "Assign": {"failedWith": "{% $states.errorOutput.Error %}"},
                        "Next": "Report",
                    }
                ],
                "End": True,
            },
        ),
        ("Report", expose("failedWith")),
        QueryLanguage=J,
    )
    assert run(definition) == {"failedWith": "ItemFailed"}


def test_inner_scope_cannot_reuse_an_outer_variable_name() -> None:
    """AWS: a variable assigned in an inner scope cannot have the name of one assigned outside."""
    definition = machine(
        ("Init", {"Type": "Pass", "Assign": {"x": 1}}),
        (
            "Fork",
            {"Type": "Parallel", "Branches": [branch(("Shadow", {"Type": "Pass", "Assign": {"x": 2}}))]},
        ),
        ("After", expose("x")),
        QueryLanguage=J,
    )
    with pytest.raises(asl.ASLError):
        run(definition)


# -- scoping: Distributed Map ----------------------------------------------------------------


def test_distributed_map_children_cannot_read_parent_variables_jsonata() -> None:
    """A Distributed Map child reading a parent variable fails with the undefined-result error."""
    definition = machine(
        ("Init", {"Type": "Pass", "Assign": {"secret": "parent"}}),
        (
            "Fan",
            {
                "Type": "Map",
                "ItemProcessor": distributed(
                    (
                        "Read",
                        {
                            "Type": "Task",
                            "Resource": LOOKUP,
                            "Arguments": {"value": "{% $secret %}"},
                            "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Caught"}],
                            "End": True,
                        },
                    ),
                    ("Caught", {"Type": "Pass", "End": True}),
                ),
            },
        ),
        QueryLanguage=J,
    )
    (child_output,) = run(definition, [1], resolvers={"Read": lambda payload: payload})
    assert child_output["Error"] == QUERY_EVALUATION_ERROR
    assert child_output["Cause"].endswith(
        "The JSONata expression '$secret' specified for the field 'Arguments/value' returned nothing (undefined)."
    )


def test_distributed_map_children_cannot_read_parent_variables_jsonpath() -> None:
    """A Distributed Map child's "$secret" path finds nothing, so the Map cannot succeed."""
    definition = machine(
        ("Init", {"Type": "Pass", "Assign": {"secret": "parent"}}),
        (
            "Fan",
            {
                "Type": "Map",
                "ItemProcessor": distributed(("Read", {"Type": "Pass", "Parameters": {"value.$": "$secret"}})),
            },
        ),
    )
    failure(definition, [1])


def test_inline_map_in_the_same_place_can_read_parent_variables() -> None:
    """The same child states in an INLINE Map read the parent variable (the contrast case)."""
    definition = machine(
        ("Init", {"Type": "Pass", "Assign": {"secret": "parent"}}),
        (
            "Fan",
            {
                "Type": "Map",
                "ItemProcessor": inline(("Read", {"Type": "Pass", "Parameters": {"value.$": "$secret"}})),
            },
        ),
    )
    assert run(definition, [1]) == [{"value": "parent"}]


# -- undefined variables ---------------------------------------------------------------------


def test_undefined_variable_in_jsonata_assign_is_a_query_evaluation_error() -> None:
    """Reading a never-assigned variable fails with AWS's recorded cause (BASE_UNDEFINED_ASSIGN)."""
    definition = machine(("State0", {"Type": "Pass", "Assign": {"result": "{% $doesNotExist %}"}}), QueryLanguage=J)
    failed = failure(definition, {})
    assert (failed.error, failed.cause) == (
        QUERY_EVALUATION_ERROR,
        "An error occurred while executing the state 'State0' (entered at the event id #2). The JSONata "
        "expression '$doesNotExist' specified for the field 'Assign/result' returned nothing (undefined).",
    )


def test_undefined_variable_in_jsonpath_is_a_runtime_error() -> None:
    """A JSONPath "$missing" that names no variable fails the execution with States.Runtime."""
    definition = machine(("Read", {"Type": "Pass", "Parameters": {"value.$": "$missing"}}))
    assert failure(definition, {}).error == "States.Runtime"


def test_undefined_variable_runtime_error_is_not_caught_by_states_all() -> None:
    """States.ALL does not catch the States.Runtime of an undefined JSONPath variable."""
    definition = machine(
        (
            "Call",
            {
                "Type": "Task",
                "Resource": LOOKUP,
                "Parameters": {"value.$": "$missing"},
                "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Caught"}],
                "End": True,
            },
        ),
        ("Caught", {"Type": "Succeed"}),
    )
    assert failure(definition, {}, resolvers={"Call": lambda payload: payload}).error == "States.Runtime"


# -- Catch Assign / Output ---------------------------------------------------------------------


def _failing_task(catcher: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {
        "Type": "Task",
        "Resource": LOOKUP,
        "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Handle", **catcher}],
        "End": True,
        **extra,
    }


def _refuse(_payload: Any) -> Any:
    raise asl.StatesError("Refused", "not today")


def test_catch_assign_reads_error_output() -> None:
    """A Catch's Assign stores fields of $states.errorOutput for the handler state."""
    definition = machine(
        ("Call", _failing_task({"Assign": {"error": "{% $states.errorOutput.Error %}",
                                          "cause": "{% $states.errorOutput.Cause %}"}})),
        ("Handle", expose("error", "cause")),
        QueryLanguage=J,
    )
    assert run(definition, {}, resolvers={"Call": _refuse}) == {"error": "Refused", "cause": "not today"}


def test_catch_output_combines_input_and_error_output() -> None:
    """A Catch's Output reads $states.input (the state's input) and $states.errorOutput."""
    definition = machine(
        ("Call", _failing_task({"Output": {"order": "{% $states.input.id %}", "why": "{% $states.errorOutput %}"}})),
        ("Handle", {"Type": "Pass", "End": True}),
        QueryLanguage=J,
    )
    output = run(definition, {"id": 7}, resolvers={"Call": _refuse})
    assert output == {"order": 7, "why": {"Error": "Refused", "Cause": "not today"}}


def test_catch_without_output_passes_the_error_output_on() -> None:
    """A JSONata Catch without Output hands {Error, Cause} to the next state."""
    definition = machine(("Call", _failing_task({})), ("Handle", {"Type": "Pass", "End": True}), QueryLanguage=J)
    assert run(definition, {"id": 7}, resolvers={"Call": _refuse}) == {"Error": "Refused", "Cause": "not today"}


def test_state_assign_is_dropped_when_the_catch_takes_over() -> None:
    """When a Task fails and is caught, only the Catch's Assign applies, not the state's own."""
    definition = machine(
        ("Init", {"Type": "Pass", "Assign": {"status": "pending"}}),
        ("Call", _failing_task({"Assign": {"handled": True}}, Assign={"status": "done"})),
        ("Handle", expose("status", "handled")),
        QueryLanguage=J,
    )
    assert run(definition, {}, resolvers={"Call": _refuse}) == {"status": "pending", "handled": True}


def test_catch_assign_sees_entry_values() -> None:
    """A Catch's Assign reads variables as they were when the failing state was entered."""
    definition = machine(
        ("Init", {"Type": "Pass", "Assign": {"attempts": 1}}),
        ("Call", _failing_task({"Assign": {"attempts": "{% $attempts + 1 %}", "previous": "{% $attempts %}"}})),
        ("Handle", expose("attempts", "previous")),
        QueryLanguage=J,
    )
    assert run(definition, {}, resolvers={"Call": _refuse}) == {"attempts": 2, "previous": 1}


# -- Choice rule Assign -------------------------------------------------------------------------


def _choice(language: str) -> dict[str, Any]:
    if language == J:
        rules = [
            {"Condition": "{% $states.input.n > 10 %}", "Assign": {"size": "big"}, "Next": "Done"},
            {"Condition": "{% $states.input.n > 0 %}", "Assign": {"size": "small"}, "Next": "Done"},
        ]
        own = {"checked": "{% $states.input.n %}"}
    else:
        rules = [
            {"Variable": "$.n", "NumericGreaterThan": 10, "Assign": {"size": "big"}, "Next": "Done"},
            {"Variable": "$.n", "NumericGreaterThan": 0, "Assign": {"size": "small"}, "Next": "Done"},
        ]
        own = {"checked.$": "$.n"}
    done = expose("size", "checked") if language == J else {
        "Type": "Pass", "Parameters": {"size.$": "$size", "checked.$": "$checked"}}
    return machine(
        ("Init", {"Type": "Pass", "Assign": {"size": "unknown"}}),
        ("Classify", {"Type": "Choice", "Choices": rules, "Assign": own, "Default": "Done"}),
        ("Done", {**done, "End": True}),
        QueryLanguage=language,
    )


@pytest.mark.parametrize("language", [J, "JSONPath"])
def test_choice_matched_rule_assign_applies_with_the_state_assign(language: str) -> None:
    """The first matching rule's Assign applies (not a later rule's), plus the Choice state's own Assign."""
    assert run(_choice(language), {"n": 50}) == {"size": "big", "checked": 50}


@pytest.mark.parametrize("language", [J, "JSONPath"])
def test_choice_second_rule_assign_applies_when_it_matches(language: str) -> None:
    """When only the second rule matches, its Assign (not the first rule's) applies."""
    assert run(_choice(language), {"n": 5}) == {"size": "small", "checked": 5}


@pytest.mark.parametrize("language", [J, "JSONPath"])
def test_choice_default_applies_only_the_state_assign(language: str) -> None:
    """Taking Default applies the state's own Assign and no rule's Assign."""
    assert run(_choice(language), {"n": -1}) == {"size": "unknown", "checked": -1}


# -- JSONPath states: Assign sources and variable references ----------------------------------


def test_jsonpath_assign_from_paths_context_and_intrinsics() -> None:
    """A JSONPath Assign takes values from "$.path", "$$" and an intrinsic that reads a variable."""
    definition = machine(
        ("Init", {"Type": "Pass", "Assign": {"prefix": "ord"}}),
        (
            "Store",
            {
                "Type": "Pass",
                "Assign": {
                    "id.$": "$.order.id",
                    "execution.$": "$$.Execution.Name",
                    "label.$": "States.Format('{}-{}', $prefix, $.order.id)",
                    "constant": {"nested": [1, 2]},
                },
            },
        ),
        (
            "Show",
            {
                "Type": "Pass",
                "Parameters": {"id.$": "$id", "execution.$": "$execution", "label.$": "$label",
                               "constant.$": "$constant"},
            },
        ),
    )
    output = run(definition, {"order": {"id": 17}}, context={"Execution": {"Name": "run-1"}})
    assert output == {"id": 17, "execution": "run-1", "label": "ord-17", "constant": {"nested": [1, 2]}}


def test_jsonpath_task_assign_dollar_is_the_result_not_the_output() -> None:
    """In a JSONPath Task, "$" in Assign is the result after ResultSelector, before ResultPath."""
    definition = machine(
        (
            "Fetch",
            {
                "Type": "Task",
                "Resource": LOOKUP,
                "ResultSelector": {"price.$": "$.Item.price"},
                "ResultPath": "$.fetched",
                "Assign": {"result.$": "$"},
            },
        ),
        ("Show", {"Type": "Pass", "Parameters": {"result.$": "$result", "output.$": "$"}}),
    )
    output = run(definition, {"sku": "A"}, resolvers={"Fetch": lambda _payload: {"Item": {"price": 3}}})
    assert output == {"result": {"price": 3}, "output": {"sku": "A", "fetched": {"price": 3}}}


def test_jsonpath_pass_assign_dollar_is_the_result_field() -> None:
    """In a JSONPath Pass with Result, "$" in Assign is the Result (AWS's evaluation-order case)."""
    definition = machine(
        ("Store", {"Type": "Pass", "Result": {"answer": 42}, "ResultPath": "$.r", "Assign": {"a.$": "$.answer"}}),
        ("Show", {"Type": "Pass", "Parameters": {"a.$": "$a"}}),
    )
    assert run(definition, {"question": "?"}) == {"a": 42}


def test_variable_in_input_path() -> None:
    """InputPath "$name" makes the variable the state's effective input."""
    definition = machine(
        ("Init", {"Type": "Pass", "Assign": {"picked": {"k": "v"}}}),
        ("Use", {"Type": "Pass", "InputPath": "$picked"}),
    )
    assert run(definition, {"ignored": True}) == {"k": "v"}


def test_variable_in_output_path() -> None:
    """OutputPath "$name" makes the variable the state's output."""
    definition = machine(
        ("Init", {"Type": "Pass", "Assign": {"answer": 42}}),
        ("Use", {"Type": "Pass", "OutputPath": "$answer"}),
    )
    assert run(definition, {}) == 42


def test_variable_in_items_path() -> None:
    """ItemsPath "$name" iterates over an array held in a variable."""
    definition = machine(
        ("Init", {"Type": "Pass", "Assign": {"items": [1, 2, 3]}}),
        ("Each", {"Type": "Map", "ItemsPath": "$items", "ItemProcessor": inline(("Item", {"Type": "Pass"}))}),
    )
    assert run(definition, {"items": ["not", "these"]}) == [1, 2, 3]


def test_variable_in_seconds_path() -> None:
    """SecondsPath "$name" waits the number of seconds held in a variable."""
    clock = VirtualClock(START)
    definition = machine(
        ("Init", {"Type": "Pass", "Assign": {"delay": 90}}),
        ("Pause", {"Type": "Wait", "SecondsPath": "$delay"}),
    )
    asl.run(definition, {}, clock=clock)
    assert clock.sleeps == [90.0]


def test_variable_in_timeout_seconds_path_enforces_the_timeout() -> None:
    """TimeoutSecondsPath "$timeout" (recorded form) times a slow task out after the variable's seconds."""

    async def slow(_payload: Any) -> str:
        await anyio.sleep(60)
        return "too late"

    definition = machine(
        ("Init", {"Type": "Pass", "Assign": {"timeout": 5}}),
        ("Call", {"Type": "Task", "Resource": LOOKUP, "TimeoutSecondsPath": "$timeout"}),
    )
    assert failure(definition, {}, resolvers={"Call": slow}).error == "States.Timeout"


def test_variable_in_choice_variable_field() -> None:
    """A Choice rule's Variable "$name" compares a variable's value."""
    definition = machine(
        ("Init", {"Type": "Pass", "Assign": {"mode": "fast"}}),
        (
            "Route",
            {
                "Type": "Choice",
                "Choices": [{"Variable": "$mode", "StringEquals": "fast", "Next": "Fast"}],
                "Default": "Slow",
            },
        ),
        ("Fast", {"Type": "Pass", "Result": "fast path", "End": True}),
        ("Slow", {"Type": "Pass", "Result": "slow path", "End": True}),
    )
    assert run(definition, {}) == "fast path"


def test_variable_fields_are_readable_with_a_path() -> None:
    """"$name.field[0]" reads inside a variable's value."""
    definition = machine(
        ("Init", {"Type": "Pass", "Assign": {"order": {"lines": [{"sku": "A"}, {"sku": "B"}]}}}),
        ("Use", {"Type": "Pass", "Parameters": {"first.$": "$order.lines[0].sku"}}),
    )
    assert run(definition, {}) == {"first": "A"}


def test_assigned_variables_are_recorded_in_the_history() -> None:
    """The StateExited event of an assigning state lists the values it assigned."""
    definition = machine(("Store", {"Type": "Pass", "Assign": {"a": 1, "b": "{% $states.input.x %}"}}), QueryLanguage=J)

    async def start() -> asl.Execution:
        return await asl.start_async(definition, {"x": "y"}, clock=VirtualClock(START))

    execution = anyio.run(start)
    (exited,) = [event for event in execution.events if event["type"] == "PassStateExited"]
    assert exited["assignedVariables"] == {"a": 1, "b": "y"}
