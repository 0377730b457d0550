"""Generated state machines: whatever the definition, input and resolvers, only documented outcomes.

A hypothesis strategy builds whole machines: every state type, nested Parallel and Map,
Retry and Catch, random JSONPath paths, payload templates, intrinsic calls (nested), JSONata
expressions, variables, loops; valid ones and ones broken on purpose. Inputs are random
JSON shaped to meet the paths; resolvers return, raise, return bytes or return non-JSON.

Properties:

* ``asl.validate`` returns a list of :class:`asl.DefinitionIssue` and never raises;
* ``asl.parse`` raises only :class:`asl.DefinitionError`, exactly when ``validate`` finds issues;
* ``asl.run`` (virtual clock, bounded transitions) returns or raises only
  :class:`asl.ExecutionFailed`, and never fails with an internal error of ``asl``.

Examples per test: 40 by default (the file runs in well under 30 s); set
``ASL_FUZZ_EXAMPLES=10000`` for a long run (see docs/security.md).
"""

from __future__ import annotations

import inspect
import json
import os
import random
from typing import Any

import anyio
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import asl
from asl.execution import Execution
from asl.executor import execute
from asl.limits import Limits
from asl.resolvers import ResolverTable
from asl.testing import VirtualClock

EXAMPLES = int(os.environ.get("ASL_FUZZ_EXAMPLES", "40"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
)

#: Bounds that keep every generated execution short: an endless loop ends at 300 states.
LIMITS = Limits(max_transitions=300, max_duration_seconds=10 * 365 * 24 * 3600, jsonata_timeout_seconds=2.0)

# -- leaves -------------------------------------------------------------------------------------

SCALARS = st.none() | st.booleans() | st.integers(-5, 5) | st.floats(-1e3, 1e3, allow_nan=False) | st.sampled_from(
    ["", "a", "b", "x y", "{}", "2024-01-01T00:00:00Z", "a,b,,c", "aGVsbG8=", "\u20ac", "\\", "'", "*"]
)
JSON = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.sampled_from(["a", "b", "c", "x", "items"]), inner,
                                                                 max_size=4),
    max_leaves=12,
)

VARIABLES = ["v", "w", "count"]

PATHS = [
    "$", "$.a", "$.b", "$.a.b", "$.a[0]", "$.items", "$.items[0]", "$.items[*]", "$.items[*].a", "$..a",
    "$.items[0:2]", "$.items[-1:]", "$.items[?(@.a > 1)]", "$.items.length()", "$['a']", "$.x.y.z",
    "$$", "$$.Execution.Input", "$$.Execution.Name", "$$.State.Name", "$$.State.RetryCount",
    "$$.Map.Item.Value", "$$.Map.Item.Index", "$$.Task.Token", "$v", "$w.a", "$count",
]
BAD_PATHS = ["", "$.", "$[", "a.b", "$.a[", "$..", "$.a[?(", "States.Nope()", "$$$", "$.a b"]
REFERENCE_PATHS = ["$", "$.a", "$.b", "$.a.b", "$.items[0]", "$.r", "$.x.y"]

ERRORS = ["States.ALL", "States.TaskFailed", "States.Timeout", "States.Runtime", "States.DataLimitExceeded",
          "States.IntrinsicFailure", "States.QueryEvaluationError", "ValueError", "Custom.Error", "Lambda.Unknown"]

RESOURCES = [
    "arn:aws:states:::lambda:invoke",
    "arn:aws:lambda:us-east-1:123456789012:function:fn",
    "arn:aws:states:::aws-sdk:s3:getObject",
    "arn:aws:states:::dynamodb:putItem",
    "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
    "arn:aws:states:us-east-1:123456789012:activity:act",
    "arn:aws:states:::states:startExecution.sync:2",
]

# -- intrinsic functions ------------------------------------------------------------------------

_LITERAL_ARGS = ["'a'", "'{}'", "'a,b'", "','", "1", "2", "0", "-1", "1.5", "true", "null", "'SHA-256'", "'MD5'",
                 "'aGVsbG8='", "'{\"k\": 1}'", "'{} and {}'"]
