"""The one error model of `asl`.

Two families:

* definition problems: :class:`DefinitionIssue` (one located problem) and
  :class:`DefinitionError` (raised by :func:`asl.parse`, carrying every issue);
* runtime errors: :class:`StatesError` is an ASL error (``Error`` + ``Cause``) as the
  state machine sees it (raise it from a resolver to fail a task with exactly that
  error); :class:`ExecutionFailed` is what :func:`asl.run` raises when an execution ends
  in any status other than ``SUCCEEDED``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Final

import attrs

if TYPE_CHECKING:
    from collections.abc import Sequence

__all__ = [
    "ALL",
    "BRANCH_FAILED",
    "DATA_LIMIT_EXCEEDED",
    "EXCEED_TOLERATED_FAILURE_THRESHOLD",
    "HEARTBEAT_TIMEOUT",
    "INTRINSIC_FAILURE",
    "ITEM_READER_FAILED",
    "NO_CHOICE_MATCHED",
    "PARAMETER_PATH_FAILURE",
    "PREDEFINED_ERRORS",
    "QUERY_EVALUATION_ERROR",
    "RESULT_PATH_MATCH_FAILURE",
    "RESULT_WRITER_FAILED",
    "RUNTIME",
    "TASK_FAILED",
    "TIMEOUT",
    "ASLError",
    "Deferred",
    "DefinitionError",
    "DefinitionIssue",
    "ExecutionFailed",
    "MissingResolvers",
    "StatesError",
    "written",
]

ALL: Final = "States.ALL"
BRANCH_FAILED: Final = "States.BranchFailed"
DATA_LIMIT_EXCEEDED: Final = "States.DataLimitExceeded"
EXCEED_TOLERATED_FAILURE_THRESHOLD: Final = "States.ExceedToleratedFailureThreshold"
HEARTBEAT_TIMEOUT: Final = "States.HeartbeatTimeout"
INTRINSIC_FAILURE: Final = "States.IntrinsicFailure"
ITEM_READER_FAILED: Final = "States.ItemReaderFailed"
NO_CHOICE_MATCHED: Final = "States.NoChoiceMatched"
PARAMETER_PATH_FAILURE: Final = "States.ParameterPathFailure"
PERMISSIONS: Final = "States.Permissions"
QUERY_EVALUATION_ERROR: Final = "States.QueryEvaluationError"
RESULT_PATH_MATCH_FAILURE: Final = "States.ResultPathMatchFailure"
RESULT_WRITER_FAILED: Final = "States.ResultWriterFailed"
RUNTIME: Final = "States.Runtime"
TASK_FAILED: Final = "States.TaskFailed"
TIMEOUT: Final = "States.Timeout"

#: Every ``States.*`` name AWS defines; a custom error may not use the prefix otherwise.
PREDEFINED_ERRORS: Final = frozenset(
    {
        ALL,
        BRANCH_FAILED,
        DATA_LIMIT_EXCEEDED,
        EXCEED_TOLERATED_FAILURE_THRESHOLD,
        HEARTBEAT_TIMEOUT,
        INTRINSIC_FAILURE,
        ITEM_READER_FAILED,
        NO_CHOICE_MATCHED,
        PARAMETER_PATH_FAILURE,
        PERMISSIONS,
        QUERY_EVALUATION_ERROR,
        RESULT_PATH_MATCH_FAILURE,
        RESULT_WRITER_FAILED,
        RUNTIME,
        TASK_FAILED,
        TIMEOUT,
    }
)


class ASLError(Exception):
    """Base class of every exception `asl` raises on purpose."""


@attrs.frozen
class DefinitionIssue:
    """One problem found in a state machine definition."""

    path: str
    """Where: a JSONPath into the definition, e.g. ``$.States.Fetch.Retry[0].BackoffRate``."""
    code: str
    """AWS's diagnostic code where one exists (``SCHEMA_VALIDATION_FAILED``, ...)."""
    message: str
    """What is wrong, for a person."""

    def __str__(self) -> str:
        return f"{self.path}: {self.code}: {self.message}"


class DefinitionError(ASLError, ValueError):
    """The definition is not a valid state machine; ``issues`` lists every problem."""

    def __init__(self, issues: Sequence[DefinitionIssue]) -> None:
        self.issues: list[DefinitionIssue] = list(issues)
        lines = "\n".join(f"  {issue}" for issue in self.issues)
        n = len(self.issues)
        super().__init__(f"invalid state machine definition ({n} problem{'s' if n != 1 else ''}):\n{lines}")


class Deferred:
    """A text written the first time it is read, then kept: a cause that nobody may ever read
    (a retried task's failures, recorded in a history that is never looked at) costs little.

    Subclasses implement :meth:`write`.
    """

    __slots__ = ("_text",)

    def __init__(self) -> None:
        self._text: str | None = None

    def text(self) -> str:
        """The text (written on the first call)."""
        text = self._text
        if text is None:
            text = self._text = self.write()
        return text

    def write(self) -> str:
        """Write the text (called once)."""
        raise NotImplementedError


def written(value: Any) -> Any:
    """``value``, or its text when it is a :class:`Deferred`."""
    return value.text() if isinstance(value, Deferred) else value


class StatesError(ASLError):
    """An ASL runtime error: ``Error`` and ``Cause`` as Step Functions reports them.

    Raise it from a resolver to fail the task with exactly this error and cause.
    """

    __slots__ = ("_cause", "error")  # (perf) no attribute dict to make: a retried task makes many

    def __init__(self, error: str, cause: str | None = None) -> None:
        self.error = error
        self._cause: str | Deferred | None = cause
        super().__init__(error, cause)

    @classmethod
    def deferred(cls, error: str, cause: Deferred) -> StatesError:
        """(perf) An error whose cause is written when first read."""
        err = cls(error)
        err._cause = cause
        return err

    @property
    def cause(self) -> str | None:
        """The cause (None: the error has none)."""
        cause = self._cause
        if cause is None or type(cause) is str:
            return cause
        text = self._cause = cause.text()  # type: ignore[union-attr]
        return text

    @cause.setter
    def cause(self, value: str | None) -> None:
        self._cause = value

    @property
    def recorded_cause(self) -> str | Deferred | None:
        """The cause as a history records it: its text, or the :class:`Deferred` that will write it."""
        return self._cause

    def __str__(self) -> str:
        cause = self.cause
        return f"{self.error}: {cause}" if cause else self.error

    def __repr__(self) -> str:
        return f"StatesError({self.error!r}, {self.cause!r})"

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.error, self.cause))


class ExecutionFailed(ASLError):
    """An execution ended with a status other than ``SUCCEEDED``."""

    def __init__(self, status: str, error: str | None, cause: str | None, execution: Any = None) -> None:
        self.status = status
        """``FAILED``, ``TIMED_OUT`` or ``ABORTED``."""
        self.error = error
        self.cause = cause
        self.execution = execution
        """The finished :class:`asl.Execution` (status, output, error, cause, events)."""
        super().__init__(f"execution {status}: {error}" + (f": {cause}" if cause else ""))


class MissingResolvers(ASLError, LookupError):
    """``strict=True`` and some Task states have no resolver; ``missing`` names them."""

    def __init__(self, missing: Sequence[str]) -> None:
        self.missing = list(missing)
        super().__init__("no resolver for: " + "; ".join(self.missing))
