"""Time for executions: the :class:`Clock` protocol, the real clock and a virtual one.

The executor never reads time or sleeps on its own: it asks its clock. A clock also
chooses the event loop :func:`asl.run` runs on (:meth:`Clock.loop_factory`).

:class:`VirtualClock` skips time. Under it, ``asl.run`` runs the execution on an asyncio
event loop whose ``time()`` is the virtual clock and whose selector, instead of sleeping
until the next timer, moves virtual time straight to it. So every timer on that loop
finishes at once while virtual time advances by exactly the time asked for: Wait states,
retry backoff, ``anyio.fail_after`` timeouts, execution timeouts and ``anyio.sleep`` inside
a user's async resolver alike. Real I/O and worker threads still work: the selector
always asks the real selector first, and blocks on it when no timer is pending.

Limits of the virtual loop:

* Time jumps as soon as nothing is ready (after ``autojump_threshold`` real seconds), even
  while a worker thread or a socket is still busy, so a timer pending at that moment (a
  task's ``TimeoutSeconds``, say) can fire before the blocking work is done. Wrap blocking
  work in :func:`real_time_section` to have time pass at real speed while it runs.
* :meth:`VirtualClock.sleep` called on a loop that is not its own (``asl.run_async`` under
  the caller's loop, or trio) does not wait: it advances the clock and yields once. Timers
  the loop itself owns (``anyio.sleep`` or ``anyio.fail_after`` in a user's resolver) then
  run in real time, and concurrent sleeps add up instead of overlapping.
"""

from __future__ import annotations

import asyncio
import contextlib
import math
import selectors
import time
from collections.abc import Callable, Iterator, Mapping
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Protocol

import anyio
import anyio.lowlevel

if TYPE_CHECKING:
    from selectors import SelectorKey

    from _typeshed import FileDescriptorLike

__all__ = ["Clock", "RealClock", "VirtualClock", "real_time_section"]

#: How early (virtual seconds) the virtual loop may fire a timer: its ``_clock_resolution``.
_TIMER_SLACK = 1e-6


class Clock(Protocol):
    """Where an execution gets the time, how it waits, and which event loop it runs on."""

    def now(self) -> float:
        """Seconds since the Unix epoch."""
        ...

    async def sleep(self, seconds: float) -> None:
        """Wait ``seconds`` (Wait states, retry backoff)."""
        ...

    def loop_factory(self) -> Callable[[], asyncio.AbstractEventLoop] | None:
        """A factory for the event loop ``asl.run`` should run on; ``None`` for the default."""
        ...


class RealClock:
    """Wall-clock time and real sleeps, on the default event loop."""

    __slots__ = ()

    def now(self) -> float:
        """Seconds since the Unix epoch, from :func:`time.time`."""
        return time.time()

    async def sleep(self, seconds: float) -> None:
        """Wait ``seconds`` of real time."""
        await anyio.sleep(seconds)

    def loop_factory(self) -> Callable[[], asyncio.AbstractEventLoop] | None:
        """``None``: the backend's default loop."""
        return None

    def __repr__(self) -> str:
        return "RealClock()"


def _epoch_seconds(start: float | datetime | None) -> float:
    """``start`` as seconds since the epoch; a naive datetime is read as UTC."""
    if start is None:
        return time.time()
    if isinstance(start, datetime):
        aware = start if start.tzinfo is not None else start.replace(tzinfo=UTC)
        return aware.timestamp()
    value = float(start)
    if not math.isfinite(value):
        raise ValueError(f"VirtualClock start must be finite, got {start!r}")
    return value


#: Sleeps that jump the virtual clock at once between two checks for a pending cancellation.
_CANCEL_CHECK_EVERY = 16


