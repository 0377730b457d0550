"""The typed state model: frozen attrs data built once by the parser.

Every default is applied by the parser, and every path, payload template, intrinsic call
and JSONata expression is already compiled, so the executor never parses text. Field
names follow the ASL field names in snake_case.

Values that JSONata states may give as ``{% expression %}`` (``TimeoutSeconds``,
``Seconds``, ``MaxConcurrency``, ...) are typed ``int | Expression``: the executor
evaluates an :class:`~asl.jsonata.Expression` and uses a number as it is.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any, Literal

import attrs

if TYPE_CHECKING:
    from .choice import Choice
    from .jsonata import CompiledValue, Expression
    from .paths import Evaluable, JsonPath, ResultPath, Template

__all__ = [
    "Branch",
    "Catcher",
    "ChoiceState",
    "FailState",
    "ItemBatcher",
    "ItemReader",
    "MapState",
    "ParallelState",
    "PassState",
    "ResultWriter",
    "Retrier",
    "State",
    "StateMachine",
    "SucceedState",
    "TaskState",
    "WaitState",
]

QueryLanguage = Literal["JSONPath", "JSONata"]
JSONPATH: QueryLanguage = "JSONPath"
JSONATA: QueryLanguage = "JSONata"

@attrs.frozen
class Retrier:
    """One entry of a state's ``Retry`` list, defaults applied."""

    error_equals: tuple[str, ...]
    interval_seconds: int = 1
    max_attempts: int = 3
    backoff_rate: float = 2.0
    max_delay_seconds: int | None = None
    jitter_strategy: str = "NONE"
    """``FULL`` or ``NONE``."""
    comment: str | None = None


@attrs.frozen
class Catcher:
    """One entry of a state's ``Catch`` list."""

    error_equals: tuple[str, ...]
    next: str
    result_path: ResultPath | None = None
    """Where the error output goes (JSONPath states; default ``$``)."""
    output: CompiledValue | None = None
    """JSONata ``Output`` of the catcher (``$states.errorOutput`` is bound)."""
    assign: Assigner | None = None
    comment: str | None = None


@attrs.frozen
class Assigner:
    """A compiled ``Assign`` block: variable name -> value, evaluated as one template."""

    value: Template | CompiledValue
    """A payload template (JSONPath states) or a JSONata value (JSONata states)."""
    query_language: QueryLanguage
    names: tuple[str, ...]


@attrs.frozen(kw_only=True)
class State:
    """Fields every state type has."""

    name: str
    type: str = attrs.field(init=False, default="")
    comment: str | None = None
    query_language: QueryLanguage = JSONPATH
    next: str | None = None
    end: bool = False
    # JSONPath input/output processing; ``None`` means the field was JSON null.
    input_path: JsonPath | None = None
    output_path: JsonPath | None = None
    has_input_path: bool = False
    has_output_path: bool = False
    # JSONata output processing
    output: CompiledValue | None = None
    # variables (both languages)
    assign: Assigner | None = None

    @property
    def is_terminal(self) -> bool:
        """Whether the execution (or branch) ends after this state."""
        return self.end


@attrs.frozen(kw_only=True)
class PassState(State):
    """``Type: Pass``: passes its input (or ``Result``) on."""

    type: str = attrs.field(init=False, default="Pass")
    result: Any = None
    has_result: bool = False
    """``Result`` is present (``null``, ``0``, ``false`` and ``""`` are results too)."""
    parameters: Template | None = None
    result_path: ResultPath | None = None


@attrs.frozen(kw_only=True)
class TaskState(State):
    """``Type: Task``: calls a resolver for its ``Resource``."""

    type: str = attrs.field(init=False, default="Task")
    resource: str = ""
    parameters: Template | None = None
    arguments: CompiledValue | None = None
    result_selector: Template | None = None
    result_path: ResultPath | None = None
    timeout_seconds: int | float | Expression | None = None
    timeout_seconds_path: JsonPath | None = None
    heartbeat_seconds: int | float | Expression | None = None
    heartbeat_seconds_path: JsonPath | None = None
    credentials: Template | CompiledValue | None = None
    retry: tuple[Retrier, ...] = ()
    catch: tuple[Catcher, ...] = ()


@attrs.frozen(kw_only=True)
class ChoiceState(State):
    """``Type: Choice``: the first matching rule picks the next state."""

    type: str = attrs.field(init=False, default="Choice")
    choices: tuple[Choice, ...] = ()
    default: str | None = None