_FUNCTIONS = {
    "States.Format": (1, 3), "States.StringToJson": (1, 1), "States.JsonToString": (1, 1), "States.Array": (0, 3),
    "States.ArrayPartition": (2, 2), "States.ArrayContains": (2, 2), "States.ArrayRange": (3, 3),
    "States.ArrayGetItem": (2, 2), "States.ArrayLength": (1, 1), "States.ArrayUnique": (1, 1),
    "States.Base64Encode": (1, 1), "States.Base64Decode": (1, 1), "States.Hash": (2, 2),
    "States.JsonMerge": (3, 3), "States.MathRandom": (2, 3), "States.MathAdd": (2, 2), "States.StringSplit": (2, 2),
    "States.UUID": (0, 0), "States.Unknown": (0, 2),
}


@st.composite
def intrinsics(draw: st.DrawFn, depth: int = 3) -> str:
    """A call, arguments drawn from literals, paths and (while depth lasts) nested calls."""
    name = draw(st.sampled_from(sorted(_FUNCTIONS)))
    low, high = _FUNCTIONS[name]
    args = []
    for _ in range(draw(st.integers(low, high))):
        choice = draw(st.integers(0, 3 if depth > 0 else 2))
        if choice == 0:
            args.append(draw(st.sampled_from(_LITERAL_ARGS)))
        elif choice in (1, 2):
            args.append(draw(st.sampled_from(PATHS)))
        else:
            args.append(draw(intrinsics(depth - 1)))
    return f"{name}({', '.join(args)})"


# -- JSONata ------------------------------------------------------------------------------------

_JSONATA_ATOMS = [
    "$states.input", "$states.input.a", "$states.input.items", "$states.input.items[0]", "$states.context",
    "$states.context.Execution.Input", "$states.context.Map.Item.Value", "$states.result", "$states.errorOutput",
    "$v", "$w", "$count", "1", "2.5", "'text'", "true", "null", "[1, 2, 3]", "{'k': 1}",
]
_JSONATA_CALLS = [
    "$string({0})", "$number({0})", "$count({0})", "$sum({0})", "$exists({0})", "$keys({0})", "$type({0})",
    "$partition({0}, 2)", "$range(0, {0}, 1)", "$hash($string({0}), 'SHA-256')", "$random()", "$uuid()",
    "$parse($string({0}))", "$map({0}, function($x){{ $x }})", "$merge([{0}, {{'z': 1}}])", "$now()",
    "$eval('1')", "$split($string({0}), ',')", "$join([$string({0})], '-')", "$abs({0})", "{0} ? {0} : 0",
    "({0}) + 1", "{0} & 'x'", "{0} = {0}", "$not({0})", "$boolean({0})", "$single({0})", "$shuffle({0})",
    "$match($string({0}), /a+/)", "$replace($string({0}), 'a', 'b')", "$formatNumber({0}, '#,##0')",
    "$fromMillis({0})", "$millis()", "$zip({0}, {0})", "$sort({0})", "$distinct({0})", "$error('boom')",
]
_JSONATA_BAD = ["(", "$x(", "1 +", "{ 'a': }", "$.a ?? 1", "[1..]", "function(", "'unclosed", "$", "$$", "a"]


@st.composite
def jsonata_bodies(draw: st.DrawFn, depth: int = 2) -> str:
    """The text of a JSONata expression, sometimes not a valid one."""
    if draw(st.integers(0, 60)) == 0:
        return draw(st.sampled_from(_JSONATA_BAD))
    if depth == 0 or draw(st.booleans()):
        return draw(st.sampled_from(_JSONATA_ATOMS))
    inner = draw(jsonata_bodies(depth - 1))
    return draw(st.sampled_from(_JSONATA_CALLS)).format(inner)


def jsonata() -> st.SearchStrategy[str]:
    """A ``{% %}`` string."""
    return jsonata_bodies().map(lambda body: "{% " + body + " %}")


