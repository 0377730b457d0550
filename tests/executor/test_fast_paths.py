"""The executor's shortcuts give the results a plain run would: in-order branches, lazy context, caches."""

from __future__ import annotations

import datetime
import json
import pickle
import re
import traceback
from typing import Any

import anyio
from hypothesis import given, settings
from hypothesis import strategies as st

import asl
from asl._time import _format_millis
from asl.executor._concurrent import never_waits
from asl.executor._task import copy_json
from asl.resolvers import _own_frames, lambda_error_cause
from asl.testing import VirtualClock

from ._helpers import FUNCTION_ARN, RESOURCE, START_EPOCH, chain, clock, single, task


def _pass_branch(name: str, value: int) -> dict[str, Any]:
    return {"StartAt": name, "States": {name: {"Type": "Pass", "Result": value, "End": True}}}


def _wait_branch(name: str, seconds: int) -> dict[str, Any]:
    return {"StartAt": name, "States": {name: {"Type": "Wait", "Seconds": seconds, "End": True}}}


# -- which branches run in order, without tasks ---------------------------------------------


def test_branches_of_pass_and_choice_never_wait() -> None:
    """A branch of Pass, Choice, Succeed and Fail states never waits."""
    machine = asl.parse(single({"Type": "Parallel", "Branches": [_pass_branch("A", 1), _pass_branch("B", 2)]}))
    assert all(never_waits(branch) for branch in machine.states["S"].branches)  # type: ignore[attr-defined]


def test_a_branch_with_a_wait_or_task_may_wait() -> None:
    """A Wait or Task state makes its branch one that may wait."""
    task_branch = {"StartAt": "T", "States": {"T": task(End=True)}}
    machine = asl.parse(single({"Type": "Parallel", "Branches": [_wait_branch("W", 1), task_branch]}))
    assert not any(never_waits(branch) for branch in machine.states["S"].branches)  # type: ignore[attr-defined]


def test_a_nested_parallel_with_retry_may_wait() -> None:
    """A nested Parallel with a Retry may sleep between attempts, so its branch may wait."""
    inner = {
        "Type": "Parallel",
        "Branches": [_pass_branch("P", 1)],
        "Retry": [{"ErrorEquals": ["States.ALL"]}],
        "End": True,
    }
    machine = asl.parse(single({"Type": "Parallel", "Branches": [{"StartAt": "In", "States": {"In": inner}}]}))
    assert not never_waits(machine.states["S"].branches[0])  # type: ignore[attr-defined]


def test_parallel_of_pass_branches_keeps_branch_order() -> None:
    """Branches run in order in one task still give their outputs in branch order."""
    definition = single({"Type": "Parallel", "Branches": [_pass_branch(f"B{i}", i) for i in range(12)]})
    assert asl.run(definition, {}) == list(range(12))


def test_parallel_of_pass_branches_records_each_branch_in_turn() -> None:
    """Each branch's states are entered in branch order, as a pool of tasks would run them."""
    definition = single({"Type": "Parallel", "Branches": [_pass_branch(f"B{i}", i) for i in range(3)]})
    assert asl.start(definition, {}).path == ["S", "B0", "B1", "B2"]


def test_waiting_branches_still_overlap() -> None:
    """Branches that wait run concurrently: two Waits of 10 s take 10 s of virtual time, not 20."""
    virtual = clock()
    definition = single({"Type": "Parallel", "Branches": [_wait_branch("W1", 10), _wait_branch("W2", 10)]})
    asl.run(definition, {}, clock=virtual)
    assert virtual.now() - START_EPOCH == 10


def test_failed_pass_branch_stops_the_branches_after_it() -> None:
    """A failing branch fails the Parallel, and the branches after it never start."""
    failing = {"StartAt": "F", "States": {"F": {"Type": "Fail", "Error": "Boom"}}}
    definition = single({"Type": "Parallel", "Branches": [_pass_branch("A", 1), failing, _pass_branch("C", 3)]})
    execution = asl.start(definition, {})
    assert (execution.error, "C" in execution.path) == ("Boom", False)


