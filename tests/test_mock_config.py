"""Step Functions Local's MockConfigFile: counters, ranges, Throw under Retry/Catch, fall-through, errors.

Semantics from the AWS developer guide ("Configuration file for mocked service integrations",
"Using mocked service integrations for testing in Step Functions Local"): one counter per state
per execution, advancing on every invocation (retries and Map iterations included); keys are
invocation numbers or inclusive ranges; every invocation of a mocked Task needs a response, or
the execution fails; unmocked states call the real integration (here: the resolvers).
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

import asl
from asl.testing import MockConfig, MockConfigError, VirtualClock

LAMBDA = "arn:aws:states:::lambda:invoke"


def task(**fields: Any) -> dict[str, Any]:
    """A lambda:invoke Task state (fields override)."""
    return {"Type": "Task", "Resource": LAMBDA, "Parameters": {"FunctionName": "f", "Payload.$": "$"}, **fields}


def machine(*states: tuple[str, dict[str, Any]]) -> dict[str, Any]:
    """A definition running ``states`` in order."""
    built: dict[str, Any] = {}
    for index, (name, state) in enumerate(states):
        body = dict(state)
        if body["Type"] not in ("Choice", "Succeed", "Fail") and "Next" not in body:
            if index + 1 < len(states):
                body["Next"] = states[index + 1][0]
            else:
                body["End"] = True
        built[name] = body
    return {"StartAt": states[0][0], "States": built}


def config(cases: dict[str, dict[str, str]], responses: dict[str, Any], name: str = "SM") -> dict[str, Any]:
    """A mock configuration for one state machine."""
    return {"StateMachines": {name: {"TestCases": cases}}, "MockedResponses": responses}


def ret(value: Any) -> dict[str, Any]:
    """A Return entry."""
    return {"Return": value}


def throw(error: str, cause: str = "mocked") -> dict[str, Any]:
    """A Throw entry."""
    return {"Throw": {"Error": error, "Cause": cause}}


def start(definition: Any, data: Any, mocks: Any, case: str = "T", **kw: Any) -> asl.Execution:
    """Run with the mock configuration and a fresh virtual clock."""
    kw.setdefault("clock", VirtualClock(start=0))
    return asl.start(definition, data, mock_config=mocks, test_case=case, **kw)


RETRY = [{"ErrorEquals": ["Boom"], "IntervalSeconds": 1, "MaxAttempts": 5, "BackoffRate": 1}]


# -- answers and counters ----------------------------------------------------------------------------


def test_return_is_the_task_result_as_given() -> None:
    """A Return value is the task's whole result: no Lambda envelope is added around it."""
    mocks = config({"T": {"Call": "R"}}, {"R": {"0": ret({"StatusCode": 200, "Payload": {"ok": True}})}})
    execution = start(machine(("Call", task())), {}, mocks)
    assert execution.output == {"StatusCode": 200, "Payload": {"ok": True}}


def test_return_may_be_any_json_value() -> None:
    """A Return may be a string, a number, null or a list, not only an object."""
    mocks = config({"T": {"Call": "R"}}, {"R": {"0": ret("plain text")}})
    assert start(machine(("Call", task())), {}, mocks).output == "plain text"


def test_result_goes_through_result_selector_and_result_path() -> None:
    """The mocked result is processed like a real one: ResultSelector, then ResultPath."""
    state = task(ResultSelector={"id.$": "$.Payload.id"}, ResultPath="$.result")
    mocks = config({"T": {"Call": "R"}}, {"R": {"0": ret({"Payload": {"id": 7}})}})
    assert start(machine(("Call", state)), {"a": 1}, mocks).output == {"a": 1, "result": {"id": 7}}


def test_throw_fails_the_execution_with_its_error_and_cause() -> None:
    """An uncaught Throw fails the execution with the mocked Error and Cause."""
    mocks = config({"T": {"Call": "R"}}, {"R": {"0": throw("Lambda.TimeoutException", "Lambda timed out.")}})
    execution = start(machine(("Call", task())), {}, mocks)
    assert (execution.status, execution.error, execution.cause) == (
        "FAILED",
        "Lambda.TimeoutException",
        "Lambda timed out.",
    )


