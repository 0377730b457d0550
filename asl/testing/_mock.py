"""Step Functions Local's MockConfigFile (being written: see issue 6)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..executor._observe import TaskMocks
    from ..states import StateMachine


def mocks_for(
    mock_config: Any, test_case: str | None, state_machine: str | None, machine: StateMachine
) -> TaskMocks:
    """The mocked responses of ``test_case`` for one execution (not implemented yet)."""
    raise NotImplementedError("MockConfigFile support is not implemented yet")
