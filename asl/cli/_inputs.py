"""Reading what the command line names: definitions, JSON arguments and resolver modules.

Every problem is a :class:`UsageError` with a one-line message; ``main`` prints it and
exits with 2, so bad input never ends in a traceback.
"""

from __future__ import annotations

import importlib
import importlib.util
import json
import os
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

__all__ = ["UsageError", "json_arg", "load_resolvers", "read_definition", "read_file", "write_text"]


class UsageError(Exception):
    """Bad input or usage: the message is shown as is and the command exits with 2."""


def read_file(path: str) -> bytes:
    """The bytes of ``path`` (``-``: standard input), or a :class:`UsageError` saying why not."""
    if path == "-":
        return sys.stdin.buffer.read()
    try:
        return Path(path).read_bytes()
    except FileNotFoundError:
        raise UsageError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise UsageError(f"{path}: is a directory, not a file") from None
    except PermissionError:
        raise UsageError(f"{path}: permission denied") from None
    except OSError as e:
        raise UsageError(f"{path}: cannot read ({e.strerror or e})") from None


def _parse_json(data: bytes | str, where: str) -> Any:
    try:
        return json.loads(data)
    except UnicodeDecodeError:
        raise UsageError(f"{where}: not UTF-8 text") from None
    except json.JSONDecodeError as e:
        raise UsageError(f"{where}: not valid JSON ({e.msg} at line {e.lineno} column {e.colno})") from None
    except RecursionError:
        raise UsageError(f"{where}: JSON nested too deeply") from None


def read_definition(path: str) -> Any:
    """The definition in file ``path`` as parsed JSON (its problems are left to the parser)."""
    data = read_file(path)
    if not data.strip():
        raise UsageError(f"{path}: empty file")
    return _parse_json(data, path)


def json_arg(value: str, option: str, want_object: bool = False) -> Any:
    """An option's JSON value: inline JSON text, ``@FILE``, a file path, or ``-`` for stdin."""
    if value == "-" or value.startswith("@"):
        source = value[1:] if value.startswith("@") else "-"
        parsed = _parse_json(read_file(source), f"{option} {value}")
    else:
        try:
            parsed = json.loads(value)
        except (json.JSONDecodeError, RecursionError):
            if not os.path.exists(value):
                raise UsageError(f"{option}: neither JSON text nor an existing file: {value[:80]}") from None
            parsed = _parse_json(read_file(value), f"{option} {value}")
    if want_object and not isinstance(parsed, dict):
        raise UsageError(f"{option}: expected a JSON object")
    return parsed


def _import(spec: str) -> Any:
    if spec.endswith(".py") or os.sep in spec or "/" in spec:
        path = Path(spec)
        if not path.is_file():
            raise UsageError(f"--resolvers {spec}: no such file")
        name = f"_asl_resolvers_{abs(hash(str(path.resolve())))}"
        module_spec = importlib.util.spec_from_file_location(name, path)
        if module_spec is None or module_spec.loader is None:
            raise UsageError(f"--resolvers {spec}: cannot import this file")
        module = importlib.util.module_from_spec(module_spec)
        sys.path.insert(0, str(path.resolve().parent))  # its sibling modules import as in a script
        sys.modules[name] = module
        module_spec.loader.exec_module(module)
        return module
    if "" not in sys.path and os.getcwd() not in sys.path:
        sys.path.insert(0, os.getcwd())
    return importlib.import_module(spec)


def load_resolvers(spec: str | None) -> dict[str, Any] | None:
    """The ``RESOLVERS`` mapping (or ``resolvers()``'s result) of a module name or ``.py`` file."""
    if spec is None:
        return None
    try:
        module = _import(spec)
    except UsageError:
        raise
    except Exception as e:  # the user's module failed while importing: say so in one line
        raise UsageError(f"--resolvers {spec}: import failed: {type(e).__name__}: {e}") from None
    table = getattr(module, "RESOLVERS", None)
    if table is None and callable(getattr(module, "resolvers", None)):
        try:
            table = module.resolvers()
        except Exception as e:
            raise UsageError(f"--resolvers {spec}: resolvers() failed: {type(e).__name__}: {e}") from None
    if not isinstance(table, Mapping):
        raise UsageError(f"--resolvers {spec}: define a RESOLVERS dict or a resolvers() function returning one")
    return dict(table)


def write_text(path: str | None, text: str) -> None:
    """Write ``text`` to ``path`` (``None`` or ``-``: standard output)."""
    if path is None or path == "-":
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    try:
        Path(path).write_text(text, encoding="utf-8")
    except OSError as e:
        raise UsageError(f"{path}: cannot write ({e.strerror or e})") from None
