"""The live view of ``asl run``: ``--trace`` lines and a Map progress bar, on standard error.

:class:`LiveView` is an executor observer (:func:`asl.executor._observe.observing`). It
writes one line when a state is entered and one when it is left (type, duration on the
execution's clock, retries, where it went), colours them on a terminal and writes them
plain when piped or when ``NO_COLOR`` is set. On a terminal it also draws a progress bar
for running Map states (items done of total, failures), read from the execution's
history as it grows (the optional ``execution_started`` observer hook).
"""

from __future__ import annotations

import os
import time
from typing import TYPE_CHECKING, Any, TextIO

import anyio

from ..states import MapState

if TYPE_CHECKING:
    from ..clock import Clock
    from ..execution import Execution
    from ..states import Branch, StateMachine

__all__ = ["LiveView", "use_colour"]

_COLOURS = {
    "enter": "\033[36m",  # cyan
    "leave": "\033[32m",  # green
    "retry": "\033[33m",  # yellow
    "catch": "\033[35m",  # magenta
    "fail": "\033[1;31m",  # bold red
    "dim": "\033[2m",
    "bold": "\033[1m",
}
_RESET = "\033[0m"
_FANCY = {"enter": "→", "leave": "←", "to": "→", "retry": "↻", "catch": "⤷", "fail": "✗"}
_PLAIN = {"enter": "->", "leave": "<-", "to": "->", "retry": "retry", "catch": "caught", "fail": "FAILED"}
_BAR_WIDTH = 24
_BAR_INTERVAL = 0.1


def use_colour(stream: TextIO, choice: str) -> bool:
    """Whether to colour ``stream``: ``always``, ``never``, or ``auto`` (a terminal and no ``NO_COLOR``)."""
    if choice != "auto":
        return choice == "always"
    if os.environ.get("NO_COLOR"):
        return False
    return bool(getattr(stream, "isatty", lambda: False)())


def _depths(branch: Branch, depth: int, out: dict[str, int], maps: dict[str, str]) -> dict[str, int]:
    """Nesting depth of every state (0 at the top level, +1 per Parallel branch or Map processor).

    ``maps`` receives, for each state at the top level of a Map's processor, that Map's name.
    """
    for name, state in branch.states.items():
        out[name] = depth
        for inner in getattr(state, "branches", ()):
            _depths(inner, depth + 1, out, maps)
        processor = getattr(state, "processor", None)
        if processor is not None:
            maps.update(dict.fromkeys(processor.states, name))
            _depths(processor, depth + 1, out, maps)
    return out


def _seconds(value: float) -> str:
    if value < 1:
        return f"{value * 1000:.1f} ms"
    return f"{value:.3f} s" if value < 60 else f"{value / 60:.1f} min"


class _MapProgress:
    """Items done and failed of one running Map state."""

    __slots__ = ("done", "failed", "total")

    def __init__(self, total: int) -> None:
        self.total = total
        self.done = 0
        self.failed = 0


