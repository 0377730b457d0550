"""One small async handler per state type, and the I/O pipeline they share.

A handler takes the :class:`Step` and the state's raw input and returns
``(output, next state name or None)``; it raises :class:`~asl.errors.StatesError` when
the state fails. JSONPath states run InputPath -> Parameters -> (work) -> ResultSelector
-> ResultPath -> OutputPath; JSONata states run Arguments -> (work) -> Output, with
Assign evaluated against the variables as they were when the state was entered.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from .._time import timestamp_epoch_seconds
from ..errors import NO_CHOICE_MATCHED, QUERY_EVALUATION_ERROR, StatesError
from ..jsonata import unexpected_type_error
from ..paths import PathNotFound
from ..states import JSONATA
from ._step import Step, compact_json

if TYPE_CHECKING:
    from ..choice import ConditionRule
    from ..states import (
        Assigner,
        ChoiceState,
        FailState,
        PassState,
        State,
        SucceedState,
        WaitState,
    )

__all__ = [
    "HANDLERS",
    "SYNC_HANDLERS",
    "Handler",
    "SyncHandler",
    "apply_result_path",
    "finish_with_result",
    "input_path",
    "output_path",
    "stage_assign",
]

Outcome = tuple[Any, str | None]
Handler = Callable[[Step, Any], Awaitable[Outcome]]

#: Longest delay a Wait state accepts: AWS keeps it in a signed 32-bit count of seconds.
MAX_WAIT_SECONDS = 2**31 - 1


# -- the JSONPath pipeline, one function per phase ---------------------------------------


def input_path(step: Step, raw: Any) -> Any:
    """InputPath: the effective input (``null`` gives ``{}``)."""
    state = step.state
    if not state.has_input_path:
        return raw
    if state.input_path is None:
        return {}
    return step.path(state.input_path, raw)


def output_path(step: Step, data: Any) -> Any:
    """OutputPath: the state output (``null`` gives ``{}``)."""
    state = step.state
    if not state.has_output_path:
        return data
    if state.output_path is None:
        return {}
    return step.path(state.output_path, data)


def apply_result_path(step: Step, result_path: Any, raw: Any, result: Any) -> Any:
    """ResultPath: place the result into the raw input (default ``$``: the result itself)."""
    if result_path is None:
        return result
    try:
        return result_path.apply(raw, result)
    except StatesError as e:
        raise step.prefixed(e) from None
    except PathNotFound as e:
        raise step.runtime(f"Invalid path '{e.path}' : {e.detail}") from None


def stage_assign(step: Step, assigner: Assigner | None, data: Any, states: dict[str, Any] | None) -> None:
    """Evaluate ``Assign`` now; the variables change when the state exits."""
    if assigner is None:
        return
    value: Any = assigner.value
    if assigner.query_language == JSONATA:
        values = step.jsonata(value, states or step.states_var(data), "Assign")
    else:
        values = step.evaluate(value, data)
    step.assign(values)


def jsonata_output(step: Step, states: dict[str, Any], default: Any) -> Any:
    """A JSONata state's ``Output``, or ``default`` when it has none."""
    output = step.state.output
    if output is None:
        return default
    return step.jsonata(output, states, "Output")


def finish_with_result(step: Step, raw: Any, result: Any) -> tuple[Any, str | None]:
    """The end of a Task, Parallel or Map: ``result`` through the state's output fields.

    JSONPath: ResultSelector, Assign (``$`` is the selected result), ResultPath, OutputPath.
    JSONata: Assign and Output with ``$states.result`` bound (Output defaults to the result).
    """
    state: Any = step.state
    if state.query_language == JSONATA:
        states = step.states_var(raw, result=result)
        stage_assign(step, state.assign, raw, states)
        return jsonata_output(step, states, result), state.next
    if state.result_selector is not None:
        result = step.evaluate(state.result_selector, result)
    stage_assign(step, state.assign, result, None)
    return output_path(step, apply_result_path(step, state.result_path, raw, result)), state.next


# -- handlers ------------------------------------------------------------------------------


def run_pass(step: Step, raw: Any) -> Outcome:
    """Pass: its Result (or its input) goes on (never waits: the loop calls it directly)."""
    state: PassState = step.state  # type: ignore[assignment]
    if state.query_language == JSONATA:
        states = step.states_var(raw)
        stage_assign(step, state.assign, raw, states)
        return jsonata_output(step, states, state.result if state.has_result else raw), state.next
    data = input_path(step, raw) if state.has_input_path else raw
    if state.parameters is not None:
        data = step.evaluate(state.parameters, data)
    result = state.result if state.has_result else data
    if state.assign is not None:
        stage_assign(step, state.assign, result, None)
    if state.result_path is not None:
        result = apply_result_path(step, state.result_path, raw, result)
    return (output_path(step, result) if state.has_output_path else result), state.next


