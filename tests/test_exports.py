"""The public API is exactly what ``asl.__all__`` declares."""

from __future__ import annotations

import asl

PUBLIC = {
    "ASLError",
    "DefinitionError",
    "DefinitionIssue",
    "Engine",
    "Execution",
    "ExecutionFailed",
    "InvalidExecutionInput",
    "InvalidTestStateRequest",
    "MissingResolvers",
    "StateMachine",
    "StatesError",
    "TaskCall",
    "TestStateResult",
    "parse",
    "run",
    "run_async",
    "start",
    "start_async",
    "test_state",
    "test_state_async",
    "testing",
    "validate",
}


def test_all_is_pinned() -> None:
    """``asl.__all__`` lists exactly the public names; adding one is a deliberate change here."""
    assert set(asl.__all__) == PUBLIC


def test_every_public_name_exists() -> None:
    """Every name in ``asl.__all__`` is an attribute of the package."""
    assert [name for name in asl.__all__ if not hasattr(asl, name)] == []


def test_virtual_clock_is_in_testing() -> None:
    """``asl.testing.VirtualClock`` is reachable after a plain ``import asl``."""
    assert callable(asl.testing.VirtualClock)
