"""The real and virtual clocks (asl.clock) and the virtual event loop."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta, timezone
from typing import TypeVar

import anyio
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from asl.clock import RealClock, VirtualClock, real_time_section

T = TypeVar("T")

START = 1_704_067_200.0  # 2024-01-01T00:00:00Z
YEAR = 31_536_000


def quick_work() -> str:
    """Blocking work that a thread finishes in a few real milliseconds."""
    time.sleep(0.02)
    return "done"


def run_on(clock: VirtualClock, func: Callable[[], Awaitable[T]]) -> T:
    """Run ``func`` the way ``asl.run`` does: on the clock's own event loop."""
    return anyio.run(func, backend="asyncio", backend_options={"loop_factory": clock.loop_factory()})


# --- VirtualClock without a loop ---------------------------------------------------------


def test_starts_at_given_epoch_seconds() -> None:
    """now() starts at the epoch seconds given."""
    assert VirtualClock(START).now() == START


def test_starts_at_aware_datetime() -> None:
    """An aware datetime start is converted to epoch seconds."""
    start = datetime(2024, 1, 1, 1, 0, tzinfo=timezone(timedelta(hours=1)))
    assert VirtualClock(start).now() == START


def test_naive_datetime_start_is_utc() -> None:
    """A naive datetime start is read as UTC."""
    assert VirtualClock(datetime(2024, 1, 1)).now() == START


def test_default_start_is_real_time() -> None:
    """Without a start, the clock starts at the real time of its creation."""
    before = time.time()
    clock = VirtualClock()
    after = time.time()
    assert before <= clock.now() <= after


def test_advance_moves_now() -> None:
    """advance() moves now() forward by exactly the seconds given."""
    clock = VirtualClock(START)
    clock.advance(90.5)
    assert clock.now() == START + 90.5


@pytest.mark.parametrize("seconds", [-1.0, float("nan"), float("inf")])
def test_advance_rejects_bad_amounts(seconds: float) -> None:
    """advance() refuses negative, NaN and infinite amounts."""
    with pytest.raises(ValueError, match="advance"):
        VirtualClock(START).advance(seconds)


def test_rejects_negative_autojump_threshold() -> None:
    """A negative autojump_threshold is a ValueError."""
    with pytest.raises(ValueError, match="autojump_threshold"):
        VirtualClock(START, autojump_threshold=-1)


# --- the virtual loop --------------------------------------------------------------------


def test_year_long_sleep_is_instant() -> None:
    """Sleeping a year on the virtual loop takes well under a second and advances a year."""
    clock = VirtualClock(START)
    began = time.perf_counter()
    run_on(clock, lambda: clock.sleep(YEAR))
    assert time.perf_counter() - began < 1.0
    assert clock.now() == START + YEAR


def test_timers_fire_centuries_ahead() -> None:
    """Far in virtual time, where a float's step exceeds asyncio's timer slack, timers still fire."""
    clock = VirtualClock(0.0)
    clock.advance(2.0**34)  # about 544 years: one float step here is ~4 microseconds
    run_on(clock, lambda: clock.sleep(1))
    assert 2.0**34 + 1 <= clock.monotonic() <= 2.0**34 + 1.001


def test_sleeps_are_recorded_in_order() -> None:
    """clock.sleeps lists every sleep asked of the clock, in order."""
    clock = VirtualClock(START)

    async def backoff() -> None:
        for seconds in (1, 2, 4):
            await clock.sleep(seconds)

    run_on(clock, backoff)
    assert clock.sleeps == [1, 2, 4]
    assert clock.now() == START + 7


def test_zero_sleep_is_recorded_and_takes_no_time() -> None:
    """A zero sleep is recorded and leaves the time unchanged."""
    clock = VirtualClock(START)
    run_on(clock, lambda: clock.sleep(0))
    assert clock.sleeps == [0]
    assert clock.now() == START


def test_concurrent_sleeps_overlap() -> None:
    """Two tasks sleeping 5 and 3 wake at +3 then +5, and the clock ends at +5."""
    clock = VirtualClock(START)
    woke: list[tuple[int, float]] = []

    async def sleeper(seconds: int) -> None:
        await clock.sleep(seconds)
        woke.append((seconds, clock.now()))

    async def main() -> None:
        async with anyio.create_task_group() as tg:
            tg.start_soon(sleeper, 5)
            tg.start_soon(sleeper, 3)

    run_on(clock, main)
    assert woke == [(3, START + 3), (5, START + 5)]
    assert clock.now() == START + 5


