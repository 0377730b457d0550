"""Resolvers: lookup precedence, Lambda naming, calling conventions, envelopes and errors."""

from __future__ import annotations

import base64
import functools
import json
import linecache
import re
from collections.abc import Callable, Coroutine
from decimal import Decimal
from typing import Any

import anyio
import pytest
from hypothesis import given
from hypothesis import strategies as st

from asl.errors import StatesError
from asl.resolvers import (
    Binding,
    ResolverTable,
    TaskCall,
    invoke,
    missing_resolver_error,
    raw,
    unresolved,
)

INVOKE = "arn:aws:states:::lambda:invoke"
FN_ARN = "arn:aws:lambda:us-east-1:111111111111:function:greet"
CONTEXT = {
    "Execution": {"Id": "arn:aws:states:eu-west-2:222222222222:execution:machine:run-1"},
    "State": {"Name": "S", "EnteredTime": "2024-03-05T07:08:09.123Z"},
}
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
LAMBDA_FILE = "/var/task/handler.py"


def ident(event: Any) -> Any:
    return event


def other(event: Any) -> Any:
    return "other"


def third(event: Any) -> Any:
    return "third"


def key_for(
    resolvers: dict[str, Any], state: str, resource: str, payload: Any = None, **kw: Any
) -> str | None:
    binding = ResolverTable.build(resolvers).find(state, resource, payload, **kw)
    return None if binding is None else binding.key


def call_of(resource: str, state: str = "S", **kw: Any) -> TaskCall:
    return TaskCall(state_name=state, resource=resource, attempt=0, context=kw.pop("context", CONTEXT), **kw)


def run_task(resolvers: dict[str, Any], resource: str, payload: Any, state: str = "S", **kw: Any) -> Any:
    binding = ResolverTable.build(resolvers).find(state, resource, payload)
    assert binding is not None
    return anyio.run(invoke, binding, payload, call_of(resource, state, **kw))


def fail_task(resolvers: dict[str, Any], resource: str, payload: Any, state: str = "S") -> StatesError:
    with pytest.raises(StatesError) as info:
        run_task(resolvers, resource, payload, state)
    return info.value


def drive(coro: Coroutine[Any, Any, Any]) -> Any:
    """Run a coroutine that never suspends, without an event loop."""
    try:
        coro.send(None)
    except StopIteration as stop:
        return stop.value
    raise AssertionError("the coroutine suspended")


@pytest.fixture
def lambda_source(monkeypatch: pytest.MonkeyPatch) -> Callable[[str], Callable[..., Any]]:
    """Compile handler source as the Lambda runtime's /var/task/handler.py; return a resolver."""

    def make(source: str, *, bind_context: bool = True) -> Callable[..., Any]:
        monkeypatch.setitem(
            linecache.cache, LAMBDA_FILE, (len(source), None, source.splitlines(True), LAMBDA_FILE)
        )
        namespace: dict[str, Any] = {"__name__": "handler"}
        exec(compile(source, LAMBDA_FILE, "exec"), namespace)
        handler = namespace["handler"]
        return functools.partial(handler, context=None) if bind_context else handler

    return make


def cause_with_id(error: StatesError) -> tuple[str, str]:
    """The cause with its requestId replaced by <id>, and the requestId."""
    assert error.cause is not None
    request_id = json.loads(error.cause)["requestId"]
    return error.cause.replace(request_id, "<id>"), request_id


# ---- lookup precedence -------------------------------------------------------------------------


def test_state_name_beats_exact_arn_and_glob() -> None:
    """A key equal to the state name wins over the Resource ARN and a glob."""
    resolvers = {FN_ARN: other, "arn:aws:lambda:*": third, "Greet": ident}
    assert key_for(resolvers, "Greet", FN_ARN) == "Greet"


def test_exact_arn_beats_glob() -> None:
    """An exact Resource key wins over a glob that matches it."""
    resolvers = {"arn:aws:lambda:*:*:function:greet": other, FN_ARN: ident}
    assert key_for(resolvers, "S", FN_ARN) == FN_ARN


def test_glob_with_fewer_wildcards_wins() -> None:
    """Of two matching globs the one with fewer wildcards is chosen."""
    resolvers = {"arn:aws:lambda:*:*:function:gr*": other, "arn:aws:lambda:us-east-1:*:function:gr*": ident}
    assert key_for(resolvers, "S", FN_ARN) == "arn:aws:lambda:us-east-1:*:function:gr*"


