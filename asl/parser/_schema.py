"""Structural validation: our own JSON Schema (Draft 2020-12) for every state type.

One flat schema per ``(state type, query language)`` pair and one per kind of state machine
(top level, Parallel branch, Map item processor), built from the field tables below and
compiled once at import into :data:`STATE_VALIDATORS` and :data:`MACHINE_VALIDATORS`. Code
picks the schema from ``Type`` and the state's query language (its own ``QueryLanguage``,
else the top level's, as AWS does), and walks nested machines itself, so the schemas stay flat
and every error carries a short path.

Every schema is closed (``additionalProperties: false``), so a JSONPath-only field in a
JSONata state (or the reverse) and a ``"Next.$"``-style key are reported as unsupported
fields. What JSON Schema cannot say well is checked in code here: fields that exclude each
other (``TimeoutSeconds`` / ``TimeoutSecondsPath``, the four Wait fields, ...), the shape of a
JSONPath Choice rule (a ``Variable`` and exactly one comparison, or exactly one of
``And``/``Or``/``Not``) and the downgrade rule for ``QueryLanguage``.

Every issue here has the code ``SCHEMA_VALIDATION_FAILED`` (``TOO_DEEPLY_NESTED`` when a
Choice rule nests beyond the interpreter's stack).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from typing import Any, Final

from jsonschema import Draft202012Validator, FormatChecker
from jsonschema.exceptions import ValidationError

from .._time import is_timestamp
from ..errors import DefinitionIssue
from ._load import SCHEMA_VALIDATION_FAILED, TOO_DEEPLY_NESTED, child_path, iter_machines

__all__ = [
    "COMPARISON_OPERATORS",
    "JSONATA",
    "JSONPATH",
    "MACHINE_CHECKERS",
    "MACHINE_SCHEMAS",
    "MACHINE_VALIDATORS",
    "QUERY_LANGUAGES",
    "STATE_CHECKERS",
    "STATE_SCHEMAS",
    "STATE_TYPES",
    "STATE_VALIDATORS",
    "check_structure",
    "compile_predicate",
    "is_jsonata",
    "is_timestamp",
    "schema_issues",
]

JSONPATH: Final = "JSONPath"
JSONATA: Final = "JSONata"
QUERY_LANGUAGES: Final = (JSONPATH, JSONATA)
STATE_TYPES: Final = ("Task", "Pass", "Choice", "Wait", "Succeed", "Fail", "Parallel", "Map")
TIMESTAMP_FORMAT: Final = "aws-timestamp"

_JSONATA_TEXT: Final = re.compile(r"\A\{%[\s\S]*%\}\Z")
_DOWNGRADE: Final = "'QueryLanguage' can not be 'JSONPath' if set to 'JSONata' for whole state machine"


def is_jsonata(value: object) -> bool:
    """Whether ``value`` is a JSONata expression string: ``{% ... %}``."""
    return isinstance(value, str) and _JSONATA_TEXT.match(value) is not None


_FORMATS: Final = FormatChecker(formats=())
_FORMATS.checks(TIMESTAMP_FORMAT)(lambda value: not isinstance(value, str) or is_timestamp(value))


# --- schema building blocks: every node that can fail carries a "description" ----------------

Schema = dict[str, Any]


def _f(description: str, **schema: Any) -> Schema:
    """A field schema with the phrase used in messages: "<field> must be <description>"."""
    return {"description": description, **schema}


def _object(description: str, properties: Schema, required: tuple[str, ...] = ()) -> Schema:
    """A closed object schema."""
    schema = _f(description, type="object", properties=properties, additionalProperties=False)
    if required:
        schema["required"] = list(required)
    return schema


def _int(minimum: int, maximum: int | None = None) -> Schema:
    if maximum is None:
        return _f(f"an integer >= {minimum}", type="integer", minimum=minimum)
    return _f(f"an integer from {minimum} to {maximum}", type="integer", minimum=minimum, maximum=maximum)


def _number(minimum: float, maximum: float | None = None) -> Schema:
    if maximum is None:
        return _f(f"a number >= {minimum}", type="number", minimum=minimum)
    return _f(f"a number from {minimum} to {maximum}", type="number", minimum=minimum, maximum=maximum)


def _enum(*values: str) -> Schema:
    return _f("one of " + ", ".join(repr(value) for value in values), enum=list(values))


_ANY: Final[Schema] = {}
_STRING: Final = _f("a string", type="string")
_NAME: Final = _f("a state name (a non-empty string)", type="string", minLength=1)
_BOOL: Final = _f("true or false", type="boolean")
_OBJECT: Final = _f("a JSON object", type="object")
_PATH: Final = _f("a path (a string)", type="string")
_NULLABLE_PATH: Final = _f("a path (a string) or null", type=["string", "null"])
_NUMBER: Final = _f("a number", type="number")
_RESOURCE: Final = _f("a resource ARN (a non-empty string)", type="string", minLength=1)
_TIMESTAMP_FIELD: Final = _f(
    "an RFC 3339 timestamp such as 2016-03-14T01:59:00Z", type="string", format=TIMESTAMP_FORMAT
)
_JSONATA: Final = _f("a JSONata expression {% ... %}", type="string", pattern=_JSONATA_TEXT.pattern)
_QUERY_LANGUAGE: Final = _enum(*QUERY_LANGUAGES)
_SECONDS: Final = _int(1, 99999999)
_ERROR_EQUALS: Final = _f(
    "a non-empty array of error names",
    type="array",
    minItems=1,
    items=_f("an error name (a string)", type="string"),
)
_BRANCHES: Final = _f(
    "a non-empty array of branches", type="array", minItems=1, items=_f("a branch object", type="object")
)
_STATES: Final = _f("an object with at least one state", type="object", minProperties=1)


def _either(first: Schema, second: Schema) -> Schema:
    """``first`` or ``second``; the message names both."""
    strip = [{key: value for key, value in part.items() if key != "description"} for part in (first, second)]
    return _f(f"{first['description']} or {second['description']}", anyOf=strip)


def _num(schema: Schema, lang: str) -> Schema:
    """A literal field that a JSONata state may also give as a ``{% %}`` expression."""
    return _either(schema, _JSONATA) if lang == JSONATA else schema


def _by_lang(lang: str, jsonpath: Schema, jsonata: Schema) -> Schema:
    return jsonpath if lang == JSONPATH else jsonata


# --- comparison operators of JSONPath Choice rules ---------------------------------------------

_STRING_OPS: Final = (
    "StringEquals", "StringLessThan", "StringGreaterThan", "StringLessThanEquals", "StringGreaterThanEquals"
)  # fmt: skip
_NUMERIC_OPS: Final = (
    "NumericEquals", "NumericLessThan", "NumericGreaterThan",
    "NumericLessThanEquals", "NumericGreaterThanEquals",
)  # fmt: skip
_TIMESTAMP_OPS: Final = (
    "TimestampEquals", "TimestampLessThan", "TimestampGreaterThan",
    "TimestampLessThanEquals", "TimestampGreaterThanEquals",
)  # fmt: skip
_TYPE_TESTS: Final = ("IsNull", "IsPresent", "IsNumeric", "IsString", "IsBoolean", "IsTimestamp")


def _comparisons() -> dict[str, Schema]:
    """Operator name -> schema of its operand; ``...Path`` variants take a path."""
    literal: dict[str, Schema] = {}
    literal.update(dict.fromkeys(_STRING_OPS, _STRING))
    literal.update(dict.fromkeys(_NUMERIC_OPS, _NUMBER))
    literal.update(dict.fromkeys(_TIMESTAMP_OPS, _TIMESTAMP_FIELD))
    literal["BooleanEquals"] = _BOOL
    operators = dict(literal)
    operators.update({f"{name}Path": _PATH for name in literal})
    operators["StringMatches"] = _STRING
    operators.update(dict.fromkeys(_TYPE_TESTS, _BOOL))
    return operators


_COMPARISONS: Final = _comparisons()
COMPARISON_OPERATORS: Final = frozenset(_COMPARISONS)
"""Every comparison operator a JSONPath Choice rule may use."""
_COMBINATORS: Final = ("And", "Or", "Not")


def _rule_defs(lang: str) -> Schema:
    """``$defs`` of a Choice state: the top-level rule and the nested rule."""
    if lang == JSONATA:
        condition = _either(_JSONATA, _BOOL)
        top = {"Condition": condition, "Next": _NAME, "Comment": _STRING, "Assign": _OBJECT, "Output": _ANY}
        return {"rule": _object("a choice rule object", top, ("Condition", "Next"))}
    nested_ref = {"$ref": "#/$defs/nested"}
    boolean = {
        "And": _f("a non-empty array of rules", type="array", minItems=1, items=nested_ref),
        "Or": _f("a non-empty array of rules", type="array", minItems=1, items=nested_ref),
        "Not": nested_ref,
    }
    nested = {"Variable": _PATH, **_COMPARISONS, **boolean, "Comment": _STRING}
    top = {**nested, "Next": _NAME, "Assign": _OBJECT}
    return {
        "rule": _object("a choice rule object", top, ("Next",)),
        "nested": _object("a choice rule object", nested),
    }


# --- per-state field tables --------------------------------------------------------------------


def _retrier() -> Schema:
    fields = {
        "ErrorEquals": _ERROR_EQUALS,
        "IntervalSeconds": _int(1, 99999999),
        "MaxAttempts": _int(0, 99999999),
        "BackoffRate": _number(1.0),
        "MaxDelaySeconds": _int(1, 31622400),
        "JitterStrategy": _enum("FULL", "NONE"),
        "Comment": _STRING,
    }
    return _f("an array of retriers", type="array", items=_object("a retrier object", fields, ("ErrorEquals",)))


def _catcher(lang: str) -> Schema:
    fields = {"ErrorEquals": _ERROR_EQUALS, "Next": _NAME, "Comment": _STRING, "Assign": _OBJECT}
    fields.update(_by_lang(lang, {"ResultPath": _NULLABLE_PATH}, {"Output": _ANY}))
    item = _object("a catcher object", fields, ("ErrorEquals", "Next"))
    return _f("an array of catchers", type="array", items=item)


def _credentials(lang: str) -> Schema:
    fields = _by_lang(lang, {"RoleArn": _STRING, "RoleArn.$": _STRING}, {"RoleArn": _STRING})
    return _object("an object with a RoleArn", fields)


def _template(lang: str) -> Schema:
    """An object whose string values may be JSONata, or (JSONata) one expression."""
    return _num(_OBJECT, lang)


def _item_reader(lang: str) -> Schema:
    config = {
        "InputType": _enum("CSV", "JSON", "JSONL", "MANIFEST", "PARQUET"),
        "CSVHeaderLocation": _enum("FIRST_ROW", "GIVEN"),
        "CSVHeaders": _f("an array of strings", type="array", items=_STRING),
        "CSVDelimiter": _enum("COMMA", "PIPE", "SEMICOLON", "SPACE", "TAB"),
        "ManifestType": _enum("ATHENA_DATA", "S3_INVENTORY"),
        "Transformation": _enum("NONE", "LOAD_AND_FLATTEN"),
        "MaxItems": _num(_int(0, 100000000), lang),
    }
    if lang == JSONPATH:
        config["MaxItemsPath"] = _PATH
    fields = {"Resource": _RESOURCE, "ReaderConfig": _object("a ReaderConfig object", config)}
    fields.update(_by_lang(lang, {"Parameters": _ANY}, {"Arguments": _template(lang)}))
    return _object("an ItemReader object", fields, ("Resource",))


def _item_batcher(lang: str) -> Schema:
    fields = {
        "MaxItemsPerBatch": _num(_int(1), lang),
        "MaxInputBytesPerBatch": _num(_int(1, 262144), lang),
        "BatchInput": _template(lang),
    }
    if lang == JSONPATH:
        fields.update({"MaxItemsPerBatchPath": _PATH, "MaxInputBytesPerBatchPath": _PATH})
    return _object("an ItemBatcher object", fields)


def _result_writer(lang: str) -> Schema:
    config = {"OutputType": _enum("JSON", "JSONL"), "Transformation": _enum("NONE", "COMPACT", "FLATTEN")}
    fields = {"Resource": _RESOURCE, "WriterConfig": _object("a WriterConfig object", config)}
    fields.update(_by_lang(lang, {"Parameters": _ANY}, {"Arguments": _template(lang)}))
    return _object("a ResultWriter object", fields)


def _state_fields(lang: str) -> dict[str, tuple[Schema, tuple[str, ...]]]:
    """State type -> (fields, required fields) for one query language."""
    jp = lang == JSONPATH
    common = {"Type": _ANY, "Comment": _STRING, "QueryLanguage": _QUERY_LANGUAGE}
    io = {"InputPath": _NULLABLE_PATH, "OutputPath": _NULLABLE_PATH} if jp else {"Output": _ANY}
    flow = {"Next": _NAME, "End": _BOOL, "Assign": _OBJECT}
    result = (
        {"Parameters": _ANY, "ResultSelector": _OBJECT, "ResultPath": _NULLABLE_PATH}
        if jp
        else {"Arguments": _template(lang)}
    )
    errors = {"Retry": _retrier(), "Catch": _catcher(lang)}
    task = {
        "Resource": _RESOURCE,
        "Credentials": _credentials(lang),
        "TimeoutSeconds": _num(_SECONDS, lang),
        "HeartbeatSeconds": _num(_SECONDS, lang),
    }
    if jp:
        task.update({"TimeoutSecondsPath": _PATH, "HeartbeatSecondsPath": _PATH})
    wait = {"Seconds": _num(_int(0, 99999999), lang), "Timestamp": _num(_TIMESTAMP_FIELD, lang)}
    if jp:
        wait.update({"SecondsPath": _PATH, "TimestampPath": _PATH})
    fail = {"Error": _STRING, "Cause": _STRING}
    if jp:
        fail.update({"ErrorPath": _STRING, "CausePath": _STRING})
    pass_ = {"Parameters": _ANY, "ResultPath": _NULLABLE_PATH, "Result": _ANY} if jp else {}
    choice = {
        "Choices": _f("a non-empty array of choice rules", type="array", minItems=1, items={"$ref": "#/$defs/rule"})
    }
    choice.update({"Default": _NAME, "Assign": _OBJECT})
    return {
        "Pass": ({**common, **io, **flow, **pass_}, ()),
        "Task": ({**common, **io, **flow, **result, **errors, **task}, ("Resource",)),
        "Choice": ({**common, **io, **choice}, ("Choices",)),
        "Wait": ({**common, **io, **flow, **wait}, ()),
        "Succeed": ({**common, **io}, ()),
        "Fail": ({**common, **fail}, ()),
        "Parallel": ({**common, **io, **flow, **result, **errors, "Branches": _BRANCHES}, ("Branches",)),
        "Map": ({**common, **io, **flow, **errors, **_map_fields(lang)}, ()),
    }


def _map_fields(lang: str) -> Schema:
    fields = {
        "ItemProcessor": _f("an ItemProcessor object", type="object"),
        "Iterator": _f("an Iterator object", type="object"),
        "ItemReader": _item_reader(lang),
        "ItemSelector": _template(lang),
        "ItemBatcher": _item_batcher(lang),
        "ResultWriter": _result_writer(lang),
        "MaxConcurrency": _num(_int(0), lang),
        "ToleratedFailurePercentage": _num(_number(0, 100), lang),
        "ToleratedFailureCount": _num(_int(0), lang),
        "Label": _f("a string of at most 40 characters", type="string", maxLength=40),
    }
    if lang == JSONATA:
        fields["Items"] = _either(_f("an array or object", type=["array", "object"]), _JSONATA)
        return fields
    fields.update(
        {
            "ItemsPath": _PATH,
            "Parameters": _ANY,
            "ResultSelector": _OBJECT,
            "ResultPath": _NULLABLE_PATH,
            "MaxConcurrencyPath": _PATH,
            "ToleratedFailurePercentagePath": _PATH,
            "ToleratedFailureCountPath": _PATH,
        }
    )
    return fields


def _machine_schemas() -> dict[str, Schema]:
    """Machine kind -> schema of its own fields (its states are checked one by one)."""
    branch = {"Comment": _STRING, "StartAt": _NAME, "States": _STATES}
    top = {**branch, "Version": _STRING, "TimeoutSeconds": _SECONDS, "QueryLanguage": _QUERY_LANGUAGE}
    config = {"Mode": _enum("INLINE", "DISTRIBUTED"), "ExecutionType": _enum("STANDARD", "EXPRESS")}
    processor = {**branch, "ProcessorConfig": _object("a ProcessorConfig object", config)}
    required = ("StartAt", "States")
    return {
        "top": _object("a state machine object", top, required),
        "branch": _object("a branch object", branch, required),
        "processor": _object("an item processor object", processor, required),
    }


def _state_schema(fields: Schema, required: tuple[str, ...], lang: str, state_type: str) -> Schema:
    schema = _object(f"a {state_type} state object", fields, required)
    if state_type == "Choice":
        schema["$defs"] = _rule_defs(lang)
    return schema


def _compile(schema: Schema) -> Draft202012Validator:
    # the schemas are checked against the metaschema by tests/parser/test_schema.py, not at import
    return Draft202012Validator(schema, format_checker=_FORMATS)


STATE_SCHEMAS: Final = {
    (state_type, lang): _state_schema(fields, required, lang, state_type)
    for lang in QUERY_LANGUAGES
    for state_type, (fields, required) in _state_fields(lang).items()
}
"""``(Type, query language)`` -> JSON Schema of that state."""
STATE_VALIDATORS: Final = {key: _compile(schema) for key, schema in STATE_SCHEMAS.items()}
MACHINE_SCHEMAS: Final = _machine_schemas()
MACHINE_VALIDATORS: Final = {kind: _compile(schema) for kind, schema in MACHINE_SCHEMAS.items()}


def _field_names(schema: Any) -> Iterator[str]:
    """Every property name declared anywhere in ``schema``."""
    pending = [schema]
    while pending:
        node = pending.pop()
        if isinstance(node, dict):
            properties = node.get("properties")
            if isinstance(properties, dict):
                yield from properties
            pending.extend(node.values())
        elif isinstance(node, list):
            pending.extend(node)


def _language_only_fields() -> dict[str, frozenset[str]]:
    names = {
        lang: {
            name
            for (_, schema_lang), schema in STATE_SCHEMAS.items()
            if schema_lang == lang
            for name in _field_names(schema)
        }
        for lang in QUERY_LANGUAGES
    }
    return {
        JSONPATH: frozenset(names[JSONPATH] - names[JSONATA]),
        JSONATA: frozenset(names[JSONATA] - names[JSONPATH]),
    }


_ONLY_IN: Final = _language_only_fields()
"""Query language -> field names that exist only in states of that language."""


# --- a fast yes/no check compiled from the same schemas ----------------------------------------
#
# jsonschema walks a schema dict on every call (about 100 us for a state), too slow for the
# 5 ms budget of a 50-state definition. So each schema is also compiled, once, into a plain
# predicate for the few keywords used above; jsonschema runs only when the predicate says
# "invalid", to word the issues. Tests check that both agree on random instances.

Predicate = Callable[[Any], bool]


def _is_integer(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    return isinstance(value, int) or (isinstance(value, float) and value.is_integer())


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


_TYPE_TESTS_BY_NAME: Final[dict[str, Predicate]] = {
    "object": lambda value: isinstance(value, dict),
    "array": lambda value: isinstance(value, list),
    "string": lambda value: isinstance(value, str),
    "boolean": lambda value: isinstance(value, bool),
    "null": lambda value: value is None,
    "integer": _is_integer,
    "number": _is_number,
}


def _compile_type(names: Any, _: Any) -> Predicate:
    tests = [_TYPE_TESTS_BY_NAME[name] for name in ([names] if isinstance(names, str) else names)]
    if len(tests) == 1:
        return tests[0]
    return lambda value: any(test(value) for test in tests)


def _compile_enum(values: Any, _: Any) -> Predicate:
    if not all(isinstance(value, str) for value in values):
        raise ValueError("only string enums are compiled")
    allowed = frozenset(values)
    return lambda value: isinstance(value, str) and value in allowed


def _compile_properties(properties: Any, defs: Any) -> Predicate:
    checks = {name: _compile_predicate(schema, defs) for name, schema in properties.items()}
    checks = {name: check for name, check in checks.items() if check is not _always}
    return lambda value: (
        not isinstance(value, dict) or all(check(value[name]) for name, check in checks.items() if name in value)
    )


def _compile_closed(allowed: Any, properties: Any) -> Predicate:
    if allowed is not False:
        raise ValueError("only additionalProperties: false is compiled")
    known = frozenset(properties)
    return lambda value: not isinstance(value, dict) or known.issuperset(value)


def _compile_items(schema: Any, defs: Any) -> Predicate:
    check = _compile_predicate(schema, defs)
    return lambda value: not isinstance(value, list) or all(check(item) for item in value)


def _compile_any_of(schemas: Any, defs: Any) -> Predicate:
    checks = [_compile_predicate(schema, defs) for schema in schemas]
    return lambda value: any(check(value) for check in checks)


def _compile_ref(ref: Any, defs: Any) -> Predicate:
    name = ref.removeprefix("#/$defs/")

    def check(value: Any) -> bool:  # looked up late: a definition may refer to itself
        return bool(defs[name](value))

    return check


def _compile_pattern(pattern: Any, _: Any) -> Predicate:
    regex = re.compile(pattern)
    return lambda value: not isinstance(value, str) or regex.search(value) is not None


def _compile_format(name: Any, _: Any) -> Predicate:
    if name != TIMESTAMP_FORMAT:
        raise ValueError(f"unknown format {name!r}")
    return lambda value: not isinstance(value, str) or is_timestamp(value)


def _bound(test: Callable[[Any, Any], bool], applies: Predicate) -> Callable[[Any, Any], Predicate]:
    """A keyword that compares the instance with the keyword's value when ``applies``."""
    return lambda limit, _: lambda value: not applies(value) or test(value, limit)


