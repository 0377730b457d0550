"""Assertions on finished executions, with failure messages that say what happened.

Each helper takes an :class:`asl.Execution` (or the :class:`asl.ExecutionFailed` that
:func:`asl.run` raised) and raises ``AssertionError`` with the execution's status, error,
cause and path, plus what differs:

* :func:`assert_succeeded`, :func:`assert_failed` (``error=``, ``cause=``: a string or a
  compiled regular expression);
* :func:`assert_output`: the JSON locations that differ (``$.payment.amount: expected 39.98,
  got 40``), missing and unexpected keys;
* :func:`assert_path`: the states entered against those expected, as a diff;
* :func:`assert_retried`: how many times a state was retried (``Execution.retries``);
* :func:`assert_matches_snapshot` and :class:`Snapshot`: compare with a JSON file written on
  the first run (or when asked to update).

JSON values compare as JSON: ``true`` is not ``1``, ``1`` equals ``1.0``.
"""

from __future__ import annotations

import difflib
import json
import os
import re
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

if TYPE_CHECKING:
    from ..execution import Execution

__all__ = [
    "Snapshot",
    "assert_failed",
    "assert_matches_snapshot",
    "assert_output",
    "assert_path",
    "assert_retried",
    "assert_succeeded",
    "json_diff",
    "retry_count",
    "visit_count",
]

_MAX_DIFFERENCES: Final = 20
_MAX_VALUE: Final = 200
_MAX_CAUSE: Final = 500
_IDENTIFIER: Final = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def _execution(value: Any) -> Execution:
    from ..errors import ExecutionFailed
    from ..execution import Execution

    if isinstance(value, ExecutionFailed) and isinstance(value.execution, Execution):
        return value.execution
    if not isinstance(value, Execution):
        raise TypeError(f"expected an asl.Execution (from asl.start), got {type(value).__name__}")
    return value


def _short(value: Any, limit: int = _MAX_VALUE) -> str:
    try:
        text = json.dumps(value, ensure_ascii=False, separators=(", ", ": "))
    except (TypeError, ValueError):
        text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _describe(execution: Execution) -> str:
    lines = [f"  status: {execution.status}"]
    if execution.error is not None or execution.cause is not None:
        lines.append(f"  error:  {execution.error}")
        cause = execution.cause or ""
        lines.append(f"  cause:  {cause if len(cause) <= _MAX_CAUSE else cause[: _MAX_CAUSE - 3] + '...'}")
    lines.append("  path:   " + (" -> ".join(execution.path) or "(no states, or history=False)"))
    return "\n".join(lines)


def _fail(headline: str, execution: Execution, details: Sequence[str] = ()) -> AssertionError:
    body = "".join(f"\n  {line}" for line in details)
    return AssertionError(f"{headline}{body}\nthe execution:\n{_describe(execution)}")


# -- status ----------------------------------------------------------------------------------------


def assert_succeeded(execution: Any) -> None:
    """The execution ended ``SUCCEEDED``."""
    run = _execution(execution)
    if run.status != "SUCCEEDED":
        raise _fail(f"expected the execution to succeed, but it ended {run.status}", run)


def _cause_matches(expected: str | re.Pattern[str], actual: str | None) -> bool:
    if isinstance(expected, re.Pattern):
        return actual is not None and expected.search(actual) is not None
    return expected == actual


def assert_failed(
    execution: Any,
    error: str | None = None,
    cause: str | re.Pattern[str] | None = None,
    *,
    status: str = "FAILED",
) -> None:
    """The execution ended ``status`` (``FAILED``; or ``TIMED_OUT``, ``ABORTED``), with ``error`` and ``cause``.

    ``error`` and ``cause`` are checked when given; ``cause`` may be a compiled regular
    expression, which must match somewhere in the cause.
    """
    run = _execution(execution)
    wanted = status + (f" with error {error!r}" if error is not None else "")
    if run.status != status:
        details = [f"output: {_short(run.output)}"] if run.status == "SUCCEEDED" else []
        raise _fail(f"expected the execution to end {wanted}, but it ended {run.status}", run, details)
    if error is not None and run.error != error:
        raise _fail(f"expected error {error!r}, got {run.error!r}", run)
    if cause is not None and not _cause_matches(cause, run.cause):
        shown = f"/{cause.pattern}/" if isinstance(cause, re.Pattern) else repr(cause)
        raise _fail(f"expected cause {shown}, got {run.cause!r}", run)


# -- output ----------------------------------------------------------------------------------------


def _child(path: str, key: str | int) -> str:
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if _IDENTIFIER.match(key) else f"{path}[{json.dumps(key)}]"


def _same_scalar(expected: Any, actual: Any) -> bool:
    if isinstance(expected, bool) or isinstance(actual, bool):
        return type(expected) is type(actual) and expected == actual
    numbers = (int, float)
    if isinstance(expected, numbers) and isinstance(actual, numbers):
        return expected == actual
    return type(expected) is type(actual) and bool(expected == actual)


def _diff(expected: Any, actual: Any, path: str, out: list[str]) -> None:
    if len(out) >= _MAX_DIFFERENCES:
        return
    if isinstance(expected, dict) and isinstance(actual, dict):
        for key, value in expected.items():
            if key not in actual:
                out.append(f"{_child(path, key)}: missing (expected {_short(value)})")
            else:
                _diff(value, actual[key], _child(path, key), out)
        out.extend(
            f"{_child(path, key)}: unexpected (got {_short(actual[key])})" for key in actual if key not in expected
        )
        return
    if isinstance(expected, list) and isinstance(actual, list):
        if len(expected) != len(actual):
            out.append(f"{path}: expected {len(expected)} items, got {len(actual)}")
        for index, (want, got) in enumerate(zip(expected, actual, strict=False)):
            _diff(want, got, _child(path, index), out)
        extra = range(len(expected), len(actual))
        out.extend(f"{_child(path, index)}: unexpected (got {_short(actual[index])})" for index in extra)
        return
    if not _same_scalar(expected, actual):
        out.append(f"{path}: expected {_short(expected)}, got {_short(actual)}")