def test_glob_with_longer_literal_wins_at_equal_wildcards() -> None:
    """With as many wildcards, the glob with more literal text is chosen."""
    resolvers = {"*:greet": other, "*:function:greet": ident}
    assert key_for(resolvers, "S", FN_ARN) == "*:function:greet"


def test_equally_specific_globs_first_registered_wins() -> None:
    """Globs of equal rank resolve to the first one registered."""
    resolvers = {"*sage": ident, "arn:*": other}
    assert key_for(resolvers, "S", "arn:aws:states:::sqs:sendMessage") == "*sage"


def test_character_set_counts_as_one_wildcard() -> None:
    """A [..] set is one wildcard: it beats a glob with two wildcards."""
    resolvers = {"*:function:gree?*": other, "*:function:gre[e]t": ident}
    assert key_for(resolvers, "S", FN_ARN) == "*:function:gre[e]t"


def test_glob_is_case_sensitive() -> None:
    """Globs match ARNs case-sensitively, as ARNs are compared."""
    assert key_for({"*:function:Greet": ident}, "S", FN_ARN) is None


def test_no_match_gives_none() -> None:
    """find() returns None when no key serves the call."""
    assert key_for({"Other": ident, "arn:aws:sqs:*": ident}, "S", FN_ARN) is None


def test_integration_suffix_falls_back_to_base_resource() -> None:
    """A .sync / .waitForTaskToken Resource is served by a key for the base integration."""
    assert (
        key_for({"arn:aws:states:::glue:startJobRun": ident}, "S", "arn:aws:states:::glue:startJobRun.sync")
        == "arn:aws:states:::glue:startJobRun"
    )


def test_full_integration_resource_beats_base() -> None:
    """A key for the Resource with its suffix wins over the base integration key."""
    resolvers = {
        "arn:aws:states:::sqs:sendMessage": other,
        "arn:aws:states:::sqs:sendMessage.waitForTaskToken": ident,
    }
    assert key_for(resolvers, "S", "arn:aws:states:::sqs:sendMessage.waitForTaskToken") == (
        "arn:aws:states:::sqs:sendMessage.waitForTaskToken"
    )


@given(st.from_regex(r"[a-z][a-z0-9-]{0,20}", fullmatch=True))
def test_exact_key_beats_any_matching_glob(name: str) -> None:
    """Whatever the function name, its exact ARN key wins over a catch-all glob."""
    arn = f"arn:aws:lambda:us-east-1:111111111111:function:{name}"
    assert key_for({"*": other, f"*{name}": third, arn: ident}, "S", arn) == arn


# ---- Lambda naming -----------------------------------------------------------------------------


def test_lambda_alias_resource_prefers_qualified_arn() -> None:
    """A Resource with an alias is served by the key for that exact qualified ARN first."""
    resolvers = {FN_ARN: other, "greet": third, FN_ARN + ":prod": ident}
    assert key_for(resolvers, "S", FN_ARN + ":prod") == FN_ARN + ":prod"


def test_lambda_alias_resource_falls_back_to_unqualified_arn() -> None:
    """A Resource with an alias is served by the function's unqualified ARN."""
    assert key_for({"greet": other, FN_ARN: ident}, "S", FN_ARN + ":prod") == FN_ARN


def test_lambda_name_and_alias_key() -> None:
    """A `name:alias` key serves that alias before the bare name."""
    assert key_for({"greet": other, "greet:prod": ident}, "S", FN_ARN + ":prod") == "greet:prod"


def test_lambda_resource_served_by_bare_name() -> None:
    """A function registered under its bare name serves its ARN Resource."""
    assert key_for({"greet": ident}, "S", FN_ARN) == "greet"


@pytest.mark.parametrize(
    "function_name",
    [
        "greet",
        FN_ARN,
        "111111111111:function:greet",
    ],
)
def test_invoke_function_name_forms_find_the_arn_key(function_name: str) -> None:
    """lambda:invoke finds a function registered under its ARN from a name, full or partial ARN."""
    assert key_for({FN_ARN: ident}, "S", INVOKE, {"FunctionName": function_name}) == FN_ARN