async def pass_state(step: Step, raw: Any) -> Outcome:
    """Pass: its Result (or its input) goes on."""
    return run_pass(step, raw)


async def choice_state(step: Step, raw: Any) -> Outcome:
    """Choice: the first rule that matches names the next state."""
    return run_choice(step, raw)


def run_choice(step: Step, raw: Any) -> Outcome:
    """Choice: the first rule that matches names the next state (never waits)."""
    state: ChoiceState = step.state  # type: ignore[assignment]
    if state.query_language == JSONATA:
        states = step.states_var(raw)
        for index, choice in enumerate(state.choices):
            rule: ConditionRule = choice.rule  # type: ignore[assignment]
            expression = rule.expression
            matched = rule.constant if expression is None else step.jsonata(expression, states, "Condition")
            if not isinstance(matched, bool):
                text = rule.expression.text if rule.expression is not None else compact_json(matched)
                raise step.prefixed(unexpected_type_error(text, "Condition", "boolean", matched))
            if matched:
                _chose(step, index)
                stage_assign(step, choice.assign, raw, states)
                stage_assign(step, state.assign, raw, states)
                output = raw if choice.output is None else step.jsonata(choice.output, states, "Output")
                return jsonata_output(step, states, output), choice.next
        if state.default is None:
            raise _no_choice(step)
        _chose(step, None)
        stage_assign(step, state.assign, raw, states)
        return jsonata_output(step, states, raw), state.default
    data = input_path(step, raw) if state.has_input_path else raw
    for index, choice in enumerate(state.choices):
        try:
            matched = choice.rule.evaluate(data, step)
        except StatesError as e:
            raise step.prefixed(e) from None
        except PathNotFound as e:
            raise step.runtime(f"Invalid path '{e.path}' : {e.detail}") from None
        if matched:
            if step.frame.run.observer is not None:
                _chose(step, index)
            if choice.assign is not None:
                stage_assign(step, choice.assign, data, None)
            if state.assign is not None:
                stage_assign(step, state.assign, data, None)
            return (output_path(step, data) if state.has_output_path else data), choice.next
    if state.default is None:
        raise _no_choice(step)
    _chose(step, None)
    stage_assign(step, state.assign, data, None)
    return output_path(step, data), state.default


def _chose(step: Step, rule: int | None) -> None:
    observer = step.frame.run.observer
    if observer is not None:
        observer.choice(step.frame.run.machine, step.state.name, rule)


def _no_choice(step: Step) -> StatesError:
    return StatesError(
        NO_CHOICE_MATCHED,
        f"No Matches! (state '{step.state.name}' has no Default and none of its rules matched)",
    )


async def wait_state(step: Step, raw: Any) -> Outcome:
    """Wait: sleep for Seconds or until Timestamp, on the run's clock."""
    state: WaitState = step.state  # type: ignore[assignment]
    if state.query_language == JSONATA:
        states = step.states_var(raw)
        delay = _jsonata_wait(step, state, states)
        await _sleep(step, delay)
        stage_assign(step, state.assign, raw, states)
        return jsonata_output(step, states, raw), state.next
    data = input_path(step, raw)
    delay = _jsonpath_wait(step, state, data)
    await _sleep(step, delay)
    stage_assign(step, state.assign, data, None)
    return output_path(step, data), state.next


def _jsonpath_wait(step: Step, state: WaitState, data: Any) -> float:
    if state.seconds_path is not None:
        text = state.seconds_path.text
        try:
            value = state.seconds_path.evaluate(data, step.scope)
        except PathNotFound:
            raise step.runtime(f"The SecondsPath parameter does not reference an input value: {text}") from None
        if not _is_integer(value):
            raise step.runtime(
                f"The SecondsPath parameter cannot be parsed as a long value: {text} == {compact_json(value)}"
            )
        return _checked_seconds(step, value)
    if state.timestamp_path is not None:
        text = state.timestamp_path.text
        try:
            value = state.timestamp_path.evaluate(data, step.scope)
        except PathNotFound:
            raise step.runtime(f"The TimestampPath parameter does not reference an input value: {text}") from None
        moment = timestamp_epoch_seconds(value)
        if moment is None:
            shown = value if isinstance(value, str) else compact_json(value)
            raise step.runtime(
                "The TimestampPath parameter does not reference a valid ISO-8601 extended offset "
                f"date-time format string: {text} == {shown}"
            )
        return _until(step, moment)
    if isinstance(state.timestamp, str):
        moment = timestamp_epoch_seconds(state.timestamp)
        return 0.0 if moment is None else _until(step, moment)
    seconds = state.seconds
    return _checked_seconds(step, seconds if isinstance(seconds, (int, float)) else 0)