def _is_list(value: Any) -> bool:
    return isinstance(value, list)


_KEYWORDS: Final[dict[str, Callable[[Any, Any], Predicate]]] = {
    "type": _compile_type,
    "enum": _compile_enum,
    "properties": _compile_properties,
    "items": _compile_items,
    "anyOf": _compile_any_of,
    "$ref": _compile_ref,
    "pattern": _compile_pattern,
    "format": _compile_format,
    "required": lambda names, _: lambda value: not isinstance(value, dict) or all(name in value for name in names),
    "minimum": _bound(lambda value, limit: value >= limit, _is_number),
    "maximum": _bound(lambda value, limit: value <= limit, _is_number),
    "minLength": _bound(lambda value, limit: len(value) >= limit, lambda value: isinstance(value, str)),
    "maxLength": _bound(lambda value, limit: len(value) <= limit, lambda value: isinstance(value, str)),
    "minItems": _bound(lambda value, limit: len(value) >= limit, _is_list),
    "minProperties": _bound(lambda value, limit: len(value) >= limit, lambda value: isinstance(value, dict)),
}
_IGNORED: Final = frozenset({"description", "$defs", "additionalProperties"})


def _always(value: Any) -> bool:
    return True


def _compile_predicate(schema: Schema, defs: dict[str, Predicate]) -> Predicate:
    """A predicate equivalent to ``schema`` for the keywords this module uses."""
    checks = [_KEYWORDS[keyword](value, defs) for keyword, value in schema.items() if keyword not in _IGNORED]
    if "additionalProperties" in schema:
        checks.append(_compile_closed(schema["additionalProperties"], schema.get("properties", {})))
    if not checks:
        return _always
    if len(checks) == 1:
        return checks[0]
    return lambda value: all(check(value) for check in checks)