def test_map_of_pass_items_gives_results_in_item_order() -> None:
    """An inline Map whose processor never waits returns every result in item order."""
    processor = {"StartAt": "Double", "States": {"Double": {"Type": "Pass", "Parameters": {"v.$": "$"}, "End": True}}}
    definition = single({"Type": "Map", "ItemProcessor": processor, "MaxConcurrency": 3})
    assert asl.run(definition, [5, 6, 7]) == [{"v": 5}, {"v": 6}, {"v": 7}]


def test_distributed_map_of_pass_items_tolerates_failures_in_order() -> None:
    """A distributed Map of never-waiting items still applies its tolerated failure count."""
    processor = {
        "ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
        "StartAt": "Check",
        "States": {
            "Check": {
                "Type": "Choice",
                "Choices": [{"Variable": "$", "NumericEquals": 2, "Next": "Bad"}],
                "Default": "Good",
            },
            "Bad": {"Type": "Fail", "Error": "Two"},
            "Good": {"Type": "Succeed"},
        },
    }
    definition = single({"Type": "Map", "ItemProcessor": processor, "ToleratedFailureCount": 1})
    assert asl.run(definition, [1, 2, 3]) == [1, {"Error": "Two"}, 3]


# -- the context object is built on first read ----------------------------------------------


def test_context_read_by_a_path_has_the_entered_time() -> None:
    """A Pass reading $$.State gets its name and the time it was entered."""
    definition = chain(
        ("Sleep", {"Type": "Wait", "Seconds": 90}),
        ("Read", {"Type": "Pass", "Parameters": {"state.$": "$$.State"}}),
    )
    output = asl.run(definition, {}, clock=clock())
    assert output == {"state": {"Name": "Read", "EnteredTime": "2024-01-01T00:01:30.000Z"}}


def test_retry_count_is_in_the_context_of_a_later_attempt() -> None:
    """The context a resolver sees on its second attempt says RetryCount 1."""
    seen: list[int] = []

    def flaky(_payload: Any, call: Any) -> Any:
        seen.append(call.context["State"]["RetryCount"])
        if len(seen) == 1:
            raise ValueError("once")
        return "ok"

    definition = single(task(Retry=[{"ErrorEquals": ["States.ALL"], "IntervalSeconds": 1}]))
    asl.run(definition, {}, resolvers={"S": flaky}, clock=clock())
    assert seen == [0, 1]


def test_task_token_is_drawn_on_entry() -> None:
    """A seeded run gives a waitForTaskToken Task the same token every time."""
    tokens: list[str] = []

    def callback(_payload: Any, call: Any) -> Any:
        tokens.append(call.task_token)
        return {}

    definition = single(task(Resource="arn:aws:states:::sqs:sendMessage.waitForTaskToken"))
    for _ in range(2):
        asl.run(definition, {}, resolvers={"S": callback}, clock=clock(), seed=7)
    assert tokens[0] == tokens[1] and len(tokens[0]) == 64


# -- resolver bindings are remembered per run ------------------------------------------------


def test_lambda_invoke_binds_by_the_function_in_each_payload() -> None:
    """lambda:invoke finds its resolver from the payload's FunctionName on every call."""
    step = {
        "Type": "Task",
        "Resource": "arn:aws:states:::lambda:invoke",
        "Parameters": {"FunctionName.$": "$.fn", "Payload": {}},
        "OutputPath": "$.Payload",
    }
    processor = {"StartAt": "Call", "States": {"Call": {**step, "End": True}}}
    definition = single({"Type": "Map", "ItemProcessor": processor})
    resolvers = {"a": lambda _e: "from a", "b": lambda _e: "from b"}
    assert asl.run(definition, [{"fn": "a"}, {"fn": "b"}], resolvers=resolvers) == ["from a", "from b"]


# -- pieces made faster keep their output ----------------------------------------------------


