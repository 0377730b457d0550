"""Distributed Map I/O: ItemReader, ItemBatcher and ResultWriter.

The Map handler (``_concurrent.py``) calls the three functions below; everything about where
items come from and where results go lives here.

**ItemReader.** The reader's Parameters (JSONPath) or Arguments (JSONata) are evaluated on the
Map's effective input and passed to the resolver registered for its ``Resource`` (looked up by
ARN or glob, never by state name, so the reader and the writer of one Map can differ):

* ``arn:aws:states:::s3:listObjectsV2``: the resolver returns a ListObjectsV2 response; while
  ``IsTruncated`` it is called again with ``ContinuationToken``. Each ``Contents`` entry becomes an
  item shaped as AWS yields it: ``Etag``, ``Key``, ``LastModified`` (epoch seconds), ``Size``,
  ``StorageClass``. With ``ReaderConfig.Transformation: LOAD_AND_FLATTEN`` every listed object is
  read through the ``s3:getObject`` resolver and its items (per ``InputType``) are concatenated.
* anything else (``s3:getObject`` above all): the resolver returns the object's body as ``str``
  or ``bytes`` (gzip is undone), or a dict with a ``Body``, or the parsed items as a list. The body
  is read per ``ReaderConfig.InputType``: ``JSON`` (a JSON array; also the default), ``JSONL``
  (one JSON value a line, blank lines skipped), ``CSV`` (``CSVHeaderLocation`` ``FIRST_ROW`` or
  ``GIVEN`` with ``CSVHeaders``; ``CSVDelimiter`` COMMA, PIPE, SEMICOLON, SPACE or TAB; every value
  a string, missing trailing values ``""``, extra values dropped, empty lines skipped) or
  ``MANIFEST`` (an S3 inventory ``manifest.json`` whose CSV files are read through the same
  resolver; ``ManifestType: ATHENA_DATA`` reads a list of ``s3://`` URIs instead). ``PARQUET``
  needs a resolver that returns the rows as a list.

``MaxItems`` / ``MaxItemsPath`` keep the first N items (0 means all; at most 100,000,000). Every
failure to read is ``States.ItemReaderFailed``.

**ItemBatcher.** ItemSelector runs on each item first, then consecutive items are grouped: each
child gets ``{"BatchInput": ..., "Items": [...]}`` (``BatchInput`` only when given), at most
``MaxItemsPerBatch`` items and at most ``MaxInputBytesPerBatch`` bytes of compact UTF-8 JSON for
the whole child input (never over AWS's 256 KiB).

**ResultWriter.** With a ``Resource`` (``s3:putObject``), the child results are written under
``<Prefix>/<map run id>/`` as ``SUCCEEDED_0.json`` / ``FAILED_0.json`` (only for statuses that
have children) and then ``manifest.json``, one resolver call per file (payload ``Bucket``, ``Key``,
``Body`` text); the Map's result is ``{"MapRunArn", "ResultWriterDetails": {"Bucket", "Key"}}``.
Without ``WriterConfig`` the files hold one entry per child with its metadata and its ``Input`` /
``Output`` as JSON text. ``WriterConfig`` picks ``Transformation`` (``NONE``: entries with parsed
``Input``/``Output``; ``COMPACT``: outputs; ``FLATTEN``: outputs with arrays spliced in; a failed
child always stays a full entry) and ``OutputType`` (``JSON`` array or ``JSONL``). A ResultWriter
with only ``WriterConfig`` returns the transformed results as the Map's result. Every failure to
write is ``States.ResultWriterFailed``.
"""

from __future__ import annotations

import csv
import functools
import gzip
import inspect
import io
import json
import uuid
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Final

from .._home import DEFAULT_STATE_MACHINE_ARN
from .._time import format_timestamp
from ..errors import ITEM_READER_FAILED, RESULT_WRITER_FAILED, StatesError
from ..jsonata import Expression, compile_expression, is_expression
from ..paths import JsonPath, PathSyntaxError, compile_path
from ..resolvers import TaskCall
from ..states import JSONATA
from ._step import compact_json
from ._task import copy_json

if TYPE_CHECKING:
    from ..states import ItemBatcher, ItemReader, MapState, ResultWriter
    from ._step import Step

__all__ = ["MAX_BATCH_BYTES", "MAX_READER_ITEMS", "iteration_inputs", "read_items", "write_results"]