def test_invoke_bare_name_uses_execution_region_and_account() -> None:
    """With a context, a bare FunctionName becomes an ARN in the execution's region and account."""
    arn = "arn:aws:lambda:eu-west-2:222222222222:function:greet"
    resolvers = {FN_ARN: other, arn: ident}
    assert key_for(resolvers, "S", INVOKE, {"FunctionName": "greet"}, context=CONTEXT) == arn


def test_invoke_partial_arn_needs_same_account() -> None:
    """A partial ARN names an account; a function registered in another account does not serve it."""
    assert key_for({FN_ARN: ident}, "S", INVOKE, {"FunctionName": "999999999999:function:greet"}) is None


def test_invoke_full_arn_in_other_region_does_not_match() -> None:
    """A full ARN in another region is another function."""
    payload = {"FunctionName": "arn:aws:lambda:eu-west-1:111111111111:function:greet"}
    assert key_for({FN_ARN: ident}, "S", INVOKE, payload) is None


def test_invoke_qualifier_parameter_selects_alias_key() -> None:
    """The Qualifier parameter qualifies a bare FunctionName."""
    resolvers = {"greet": other, "greet:beta": ident}
    assert key_for(resolvers, "S", INVOKE, {"FunctionName": "greet", "Qualifier": "beta"}) == "greet:beta"


def test_invoke_glob_over_function_arn() -> None:
    """A glob over function ARNs serves lambda:invoke with a bare FunctionName."""
    resolvers = {"arn:aws:lambda:*:*:function:Validate*": ident}
    assert key_for(resolvers, "S", INVOKE, {"FunctionName": "ValidateOrder"}) == (
        "arn:aws:lambda:*:*:function:Validate*"
    )


def test_invoke_function_key_beats_integration_key() -> None:
    """A key for the function wins over a key for every lambda:invoke call."""
    assert key_for({INVOKE: other, "greet": ident}, "S", INVOKE, {"FunctionName": "greet"}) == "greet"


def test_wait_for_task_token_finds_the_function() -> None:
    """lambda:invoke.waitForTaskToken looks the function up like lambda:invoke."""
    binding = ResolverTable.build({"greet": ident}).find(
        "S", INVOKE + ".waitForTaskToken", {"FunctionName": "greet"}
    )
    assert binding == Binding("greet", ident, 1, "lambda:invoke.waitForTaskToken")


# ---- building the table ------------------------------------------------------------------------


def test_non_callable_resolver_is_a_type_error_naming_the_key() -> None:
    """build() rejects a value that cannot be called and names its key."""
    with pytest.raises(TypeError, match=r"resolver for 'Fetch' must be callable.*got dict"):
        ResolverTable.build({"Fetch": {"ok": True}})  # type: ignore[dict-item]


def test_non_string_key_is_a_type_error() -> None:
    """build() rejects a key that is not a string."""
    with pytest.raises(TypeError, match="keys must be strings"):
        ResolverTable.build({1: ident})  # type: ignore[dict-item]


def test_empty_key_is_a_value_error() -> None:
    """build() rejects an empty key."""
    with pytest.raises(ValueError, match="must not be empty"):
        ResolverTable.build({"": ident})


def test_resolver_with_three_required_arguments_is_rejected() -> None:
    """build() rejects a callable that needs more than (payload, call)."""
    with pytest.raises(TypeError, match="requires 3 positional arguments"):
        ResolverTable.build({"S": lambda a, b, c: None})


def test_none_builds_an_empty_table() -> None:
    """build(None) gives a table that finds nothing."""
    assert ResolverTable.build(None).find("S", FN_ARN, {}) is None


def test_partial_binding_context_takes_one_argument() -> None:
    """A functools.partial binding the handler's context by keyword is called with the payload only."""

    def handler(event: Any, context: Any) -> Any:
        return [event, context]

    assert run_task(
        {"S": functools.partial(handler, context="ctx")}, "arn:aws:states:::sqs:sendMessage", 5
    ) == [
        5,
        "ctx",
    ]


# ---- calling conventions -----------------------------------------------------------------------


def test_resolver_taking_task_call_gets_it() -> None:
    """A two-argument resolver receives the TaskCall."""
    seen: list[TaskCall] = []

    def resolver(payload: Any, call: TaskCall) -> Any:
        seen.append(call)
        return payload

    run_task({"S": resolver}, "arn:aws:states:::sqs:sendMessage", {}, task_token="tok")
    assert (seen[0].state_name, seen[0].attempt, seen[0].task_token) == ("S", 0, "tok")


