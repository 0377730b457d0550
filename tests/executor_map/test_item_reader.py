"""ItemReader: reading a Distributed Map's items from S3 objects and listings, as AWS does."""

from __future__ import annotations

import csv
import gzip
import io
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import asl
from asl.testing._s3 import LocalS3

from . import GET_OBJECT, LIST_OBJECTS, Recorder, fail, map_machine, run


def reader(input_type: str | None = "JSON", resource: str = GET_OBJECT, **config: Any) -> dict[str, Any]:
    """An ItemReader of ``in/data`` with ``config`` in its ReaderConfig."""
    if input_type is not None:
        config["InputType"] = input_type
    spec: dict[str, Any] = {"Resource": resource, "Parameters": {"Bucket": "in", "Key": "data"}}
    if config:
        spec["ReaderConfig"] = config
    return spec


def read(body: Any, input_type: str | None = "JSON", **config: Any) -> Any:
    """The Map's output when getObject returns ``body`` (each child passes its item through)."""
    return run(map_machine(ItemReader=reader(input_type, **config)), {}, resolvers={GET_OBJECT: Recorder(body)})


# -- JSON ------------------------------------------------------------------------------------------


def test_json_array_text_yields_its_elements() -> None:
    """A JSON body that is an array yields its elements in order."""
    assert read('[{"a": 1}, "x", 3]') == [{"a": 1}, "x", 3]


def test_json_body_as_bytes_is_decoded() -> None:
    """A body given as UTF-8 bytes is read like text."""
    assert read('["é", 2]'.encode()) == ["é", 2]


def test_json_body_inside_a_body_field_is_read() -> None:
    """A getObject result shaped like S3's response ({"Body": ...}) is read from its Body."""
    assert read({"Body": "[1, 2]", "ContentType": "application/json"}) == [1, 2]


def test_parsed_list_from_resolver_is_taken_as_items() -> None:
    """A resolver that returns a list hands over the items themselves."""
    assert read([{"id": 1}, {"id": 2}]) == [{"id": 1}, {"id": 2}]


def test_json_without_input_type_reads_an_array() -> None:
    """A getObject reader without ReaderConfig reads the body as a JSON array."""
    assert read("[7, 8]", input_type=None) == [7, 8]


def test_json_object_body_fails_with_item_reader_failed() -> None:
    """A JSON body that is not an array fails the Map with AWS's cause."""
    err = fail(map_machine(ItemReader=reader()), {}, resolvers={GET_OBJECT: Recorder('{"Hello": "world"}')})
    assert (err.error, err.cause) == ("States.ItemReaderFailed", "Attempting to map over non-iterable node.")


def test_invalid_json_fails_with_item_reader_failed() -> None:
    """A body that is not JSON text fails with States.ItemReaderFailed."""
    err = fail(map_machine(ItemReader=reader()), {}, resolvers={GET_OBJECT: Recorder("[1, 2")})
    assert err.error == "States.ItemReaderFailed"


def test_gzip_body_is_decompressed() -> None:
    """A gzip-compressed body is decompressed before it is read."""
    assert read(gzip.compress(b"[1, 2, 3]")) == [1, 2, 3]


# -- JSONL -----------------------------------------------------------------------------------------


def test_jsonl_yields_one_item_per_line() -> None:
    """JSONL yields the JSON value of every line, in order."""
    assert read('{"a": 1}\n[2]\n"three"\n', "JSONL") == [{"a": 1}, [2], "three"]


def test_jsonl_skips_blank_lines() -> None:
    """Blank lines of a JSONL body yield no item."""
    assert read("1\n\n   \n2\n", "JSONL") == [1, 2]


def test_jsonl_invalid_line_fails() -> None:
    """A JSONL line that is not JSON fails with States.ItemReaderFailed naming the line."""
    err = fail(map_machine(ItemReader=reader("JSONL")), {}, resolvers={GET_OBJECT: Recorder("1\n{oops}\n")})
    assert err.error == "States.ItemReaderFailed"
    assert "Line 2" in (err.cause or "")


