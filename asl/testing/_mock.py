"""Step Functions Local's mock configuration file (``MockConfigFile.json``), read as it reads it.

The file has two top-level objects::

    {
      "StateMachines": {
        "<state machine name>": {
          "TestCases": {"<test case>": {"<Task state name>": "<mocked response name>", ...}}
        }
      },
      "MockedResponses": {
        "<mocked response name>": {
          "0": {"Return": <any JSON value>},
          "1-2": {"Throw": {"Error": "...", "Cause": "..."}}
        }
      }
    }

Semantics (those of Step Functions Local, see the AWS developer guide, "Configuration file for
mocked service integrations"):

* Each execution keeps one invocation counter per mocked state, starting at 0 and advancing on
  every invocation of that state: retries, every Map iteration and every Parallel branch
  included. Invocation ``n`` is answered by the entry whose key is ``"n"`` or a range
  ``"a-b"`` (inclusive) holding ``n``.
* ``Return`` is the task's result, exactly as the service would return it (a ``lambda:invoke``
  result is the whole envelope, ``{"StatusCode": 200, "Payload": ...}``). ``Throw`` fails the task
  with its ``Error`` and ``Cause``, which ``Retry`` and ``Catch`` handle as a real failure.
* An invocation with no entry (past the last one, or in a gap) fails the execution with
  ``States.Runtime``, which no ``Retry`` or ``Catch`` handles: a mocked Task needs a response for
  every invocation.
* States the test case does not name are not mocked: they are served by the resolvers.
* A mocked ``.waitForTaskToken`` task completes at once with its ``Return`` value (the token is
  still generated for ``$$.Task.Token``).

A malformed file raises :class:`MockConfigError` naming the file and the JSON location of the
problem. Files are parsed once and cached by path and modification time.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

import attrs

from ..errors import RUNTIME, StatesError

if TYPE_CHECKING:
    from ..executor._observe import TaskMocks
    from ..states import StateMachine

__all__ = ["ENV_VAR", "MockConfig", "MockConfigError", "MockedResponse", "TestCaseMocks", "mocks_for"]

ENV_VAR: Final = "SFN_MOCK_CONFIG"
"""The environment variable Step Functions Local reads the mock file's path from."""

_TOP_FIELDS: Final = ("StateMachines", "MockedResponses")
_KEY: Final = re.compile(r"^(\d+)(?:-(\d+))?$")
_IDENTIFIER: Final = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


class MockConfigError(ValueError):
    """A mock configuration file that cannot be used: malformed, or without what was asked for."""

    def __init__(self, source: str, location: str | None, message: str) -> None:
        self.source = source
        """The file's path (``<dict>`` for a configuration given as a dict)."""
        self.location = location
        """Where in the file, as a JSONPath (``$.MockedResponses.X['1-2']``), or None."""
        self.message = message
        where = f"{source}: {location}: " if location else f"{source}: "
        super().__init__(where + message)


def _child(path: str, key: str) -> str:
    return f"{path}.{key}" if _IDENTIFIER.match(key) else f"{path}[{json.dumps(key)}]"


def _kind(value: Any) -> str:
    names = {dict: "an object", list: "an array", str: "a string", bool: "a boolean", type(None): "null"}
    return names.get(type(value), "a number")


# -- mocked responses ----------------------------------------------------------------------------


@attrs.frozen
class _Entry:
    first: int
    last: int
    returns: bool
    value: Any
    """The ``Return`` value, or the ``Throw`` object's (Error, Cause)."""
    key: str


@attrs.frozen
class MockedResponse:
    """One named entry of ``MockedResponses``: an answer for each invocation number."""

    name: str
    entries: tuple[_Entry, ...] = attrs.field(repr=False)

    @property
    def invocations(self) -> str:
        """The invocation numbers answered, as written in the file (``"0, 1-2, 3"``)."""
        return ", ".join(entry.key for entry in self.entries) or "none"

    def answer(self, invocation: int, state_name: str) -> Any:
        """The result of invocation ``invocation`` (from 0); raises :class:`StatesError` for a Throw."""
        for entry in self.entries:
            if entry.first <= invocation <= entry.last:
                if entry.returns:
                    return entry.value
                raise StatesError(*entry.value)
        raise StatesError(
            RUNTIME,
            f"The mocked response '{self.name}' of state '{state_name}' has no entry for invocation "
            f"{invocation} (it answers invocations {self.invocations}): a mocked Task needs a response for "
            "every invocation, retries and Map iterations included.",
        )