def test_fail_after_fires_at_virtual_deadline() -> None:
    """anyio.fail_after(10) around anyio.sleep(60) times out at virtual +10."""
    clock = VirtualClock(START)

    async def main() -> None:
        with anyio.fail_after(10):
            await anyio.sleep(60)

    with pytest.raises(TimeoutError):
        run_on(clock, main)
    assert clock.now() == START + 10


def test_plain_anyio_sleep_is_virtual() -> None:
    """anyio.sleep (as in a user's async resolver) is virtual too, though not recorded."""
    clock = VirtualClock(START)
    began = time.perf_counter()
    run_on(clock, lambda: anyio.sleep(3600))
    assert time.perf_counter() - began < 1.0
    assert clock.now() == START + 3600
    assert clock.sleeps == []


def test_loop_time_is_virtual() -> None:
    """anyio.current_time() on the virtual loop is the clock's virtual monotonic time."""
    clock = VirtualClock(START)

    async def main() -> tuple[float, float]:
        first = anyio.current_time()
        await anyio.sleep(42)
        return first, anyio.current_time()

    first, second = run_on(clock, main)
    assert second - first == 42
    assert second == clock.monotonic()


def test_advance_during_run_wakes_due_timers() -> None:
    """advance() from inside the loop moves the time seen by later timers."""
    clock = VirtualClock(START)

    async def main() -> None:
        clock.advance(100)
        await clock.sleep(1)

    run_on(clock, main)
    assert clock.now() == START + 101


def test_thread_result_comes_back() -> None:
    """Work in a worker thread completes; with no timer pending the loop waits for it."""
    clock = VirtualClock(START)

    assert run_on(clock, lambda: anyio.to_thread.run_sync(quick_work)) == "done"
    assert clock.now() == START


def test_pending_timer_jumps_while_thread_runs() -> None:
    """Without real_time(), a pending timeout fires while a worker thread is still busy."""
    clock = VirtualClock(START)

    async def main() -> None:
        with anyio.fail_after(10):
            await anyio.to_thread.run_sync(time.sleep, 0.05)
            await anyio.sleep(0)

    with pytest.raises(TimeoutError):
        run_on(clock, main)
    assert clock.now() == START + 10


def test_real_time_lets_thread_beat_pending_timer() -> None:
    """Inside real_time(), a quick worker thread finishes before a pending virtual timeout."""
    clock = VirtualClock(START)

    async def main() -> str:
        with anyio.fail_after(10), clock.real_time():
            return await anyio.to_thread.run_sync(quick_work)

    assert run_on(clock, main) == "done"
    assert clock.now() == START


def test_real_time_still_fires_due_timers() -> None:
    """Inside real_time(), a short virtual sleep passes in real time and still completes."""
    clock = VirtualClock(START)

    async def main() -> None:
        with clock.real_time():
            await anyio.sleep(0.02)

    run_on(clock, main)
    assert clock.now() == START + 0.02


def test_autojump_threshold_gives_threads_time() -> None:
    """With an autojump threshold, a thread quicker than it beats a pending timeout."""
    clock = VirtualClock(START, autojump_threshold=0.4)

    async def main() -> str:
        with anyio.fail_after(10):
            return await anyio.to_thread.run_sync(quick_work)

    assert run_on(clock, main) == "done"
    assert clock.now() == START


def test_real_time_section_is_noop_for_other_clocks() -> None:
    """real_time_section() on a non-virtual clock changes nothing and can be entered."""
    with real_time_section(RealClock()) as entered:
        assert entered is None


def test_each_factory_call_builds_a_fresh_loop() -> None:
    """loop_factory() builds a new, closable loop on every call."""
    factory = VirtualClock(START).loop_factory()
    first, second = factory(), factory()
    try:
        assert first is not second
    finally:
        first.close()
        second.close()


# --- VirtualClock.sleep on a loop that is not its own ------------------------------------


def test_sleep_on_foreign_loop_is_instant() -> None:
    """On the default loop, clock.sleep records, advances the clock and returns at once."""
    clock = VirtualClock(START)
    began = time.perf_counter()
    anyio.run(clock.sleep, 3600, backend="asyncio")
    assert time.perf_counter() - began < 1.0
    assert clock.now() == START + 3600
    assert clock.sleeps == [3600]


def test_sleep_on_another_virtual_clocks_loop_advances_own_clock() -> None:
    """On another VirtualClock's loop, a clock advances itself and leaves the other alone."""
    mine, other = VirtualClock(START), VirtualClock(START)
    run_on(other, lambda: mine.sleep(60))
    assert mine.now() == START + 60
    assert other.now() == START


