"""The executor: runs a parsed :class:`~asl.states.StateMachine`; never sees a dict definition."""

from ._limits import MAX_PAYLOAD_BYTES as MAX_PAYLOAD_BYTES
from ._run import execute as execute

__all__ = ["MAX_PAYLOAD_BYTES", "execute"]