def test_async_resolver_is_awaited() -> None:
    """An async resolver's awaited value is the result."""

    async def resolver(payload: Any) -> Any:
        await anyio.sleep(0)
        return {"got": payload}

    assert run_task({"S": resolver}, "arn:aws:states:::sqs:sendMessage", 1) == {"got": 1}


def test_async_resolver_taking_task_call() -> None:
    """An async two-argument resolver receives the TaskCall."""

    async def resolver(payload: Any, call: TaskCall) -> Any:
        return call.resource

    assert (
        run_task({"S": resolver}, "arn:aws:states:::sqs:sendMessage", 1) == "arn:aws:states:::sqs:sendMessage"
    )


def test_zero_argument_resolver() -> None:
    """A resolver taking no arguments is called without the payload."""
    assert run_task({"S": lambda: 42}, "arn:aws:states:::sqs:sendMessage", {"x": 1}) == 42


def test_plain_resource_returns_the_same_object() -> None:
    """A non-Lambda resource's result is returned as is, not copied."""
    result = {"a": [1, 2]}
    assert run_task({"S": lambda _: result}, "arn:aws:states:::dynamodb:getItem", {}) is result


def test_lambda_resource_returns_bare_result() -> None:
    """An arn:aws:lambda Resource's result is the function's return value, no envelope."""
    assert run_task({FN_ARN: lambda e: {"hello": e["name"]}}, FN_ARN, {"name": "ann"}) == {"hello": "ann"}


def test_lambda_result_decimal_becomes_float() -> None:
    """The Lambda runtime serialises Decimal as a number."""
    assert run_task({FN_ARN: lambda e: {"n": Decimal("1.5")}}, FN_ARN, {}) == {"n": 1.5}


def test_lambda_result_not_json_is_marshal_error() -> None:
    """A Lambda result that is not JSON fails as the Python runtime reports it."""
    error = fail_task({FN_ARN: lambda e: {1, 2}}, FN_ARN, {})
    cause, _ = cause_with_id(error)
    assert (error.error, cause) == (
        "Runtime.MarshalError",
        '{"errorMessage": "Unable to marshal response: Object of type set is not JSON serializable", '
        '"errorType": "Runtime.MarshalError", "requestId": "<id>", "stackTrace": []}',
    )


def test_raw_resolver_skips_the_envelope() -> None:
    """A raw() resolver for lambda:invoke gets the whole input and its result is the task result."""
    result = run_task(
        {"greet": raw(lambda p: {"StatusCode": 200, "Payload": p})}, INVOKE, {"FunctionName": "greet"}
    )
    assert result == {"StatusCode": 200, "Payload": {"FunctionName": "greet"}}


# ---- bytes -------------------------------------------------------------------------------------


def test_bytes_result_is_parsed_as_json() -> None:
    """bytes returned by a Lambda are its JSON response body."""
    assert run_task({FN_ARN: lambda e: b'"HelloWorld!"'}, FN_ARN, {}) == "HelloWorld!"


def test_bytearray_result_is_parsed_as_json() -> None:
    """A bytearray is read like bytes."""
    assert run_task({"S": lambda e: bytearray(b'{"a": [1]}')}, "arn:aws:states:::sqs:sendMessage", {}) == {
        "a": [1]
    }


def test_bytes_that_are_not_json_become_a_string() -> None:
    """A response body that is not JSON is kept as text."""
    assert run_task({FN_ARN: lambda e: b"plain text"}, FN_ARN, {}) == "plain text"


def test_bytes_over_256_kib_exceed_the_data_limit() -> None:
    """More than 256 KiB of response fails with States.DataLimitExceeded naming the resource."""
    error = fail_task({FN_ARN: lambda e: b"a" * (257 * 1024)}, FN_ARN, {})
    assert (error.error, error.cause) == (
        "States.DataLimitExceeded",
        f"The state/task '{FN_ARN}' returned a result with a size exceeding the maximum number of bytes "
        "service limit.",
    )


def test_bytes_of_exactly_256_kib_are_accepted() -> None:
    """The limit is inclusive: 262144 bytes of JSON pass."""
    body = b'"' + b"a" * (262144 - 2) + b'"'
    assert len(run_task({FN_ARN: lambda e: body}, FN_ARN, {})) == 262142


# ---- lambda:invoke -----------------------------------------------------------------------------