class VirtualClock:
    """A clock that only moves when something sleeps (or :meth:`advance` is called).

    ``start`` is the time :meth:`now` begins at: seconds since the epoch, a datetime (naive
    means UTC) or ``None`` for the real time at creation. ``autojump_threshold`` is how long,
    in real seconds, the virtual loop waits for real I/O or threads before it jumps to the
    next timer (0: jump at once).

    ``sleeps`` lists every :meth:`sleep` asked of this clock, in order, so a test can check a
    backoff schedule such as ``[1, 2, 4]``.
    """

    __slots__ = ("_autojump_threshold", "_elapsed", "_jumps", "_real_time_holds", "_start", "sleeps")

    def __init__(self, start: float | datetime | None = None, *, autojump_threshold: float = 0.0) -> None:
        if not (math.isfinite(autojump_threshold) and autojump_threshold >= 0):
            raise ValueError(f"autojump_threshold must be a finite number >= 0, got {autojump_threshold!r}")
        self._start = _epoch_seconds(start)
        self._elapsed = 0.0
        self._jumps = 0
        self._autojump_threshold = float(autojump_threshold)
        self._real_time_holds = 0
        self.sleeps: list[float] = []

    def now(self) -> float:
        """Seconds since the Unix epoch: the start plus all virtual time elapsed."""
        return self._start + self._elapsed

    def monotonic(self) -> float:
        """Virtual seconds elapsed since the clock was created: the virtual loop's ``time()``."""
        return self._elapsed

    def advance(self, seconds: float) -> None:
        """Move virtual time forward by ``seconds`` (timers now due fire on the next loop turn)."""
        if not (math.isfinite(seconds) and seconds >= 0):
            raise ValueError(f"can only advance by a finite number of seconds >= 0, got {seconds!r}")
        self._jump(seconds)

    async def sleep(self, seconds: float) -> None:
        """Record the request, then wait ``seconds`` of virtual time.

        On this clock's own loop the wait is a real timer of that loop, so it overlaps with
        other sleeps and timeouts as it would in real time. On any other loop the clock just
        advances by ``seconds`` and yields once.
        """
        if self.jump_if_idle(seconds):
            return
        self.sleeps.append(seconds)
        loop = asyncio._get_running_loop()  # None when no asyncio loop runs (trio, or a plain thread)
        if isinstance(loop, _VirtualEventLoop) and loop.virtual_clock is self:  # this clock's own loop
            if seconds > 0 and self._idle(loop):  # the jump jump_if_idle left: it checks for a cancellation
                self._jump_at_once(seconds)
                await anyio.lowlevel.checkpoint_if_cancelled()
                return
            await anyio.sleep(seconds)
            return
        if seconds > 0:
            self._jump(seconds)
        await anyio.sleep(0)

    def jump_if_idle(self, seconds: float) -> bool:
        """(perf) :meth:`sleep` without awaiting, when it would not have to wait: on this clock's
        own loop, with nothing else ready or scheduled, advance by ``seconds`` at once, record
        the sleep and return True. Otherwise do nothing and return False (then await
        :meth:`sleep`).

        Nothing else could run before such a timer fires (no ready callback, no other timer,
        no deadline), so the loop would jump straight to it: doing it here skips two turns of
        the loop. A pending cancellation is still delivered, at the latest on the
        ``_CANCEL_CHECK_EVERY``-th such sleep, which this method leaves to :meth:`sleep` (a
        retried task sleeps once per attempt, and the check costs more than the rest of the
        sleep): only this task's own code can have cancelled a scope since it last ran, as
        nothing else ran.
        """
        loop = asyncio._get_running_loop()
        if not (
            isinstance(loop, _VirtualEventLoop)
            and loop.virtual_clock is self
            and seconds > 0
            and (self._jumps + 1) % _CANCEL_CHECK_EVERY
            # (perf) _idle and _jump_at_once, inlined: a retried task sleeps once per attempt
            and not self._real_time_holds
            and not self._autojump_threshold
            and not loop._ready  # type: ignore[attr-defined]
            and not loop._scheduled  # type: ignore[attr-defined]
        ):
            return False
        self.sleeps.append(seconds)
        target = self._elapsed + seconds
        if target > self._elapsed and target + _TIMER_SLACK > target:
            self._elapsed = target
        else:
            self._jump_to_timer(seconds)
        self._jumps += 1
        return True

    def _idle(self, loop: _VirtualEventLoop) -> bool:
        """Whether nothing could run on ``loop`` before a timer of this clock fires."""
        return not (
            self._real_time_holds
            or self._autojump_threshold
            or loop._ready  # type: ignore[attr-defined]  # (perf) loop.is_idle(), inlined
            or loop._scheduled  # type: ignore[attr-defined]
        )

    def _jump_at_once(self, seconds: float) -> None:
        """Advance by ``seconds`` for a sleep that nothing else could run before."""
        target = self._elapsed + seconds
        if target > self._elapsed and target + _TIMER_SLACK > target:  # (perf) _jump_to_timer, inlined
            self._elapsed = target
        else:
            self._jump_to_timer(seconds)
        self._jumps += 1

    def loop_factory(self) -> Callable[[], asyncio.AbstractEventLoop]:
        """A factory for an asyncio loop whose time is this clock and whose timers skip ahead."""
        return lambda: _VirtualEventLoop(self)

    @contextlib.contextmanager
    def real_time(self) -> Iterator[None]:
        """While inside, the virtual loop waits for its timers in real time instead of jumping.

        Use it around blocking work the loop cannot see (a worker thread running a sync
        resolver) so a pending timeout does not fire before the work had a chance to finish.
        """
        self._real_time_holds += 1
        try:
            yield
        finally:
            self._real_time_holds -= 1

    def __repr__(self) -> str:
        return f"VirtualClock(now={self.now()!r}, sleeps={self.sleeps!r})"

    def _jump(self, seconds: float) -> None:
        """Add ``seconds`` to virtual time, always moving forward when ``seconds`` > 0."""
        target = self._elapsed + seconds
        if seconds > 0 and target <= self._elapsed:
            # Too small to register at this magnitude: step one float up, or the loop would
            # see the same time forever and spin.
            target = math.nextafter(self._elapsed, math.inf)
        self._elapsed = target

    def _jump_to_timer(self, seconds: float) -> None:
        """Jump ``seconds`` ahead, onto a timer the loop must then see as due.

        The loop fires a timer once ``when < time() + _TIMER_SLACK``. Landing exactly on
        ``when`` does that unless virtual time is so large (centuries) that the slack is
        below half an ulp; then step one float further, or the loop would spin forever.
        """
        self._jump(seconds)
        if self._elapsed + _TIMER_SLACK <= self._elapsed:
            self._elapsed = math.nextafter(self._elapsed, math.inf)