#: The most items a reader yields (AWS: "up to 100,000,000").
MAX_READER_ITEMS: Final = 100_000_000
#: The largest child input a batch may make (AWS's payload limit, 256 KiB).
MAX_BATCH_BYTES: Final = 256 * 1024

_DELIMITERS: Final = {"COMMA": ",", "PIPE": "|", "SEMICOLON": ";", "SPACE": " ", "TAB": "\t"}
_LISTING_SUFFIX: Final = ":s3:listObjectsV2"
_SUCCEEDED_REASON: Final = "Execution is SUCCEEDED and cannot be redriven"


# -- calling a resolver --------------------------------------------------------------------------

_CALLERS: Final[dict[int, Callable[[Any, Any, TaskCall], Any]]] = {
    0: lambda fn, _payload, _call: fn(),
    1: lambda fn, payload, _call: fn(payload),
    2: lambda fn, payload, call: fn(payload, call),
}


async def _call(step: Step, resource: str, payload: Any, error: str, field: str) -> Any:
    """Run the resolver registered for ``resource``; every failure becomes ``error``.

    The resolver is called directly (not through the Task protocols), so a body of any size
    and any bytes reaches the reader as it is.
    """
    run = step.frame.run
    binding = run.resolvers.find("", resource, payload, context=step.context)
    if binding is None:
        raise StatesError(
            error,
            f"No resolver for the {field} of state '{step.state.name}' (Resource '{resource}'): register "
            f"a callable under that ARN or a glob matching it, e.g. resolvers=asl.testing.LocalS3(root).resolvers().",
        )
    call = TaskCall(state_name=step.state.name, resource=resource, attempt=step.retry_count, context=step.context)
    try:
        out = _CALLERS[binding.arity](binding.resolver, copy_json(payload), call)
        if inspect.isawaitable(out):
            out = await out
    except StatesError as err:
        raise StatesError(error, err.cause if err.cause is not None else err.error) from None
    except Exception as exc:
        raise StatesError(error, f"{type(exc).__name__}: {exc}") from exc
    return out


def _payload(step: Step, value: Any, raw: Any, data: Any, field: str) -> Any:
    """Parameters (JSONPath, on the effective input) or Arguments (JSONata) of a reader or writer."""
    if value is None:
        return {}
    if step.state.query_language == JSONATA:
        return step.jsonata(value, step.states_var(raw), field)
    return step.evaluate(value, data)


# -- ItemReader ----------------------------------------------------------------------------------


async def read_items(step: Step, state: MapState, raw: Any, data: Any) -> list[Any]:
    """The items an ``ItemReader`` yields (the state has one)."""
    reader: ItemReader = state.item_reader  # type: ignore[assignment]
    config = reader.reader_config
    limit = _max_items(step, config, raw, data)
    field = "Arguments" if state.query_language == JSONATA else "Parameters"
    payload = _payload(step, reader.parameters, raw, data, field)
    if reader.resource.endswith(_LISTING_SUFFIX):
        flatten = config.get("Transformation") == "LOAD_AND_FLATTEN"
        items = await _list_objects(step, reader.resource, payload, MAX_READER_ITEMS if flatten else limit)
        if flatten:
            items = await _load_and_flatten(step, reader, payload, items, limit)
    else:
        result = await _call(step, reader.resource, payload, ITEM_READER_FAILED, "ItemReader")
        items = await _object_items(step, reader, result, limit)
    return items[:limit] if len(items) > limit else items


@functools.lru_cache(maxsize=256)
def _compiled_path(text: str) -> JsonPath:
    return compile_path(text, reference=True)


@functools.lru_cache(maxsize=256)
def _compiled_expression(text: str) -> Expression:
    return compile_expression(text)


