"""ResultWriter: exporting a Distributed Map's child results to S3, or shaping them inline."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import asl
from asl.testing._s3 import LocalS3

from . import PUT_OBJECT, WORK, WORK_PROCESSOR_STATES, Recorder, fail, map_machine, run

MACHINE_ARN = "arn:aws:states:eu-west-1:111122223333:stateMachine:Orders"
CONTEXT = {"StateMachine": {"Id": MACHINE_ARN, "Name": "Orders"}}
WRITER = {"Resource": PUT_OBJECT, "Parameters": {"Bucket": "out", "Prefix": "jobs"}}


def work(value: int) -> Any:
    """The processor's task: ten times the item; a negative item fails."""
    if value < 0:
        raise asl.StatesError("Bad.Item", f"item {value} is negative")
    return value * 10


def export(s3: LocalS3, items: list[Any], writer: dict[str, Any] | None = None, **fields: Any) -> Any:
    """Run a Map over ``items`` that writes its results to ``s3``; the Map's output."""
    machine = map_machine(states=WORK_PROCESSOR_STATES, ItemsPath="$.items", ResultWriter=writer or WRITER, **fields)
    resolvers = {**s3.resolvers(), WORK: work}
    return run(machine, {"items": items}, resolvers=resolvers, context=CONTEXT)


def written(s3: LocalS3, output: dict[str, Any], name: str) -> Any:
    """The parsed file ``name`` next to the manifest the output points at."""
    folder = output["ResultWriterDetails"]["Key"].rsplit("/", 1)[0]
    return s3.read_json("out", f"{folder}/{name}")


@pytest.fixture
def s3(tmp_path: Path) -> LocalS3:
    """A LocalS3 over a fresh directory."""
    return LocalS3(tmp_path)


# -- the Map's output ------------------------------------------------------------------------------


def test_output_names_map_run_and_manifest(s3: LocalS3) -> None:
    """The Map returns its MapRunArn and the bucket and key of manifest.json under Prefix/<run id>/."""
    out = export(s3, [1, 2])
    run_id = out["MapRunArn"].rsplit(":", 1)[1]
    assert out["ResultWriterDetails"] == {"Bucket": "out", "Key": f"jobs/{run_id}/manifest.json"}


def test_map_run_arn_is_built_from_machine_and_label(s3: LocalS3) -> None:
    """The Map Run ARN is arn:...:mapRun:<machine name>/<Label>:<run id>."""
    out = export(s3, [1], Label="Batch")
    assert out["MapRunArn"].startswith("arn:aws:states:eu-west-1:111122223333:mapRun:Orders/Batch:")


def test_prefix_with_trailing_slash_is_not_doubled(s3: LocalS3) -> None:
    """A Prefix ending in '/' gets no second slash."""
    out = export(s3, [1], {"Resource": PUT_OBJECT, "Parameters": {"Bucket": "out", "Prefix": "jobs/"}})
    assert out["ResultWriterDetails"]["Key"].startswith("jobs/") and "//" not in out["ResultWriterDetails"]["Key"]


def test_without_prefix_the_run_folder_is_at_the_root(s3: LocalS3) -> None:
    """Without Prefix the files sit under <run id>/ at the bucket's root."""
    out = export(s3, [1], {"Resource": PUT_OBJECT, "Parameters": {"Bucket": "out"}})
    run_id = out["MapRunArn"].rsplit(":", 1)[1]
    assert out["ResultWriterDetails"]["Key"] == f"{run_id}/manifest.json"


# -- the files -------------------------------------------------------------------------------------


def test_manifest_lists_the_result_files(s3: LocalS3) -> None:
    """manifest.json names the bucket, the Map Run and each result file with its size in bytes."""
    out = export(s3, [1, 2])
    manifest = s3.read_json("out", out["ResultWriterDetails"]["Key"])
    key = out["ResultWriterDetails"]["Key"].replace("manifest.json", "SUCCEEDED_0.json")
    assert manifest == {
        "DestinationBucket": "out",
        "MapRunArn": out["MapRunArn"],
        "ResultFiles": {"FAILED": [], "PENDING": [], "SUCCEEDED": [{"Key": key, "Size": len(s3.read("out", key))}]},
    }