def test_retries_consume_responses_in_order() -> None:
    """Each retry is a new invocation: Throw at 0, Throw at 1-2, Return at 3 succeeds after 3 retries."""
    responses = {"R": {"0": throw("Boom"), "1-2": throw("Boom"), "3": ret("done")}}
    clock = VirtualClock(start=0)
    execution = start(machine(("Call", task(Retry=RETRY))), {}, config({"T": {"Call": "R"}}, responses), clock=clock)
    assert (execution.output, clock.sleeps) == ("done", [1, 1, 1])


def test_throw_can_be_caught() -> None:
    """A Throw matched by a Catch goes to the catcher's Next with the mocked error output."""
    state = task(Catch=[{"ErrorEquals": ["Lambda.ServiceException"], "ResultPath": "$.error", "Next": "Caught"}])
    definition = machine(("Call", state), ("Caught", {"Type": "Pass", "End": True}))
    mocks = config({"T": {"Call": "R"}}, {"R": {"0": throw("Lambda.ServiceException", "down")}})
    execution = start(definition, {"a": 1}, mocks)
    assert execution.path == ["Call", "Caught"]
    assert execution.output == {"a": 1, "error": {"Error": "Lambda.ServiceException", "Cause": "down"}}


def test_states_task_failed_retrier_matches_a_thrown_error() -> None:
    """A thrown error is a task failure: States.TaskFailed retriers match it."""
    retry = [{"ErrorEquals": ["States.TaskFailed"], "IntervalSeconds": 2, "MaxAttempts": 1}]
    responses = {"R": {"0": throw("Custom.Error"), "1": ret(1)}}
    clock = VirtualClock(start=0)
    execution = start(machine(("Call", task(Retry=retry))), {}, config({"T": {"Call": "R"}}, responses), clock=clock)
    assert (execution.output, clock.sleeps) == (1, [2])


def test_map_iterations_consume_responses_in_item_order() -> None:
    """Map iterations share the state's counter: invocation n answers the n-th item (MaxConcurrency 1)."""
    definition = machine(
        (
            "Each",
            {
                "Type": "Map",
                "MaxConcurrency": 1,
                "ItemProcessor": {"StartAt": "Call", "States": {"Call": task(End=True)}},
            },
        )
    )
    responses = {"R": {"0": ret("a"), "1-2": ret("b"), "3": ret("c")}}
    assert start(definition, [1, 2, 3, 4], config({"T": {"Call": "R"}}, responses)).output == ["a", "b", "b", "c"]


def test_map_retries_and_iterations_share_one_counter() -> None:
    """A retry inside iteration 0 takes invocation 1, so iteration 1 gets invocation 2."""
    definition = machine(
        (
            "Each",
            {
                "Type": "Map",
                "MaxConcurrency": 1,
                "ItemProcessor": {"StartAt": "Call", "States": {"Call": task(Retry=RETRY, End=True)}},
            },
        )
    )
    responses = {"R": {"0": throw("Boom"), "1": ret("idx1"), "2": ret("idx2")}}
    assert start(definition, [1, 2], config({"T": {"Call": "R"}}, responses)).output == ["idx1", "idx2"]


def test_parallel_branches_are_mocked_per_state() -> None:
    """States inside Parallel branches are mocked by name like top-level ones."""
    definition = machine(
        ("First", task(ResultPath="$.first")),
        (
            "Both",
            {
                "Type": "Parallel",
                "ResultPath": "$.both",
                "Branches": [
                    {"StartAt": "Left", "States": {"Left": task(End=True)}},
                    {"StartAt": "Right", "States": {"Right": task(End=True)}},
                ],
            },
        ),
    )
    mocks = config(
        {"T": {"First": "One", "Left": "L", "Right": "R"}},
        {
            "One": {"0": ret(1)},
            "L": {"0": ret("left")},
            "R": {"0": ret("right")},
        },
    )
    assert start(definition, {}, mocks).output == {"first": 1, "both": ["left", "right"]}


