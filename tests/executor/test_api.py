"""The public entry points around an execution: definitions in every form, async use, outcomes, events."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import anyio
import pytest

import asl

from ._helpers import START_EPOCH, Scripted, chain, clock, execute, fail, run, single, task

_HELLO = single({"Type": "Pass", "Result": "hello"})


# -- definitions in every form --------------------------------------------------------------


def test_definition_as_dict() -> None:
    """A definition given as a dict runs."""
    assert run(_HELLO) == "hello"


def test_definition_as_json_text() -> None:
    """A definition given as JSON text runs."""
    assert run(json.dumps(_HELLO)) == "hello"


def test_definition_as_path_string(tmp_path: Path) -> None:
    """A definition given as the path of a .json file (str) runs."""
    file = tmp_path / "machine.json"
    file.write_text(json.dumps(_HELLO))
    assert run(str(file)) == "hello"


def test_definition_as_pathlib_path(tmp_path: Path) -> None:
    """A definition given as a pathlib.Path runs."""
    file = tmp_path / "machine.json"
    file.write_text(json.dumps(_HELLO))
    assert run(file) == "hello"


def test_definition_as_parsed_machine() -> None:
    """A definition given as the result of asl.parse runs."""
    assert run(asl.parse(_HELLO)) == "hello"


def test_parsed_machine_runs_twice() -> None:
    """One parsed machine can run several executions with different inputs."""
    machine = asl.parse(single({"Type": "Pass", "Parameters": {"v.$": "$.v"}}))
    assert (run(machine, {"v": 1}), run(machine, {"v": 2})) == ({"v": 1}, {"v": 2})


def test_invalid_definition_raises_definition_error() -> None:
    """An invalid definition raises DefinitionError before anything runs."""
    with pytest.raises(asl.DefinitionError):
        run({"StartAt": "Missing", "States": {"S": {"Type": "Pass", "End": True}}})


# -- async entry points ---------------------------------------------------------------------


def test_run_async_inside_anyio_run() -> None:
    """asl.run_async works inside a caller's event loop (anyio.run)."""

    async def main() -> Any:
        return await asl.run_async(single({"Type": "Pass", "Parameters": {"v.$": "$.v"}}), {"v": 3}, clock=clock())

    assert anyio.run(main) == {"v": 3}


def test_run_async_raises_execution_failed() -> None:
    """asl.run_async raises ExecutionFailed when the execution fails."""

    async def main() -> Any:
        return await asl.run_async(single({"Type": "Fail", "Error": "E"}), {})

    with pytest.raises(asl.ExecutionFailed) as info:
        anyio.run(main)
    assert info.value.error == "E"


def test_run_async_with_virtual_clock_on_foreign_loop_does_not_wait() -> None:
    """Under a caller's loop a VirtualClock still skips a long Wait and advances."""
    the_clock = clock()

    async def main() -> Any:
        return await asl.run_async(single({"Type": "Wait", "Seconds": 3600}), {"k": 1}, clock=the_clock)

    assert anyio.run(main) == {"k": 1}
    assert the_clock.now() - START_EPOCH == pytest.approx(3600, abs=0.01)


def test_start_async_returns_succeeded_execution() -> None:
    """asl.start_async returns the finished Execution with status and output."""
    execution = execute(_HELLO, {})
    assert (execution.status, execution.output, execution.error) == ("SUCCEEDED", "hello", None)


def test_start_async_returns_failed_execution_without_raising() -> None:
    """asl.start_async returns a failed Execution instead of raising."""
    execution = execute(single({"Type": "Fail", "Error": "E", "Cause": "C"}), {})
    assert (execution.status, execution.error, execution.cause) == ("FAILED", "E", "C")


# -- execution timeout ----------------------------------------------------------------------


def test_execution_timeout_status_timed_out() -> None:
    """A machine TimeoutSeconds shorter than its work ends with status TIMED_OUT."""
    definition = single({"Type": "Wait", "Seconds": 100}, TimeoutSeconds=5)
    assert fail(definition, {}).status == "TIMED_OUT"


def test_execution_timeout_at_the_limit() -> None:
    """The execution times out after TimeoutSeconds of virtual time, not after the Wait."""
    the_clock = clock()
    fail(single({"Type": "Wait", "Seconds": 100}, TimeoutSeconds=5), {}, clock=the_clock)
    assert the_clock.now() - START_EPOCH == pytest.approx(5, abs=0.01)


