"""JSONPath as AWS reads it: syntax, definite walk, indefinite matches, errors."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from asl.paths import PathNotFound, PathSyntaxError, Scope, compile_path

SCOPE = Scope()

DOC: dict[str, Any] = {
    "a": {"b": {"c": 1}},
    "list": [10, 20, 30],
    "items": [{"x": 1, "name": "p"}, {"x": 2}, {"x": 3, "name": "q"}],
    "with-dash": {"a key": "spaced"},
    "ünï": "code",
    "nothing": None,
    "text": "abc",
}


def read(text: str, data: Any = DOC, scope: Scope = SCOPE) -> Any:
    return compile_path(text).evaluate(data, scope)


def not_found(text: str, data: Any = DOC, scope: Scope = SCOPE) -> PathNotFound:
    with pytest.raises(PathNotFound) as info:
        read(text, data, scope)
    return info.value


# ----------------------------------------------------------------------------- definite paths


def test_dollar_alone_is_the_data_itself() -> None:
    """`$` returns the very object it was given."""
    assert read("$") is DOC


def test_dot_notation() -> None:
    """`$.a.b.c` walks object members."""
    assert read("$.a.b.c") == 1


def test_bracket_notation_single_and_double_quotes() -> None:
    """`$['a']["b"]` is the same as `$.a.b`."""
    assert read("$['a'][\"b\"]") == {"c": 1}


def test_bracket_names_with_dash_and_space() -> None:
    """Names with `-` and blanks work in brackets."""
    assert read("$['with-dash']['a key']") == "spaced"


def test_dot_name_with_dash() -> None:
    """A dash is part of a dot-notation name."""
    assert read("$.with-dash") == {"a key": "spaced"}


def test_unicode_name() -> None:
    """Unicode names work in dot notation."""
    assert read("$.ünï") == "code"


def test_index() -> None:
    """`[1]` reads an array element."""
    assert read("$.list[1]") == 20


def test_negative_index_counts_from_the_end() -> None:
    """`[-1]` is the last element, as in Jayway."""
    assert read("$.list[-1]") == 30


def test_dot_before_bracket_is_allowed() -> None:
    """`$.list.[0]` is read as `$.list[0]` (Jayway accepts it)."""
    assert read("$.list.[0]") == 10


def test_index_then_member() -> None:
    """`$.items[0].name` yields the value itself, not a list."""
    assert read("$.items[0].name") == "p"


def test_present_null_is_a_match() -> None:
    """A member whose value is null is found and returns None."""
    assert read("$.nothing") is None


def test_definite_result_is_not_a_copy() -> None:
    """The walk returns the data's own object."""
    assert read("$.a.b") is DOC["a"]["b"]


def test_quoted_name_keeps_backslashes() -> None:
    """A backslash in a quoted name only escapes the quote; it stays in the name (recorded on AWS)."""
    data = {'Test\\""Name"': 'Value"\\'}
    assert read('$[\'Test\\""Name"\']', data) == 'Value"\\'


def test_definite_flags() -> None:
    """Names and indexes make a definite path; a wildcard does not."""
    assert compile_path("$.a[0]['b']").definite
    assert not compile_path("$.a[*]").definite


def test_root_kinds() -> None:
    """`$`, `$$` and `$name` are told apart."""
    assert compile_path("$.a").root == "input"
    assert compile_path("$$.a").root == "context"
    path = compile_path("$myVar.a")
    assert (path.root, path.variable) == ("variable", "myVar")


# ----------------------------------------------------------------------------- context and variables


def test_context_root() -> None:
    """`$$.Execution.Id` reads the context object."""
    scope = Scope(context={"Execution": {"Id": "arn:x"}})
    assert read("$$.Execution.Id", {}, scope) == "arn:x"


def test_context_alone() -> None:
    """`$$` is the whole context object."""
    context: dict[str, Any] = {"Execution": {}}
    assert read("$$", {}, Scope(context=context)) is context


def test_variable_root() -> None:
    """`$name` reads a variable."""
    assert read("$count", {}, Scope(variables={"count": 3})) == 3


def test_variable_member_and_index() -> None:
    """`$v.a` and `$v[1]` walk into a variable."""
    scope = Scope(variables={"v": {"a": [5, 6]}, "w": [7, 8]})
    assert read("$v.a[0]", {}, scope) == 5
    assert read("$w[1]", {}, scope) == 8


def test_variable_with_underscore_and_digits() -> None:
    """Variable names may hold underscores and digits."""
    assert read("$_var2.x", {}, Scope(variables={"_var2": {"x": 1}})) == 1


def test_missing_variable_is_not_found() -> None:
    """A variable that does not exist raises PathNotFound."""
    error = not_found("$nope", {}, Scope(variables={}))
    assert error.path == "$nope"


def test_indefinite_path_on_variable() -> None:
    """`$v[*].x` matches inside a variable."""
    scope = Scope(variables={"v": [{"x": 1}, {"x": 2}]})
    assert read("$v[*].x", {}, scope) == [1, 2]


# ----------------------------------------------------------------------------- not found wording


