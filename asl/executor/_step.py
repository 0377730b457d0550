"""One state being run: its scope, its events, and the evaluation helpers that word errors as AWS does.

Every engine error raised while a state runs (a path that matches nothing, a JSONata
expression that fails, an intrinsic that fails, ...) carries AWS's prefix
``An error occurred while executing the state 'X' (entered at the event id #N).``.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from ..errors import RUNTIME, StatesError
from ..paths import FieldPathNotFound, PathNotFound, Scope

if TYPE_CHECKING:
    from ..jsonata import CompiledValue, Expression
    from ..paths import Evaluable, JsonPath
    from ..states import State
    from ._frame import Frame

__all__ = ["MISSING", "Step", "compact_json"]

MISSING: Any = object()


def compact_json(value: Any) -> str:
    """JSON text without spaces, as AWS quotes values in error causes."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


class Step:
    """The run of one state: scope, entered event, pending variable assignments."""

    __slots__ = ("assigned", "context", "entered_id", "frame", "retry_count", "scope", "state")

    def __init__(self, frame: Frame, state: State, raw_input: Any) -> None:
        self.frame = frame
        self.state = state
        self.retry_count = 0
        run = frame.run
        now = run.clock.now()
        self.entered_id = frame.record(
            state.type + "StateEntered", name=state.name, input=raw_input
        )
        self.context = frame.state_context(state, now)
        self.scope = Scope(self.context, frame.variables, run.rng)
        self.assigned: dict[str, Any] | None = None

    # -- errors ---------------------------------------------------------------------------

    def error(self, error: str, detail: str) -> StatesError:
        """An engine error of this state, with AWS's prefix."""
        return StatesError(
            error,
            f"An error occurred while executing the state '{self.state.name}' "
            f"(entered at the event id #{self.entered_id}). {detail}",
        )

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
            return path.evaluate(data, self.scope)
        except PathNotFound as e:
            raise self.runtime(f"Invalid path '{e.path}' : {e.detail}") from None

    def evaluate(self, evaluable: Evaluable, data: Any, field: str | None = None) -> Any:
        """A payload template, intrinsic call or path, with AWS's wording for failures."""
        try:
            return evaluable.evaluate(data, self.scope)
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