def test_a_loop_advances_the_counter_of_a_state() -> None:
    """Entering the same state again (a loop) continues its counter instead of restarting at 0."""
    definition = machine(
        ("Poll", task(ResultPath="$.status")),
        (
            "Done?",
            {
                "Type": "Choice",
                "Choices": [{"Variable": "$.status", "StringEquals": "READY", "Next": "End"}],
                "Default": "Poll",
            },
        ),
        ("End", {"Type": "Succeed"}),
    )
    responses = {"R": {"0-1": ret("PENDING"), "2": ret("READY")}}
    execution = start(definition, {}, config({"T": {"Poll": "R"}}, responses))
    assert execution.path == ["Poll", "Done?", "Poll", "Done?", "Poll", "Done?", "End"]


def test_counters_restart_for_each_execution() -> None:
    """Two executions of the same test case both start at invocation 0."""
    mocks = config({"T": {"Call": "R"}}, {"R": {"0": ret("first")}})
    definition = machine(("Call", task()))
    assert [start(definition, {}, mocks).output for _ in range(2)] == ["first", "first"]


def test_mocked_events_are_recorded_like_a_real_call() -> None:
    """A mocked success records TaskScheduled, TaskStarted and TaskSucceeded with the result."""
    mocks = config({"T": {"Call": "R"}}, {"R": {"0": ret({"x": 1})}})
    events = start(machine(("Call", task())), {}, mocks).events
    types = [event["type"] for event in events]
    assert types[2:5] == ["TaskScheduled", "TaskStarted", "TaskSucceeded"]
    assert events[4]["output"] == {"x": 1}


def test_mocked_result_is_not_shared_between_executions() -> None:
    """Changing one execution's output leaves the Return value of the next execution intact."""
    loaded = MockConfig.from_dict(config({"T": {"Call": "R"}}, {"R": {"0": ret({"v": [1]})}}))
    first = start(machine(("Call", task())), {}, loaded).output
    first["v"].append(2)
    assert start(machine(("Call", task())), {}, loaded).output == {"v": [1]}


# -- running out of responses ------------------------------------------------------------------------


def test_invocation_past_the_last_response_fails_with_states_runtime() -> None:
    """A second invocation of a state with only "0" fails the execution with States.Runtime."""
    definition = machine(
        (
            "Each",
            {"Type": "Map", "ItemProcessor": {"StartAt": "Call", "States": {"Call": task(End=True)}}},
        )
    )
    execution = start(definition, [1, 2], config({"T": {"Call": "R"}}, {"R": {"0": ret(1)}}))
    assert (execution.status, execution.error) == ("FAILED", "States.Runtime")
    assert "invocation 1" in (execution.cause or "")


def test_running_out_is_not_retried_or_caught() -> None:
    """States.Runtime from a missing response escapes Retry and Catch on States.ALL."""
    state = task(
        Retry=[{"ErrorEquals": ["States.ALL"], "MaxAttempts": 3}],
        Catch=[{"ErrorEquals": ["States.ALL"], "Next": "Caught"}],
    )
    definition = machine(("Call", state), ("Caught", {"Type": "Succeed"}))
    execution = start(definition, {}, config({"T": {"Call": "R"}}, {"R": {"0": throw("Boom")}}))
    assert (execution.status, execution.error, execution.path) == ("FAILED", "States.Runtime", ["Call"])


def test_a_gap_between_keys_fails_like_running_out() -> None:
    """Invocation 1 with keys "0" and "2" only has no response: States.Runtime."""
    responses = {"R": {"0": throw("Boom"), "2": ret("late")}}
    execution = start(machine(("Call", task(Retry=RETRY))), {}, config({"T": {"Call": "R"}}, responses))
    assert execution.error == "States.Runtime"


def test_an_empty_mocked_response_fails_when_used() -> None:
    """A mocked response with no entries is accepted, and fails its first invocation."""
    execution = start(machine(("Call", task())), {}, config({"T": {"Call": "R"}}, {"R": {}}))
    assert execution.error == "States.Runtime"


# -- what is mocked ---------------------------------------------------------------------------------