def _response(source: str, location: str, name: str, raw: Any) -> MockedResponse:
    if not isinstance(raw, dict):
        raise MockConfigError(source, location, f"a mocked response must be an object, got {_kind(raw)}")
    entries: list[_Entry] = []
    for key, answer in raw.items():
        at = _child(location, key)
        match = _KEY.match(key)
        if match is None:
            raise MockConfigError(
                source, at, f'invocation keys are numbers ("0") or inclusive ranges ("1-2"), got {key!r}'
            )
        first = int(match[1])
        last = int(match[2]) if match[2] is not None else first
        if last < first:
            raise MockConfigError(source, at, f"the range {key!r} ends before it starts")
        for other in entries:
            if first <= other.last and other.first <= last:
                raise MockConfigError(source, at, f"invocations {key!r} overlap the entry {other.key!r}")
        returns, value = _answer(source, at, answer)
        entries.append(_Entry(first, last, returns, value, key))
    entries.sort(key=lambda entry: entry.first)
    return MockedResponse(name, tuple(entries))


def _answer(source: str, location: str, raw: Any) -> tuple[bool, Any]:
    if not isinstance(raw, dict) or len(raw) != 1 or next(iter(raw)) not in ("Return", "Throw"):
        fields = sorted(raw) if isinstance(raw, dict) else _kind(raw)
        raise MockConfigError(
            source, location, f"each invocation needs exactly one field, Return or Throw; got {fields}"
        )
    if "Return" in raw:
        try:  # a private copy, checked to be JSON data
            return True, json.loads(json.dumps(raw["Return"], allow_nan=False))
        except (TypeError, ValueError) as e:
            raise MockConfigError(source, _child(location, "Return"), f"not JSON data ({e})") from None
    at = _child(location, "Throw")
    throw = raw["Throw"]
    if not isinstance(throw, dict):
        raise MockConfigError(source, at, f"Throw must be an object with Error and Cause, got {_kind(throw)}")
    unknown = sorted(set(throw) - {"Error", "Cause"})
    if unknown:
        raise MockConfigError(source, at, f"Throw takes only Error and Cause, not {unknown}")
    error, cause = throw.get("Error"), throw.get("Cause")
    if not isinstance(error, str) or not error:
        raise MockConfigError(source, _child(at, "Error"), f"Error must be a non-empty string, got {error!r}")
    if cause is not None and not isinstance(cause, str):
        raise MockConfigError(source, _child(at, "Cause"), f"Cause must be a string, got {_kind(cause)}")
    return False, (error, cause)


# -- the file --------------------------------------------------------------------------------------


