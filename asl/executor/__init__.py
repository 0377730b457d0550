"""The executor: runs a parsed :class:`~asl.states.StateMachine`; never sees a dict definition."""

from ._run import execute as execute

__all__ = ["execute"]
