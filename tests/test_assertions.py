"""asl.testing's assertion helpers: they pass on what happened and explain what did not."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

import asl
from asl.testing import (
    Snapshot,
    VirtualClock,
    assert_failed,
    assert_matches_snapshot,
    assert_output,
    assert_path,
    assert_retried,
    assert_succeeded,
)
from asl.testing._assert import json_diff, retry_count, visit_count

RESOURCE = "arn:aws:states:::aws-sdk:dynamodb:getItem"

FLOW: dict[str, Any] = {
    "StartAt": "Load",
    "States": {
        "Load": {
            "Type": "Task",
            "Resource": RESOURCE,
            "ResultPath": "$.item",
            "Retry": [{"ErrorEquals": ["Busy"], "IntervalSeconds": 1, "MaxAttempts": 3}],
            "Catch": [{"ErrorEquals": ["Missing"], "ResultPath": "$.error", "Next": "Gone"}],
            "Next": "Done",
        },
        "Done": {"Type": "Succeed"},
        "Gone": {"Type": "Fail", "Error": "NotFound", "Cause": "The item is gone."},
    },
}


def script(*answers: Any) -> Any:
    """A resolver giving ``answers`` in turn (StatesError instances are raised)."""
    queue = list(answers)

    def resolver(payload: Any) -> Any:
        answer = queue.pop(0)
        if isinstance(answer, asl.StatesError):
            raise answer
        return answer

    return resolver


def start(*answers: Any, definition: Any = FLOW) -> asl.Execution:
    """Run ``definition`` with Load answering ``answers``."""
    return asl.start(definition, {"id": 1}, resolvers={"Load": script(*answers)}, clock=VirtualClock(start=0))


BUSY = asl.StatesError("Busy", "try later")
MISSING = asl.StatesError("Missing", "no such item")


def message(check: Any, *args: Any, **kwargs: Any) -> str:
    """The AssertionError message ``check(*args, **kwargs)`` raises."""
    with pytest.raises(AssertionError) as raised:
        check(*args, **kwargs)
    return str(raised.value)


# -- status -----------------------------------------------------------------------------------------


def test_assert_succeeded_passes_on_success() -> None:
    """A succeeded execution passes."""
    assert_succeeded(start({"v": 1}))


def test_assert_succeeded_message_shows_error_cause_and_path() -> None:
    """On a failed execution the message gives status, error, cause and the path taken."""
    text = message(assert_succeeded, start(MISSING))
    assert "expected the execution to succeed, but it ended FAILED" in text
    assert "error:  NotFound" in text
    assert "cause:  The item is gone." in text
    assert "path:   Load -> Gone" in text


def test_assert_failed_checks_error_and_cause() -> None:
    """assert_failed passes on the right error and cause, exact or by regular expression."""
    execution = start(MISSING)
    assert_failed(execution)
    assert_failed(execution, error="NotFound", cause="The item is gone.")
    assert_failed(execution, cause=re.compile(r"item is \w+"))


def test_assert_failed_accepts_execution_failed() -> None:
    """The ExecutionFailed that asl.run raises can be given instead of the execution."""
    with pytest.raises(asl.ExecutionFailed) as raised:
        asl.run(FLOW, {}, resolvers={"Load": script(MISSING)})
    assert_failed(raised.value, error="NotFound")


def test_assert_failed_on_success_shows_the_output() -> None:
    """Expecting a failure from a success shows the output."""
    text = message(assert_failed, start({"v": 1}), error="NotFound")
    assert "expected the execution to end FAILED with error 'NotFound', but it ended SUCCEEDED" in text
    assert 'output: {"id": 1, "item": {"v": 1}}' in text


def test_assert_failed_wrong_error() -> None:
    """A different error is named next to the expected one."""
    assert "expected error 'Other', got 'NotFound'" in message(assert_failed, start(MISSING), error="Other")


def test_assert_failed_wrong_cause_pattern() -> None:
    """A cause not matching the pattern shows the pattern and the cause."""
    text = message(assert_failed, start(MISSING), cause=re.compile("^boom"))
    assert "expected cause /^boom/, got 'The item is gone.'" in text


def test_assert_failed_timed_out_status() -> None:
    """status= checks other end states, such as TIMED_OUT."""
    slow = {"TimeoutSeconds": 1, "StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 5, "End": True}}}
    execution = asl.start(slow, {}, clock=VirtualClock(start=0))
    assert_failed(execution, "States.Timeout", status="TIMED_OUT")
    assert "ended TIMED_OUT" in message(assert_failed, execution)


def test_non_execution_is_a_type_error() -> None:
    """Giving something that is not an execution is a TypeError, not a confusing assertion."""
    with pytest.raises(TypeError, match=r"expected an asl\.Execution"):
        assert_succeeded({"status": "SUCCEEDED"})


# -- output ------------------------------------------------------------------------------------------


def test_assert_output_passes_on_equal_output() -> None:
    """Equal JSON passes (1 equals 1.0)."""
    assert_output(start({"v": 1}), {"id": 1.0, "item": {"v": 1}})


def test_assert_output_lists_differing_locations() -> None:
    """Changed, missing and unexpected keys are each listed at their JSON location."""
    text = message(assert_output, start({"v": 1, "extra": [1, 2]}), {"id": 1, "item": {"v": 2, "w": 0}})
    assert "the output differs from the expected one (3 difference(s)):" in text
    assert "$.item.v: expected 2, got 1" in text
    assert "$.item.w: missing (expected 0)" in text
    assert "$.item.extra: unexpected (got [1, 2])" in text
    assert "path:   Load -> Done" in text


def test_assert_output_on_failure_says_it_failed() -> None:
    """Checking the output of a failed execution says it failed, with error and cause."""
    text = message(assert_output, start(MISSING), {})
    assert "expected the execution to succeed with an output, but it ended FAILED" in text
    assert "error:  NotFound" in text


def test_json_diff_tells_booleans_from_numbers() -> None:
    """true is not 1 and 0 is not false, though Python says they are equal."""
    assert json_diff({"a": True, "b": 0}, {"a": 1, "b": False}) == [
        "$.a: expected true, got 1",
        "$.b: expected 0, got false",
    ]


def test_json_diff_lists() -> None:
    """Lists report a length change, then element differences and extra elements."""
    assert json_diff([1, 2], [1, 3, 4]) == [
        "$: expected 2 items, got 3",
        "$[1]: expected 2, got 3",
        "$[2]: unexpected (got 4)",
    ]


def test_json_diff_quotes_odd_keys_and_types() -> None:
    """Keys that are not identifiers are quoted; a type change is shown with both values."""
    assert json_diff({"a b": "1"}, {"a b": 1}) == ['$["a b"]: expected "1", got 1']


def test_json_diff_is_capped() -> None:
    """At most 20 differences are listed."""
    assert len(json_diff(list(range(50)), [-1] * 50)) == 20


# -- path ---------------------------------------------------------------------------------------------


def test_assert_path_passes_on_the_same_path() -> None:
    """The exact path passes."""
    assert_path(start({"v": 1}), ["Load", "Done"])


def test_assert_path_message_is_a_diff() -> None:
    """A different path shows both paths, the first differing step and a line diff."""
    text = message(assert_path, start(MISSING), ["Load", "Done"])
    assert "the path differs from step 2 on (- expected, + actual):" in text
    assert "expected: Load -> Done" in text
    assert "actual:   Load -> Gone" in text
    assert "- Done" in text and "+ Gone" in text


def test_assert_path_shorter_path() -> None:
    """A path that stops early points at the first missing step."""
    assert "differs from step 3 on" in message(assert_path, start({"v": 1}), ["Load", "Done", "More"])


# -- retries -------------------------------------------------------------------------------------------


def test_assert_retried_counts_retries() -> None:
    """Two Busy errors then a success: Load was retried twice."""
    execution = start(BUSY, BUSY, {"v": 1})
    assert_retried(execution, "Load", times=2)
    assert_retried(execution, "Load")
    assert (retry_count(execution, "Load"), visit_count(execution, "Load")) == (2, 1)


def test_assert_retried_message_gives_the_count() -> None:
    """A wrong count gives the actual number and the attempts per run."""
    text = message(assert_retried, start(BUSY, {"v": 1}), "Load", times=3)
    assert "expected state 'Load' to be retried 3 time(s), but it was retried 1 time(s)" in text
    assert "'Load' was entered 1 time(s) and attempted 2 time(s)" in text


def test_assert_retried_without_retries() -> None:
    """times=None needs at least one retry."""
    assert "retried at least once, but it was retried 0 time(s)" in message(assert_retried, start({"v": 1}), "Load")


def test_assert_retried_on_a_state_that_never_ran() -> None:
    """A state that never ran is reported as such."""
    assert "state 'Gone' never ran" in message(assert_retried, start({"v": 1}), "Gone", times=0)


def test_retries_counted_per_state_in_map_iterations() -> None:
    """Retries inside Map iterations add up over the iterations, per state."""
    definition = {
        "StartAt": "Each",
        "States": {
            "Each": {
                "Type": "Map",
                "MaxConcurrency": 1,
                "ItemProcessor": {
                    "StartAt": "Load",
                    "States": {"Load": {**FLOW["States"]["Load"], "Next": "Ok"}, "Ok": {"Type": "Succeed"}},
                },
                "End": True,
            }
        },
    }
    definition["States"]["Each"]["ItemProcessor"]["States"]["Load"].pop("Catch")
    execution = asl.start(
        definition,
        [{"n": 1}, {"n": 2}],
        resolvers={"Load": script(BUSY, 1, BUSY, BUSY, 2)},
        clock=VirtualClock(start=0),
    )
    assert_retried(execution, "Load", times=3)
    assert visit_count(execution, "Load") == 2


def test_retries_of_a_parallel_state() -> None:
    """A Parallel state's retries are its own, not those of the states in its branches."""
    definition = {
        "StartAt": "Both",
        "States": {
            "Both": {
                "Type": "Parallel",
                "Branches": [
                    {"StartAt": "Load", "States": {"Load": {"Type": "Task", "Resource": RESOURCE, "End": True}}}
                ],
                "Retry": [{"ErrorEquals": ["Busy"], "IntervalSeconds": 1}],
                "End": True,
            }
        },
    }
    execution = asl.start(definition, {}, resolvers={"Load": script(BUSY, 1)}, clock=VirtualClock(start=0))
    assert_retried(execution, "Both", times=1)
    assert_retried(execution, "Load", times=0)


