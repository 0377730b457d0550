"""What one execution shares (:class:`Run`) and what one branch of it owns (:class:`Frame`)."""

from __future__ import annotations

import random
from typing import TYPE_CHECKING, Any

from .._time import format_timestamp
from ._limits import PayloadMeter

if TYPE_CHECKING:
    from ..clock import Clock
    from ..execution import Execution
    from ..resolvers import ResolverTable
    from ..states import State, StateMachine
    from ._observe import Observer, TaskMocks

__all__ = ["Frame", "Run"]

_RETRYING_TYPES = frozenset({"Task", "Parallel", "Map"})


class Run:
    """Everything an execution's states share."""

    __slots__ = ("base_context", "clock", "execution", "machine", "meter", "mocks", "observer", "resolvers", "rng")

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
        self.rng = rng
        self.base_context = base_context
        self.meter = meter
        self.mocks = mocks
        """Canned task responses consulted before the resolvers (a MockConfigFile test case)."""
        self.observer = observer
        """Told of states, transitions, Choice rules, retries and catches (coverage)."""

    def new_token(self) -> str:
        """A fresh task token (drawn from the run's RNG, so seeded runs repeat)."""
        return "".join(f"{self.rng.getrandbits(32):08x}" for _ in range(8))


class Frame:
    """One thread of control: the top level, a Parallel branch or a Map iteration.

    It owns the variables its states see (a branch reads a copy of the outer ones, so
    its assignments never leak out) and the id of its latest event.
    """

    __slots__ = ("context", "last_event", "outer_names", "run", "variables")

    def __init__(
        self,
        run: Run,
        variables: dict[str, Any],
        context: dict[str, Any],
        last_event: int,
        outer_names: frozenset[str] = frozenset(),
    ) -> None:
        self.run = run
        self.variables = variables
        self.context = context
        self.last_event = last_event
        self.outer_names = outer_names
        """Variables of enclosing scopes: readable here, but AWS forbids assigning them."""

    def record(self, event_type: str, **details: Any) -> int:
        """Append a history event that follows this frame's latest one."""
        run = self.run
        event_id = run.execution.record(event_type, run.clock.now(), self.last_event, details)
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
        outer = self.outer_names | frozenset(self.variables)
        return Frame(self.run, dict(self.variables), context or self.context, self.last_event, outer)