def test_succeeded_file_holds_one_record_per_child(s3: LocalS3) -> None:
    """SUCCEEDED_0.json holds each child's record, its Output as JSON text, in item order."""
    records = written(s3, export(s3, [1, 2]), "SUCCEEDED_0.json")
    assert [(r["Output"], r["Status"]) for r in records] == [("10", "SUCCEEDED"), ("20", "SUCCEEDED")]


def test_records_carry_each_child_input(s3: LocalS3) -> None:
    """Each record's Input is the child's input as JSON text."""
    records = written(s3, export(s3, [1, 2]), "SUCCEEDED_0.json")
    assert [r["Input"] for r in records] == ["1", "2"]


def test_succeeded_record_fields(s3: LocalS3) -> None:
    """A succeeded child's record has the fields of a described execution."""
    record = written(s3, export(s3, [1], Label="L"), "SUCCEEDED_0.json")[0]
    assert set(record) == {
        "ExecutionArn", "Input", "InputDetails", "Name", "Output", "OutputDetails", "RedriveCount",
        "RedriveStatus", "RedriveStatusReason", "StartDate", "StateMachineArn", "Status", "StopDate",
    }  # fmt: skip
    assert record["StateMachineArn"] == f"{MACHINE_ARN}/L"
    assert record["ExecutionArn"] == f"arn:aws:states:eu-west-1:111122223333:execution:Orders/L:{record['Name']}"
    assert record["InputDetails"] == record["OutputDetails"] == {"Included": True}


def test_failed_children_go_to_the_failed_file(s3: LocalS3) -> None:
    """Tolerated failures are written to FAILED_0.json with their Error and Cause and no Output."""
    out = export(s3, [1, -2], ToleratedFailureCount=1)
    failed = written(s3, out, "FAILED_0.json")
    assert [(r["Error"], r["Cause"], r["Status"], "Output" in r) for r in failed] == [
        ("Bad.Item", "item -2 is negative", "FAILED", False)
    ]
    assert [r["Output"] for r in written(s3, out, "SUCCEEDED_0.json")] == ["10"]


def test_no_failed_file_without_failures(s3: LocalS3) -> None:
    """With every child succeeding only SUCCEEDED_0.json and manifest.json are written."""
    out = export(s3, [1])
    folder = out["ResultWriterDetails"]["Key"].rsplit("/", 1)[0]
    assert s3.keys("out") == [f"{folder}/SUCCEEDED_0.json", f"{folder}/manifest.json"]


def test_manifest_is_written_last() -> None:
    """The result files are put before manifest.json."""
    put = Recorder({})
    machine = map_machine(states=WORK_PROCESSOR_STATES, ItemsPath="$.items", ResultWriter=WRITER)
    run(machine, {"items": [1]}, resolvers={PUT_OBJECT: put, WORK: work})
    assert [p["Key"].rsplit("/", 1)[1] for p in put.payloads] == ["SUCCEEDED_0.json", "manifest.json"]


def test_writer_config_compact_writes_outputs_only(s3: LocalS3) -> None:
    """With WriterConfig COMPACT the file holds the children's outputs alone."""
    writer = {**WRITER, "WriterConfig": {"Transformation": "COMPACT", "OutputType": "JSON"}}
    assert written(s3, export(s3, [1, 2], writer), "SUCCEEDED_0.json") == [10, 20]


def test_writer_config_jsonl_writes_one_line_per_result(s3: LocalS3) -> None:
    """OutputType JSONL writes one JSON value a line."""
    writer = {**WRITER, "WriterConfig": {"Transformation": "COMPACT", "OutputType": "JSONL"}}
    out = export(s3, [1, 2], writer)
    key = out["ResultWriterDetails"]["Key"].replace("manifest.json", "SUCCEEDED_0.json")
    assert s3.read_text("out", key) == "10\n20\n"