def real_time_section(clock: Clock) -> contextlib.AbstractContextManager[None]:
    """:meth:`VirtualClock.real_time` for a virtual clock; a no-op for any other clock."""
    if isinstance(clock, VirtualClock):
        return clock.real_time()
    return contextlib.nullcontext()


class _VirtualSelector(selectors.BaseSelector):
    """A selector that turns "sleep until the next timer" into a jump of the virtual clock.

    Registration is delegated to a real selector. ``select(timeout)`` first polls the real
    selector (for ``autojump_threshold`` real seconds); when nothing is ready and a timer
    is pending it advances the clock by ``timeout`` instead of waiting. With no timer
    pending (``timeout is None``) it blocks on the real selector: only I/O or another
    thread can wake the loop then.
    """

    def __init__(self, clock: VirtualClock, real: selectors.BaseSelector) -> None:
        self._clock = clock
        self._real = real

    def register(self, fileobj: FileDescriptorLike, events: int, data: Any = None) -> SelectorKey:
        return self._real.register(fileobj, events, data)

    def unregister(self, fileobj: FileDescriptorLike) -> SelectorKey:
        return self._real.unregister(fileobj)

    def modify(self, fileobj: FileDescriptorLike, events: int, data: Any = None) -> SelectorKey:
        return self._real.modify(fileobj, events, data)

    def get_map(self) -> Mapping[FileDescriptorLike, SelectorKey]:
        return self._real.get_map()

    def close(self) -> None:
        self._real.close()

    def select(self, timeout: float | None = None) -> list[tuple[SelectorKey, int]]:
        if timeout is None or timeout <= 0:
            return self._real.select(timeout)
        if self._clock._real_time_holds:
            return self._select_in_real_time(timeout)
        ready = self._real.select(self._clock._autojump_threshold)
        if not ready:
            self._clock._jump_to_timer(timeout)
        return ready

    def _select_in_real_time(self, timeout: float) -> list[tuple[SelectorKey, int]]:
        """Wait for I/O up to ``timeout`` real seconds; virtual time moves only if it all passed."""
        ready = self._real.select(timeout)
        if not ready:
            self._clock._jump_to_timer(timeout)
        return ready


class _VirtualEventLoop(asyncio.SelectorEventLoop):
    """An asyncio selector loop whose ``time()`` is a :class:`VirtualClock`."""

    _clock_resolution: float

    def __init__(self, clock: VirtualClock) -> None:
        self.virtual_clock = clock
        super().__init__(selector=_VirtualSelector(clock, selectors.DefaultSelector()))
        # asyncio fires timers due before time() + _clock_resolution; the default (1 ns) is
        # below one ulp of time() after about 97 virtual days, and a timer landed on exactly
        # would then never be due. A microsecond stays above an ulp for 270 years.
        self._clock_resolution = max(self._clock_resolution, _TIMER_SLACK)

    def time(self) -> float:
        return self.virtual_clock._elapsed

    def is_idle(self) -> bool:
        """No callback ready and no timer scheduled: only I/O could wake the loop."""
        return not self._ready and not self._scheduled  # type: ignore[attr-defined]