def test_missing_leaf_wording() -> None:
    """A missing last member: `No results for path: <full path>` (recorded on AWS)."""
    error = not_found("$.NoSuchOutputPath", {"int-literal": 0})
    assert str(error) == "Invalid path '$.NoSuchOutputPath' : No results for path: $['NoSuchOutputPath']"


def test_missing_intermediate_wording() -> None:
    """A missing member before the end: `Missing property in path <prefix>` (recorded on AWS)."""
    error = not_found("$.no.such.result.path", {})
    assert str(error) == "Invalid path '$.no.such.result.path' : Missing property in path $['no']"


def test_not_found_carries_path_and_detail() -> None:
    """PathNotFound keeps the path as written and Jayway's detail."""
    error = not_found("$.a.zz")
    assert (error.path, error.detail) == ("$.a.zz", "No results for path: $['a']['zz']")


def test_index_out_of_range_reports_the_whole_path() -> None:
    """An index out of range yields no result: `No results for path: <whole path>`."""
    error = not_found("$.list[7].x")
    assert error.detail == "No results for path: $['list'][7]['x']"


def test_negative_index_out_of_range() -> None:
    """`[-4]` on three elements matches nothing."""
    assert not_found("$.list[-4]").detail == "No results for path: $['list'][-4]"


def test_member_of_a_scalar_is_missing() -> None:
    """A member of a string is not found."""
    assert not_found("$.text.x.y").detail == "Missing property in path $['text']['x']"


def test_index_into_a_string_is_not_found() -> None:
    """A string is not an array: `$.text[0]` matches nothing."""
    assert not_found("$.text[0]").detail == "No results for path: $['text'][0]"


def test_index_into_an_object_is_not_found() -> None:
    """An object is not an array: `$.a[0]` matches nothing."""
    assert not_found("$.a[0]").detail == "No results for path: $['a'][0]"


def test_member_of_null_is_not_found() -> None:
    """A member of a null value is not found."""
    assert not_found("$.nothing.x").detail == "No results for path: $['nothing']['x']"


def test_context_not_found_wording() -> None:
    """A context path names its root `$$` in the detail."""
    error = not_found("$$.Execution.Nope", {}, Scope(context={"Execution": {}}))
    assert error.detail == "No results for path: $$['Execution']['Nope']"


# ----------------------------------------------------------------------------- indefinite paths


def test_wildcard_on_array() -> None:
    """`[*]` lists every element."""
    assert read("$.list[*]") == [10, 20, 30]


def test_wildcard_on_object() -> None:
    """`.*` lists every member value in order."""
    assert read("$.a.*") == [{"c": 1}]


def test_wildcard_member_skips_missing() -> None:
    """`$.items[*].name` leaves out elements without the member."""
    assert read("$.items[*].name") == ["p", "q"]


def test_wildcard_on_missing_is_empty() -> None:
    """An indefinite path that matches nothing is an empty list (recorded on AWS)."""
    assert read("$.items[*].itemValue", {}) == []
    assert read("$.item.items[1:5].itemValue", {}) == []


def test_descendants_in_document_order() -> None:
    """`$..b` lists matches depth first, in document order."""
    data = {"b": 1, "x": {"b": 2, "y": {"b": 3}}, "z": {"b": 4}}
    assert read("$..b", data) == [1, 2, 3, 4]


def test_slice() -> None:
    """`[1:3]` is elements 1 and 2."""
    assert read("$.list[1:3]") == [20, 30]


def test_open_slices() -> None:
    """`[:2]` and `[-2:]` take the first and last two."""
    assert read("$.list[:2]") == [10, 20]
    assert read("$.list[-2:]") == [20, 30]


def test_index_union() -> None:
    """`[0,2]` lists the two elements."""
    assert read("$.list[0,2]") == [10, 30]


def test_filter_numeric() -> None:
    """`[?(@.x > 1)]` keeps the matching elements."""
    assert read("$.items[?(@.x > 1)]") == [{"x": 2}, {"x": 3, "name": "q"}]


def test_filter_equality_recorded() -> None:
    """`$.users[?(@.status == 0)]` as recorded on AWS."""
    data = {"users": [{"year": 1997, "status": 0}, {"year": 1998, "status": 1}]}
    assert read("$.users[?(@.status == 0)]", data) == [{"year": 1997, "status": 0}]


def test_filter_string_equality() -> None:
    """`[?(@.name == 'q')]` compares strings."""
    assert read("$.items[?(@.name == 'q')].x") == [3]


def test_filter_regex_literal_matches_the_whole_string() -> None:
    """Jayway's `=~ /re/` must match the whole string, not a part of it."""
    data = {"l": [{"n": "p1"}, {"n": "xp1"}, {"n": "P2"}]}
    assert read(r"$.l[?(@.n =~ /p\d/)]", data) == [{"n": "p1"}]


def test_filter_regex_literal_flags() -> None:
    """`/re/i` ignores case."""
    data = {"l": [{"n": "p1"}, {"n": "P2"}]}
    assert read(r"$.l[?(@.n =~ /p\d/i)]", data) == [{"n": "p1"}, {"n": "P2"}]