@attrs.frozen
class MockConfig:
    """A parsed ``MockConfigFile.json``: state machines, their test cases, and mocked responses.

    ``MockConfig.load(path)`` reads a file (cached by path and modification time);
    ``MockConfig.from_dict(data)`` takes the parsed JSON. :meth:`mocks` builds the task mocks
    of one execution of one test case.
    """

    source: str
    """The file's path, or ``<dict>``."""
    test_cases_by_machine: Mapping[str, Mapping[str, Mapping[str, str]]] = attrs.field(repr=False)
    """State machine name -> test case name -> Task state name -> mocked response name."""
    responses: Mapping[str, MockedResponse] = attrs.field(repr=False)
    """Mocked response name -> its answers."""

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> MockConfig:
        """The configuration in the JSON file at ``path``."""
        file = Path(path)
        try:
            stat = file.stat()
        except OSError as e:
            raise MockConfigError(str(path), None, f"cannot read the mock configuration file ({e.strerror})") from None
        key = str(file.resolve())
        cached = _CACHE.get(key)
        if cached is not None and cached[0] == (stat.st_mtime_ns, stat.st_size):
            return cached[1]
        try:
            data = json.loads(file.read_text(encoding="utf-8"))
        except json.JSONDecodeError as e:
            raise MockConfigError(
                str(path), None, f"not valid JSON: {e.msg} at line {e.lineno}, column {e.colno}"
            ) from None
        except (OSError, UnicodeDecodeError) as e:
            raise MockConfigError(str(path), None, f"cannot read the mock configuration file ({e})") from None
        config = cls.from_dict(data, source=str(path))
        _CACHE[key] = ((stat.st_mtime_ns, stat.st_size), config)
        return config

    @classmethod
    def from_dict(cls, data: Any, *, source: str = "<dict>") -> MockConfig:
        """The configuration in ``data``, the file's parsed JSON (not kept: later changes are not seen)."""
        if not isinstance(data, Mapping):
            raise MockConfigError(source, "$", f"a mock configuration is a JSON object, got {_kind(data)}")
        unknown = [key for key in data if key not in _TOP_FIELDS]
        if unknown:
            raise MockConfigError(
                source,
                _child("$", str(unknown[0])),
                "unknown field: the top level has StateMachines and MockedResponses",
            )
        machines = _state_machines(source, data.get("StateMachines", {}))
        raw_responses = data.get("MockedResponses", {})
        if not isinstance(raw_responses, Mapping):
            raise MockConfigError(source, "$.MockedResponses", f"must be an object, got {_kind(raw_responses)}")
        responses = {
            name: _response(source, _child("$.MockedResponses", name), name, raw) for name, raw in raw_responses.items()
        }
        return cls(source, machines, responses)

    @property
    def state_machines(self) -> list[str]:
        """The names of the state machines the file configures."""
        return list(self.test_cases_by_machine)

    def test_cases(self, state_machine: str | None = None) -> list[str]:
        """The test case names of ``state_machine`` (None: the file's only state machine)."""
        return list(self.test_cases_by_machine[self._machine_name(state_machine, None)])

    def mocks(
        self, test_case: str, state_machine: str | None = None, machine: StateMachine | None = None
    ) -> TestCaseMocks:
        """Fresh task mocks (counters at 0) for one execution of ``test_case``.

        ``state_machine`` names the state machine in the file; None picks the file's only one,
        or the only one having ``test_case``. Given the parsed ``machine``, every state the
        test case names must be one of its Task states.
        """
        name = self._machine_name(state_machine, test_case)
        cases = self.test_cases_by_machine[name]
        case_at = _child(_child(_child("$.StateMachines", name), "TestCases"), test_case)
        if test_case not in cases:
            known = ", ".join(repr(case) for case in cases) or "none"
            raise MockConfigError(
                self.source, case_at, f"no test case {test_case!r} for state machine {name!r} (it has {known})"
            )
        mocked: dict[str, MockedResponse] = {}
        for state, response_name in cases[test_case].items():
            at = _child(case_at, state)
            if machine is not None:
                _check_state(self.source, at, machine, state)
            response = self.responses.get(response_name)
            if response is None:
                raise MockConfigError(self.source, at, f"no mocked response named {response_name!r} in MockedResponses")
            mocked[state] = response
        return TestCaseMocks(mocked)

    def _machine_name(self, state_machine: str | None, test_case: str | None) -> str:
        names = self.test_cases_by_machine
        if state_machine is not None:
            if state_machine not in names:
                known = ", ".join(repr(name) for name in names) or "none"
                raise MockConfigError(
                    self.source, "$.StateMachines", f"no state machine named {state_machine!r} (the file has {known})"
                )
            return state_machine
        if len(names) == 1:
            return next(iter(names))
        having = [name for name, cases in names.items() if test_case in cases]
        if test_case is not None and len(having) == 1:
            return having[0]
        known = ", ".join(repr(name) for name in (having or names)) or "none"
        raise MockConfigError(
            self.source,
            "$.StateMachines",
            f"cannot tell which state machine to use among {known}: name it with "
            "context={'StateMachine': {'Name': ...}} (or the asl_mock marker's state_machine=)",
        )