def test_invoke_envelope_shape() -> None:
    """lambda:invoke wraps the result as the Invoke response with Step Functions' keys."""
    out = run_task(
        {"greet": lambda e: {"body": "string body"}}, INVOKE, {"FunctionName": "greet", "Payload": {}}
    )
    request_id = out["SdkResponseMetadata"]["RequestId"]
    trace = out["SdkHttpMetadata"]["HttpHeaders"]["X-Amzn-Trace-Id"]
    assert UUID.fullmatch(request_id)
    assert re.fullmatch(r"root=1-[0-9a-f]{8}-[0-9a-f]{24};sampled=0", trace)
    assert out == {
        "ExecutedVersion": "$LATEST",
        "Payload": {"body": "string body"},
        "SdkHttpMetadata": {
            "AllHttpHeaders": {
                "X-Amz-Executed-Version": ["$LATEST"],
                "x-amzn-Remapped-Content-Length": ["0"],
                "Connection": ["keep-alive"],
                "x-amzn-RequestId": [request_id],
                "Content-Length": ["23"],
                "Date": ["Tue, 05 Mar 2024 07:08:09 GMT"],
                "X-Amzn-Trace-Id": [trace],
                "Content-Type": ["application/json"],
            },
            "HttpHeaders": {
                "Connection": "keep-alive",
                "Content-Length": "23",
                "Content-Type": "application/json",
                "Date": "Tue, 05 Mar 2024 07:08:09 GMT",
                "X-Amz-Executed-Version": "$LATEST",
                "x-amzn-Remapped-Content-Length": "0",
                "x-amzn-RequestId": request_id,
                "X-Amzn-Trace-Id": trace,
            },
            "HttpStatusCode": 200,
        },
        "SdkResponseMetadata": {"RequestId": request_id},
        "StatusCode": 200,
    }


def test_invoke_http_headers_are_sorted_case_insensitively() -> None:
    """HttpHeaders are ordered like Java's case-insensitive header map."""
    out = run_task({"greet": ident}, INVOKE, {"FunctionName": "greet"})
    assert list(out["SdkHttpMetadata"]["HttpHeaders"]) == [
        "Connection",
        "Content-Length",
        "Content-Type",
        "Date",
        "X-Amz-Executed-Version",
        "x-amzn-Remapped-Content-Length",
        "x-amzn-RequestId",
        "X-Amzn-Trace-Id",
    ]


@pytest.mark.parametrize(
    ("payload", "event"),
    [
        ({"FunctionName": "greet"}, {}),
        ({"FunctionName": "greet", "Payload": None}, {}),
        ({"FunctionName": "greet", "Payload": "true"}, True),
        ({"FunctionName": "greet", "Payload": '"HelloWorld"'}, "HelloWorld"),
        ({"FunctionName": "greet", "Payload": "not json"}, "not json"),
        ({"FunctionName": "greet", "Payload": [1, {"a": 2}]}, [1, {"a": 2}]),
    ],
)
def test_invoke_payload_is_the_event(payload: dict[str, Any], event: Any) -> None:
    """The function gets Payload: {} when absent or null, JSON text parsed, other values as they are."""
    assert run_task({"greet": ident}, INVOKE, payload)["Payload"] == event


@pytest.mark.parametrize(("value", "length"), [(0, "1"), (True, "4"), ("HelloWorld", "12"), ({}, "2")])
def test_invoke_content_length_is_the_json_body_size(value: Any, length: str) -> None:
    """Content-Length is the size of the runtime's JSON text of the result."""
    out = run_task({"greet": lambda e: value}, INVOKE, {"FunctionName": "greet"})
    assert out["SdkHttpMetadata"]["HttpHeaders"]["Content-Length"] == length


def test_invoke_bytes_payload_content_length() -> None:
    """For bytes, Content-Length is their length and Payload the parsed JSON."""
    out = run_task({"greet": lambda e: b'"HelloWorld!"'}, INVOKE, {"FunctionName": "greet"})
    assert (out["Payload"], out["SdkHttpMetadata"]["AllHttpHeaders"]["Content-Length"]) == (
        "HelloWorld!",
        ["13"],
    )


