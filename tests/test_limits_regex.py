"""Regular expressions cannot stall an execution: JSONata's are interruptible, StringMatches is linear.

JSONata regular expressions (``/.../`` in ``$match``, ``$replace``, ``$split``, ``$contains``)
are matched by the ``regex`` package with the evaluation's remaining time as a timeout, so a
catastrophic pattern fails like any JSONata evaluation out of time: ``States.QueryEvaluationError``
with JSONata's ``D1012`` "Evaluation timeout after N milliseconds". Choice ``StringMatches``
patterns (only ``*`` and escapes) are matched without backtracking.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import asl
from asl.choice import Wildcard
from asl.execution import Execution
from asl.limits import Limits
from asl.testing import VirtualClock

#: (a|aa)+$ against 60 'a' and a 'b': a backtracking matcher tries about fib(60) (~1.5e12) paths.
HOSTILE_TEXT = "a" * 60 + "b"
TIMEOUT = Limits(jsonata_timeout_seconds=0.5)
TIMED_OUT = "D1012: Evaluation timeout after 500 milliseconds. Check for infinite loop"


def jsonata(expression: str, input: Any = None, limits: Limits | None = None) -> Execution:
    """Run one JSONata Pass state whose Output is ``expression``."""
    definition = {
        "QueryLanguage": "JSONata",
        "StartAt": "P",
        "States": {"P": {"Type": "Pass", "Output": expression, "End": True}},
    }
    return asl.start(definition, {} if input is None else input, limits=limits, clock=VirtualClock())


# -- catastrophic patterns are interrupted ------------------------------------------------------


@pytest.mark.parametrize(
    "call",
    [
        "$match($states.input.s, /(a|aa)+$/)",
        '$replace($states.input.s, /(a|aa)+$/, "x")',
        "$split($states.input.s, /(a|aa)+$/)",
        "$contains($states.input.s, /(a|aa)+$/)",
    ],
)
def test_catastrophic_regex_times_out(call: str) -> None:
    """Each regex function on (a|aa)+$ and 60 a's fails with D1012 after the JSONata time bound."""
    execution = jsonata("{% " + call + " %}", {"s": HOSTILE_TEXT}, limits=TIMEOUT)
    assert execution.error == "States.QueryEvaluationError"
    assert (execution.cause or "").endswith(TIMED_OUT)


def test_regex_timeout_is_caught_by_states_all() -> None:
    """The timeout is an ordinary States.QueryEvaluationError: a Catch on States.ALL handles it."""
    branch = {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True,
                                                 "Output": "{% $match($states.input.s, /(a|aa)+$/) %}"}}}
    definition = {
        "QueryLanguage": "JSONata",
        "StartAt": "Par",
        "States": {
            "Par": {"Type": "Parallel", "Branches": [branch], "End": True,
                    "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Done"}]},
            "Done": {"Type": "Succeed"},
        },
    }
    assert asl.start(definition, {"s": HOSTILE_TEXT}, limits=TIMEOUT, clock=VirtualClock()).status == "SUCCEEDED"


# -- ordinary regular expressions behave as before ---------------------------------------------


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ('$match("ab12cd345", /[0-9]+/).match', ["12", "345"]),
        ('$match("ab12cd345", /[0-9]+/).index', [2, 6]),
        ('$match("key=value", /(\\w+)=(\\w+)/).groups', ["key", "value"]),
        ('$replace("abc", /(b)/, "[$1]")', "a[b]c"),
        ('$replace("abc", /(b)/, "[$0$0]")', "a[bb]c"),
        ('$replace("abc", /(b)/, "[$12]")', "a[b2]c"),  # one group: $12 is $1 then '2'
        ('$replace("abc", /(b)/, "$$")', "a$c"),
        ('$replace("a-b-c", /-/, "+", 1)', "a+b-c"),
        ('$replace("abc", /b/, function($m) { $uppercase($m.match) })', "aBc"),
        ('$split("a1b22c", /[0-9]+/)', ["a", "b", "c"]),
        ('$contains("ABC", /b/i)', True),
        ('$contains("ABC", /b/)', False),
        ('$count($match("a\\nb", /^b/m))', 1),
        ('$count($match("a\\nb", /^b/))', 0),
    ],
)
def test_regex_functions_keep_their_meaning(expression: str, expected: Any) -> None:
    """The regex functions give what JSONata's documentation says they give."""
    assert jsonata("{% " + expression + " %}").output == expected


def test_invalid_regex_is_a_definition_error() -> None:
    """An unbalanced parenthesis in a regex literal is reported when the definition is parsed."""
    definition = {
        "QueryLanguage": "JSONata",
        "StartAt": "P",
        "States": {"P": {"Type": "Pass", "Output": '{% $match("a", /(a/) %}', "End": True}},
    }
    with pytest.raises(asl.DefinitionError):
        asl.parse(definition)


def test_too_many_matches_are_refused() -> None:
    """$match on 1,000 'x' with max_value_chars=1000 fails: 1,000 match objects need far more than 1,000 characters."""
    execution = jsonata('{% $count($match($pad("", 1000, "x"), /x/)) %}', limits=Limits(max_value_chars=1000))
    assert execution.error == "States.QueryEvaluationError"
    assert "larger than 1000 characters" in (execution.cause or "")


# -- StringMatches ------------------------------------------------------------------------------


class CountingText(str):
    """A string that adds up how many characters each ``find`` may look at."""

    scanned = 0
    calls = 0

    def find(self, sub: str, start: Any = None, end: Any = None) -> int:  # type: ignore[override]
        """``str.find``, counting the span searched (from ``start`` to the match's end, or to ``end``)."""
        found = super().find(sub, start, end)
        first = 0 if start is None else start
        last = len(self) if end is None else end
        CountingText.calls += 1
        CountingText.scanned += (found + len(sub) - first) if found >= 0 else (last - first)
        return found


def wildcard_regex(pattern: str) -> re.Pattern[str]:
    """The reference meaning of a StringMatches pattern: '*' is any text, '\\*' and '\\\\' are literal."""
    out, index = [], 0
    while index < len(pattern):
        char = pattern[index]
        if char == "\\" and index + 1 < len(pattern) and pattern[index + 1] in "*\\":
            out.append(re.escape(pattern[index + 1]))
            index += 2
            continue
        out.append(".*" if char == "*" else re.escape(char))
        index += 1
    return re.compile("".join(out), re.DOTALL)


PATTERNS = st.text(alphabet="ab*\\", max_size=12)
TEXTS = st.text(alphabet="ab*\\", max_size=300)


@given(pattern=PATTERNS, text=TEXTS)
def test_string_matches_agrees_with_its_definition(pattern: str, text: str) -> None:
    """Wildcard.match says what the regex reading of the pattern says (on small hostile alphabets)."""
    assert Wildcard.compile(pattern).match(text) is bool(wildcard_regex(pattern).fullmatch(text))


@given(pattern=PATTERNS, repeat=st.integers(min_value=0, max_value=5_000), tail=st.sampled_from(["", "b", "ab"]))
def test_string_matches_scans_each_character_once(pattern: str, repeat: int, tail: str) -> None:
    """However many stars the pattern has, matching searches each character of the text at most once."""
    text = CountingText("a" * repeat + tail)
    CountingText.scanned = CountingText.calls = 0
    Wildcard.compile(pattern).match(text)
    assert CountingText.scanned <= len(text)
    assert CountingText.calls <= pattern.count("*")