# -- templates and values -----------------------------------------------------------------------


@st.composite
def templates(draw: st.DrawFn, lang: str, depth: int = 2) -> Any:
    """A payload template (JSONPath: ``"k.$"`` keys) or a JSONata value with expressions inside."""
    out: dict[str, Any] = {}
    for index in range(draw(st.integers(0, 3))):
        key = "abcx"[index]
        kind = draw(st.integers(0, 5))
        if lang == "JSONata":
            if kind < 3:
                out[key] = draw(jsonata())
            elif kind == 3 and depth > 0:
                out[key] = draw(templates(lang, depth - 1))
            else:
                out[key] = draw(JSON)
        elif kind < 2:
            out[key + ".$"] = draw(st.sampled_from(PATHS + BAD_PATHS[:2]))
        elif kind == 2:
            out[key + ".$"] = draw(intrinsics())
        elif kind == 3 and depth > 0:
            out[key] = draw(templates(lang, depth - 1))
        else:
            out[key] = draw(JSON)
    return out


def assign(draw: st.DrawFn, lang: str) -> dict[str, Any]:
    names = draw(st.lists(st.sampled_from(VARIABLES), max_size=2, unique=True))
    if lang == "JSONata":
        return {name: draw(jsonata() | JSON) for name in names}
    out: dict[str, Any] = {}
    for name in names:
        if draw(st.booleans()):
            out[name + ".$"] = draw(st.sampled_from(PATHS[:-3]) | intrinsics(1))
        else:
            out[name] = draw(JSON)
    return out


# -- states -------------------------------------------------------------------------------------


class Names:
    """Fresh state names for one machine (names are unique across the whole definition)."""

    def __init__(self) -> None:
        self.count = 0
        self.tasks: list[str] = []

    def fresh(self, prefix: str) -> str:
        self.count += 1
        return f"{prefix}{self.count}"


def error_lists(draw: st.DrawFn, count: int) -> list[list[str]]:
    """``count`` ErrorEquals lists; States.ALL only alone and in the last one (as AWS requires)."""
    lists = [draw(st.lists(st.sampled_from(ERRORS[1:]), min_size=1, max_size=2, unique=True)) for _ in range(count)]
    if lists and draw(st.booleans()):
        lists[-1] = ["States.ALL"]
    return lists


def retriers(draw: st.DrawFn) -> list[dict[str, Any]]:
    out = []
    for errors in error_lists(draw, draw(st.integers(0, 2))):
        retrier: dict[str, Any] = {"ErrorEquals": errors}
        if draw(st.booleans()):
            retrier["MaxAttempts"] = draw(st.integers(0, 3))
        if draw(st.booleans()):
            retrier["IntervalSeconds"] = draw(st.integers(1, 100))
        if draw(st.booleans()):
            retrier["BackoffRate"] = draw(st.sampled_from([1, 1.5, 2.0, 10]))
        if draw(st.booleans()):
            retrier["MaxDelaySeconds"] = draw(st.integers(1, 50))
        if draw(st.booleans()):
            retrier["JitterStrategy"] = draw(st.sampled_from(["FULL", "NONE"]))
        out.append(retrier)
    return out


def catchers(draw: st.DrawFn, lang: str, targets: list[str]) -> list[dict[str, Any]]:
    out = []
    for errors in error_lists(draw, draw(st.integers(0, 2))):
        catcher: dict[str, Any] = {"ErrorEquals": errors, "Next": draw(st.sampled_from(targets))}
        if lang == "JSONPath" and draw(st.booleans()):
            catcher["ResultPath"] = draw(st.sampled_from([*REFERENCE_PATHS, None]))
        if lang == "JSONata" and draw(st.booleans()):
            catcher["Output"] = draw(jsonata())
        if draw(st.integers(0, 3)) == 0:
            catcher["Assign"] = assign(draw, lang)
        out.append(catcher)
    return out