def _strftime_millis(millis: int) -> str:
    moment = datetime.datetime.fromtimestamp(millis // 1000, tz=datetime.UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{millis % 1000:03d}Z"


@settings(max_examples=500, deadline=None)
@given(st.integers(min_value=-62_135_596_800_000, max_value=253_402_300_799_999))
def test_timestamp_text_matches_strftime(millis: int) -> None:
    """The context's timestamps read as strftime writes them, for every millisecond of years 1-9999."""
    assert _format_millis(millis) == _strftime_millis(millis)


def test_stack_trace_text_is_what_traceback_formats() -> None:
    """A resolver's stack trace reads as traceback.format_list writes it, the first time and the next."""

    def fail() -> None:
        raise ValueError("x")

    for _ in range(2):
        try:
            fail()
        except ValueError as e:
            expected = traceback.format_list(traceback.extract_tb(e.__traceback__))
            assert _own_frames(e.__traceback__).frames == expected


@settings(max_examples=200, deadline=None)
@given(st.text(), st.booleans())
def test_lambda_error_cause_is_the_json_of_its_body(message: str, compact: bool) -> None:
    """The Lambda error document reads exactly as json.dumps writes its four fields, any message."""

    def fail() -> None:
        raise KeyError(message)

    try:
        fail()
    except KeyError as e:
        body = {
            "errorMessage": str(e),
            "errorType": "KeyError",
            "requestId": "req-1",
            "stackTrace": traceback.format_list(traceback.extract_tb(e.__traceback__)),
        }
        separators = (",", ":") if compact else (", ", ": ")
        expected = json.dumps(body, ensure_ascii=False, separators=separators)
        assert lambda_error_cause(e, compact=compact, request_id="req-1") == expected


def test_copy_json_shares_nothing_mutable() -> None:
    """copy_json copies every container: changing the copy leaves the original as it was."""
    original = {"a": [1, {"b": "c"}], "d": {"e": [None, True, 1.5]}}
    copied = copy_json(original)
    copied["a"][1]["b"] = "changed"
    copied["d"]["e"].append(0)
    assert original == {"a": [1, {"b": "c"}], "d": {"e": [None, True, 1.5]}} and copied != original


def test_format_renders_scalars_as_json() -> None:
    """States.Format writes integers, booleans and null as JSON does."""
    definition = single({"Type": "Pass", "Parameters": {"t.$": "States.Format('{} {} {} {}', $.i, $.b, $.n, $.f)"}})
    assert asl.run(definition, {"i": -12, "b": False, "n": None, "f": 2.5}) == {"t": "-12 false null 2.5"}


# -- the virtual clock skips straight to the only timer ---------------------------------------


def test_lone_sleep_moves_virtual_time_and_records_it() -> None:
    """A sleep with nothing else to run advances the clock by exactly the time asked."""
    virtual = VirtualClock(START_EPOCH)

    async def main() -> None:
        await virtual.sleep(2.5)
        await virtual.sleep(4)

    anyio.run(main, backend="asyncio", backend_options={"loop_factory": virtual.loop_factory()})
    assert (virtual.now() - START_EPOCH, virtual.sleeps) == (6.5, [2.5, 4])


def test_sleep_under_a_deadline_still_times_out() -> None:
    """A sleep longer than an enclosing deadline is cut at the deadline."""
    virtual = VirtualClock(START_EPOCH)
    timed_out: list[bool] = []

    async def main() -> None:
        with anyio.move_on_after(3) as scope:
            await virtual.sleep(10)
        timed_out.append(scope.cancelled_caught)

    anyio.run(main, backend="asyncio", backend_options={"loop_factory": virtual.loop_factory()})
    assert (timed_out, virtual.now() - START_EPOCH) == ([True], 3)


def test_sleep_in_a_cancelled_scope_is_cancelled() -> None:
    """A sleep in a scope already cancelled does not return normally."""
    virtual = VirtualClock(START_EPOCH)
    reached: list[str] = []

    async def main() -> None:
        with anyio.CancelScope() as scope:
            scope.cancel()
            await virtual.sleep(5)
            reached.append("after")

    anyio.run(main, backend="asyncio", backend_options={"loop_factory": virtual.loop_factory()})
    assert reached == []


# -- the Task attempt's shortcuts (issue 9) --------------------------------------------------

_json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.lists(inner, max_size=3).map(tuple)
        | st.dictionaries(st.text(max_size=5), inner, max_size=4)
    ),
    max_leaves=20,
)