# -- CSV -------------------------------------------------------------------------------------------


def test_csv_first_row_gives_the_keys() -> None:
    """With CSVHeaderLocation FIRST_ROW the first line names the fields; values stay strings."""
    body = "id,name,score\n1,ada,9.5\n2,bob,true\n"
    assert read(body, "CSV", CSVHeaderLocation="FIRST_ROW") == [
        {"id": "1", "name": "ada", "score": "9.5"},
        {"id": "2", "name": "bob", "score": "true"},
    ]


def test_csv_given_headers_read_every_row_as_data() -> None:
    """With CSVHeaderLocation GIVEN the first line is data, named by CSVHeaders."""
    body = "Value1,Value2\nValue3,Value4\n"
    assert read(body, "CSV", CSVHeaderLocation="GIVEN", CSVHeaders=["H1", "H2"]) == [
        {"H1": "Value1", "H2": "Value2"},
        {"H1": "Value3", "H2": "Value4"},
    ]


def test_csv_short_rows_get_empty_strings() -> None:
    """A row with fewer values than headers gets "" for the missing ones."""
    assert read("a,b,c\n1\n", "CSV", CSVHeaderLocation="FIRST_ROW") == [{"a": "1", "b": "", "c": ""}]


def test_csv_extra_values_are_dropped() -> None:
    """Values beyond the last header are ignored."""
    assert read("1,2,3\n", "CSV", CSVHeaderLocation="GIVEN", CSVHeaders=["H1"]) == [{"H1": "1"}]


def test_csv_quoted_values_keep_delimiters_and_quotes() -> None:
    """Quoted CSV values may hold the delimiter, doubled quotes and line breaks."""
    body = 'k,v\n"a,b","say ""hi"""\n"x","line1\nline2"\n'
    assert read(body, "CSV", CSVHeaderLocation="FIRST_ROW") == [
        {"k": "a,b", "v": 'say "hi"'},
        {"k": "x", "v": "line1\nline2"},
    ]


@pytest.mark.parametrize(("name", "char"), [("PIPE", "|"), ("SEMICOLON", ";"), ("SPACE", " "), ("TAB", "\t")])
def test_csv_delimiter_option(name: str, char: str) -> None:
    """CSVDelimiter PIPE, SEMICOLON, SPACE and TAB split fields on that character."""
    body = f"a{char}b\n1{char}2\n"
    assert read(body, "CSV", CSVHeaderLocation="FIRST_ROW", CSVDelimiter=name) == [{"a": "1", "b": "2"}]


def test_csv_duplicate_headers_fail() -> None:
    """Duplicate CSV headers fail with AWS's cause."""
    machine = map_machine(ItemReader=reader("CSV", CSVHeaderLocation="GIVEN", CSVHeaders=["H1", "H1"]))
    err = fail(machine, {}, resolvers={GET_OBJECT: Recorder("1,2\n")})
    assert (err.error, err.cause) == ("States.ItemReaderFailed", "CSV headers cannot contain duplicates.")


def test_csv_empty_lines_yield_no_item() -> None:
    """Empty lines between CSV rows are skipped."""
    assert read("a\n1\n\n2\n", "CSV", CSVHeaderLocation="FIRST_ROW") == [{"a": "1"}, {"a": "2"}]


_CELL = st.text(st.characters(exclude_categories=["Cs"], exclude_characters="\x00"), max_size=8)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    headers=st.lists(st.text("abcdefgh", min_size=1, max_size=4), min_size=1, max_size=4, unique=True),
    data=st.data(),
)
def test_csv_round_trip(headers: list[str], data: st.DataObject) -> None:
    """Any rows written by a CSV writer come back as dicts of exactly those strings."""
    rows = data.draw(st.lists(st.lists(_CELL, min_size=len(headers), max_size=len(headers)), max_size=5))
    text = io.StringIO()
    csv.writer(text).writerows([headers, *rows])
    expected = [dict(zip(headers, row, strict=True)) for row in rows]
    assert read(text.getvalue(), "CSV", CSVHeaderLocation="FIRST_ROW") == expected


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**53), 2**53) | st.text(max_size=6),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner, max_size=3),
    max_leaves=6,
)