def _max_items(step: Step, config: Mapping[str, Any], raw: Any, data: Any) -> int:
    """``MaxItems`` / ``MaxItemsPath``: how many items to keep (0 and absent mean all)."""
    if "MaxItemsPath" in config:
        text = config["MaxItemsPath"]
        try:
            path = _compiled_path(text)
        except PathSyntaxError as e:
            raise step.runtime(f"Invalid MaxItemsPath {text!r}: {e}") from None
        value = _integral(step.path(path, data))
        if isinstance(value, bool) or not isinstance(value, int):
            raise step.runtime(
                f'The MaxItemsPath field refers to value "{_shown(value)}" which is not a valid integer: {text}'
            )
    else:
        value = config.get("MaxItems", 0)
        if isinstance(value, str) and is_expression(value):
            try:
                expression = _compiled_expression(value)
            except ValueError as e:
                raise step.runtime(f"Invalid MaxItems expression: {e}") from None
            value = _integral(step.jsonata(expression, step.states_var(raw), "MaxItems"))
        if isinstance(value, bool) or not isinstance(value, int):
            raise StatesError(ITEM_READER_FAILED, f"field MaxItems must be an integer, but was: {_shown(value)}")
    if value < 0:
        raise StatesError(ITEM_READER_FAILED, "field MaxItems must be positive")
    return MAX_READER_ITEMS if value == 0 else min(value, MAX_READER_ITEMS)


def _shown(value: Any) -> str:
    return value if isinstance(value, str) else compact_json(value)


def _integral(value: Any) -> Any:
    """``value`` as an int when it is a whole float (JSONata arithmetic yields floats)."""
    return int(value) if isinstance(value, float) and value.is_integer() else value


async def _list_objects(step: Step, resource: str, payload: Any, limit: int) -> list[Any]:
    """Every object a (paginated) ListObjectsV2 names, as AWS hands them to the children."""
    items: list[Any] = []
    seen: set[str] = set()
    request = payload
    while True:
        page = await _call(step, resource, request, ITEM_READER_FAILED, "ItemReader")
        if isinstance(page, list):  # a resolver may hand over the Contents alone
            page = {"Contents": page}
        if not isinstance(page, Mapping):
            raise StatesError(ITEM_READER_FAILED, f"The ListObjectsV2 result is not an object: {_preview(page)}")
        contents = page.get("Contents") or []
        if not isinstance(contents, list):
            raise StatesError(ITEM_READER_FAILED, "The ListObjectsV2 result's Contents is not an array.")
        items.extend(_listed(entry) for entry in contents)
        token = page.get("NextContinuationToken")
        if not page.get("IsTruncated") or not isinstance(token, str) or len(items) >= limit:
            return items
        if token in seen:
            raise StatesError(ITEM_READER_FAILED, f"ListObjectsV2 returned the continuation token {token!r} twice.")
        seen.add(token)
        request = {**payload, "ContinuationToken": token} if isinstance(payload, Mapping) else payload


def _listed(entry: Any) -> Any:
    """One ``Contents`` entry as a child's input: Etag, Key, LastModified (epoch seconds), Size, StorageClass."""
    if not isinstance(entry, Mapping):
        return entry
    item: dict[str, Any] = {}
    if "Etag" in entry or "ETag" in entry:  # AWS names it Etag; boto3 and the S3 API say ETag
        item["Etag"] = entry.get("Etag", entry.get("ETag"))
    for key in ("Key", "LastModified", "Size", "StorageClass"):
        if key in entry:
            item[key] = _epoch_seconds(entry[key]) if key == "LastModified" else entry[key]
    return item


def _epoch_seconds(value: Any) -> Any:
    """A timestamp (epoch number, ISO-8601 text or datetime) as whole epoch seconds."""
    if isinstance(value, datetime):
        moment = value if value.tzinfo else value.replace(tzinfo=UTC)
        return int(moment.timestamp())
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return int(value)
    if isinstance(value, str):
        try:
            return _epoch_seconds(datetime.fromisoformat(value.replace("Z", "+00:00")))
        except ValueError:
            return value
    return value


async def _load_and_flatten(step: Step, reader: ItemReader, payload: Any, listed: list[Any], limit: int) -> list[Any]:
    """``Transformation: LOAD_AND_FLATTEN``: the items of every listed object, in listing order."""
    get_object = reader.resource[: -len("listObjectsV2")] + "getObject"
    bucket = payload.get("Bucket") if isinstance(payload, Mapping) else None
    items: list[Any] = []
    for entry in listed:
        key = entry.get("Key") if isinstance(entry, Mapping) else None
        if not isinstance(key, str) or key.endswith("/"):
            continue
        body = await _call(step, get_object, {"Bucket": bucket, "Key": key}, ITEM_READER_FAILED, "ItemReader")
        items.extend(_parse(reader.reader_config, body, limit - len(items)))
        if len(items) >= limit:
            break
    return items