def test_states_not_in_the_test_case_fall_through_to_resolvers() -> None:
    """A Task the test case does not name calls its resolver, in the same execution as mocked ones."""
    definition = machine(("Mocked", task(ResultPath="$.m")), ("Real", task(ResultPath="$.r")))
    mocks = config({"T": {"Mocked": "R"}}, {"R": {"0": ret("canned")}})
    resolvers = {"Real": lambda payload: "live"}
    execution = start(definition, {}, mocks, resolvers=resolvers)
    assert (execution.output["m"], execution.output["r"]["Payload"]) == ("canned", "live")


def test_wait_for_task_token_completes_at_once_with_the_return_value() -> None:
    """A mocked .waitForTaskToken task needs no callback: its Return is the task's result."""
    state = {
        "Type": "Task",
        "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
        "Parameters": {"QueueUrl": "q", "MessageBody": {"token.$": "$$.Task.Token"}},
        "HeartbeatSeconds": 60,
    }
    mocks = config({"T": {"Ask": "R"}}, {"R": {"0": ret({"approved": True})}})
    assert start(machine(("Ask", state)), {}, mocks).output == {"approved": True}


def test_test_case_naming_an_unknown_state_is_an_error() -> None:
    """A test case entry for a state the machine lacks raises MockConfigError with its location."""
    mocks = config({"T": {"Cal": "R"}}, {"R": {"0": ret(1)}})
    with pytest.raises(MockConfigError) as raised:
        start(machine(("Call", task())), {}, mocks)
    assert raised.value.location == "$.StateMachines.SM.TestCases.T.Cal"
    assert "no state named 'Cal'" in str(raised.value)


def test_test_case_naming_a_non_task_state_is_an_error() -> None:
    """Only Task states can be mocked."""
    mocks = config({"T": {"P": "R"}}, {"R": {"0": ret(1)}})
    with pytest.raises(MockConfigError, match="only Task states"):
        start(machine(("P", {"Type": "Pass"})), {}, mocks)


def test_missing_mocked_response_name_is_an_error() -> None:
    """A test case naming a response absent from MockedResponses is a MockConfigError."""
    with pytest.raises(MockConfigError, match="no mocked response named 'Nope'"):
        start(machine(("Call", task())), {}, config({"T": {"Call": "Nope"}}, {}))


# -- choosing the state machine and test case --------------------------------------------------------


def test_unknown_test_case_lists_the_known_ones() -> None:
    """Asking for a test case the file lacks names those it has."""
    mocks = config({"HappyPath": {}, "SadPath": {}}, {})
    with pytest.raises(MockConfigError, match=r"no test case 'Other'.*'HappyPath', 'SadPath'"):
        start(machine(("Call", task())), {}, mocks, case="Other")


def test_state_machine_is_picked_by_context_name() -> None:
    """With several state machines, $$.StateMachine.Name (context=) picks the entry."""
    mocks = {
        "StateMachines": {
            "A": {"TestCases": {"T": {"Call": "RA"}}},
            "B": {"TestCases": {"T": {"Call": "RB"}}},
        },
        "MockedResponses": {"RA": {"0": ret("a")}, "RB": {"0": ret("b")}},
    }
    execution = start(machine(("Call", task())), {}, mocks, context={"StateMachine": {"Name": "B"}})
    assert execution.output == "b"


def test_state_machine_is_picked_by_arn_in_context() -> None:
    """A state machine ARN in context= names the machine by its last part."""
    mocks = config({"T": {"Call": "R"}}, {"R": {"0": ret("x")}}, name="Orders")
    arn = "arn:aws:states:eu-west-1:111122223333:stateMachine:Orders"
    assert start(machine(("Call", task())), {}, mocks, context={"StateMachine": {"Id": arn}}).output == "x"


def test_unnamed_machine_with_a_test_case_only_one_machine_has() -> None:
    """Without a name, the only state machine having the test case is used."""
    mocks = {
        "StateMachines": {"A": {"TestCases": {"OnlyA": {"Call": "R"}}}, "B": {"TestCases": {"OnlyB": {}}}},
        "MockedResponses": {"R": {"0": ret("a")}},
    }
    assert start(machine(("Call", task())), {}, mocks, case="OnlyA").output == "a"