class LiveView:
    """Observer writing ``--trace`` lines and Map progress bars to ``stream``."""

    def __init__(
        self, machine: StateMachine, clock: Clock, stream: TextIO, *, trace: bool, colour: bool, progress: bool
    ) -> None:
        self.clock = clock
        self.stream = stream
        self.trace = trace
        self.colour = colour
        self.symbols = _FANCY if colour else _PLAIN
        self.progress = progress
        self.map_of: dict[str, str] = {}  # state at the top of a Map processor -> that Map
        self.depth = _depths(machine.root, 0, {}, self.map_of)
        self.starts = {s.processor.start_at: s.name for s in machine if isinstance(s, MapState)}
        self.iterating: set[tuple[str, int]] = set()  # (Map, task) running an iteration
        self.types = {s.name: s.type for s in machine}
        self.start = clock.now()
        self.open: dict[tuple[str, int], tuple[float, int]] = {}  # (state, task) -> (entered at, retries)
        self.execution: Execution | None = None
        self.seen = 0  # history events already read
        self.owner: dict[int, str] = {}  # event id -> the Map state it belongs to, for Map events
        self.maps: dict[str, _MapProgress] = {}
        self.bar_drawn = False
        self.bar_time = 0.0

    # -- output ------------------------------------------------------------------------------

    def _paint(self, kind: str, text: str) -> str:
        return f"{_COLOURS[kind]}{text}{_RESET}" if self.colour else text

    def _line(self, kind: str, name: str, text: str) -> None:
        if not self.trace:
            return
        self._clear_bar()
        stamp = f"[{self.clock.now() - self.start:9.3f}s]"
        indent = "  " * self.depth.get(name, 0)
        self.stream.write(f"{self._paint('dim', stamp)} {indent}{self._paint(kind, text)}\n")
        self.stream.flush()

    def _clear_bar(self) -> None:
        if self.bar_drawn:
            self.stream.write("\r\033[2K")
            self.bar_drawn = False

    def _draw_bar(self, force: bool = False) -> None:
        now = time.monotonic()
        if not self.progress or not self.maps or (not force and now - self.bar_time < _BAR_INTERVAL):
            return
        self.bar_time = now
        parts = []
        for name, p in list(self.maps.items())[-2:]:
            filled = int(_BAR_WIDTH * (p.done + p.failed) / p.total) if p.total else _BAR_WIDTH
            bar = "█" * filled + "░" * (_BAR_WIDTH - filled)
            failures = f", {p.failed} failed" if p.failed else ""
            parts.append(f"{name} [{bar}] {p.done + p.failed}/{p.total}{failures}")
        self.stream.write("\r\033[2K" + "  ".join(parts))
        self.stream.flush()
        self.bar_drawn = True

    # -- the history, for Map progress ---------------------------------------------------------

    def _read_history(self) -> None:
        """Note the Map states started since the last look (their item counts)."""
        execution = self.execution
        if execution is None or not self.progress:
            return
        events = execution.events
        for event in events[self.seen :]:
            kind = event.get("type")
            if kind == "MapStateEntered":
                self.owner[event["id"]] = event.get("name", "")
            elif kind == "MapStateStarted":
                name = self.owner.get(event.get("previousEventId", -1), "")
                self.maps[name] = _MapProgress(int(event.get("length", 0)))
        self.seen = len(events)

    def _iteration_started(self, map_name: str, task: int) -> None:
        progress = self.maps.get(map_name)
        if progress is None:
            return
        if (map_name, task) in self.iterating:  # this worker's previous item never finished: it failed
            progress.failed += 1
        self.iterating.add((map_name, task))
        self._draw_bar()

    def _iteration_ended(self, map_name: str, task: int) -> None:
        progress = self.maps.get(map_name)
        if progress is not None and (map_name, task) in self.iterating:
            self.iterating.discard((map_name, task))
            progress.done += 1
            self._draw_bar()

    def _map_ended(self, map_name: str) -> None:
        progress = self.maps.pop(map_name, None)
        if progress is None:
            return
        progress.failed = max(progress.total - progress.done, progress.failed)
        self.iterating = {key for key in self.iterating if key[0] != map_name}
        self.maps[map_name] = progress
        self._draw_bar(force=True)  # the final count stays on screen until the next line
        del self.maps[map_name]

    # -- the observer protocol -----------------------------------------------------------------

    def execution_started(self, execution: Execution) -> None:
        """The execution record, to read Map progress from as its history grows."""
        self.execution = execution

    def _key(self, name: str) -> tuple[str, int]:
        try:
            return name, anyio.get_current_task().id
        except Exception:  # not inside a task: one key per state is the best we can do
            return name, 0

    def state(self, machine: StateMachine, name: str) -> None:
        """A state was entered."""
        self._read_history()
        key = self._key(name)
        self.open[key] = (self.clock.now(), 0)
        if name in self.starts:
            self._iteration_started(self.starts[name], key[1])
        self._line("enter", name, f"{self.symbols['enter']} {name} ({self.types.get(name, '?')})")

    def transition(self, machine: StateMachine, source: str, target: str | None) -> None:
        """A state was left for ``target`` (None: its branch ended)."""
        key = self._key(source)
        entered, retries = self.open.pop(key, (self.clock.now(), 0))
        spent = _seconds(self.clock.now() - entered)
        extra = f", {retries} {'retry' if retries == 1 else 'retries'}" if retries else ""
        where = f" {self.symbols['to']} {target}" if target is not None else " (end)"
        text = f"{self.symbols['leave']} {source} ({self.types.get(source, '?')}) {spent}{extra}{where}"
        self._line("leave", source, text)
        if target is None and source in self.map_of:
            self._iteration_ended(self.map_of[source], key[1])
        if source in self.maps:
            self._map_ended(source)

    def choice(self, machine: StateMachine, name: str, rule: int | None) -> None:
        """A Choice state picked a rule."""

    def retry(self, machine: StateMachine, name: str, retrier: int) -> None:
        """A state is about to be retried."""
        key = self._key(name)
        entered, retries = self.open.get(key, (self.clock.now(), 0))
        self.open[key] = (entered, retries + 1)
        text = f"{self.symbols['retry']} {name} attempt {retries + 2} (Retry[{retrier}]){self._last_error()}"
        self._line("retry", name, text)

    def catch(self, machine: StateMachine, name: str, catcher: int) -> None:
        """A state's error was caught."""
        self._line("catch", name, f"{self.symbols['catch']} {name} by Catch[{catcher}]{self._last_error()}")

    def _last_error(self) -> str:
        """``: Error`` of the latest failure event in the history, when it is known."""
        if self.execution is None:
            return ""
        for event in reversed(self.execution.events[-8:]):
            error = event.get("error")
            if error is not None and str(event.get("type", "")).endswith("Failed"):
                return f": {error}"
        return ""

    def finish(self, execution: Any) -> None:
        """After the run: report the states that never finished (the failure's origin)."""
        self._read_history()
        self._clear_bar()
        if execution.status != "SUCCEEDED":
            for (name, _), (entered, _) in sorted(self.open.items(), key=lambda kv: kv[1][0]):
                spent = _seconds(self.clock.now() - entered)
                text = f"{self.symbols['fail']} {name} ({self.types.get(name, '?')}) {spent}: {execution.error}"
                self._line("fail", name, text)
        self.stream.flush()