def io_fields(draw: st.DrawFn, lang: str, state: dict[str, Any], kind: str) -> None:
    """InputPath/OutputPath/ResultPath/Parameters/ResultSelector (JSONPath), Output/Arguments (JSONata)."""
    if lang == "JSONata":
        if kind != "Fail" and draw(st.booleans()):
            state["Output"] = draw(jsonata() | templates("JSONata"))
        if kind in ("Task", "Parallel") and draw(st.booleans()):
            state["Arguments"] = draw(templates("JSONata") | jsonata())
        return
    if kind in ("Succeed", "Fail"):
        return
    if draw(st.integers(0, 3)) == 0:
        state["InputPath"] = draw(st.sampled_from([*PATHS[:8], None]))
    if kind not in ("Choice", "Wait") and draw(st.integers(0, 2)) == 0:
        state["OutputPath"] = draw(st.sampled_from([*PATHS[:8], None]))
    if kind in ("Pass", "Task", "Parallel", "Map"):
        if draw(st.booleans()):
            state["ResultPath"] = draw(st.sampled_from([*REFERENCE_PATHS, None]))
        if draw(st.booleans()):
            key = "ItemSelector" if kind == "Map" and draw(st.booleans()) else "Parameters"
            state[key] = draw(templates("JSONPath"))
        if kind != "Pass" and draw(st.integers(0, 2)) == 0:
            state["ResultSelector"] = draw(templates("JSONPath"))


def choice_rules(draw: st.DrawFn, lang: str, targets: list[str], depth: int = 2) -> dict[str, Any]:
    if lang == "JSONata":
        return {"Condition": draw(jsonata())}
    if depth > 0 and draw(st.integers(0, 3)) == 0:
        operator = draw(st.sampled_from(["And", "Or", "Not"]))
        if operator == "Not":
            return {"Not": choice_rules(draw, lang, targets, depth - 1)}
        return {operator: [choice_rules(draw, lang, targets, depth - 1) for _ in range(draw(st.integers(1, 2)))]}
    operator = draw(st.sampled_from([
        "StringEquals", "StringMatches", "StringLessThan", "NumericEquals", "NumericGreaterThan", "BooleanEquals",
        "TimestampEquals", "TimestampLessThan", "IsPresent", "IsNull", "IsString", "IsNumeric", "IsBoolean",
        "IsTimestamp", "NumericEqualsPath", "StringEqualsPath",
    ]))
    operands = {
        "String": st.sampled_from(["a", "*", "a*b", "\\*", "", "x y"]),
        "Numeri": st.integers(-2, 5) | st.floats(-2, 5, allow_nan=False),
        "Boolea": st.booleans(),
        "Timest": st.sampled_from(["2024-01-01T00:00:00Z", "2016-03-14T01:59:00.123+01:00", "bad"]),
        "Is": st.booleans(),
    }
    if operator.endswith("Path"):
        operand: Any = draw(st.sampled_from(PATHS[:10]))
    else:
        operand = draw(operands.get(operator[:6], operands["Is"]) if not operator.startswith("Is") else st.booleans())
    variable = draw(st.sampled_from([*REFERENCE_PATHS, "$$.Execution.Input", "$v", "$.items[0].a"]))
    return {"Variable": variable, operator: operand}