def test_ambiguous_state_machine_is_an_error() -> None:
    """Two state machines with the same test case and no name given: a MockConfigError says how to pick."""
    mocks = {"StateMachines": {"A": {"TestCases": {"T": {}}}, "B": {"TestCases": {"T": {}}}}}
    with pytest.raises(MockConfigError, match="context="):
        start(machine(("Call", task())), {}, mocks)


def test_unknown_state_machine_name_is_an_error() -> None:
    """A name the file does not configure is a MockConfigError listing the names it has."""
    with pytest.raises(MockConfigError, match=r"no state machine named 'Other'.*'SM'"):
        start(machine(("Call", task())), {}, config({"T": {}}, {}), context={"StateMachine": {"Name": "Other"}})


def test_mock_config_without_test_case_is_an_error() -> None:
    """mock_config= alone does not say which test case to use."""
    with pytest.raises(MockConfigError, match="needs test_case="):
        asl.start(machine(("Call", task())), {}, mock_config=config({"T": {}}, {}))


def test_test_case_without_config_or_env_var_is_an_error(monkeypatch: pytest.MonkeyPatch) -> None:
    """test_case= with neither mock_config= nor SFN_MOCK_CONFIG is a MockConfigError."""
    monkeypatch.delenv("SFN_MOCK_CONFIG", raising=False)
    with pytest.raises(MockConfigError, match="SFN_MOCK_CONFIG"):
        asl.start(machine(("Call", task())), {}, test_case="T")


def test_env_var_names_the_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """With test_case= alone, the file named by SFN_MOCK_CONFIG is read."""
    file = tmp_path / "MockConfigFile.json"
    file.write_text(json.dumps(config({"T": {"Call": "R"}}, {"R": {"0": ret("from env")}})))
    monkeypatch.setenv("SFN_MOCK_CONFIG", str(file))
    assert asl.start(machine(("Call", task())), {}, test_case="T").output == "from env"


def test_file_path_is_read(tmp_path: Path) -> None:
    """mock_config= may be a path (str or Path) to the JSON file."""
    file = tmp_path / "MockConfigFile.json"
    file.write_text(json.dumps(config({"T": {"Call": "R"}}, {"R": {"0": ret(5)}})))
    assert start(machine(("Call", task())), {}, file).output == 5
    assert start(machine(("Call", task())), {}, str(file)).output == 5