def test_jsonata_arguments_name_the_destination(s3: LocalS3) -> None:
    """In JSONata states the writer's Arguments are evaluated with $states.input."""
    writer = {"Resource": PUT_OBJECT, "Arguments": {"Bucket": "{% $states.input.bucket %}", "Prefix": "j"}}
    machine = map_machine(
        states=WORK_PROCESSOR_STATES, QueryLanguage="JSONata", Items="{% $states.input.items %}", ResultWriter=writer
    )
    out = run(machine, {"items": [1], "bucket": "out"}, resolvers={**s3.resolvers(), WORK: work})
    assert out["ResultWriterDetails"]["Bucket"] == "out"
    assert s3.read_json("out", out["ResultWriterDetails"]["Key"])["DestinationBucket"] == "out"


# -- failures --------------------------------------------------------------------------------------


def test_missing_put_resolver_fails_with_result_writer_failed() -> None:
    """With no resolver for the writer's Resource the Map fails with States.ResultWriterFailed."""
    machine = map_machine(states=WORK_PROCESSOR_STATES, ItemsPath="$.items", ResultWriter=WRITER)
    err = fail(machine, {"items": [1]}, resolvers={WORK: work})
    assert err.error == "States.ResultWriterFailed"
    assert PUT_OBJECT in (err.cause or "")


def test_missing_bucket_fails_with_result_writer_failed(s3: LocalS3) -> None:
    """A writer whose Parameters give no Bucket fails with States.ResultWriterFailed."""
    machine = map_machine(
        states=WORK_PROCESSOR_STATES,
        ItemsPath="$.items",
        ResultWriter={"Resource": PUT_OBJECT, "Parameters": {"Prefix": "p"}},
    )
    err = fail(machine, {"items": [1]}, resolvers={**s3.resolvers(), WORK: work})
    assert err.error == "States.ResultWriterFailed"


def test_put_error_becomes_result_writer_failed() -> None:
    """An error raised by the putObject resolver fails the Map with States.ResultWriterFailed and its cause."""
    put = Recorder(asl.StatesError("S3.AccessDeniedException", "Access Denied"))
    machine = map_machine(states=WORK_PROCESSOR_STATES, ItemsPath="$.items", ResultWriter=WRITER)
    err = fail(machine, {"items": [1]}, resolvers={PUT_OBJECT: put, WORK: work})
    assert (err.error, err.cause) == ("States.ResultWriterFailed", "Access Denied")


# -- WriterConfig without Resource: inline results -------------------------------------------------


def inline(items: list[Any], transformation: str, **fields: Any) -> Any:
    """The Map's output over ``items`` with a ResultWriter of WriterConfig only."""
    writer = {"WriterConfig": {"Transformation": transformation, "OutputType": "JSON"}}
    machine = map_machine(states=WORK_PROCESSOR_STATES, ItemsPath="$.items", ResultWriter=writer, **fields)
    return run(machine, {"items": items}, resolvers={WORK: work}, context=CONTEXT)


def test_inline_compact_returns_outputs() -> None:
    """WriterConfig COMPACT alone returns the children's outputs as the Map's result."""
    assert inline([1, 2], "COMPACT") == [10, 20]


def test_inline_flatten_splices_array_outputs() -> None:
    """FLATTEN splices array outputs into the result; other outputs stay as they are."""
    writer = {"WriterConfig": {"Transformation": "FLATTEN", "OutputType": "JSON"}}
    machine = map_machine(ItemsPath="$.items", ResultWriter=writer)
    assert run(machine, {"items": [[1, 2], 3, [], [[4]]]}) == [1, 2, 3, [4]]


def test_inline_none_returns_records_with_parsed_values() -> None:
    """NONE returns each child's record; with WriterConfig, Output is a JSON value, not text."""
    records = inline([1, 2], "NONE")
    assert [(r["Output"], r["Status"]) for r in records] == [(10, "SUCCEEDED"), (20, "SUCCEEDED")]


def test_inline_failed_child_keeps_its_record() -> None:
    """With COMPACT a failed child's whole record (Error, Cause, Status FAILED) stands in its place."""
    out = inline([1, -1], "COMPACT", ToleratedFailureCount=1)
    assert out[0] == 10
    assert (out[1]["Error"], out[1]["Cause"], out[1]["Status"]) == ("Bad.Item", "item -1 is negative", "FAILED")