async def _object_items(step: Step, reader: ItemReader, result: Any, limit: int) -> list[Any]:
    """The items of one object read by ``getObject`` (or any other reader resource)."""
    config = reader.reader_config
    if config.get("ManifestType") == "ATHENA_DATA":
        return await _athena_items(step, reader, result, limit)
    if config.get("InputType") == "MANIFEST":
        return await _inventory_items(step, reader, result, limit)
    return _parse(config, result, limit)


# -- bodies and formats --------------------------------------------------------------------------


def _body(result: Any) -> Any:
    """The object's body: text (bytes decoded, gzip undone) or an already parsed value."""
    body = result.get("Body") if isinstance(result, Mapping) and "Body" in result else result
    if isinstance(body, (bytes, bytearray)):
        data = bytes(body)
        if data[:2] == b"\x1f\x8b":
            try:
                data = gzip.decompress(data)
            except (OSError, EOFError) as e:
                raise StatesError(ITEM_READER_FAILED, f"The object is not valid gzip data: {e}") from None
        try:
            return data.decode("utf-8-sig")
        except UnicodeDecodeError as e:
            raise StatesError(ITEM_READER_FAILED, f"The object is not UTF-8 text: {e}") from None
    return body


def _preview(value: Any) -> str:
    text = value if isinstance(value, str) else repr(value)
    return text if len(text) <= 200 else text[:200] + "..."


def _parse(config: Mapping[str, Any], result: Any, limit: int) -> list[Any]:
    """The items of one object's body, per ``InputType``."""
    body = _body(result)
    kind = config.get("InputType", "JSON")
    if isinstance(body, list):  # a resolver may hand over the parsed items
        return body
    parser = _PARSERS.get(kind)
    if parser is None:
        raise StatesError(
            ITEM_READER_FAILED,
            f"InputType {kind} is not supported here: have the resolver return the items as a list.",
        )
    return parser(config, body, limit)


def _json_items(_config: Mapping[str, Any], body: Any, _limit: int) -> list[Any]:
    value = body
    if isinstance(body, str):
        try:
            value = json.loads(body)
        except ValueError as e:
            raise StatesError(ITEM_READER_FAILED, f"The object is not valid JSON: {e}") from None
    if not isinstance(value, list):
        raise StatesError(ITEM_READER_FAILED, "Attempting to map over non-iterable node.")
    return value


def _jsonl_items(_config: Mapping[str, Any], body: Any, limit: int) -> list[Any]:
    if not isinstance(body, str):
        return [body]
    items: list[Any] = []
    for number, line in enumerate(body.splitlines(), 1):
        if not line.strip():
            continue
        try:
            items.append(json.loads(line))
        except ValueError as e:
            raise StatesError(ITEM_READER_FAILED, f"Line {number} of the JSONL object is not valid JSON: {e}") from None
        if len(items) >= limit:
            break
    return items


def _csv_items(config: Mapping[str, Any], body: Any, limit: int) -> list[Any]:
    if not isinstance(body, str):
        raise StatesError(ITEM_READER_FAILED, f"A CSV object must be text, got {type(body).__name__}.")
    delimiter = _DELIMITERS.get(config.get("CSVDelimiter", "COMMA"), ",")
    rows = (row for row in csv.reader(io.StringIO(body, newline=""), delimiter=delimiter) if row)
    if config.get("CSVHeaderLocation") == "GIVEN":
        headers = [str(h) for h in config.get("CSVHeaders") or ()]
        if not headers:
            raise StatesError(ITEM_READER_FAILED, "CSVHeaders must be given when CSVHeaderLocation is GIVEN.")
    else:
        headers = next(rows, [])
    if len(set(headers)) < len(headers):
        raise StatesError(ITEM_READER_FAILED, "CSV headers cannot contain duplicates.")
    width = len(headers)
    items: list[Any] = []
    padding = [""] * width
    for row in rows:
        if len(items) >= limit:
            break
        values = row if len(row) >= width else row + padding[len(row) :]
        items.append(dict(zip(headers, values, strict=False)))
    return items


_PARSERS: Final[dict[str, Callable[[Mapping[str, Any], Any, int], list[Any]]]] = {
    "JSON": _json_items,
    "JSONL": _jsonl_items,
    "CSV": _csv_items,
}