def _jsonata_wait(step: Step, state: WaitState, states: dict[str, Any]) -> float:
    if state.timestamp is not None:
        value: Any = state.timestamp
        if not isinstance(value, str):
            value = step.jsonata(value, states, "Timestamp")
        moment = timestamp_epoch_seconds(value)
        if moment is None:
            shown = value if isinstance(value, str) else compact_json(value)
            raise step.error(
                QUERY_EVALUATION_ERROR,
                "The Timestamp field cannot be parsed as an ISO-8601 extended offset date-time "
                f"format string: {shown}",
            )
        return _until(step, moment)
    seconds: Any = state.seconds
    if seconds is not None and not isinstance(seconds, (int, float)):
        seconds = step.jsonata(seconds, states, "Seconds")
        if not _is_integer(seconds):
            text = state.seconds.text  # type: ignore[union-attr]
            raise step.prefixed(unexpected_type_error(text, "Seconds", "integer", seconds))
    return _checked_seconds(step, seconds or 0)


def _is_integer(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return True
    return isinstance(value, float) and value.is_integer()


def _checked_seconds(step: Step, seconds: float) -> float:
    if seconds > MAX_WAIT_SECONDS:
        raise step.runtime("Wait state delay is too long.")
    return max(float(seconds), 0.0)


def _until(step: Step, moment: float) -> float:
    return _checked_seconds(step, moment - step.frame.run.clock.now())


async def _sleep(step: Step, seconds: float) -> None:
    if seconds > 0:
        await step.frame.run.clock.sleep(seconds)


def run_succeed(step: Step, raw: Any) -> Outcome:
    """Succeed: ends the branch with its (filtered) input (never waits)."""
    state: SucceedState = step.state  # type: ignore[assignment]
    if state.query_language == JSONATA:
        return jsonata_output(step, step.states_var(raw), raw), None
    return output_path(step, input_path(step, raw)), None


async def succeed_state(step: Step, raw: Any) -> Outcome:
    """Succeed: ends the branch with its (filtered) input."""
    return run_succeed(step, raw)


async def fail_state(step: Step, raw: Any) -> Outcome:
    """Fail: ends the execution with Error and Cause."""
    state: FailState = step.state  # type: ignore[assignment]
    if state.query_language == JSONATA:
        states = step.states_var(raw)
        error = _jsonata_text(step, state.error, states, "Error")
        cause = _jsonata_text(step, state.cause, states, "Cause")
        raise StatesError(error, cause)
    error = state.error
    cause = state.cause
    if state.error_path is not None:
        error = _fail_field(step, state.error_path, raw, "ErrorPath")
    if state.cause_path is not None:
        cause = _fail_field(step, state.cause_path, raw, "CausePath")
    raise StatesError(error, cause)


def _fail_field(step: Step, evaluable: Any, raw: Any, field: str) -> Any:
    value = step.evaluate(evaluable, raw, field)
    if not isinstance(value, str):
        raise step.runtime(
            f"The {field} field must resolve to a string, but it resolved to: {compact_json(value)}"
        )
    return value


def _jsonata_text(step: Step, value: Any, states: dict[str, Any], field: str) -> Any:
    if value is None or isinstance(value, str):
        return value
    result = step.jsonata(value, states, field)
    if not isinstance(result, str):
        raise step.prefixed(unexpected_type_error(value.text, field, "string", result))
    return result


SyncHandler = Callable[[Step, Any], Outcome]

#: Handlers of the states that never wait, called by the transition loop without a coroutine.
SYNC_HANDLERS: dict[str, SyncHandler] = {
    "Pass": run_pass,
    "Choice": run_choice,
    "Succeed": run_succeed,
}

HANDLERS: dict[str, Handler] = {
    "Pass": pass_state,
    "Choice": choice_state,
    "Wait": wait_state,
    "Succeed": succeed_state,
    "Fail": fail_state,
}


def handler_for(state: State) -> Handler:
    """The handler of a state's type."""
    return HANDLERS[state.type]
