"""Where an execution "lives" when nobody says: the partition, region and account of generated ARNs.

One place for the defaults that execution, state machine, Map Run and Lambda ARNs are built from
when the context object, the engine or the caller names none. The account is ``111111111111``,
the placeholder the recorded AWS histories are normalised to, so generated ARNs compare equal
with the recordings.
"""

from __future__ import annotations

from typing import Final

__all__ = ["DEFAULT_ACCOUNT", "DEFAULT_PARTITION", "DEFAULT_REGION", "DEFAULT_STATE_MACHINE_ARN", "states_prefix"]

DEFAULT_PARTITION: Final = "aws"
DEFAULT_REGION: Final = "us-east-1"
DEFAULT_ACCOUNT: Final = "111111111111"


def states_prefix(region: str = DEFAULT_REGION, account: str = DEFAULT_ACCOUNT) -> str:
    """``arn:aws:states:<region>:<account>``: the start of every Step Functions ARN."""
    return f"arn:{DEFAULT_PARTITION}:states:{region}:{account}"


DEFAULT_STATE_MACHINE_ARN: Final = f"{states_prefix()}:stateMachine:StateMachine"
"""The state machine ARN of an execution that names none."""