def test_jump_if_idle_jumps_on_its_own_idle_loop() -> None:
    """On the clock's own loop with nothing else to run, jump_if_idle advances and records the sleep."""
    clock = VirtualClock(START)

    async def main() -> bool:
        return clock.jump_if_idle(30)

    assert run_on(clock, main) is True
    assert (clock.now(), clock.sleeps) == (START + 30, [30])


def test_jump_if_idle_declines_off_its_own_loop() -> None:
    """Outside the clock's own loop (no loop, or the default one) jump_if_idle does nothing."""
    clock = VirtualClock(START)

    async def main() -> bool:
        return clock.jump_if_idle(30)

    assert clock.jump_if_idle(30) is False
    assert anyio.run(main, backend="asyncio") is False
    assert (clock.now(), clock.sleeps) == (START, [])


def test_jump_if_idle_declines_while_a_timer_is_pending() -> None:
    """With another sleeper's timer pending, jump_if_idle leaves the wait to sleep()."""
    clock = VirtualClock(START)
    answers: list[bool] = []

    async def main() -> None:
        async with anyio.create_task_group() as tg:
            tg.start_soon(anyio.sleep, 5)
            await anyio.sleep(0)  # the other task is now waiting on its timer
            answers.append(clock.jump_if_idle(30))

    run_on(clock, main)
    assert answers == [False]
    assert clock.sleeps == []


def test_jump_if_idle_leaves_every_sixteenth_jump_to_sleep() -> None:
    """Every 16th idle jump is left to sleep(), which also checks for a pending cancellation."""
    clock = VirtualClock(START)

    async def main() -> list[bool]:
        answers = []
        for _ in range(32):
            jumped = clock.jump_if_idle(1)
            if not jumped:
                await clock.sleep(1)
            answers.append(jumped)
        return answers

    answers = run_on(clock, main)
    assert [i for i, jumped in enumerate(answers) if not jumped] == [15, 31]
    assert (clock.now(), clock.sleeps) == (START + 32, [1] * 32)


# --- properties --------------------------------------------------------------------------


@settings(max_examples=30, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=10 * YEAR), min_size=1, max_size=5))
def test_concurrent_sleeps_end_at_longest(durations: list[int]) -> None:
    """Concurrent sleeps each wake at their own deadline; the clock ends at the longest."""
    clock = VirtualClock(START)
    woke: list[tuple[float, int]] = []

    async def sleeper(seconds: int) -> None:
        await clock.sleep(seconds)
        woke.append((clock.now() - START, seconds))

    async def main() -> None:
        async with anyio.create_task_group() as tg:
            for seconds in durations:
                tg.start_soon(sleeper, seconds)

    run_on(clock, main)
    assert all(elapsed == seconds for elapsed, seconds in woke)
    assert sorted(seconds for _, seconds in woke) == [seconds for _, seconds in woke]
    assert clock.now() == START + max(durations)


@settings(max_examples=30, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=10 * YEAR), max_size=6))
def test_sequential_sleeps_add_up(durations: list[int]) -> None:
    """Sleeps one after another advance the clock by exactly their sum."""
    clock = VirtualClock(START)

    async def main() -> None:
        for seconds in durations:
            await clock.sleep(seconds)

    run_on(clock, main)
    assert clock.now() == START + sum(durations)
    assert clock.sleeps == durations


# --- RealClock ---------------------------------------------------------------------------


def test_real_clock_reads_wall_time() -> None:
    """RealClock.now() is the wall-clock time."""
    before = time.time()
    now = RealClock().now()
    assert before <= now <= time.time()


def test_real_clock_uses_default_loop() -> None:
    """RealClock asks for no special event loop."""
    assert RealClock().loop_factory() is None


def test_real_clock_sleep_waits_real_time() -> None:
    """RealClock.sleep waits in real time."""
    began = time.perf_counter()
    anyio.run(RealClock().sleep, 0.02, backend="asyncio")
    assert time.perf_counter() - began >= 0.02


def test_testing_package_exports_virtual_clock() -> None:
    """asl.testing re-exports the VirtualClock class."""
    import asl.testing

    assert asl.testing.VirtualClock is VirtualClock


def test_datetime_start_round_trips() -> None:
    """A VirtualClock's now() converts back to the datetime it started at."""
    start = datetime(2030, 6, 15, 12, 30, tzinfo=UTC)
    assert datetime.fromtimestamp(VirtualClock(start).now(), tz=UTC) == start