def _same_json(a: Any, b: Any) -> bool:
    """Equal, with the same types at every level (``1`` is not ``1.0``, ``True`` is not ``1``)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(_same_json(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(_same_json(x, y) for x, y in zip(a, b, strict=True))
    return bool(a == b)


@settings(max_examples=300, deadline=None)
@given(_json_values)
def test_a_lambda_result_is_what_the_json_round_trip_gives(value: Any) -> None:
    """A Lambda Task's result is json.loads(json.dumps(result)), tuples and all, without the round trip."""
    definition = single({"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:f", "End": True})
    output = asl.run(definition, {}, resolvers={"f": lambda _event: value}, clock=clock())
    assert _same_json(output, json.loads(json.dumps(value)))


def test_a_lambda_result_with_non_string_keys_goes_through_the_encoder() -> None:
    """Keys that are not strings and Decimal values come out as the Lambda runtime's encoder writes them."""
    from decimal import Decimal

    definition = single({"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:f", "End": True})
    output = asl.run(definition, {}, resolvers={"f": lambda _event: {1: Decimal("1.5"), "t": (True,)}}, clock=clock())
    assert output == {"1": 1.5, "t": [True]}


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=0, max_value=2**128 - 1))
def test_request_id_text_is_the_uuid4_of_its_bits(bits: int) -> None:
    """The fast request id text is what uuid.UUID(int=bits, version=4) prints."""
    import uuid

    from asl.resolvers import _uuid4_text

    assert _uuid4_text(bits) == str(uuid.UUID(int=bits, version=4))


def test_each_attempt_gets_a_fresh_copy_of_a_reused_payload() -> None:
    """A resolver that changes its payload and fails leaves the next attempt's payload as it was."""
    seen: list[Any] = []

    def spoils(payload: Any) -> Any:
        seen.append(json.dumps(payload))
        payload["x"] = "spoiled"
        if len(seen) < 3:
            raise ValueError("again")
        return payload

    definition = single(task(Parameters={"x.$": "$.x"}, Retry=[{"ErrorEquals": ["States.ALL"]}]))
    output = asl.run(definition, {"x": 1}, resolvers={"S": spoils}, clock=clock())
    assert seen == ['{"x": 1}'] * 3
    assert output == {"x": "spoiled"}


def test_a_random_intrinsic_is_drawn_again_on_each_attempt() -> None:
    """Parameters holding States.UUID() give every attempt a new value (they are not reused)."""
    seen: list[str] = []

    def flaky(payload: Any) -> Any:
        seen.append(payload["id"])
        if len(seen) < 3:
            raise ValueError("again")
        return None

    definition = single(task(Parameters={"id.$": "States.UUID()"}, Retry=[{"ErrorEquals": ["States.ALL"]}]))
    asl.run(definition, {}, resolvers={"S": flaky}, clock=clock())
    assert len(set(seen)) == 3


def test_a_task_retrying_under_a_virtual_clock_can_still_be_cancelled() -> None:
    """A scope cancelled by a failing resolver stops its retries under a VirtualClock promptly (not after 1000)."""
    virtual = clock()
    scopes: list[anyio.CancelScope] = []
    calls = 0

    def always_fails(_payload: Any) -> Any:
        nonlocal calls
        calls += 1
        if calls == 3:
            scopes[0].cancel()
        raise ValueError("no")

    retry = [{"ErrorEquals": ["States.ALL"], "MaxAttempts": 1000, "BackoffRate": 1}]

    async def main() -> None:
        with anyio.CancelScope() as scope:
            scopes.append(scope)
            await asl.run_async(single(task(Retry=retry)), {}, resolvers={"S": always_fails}, clock=virtual)

    anyio.run(main, backend="asyncio", backend_options={"loop_factory": virtual.loop_factory()})
    assert 3 <= calls <= 3 + 16


# -- what is built only when read ----------------------------------------------------------


def test_context_first_read_on_a_later_attempt_has_its_retry_count() -> None:
    """A resolver that reads $$ only on its third attempt sees RetryCount 2 there."""
    attempts: list[int] = []

    def flaky(_payload: Any, call: Any) -> Any:
        attempts.append(call.attempt)
        if len(attempts) < 3:
            raise ValueError("again")
        return call.context["State"]["RetryCount"]

    definition = single(task(Retry=[{"ErrorEquals": ["States.ALL"], "MaxAttempts": 3}]))
    assert asl.run(definition, {}, resolvers={"S": flaky}, clock=clock()) == 2