def make_state(draw: st.DrawFn, kind: str, top: str, names: Names, targets: list[str], depth: int,
               name: str, following: str | None) -> dict[str, Any]:
    """One state of ``kind``; ``top`` is the definition's QueryLanguage, ``following`` the usual Next."""
    lang = top
    state: dict[str, Any] = {"Type": kind}
    if draw(st.integers(0, 5)) == 0:
        state["Comment"] = "generated"
    if draw(st.integers(0, 6)) == 0:
        state["QueryLanguage"] = "JSONata"
        lang = "JSONata"
    io_fields(draw, lang, state, kind)
    if kind not in ("Succeed", "Fail", "Choice") and draw(st.integers(0, 3)) == 0:
        state["Assign"] = assign(draw, lang)
    if kind == "Pass" and lang == "JSONPath" and draw(st.booleans()):
        state["Result"] = draw(JSON)
    elif kind == "Task":
        names.tasks.append(name)
        state["Resource"] = draw(st.sampled_from(RESOURCES))
        if draw(st.booleans()):
            state["TimeoutSeconds"] = draw(st.integers(1, 100)) if lang == "JSONPath" or draw(st.booleans()) else \
                draw(jsonata())
        if "TimeoutSeconds" not in state and draw(st.integers(0, 3)) == 0:
            state["HeartbeatSeconds"] = draw(st.integers(1, 50))
    elif kind == "Wait":
        field = draw(st.sampled_from(["Seconds", "Timestamp", "SecondsPath", "TimestampPath"]))
        if lang == "JSONata":
            field = field.replace("Path", "")
        values = {
            "Seconds": st.integers(0, 10**6) | (jsonata() if lang == "JSONata" else st.just(5)),
            "Timestamp": st.sampled_from(
                ["2024-01-01T00:00:00Z", "2099-12-31T23:59:59Z", "2016-03-14T01:59:00.5+01:00"]
            ),
            "SecondsPath": st.sampled_from(PATHS[:6]),
            "TimestampPath": st.sampled_from(PATHS[:6]),
        }
        state[field] = draw(values[field])
    elif kind == "Fail":
        if lang == "JSONata":
            if draw(st.booleans()):
                state["Error"] = draw(st.sampled_from(["Custom.Error"]) | jsonata())
            if draw(st.booleans()):
                state["Cause"] = draw(st.sampled_from(["why"]) | jsonata())
        else:
            if draw(st.booleans()):
                state["Error"] = "Custom.Error"
            elif draw(st.booleans()):
                state["ErrorPath"] = draw(st.sampled_from(["$.a", "$$.State.Name"]))
            if draw(st.booleans()):
                state["Cause"] = "why"
            elif draw(st.booleans()):
                state["CausePath"] = draw(st.sampled_from(["$.b", "States.Format('{}', $.a)"]))
    elif kind == "Choice":
        state["Choices"] = [
            {**choice_rules(draw, lang, targets), "Next": draw(st.sampled_from(targets))}
            for _ in range(draw(st.integers(1, 3)))
        ]
        if draw(st.integers(0, 3)) > 0:
            state["Default"] = following or draw(st.sampled_from(targets))
    elif kind == "Parallel":
        state["Branches"] = [draw(machines(names, depth - 1, top)) for _ in range(draw(st.integers(1, 2)))]
    elif kind == "Map":
        state["ItemProcessor"] = draw(machines(names, depth - 1, top))
        if lang == "JSONPath" and draw(st.booleans()):
            state["ItemsPath"] = draw(st.sampled_from(["$.items", "$", "$.a", "$$.Execution.Input.items"]))
        if lang == "JSONata" and draw(st.booleans()):
            state["Items"] = draw(jsonata())
        if draw(st.booleans()):
            state["MaxConcurrency"] = draw(st.integers(0, 3))
        if draw(st.integers(0, 4)) == 0:
            state["ItemProcessor"]["ProcessorConfig"] = {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"}
            state["ToleratedFailurePercentage"] = draw(st.integers(0, 100))
    if kind in ("Task", "Parallel", "Map"):
        state["Retry"] = retriers(draw)
        state["Catch"] = catchers(draw, lang, targets)
    if kind not in ("Choice", "Succeed", "Fail"):
        if following is None or draw(st.integers(0, 4)) == 0:  # usually the next state; sometimes a jump or End
            following = draw(st.sampled_from([*targets, None]))
        if following is None:
            state["End"] = True
        else:
            state["Next"] = following
    return state


KINDS = ["Pass", "Task", "Choice", "Wait", "Succeed", "Fail", "Parallel", "Map"]


@st.composite
def machines(draw: st.DrawFn, names: Names, depth: int = 2, lang: str = "JSONPath") -> dict[str, Any]:
    """A (sub-)machine of one to five states, nested Parallel/Map while ``depth`` lasts."""
    count = draw(st.integers(1, 5))
    state_names = [names.fresh(draw(st.sampled_from(["S", "Step ", "État", "x"]))) for _ in range(count)]
    inner_kinds = [kind for kind in (KINDS if depth > 0 else KINDS[:6]) if kind not in ("Succeed", "Fail")]
    kinds = [draw(st.sampled_from(inner_kinds if index < count - 1 and draw(st.integers(0, 5)) else KINDS[:6]
                                  if depth == 0 else KINDS)) for index in range(count)]
    kinds[-1] = draw(st.sampled_from(["Succeed", "Fail", "Pass", "Task"])) if kinds[-1] == "Choice" else kinds[-1]
    followers = [*state_names[1:], None]
    states = {
        name: make_state(draw, kind, lang, names, state_names, depth, name, following)
        for name, kind, following in zip(state_names, kinds, followers, strict=True)
    }
    last = states[state_names[-1]]
    if last["Type"] not in ("Succeed", "Fail", "Choice"):  # at least one way out, most of the time
        last.pop("Next", None)
        last["End"] = True
    return {"StartAt": state_names[0], "States": states}


@st.composite
def breakages(draw: st.DrawFn, definition: dict[str, Any]) -> dict[str, Any]:
    """``definition`` with a few fields replaced by junk, removed, or added where they do not belong."""
    broken = json.loads(json.dumps(definition))
    containers: list[dict[str, Any]] = []
    pending: list[Any] = [broken]
    while pending:
        node = pending.pop()
        if isinstance(node, dict):
            containers.append(node)
            pending.extend(node.values())
        elif isinstance(node, list):
            pending.extend(node)
    for _ in range(draw(st.integers(1, 3))):
        target = draw(st.sampled_from(containers))
        action = draw(st.integers(0, 2))
        if action == 0 and target:
            target[draw(st.sampled_from(sorted(target)))] = draw(JSON | st.sampled_from(BAD_PATHS))
        elif action == 1 and target:
            del target[draw(st.sampled_from(sorted(target)))]
        else:
            key = draw(st.sampled_from(["Next", "End", "Type", "Foo", "Parameters.$", "Retry", "States"]))
            target[key] = draw(JSON)
    return broken


@st.composite
def definitions(draw: st.DrawFn) -> tuple[dict[str, Any], list[str]]:
    """A whole definition (sometimes broken) and the names of its Task states."""
    names = Names()
    top_lang = draw(st.sampled_from(["JSONPath", "JSONPath", "JSONata"]))
    definition = draw(machines(names, draw(st.integers(0, 2)), top_lang))
    if top_lang == "JSONata":
        definition["QueryLanguage"] = "JSONata"
    if draw(st.integers(0, 4)) == 0:
        definition["TimeoutSeconds"] = draw(st.integers(1, 1000))
    if draw(st.integers(0, 5)) == 0:
        definition = draw(breakages(definition))
    return definition, names.tasks


# -- inputs and resolvers -----------------------------------------------------------------------

INPUTS = st.fixed_dictionaries(
    {},
    optional={
        "a": JSON,
        "b": JSON,
        "items": st.lists(st.fixed_dictionaries({"a": st.integers(0, 3)}) | JSON, max_size=4),
        "x": JSON,
        "stop": st.booleans(),
    },
) | JSON


class Weird:
    """Not JSON data."""


def _behaviours() -> dict[str, Any]:
    async def sleepy(payload: Any) -> Any:
        await anyio.sleep(30)
        return payload

    def raises(_payload: Any) -> Any:
        raise ValueError("resolver failed")

    def states_error(_payload: Any) -> Any:
        raise asl.StatesError("Custom.Error", "custom cause")

    return {
        "echo": lambda payload: payload,
        "constant": lambda _payload: {"a": 1, "items": [{"a": 2}]},
        "none": lambda _payload: None,
        "raise": raises,
        "states-error": states_error,
        "json-bytes": lambda _payload: b'{"a": [1, 2]}',
        "text-bytes": lambda _payload: b"\xff\xfe not json",
        "set": lambda _payload: {1, 2},
        "object": lambda _payload: Weird(),
        "nan": lambda _payload: float("nan"),
        "huge": lambda _payload: "x" * (300 * 1024),
        "sleepy": sleepy,
    }


BEHAVIOURS = _behaviours()


def run_limited(definition: Any, data: Any, resolvers: dict[str, Any]) -> Execution:
    """``asl.start`` under :data:`LIMITS` (by way of the executor until ``asl.start`` takes ``limits``)."""
    clock = VirtualClock()
    if "limits" in inspect.signature(asl.start).parameters:
        return asl.start(definition, data, resolvers=resolvers, clock=clock, seed=1, limits=LIMITS)
    machine = asl.parse(definition)

    async def main() -> Execution:
        return await execute(machine, data, resolvers=ResolverTable.build(resolvers), clock=clock,
                             rng=random.Random(1), limits=LIMITS)

    factory = clock.loop_factory()
    execution: Execution = anyio.run(main, backend_options={"loop_factory": factory} if factory else {})
    return execution


# -- properties ---------------------------------------------------------------------------------


@FUZZ
@given(definitions())
def test_validate_returns_issues_and_parse_agrees(generated: tuple[dict[str, Any], list[str]]) -> None:
    """validate returns DefinitionIssues without raising; parse raises DefinitionError exactly when there are some."""
    definition, _tasks = generated
    issues = asl.validate(definition)
    assert isinstance(issues, list)
    assert all(isinstance(issue, asl.DefinitionIssue) for issue in issues)
    try:
        machine = asl.parse(definition)
    except asl.DefinitionError as error:
        assert issues and error.issues == issues
    else:
        assert not issues and isinstance(machine, asl.StateMachine)


@FUZZ
@given(definitions(), INPUTS, st.data())
def test_run_returns_or_fails_cleanly(generated: tuple[dict[str, Any], list[str]], data: Any,
                                      choices: st.DataObject) -> None:
    """A generated execution ends (bounded), succeeding or failing with an ASL error, never an internal one."""
    definition, tasks = generated
    assume(not asl.validate(definition))
    resolvers = {name: BEHAVIOURS[choices.draw(st.sampled_from(sorted(BEHAVIOURS)), label=name)] for name in tasks}
    saved = json.dumps([definition, data], sort_keys=True)
    execution = run_limited(definition, data, resolvers)
    assert execution.status in ("SUCCEEDED", "FAILED", "TIMED_OUT")
    if execution.status == "SUCCEEDED":
        json.dumps(execution.output, allow_nan=False)  # the output is JSON data
    else:
        assert execution.error is None or isinstance(execution.error, str)  # a Fail state may have no Error
        assert execution.cause is None or isinstance(execution.cause, str), execution.cause
        assert "Internal error in asl" not in (execution.cause or ""), execution.cause
    assert json.dumps([definition, data], sort_keys=True) == saved  # nothing the caller gave was changed


# -- what the generated runs found, kept as plain examples ----------------------------------------


def test_jsonpath_fail_state_keeps_jsonata_lookalike_text() -> None:
    """A JSONPath Fail state's Error/Cause '{% ... %}' is plain text (found: the cause was a compiled object)."""
    definition = {"StartAt": "F", "States": {"F": {"Type": "Fail", "Error": "{% 1 %}", "Cause": "{% $x %}"}}}
    execution = asl.start(definition, {}, clock=VirtualClock())
    assert (execution.status, execution.error, execution.cause) == ("FAILED", "{% 1 %}", "{% $x %}")


def test_resolver_returning_nan_fails_the_task() -> None:
    """A resolver returning NaN fails its task with States.Runtime (found: NaN reached the output)."""
    definition = {"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": RESOURCES[0], "End": True}}}
    execution = asl.start(definition, {}, resolvers={"T": lambda _p: float("nan")}, clock=VirtualClock())
    assert (execution.status, execution.error) == ("FAILED", "States.Runtime")
    assert "not JSON data" in str(execution.cause)