def compile_predicate(schema: Schema) -> Predicate:
    """``schema`` (with its ``$defs``) as a fast yes/no check."""
    defs: dict[str, Predicate] = {}
    for name, definition in schema.get("$defs", {}).items():
        defs[name] = _compile_predicate(definition, defs)
    return _compile_predicate(schema, defs)


STATE_CHECKERS: Final = {key: compile_predicate(schema) for key, schema in STATE_SCHEMAS.items()}
"""``(Type, query language)`` -> fast validity check of that state."""
MACHINE_CHECKERS: Final = {kind: compile_predicate(schema) for kind, schema in MACHINE_SCHEMAS.items()}


# --- turning jsonschema errors into issues ----------------------------------------------------


def _show(value: Any) -> str:
    """A short rendering of a value for a message."""
    text = repr(value) if isinstance(value, str) else _json_text(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _json_text(value: Any) -> str:
    import json

    try:
        return json.dumps(value, ensure_ascii=False, sort_keys=False)
    except (TypeError, ValueError, RecursionError):
        return repr(value)


def _label(error: ValidationError) -> str:
    """The failing field as written: ``BackoffRate``, ``ErrorEquals[0]``, ..."""
    label = ""
    for key in error.absolute_path:
        label = f"{label}[{key}]" if isinstance(key, int) else str(key)
    return label or "the value"


def _unsupported(error: ValidationError, path: str, lang: str) -> Iterator[DefinitionIssue]:
    """One issue per field that the closed schema does not know."""
    known = error.schema.get("properties", {}) if isinstance(error.schema, dict) else {}
    instance = error.instance if isinstance(error.instance, dict) else {}
    for field in instance:
        if field in known:
            continue
        message = f"Field {str(field)!r} is not supported"
        other = JSONATA if lang == JSONPATH else JSONPATH
        if field in _ONLY_IN[other]:
            message += f" in a {lang} state (it is a {other} field)"
        elif isinstance(field, str) and field.endswith(".$"):
            message += "; keys ending in '.$' are only allowed inside payload templates"
        yield DefinitionIssue(child_path(path, field), SCHEMA_VALIDATION_FAILED, message)


def _missing(error: ValidationError, path: str, lang: str) -> Iterator[DefinitionIssue]:
    instance = error.instance if isinstance(error.instance, dict) else {}
    required = error.validator_value if isinstance(error.validator_value, list) else []
    for field in required:
        if field not in instance:
            message = f"The field {field!r} is required but was missing"
            yield DefinitionIssue(path, SCHEMA_VALIDATION_FAILED, message)


def _described(error: ValidationError, path: str, lang: str) -> Iterator[DefinitionIssue]:
    description = error.schema.get("description") if isinstance(error.schema, dict) else None
    if description:
        message = f"{_label(error)} must be {description}; got {_show(error.instance)}"
    else:
        message = f"{_label(error)}: {error.message}"
    yield DefinitionIssue(path, SCHEMA_VALIDATION_FAILED, message)


_HANDLERS: Final = {"additionalProperties": _unsupported, "required": _missing}


def schema_issues(
    validator: Draft202012Validator, checker: Predicate, instance: Any, path: str, lang: str
) -> list[DefinitionIssue]:
    """Issues for ``instance`` (found at ``path``) against one schema; ``checker`` is its fast form."""
    if checker(instance):
        return []
    try:
        errors = list(validator.iter_errors(instance))
    except RecursionError:
        return [DefinitionIssue(path, TOO_DEEPLY_NESTED, "the rules here are nested too deeply to check")]
    issues: dict[DefinitionIssue, None] = {}  # ordered and without repeats
    for error in errors:
        where = path
        for key in error.absolute_path:
            where = child_path(where, key)
        issues.update(dict.fromkeys(_HANDLERS.get(str(error.validator), _described)(error, where, lang)))
    return list(issues)


# --- what the schemas cannot say ---------------------------------------------------------------

# Per state type: (location of the object inside the state, fields, whether one is required).
_EXCLUSIVE: Final[dict[str, tuple[tuple[tuple[str, ...], tuple[str, ...], bool], ...]]] = {
    "Task": (
        ((), ("TimeoutSeconds", "TimeoutSecondsPath"), False),
        ((), ("HeartbeatSeconds", "HeartbeatSecondsPath"), False),
        (("Credentials",), ("RoleArn", "RoleArn.$"), True),
    ),
    "Wait": (((), ("Seconds", "SecondsPath", "Timestamp", "TimestampPath"), True),),
    "Fail": (((), ("Error", "ErrorPath"), False), ((), ("Cause", "CausePath"), False)),
    "Map": (
        ((), ("ItemProcessor", "Iterator"), True),
        ((), ("ItemSelector", "Parameters"), False),
        ((), ("MaxConcurrency", "MaxConcurrencyPath"), False),
        ((), ("ToleratedFailurePercentage", "ToleratedFailurePercentagePath"), False),
        ((), ("ToleratedFailureCount", "ToleratedFailureCountPath"), False),
        (("ItemBatcher",), ("MaxItemsPerBatch", "MaxItemsPerBatchPath"), False),
        (("ItemBatcher",), ("MaxInputBytesPerBatch", "MaxInputBytesPerBatchPath"), False),
        (("ItemReader", "ReaderConfig"), ("MaxItems", "MaxItemsPath"), False),
    ),
}


def _exclusive_issues(state_type: str, state: Mapping[str, Any], path: str, lang: str) -> Iterator[DefinitionIssue]:
    other = JSONATA if lang == JSONPATH else JSONPATH
    for location, group, required in _EXCLUSIVE.get(state_type, ()):
        holder: Any = state
        where = path
        for key in location:
            holder = holder.get(key) if isinstance(holder, dict) else None
            where = child_path(where, key)
        if not isinstance(holder, dict):
            continue
        present = [field for field in group if field in holder]
        if len(present) > 1:
            names = " and ".join(repr(field) for field in present)
            yield DefinitionIssue(where, SCHEMA_VALIDATION_FAILED, f"The fields {names} cannot be used together")
        elif not present and required:
            usable = [field for field in group if field not in _ONLY_IN[other]]
            if len(usable) == 1:
                message = f"The field {usable[0]!r} is required but was missing"
            else:
                message = f"One of the fields {', '.join(repr(field) for field in usable)} is required"
            yield DefinitionIssue(where, SCHEMA_VALIDATION_FAILED, message)


def _rule_issues(state: Mapping[str, Any], path: str) -> Iterator[DefinitionIssue]:
    """Shape of JSONPath Choice rules: one comparison on a Variable, or one of And/Or/Not."""
    choices = state.get("Choices")
    if not isinstance(choices, list):
        return
    pending = [(rule, child_path(child_path(path, "Choices"), index)) for index, rule in enumerate(choices)]
    while pending:
        rule, where = pending.pop()
        if not isinstance(rule, dict):
            continue
        yield from _one_rule(rule, where)
        for combinator in ("And", "Or"):
            parts = rule.get(combinator)
            if isinstance(parts, list):
                at = child_path(where, combinator)
                pending.extend((part, child_path(at, index)) for index, part in enumerate(parts))
        if "Not" in rule:
            pending.append((rule["Not"], child_path(where, "Not")))


def _one_rule(rule: Mapping[str, Any], path: str) -> Iterator[DefinitionIssue]:
    combinators = [name for name in _COMBINATORS if name in rule]
    operators = [name for name in rule if name in COMPARISON_OPERATORS]
    if len(combinators) > 1:
        names = ", ".join(combinators)
        yield DefinitionIssue(
            path, SCHEMA_VALIDATION_FAILED, f"A choice rule can use only one of And, Or, Not; got {names}"
        )
    if combinators and (operators or "Variable" in rule):
        compared = ", ".join(operators) or "Variable"
        message = f"A choice rule with {combinators[0]} cannot also compare a value ({compared})"
        yield DefinitionIssue(path, SCHEMA_VALIDATION_FAILED, message)
    if combinators:
        return
    if "Variable" not in rule:
        yield DefinitionIssue(path, SCHEMA_VALIDATION_FAILED, "The field 'Variable' is required but was missing")
    if not operators:
        message = "A choice rule needs a comparison operator such as StringEquals, NumericEquals or IsPresent"
        yield DefinitionIssue(path, SCHEMA_VALIDATION_FAILED, message)
    elif len(operators) > 1:
        message = f"A choice rule can use only one comparison operator; got {', '.join(operators)}"
        yield DefinitionIssue(path, SCHEMA_VALIDATION_FAILED, message)


# --- the walk ----------------------------------------------------------------------------------


def _state_issues(state: Any, path: str, top_lang: str) -> Iterator[DefinitionIssue]:
    if not isinstance(state, dict):
        yield DefinitionIssue(path, SCHEMA_VALIDATION_FAILED, f"A state must be a JSON object; got {_show(state)}")
        return
    state_type = state.get("Type")
    if state_type not in STATE_TYPES:
        valid = ", ".join(STATE_TYPES)
        if "Type" not in state:
            message = f"The field 'Type' is required but was missing (one of: {valid})"
        else:
            message = f"Type must be one of {valid}; got {_show(state_type)}"
        yield DefinitionIssue(child_path(path, "Type") if "Type" in state else path, SCHEMA_VALIDATION_FAILED, message)
        return
    own = state.get("QueryLanguage")
    lang = own if own in QUERY_LANGUAGES else top_lang
    if top_lang == JSONATA and own == JSONPATH:
        yield DefinitionIssue(path, SCHEMA_VALIDATION_FAILED, _DOWNGRADE)
    key = (state_type, lang)
    yield from schema_issues(STATE_VALIDATORS[key], STATE_CHECKERS[key], state, path, lang)
    yield from _exclusive_issues(state_type, state, path, lang)
    if state_type == "Choice" and lang == JSONPATH:
        yield from _rule_issues(state, path)


def check_structure(definition: dict[str, Any]) -> list[DefinitionIssue]:
    """Structural problems of ``definition`` and of every machine nested in it."""
    if not isinstance(definition, dict):
        return [DefinitionIssue("$", SCHEMA_VALIDATION_FAILED, "Definition must be a valid JSON object")]
    top_lang = definition.get("QueryLanguage")
    if top_lang not in QUERY_LANGUAGES:
        top_lang = JSONPATH
    issues: list[DefinitionIssue] = []
    for machine, path, kind in iter_machines(definition):
        issues.extend(schema_issues(MACHINE_VALIDATORS[kind], MACHINE_CHECKERS[kind], machine, path, top_lang))
        states = machine.get("States")
        if isinstance(states, dict):
            states_path = child_path(path, "States")
            for name, state in states.items():
                issues.extend(_state_issues(state, child_path(states_path, name), top_lang))
    return issues