def test_execution_timeout_cuts_slow_resolver() -> None:
    """The execution timeout also stops a slow async resolver."""

    async def slow(_payload: Any) -> Any:
        await anyio.sleep(3600)

    assert fail(single(task(), TimeoutSeconds=5), {}, resolvers={"S": slow}).status == "TIMED_OUT"


def test_execution_within_timeout_succeeds() -> None:
    """A machine that finishes within TimeoutSeconds succeeds."""
    assert run(single({"Type": "Wait", "Seconds": 3}, TimeoutSeconds=5), {"k": 1}) == {"k": 1}


# -- events ---------------------------------------------------------------------------------


def test_failed_execution_events_start_and_end() -> None:
    """ExecutionFailed.execution has events from ExecutionStarted to ExecutionFailed."""
    events = fail(single({"Type": "Fail", "Error": "E"}), {}).execution.events
    assert (events[0]["type"], events[-1]["type"]) == ("ExecutionStarted", "ExecutionFailed")


def test_failed_event_carries_error_and_cause() -> None:
    """The final ExecutionFailed event has the execution's error and cause."""
    last = fail(single({"Type": "Fail", "Error": "E", "Cause": "C"}), {}).execution.events[-1]
    assert (last["error"], last["cause"]) == ("E", "C")


def test_succeeded_execution_last_event() -> None:
    """A succeeded execution's last event is ExecutionSucceeded with the output."""
    last = execute(_HELLO, {}).events[-1]
    assert (last["type"], last["output"]) == ("ExecutionSucceeded", "hello")


def test_event_ids_are_consecutive() -> None:
    """Event ids run 1, 2, 3, ... in order."""
    events = execute(chain(("A", {"Type": "Pass"}), ("B", {"Type": "Pass"})), {}).events
    assert [e["id"] for e in events] == list(range(1, len(events) + 1))


def test_event_sequence_of_pass_chain() -> None:
    """A two-Pass execution records the event types AWS records, in order."""
    events = execute(chain(("A", {"Type": "Pass"}), ("B", {"Type": "Pass"})), {}).events
    assert [e["type"] for e in events] == [
        "ExecutionStarted",
        "PassStateEntered",
        "PassStateExited",
        "PassStateEntered",
        "PassStateExited",
        "ExecutionSucceeded",
    ]


def test_previous_event_ids_chain_sequentially() -> None:
    """previousEventId is 0 for the first two events, then the one before (as recorded AWS histories show)."""
    events = execute(chain(("A", {"Type": "Pass"}), ("B", {"Type": "Pass"})), {}).events
    assert [e["previousEventId"] for e in events] == [0, 0, 2, 3, 4, 5]


def test_timed_out_execution_last_event() -> None:
    """A timed-out execution's last event is ExecutionTimedOut."""
    execution = fail(single({"Type": "Wait", "Seconds": 100}, TimeoutSeconds=5), {}).execution
    assert execution.events[-1]["type"] == "ExecutionTimedOut"


# -- robustness -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value", [{1, 2}, object(), complex(1, 2), {"k": {1}}], ids=["set", "object", "complex", "nested-set"]
)
def test_non_json_result_fails_cleanly(value: Any) -> None:
    """A resolver returning a value that is not JSON data ends in ExecutionFailed, never a bare exception."""
    err = fail(single(task()), {}, resolvers={"S": lambda _p: value})
    assert err.status == "FAILED"


def test_non_json_result_in_lambda_task_fails_cleanly() -> None:
    """A Lambda resolver returning a set ends in ExecutionFailed."""
    definition = single({"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:111111111111:function:f"})
    assert fail(definition, {}, resolvers={"f": lambda _e: {1, 2}}).status == "FAILED"


def test_keyboard_interrupt_propagates() -> None:
    """KeyboardInterrupt raised by a resolver propagates out of asl.run."""

    def interrupt(_payload: Any) -> Any:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run(single(task()), {}, resolvers={"S": interrupt})


def test_resolver_called_once_per_task() -> None:
    """Without Retry a Task calls its resolver exactly once."""
    resolver = Scripted("ok")
    run(single(task()), {}, resolvers={"S": resolver})
    assert resolver.count == 1
