"""A local stand-in for Amazon S3, to feed Distributed Map ItemReaders and catch ResultWriter files.

:class:`LocalS3` keeps objects in a directory: each bucket is a sub-directory of ``root`` and each
key a file under it (``/`` in keys makes sub-directories). Its three methods are resolvers with the
shape of Step Functions' S3 integrations, so they serve an ItemReader, a ResultWriter and Task
states alike::

    s3 = LocalS3(tmp_path)
    s3.write("in", "rows.csv", "id,name\\n1,ada\\n")
    asl.run(machine, input, resolvers=s3.resolvers())
    s3.read_json("out", "jobs/.../manifest.json")

* :meth:`LocalS3.get_object` takes ``{"Bucket", "Key"}`` and returns ``{"Body", "ContentLength",
  "ContentType", "ETag", "LastModified"}``; ``Body`` is text, or bytes when the object is not UTF-8
  (gzip, say). ``VersionId`` is ignored.
* :meth:`LocalS3.list_objects_v2` takes ``{"Bucket", "Prefix"?, "Delimiter"?, "MaxKeys"?,
  "StartAfter"?, "ContinuationToken"?}`` and returns a ListObjectsV2 response (``Contents`` sorted by
  key, ``IsTruncated``, ``NextContinuationToken``, ``CommonPrefixes``, ``KeyCount``, ...).
* :meth:`LocalS3.put_object` takes ``{"Bucket", "Key", "Body"}`` (text, bytes, or any JSON value,
  written as compact JSON) and returns ``{"ETag"}``.

A missing bucket or key fails as the AWS SDK integrations do (``S3.NoSuchBucketException``,
``S3.NoSuchKeyException``). ``LastModified`` is the file's modification time; ``ETag`` is the MD5
of its bytes in quotes, as S3 reports single-part uploads.
"""

from __future__ import annotations

import hashlib
import json
import mimetypes
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Final

from ..errors import StatesError
from ..resolvers import Resolver

__all__ = ["LocalS3"]

_DEFAULT_MAX_KEYS: Final = 1000
_REQUEST_ID: Final = "0000000000000000"


def _s3_error(error: str, message: str, status: int) -> StatesError:
    code = error.removeprefix("S3.").removesuffix("Exception")
    return StatesError(
        error,
        f"{message} (Service: S3, Status Code: {status}, Request ID: {_REQUEST_ID}, Error Code: {code})",
    )


def _text(payload: Any, name: str, *, required: bool = True) -> str:
    value = payload.get(name) if isinstance(payload, dict) else None
    if value is None and not required:
        return ""
    if not isinstance(value, str) or (required and not value):
        raise _s3_error("S3.S3Exception", f"The request needs a {name} string, got {value!r}", 400)
    return value


