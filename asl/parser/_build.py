"""Build the typed model from a structurally valid definition dict.

Every default is applied here, once, and every path, payload template, intrinsic call,
JSONata expression and Choice rule is compiled here, so the executor never parses text.
A field that does not compile becomes a :class:`~asl.errors.DefinitionIssue` at its
location; the builder keeps going so that every problem is reported at once.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from ..choice import Choice, ConditionRule, compile_rule
from ..errors import DefinitionIssue
from ..jsonata import CompiledValue, Expression, compile_expression, compile_value, is_expression
from ..paths import (
    JsonPath,
    ResultPath,
    Template,
    compile_intrinsic,
    compile_path,
    compile_result_path,
    compile_template,
)
from ..states import (
    JSONATA,
    JSONPATH,
    Assigner,
    Branch,
    Catcher,
    ChoiceState,
    FailState,
    ItemBatcher,
    ItemReader,
    MapState,
    ParallelState,
    PassState,
    QueryLanguage,
    ResultWriter,
    Retrier,
    State,
    StateMachine,
    SucceedState,
    TaskState,
    WaitState,
)
from ._location import child

__all__ = ["build_machine"]

SCHEMA = "SCHEMA_VALIDATION_FAILED"


class _Builder:
    """Compiles one machine; collects every issue on the way."""

    def __init__(self, top_language: QueryLanguage) -> None:
        self.top_language = top_language
        self.issues: list[DefinitionIssue] = []
        self.all_states: dict[str, State] = {}

    # -- reporting ----------------------------------------------------------------------

    def problem(self, loc: str, message: str, code: str = SCHEMA) -> None:
        self.issues.append(DefinitionIssue(loc, code, message))

    def _key_loc(self, loc: str, err: Exception) -> str:
        for part in getattr(err, "key_path", None) or ():
            loc = child(loc, part)
        return loc

    # -- compilers that report instead of raising ---------------------------------------

    def path(self, spec: Mapping[str, Any], key: str, loc: str, *, reference: bool = False) -> JsonPath | None:
        text = spec.get(key)
        if not isinstance(text, str):
            return None
        try:
            return compile_path(text, reference=reference)
        except ValueError as e:
            self.problem(child(loc, key), f"{key}: invalid JSONPath {text!r}: {e}")
            return None

    def path_or_intrinsic(self, spec: Mapping[str, Any], key: str, loc: str) -> Any:
        text = spec.get(key)
        if not isinstance(text, str):
            return None
        try:
            if text.startswith("States."):
                return compile_intrinsic(text)
            return compile_path(text)
        except ValueError as e:
            self.problem(child(loc, key), f"{key}: invalid path or intrinsic function {text!r}: {e}")
            return None

    def result_path(self, spec: Mapping[str, Any], key: str, loc: str) -> ResultPath | None:
        text = spec.get(key, "$")
        if text is not None and not isinstance(text, str):
            return None
        try:
            return compile_result_path(text)
        except ValueError as e:
            self.problem(child(loc, key), f"{key}: invalid ResultPath {text!r}: {e}")
            return None

    def template(self, spec: Mapping[str, Any], key: str, loc: str) -> Template | None:
        if key not in spec:
            return None
        try:
            return compile_template(spec[key])
        except ValueError as e:
            self.problem(self._key_loc(child(loc, key), e), f"{key}: {e}")
            return None

    def jsonata_value(self, spec: Mapping[str, Any], key: str, loc: str) -> CompiledValue | None:
        if key not in spec:
            return None
        try:
            return compile_value(spec[key])
        except ValueError as e:
            self.problem(self._key_loc(child(loc, key), e), f"{key}: {e}")
            return None

    def expression(self, value: Any, loc: str, key: str) -> Expression | None:
        try:
            return compile_expression(value)
        except ValueError as e:
            self.problem(child(loc, key), f"{key}: {e}")
            return None

    def number_or_expr(self, spec: Mapping[str, Any], key: str, loc: str) -> Any:
        value = spec.get(key)
        if is_expression(value):
            return self.expression(value, loc, key)
        return value

    def payload(self, spec: Mapping[str, Any], key: str, loc: str, lang: QueryLanguage) -> Any:
        """A payload field: a template in JSONPath states, a JSONata value otherwise."""
        if lang == JSONATA:
            return self.jsonata_value(spec, key, loc)
        return self.template(spec, key, loc)

    def assigner(self, spec: Mapping[str, Any], loc: str, lang: QueryLanguage) -> Assigner | None:
        raw = spec.get("Assign")
        if not isinstance(raw, dict):
            return None
        value = self.payload(spec, "Assign", loc, lang)
        if value is None:
            return None
        names = tuple(k[:-2] if lang == JSONPATH and k.endswith(".$") else k for k in raw)
        return Assigner(value=value, query_language=lang, names=names)

    # -- shared parts of states ---------------------------------------------------------

    def language(self, spec: Mapping[str, Any]) -> QueryLanguage:
        ql = spec.get("QueryLanguage")
        if ql in (JSONPATH, JSONATA):
            return ql  # type: ignore[no-any-return]
        return self.top_language

    def common(self, name: str, spec: Mapping[str, Any], loc: str, lang: QueryLanguage) -> dict[str, Any]:
        fields: dict[str, Any] = {
            "name": name,
            "comment": spec.get("Comment"),
            "query_language": lang,
            "next": spec.get("Next"),
            "end": spec.get("End") is True,
            "assign": self.assigner(spec, loc, lang),
        }
        if lang == JSONATA:
            fields["output"] = self.jsonata_value(spec, "Output", loc)
        else:
            for key, attr in (("InputPath", "input_path"), ("OutputPath", "output_path")):
                if key in spec:
                    fields["has_" + attr] = True
                    fields[attr] = self.path(spec, key, loc)
        return fields

    def retriers(self, spec: Mapping[str, Any]) -> tuple[Retrier, ...]:
        out = []
        for raw in spec.get("Retry") or ():
            if not isinstance(raw, dict):
                continue
            jitter = raw.get("JitterStrategy", "NONE")
            out.append(
                Retrier(
                    error_equals=tuple(raw.get("ErrorEquals") or ()),
                    interval_seconds=raw.get("IntervalSeconds", 1),
                    max_attempts=raw.get("MaxAttempts", 3),
                    backoff_rate=float(raw.get("BackoffRate", 2.0)),
                    max_delay_seconds=raw.get("MaxDelaySeconds"),
                    jitter_strategy=jitter if isinstance(jitter, str) else "NONE",
                    comment=raw.get("Comment"),
                )
            )
        return tuple(out)

    def catchers(self, spec: Mapping[str, Any], loc: str, lang: QueryLanguage) -> tuple[Catcher, ...]:
        out = []
        for i, raw in enumerate(spec.get("Catch") or ()):
            if not isinstance(raw, dict):
                continue
            cloc = f"{child(loc, 'Catch')}[{i}]"
            out.append(
                Catcher(
                    error_equals=tuple(raw.get("ErrorEquals") or ()),
                    next=str(raw.get("Next", "")),
                    result_path=self.result_path(raw, "ResultPath", cloc) if lang == JSONPATH else None,
                    output=self.jsonata_value(raw, "Output", cloc) if lang == JSONATA else None,
                    assign=self.assigner(raw, cloc, lang),
                    comment=raw.get("Comment"),
                )
            )
        return tuple(out)

    # -- one builder per state type -----------------------------------------------------

    def pass_state(self, name: str, spec: Mapping[str, Any], loc: str, lang: QueryLanguage) -> State:
        jsonpath = lang == JSONPATH
        return PassState(
            **self.common(name, spec, loc, lang),
            result=spec.get("Result"),
            has_result="Result" in spec,
            parameters=self.template(spec, "Parameters", loc) if jsonpath else None,
            result_path=self.result_path(spec, "ResultPath", loc) if jsonpath else None,
        )

    def task_state(self, name: str, spec: Mapping[str, Any], loc: str, lang: QueryLanguage) -> State:
        jsonpath = lang == JSONPATH
        return TaskState(
            **self.common(name, spec, loc, lang),
            resource=str(spec.get("Resource", "")),
            parameters=self.template(spec, "Parameters", loc) if jsonpath else None,
            arguments=self.jsonata_value(spec, "Arguments", loc) if not jsonpath else None,
            result_selector=self.template(spec, "ResultSelector", loc) if jsonpath else None,
            result_path=self.result_path(spec, "ResultPath", loc) if jsonpath else None,
            timeout_seconds=self.number_or_expr(spec, "TimeoutSeconds", loc),
            timeout_seconds_path=self.path(spec, "TimeoutSecondsPath", loc, reference=True),
            heartbeat_seconds=self.number_or_expr(spec, "HeartbeatSeconds", loc),
            heartbeat_seconds_path=self.path(spec, "HeartbeatSecondsPath", loc, reference=True),
            credentials=self.payload(spec, "Credentials", loc, lang),
            retry=self.retriers(spec),
            catch=self.catchers(spec, loc, lang),
        )

    def choice_state(self, name: str, spec: Mapping[str, Any], loc: str, lang: QueryLanguage) -> State:
        choices = []
        for i, raw in enumerate(spec.get("Choices") or ()):
            if not isinstance(raw, dict):
                continue
            rloc = f"{child(loc, 'Choices')}[{i}]"
            choice = self.choice(raw, rloc, lang)
            if choice is not None:
                choices.append(choice)
        fields = self.common(name, spec, loc, lang)
        fields.pop("next")
        return ChoiceState(**fields, choices=tuple(choices), default=spec.get("Default"))

    def choice(self, raw: Mapping[str, Any], loc: str, lang: QueryLanguage) -> Choice | None:
        assign = self.assigner(raw, loc, lang)
        output = self.jsonata_value(raw, "Output", loc) if lang == JSONATA else None
        try:
            if lang == JSONATA:
                condition = raw.get("Condition")
                if not is_expression(condition):
                    rule: Any = ConditionRule(None, condition)
                else:
                    expr = self.expression(condition, loc, "Condition")
                    if expr is None:
                        return None
                    rule = ConditionRule(expr)
            else:
                rule = compile_rule(raw, top_level=True)
        except ValueError as e:
            self.problem(loc, f"invalid Choice rule: {e}")
            return None
        return Choice(rule=rule, next=str(raw.get("Next", "")), assign=assign, output=output)

    def wait_state(self, name: str, spec: Mapping[str, Any], loc: str, lang: QueryLanguage) -> State:
        timestamp = spec.get("Timestamp")
        if is_expression(timestamp):
            timestamp = self.expression(timestamp, loc, "Timestamp")
        return WaitState(
            **self.common(name, spec, loc, lang),
            seconds=self.number_or_expr(spec, "Seconds", loc),
            timestamp=timestamp,
            seconds_path=self.path(spec, "SecondsPath", loc, reference=True),
            timestamp_path=self.path(spec, "TimestampPath", loc, reference=True),
        )

    def succeed_state(self, name: str, spec: Mapping[str, Any], loc: str, lang: QueryLanguage) -> State:
        fields = self.common(name, spec, loc, lang)
        fields["end"] = True
        return SucceedState(**fields)

    def fail_state(self, name: str, spec: Mapping[str, Any], loc: str, lang: QueryLanguage) -> State:
        fields = self.common(name, spec, loc, lang)
        fields["end"] = True
        error: Any = spec.get("Error")
        cause: Any = spec.get("Cause")
        if lang == JSONATA:  # in a JSONPath state a '{% %}' string is just text
            if is_expression(error):
                error = self.expression(error, loc, "Error")
            if is_expression(cause):
                cause = self.expression(cause, loc, "Cause")
        return FailState(
            **fields,
            error=error,
            cause=cause,
            error_path=self.path_or_intrinsic(spec, "ErrorPath", loc),
            cause_path=self.path_or_intrinsic(spec, "CausePath", loc),
        )

    def parallel_state(self, name: str, spec: Mapping[str, Any], loc: str, lang: QueryLanguage) -> State:
        jsonpath = lang == JSONPATH
        branches = []
        for i, raw in enumerate(spec.get("Branches") or ()):
            if isinstance(raw, dict):
                branches.append(self.branch(raw, f"{child(loc, 'Branches')}[{i}]"))
        return ParallelState(
            **self.common(name, spec, loc, lang),
            branches=tuple(branches),
            parameters=self.template(spec, "Parameters", loc) if jsonpath else None,
            arguments=self.jsonata_value(spec, "Arguments", loc) if not jsonpath else None,
            result_selector=self.template(spec, "ResultSelector", loc) if jsonpath else None,
            result_path=self.result_path(spec, "ResultPath", loc) if jsonpath else None,
            retry=self.retriers(spec),
            catch=self.catchers(spec, loc, lang),
        )

    def map_state(self, name: str, spec: Mapping[str, Any], loc: str, lang: QueryLanguage) -> State:
        jsonpath = lang == JSONPATH
        proc_key = "ItemProcessor" if "ItemProcessor" in spec else "Iterator"
        raw_proc = spec.get(proc_key)
        if not isinstance(raw_proc, dict):
            raw_proc = {"StartAt": "", "States": {}}
        config = raw_proc.get("ProcessorConfig") or {}
        selector_key = "ItemSelector" if "ItemSelector" in spec else "Parameters"
        items: Any = None
        if "Items" in spec:
            items = self.jsonata_value(spec, "Items", loc)
        return MapState(
            **self.common(name, spec, loc, lang),
            processor=self.branch(raw_proc, child(loc, proc_key)),
            mode=str(config.get("Mode", "INLINE")) if isinstance(config, dict) else "INLINE",
            execution_type=config.get("ExecutionType") if isinstance(config, dict) else None,
            items_path=self.path(spec, "ItemsPath", loc, reference=True) if jsonpath else None,
            items=items,
            item_selector=self.payload(spec, selector_key, loc, lang),
            item_reader=self.item_reader(spec, loc, lang),
            item_batcher=self.item_batcher(spec, loc, lang),
            result_writer=self.result_writer(spec, loc, lang),
            max_concurrency=self.number_or_expr(spec, "MaxConcurrency", loc) or 0,
            max_concurrency_path=self.path(spec, "MaxConcurrencyPath", loc, reference=True),
            tolerated_failure_percentage=self.number_or_expr(spec, "ToleratedFailurePercentage", loc),
            tolerated_failure_percentage_path=self.path(
                spec, "ToleratedFailurePercentagePath", loc, reference=True
            ),
            tolerated_failure_count=self.number_or_expr(spec, "ToleratedFailureCount", loc),
            tolerated_failure_count_path=self.path(spec, "ToleratedFailureCountPath", loc, reference=True),
            label=spec.get("Label"),
            result_selector=self.template(spec, "ResultSelector", loc) if jsonpath else None,
            result_path=self.result_path(spec, "ResultPath", loc) if jsonpath else None,
            retry=self.retriers(spec),
            catch=self.catchers(spec, loc, lang),
        )

    def item_reader(self, spec: Mapping[str, Any], loc: str, lang: QueryLanguage) -> ItemReader | None:
        raw = spec.get("ItemReader")
        if not isinstance(raw, dict):
            return None
        rloc = child(loc, "ItemReader")
        key = "Arguments" if lang == JSONATA else "Parameters"
        return ItemReader(
            resource=str(raw.get("Resource", "")),
            parameters=self.payload(raw, key, rloc, lang),
            reader_config=dict(raw.get("ReaderConfig") or {}),
        )

    def item_batcher(self, spec: Mapping[str, Any], loc: str, lang: QueryLanguage) -> ItemBatcher | None:
        raw = spec.get("ItemBatcher")
        if not isinstance(raw, dict):
            return None
        bloc = child(loc, "ItemBatcher")
        return ItemBatcher(
            max_items_per_batch=self.number_or_expr(raw, "MaxItemsPerBatch", bloc),
            max_items_per_batch_path=self.path(raw, "MaxItemsPerBatchPath", bloc, reference=True),
            max_input_bytes_per_batch=self.number_or_expr(raw, "MaxInputBytesPerBatch", bloc),
            max_input_bytes_per_batch_path=self.path(raw, "MaxInputBytesPerBatchPath", bloc, reference=True),
            batch_input=self.payload(raw, "BatchInput", bloc, lang),
        )

    def result_writer(self, spec: Mapping[str, Any], loc: str, lang: QueryLanguage) -> ResultWriter | None:
        raw = spec.get("ResultWriter")
        if not isinstance(raw, dict):
            return None
        wloc = child(loc, "ResultWriter")
        key = "Arguments" if lang == JSONATA else "Parameters"
        resource = raw.get("Resource")
        return ResultWriter(
            resource=str(resource) if resource is not None else None,
            parameters=self.payload(raw, key, wloc, lang),
            writer_config=dict(raw.get("WriterConfig") or {}),
        )

    # -- graphs -------------------------------------------------------------------------

    def branch(self, raw: Mapping[str, Any], loc: str) -> Branch:
        states: dict[str, State] = {}
        raw_states = raw.get("States")
        if isinstance(raw_states, dict):
            sloc = child(loc, "States")
            for name, spec in raw_states.items():
                if not isinstance(spec, dict):
                    continue
                state = self.state(str(name), spec, child(sloc, str(name)))
                if state is not None:
                    states[str(name)] = state
                    self.all_states.setdefault(str(name), state)
        ql = raw.get("QueryLanguage")
        return Branch(
            start_at=str(raw.get("StartAt", "")),
            states=states,
            query_language=ql if ql in (JSONPATH, JSONATA) else self.top_language,
            comment=raw.get("Comment"),
        )

    def state(self, name: str, spec: Mapping[str, Any], loc: str) -> State | None:
        build = _BUILDERS.get(str(spec.get("Type")))
        if build is None:
            return None
        return build(self, name, spec, loc, self.language(spec))


_BUILDERS: dict[str, Callable[[_Builder, str, Mapping[str, Any], str, QueryLanguage], State]] = {
    "Pass": _Builder.pass_state,
    "Task": _Builder.task_state,
    "Choice": _Builder.choice_state,
    "Wait": _Builder.wait_state,
    "Succeed": _Builder.succeed_state,
    "Fail": _Builder.fail_state,
    "Parallel": _Builder.parallel_state,
    "Map": _Builder.map_state,
}


def build_machine(definition: Mapping[str, Any]) -> tuple[StateMachine | None, list[DefinitionIssue]]:
    """The typed machine for a structurally valid definition, and any compile issues."""
    ql = definition.get("QueryLanguage")
    builder = _Builder(ql if ql in (JSONPATH, JSONATA) else JSONPATH)
    root = builder.branch(definition, "$")
    timeout = definition.get("TimeoutSeconds")
    machine = StateMachine(
        root=root,
        definition=definition,
        timeout_seconds=timeout if isinstance(timeout, int) and not isinstance(timeout, bool) else None,
        version=definition.get("Version"),
        comment=definition.get("Comment"),
        query_language=builder.top_language,
        all_states=builder.all_states,
    )
    return (None if builder.issues else machine), builder.issues