def test_assert_retried_without_history() -> None:
    """Retries are counted even with history=False."""
    execution = asl.start(FLOW, {}, resolvers={"Load": script(BUSY, 1)}, history=False, clock=VirtualClock(start=0))
    assert_retried(execution, "Load", times=1)


# -- snapshots -----------------------------------------------------------------------------------------


def test_snapshot_written_when_missing(tmp_path: Path) -> None:
    """A missing snapshot file is written with the status and output."""
    file = tmp_path / "snap" / "run.json"
    assert_matches_snapshot(start({"v": 1}), file)
    assert json.loads(file.read_text()) == {"status": "SUCCEEDED", "output": {"id": 1, "item": {"v": 1}}}


def test_snapshot_of_a_failure_keeps_error_and_cause(tmp_path: Path) -> None:
    """A failed execution is stored as status, error and cause."""
    file = tmp_path / "run.json"
    assert_matches_snapshot(start(MISSING), file)
    assert json.loads(file.read_text()) == {"status": "FAILED", "error": "NotFound", "cause": "The item is gone."}


def test_snapshot_mismatch_lists_differences(tmp_path: Path) -> None:
    """A value differing from its snapshot fails with the differing locations."""
    file = tmp_path / "run.json"
    assert_matches_snapshot({"a": 1}, file)
    text = message(assert_matches_snapshot, {"a": 2}, file)
    assert f"the value differs from snapshot {file}" in text
    assert "$.a: expected 1, got 2" in text
    assert_matches_snapshot({"a": 2}, file, update=True)
    assert json.loads(file.read_text()) == {"a": 2}


def test_snapshot_names_files_per_test(tmp_path: Path) -> None:
    """Snapshot files are <test>.json, <test>.2.json, then named ones, with unsafe characters replaced."""
    snapshot = Snapshot(tmp_path, "test_x[case 1]")
    snapshot({"n": 1})
    snapshot({"n": 2})
    snapshot({"n": 3}, name="final")
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "test_x_case_1.2.json",
        "test_x_case_1.final.json",
        "test_x_case_1.json",
    ]