@settings(max_examples=40, deadline=None)
@given(values=st.lists(_JSON, max_size=6))
def test_jsonl_round_trip(values: list[Any]) -> None:
    """Any JSON values written one a line come back as the items, in order."""
    body = "".join(json.dumps(v) + "\n" for v in values)
    assert read(body, "JSONL") == values


# -- MaxItems --------------------------------------------------------------------------------------


def test_max_items_keeps_the_first_items() -> None:
    """MaxItems keeps only the first N items."""
    assert read("[1, 2, 3, 4]", MaxItems=2) == [1, 2]


def test_max_items_counts_csv_rows_after_the_header() -> None:
    """MaxItems on a CSV with a header row counts data rows only."""
    assert read("h\n1\n2\n3\n", "CSV", CSVHeaderLocation="FIRST_ROW", MaxItems=2) == [{"h": "1"}, {"h": "2"}]


def test_max_items_zero_means_all() -> None:
    """MaxItems 0 sets no limit."""
    assert read("[1, 2, 3]", MaxItems=0) == [1, 2, 3]


def test_max_items_path_reads_the_limit_from_the_input() -> None:
    """MaxItemsPath takes the limit from the state's input."""
    machine = map_machine(ItemReader=reader(MaxItemsPath="$.limit"))
    assert run(machine, {"limit": 1}, resolvers={GET_OBJECT: Recorder("[5, 6]")}) == [5]


def test_max_items_path_negative_fails() -> None:
    """A negative MaxItemsPath value fails with States.ItemReaderFailed."""
    machine = map_machine(ItemReader=reader(MaxItemsPath="$.limit"))
    err = fail(machine, {"limit": -1}, resolvers={GET_OBJECT: Recorder("[5, 6]")})
    assert (err.error, err.cause) == ("States.ItemReaderFailed", "field MaxItems must be positive")


def test_max_items_path_not_an_integer_fails() -> None:
    """A MaxItemsPath value that is not an integer fails with States.Runtime."""
    machine = map_machine(ItemReader=reader(MaxItemsPath="$.limit"))
    err = fail(machine, {"limit": "two"}, resolvers={GET_OBJECT: Recorder("[5, 6]")})
    assert err.error == "States.Runtime"
    assert 'The MaxItemsPath field refers to value "two" which is not a valid integer: $.limit' in (err.cause or "")


def test_max_items_jsonata_expression() -> None:
    """In JSONata states MaxItems may be an expression over $states.input."""
    spec = {
        "Resource": GET_OBJECT,
        "Arguments": {"Bucket": "in", "Key": "k"},
        "ReaderConfig": {"InputType": "JSON", "MaxItems": "{% $states.input.n %}"},
    }
    machine = map_machine(ItemReader=spec, QueryLanguage="JSONata")
    assert run(machine, {"n": 2}, resolvers={GET_OBJECT: Recorder("[1, 2, 3]")}) == [1, 2]


# -- the request -----------------------------------------------------------------------------------


def test_parameters_are_evaluated_on_the_effective_input() -> None:
    """The reader's Parameters are resolved against the input after InputPath."""
    spec = {
        "Resource": GET_OBJECT,
        "ReaderConfig": {"InputType": "JSON"},
        "Parameters": {"Bucket.$": "$.bucket", "Key": "k.json"},
    }
    get = Recorder("[]")
    run(map_machine(ItemReader=spec, InputPath="$.src"), {"src": {"bucket": "b1"}}, resolvers={GET_OBJECT: get})
    assert get.payloads == [{"Bucket": "b1", "Key": "k.json"}]