def test_invoke_version_qualifier_is_executed_version() -> None:
    """Invoking a numbered version reports it as ExecutedVersion."""
    out = run_task({"greet": ident}, INVOKE, {"FunctionName": "greet:7"})
    assert (out["ExecutedVersion"], out["SdkHttpMetadata"]["HttpHeaders"]["X-Amz-Executed-Version"]) == (
        "7",
        "7",
    )


def test_invoke_log_type_tail_adds_log_result() -> None:
    """LogType Tail adds LogResult (base64 log tail) and its header."""
    out = run_task({"greet": ident}, INVOKE, {"FunctionName": "greet", "LogType": "Tail"})
    log = base64.b64decode(out["LogResult"]).decode()
    assert log.startswith(f"START RequestId: {out['SdkResponseMetadata']['RequestId']} Version: $LATEST\n")
    assert out["SdkHttpMetadata"]["HttpHeaders"]["X-Amz-Log-Result"] == out["LogResult"]


def test_invoke_event_invocation_is_accepted_with_202() -> None:
    """InvocationType Event returns status 202 and an empty Payload, even when the function fails."""

    def failing(event: Any) -> Any:
        raise ValueError("ignored")

    out = run_task({"greet": failing}, INVOKE, {"FunctionName": "greet", "InvocationType": "Event"})
    assert (out["StatusCode"], out["Payload"], out["SdkHttpMetadata"]["HttpStatusCode"]) == (202, "", 202)


def test_invoke_date_defaults_to_now_without_entered_time() -> None:
    """Without $$.State.EnteredTime the Date header is an HTTP date for now."""
    out = run_task({"greet": ident}, INVOKE, {"FunctionName": "greet"}, context={})
    assert re.fullmatch(
        r"[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT",
        out["SdkHttpMetadata"]["HttpHeaders"]["Date"],
    )


def test_wait_for_task_token_returns_bare_result() -> None:
    """With .waitForTaskToken the resolver's value is the callback output: no envelope."""
    resource = INVOKE + ".waitForTaskToken"
    result = run_task(
        {"greet": lambda e: {"token": e["token"]}},
        resource,
        {"FunctionName": "greet", "Payload": {"token": "t"}},
    )
    assert result == {"token": "t"}


@given(
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.text(),
        lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
        max_leaves=20,
    )
)
def test_invoke_payload_round_trips_json_values(value: Any) -> None:
    """Any JSON value the function returns is the envelope's Payload, unchanged."""
    out = run_task({"greet": lambda e: value}, INVOKE, {"FunctionName": "greet"})
    assert out["Payload"] == value


# ---- errors ------------------------------------------------------------------------------------


def test_states_error_passes_through_unchanged() -> None:
    """A StatesError raised by a resolver is the task's error, the very same object."""
    raised = StatesError("Custom.Failure", "because")

    def resolver(event: Any) -> Any:
        raise raised

    assert fail_task({FN_ARN: resolver}, FN_ARN, {}) is raised


RAISE_SOURCE = 'def handler(event, context):\n    raise Exception("Some exception was raised.")\n'


def test_lambda_resource_exception_cause_is_runtime_json(lambda_source: Callable[..., Any]) -> None:
    """An exception from an arn:aws:lambda Resource gives the Lambda runtime's spaced error JSON."""
    error = fail_task({FN_ARN: lambda_source(RAISE_SOURCE)}, FN_ARN, {})
    cause, request_id = cause_with_id(error)
    assert UUID.fullmatch(request_id)
    assert (error.error, cause) == (
        "Exception",
        '{"errorMessage": "Some exception was raised.", "errorType": "Exception", "requestId": "<id>", '
        '"stackTrace": ["  File \\"/var/task/handler.py\\", line 2, in handler\\n'
        '    raise Exception(\\"Some exception was raised.\\")\\n"]}',
    )


def test_invoke_exception_cause_is_compact_json(lambda_source: Callable[..., Any]) -> None:
    """An exception under lambda:invoke gives the same error JSON without spaces."""
    error = fail_task({"greet": lambda_source(RAISE_SOURCE)}, INVOKE, {"FunctionName": "greet"})
    cause, _ = cause_with_id(error)
    assert (error.error, cause) == (
        "Exception",
        '{"errorMessage":"Some exception was raised.","errorType":"Exception","requestId":"<id>",'
        '"stackTrace":["  File \\"/var/task/handler.py\\", line 2, in handler\\n'
        '    raise Exception(\\"Some exception was raised.\\")\\n"]}',
    )


