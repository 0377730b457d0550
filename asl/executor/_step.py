"""One state being run: its scope, its events, and the evaluation helpers that word errors as AWS does.

Every engine error raised while a state runs (a path that matches nothing, a JSONata
expression that fails, an intrinsic that fails, ...) carries AWS's prefix
``An error occurred while executing the state 'X' (entered at the event id #N).``.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from ..errors import QUERY_EVALUATION_ERROR, RUNTIME, StatesError
from ..execution import evaluation_location
from ..paths import FieldPathNotFound, PathNotFound, Scope

if TYPE_CHECKING:
    from ..jsonata import CompiledValue, Expression
    from ..paths import Evaluable, JsonPath
    from ..states import State
    from ._frame import Frame

__all__ = ["MISSING", "Step", "compact_json", "entered_event"]

MISSING: Any = object()


def compact_json(value: Any) -> str:
    """JSON text without spaces, as AWS quotes values in error causes."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


_ENTERED: dict[str, str] = {
    t: t + "StateEntered" for t in ("Pass", "Choice", "Wait", "Succeed", "Fail", "Task", "Parallel", "Map")
}
_TOKEN_SUFFIX = ".waitForTaskToken"
_NAME_INPUT = ("name", "input")  # packed details (asl.execution.Details)


def entered_event(state_type: str) -> str:
    """``PassStateEntered`` and so on (the names are made once)."""
    name = _ENTERED.get(state_type)
    if name is None:
        name = _ENTERED[state_type] = state_type + "StateEntered"
    return name