async def _inventory_items(step: Step, reader: ItemReader, result: Any, limit: int) -> list[Any]:
    """``InputType: MANIFEST``: the rows of every CSV file an S3 inventory ``manifest.json`` lists."""
    manifest = _json_value(_body(result), "The S3 inventory manifest")
    if not isinstance(manifest, Mapping) or not isinstance(manifest.get("files"), list):
        raise StatesError(ITEM_READER_FAILED, "The S3 inventory manifest has no 'files' array.")
    if str(manifest.get("fileFormat", "CSV")).upper() != "CSV":
        raise StatesError(ITEM_READER_FAILED, "Only S3 inventories in CSV format can be read.")
    headers = [h.strip() for h in str(manifest.get("fileSchema", "")).split(",")]
    bucket = str(manifest.get("destinationBucket", "")).rsplit(":", 1)[-1]
    config = {"InputType": "CSV", "CSVHeaderLocation": "GIVEN", "CSVHeaders": headers}
    items: list[Any] = []
    for entry in manifest["files"]:
        key = entry.get("key") if isinstance(entry, Mapping) else None
        body = await _call(step, reader.resource, {"Bucket": bucket, "Key": key}, ITEM_READER_FAILED, "ItemReader")
        items.extend(_parse(config, body, limit - len(items)))
        if len(items) >= limit:
            break
    return items


async def _athena_items(step: Step, reader: ItemReader, result: Any, limit: int) -> list[Any]:
    """``ManifestType: ATHENA_DATA``: the items of every ``s3://bucket/key`` the manifest lists."""
    text = _body(result)
    if not isinstance(text, str):
        raise StatesError(ITEM_READER_FAILED, "The Athena manifest must be text with one S3 URI a line.")
    items: list[Any] = []
    for line in text.splitlines():
        uri = line.strip()
        if not uri:
            continue
        if not uri.startswith("s3://") or "/" not in uri[5:]:
            raise StatesError(ITEM_READER_FAILED, f"The Athena manifest lists {uri!r}, which is not an S3 URI.")
        bucket, key = uri[5:].split("/", 1)
        body = await _call(step, reader.resource, {"Bucket": bucket, "Key": key}, ITEM_READER_FAILED, "ItemReader")
        items.extend(_parse(reader.reader_config, body, limit - len(items)))
        if len(items) >= limit:
            break
    return items


def _json_value(body: Any, what: str) -> Any:
    if not isinstance(body, str):
        return body
    try:
        return json.loads(body)
    except ValueError as e:
        raise StatesError(ITEM_READER_FAILED, f"{what} is not valid JSON: {e}") from None


# -- ItemBatcher ---------------------------------------------------------------------------------


def iteration_inputs(
    step: Step, state: MapState, raw: Any, data: Any, items: list[Any], select: Callable[[int, Any], Any]
) -> list[Any]:
    """The input of each child: ``select`` (ItemSelector) per item, then batches when ItemBatcher is set."""
    inputs = [select(index, item) for index, item in enumerate(items)]
    if state.item_batcher is not None:
        inputs = _batches(step, state.item_batcher, raw, data, inputs)
    if state.result_writer is not None:
        _remember_inputs(step, inputs)
    return inputs


def _json_size(value: Any) -> int:
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return len(text) if text.isascii() else len(text.encode())


def _batches(step: Step, batcher: ItemBatcher, raw: Any, data: Any, inputs: list[Any]) -> list[Any]:
    """Consecutive inputs grouped under both bounds; each child input is ``{BatchInput?, Items}``."""
    max_items = (
        _batch_limit(step, batcher.max_items_per_batch, batcher.max_items_per_batch_path, raw, data, "MaxItemsPerBatch")
        or len(inputs)
        or 1
    )
    max_bytes = (
        _batch_limit(
            step,
            batcher.max_input_bytes_per_batch,
            batcher.max_input_bytes_per_batch_path,
            raw,
            data,
            "MaxInputBytesPerBatch",
        )
        or MAX_BATCH_BYTES
    )
    max_bytes = min(max_bytes, MAX_BATCH_BYTES)
    head: dict[str, Any] = {}
    if batcher.batch_input is not None:
        head["BatchInput"] = _payload(step, batcher.batch_input, raw, data, "BatchInput")
    empty_size = _json_size({**head, "Items": []})
    groups: list[list[Any]] = []
    current: list[Any] = []
    size = empty_size
    for index, item in enumerate(inputs):
        item_size = _json_size(item)
        if current and (len(current) >= max_items or size + 1 + item_size > max_bytes):
            groups.append(current)
            current, size = [], empty_size
        if not current and size + item_size > max_bytes:
            raise step.runtime(
                f"The item at index {index} makes a batch of {size + item_size} bytes, more than the "
                f"MaxInputBytesPerBatch limit of {max_bytes} bytes."
            )
        size += item_size + (1 if current else 0)
        current.append(item)
    if current:
        groups.append(current)
    return [{**head, "Items": group} for group in groups]


