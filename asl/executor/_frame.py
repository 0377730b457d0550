"""What one execution shares (:class:`Run`) and what one branch of it owns (:class:`Frame`)."""

from __future__ import annotations

import random
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol

from .._time import format_timestamp
from ..clock import VirtualClock
from ._limits import PayloadMeter

if TYPE_CHECKING:
    from ..clock import Clock
    from ..execution import Details, Execution
    from ..resolvers import ResolverTable
    from ..states import State, StateMachine
    from ._observe import Observer, TaskMocks

__all__ = ["Frame", "Run"]

_RETRYING_TYPES = frozenset({"Task", "Parallel", "Map"})


class Run:
    """Everything an execution's states share."""

    __slots__ = (
        "base_context",
        "bindings",
        "bindings_table",
        "clock",
        "execution",
        "jump_if_idle",
        "machine",
        "max_transitions",
        "meter",
        "mocks",
        "next_check",
        "observer",
        "resolvers",
        "rng",
        "task_plans",
        "transitions",
    )

    def __init__(
        self,
        machine: StateMachine,
        execution: Execution,
        resolvers: ResolverTable,
        clock: Clock,
        rng: random.Random,
        base_context: dict[str, Any],
        meter: PayloadMeter,
        mocks: TaskMocks | None = None,
        observer: Observer | None = None,
    ) -> None:
        self.machine = machine
        self.execution = execution
        self.resolvers = resolvers
        self.clock = clock
        self.jump_if_idle = clock.jump_if_idle if isinstance(clock, VirtualClock) else None
        """(perf) The clock's sleep that needs no await when nothing else could run (VirtualClock)."""
        self.rng = rng
        self.base_context = base_context
        self.meter = meter
        self.mocks = mocks
        """Canned task responses consulted before the resolvers (a MockConfigFile test case)."""
        self.observer = observer
        """Told of states, transitions, Choice rules, retries and catches (coverage)."""
        # (reliability) the transition bound: see asl.executor._run._checkpoint
        self.transitions = 0
        """States entered so far, across every branch and iteration."""
        self.max_transitions = sys.maxsize
        """States the execution may enter (``Limits.max_transitions``)."""
        self.next_check = 64
        self.bindings: dict[tuple[str, str], Any] = {}
        """Resolver bindings found for (state name, resource), when the payload cannot change them."""
        self.task_plans: dict[int, tuple[Any, Any, bool, Any]] = {}
        """(perf) Per Task state (by id, the state and the resolver table kept): whether its attempts
        reuse their inputs, and its direct binding (see ``asl.executor._task``)."""
        self.bindings_table: Any = resolvers
        """The resolver table ``bindings`` were found in (forgotten if ``resolvers`` is replaced)."""
        """The transition count at which the loop next yields and checks the bound."""

    def find_binding(self, state_name: str, resource: str, payload: Any) -> Any:
        """``resolvers.find(state_name, resource, payload)``, remembered for this run.

        Only a ``lambda:invoke`` integration names its function in the payload; any other
        resource binds the same way on every call, so the lookup (regular expressions, ARN
        parsing) runs once per state and resource.
        """
        table = self.resolvers
        if ":states:::lambda:invoke" in resource:
            return table.find(state_name, resource, payload)
        bindings = self.bindings
        if self.bindings_table is not table:
            bindings.clear()
            self.bindings_table = table
        key = (state_name, resource)
        try:
            return bindings[key]
        except KeyError:
            found = bindings[key] = table.find(state_name, resource, payload)
            return found

    def new_token(self) -> str:
        """A fresh task token (drawn from the run's RNG, so seeded runs repeat)."""
        return "".join(f"{self.rng.getrandbits(32):08x}" for _ in range(8))


class Recorder(Protocol):
    """Where events are noted: :class:`asl.Execution`, or a counter of ids that keeps nothing."""

    @property
    def note(self) -> Callable[..., int]:
        """Note one event (:meth:`asl.Execution.note`'s arguments); its id."""
        ...


class Frame:
    """One thread of control: the top level, a Parallel branch or a Map iteration.

    It owns the variables its states see (a branch reads a copy of the outer ones, so
    its assignments never leak out) and the id of its latest event.
    """

    __slots__ = ("context", "last_event", "outer_names", "recorder", "run", "variables")

    def __init__(
        self,
        run: Run,
        variables: dict[str, Any],
        context: dict[str, Any],
        last_event: int,
        outer_names: frozenset[str] = frozenset(),
    ) -> None:
        self.run = run
        self.recorder: Recorder = run.execution
        """(perf) What the executor notes this frame's events on (:meth:`asl.Execution.note`):
        the execution, or for a detached frame a counter of ids."""
        self.variables = variables
        self.context = context
        self.last_event = last_event
        self.outer_names = outer_names
        """Variables of enclosing scopes: readable here, but AWS forbids assigning them."""

    def record(self, event_type: str, **details: Any) -> int:
        """Append a history event that follows this frame's latest one."""
        run = self.run
        execution = run.execution
        now = run.clock.now() if execution.keep_history else 0.0  # an event only counted has no time
        event_id = execution.record(event_type, now, self.last_event, details)
        self.last_event = event_id
        return event_id

    def record_details(self, event_type: str, details: Details) -> int:
        """:meth:`record` with the details given (a dict or packed), kept as they are."""
        run = self.run
        execution = run.execution
        now = run.clock.now() if execution.keep_history else 0.0
        event_id = execution.record(event_type, now, self.last_event, details)
        self.last_event = event_id
        return event_id

    def note(self, event_type: str, names: tuple[str, ...] | None, first: Any = None, second: Any = None) -> int:
        """(perf) :meth:`record_details` with packed details given as their parts (see
        :meth:`asl.Execution.note`): the executor's own events, without a tuple to unpack."""
        run = self.run
        execution = run.execution
        now = run.clock.now() if execution.keep_history else 0.0
        event_id = execution.note(event_type, now, self.last_event, names, first, second)
        self.last_event = event_id
        return event_id

    def state_context(self, state: State, now: float) -> dict[str, Any]:
        """The context object (``$$``) while ``state`` runs."""
        context = dict(self.context)
        info: dict[str, Any] = {"Name": state.name, "EnteredTime": format_timestamp(now)}
        if state.type in _RETRYING_TYPES:
            info["RetryCount"] = 0
        context["State"] = info
        if state.type == "Task" and getattr(state, "resource", "").endswith(".waitForTaskToken"):
            context["Task"] = {"Token": self.run.new_token()}
        return context

    def child(self, context: dict[str, Any] | None = None) -> Frame:
        """A frame for a branch or iteration: outer variables readable, assignments local."""
        variables = self.variables
        outer = self.outer_names | frozenset(variables) if variables else self.outer_names
        return Frame(self.run, dict(variables), context or self.context, self.last_event, outer)