def test_filter_and_or() -> None:
    """`&&` and `||` combine conditions."""
    assert read("$.items[?(@.x > 1 && @.x < 3)].x") == [2]
    assert read("$.items[?(@.x == 1 || @.x == 3)].x") == [1, 3]


def test_filter_on_object_tests_the_object() -> None:
    """A filter on an object tests the object itself (Jayway)."""
    assert read("$.a.b[?(@.c == 1)]") == [{"c": 1}]
    assert read("$.a.b[?(@.c == 2)]") == []


def test_name_union_as_last_step_merges() -> None:
    """`$['a','list']` as the last step yields one object of the members present (Jayway)."""
    assert read("$['list','nothing','absent']") == {"list": [10, 20, 30], "nothing": None}


def test_indefinite_results_are_not_copies() -> None:
    """Matches are the data's own objects."""
    assert read("$.items[*]")[1] is DOC["items"][1]


def test_evaluate_does_not_mutate() -> None:
    """No evaluation changes the document."""
    before = copy.deepcopy(DOC)
    for text in ("$.a.b", "$..x", "$.items[?(@.x > 1)]", "$['a','list']", "$.list[0:2]"):
        read(text)
    assert before == DOC


# ----------------------------------------------------------------------------- reference paths


@pytest.mark.parametrize(
    "text", ["$.a[*]", "$..a", "$.a[?(@.x)]", "$.a[0:1]", "$.a[0,1]", "$['a','b']", "$.*"]
)
def test_reference_path_rejects_indefinite(text: str) -> None:
    """A reference path must identify a single node."""
    with pytest.raises(PathSyntaxError, match="single node"):
        compile_path(text, reference=True)


def test_reference_path_accepts_names_and_indexes() -> None:
    """Names, brackets and indexes are fine in a reference path."""
    assert compile_path("$.a['b'][0]", reference=True).steps == ("a", "b", 0)


# ----------------------------------------------------------------------------- syntax errors


@pytest.mark.parametrize(
    "text",
    [
        "",
        "a.b",
        "$.",
        "$..",
        "$.a[",
        "$['a'",
        "$['a]",
        "$.a b",
        "$.a[x]",
        "$.a[]",
        "$.a[1:2:3:4]",
        "$.a[?(@.x >)]",
        "$.a[?(@.x > 1]",
        "$.a.length()",
        "$.a[0]x",
        "$1",
    ],
)
def test_syntax_errors(text: str) -> None:
    """Malformed paths raise PathSyntaxError at compile time."""
    with pytest.raises(PathSyntaxError):
        compile_path(text)


def test_syntax_error_message_quotes_the_path() -> None:
    """The message names the bad path."""
    with pytest.raises(PathSyntaxError, match=r"'\$\.a\['"):
        compile_path("$.a[")


def test_non_string_is_a_syntax_error() -> None:
    """A path must be a string."""
    with pytest.raises(PathSyntaxError):
        compile_path(5)  # type: ignore[arg-type]


# ----------------------------------------------------------------------------- properties

JSON_SCALARS = st.none() | st.booleans() | st.integers() | st.text(max_size=5)
KEYS = st.text(alphabet=st.characters(blacklist_characters="'\\", blacklist_categories=["Cs"]), max_size=6)
JSON = st.recursive(
    JSON_SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(KEYS, inner, max_size=4),
    max_leaves=20,
)


def existing_walks(value: Any) -> list[list[str | int]]:
    """Every key path that exists in ``value`` (a naive enumeration)."""
    walks: list[list[str | int]] = [[]]
    if isinstance(value, dict):
        for key, member in value.items():
            walks += [[key, *rest] for rest in existing_walks(member)]
    elif isinstance(value, list):
        for index, item in enumerate(value):
            walks += [[index, *rest] for rest in existing_walks(item)]
    return walks


def bracket_path(walk: list[str | int]) -> str:
    return "$" + "".join(f"[{step}]" if isinstance(step, int) else f"['{step}']" for step in walk)


@given(JSON, st.data())
def test_definite_walk_matches_naive_walk(document: Any, data: st.DataObject) -> None:
    """For any existing key path, the compiled walk returns what a naive walk finds."""
    walk = data.draw(st.sampled_from(existing_walks(document)))
    expected = document
    for step in walk:
        expected = expected[step]
    assert compile_path(bracket_path(walk)).evaluate(document, SCOPE) is expected


@given(JSON, st.lists(KEYS | st.integers(-3, 5), min_size=1, max_size=4))
def test_definite_walk_raises_only_path_not_found(document: Any, walk: list[str | int]) -> None:
    """A random definite path either matches like a naive walk or raises PathNotFound."""
    expected: Any = document
    for step in walk:
        ok = (isinstance(step, str) and isinstance(expected, dict) and step in expected) or (
            isinstance(step, int) and isinstance(expected, list) and -len(expected) <= step < len(expected)
        )
        if not ok:
            with pytest.raises(PathNotFound):
                compile_path(bracket_path(walk)).evaluate(document, SCOPE)
            return
        expected = expected[step]
    assert compile_path(bracket_path(walk)).evaluate(document, SCOPE) is expected