def test_custom_exception_with_empty_message(lambda_source: Callable[..., Any]) -> None:
    """The error is the class name and errorMessage is str(exc), empty here."""
    source = (
        "class CustomException(Exception):\n"
        "    def __init__(self):\n"
        "        self.message = 'not passed to Exception'\n"
        "\n"
        "\n"
        "\n"
        "\n"
        "def handler(event, context):\n"
        "    raise CustomException()\n"
    )
    error = fail_task({FN_ARN: lambda_source(source)}, FN_ARN, {})
    cause, _ = cause_with_id(error)
    assert (error.error, cause) == (
        "CustomException",
        '{"errorMessage": "", "errorType": "CustomException", "requestId": "<id>", '
        '"stackTrace": ["  File \\"/var/task/handler.py\\", line 9, in handler\\n'
        '    raise CustomException()\\n"]}',
    )


def test_stack_trace_lists_every_resolver_frame_in_order(lambda_source: Callable[..., Any]) -> None:
    """Frames below the handler are kept, outermost first; none of the library's frames appear."""
    source = (
        "def helper(event):\n"
        '    raise ValueError("bad " + event)\n'
        "\n"
        "\n"
        "def handler(event, context):\n"
        "    helper(event)\n"
    )
    error = fail_task({FN_ARN: lambda_source(source)}, FN_ARN, "input")
    assert error.cause is not None
    assert json.loads(error.cause)["stackTrace"] == [
        '  File "/var/task/handler.py", line 6, in handler\n    helper(event)\n',
        '  File "/var/task/handler.py", line 2, in helper\n    raise ValueError("bad " + event)\n',
    ]


def test_async_resolver_stack_trace_has_only_its_frame(lambda_source: Callable[..., Any]) -> None:
    """An async resolver's traceback starts at its own coroutine frame."""
    source = 'async def handler(event):\n    raise RuntimeError("async boom")\n'
    error = fail_task({FN_ARN: lambda_source(source, bind_context=False)}, FN_ARN, {})
    assert error.cause is not None
    body = json.loads(error.cause)
    assert (error.error, body["errorMessage"], body["stackTrace"]) == (
        "RuntimeError",
        "async boom",
        ['  File "/var/task/handler.py", line 2, in handler\n    raise RuntimeError("async boom")\n'],
    )


def test_error_type_is_class_name_not_qualified() -> None:
    """errorType and the error are the bare class name, as the Lambda runtime reports them."""

    class Inner:
        class Nested(Exception):
            pass

    def resolver(event: Any) -> Any:
        raise Inner.Nested("x")

    error = fail_task({"S": resolver}, "arn:aws:states:::sqs:sendMessage", {})
    assert error.cause is not None
    assert (error.error, json.loads(error.cause)["errorType"]) == ("Nested", "Nested")


class Halt(BaseException):
    """A BaseException that is not an Exception."""


@pytest.mark.parametrize("kind", [KeyboardInterrupt, SystemExit, Halt])
def test_base_exceptions_propagate_untouched(kind: type[BaseException]) -> None:
    """KeyboardInterrupt, SystemExit and other non-Exception BaseExceptions are not task failures."""
    raised = kind()

    def resolver(event: Any) -> Any:
        raise raised

    binding = ResolverTable.build({"S": resolver}).find("S", FN_ARN, {})
    assert binding is not None
    with pytest.raises(kind) as info:
        drive(invoke(binding, {}, call_of(FN_ARN)))
    assert info.value is raised


# ---- missing resolvers -------------------------------------------------------------------------


def test_missing_invoke_function_uses_execution_home() -> None:
    """A missing function under lambda:invoke is AWS's 404, its ARN in the execution's region and account."""
    error = missing_resolver_error("S", INVOKE, {"FunctionName": "nope"}, CONTEXT)
    assert error.error == "Lambda.ResourceNotFoundException"
    assert error.cause is not None
    assert re.fullmatch(
        r"Function not found: arn:aws:lambda:eu-west-2:222222222222:function:nope:\$LATEST "
        r"\(Service: AWSLambda; Status Code: 404; Error Code: ResourceNotFoundException; "
        r"Request ID: [0-9a-f-]{36}; Proxy: null\)",
        error.cause,
    )