def test_jsonata_arguments_are_evaluated() -> None:
    """In JSONata states the reader's Arguments are evaluated with $states.input."""
    spec = {
        "Resource": GET_OBJECT,
        "ReaderConfig": {"InputType": "JSON"},
        "Arguments": {"Bucket": "{% $states.input.bucket %}", "Key": "k.json"},
    }
    get = Recorder("[]")
    run(map_machine(ItemReader=spec, QueryLanguage="JSONata"), {"bucket": "b2"}, resolvers={GET_OBJECT: get})
    assert get.payloads == [{"Bucket": "b2", "Key": "k.json"}]


def test_missing_resolver_fails_with_item_reader_failed() -> None:
    """With no resolver for the reader's Resource the Map fails, naming the Resource."""
    err = fail(map_machine(ItemReader=reader()), {})
    assert err.error == "States.ItemReaderFailed"
    assert GET_OBJECT in (err.cause or "")


def test_resolver_error_becomes_item_reader_failed() -> None:
    """An error raised by the reader's resolver fails the Map with States.ItemReaderFailed and its cause."""
    boom = Recorder(asl.StatesError("S3.NoSuchKeyException", "The specified key does not exist."))
    err = fail(map_machine(ItemReader=reader()), {}, resolvers={GET_OBJECT: boom})
    assert (err.error, err.cause) == ("States.ItemReaderFailed", "The specified key does not exist.")


def test_parquet_needs_rows_from_the_resolver() -> None:
    """A PARQUET body fails with a clear cause unless the resolver returns the rows as a list."""
    err = fail(map_machine(ItemReader=reader("PARQUET")), {}, resolvers={GET_OBJECT: Recorder(b"PAR1...")})
    assert err.error == "States.ItemReaderFailed"
    assert "PARQUET" in (err.cause or "")


def test_item_selector_sees_each_read_item_and_its_index() -> None:
    """ItemSelector runs on every read item with $$.Map.Item.Index and Value."""
    machine = map_machine(ItemReader=reader(), ItemSelector={"i.$": "$$.Map.Item.Index", "v.$": "$$.Map.Item.Value"})
    assert run(machine, {}, resolvers={GET_OBJECT: Recorder('["a", "b"]')}) == [{"i": 0, "v": "a"}, {"i": 1, "v": "b"}]


# -- listObjectsV2 ---------------------------------------------------------------------------------


def listing(**extra: Any) -> dict[str, Any]:
    """An ItemReader listing bucket ``in`` under prefix ``p/``."""
    return {"Resource": LIST_OBJECTS, "Parameters": {"Bucket": "in", "Prefix": "p/"}, **extra}


def test_listed_objects_take_aws_shape() -> None:
    """Each listed object is an item with Etag, Key, LastModified in epoch seconds, Size and StorageClass."""
    page = {
        "Contents": [
            {
                "ETag": '"abc"',
                "Key": "p/a.txt",
                "LastModified": "2024-01-01T00:00:00Z",
                "Size": 5,
                "StorageClass": "STANDARD",
            }
        ],
        "IsTruncated": False,
    }
    assert run(map_machine(ItemReader=listing()), {}, resolvers={LIST_OBJECTS: Recorder(page)}) == [
        {"Etag": '"abc"', "Key": "p/a.txt", "LastModified": 1704067200, "Size": 5, "StorageClass": "STANDARD"}
    ]


def test_listing_follows_continuation_tokens() -> None:
    """A truncated listing is continued with NextContinuationToken until it ends."""
    pages = {
        None: {"Contents": [{"Key": "p/1"}], "IsTruncated": True, "NextContinuationToken": "t1"},
        "t1": {"Contents": [{"Key": "p/2"}], "IsTruncated": False},
    }
    seen: list[Any] = []

    def list_objects(payload: dict[str, Any]) -> Any:
        seen.append(payload)
        return pages[payload.get("ContinuationToken")]

    assert run(map_machine(ItemReader=listing()), {}, resolvers={LIST_OBJECTS: list_objects}) == [
        {"Key": "p/1"},
        {"Key": "p/2"},
    ]
    assert seen[1] == {"Bucket": "in", "Prefix": "p/", "ContinuationToken": "t1"}