def test_a_retried_lambda_failure_has_its_own_cause_in_the_history() -> None:
    """Each failed attempt of a Lambda task records the Lambda error document of its own exception."""
    calls: list[int] = []

    def flaky(_payload: Any) -> Any:
        calls.append(1)
        raise KeyError(f"attempt {len(calls)}")

    definition = single(
        task(
            Resource="arn:aws:lambda:us-east-1:123456789012:function:f",
            Retry=[{"ErrorEquals": ["KeyError"], "MaxAttempts": 1}],
            Catch=[{"ErrorEquals": ["States.ALL"], "Next": "Caught"}],
        ),
    )
    definition["States"]["Caught"] = {"Type": "Pass", "End": True}
    execution = asl.start(definition, {}, resolvers={"S": flaky}, clock=clock())
    failed = [e for e in execution.events if e["type"] == "LambdaFunctionFailed"]
    documents = [json.loads(e["cause"]) for e in failed]
    assert [d["errorMessage"] for d in documents] == ["'attempt 1'", "'attempt 2'"]
    assert [d["errorType"] for d in documents] == ["KeyError", "KeyError"]
    assert documents[0]["requestId"] != documents[1]["requestId"]
    assert execution.output == {"Error": "KeyError", "Cause": failed[1]["cause"]}


def test_a_deferred_cause_reads_as_a_written_one() -> None:
    """A StatesError whose cause is written on first read prints, compares and pickles as a plain one."""

    class Later(asl.errors.Deferred):
        __slots__ = ("writes",)

        def __init__(self) -> None:
            super().__init__()
            self.writes = 0

        def write(self) -> str:
            self.writes += 1
            return "it broke"

    later = Later()
    deferred = asl.StatesError.deferred("Oops", later)
    assert later.writes == 0
    plain = asl.StatesError("Oops", "it broke")
    assert (str(deferred), repr(deferred), deferred.cause) == (str(plain), repr(plain), plain.cause)
    assert later.writes == 1
    copied = pickle.loads(pickle.dumps(deferred))
    assert (copied.error, copied.cause) == ("Oops", "it broke")


# -- asl.run's own event loop ----------------------------------------------------------------


def test_a_resolver_using_a_worker_thread_leaves_no_thread_behind() -> None:
    """asl.run shuts down the loop's default executor, so the thread a resolver used is gone after it."""
    import asyncio
    import threading

    async def threaded(payload: Any) -> Any:
        return await asyncio.to_thread(lambda: payload["x"] + 1)

    before = {t.ident for t in threading.enumerate()}
    assert asl.run(single(task()), {"x": 1}, resolvers={"S": threaded}) == 2
    assert {t.ident for t in threading.enumerate()} <= before


def test_an_async_generator_left_open_by_a_resolver_is_closed_with_the_loop() -> None:
    """An async generator a resolver never finished is closed (its finally runs) when asl.run returns."""
    closed: list[bool] = []

    async def numbers() -> Any:
        try:
            for i in range(10):
                yield i
        finally:
            closed.append(True)

    kept: list[Any] = []

    async def first(_payload: Any) -> Any:
        gen = numbers()
        kept.append(gen)
        return await gen.__anext__()

    assert asl.run(single(task()), {}, resolvers={"S": first}) == 0
    assert closed == [True]


def test_a_task_a_resolver_left_running_is_cancelled_when_the_run_ends() -> None:
    """A background task a resolver started and never awaited is cancelled when asl.run returns."""
    import asyncio

    cancelled: list[bool] = []

    async def forever() -> None:
        try:
            await asyncio.sleep(3600)
        except asyncio.CancelledError:
            cancelled.append(True)
            raise

    background: list[Any] = []

    async def starts(_payload: Any) -> Any:
        background.append(asyncio.get_running_loop().create_task(forever()))
        await asyncio.sleep(0)
        return "ok"

    assert asl.run(single(task()), {}, resolvers={"S": starts}) == "ok"
    assert cancelled == [True]