def json_diff(expected: Any, actual: Any) -> list[str]:
    """Where ``actual`` differs from ``expected``, one line per JSON location (at most 20); [] if equal."""
    out: list[str] = []
    _diff(expected, actual, "$", out)
    return out[:_MAX_DIFFERENCES]


def assert_output(execution: Any, expected: Any) -> None:
    """The execution succeeded and its output equals ``expected`` (as JSON)."""
    run = _execution(execution)
    if run.status != "SUCCEEDED":
        raise _fail(f"expected the execution to succeed with an output, but it ended {run.status}", run)
    differences = json_diff(expected, run.output)
    if differences:
        count = f"{len(differences)}{'+' if len(differences) >= _MAX_DIFFERENCES else ''}"
        raise _fail(f"the output differs from the expected one ({count} difference(s)):", run, differences)


# -- path and retries --------------------------------------------------------------------------------


def assert_path(execution: Any, expected: Sequence[str]) -> None:
    """The execution entered exactly the states ``expected``, in this order."""
    run = _execution(execution)
    actual = run.path
    expected = list(expected)
    if actual == expected:
        return
    step = next((i for i, (a, b) in enumerate(zip(expected, actual, strict=False)) if a != b), None)
    if step is None:
        step = min(len(expected), len(actual))
    details = [
        "expected: " + (" -> ".join(expected) or "(nothing)"),
        "actual:   " + (" -> ".join(actual) or "(nothing)"),
        *(line.rstrip() for line in difflib.ndiff(expected, actual) if not line.startswith("?")),
    ]
    raise _fail(f"the path differs from step {step + 1} on (- expected, + actual):", run, details)


def visit_count(execution: Any, state: str) -> int:
    """How many times ``state`` was entered."""
    return _execution(execution).visits.get(state, 0)


def retry_count(execution: Any, state: str) -> int:
    """How many times ``state`` was retried (re-run by its Retry), over the whole execution."""
    return _execution(execution).retries(state)


def assert_retried(execution: Any, state: str, times: int | None = None) -> None:
    """``state`` was retried exactly ``times`` times in all (None: at least once)."""
    run = _execution(execution)
    retried = run.retries(state)
    visits = run.visits.get(state, 0)
    if run.keep_history and visits == 0:
        raise _fail(f"state {state!r} never ran", run)
    if (times is None and retried > 0) or retried == times:
        return
    wanted = "at least once" if times is None else f"{times} time(s)"
    raise _fail(
        f"expected state {state!r} to be retried {wanted}, but it was retried {retried} time(s)",
        run,
        [f"{state!r} was entered {visits} time(s) and attempted {visits + retried} time(s)"],
    )


# -- snapshots -------------------------------------------------------------------------------------


def _snapshot_value(value: Any) -> Any:
    from ..errors import ExecutionFailed
    from ..execution import Execution

    if isinstance(value, ExecutionFailed) and value.execution is not None:
        value = value.execution
    if not isinstance(value, Execution):
        return value
    if value.status == "SUCCEEDED":
        return {"status": value.status, "output": value.output}
    return {"status": value.status, "error": value.error, "cause": value.cause}


def assert_matches_snapshot(value: Any, path: str | os.PathLike[str], *, update: bool = False) -> None:
    """``value`` equals the JSON snapshot in file ``path``, which is written when missing or ``update``.

    An :class:`asl.Execution` is snapshotted as ``{"status", "output"}`` when it succeeded, else
    ``{"status", "error", "cause"}``; any other JSON value as it is.
    """
    data = _snapshot_value(value)
    file = Path(path)
    if update or not file.exists():
        file.parent.mkdir(parents=True, exist_ok=True)
        file.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        return
    try:
        stored = json.loads(file.read_text(encoding="utf-8"))
    except json.JSONDecodeError as e:
        raise AssertionError(
            f"snapshot {file} is not valid JSON ({e}); delete it or run with --asl-snapshot-update"
        ) from None
    differences = json_diff(stored, data)
    if differences:
        lines = "".join(f"\n  {line}" for line in differences)
        raise AssertionError(
            f"the value differs from snapshot {file} (expected: the snapshot){lines}\n"
            "run pytest with --asl-snapshot-update to accept the new value"
        )


class Snapshot:
    """Snapshots of one test, as files ``<directory>/<test name>[.<name>].json`` (the ``asl_snapshot`` fixture)."""

    __slots__ = ("_calls", "directory", "test_name", "update")

    def __init__(self, directory: str | os.PathLike[str], test_name: str, *, update: bool = False) -> None:
        self.directory = Path(directory)
        self.test_name = re.sub(r"[^\w.\-]+", "_", test_name).strip("_") or "snapshot"
        self.update = update
        """Rewrite every snapshot instead of comparing (``--asl-snapshot-update``)."""
        self._calls = 0

    def path(self, name: str | None = None) -> Path:
        """The file of snapshot ``name`` (None: the next unnamed snapshot of the test)."""
        if name is None:
            self._calls += 1
            name = "" if self._calls == 1 else str(self._calls)
        suffix = "." + re.sub(r"[^\w.\-]+", "_", name) if name else ""
        return self.directory / f"{self.test_name}{suffix}.json"

    def __call__(self, value: Any, name: str | None = None) -> None:
        """Compare ``value`` (an execution or any JSON value) with its snapshot, writing it the first time."""
        assert_matches_snapshot(value, self.path(name), update=self.update)