def _state_machines(source: str, raw: Any) -> dict[str, dict[str, dict[str, str]]]:
    if not isinstance(raw, Mapping):
        raise MockConfigError(source, "$.StateMachines", f"must be an object, got {_kind(raw)}")
    machines: dict[str, dict[str, dict[str, str]]] = {}
    for name, entry in raw.items():
        at = _child("$.StateMachines", name)
        if not isinstance(entry, Mapping) or set(entry) != {"TestCases"}:
            raise MockConfigError(source, at, "a state machine entry is an object with one field, TestCases")
        cases_at = _child(at, "TestCases")
        cases = entry["TestCases"]
        if not isinstance(cases, Mapping):
            raise MockConfigError(source, cases_at, f"must be an object, got {_kind(cases)}")
        machines[name] = {}
        for case, states in cases.items():
            case_at = _child(cases_at, case)
            if not isinstance(states, Mapping):
                raise MockConfigError(
                    source, case_at, f"a test case maps state names to mocked response names, got {_kind(states)}"
                )
            for state, response in states.items():
                if not isinstance(response, str):
                    raise MockConfigError(
                        source, _child(case_at, state), f"must name a mocked response (a string), got {_kind(response)}"
                    )
            machines[name][case] = dict(states)
    return machines


def _check_state(source: str, location: str, machine: StateMachine, state: str) -> None:
    found = machine.all_states.get(state)
    if found is None:
        raise MockConfigError(source, location, f"the state machine has no state named {state!r}")
    if found.type != "Task":
        raise MockConfigError(source, location, f"only Task states can be mocked; {state!r} is a {found.type} state")


_CACHE: dict[str, tuple[tuple[int, int], MockConfig]] = {}


# -- one execution ---------------------------------------------------------------------------------


class TestCaseMocks:
    """The task mocks of one execution: one invocation counter per mocked state.

    Every call of :meth:`respond` for a mocked state is one invocation. Executions run on a
    single event loop, so concurrent Map iterations and Parallel branches share the counters
    safely; which iteration gets which response follows the order they reach the Task.
    """

    __test__ = False  # not a pytest test class, whatever its name

    __slots__ = ("_counts", "_responses")

    def __init__(self, responses: Mapping[str, MockedResponse]) -> None:
        self._responses = dict(responses)
        self._counts: dict[str, int] = {}

    @property
    def invocations(self) -> dict[str, int]:
        """How many times each mocked state was invoked so far."""
        return dict(self._counts)

    def respond(self, state_name: str) -> Any:
        """The mocked result of this invocation, :data:`NOT_MOCKED`, or a raised StatesError."""
        response = self._responses.get(state_name)
        if response is None:
            from ..executor._observe import NOT_MOCKED

            return NOT_MOCKED
        invocation = self._counts.get(state_name, 0)
        self._counts[state_name] = invocation + 1
        return response.answer(invocation, state_name)


def _config(mock_config: Any) -> MockConfig:
    if isinstance(mock_config, MockConfig):
        return mock_config
    if isinstance(mock_config, (str, os.PathLike)):
        return MockConfig.load(mock_config)
    if isinstance(mock_config, Mapping):
        return MockConfig.from_dict(mock_config)
    raise MockConfigError(
        "<mock_config>", None, f"mock_config must be a path, a dict or a MockConfig, got {type(mock_config).__name__}"
    )


def mocks_for(mock_config: Any, test_case: str | None, state_machine: str | None, machine: StateMachine) -> TaskMocks:
    """The mocked responses of ``test_case`` for one execution of ``machine``.

    ``mock_config`` is a path, the parsed file (a dict) or a :class:`MockConfig`; None reads the
    path from the ``SFN_MOCK_CONFIG`` environment variable. ``state_machine`` names the state
    machine in the file (None: the file's only one, or the only one with ``test_case``).
    """
    if mock_config is None:
        mock_config = os.environ.get(ENV_VAR) or None
        if mock_config is None:
            raise MockConfigError(
                "<mock_config>",
                None,
                f"test_case={test_case!r} needs mock_config= or the {ENV_VAR} environment variable",
            )
    config = _config(mock_config)
    if test_case is None:
        cases = sorted({case for cases in config.test_cases_by_machine.values() for case in cases})
        raise MockConfigError(
            config.source, None, f"mock_config needs test_case= to pick a test case (the file has {cases})"
        )
    return config.mocks(test_case, state_machine, machine)