def test_listing_with_max_items() -> None:
    """MaxItems limits the listed objects too."""
    page = {"Contents": [{"Key": f"p/{i}"} for i in range(5)], "IsTruncated": False}
    machine = map_machine(ItemReader=listing(ReaderConfig={"MaxItems": 3}))
    assert [item["Key"] for item in run(machine, {}, resolvers={LIST_OBJECTS: Recorder(page)})] == ["p/0", "p/1", "p/2"]


def test_listing_a_local_bucket(tmp_path: Path) -> None:
    """LocalS3 lists the keys under the prefix, in key order, with their sizes."""
    s3 = LocalS3(tmp_path)
    for key, body in (("p/b.json", "[1]"), ("p/a.json", "[]"), ("other.json", "{}")):
        s3.write("in", key, body)
    items = run(map_machine(ItemReader=listing()), {}, resolvers=s3.resolvers())
    assert [(item["Key"], item["Size"], item["StorageClass"]) for item in items] == [
        ("p/a.json", 2, "STANDARD"),
        ("p/b.json", 3, "STANDARD"),
    ]


def test_listing_a_local_bucket_page_by_page(tmp_path: Path) -> None:
    """With MaxKeys 1 every LocalS3 page holds one key and the reader follows them all."""
    s3 = LocalS3(tmp_path)
    for key in ("p/1", "p/2", "p/3"):
        s3.write("in", key, "")
    spec = {"Resource": LIST_OBJECTS, "Parameters": {"Bucket": "in", "Prefix": "p/", "MaxKeys": 1}}
    assert [item["Key"] for item in run(map_machine(ItemReader=spec), {}, resolvers=s3.resolvers())] == [
        "p/1",
        "p/2",
        "p/3",
    ]


def test_reading_a_local_csv_object(tmp_path: Path) -> None:
    """LocalS3.get_object serves an ItemReader from a file in the bucket directory."""
    s3 = LocalS3(tmp_path)
    s3.write("in", "data", "a,b\n1,2\n")
    machine = map_machine(ItemReader=reader("CSV", CSVHeaderLocation="FIRST_ROW"))
    assert run(machine, {}, resolvers=s3.resolvers()) == [{"a": "1", "b": "2"}]


def test_missing_local_object_fails(tmp_path: Path) -> None:
    """Reading a key that LocalS3 does not hold fails with States.ItemReaderFailed."""
    s3 = LocalS3(tmp_path)
    s3.write("in", "other", "[]")
    err = fail(map_machine(ItemReader=reader()), {}, resolvers=s3.resolvers())
    assert err.error == "States.ItemReaderFailed"
    assert (err.cause or "").startswith("The specified key does not exist.")


def test_s3_inventory_manifest_reads_its_csv_files(tmp_path: Path) -> None:
    """InputType MANIFEST reads the gzipped CSV files an S3 inventory manifest lists, named by fileSchema."""
    s3 = LocalS3(tmp_path)
    s3.write("inv", "data/1.csv.gz", gzip.compress(b'"src","a.txt","3"\n"src","b.txt","4"\n'))
    s3.write("inv", "data/2.csv.gz", gzip.compress(b'"src","c.txt","5"\n'))
    manifest = {
        "sourceBucket": "src",
        "destinationBucket": "arn:aws:s3:::inv",
        "fileFormat": "CSV",
        "fileSchema": "Bucket, Key, Size",
        "files": [{"key": "data/1.csv.gz"}, {"key": "data/2.csv.gz"}],
    }
    s3.write("inv", "manifest.json", manifest)
    spec = {
        "Resource": GET_OBJECT,
        "ReaderConfig": {"InputType": "MANIFEST"},
        "Parameters": {"Bucket": "inv", "Key": "manifest.json"},
    }
    assert run(map_machine(ItemReader=spec), {}, resolvers=s3.resolvers()) == [
        {"Bucket": "src", "Key": "a.txt", "Size": "3"},
        {"Bucket": "src", "Key": "b.txt", "Size": "4"},
        {"Bucket": "src", "Key": "c.txt", "Size": "5"},
    ]