def test_changed_file_is_read_again(tmp_path: Path) -> None:
    """The parsed file is cached by modification time: a rewrite is seen."""
    file = tmp_path / "MockConfigFile.json"
    file.write_text(json.dumps(config({"T": {"Call": "R"}}, {"R": {"0": ret("old")}})))
    assert start(machine(("Call", task())), {}, file).output == "old"
    file.write_text(json.dumps(config({"T": {"Call": "R"}}, {"R": {"0": ret("new value")}})))
    stat = file.stat()
    os.utime(file, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    assert start(machine(("Call", task())), {}, file).output == "new value"


def test_mock_config_object_lists_machines_and_test_cases() -> None:
    """MockConfig exposes the state machine names and each one's test cases."""
    loaded = MockConfig.from_dict(config({"HappyPath": {}, "RetryPath": {}}, {}, name="Orders"))
    assert (loaded.state_machines, loaded.test_cases("Orders"), loaded.test_cases()) == (
        ["Orders"],
        ["HappyPath", "RetryPath"],
        ["HappyPath", "RetryPath"],
    )


def test_mocks_count_invocations_per_state() -> None:
    """A test case's mocks start at 0 and count each state's invocations separately."""
    loaded = MockConfig.from_dict(config({"T": {"A": "R", "B": "R"}}, {"R": {"0-9": ret(1)}}))
    mocks = loaded.mocks("T")
    for name in ("A", "A", "B"):
        mocks.respond(name)
    assert mocks.invocations == {"A": 2, "B": 1}


# -- malformed files ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "location", "words"),
    [
        ([], "$", "JSON object"),
        ({"MockedResponse": {}}, "$.MockedResponse", "unknown field"),
        ({"StateMachines": []}, "$.StateMachines", "must be an object"),
        ({"StateMachines": {"SM": {"Cases": {}}}}, "$.StateMachines.SM", "TestCases"),
        ({"StateMachines": {"SM": {"TestCases": {"T": {"Call": 1}}}}}, "$.StateMachines.SM.TestCases.T.Call", "string"),
        ({"MockedResponses": {"R": []}}, "$.MockedResponses.R", "must be an object"),
        ({"MockedResponses": {"R": {"first": ret(1)}}}, "$.MockedResponses.R.first", "invocation keys"),
        ({"MockedResponses": {"R": {"3-1": ret(1)}}}, '$.MockedResponses.R["3-1"]', "ends before it starts"),
        ({"MockedResponses": {"R": {"0-2": ret(1), "2": ret(2)}}}, '$.MockedResponses.R["2"]', "overlap"),
        ({"MockedResponses": {"R": {"0": {}}}}, '$.MockedResponses.R["0"]', "Return or Throw"),
        ({"MockedResponses": {"R": {"0": {"Return": 1, "Throw": {}}}}}, '$.MockedResponses.R["0"]', "exactly one"),
        ({"MockedResponses": {"R": {"0": {"Throw": "x"}}}}, '$.MockedResponses.R["0"].Throw', "object"),
        ({"MockedResponses": {"R": {"0": {"Throw": {"Cause": "c"}}}}}, '$.MockedResponses.R["0"].Throw.Error', "Error"),
        (
            {"MockedResponses": {"R": {"0": {"Throw": {"Error": "E", "Cause": 1}}}}},
            '$.MockedResponses.R["0"].Throw.Cause',
            "string",
        ),
        (
            {"MockedResponses": {"R": {"0": {"Throw": {"Error": "E", "Why": "?"}}}}},
            '$.MockedResponses.R["0"].Throw',
            "Why",
        ),
    ],
)
def test_malformed_configuration_names_the_location(data: Any, location: str, words: str) -> None:
    """Each malformation raises MockConfigError at its JSON location, with a reason."""
    with pytest.raises(MockConfigError) as raised:
        MockConfig.from_dict(data, source="MockConfigFile.json")
    assert raised.value.location == location
    assert words in raised.value.message
    assert str(raised.value).startswith(f"MockConfigFile.json: {location}: ")


def test_return_must_be_json_data() -> None:
    """A Return holding something that is not JSON data (a set) is a MockConfigError."""
    with pytest.raises(MockConfigError) as raised:
        MockConfig.from_dict({"MockedResponses": {"R": {"0": {"Return": {1, 2}}}}})
    assert raised.value.location == '$.MockedResponses.R["0"].Return'


def test_return_is_copied_from_the_given_dict() -> None:
    """Changing the dict after loading does not change the mocked result."""
    data = config({"T": {"Call": "R"}}, {"R": {"0": ret({"v": 1})}})
    loaded = MockConfig.from_dict(data)
    data["MockedResponses"]["R"]["0"]["Return"]["v"] = 2
    assert start(machine(("Call", task())), {}, loaded).output == {"v": 1}


def test_mock_config_error_is_a_value_error() -> None:
    """MockConfigError is a ValueError, so generic handlers catch it."""
    assert issubclass(MockConfigError, ValueError)


def test_invalid_json_file_names_the_file_and_line(tmp_path: Path) -> None:
    """A file that is not JSON raises MockConfigError naming the file and the line."""
    file = tmp_path / "MockConfigFile.json"
    file.write_text('{\n  "StateMachines": {,\n}')
    with pytest.raises(MockConfigError, match=r"MockConfigFile\.json: not valid JSON: .* line 2"):
        MockConfig.load(file)


def test_missing_file_is_a_mock_config_error(tmp_path: Path) -> None:
    """A path to no file raises MockConfigError, not a bare OSError."""
    with pytest.raises(MockConfigError, match="cannot read"):
        MockConfig.load(tmp_path / "nope.json")


def test_wrong_mock_config_type_is_an_error() -> None:
    """mock_config= must be a path, a dict or a MockConfig."""
    with pytest.raises(MockConfigError, match="must be a path, a dict or a MockConfig"):
        asl.start(machine(("Call", task())), {}, mock_config=42, test_case="T")