@attrs.frozen(kw_only=True)
class WaitState(State):
    """``Type: Wait``: one of ``Seconds``, ``Timestamp``, ``SecondsPath``, ``TimestampPath``."""

    type: str = attrs.field(init=False, default="Wait")
    seconds: int | float | Expression | None = None
    timestamp: str | Expression | None = None
    seconds_path: JsonPath | None = None
    timestamp_path: JsonPath | None = None


@attrs.frozen(kw_only=True)
class SucceedState(State):
    """``Type: Succeed``."""

    type: str = attrs.field(init=False, default="Succeed")

    @property
    def is_terminal(self) -> bool:
        """Succeed always ends its branch."""
        return True


@attrs.frozen(kw_only=True)
class FailState(State):
    """``Type: Fail``: ends the execution with ``Error`` and ``Cause``."""

    type: str = attrs.field(init=False, default="Fail")
    error: str | Expression | None = None
    cause: str | Expression | None = None
    error_path: Evaluable | None = None
    cause_path: Evaluable | None = None

    @property
    def is_terminal(self) -> bool:
        """Fail always ends the execution."""
        return True


@attrs.frozen
class Branch:
    """A graph of states: the machine itself, a Parallel branch or a Map processor."""

    start_at: str
    states: Mapping[str, State]
    query_language: QueryLanguage = JSONPATH
    comment: str | None = None


@attrs.frozen(kw_only=True)
class ParallelState(State):
    """``Type: Parallel``: runs every branch on the same input."""

    type: str = attrs.field(init=False, default="Parallel")
    branches: tuple[Branch, ...] = ()
    parameters: Template | None = None
    arguments: CompiledValue | None = None
    result_selector: Template | None = None
    result_path: ResultPath | None = None
    retry: tuple[Retrier, ...] = ()
    catch: tuple[Catcher, ...] = ()


@attrs.frozen
class ItemReader:
    """``ItemReader`` of a distributed Map."""

    resource: str
    parameters: Template | CompiledValue | None = None
    reader_config: Mapping[str, Any] = attrs.field(factory=dict)


@attrs.frozen
class ItemBatcher:
    """``ItemBatcher`` of a distributed Map."""

    max_items_per_batch: int | Expression | None = None
    max_items_per_batch_path: JsonPath | None = None
    max_input_bytes_per_batch: int | Expression | None = None
    max_input_bytes_per_batch_path: JsonPath | None = None
    batch_input: Template | CompiledValue | None = None


@attrs.frozen
class ResultWriter:
    """``ResultWriter`` of a distributed Map."""

    resource: str | None = None
    parameters: Template | CompiledValue | None = None
    writer_config: Mapping[str, Any] = attrs.field(factory=dict)


@attrs.frozen(kw_only=True)
class MapState(State):
    """``Type: Map``: runs its processor once per item."""

    type: str = attrs.field(init=False, default="Map")
    processor: Branch
    mode: str = "INLINE"
    """``ProcessorConfig.Mode``: ``INLINE`` or ``DISTRIBUTED``."""
    execution_type: str | None = None
    items_path: JsonPath | None = None
    items: Any = None
    """JSONata ``Items``: a compiled value (an expression or a literal array)."""
    item_selector: Template | CompiledValue | None = None
    item_reader: ItemReader | None = None
    item_batcher: ItemBatcher | None = None
    result_writer: ResultWriter | None = None
    max_concurrency: int | Expression = 0
    max_concurrency_path: JsonPath | None = None
    tolerated_failure_percentage: float | Expression | None = None
    tolerated_failure_percentage_path: JsonPath | None = None
    tolerated_failure_count: int | Expression | None = None
    tolerated_failure_count_path: JsonPath | None = None
    label: str | None = None
    result_selector: Template | None = None
    result_path: ResultPath | None = None
    retry: tuple[Retrier, ...] = ()
    catch: tuple[Catcher, ...] = ()


@attrs.frozen
class StateMachine:
    """A parsed, validated state machine."""

    root: Branch
    """The top-level graph."""
    definition: Mapping[str, Any] = attrs.field(repr=False)
    """The definition as parsed (a private copy; do not mutate)."""
    timeout_seconds: int | None = None
    version: str | None = None
    comment: str | None = None
    query_language: QueryLanguage = JSONPATH
    all_states: Mapping[str, State] = attrs.field(factory=dict, repr=False)
    """Every state by name, nested branches and processors included (names are unique)."""

    @property
    def start_at(self) -> str:
        """The first state of the top-level graph."""
        return self.root.start_at

    @property
    def states(self) -> Mapping[str, State]:
        """The top-level states by name."""
        return self.root.states

    def __iter__(self) -> Iterator[State]:
        return iter(self.all_states.values())

    def __getitem__(self, name: str) -> State:
        return self.all_states[name]