class Step(Scope):
    """The run of one state: scope, entered event, pending variable assignments.

    A step is the :class:`~asl.paths.Scope` its expressions read: the variables are the
    frame's, and the context object (``$$``) is built the first time something reads it
    (most states never do), from the time the state was entered.
    """

    __slots__ = ("assigned", "entered_id", "entered_time", "frame", "retry_count", "state")

    def __init__(
        self, frame: Frame, state: State, raw_input: Any, entered: str | None = None, now: float | None = None
    ) -> None:
        """Enter ``state`` (``entered``: its entered event type, ``now``: the time, when the caller knows them)."""
        run = frame.run
        if now is None:
            now = run.clock.now()
        self.frame = frame
        self.state = state
        self.retry_count = 0
        self.assigned: dict[str, Any] | None = None
        self.entered_time = now
        """When the state was entered (epoch seconds, from the run's clock)."""
        self.variables = frame.variables
        self.rng = run.rng
        self._context: Mapping[str, Any] | None = None
        self.entered_id = frame.last_event = frame.recorder.note(
            entered or entered_event(state.type), now, frame.last_event, _NAME_INPUT, state.name, raw_input
        )
        if state.type == "Task" and getattr(state, "resource", "").endswith(_TOKEN_SUFFIX):
            self._context = frame.state_context(state, now)  # the token is drawn on entry

    @property
    def context(self) -> dict[str, Any]:
        """The context object (``$$``) while this state runs (built on first read)."""
        context = self._context
        if context is None:
            context = self._context = self.frame.state_context(self.state, self.entered_time)
            if self.retry_count:
                context["State"]["RetryCount"] = self.retry_count
        return context  # type: ignore[return-value]

    @context.setter
    def context(self, value: Mapping[str, Any]) -> None:
        self._context = value

    def read_context(self) -> dict[str, Any]:
        """:attr:`context` as a method (what a :class:`~asl.TaskCall` reads on demand)."""
        return self.context

    def task_token(self) -> str | None:
        """The task token of this attempt (a ``.waitForTaskToken`` state draws one on entry and one
        per retry), else None."""
        context = self._context  # a state with a token built its context on entry
        task = context.get("Task") if context is not None else None
        return task.get("Token") if task else None

    def count_retry(self, new_token: Callable[[], str]) -> None:
        """One more retry: ``$$.State.RetryCount`` counts it; an attempt with a task token gets a
        new one from ``new_token``."""
        self.retry_count += 1
        context = self._context
        if context is not None:  # else it is built with the count when first read
            context["State"]["RetryCount"] = self.retry_count
            if self.task_token() is not None:  # (engine) each attempt of a callback task has its own
                context["Task"] = {"Token": new_token()}  # type: ignore[index]

    @property
    def scope(self) -> Scope:
        """What this state's expressions read: the step itself."""
        return self

    @scope.setter
    def scope(self, scope: Scope) -> None:
        """Read ``scope``'s context, variables and randomness from now on."""
        self._context = scope.context
        self.variables = scope.variables
        self.rng = scope.rng

    # -- errors ---------------------------------------------------------------------------

    def error(self, error: str, detail: str) -> StatesError:
        """An engine error of this state, with AWS's prefix."""
        err = StatesError(
            error,
            f"An error occurred while executing the state '{self.state.name}' "
            f"(entered at the event id #{self.entered_id}). {detail}",
        )
        if error == QUERY_EVALUATION_ERROR:
            _record_evaluation_failed(self, err, detail)
        return err

    def runtime(self, detail: str) -> StatesError:
        """A ``States.Runtime`` error of this state."""
        return self.error(RUNTIME, detail)

    def prefixed(self, err: StatesError) -> StatesError:
        """``err`` raised by an evaluator, reworded with this state's prefix."""
        return self.error(err.error, err.cause or "")

    # -- evaluation ------------------------------------------------------------------------

    def path(self, path: JsonPath, data: Any) -> Any:
        """A single-value path of a state field (InputPath, OutputPath, ...)."""
        try:
            return path.evaluate(data, self)
        except PathNotFound as e:
            raise self.runtime(f"Invalid path '{e.path}' : {e.detail}") from None

    def evaluate(self, evaluable: Evaluable, data: Any, field: str | None = None) -> Any:
        """A payload template, intrinsic call or path, with AWS's wording for failures."""
        try:
            return evaluable.evaluate(data, self)
        except FieldPathNotFound as e:
            raise self.runtime(
                f"The JSONPath '{e.path}' specified for the field '{e.field}' "
                f"could not be found in the input '{compact_json(data)}'"
            ) from None
        except PathNotFound as e:
            if field is None:
                raise self.runtime(f"Invalid path '{e.path}' : {e.detail}") from None
            raise self.runtime(
                f"The JSONPath '{e.path}' specified for the field '{field}' "
                f"could not be found in the input '{compact_json(data)}'"
            ) from None
        except StatesError as e:
            raise self.prefixed(e) from None

    def states_var(self, raw_input: Any, result: Any = MISSING, error_output: Any = MISSING) -> dict[str, Any]:
        """The ``$states`` object of a JSONata expression."""
        states = {"input": raw_input, "context": self.context}
        if result is not MISSING:
            states["result"] = result
        if error_output is not MISSING:
            states["errorOutput"] = error_output
        return states

    def jsonata(self, value: CompiledValue | Expression, states: dict[str, Any], field: str) -> Any:
        """A JSONata field value (an expression, or a JSON value with expressions inside)."""
        try:
            run = self.frame.run
            now_ms = int(run.clock.now() * 1000)
            return value.evaluate(states, self.frame.variables, field=field, rng=run.rng, now_ms=now_ms)
        except StatesError as e:
            raise self.prefixed(e) from None

    def assign(self, assigned: dict[str, Any]) -> None:
        """Stage variable assignments; they take effect when the state exits."""
        if self.assigned is None:
            self.assigned = dict(assigned)
        else:
            self.assigned.update(assigned)


def _record_evaluation_failed(step: Step, err: StatesError, detail: str) -> None:
    """AWS's ``EvaluationFailed`` event for a failed JSONata evaluation of ``step``'s state.

    Its previousEventId is the one the state's entered event had (a Wait state's: the
    entered event itself), as recorded AWS histories show.
    """
    frame = step.frame
    execution = frame.run.execution
    state = step.state
    previous = step.entered_id if state.type == "Wait" else execution.previous_of(step.entered_id)
    details: dict[str, Any] = {"error": err.error, "cause": err.cause}
    location = evaluation_location(detail)
    if location is not None:
        details["location"] = location
    details["state"] = state.name
    frame.last_event = execution.record("EvaluationFailed", frame.run.clock.now(), previous, details)