def _batch_limit(step: Step, value: Any, path: JsonPath | None, raw: Any, data: Any, field: str) -> int | None:
    """A positive integer bound given literally, by a JSONata expression or by a ``...Path``."""
    if path is not None:
        value = _integral(step.path(path, data))
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise step.runtime(
                f'The {field}Path field refers to value "{_shown(value)}" which is not a valid positive '
                f"integer: {path.text}"
            )
        return value
    if value is None:
        return None
    if isinstance(value, Expression):
        value = _integral(step.jsonata(value, step.states_var(raw), field))
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise step.runtime(f"The {field} field must be a positive integer, but was: {_shown(value)}")
    return value


# -- ResultWriter --------------------------------------------------------------------------------

#: Child inputs of Maps with a ResultWriter, from iteration_inputs to write_results (id(step) -> ...).
_INPUTS: dict[int, tuple[Step, list[Any]]] = {}
_INPUTS_KEPT: Final = 64


def _remember_inputs(step: Step, inputs: list[Any]) -> None:
    _INPUTS.pop(id(step), None)
    while len(_INPUTS) >= _INPUTS_KEPT:  # Maps that failed before writing: forget the oldest
        del _INPUTS[next(iter(_INPUTS))]
    _INPUTS[id(step)] = (step, inputs)


def _recall_inputs(step: Step, count: int) -> list[Any]:
    kept = _INPUTS.pop(id(step), None)
    if kept is not None and kept[0] is step and len(kept[1]) == count:
        return kept[1]
    return [None] * count


def _map_run(step: Step, state: MapState) -> tuple[str, str]:
    """(a fresh Map Run ARN, the label in it): ``...:mapRun:<machine>/<label>:<id>``.

    Without a ``Label`` AWS generates one; here it is a UUID drawn from the run's RNG.
    """
    machine = _machine_arn(step)
    label = state.label or _uuid(step)
    return f"{machine.replace(':stateMachine:', ':mapRun:', 1)}/{label}:{_uuid(step)}", label


def _machine_arn(step: Step) -> str:
    machine = step.context.get("StateMachine") or {}
    ident = machine.get("Id") if isinstance(machine, Mapping) else None
    return ident if isinstance(ident, str) else DEFAULT_STATE_MACHINE_ARN


def _uuid(step: Step) -> str:
    return str(uuid.UUID(int=step.frame.run.rng.getrandbits(128), version=4))


async def write_results(
    step: Step, state: MapState, raw: Any, data: Any, results: list[Any], failed: list[bool]
) -> Any:
    """The Map's result after a ``ResultWriter`` (the state has one) wrote ``results``."""
    writer: ResultWriter = state.result_writer  # type: ignore[assignment]
    config = writer.writer_config
    inputs = _recall_inputs(step, len(results))
    run_arn, label = _map_run(step, state)
    if writer.resource is None:
        transformation = config.get("Transformation", "COMPACT")
        entries = _entries(step, label, inputs, results, failed, transformation, as_text=False)
        return _transformed(transformation, results, failed, entries)
    field = "Arguments" if state.query_language == JSONATA else "Parameters"
    target = _payload(step, writer.parameters, raw, data, field)
    bucket, prefix = _destination(target)
    folder = f"{prefix}{run_arn.rsplit(':', 1)[-1]}/"
    transformation = config.get("Transformation", "NONE")
    entries = _entries(step, label, inputs, results, failed, transformation, as_text=not config)
    lines = config.get("OutputType") == "JSONL"
    files: dict[str, list[dict[str, Any]]] = {"FAILED": [], "PENDING": [], "SUCCEEDED": []}
    for status, picked in (("SUCCEEDED", False), ("FAILED", True)):
        chosen = [i for i, bad in enumerate(failed) if bad is picked]
        if not chosen:
            continue
        values = _transformed(
            transformation, [results[i] for i in chosen], [picked] * len(chosen), [entries[i] for i in chosen]
        )
        key = f"{folder}{status}_0.json"
        body = "".join(compact_json(v) + "\n" for v in values) if lines else compact_json(values)
        await _put(step, writer.resource, bucket, key, body)
        files[status].append({"Key": key, "Size": len(body.encode())})
    manifest = {"DestinationBucket": bucket, "MapRunArn": run_arn, "ResultFiles": files}
    manifest_key = f"{folder}manifest.json"
    await _put(step, writer.resource, bucket, manifest_key, compact_json(manifest))
    return {"MapRunArn": run_arn, "ResultWriterDetails": {"Bucket": bucket, "Key": manifest_key}}