class LocalS3:
    """S3 buckets kept as sub-directories of ``root`` (created on the first write)."""

    __slots__ = ("root",)

    def __init__(self, root: str | os.PathLike[str]) -> None:
        self.root = Path(root)
        """The directory holding one sub-directory per bucket."""

    # -- files ---------------------------------------------------------------------------------

    def _bucket(self, bucket: str) -> Path:
        if not bucket or "/" in bucket or bucket in (".", ".."):
            raise _s3_error("S3.S3Exception", f"Invalid bucket name {bucket!r}", 400)
        return self.root / bucket

    def _path(self, bucket: str, key: str) -> Path:
        parts = key.split("/")
        if not key or key.startswith("/") or any(part in (".", "..") for part in parts) or "\0" in key:
            raise _s3_error("S3.S3Exception", f"Key {key!r} cannot be stored in a local directory", 400)
        return self._bucket(bucket).joinpath(*parts)

    def write(self, bucket: str, key: str, body: str | bytes | Any) -> Path:
        """Store an object (text, bytes, or a JSON value as compact JSON); its path."""
        path = self._path(bucket, key)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(_as_bytes(body))
        return path

    def read(self, bucket: str, key: str) -> bytes:
        """An object's bytes (FileNotFoundError when it does not exist)."""
        return self._path(bucket, key).read_bytes()

    def read_text(self, bucket: str, key: str) -> str:
        """An object as UTF-8 text."""
        return self.read(bucket, key).decode()

    def read_json(self, bucket: str, key: str) -> Any:
        """An object parsed as JSON."""
        return json.loads(self.read(bucket, key))

    def keys(self, bucket: str, prefix: str = "") -> list[str]:
        """Every key of ``bucket`` that starts with ``prefix``, in S3's order (UTF-8 bytes)."""
        base = self._bucket(bucket)
        if not base.is_dir():
            return []
        found = (path.relative_to(base).as_posix() for path in base.rglob("*") if path.is_file())
        return sorted((key for key in found if key.startswith(prefix)), key=lambda k: k.encode())

    # -- resolvers -----------------------------------------------------------------------------

    def get_object(self, payload: Any) -> dict[str, Any]:
        """``s3:getObject``: the object's body and metadata."""
        bucket, key = _text(payload, "Bucket"), _text(payload, "Key")
        if not self._bucket(bucket).is_dir():
            raise _s3_error("S3.NoSuchBucketException", "The specified bucket does not exist", 404)
        path = self._path(bucket, key)
        if not path.is_file():
            raise _s3_error("S3.NoSuchKeyException", "The specified key does not exist.", 404)
        data = path.read_bytes()
        try:
            body: str | bytes = data.decode()
        except UnicodeDecodeError:
            body = data
        return {
            "Body": body,
            "ContentLength": len(data),
            "ContentType": mimetypes.guess_type(key)[0] or "binary/octet-stream",
            "ETag": _etag(data),
            "LastModified": _modified(path),
        }

    def list_objects_v2(self, payload: Any) -> dict[str, Any]:
        """``s3:listObjectsV2``: one page of keys, continued with ``ContinuationToken``."""
        bucket = _text(payload, "Bucket")
        if not self._bucket(bucket).is_dir():
            raise _s3_error("S3.NoSuchBucketException", "The specified bucket does not exist", 404)
        prefix = _text(payload, "Prefix", required=False)
        delimiter = _text(payload, "Delimiter", required=False)
        after = _text(payload, "ContinuationToken", required=False) or _text(payload, "StartAfter", required=False)
        max_keys = payload.get("MaxKeys", _DEFAULT_MAX_KEYS)
        if isinstance(max_keys, bool) or not isinstance(max_keys, int) or max_keys < 0:
            raise _s3_error("S3.S3Exception", f"MaxKeys must be an integer >= 0, got {max_keys!r}", 400)
        contents: list[dict[str, Any]] = []
        prefixes: list[str] = []
        last = ""
        truncated = False
        for key in self.keys(bucket, prefix):
            if after and (
                key.encode() <= after.encode() or (delimiter and after.endswith(delimiter) and key.startswith(after))
            ):
                continue
            cut = key.find(delimiter, len(prefix)) if delimiter else -1
            entry = key[: cut + len(delimiter)] if cut >= 0 else key
            if entry == last:  # another key under the common prefix just listed
                continue
            if len(contents) + len(prefixes) >= max_keys:
                truncated = True
                break
            if cut >= 0:
                prefixes.append(entry)
            else:
                contents.append(self._listed(bucket, key))
            last = entry
        page: dict[str, Any] = {
            "Contents": contents,
            "IsTruncated": truncated,
            "KeyCount": len(contents) + len(prefixes),
            "MaxKeys": max_keys,
            "Name": bucket,
            "Prefix": prefix,
        }
        if prefixes:
            page["CommonPrefixes"] = [{"Prefix": p} for p in prefixes]
        if delimiter:
            page["Delimiter"] = delimiter
        if truncated:
            page["NextContinuationToken"] = last
        return page

    def _listed(self, bucket: str, key: str) -> dict[str, Any]:
        path = self._path(bucket, key)
        data = path.read_bytes()
        return {
            "ETag": _etag(data),
            "Key": key,
            "LastModified": _modified(path),
            "Size": len(data),
            "StorageClass": "STANDARD",
        }

    def put_object(self, payload: Any) -> dict[str, Any]:
        """``s3:putObject``: store ``Body`` under ``Bucket``/``Key``."""
        bucket, key = _text(payload, "Bucket"), _text(payload, "Key")
        body = payload.get("Body", "")
        data = _as_bytes(body)
        self.write(bucket, key, data)
        return {"ETag": _etag(data)}

    def resolvers(self) -> dict[str, Resolver]:
        """The three methods under the optimized and the AWS SDK integration ARNs."""
        table: dict[str, Resolver] = {}
        for action, method in (
            ("getObject", self.get_object),
            ("listObjectsV2", self.list_objects_v2),
            ("putObject", self.put_object),
        ):
            table[f"arn:aws:states:::s3:{action}"] = method
            table[f"arn:aws:states:::aws-sdk:s3:{action}"] = method
        return table

    def __repr__(self) -> str:
        return f"LocalS3({str(self.root)!r})"


def _as_bytes(body: Any) -> bytes:
    if isinstance(body, (bytes, bytearray)):
        return bytes(body)
    if isinstance(body, str):
        return body.encode()
    return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()


def _etag(data: bytes) -> str:
    return '"' + hashlib.md5(data, usedforsecurity=False).hexdigest() + '"'


def _modified(path: Path) -> str:
    moment = datetime.fromtimestamp(path.stat().st_mtime, tz=UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")