def test_missing_invoke_function_without_context_uses_defaults() -> None:
    """Without a context the ARN is built in us-east-1 and account 111111111111."""
    cause = missing_resolver_error("S", INVOKE, {"FunctionName": "nope"}).cause
    assert cause is not None
    assert cause.startswith(
        "Function not found: arn:aws:lambda:us-east-1:111111111111:function:nope:$LATEST ("
    )


def test_missing_qualified_lambda_keeps_its_qualifier() -> None:
    """A missing alias is reported with its qualifier instead of $LATEST."""
    cause = missing_resolver_error("S", FN_ARN + ":prod", {}).cause
    assert cause is not None
    assert cause.startswith(f"Function not found: {FN_ARN}:prod (Service: AWSLambda;")


def test_missing_non_lambda_resolver_is_states_runtime() -> None:
    """A missing resolver for another resource is States.Runtime naming state and resource."""
    error = missing_resolver_error("Fetch", "arn:aws:states:::dynamodb:getItem", {})
    assert error.error == "States.Runtime"
    assert error.cause is not None
    assert "'Fetch'" in error.cause
    assert "'arn:aws:states:::dynamodb:getItem'" in error.cause


def test_unresolved_lists_tasks_without_resolver() -> None:
    """unresolved() reports each task no key serves and skips served ones."""
    table = ResolverTable.build({"A": ident, "greet": ident})
    problems = unresolved(
        table,
        [
            ("A", "arn:aws:states:::sqs:sendMessage"),
            ("B", "arn:aws:states:::sqs:sendMessage"),
            ("C", INVOKE, "greet"),
            ("D", INVOKE, "nope"),
        ],
    )
    assert problems == [
        "state 'B': no resolver for Resource 'arn:aws:states:::sqs:sendMessage'",
        f"state 'D': no resolver for Resource '{INVOKE}' (FunctionName 'nope')",
    ]


def test_unresolved_dynamic_function_name_with_resolvers_is_not_reported() -> None:
    """A lambda:invoke task whose FunctionName is known only at run time is not reported."""
    assert unresolved(ResolverTable.build({"greet": ident}), [("S", INVOKE, None)]) == []


# ---- TaskCall ----------------------------------------------------------------------------------


def test_task_call_context_is_a_copy_of_the_one_given() -> None:
    """TaskCall.context equals the context given but is not the same object, nested dicts included."""
    given = {"Execution": {"Input": {"x": 1}}, "State": {"Name": "S"}}
    call = TaskCall(state_name="S", resource="r", attempt=0, context=given)
    assert call.context == given
    assert call.context["Execution"] is not given["Execution"]


def test_task_call_context_keeps_the_resolvers_own_changes() -> None:
    """A resolver that changes TaskCall.context reads its change back; the given context is untouched."""
    given = {"Execution": {"Input": {"x": 1}}}
    call = TaskCall(state_name="S", resource="r", attempt=0, context=given)
    call.context["Execution"]["Input"]["x"] = 2  # type: ignore[index]
    assert (call.context["Execution"]["Input"]["x"], given["Execution"]["Input"]["x"]) == (2, 1)


def test_task_call_request_id_is_a_uuid4_of_its_bits() -> None:
    """TaskCall.request_id is the version-4 UUID text made from request_bits."""
    call = TaskCall(state_name="S", resource="r", attempt=0, context={}, request_bits=0)
    assert call.request_id == "00000000-0000-4000-8000-000000000000"


def test_task_call_request_id_is_stable_for_one_call() -> None:
    """Reading request_id twice gives the same id, and two calls get different ids."""
    first = TaskCall(state_name="S", resource="r", attempt=0, context={})
    second = TaskCall(state_name="S", resource="r", attempt=0, context={})
    assert first.request_id == first.request_id
    assert first.request_id != second.request_id


def test_invoke_envelope_request_id_is_the_calls() -> None:
    """The lambda:invoke envelope carries the call's request id in the body and the headers."""
    call = call_of(INVOKE, request_bits=5)
    binding = ResolverTable.build({"greet": ident}).find("S", INVOKE, {"FunctionName": "greet", "Payload": {}})
    assert binding is not None
    out = anyio.run(invoke, binding, {"FunctionName": "greet", "Payload": {}}, call)
    assert out["SdkResponseMetadata"]["RequestId"] == "00000000-0000-4000-8000-000000000005"
    assert out["SdkHttpMetadata"]["HttpHeaders"]["x-amzn-RequestId"] == "00000000-0000-4000-8000-000000000005"
