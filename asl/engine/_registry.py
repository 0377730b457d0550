"""The state machines an Engine knows, by name and by ARN.

``register`` parses a definition once (an Express machine is also checked for what AWS refuses
in Express machines and capped at five minutes); ``entry_for`` turns whatever ``start`` was given
(a name, an ARN, a definition) into the registered entry, registering a bare definition under
a generated name.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal

import attrs

from ..errors import DefinitionError
from ..parser import parse
from ._errors import StateMachineDoesNotExist
from ._express import EXPRESS_MAX_SECONDS, express_issues

if TYPE_CHECKING:
    from ..states import StateMachine

__all__ = ["MachineRegistry", "MachineType", "StateMachineEntry"]

MachineType = Literal["STANDARD", "EXPRESS"]


@attrs.frozen
class StateMachineEntry:
    """A state machine registered with an engine."""

    name: str
    arn: str
    machine: StateMachine
    """The parsed machine (for EXPRESS, its timeout capped at five minutes)."""
    type: MachineType = "STANDARD"


class MachineRegistry:
    """Registered state machines, by ARN and by short name."""

    __slots__ = ("_anonymous", "_arn_prefix", "_by_arn", "_by_name")

    def __init__(self, region: str, account: str) -> None:
        self._arn_prefix = f"arn:aws:states:{region}:{account}:stateMachine:"
        self._by_arn: dict[str, StateMachineEntry] = {}
        self._by_name: dict[str, str] = {}
        self._anonymous = 0

    def register(self, name: str, definition: Any, type: MachineType = "STANDARD") -> str:
        """Parse and register ``definition`` under ``name`` (or a full ARN); its ARN."""
        if type not in ("STANDARD", "EXPRESS"):
            raise ValueError(f"type must be 'STANDARD' or 'EXPRESS', got {type!r}")
        machine = parse(definition)
        if type == "EXPRESS":
            issues = express_issues(machine.definition)
            if issues:
                raise DefinitionError(issues)
            limit = machine.timeout_seconds
            machine = attrs.evolve(machine, timeout_seconds=min(limit or EXPRESS_MAX_SECONDS, EXPRESS_MAX_SECONDS))
        if name.startswith("arn:"):
            arn, short = name, name.rsplit(":", 1)[-1]
        else:
            arn, short = self._arn_prefix + name, name
        self._by_arn[arn] = StateMachineEntry(short, arn, machine, type)
        self._by_name[short] = arn
        return arn

    def get(self, name_or_arn: str) -> StateMachineEntry:
        """The entry with this name or ARN (:class:`StateMachineDoesNotExist` if none)."""
        entry = self._by_arn.get(self._by_name.get(name_or_arn, name_or_arn))
        if entry is None:
            raise StateMachineDoesNotExist(f"State Machine Does Not Exist: '{name_or_arn}'")
        return entry

    def entry_for(self, target: Any) -> StateMachineEntry:
        """What ``start`` runs for ``target``: a registered name or ARN, or a definition registered now."""
        if isinstance(target, str):
            arn = self._by_name.get(target, target)
            entry = self._by_arn.get(arn)
            if entry is not None:
                return entry
            if target.startswith("arn:") and ":stateMachine:" in target:
                return self.get(target)
        self._anonymous += 1
        return self._by_arn[self.register(f"StateMachine-{self._anonymous}", target)]

    def names(self) -> list[str]:
        """The short names, sorted."""
        return sorted(self._by_name)