# -- a sync resolver's call without a coroutine (asl.resolvers.call_direct) -------------------


def _sync_flaky(fails: int, result: Any) -> Any:
    """A resolver that fails ``fails`` times (ValueError), then returns ``result``."""
    calls: list[int] = []

    def flaky(payload: Any) -> Any:
        calls.append(1)
        if len(calls) <= fails:
            raise ValueError(f"attempt {len(calls)}")
        return result

    return flaky


def _async_flaky(fails: int, result: Any) -> Any:
    """:func:`_sync_flaky` as an async resolver (its stack frames read the same but for line numbers)."""
    calls: list[int] = []

    async def flaky(payload: Any) -> Any:
        calls.append(1)
        if len(calls) <= fails:
            raise ValueError(f"attempt {len(calls)}")
        return result

    return flaky


@given(
    resource=st.sampled_from([RESOURCE, FUNCTION_ARN]),
    fails=st.integers(0, 3),
    result=st.sampled_from(
        [{"ok": 1}, [1, "two", 2.5], "text", 7, None, b'{"raw": true}', b"not json", {"x": float("nan")}, {1: "a"}]
    ),
    caught=st.booleans(),
)
@settings(max_examples=60, deadline=None)
def test_a_sync_resolver_records_what_an_async_one_does(resource: str, fails: int, result: Any, caught: bool) -> None:
    """Retried, caught or succeeding, a sync resolver (called directly) gives the same history as an async one."""
    retry = [{"ErrorEquals": ["ValueError"], "MaxAttempts": 2, "IntervalSeconds": 1}]
    state = task(Resource=resource, Retry=retry, ResultPath="$.r")
    if caught:
        state["Catch"] = [{"ErrorEquals": ["States.ALL"], "Next": "Caught"}]
    definition = chain(("S", state), ("Caught", {"Type": "Pass", "End": True}))
    histories = []
    for resolver in (_sync_flaky(fails, result), _async_flaky(fails, result)):
        execution = asl.start(definition, {"in": 1}, resolvers={"S": resolver}, clock=clock(), seed=7)
        histories.append(re.sub(r"line \d+", "line N", json.dumps(execution.history_json())))
    assert histories[0] == histories[1]


def test_a_sync_resolver_failure_lists_only_its_own_frames() -> None:
    """The stackTrace of a sync resolver's exception starts at the resolver, not in asl's code."""

    def fails(_payload: Any) -> Any:
        raise ValueError("no")

    definition = single(task(Resource=FUNCTION_ARN))
    execution = asl.start(definition, {}, resolvers={"S": fails}, clock=clock())
    frames = json.loads(execution.cause or "{}")["stackTrace"]
    assert len(frames) == 1
    assert "in fails" in frames[0]


def test_a_two_argument_resolver_gets_the_attempt_and_request_id_of_each_call() -> None:
    """A sync (payload, call) resolver sees attempt 0, 1, 2 and a request id per attempt, as its error causes name."""
    seen: list[tuple[int, str]] = []

    def flaky(_payload: Any, call: asl.TaskCall) -> Any:
        seen.append((call.attempt, call.request_id))
        if len(seen) < 3:
            raise ValueError("again")
        return "done"

    definition = single(task(Resource=FUNCTION_ARN, Retry=[{"ErrorEquals": ["States.ALL"]}]))
    execution = asl.start(definition, {}, resolvers={"S": flaky}, clock=clock())
    failed = [json.loads(e["cause"]) for e in execution.events if e["type"] == "LambdaFunctionFailed"]
    assert [attempt for attempt, _ in seen] == [0, 1, 2]
    assert [d["requestId"] for d in failed] == [request for _, request in seen[:2]]
    assert execution.output == "done"


def test_a_lambda_result_holding_nan_fails_the_task_as_not_json_data() -> None:
    """A Lambda function returning NaN inside its result fails with States.Runtime, as a plain resource does."""
    definition = single(task(Resource=FUNCTION_ARN))
    execution = asl.start(definition, {}, resolvers={"S": lambda _p: {"x": [float("nan")]}}, clock=clock())
    assert (execution.status, execution.error) == ("FAILED", "States.Runtime")
    assert "is not JSON data" in (execution.cause or "")