def _destination(target: Any) -> tuple[str, str]:
    """(Bucket, Prefix ending in ``/`` unless empty) of the writer's Parameters."""
    bucket = target.get("Bucket") if isinstance(target, Mapping) else None
    if not isinstance(bucket, str) or not bucket:
        raise StatesError(RESULT_WRITER_FAILED, f"The ResultWriter needs a Bucket, got: {_shown(target)}")
    prefix = target.get("Prefix", "")
    prefix = "" if prefix is None else str(prefix)
    if prefix and not prefix.endswith("/"):
        prefix += "/"
    return bucket, prefix


async def _put(step: Step, resource: str, bucket: str, key: str, body: str) -> None:
    await _call(step, resource, {"Bucket": bucket, "Key": key, "Body": body}, RESULT_WRITER_FAILED, "ResultWriter")


def _entries(
    step: Step,
    label: str,
    inputs: list[Any],
    results: list[Any],
    failed: list[bool],
    transformation: str,
    *,
    as_text: bool,
) -> list[Any]:
    """One DescribeExecution-like record per child (Input and Output as JSON text when ``as_text``).

    Only built when the transformation keeps them (``NONE``, or some child failed).
    """
    if transformation != "NONE" and not any(failed):
        return [None] * len(results)
    machine = f"{_machine_arn(step)}/{label}"
    executions = machine.replace(":stateMachine:", ":execution:", 1)
    state_info = step.context.get("State") or {}
    started = state_info.get("EnteredTime") if isinstance(state_info, Mapping) else None
    stopped = format_timestamp(step.frame.run.clock.now())
    shown: Callable[[Any], Any] = compact_json if as_text else (lambda v: v)
    entries = []
    for index, result in enumerate(results):
        name = _uuid(step)
        entry: dict[str, Any] = {}
        if failed[index]:
            outcome = result if isinstance(result, Mapping) else {}
            if outcome.get("Cause") is not None:
                entry["Cause"] = outcome["Cause"]
            entry["Error"] = outcome.get("Error")
        entry |= {
            "ExecutionArn": f"{executions}:{name}",
            "Input": shown(inputs[index]),
            "InputDetails": {"Included": True},
            "Name": name,
        }
        if not failed[index]:
            entry |= {"Output": shown(result), "OutputDetails": {"Included": True}}
        entry |= {"RedriveCount": 0, "RedriveStatus": "NOT_REDRIVABLE"}
        if not failed[index]:
            entry["RedriveStatusReason"] = _SUCCEEDED_REASON
        entry |= {
            "StartDate": started or stopped,
            "StateMachineArn": machine,
            "Status": "FAILED" if failed[index] else "SUCCEEDED",
            "StopDate": stopped,
        }
        entries.append(entry)
    return entries


def _transformed(transformation: str, results: list[Any], failed: list[bool], entries: list[Any]) -> list[Any]:
    """The results after ``Transformation``; a failed child always keeps its whole record."""
    if transformation == "NONE":
        return entries
    out: list[Any] = []
    for result, bad, entry in zip(results, failed, entries, strict=True):
        if bad:
            out.append(entry)
        elif transformation == "FLATTEN" and isinstance(result, list):
            out.extend(result)
        else:
            out.append(result)
    return out
