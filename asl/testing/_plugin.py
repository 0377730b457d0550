"""The pytest plugin of ``asl`` (entry point ``pytest11``: active wherever ``asl-engine`` is installed).

Fixtures (one per test):

* ``asl_clock``: a :class:`~asl.testing.VirtualClock` starting at 2025-01-01T00:00:00Z;
* ``asl_resolvers``: a :class:`~asl.testing.ResolverRegistry` (``@asl_resolvers.register("Name")``);
* ``asl_runner``: a :class:`~asl.testing.Runner` using both, seed 0, and the MockConfigFile test
  case the ``asl_mock`` marker (or the ``asl_mock_config`` ini option) picks;
* ``asl_snapshot``: a :class:`~asl.testing.Snapshot` storing files in ``__snapshots__/<module>/``
  beside the test file.

Marker: ``@pytest.mark.asl_mock("HappyPath")`` or ``@pytest.mark.asl_mock(config="MockConfigFile.json",
test_case="HappyPath", state_machine="Orders")``. ``config`` is looked up beside the test file, then
in the rootdir; without it, the ``asl_mock_config`` ini option (relative to the rootdir), then the
``SFN_MOCK_CONFIG`` environment variable.

Options: ``--asl-cov`` collects state machine coverage over the whole run; ``--asl-cov-report``
(``term``, ``term-missing``: with what each machine missed, the default; ``json:PATH``;
``none``; repeatable); ``--asl-cov-fail-under=PCT`` fails the run below PCT percent;
``--asl-snapshot-update`` rewrites snapshots. The ``asl_cov_definitions`` ini option lists
definition files (globs, relative to the rootdir) to count even when no test runs them.
"""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

import pytest

if TYPE_CHECKING:
    from ..clock import VirtualClock
    from ._assert import Snapshot
    from ._coverage import Coverage
    from ._runner import ResolverRegistry, Runner

_COVERAGE: Final[pytest.StashKey[tuple[Coverage, contextlib.ExitStack]]] = pytest.StashKey()
_FAIL_UNDER: Final[pytest.StashKey[str]] = pytest.StashKey()
_MARKER_FIELDS: Final = frozenset({"config", "test_case", "state_machine"})
_DEFAULT_JSON: Final = "asl-coverage.json"
_REPORT_KINDS: Final = frozenset({"term", "term-missing", "json", "none"})


def pytest_addoption(parser: pytest.Parser) -> None:
    """The ``asl`` options and ini settings."""
    group = parser.getgroup("asl", "asl: AWS Step Functions state machines")
    group.addoption(
        "--asl-cov",
        action="store_true",
        default=False,
        help="report which states, transitions, Choice rules, retriers and catchers the tests ran",
    )
    group.addoption(
        "--asl-cov-report",
        action="append",
        default=None,
        metavar="TYPE",
        help="coverage report: term, term-missing (default), json[:PATH] (default asl-coverage.json), none; repeatable",
    )
    group.addoption(
        "--asl-cov-fail-under",
        type=float,
        default=None,
        metavar="PCT",
        help="fail the run when the total state machine coverage is below PCT percent",
    )
    group.addoption(
        "--asl-snapshot-update",
        action="store_true",
        default=False,
        help="rewrite the asl_snapshot files instead of comparing with them",
    )
    parser.addini("asl_mock_config", "default MockConfigFile.json path for asl_runner (relative to the rootdir)")
    parser.addini(
        "asl_cov_definitions",
        "definition files (globs, relative to the rootdir) counted by --asl-cov even if no test runs them",
        type="linelist",
        default=[],
    )


def pytest_configure(config: pytest.Config) -> None:
    """Register the marker; start collecting coverage when asked."""
    config.addinivalue_line(
        "markers",
        "asl_mock(test_case=None, *, config=None, state_machine=None): the MockConfigFile test case asl_runner uses",
    )
    reports = config.getoption("asl_cov_report") or []
    for report in reports:
        if report.partition(":")[0] not in _REPORT_KINDS:
            raise pytest.UsageError(f"--asl-cov-report={report}: use term, term-missing, json[:PATH] or none")
    if not (config.getoption("asl_cov") or reports or config.getoption("asl_cov_fail_under") is not None):
        return
    from ._coverage import Coverage

    coverage = Coverage()
    for pattern in config.getini("asl_cov_definitions"):
        matches = sorted(config.rootpath.glob(pattern))
        if not matches:
            coverage.errors.append(f"asl_cov_definitions: {pattern!r} matches no file")
        for path in matches:
            coverage.add_definition(path, label=_relative(path, config.rootpath))
    stack = contextlib.ExitStack()
    stack.enter_context(coverage.collecting())
    config.stash[_COVERAGE] = (coverage, stack)


def pytest_unconfigure(config: pytest.Config) -> None:
    """Stop collecting coverage."""
    found = config.stash.get(_COVERAGE, None)
    if found is not None:
        with contextlib.suppress(ValueError):  # a context variable reset from another context
            found[1].close()
        del config.stash[_COVERAGE]


def _relative(path: Path, root: Path) -> Path:
    try:
        return path.relative_to(root)
    except ValueError:
        return path


@pytest.hookimpl(wrapper=True)
def pytest_runtestloop(session: pytest.Session) -> Any:
    """After the tests: fail the run when coverage is below ``--asl-cov-fail-under``."""
    result = yield
    found = session.config.stash.get(_COVERAGE, None)
    threshold = session.config.getoption("asl_cov_fail_under")
    if found is not None and threshold is not None:
        percent = found[0].percent
        if percent < threshold:
            session.config.stash[_FAIL_UNDER] = (
                f"FAIL Required asl coverage of {threshold:g}% not reached. Total coverage: {percent:.2f}%"
            )
            session.testsfailed += 1
        else:
            session.config.stash[_FAIL_UNDER] = (
                f"Required asl coverage of {threshold:g}% reached. Total coverage: {percent:.2f}%"
            )
    return result


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: pytest.Config) -> None:
    """Print and write the coverage reports."""
    found = config.stash.get(_COVERAGE, None)
    if found is None:
        return
    coverage = found[0]
    reports = config.getoption("asl_cov_report") or ["term-missing"]
    for report in reports:
        kind, _, target = report.partition(":")
        if kind in ("term", "term-missing"):
            terminalreporter.write_sep("-", "asl coverage: states, transitions, Choice rules, retriers, catchers")
            for line in coverage.report_lines(show_missed=kind == "term-missing"):
                terminalreporter.write_line(line)
        elif kind == "json":
            path = Path(target or _DEFAULT_JSON)
            path = path if path.is_absolute() else config.invocation_params.dir / path
            coverage.write_json(path)
            terminalreporter.write_line(f"asl coverage JSON written to {path}")
    message = config.stash.get(_FAIL_UNDER, None)
    if message is not None:
        terminalreporter.write_line(message, red=message.startswith("FAIL"), bold=True)


# -- fixtures --------------------------------------------------------------------------------------


@pytest.fixture
def asl_clock() -> VirtualClock:
    """A virtual clock: waits and retry backoff take no time and are recorded (``clock.sleeps``)."""
    from ..clock import VirtualClock
    from ._runner import DEFAULT_START

    return VirtualClock(start=DEFAULT_START)


@pytest.fixture
def asl_resolvers() -> ResolverRegistry:
    """Resolvers for ``asl_runner``: ``asl_resolvers["Name"] = f`` or ``@asl_resolvers.register("Name")``."""
    from ._runner import ResolverRegistry

    return ResolverRegistry()


def _mock_options(request: pytest.FixtureRequest) -> dict[str, Any]:
    """The runner's mock options: each field from the closest asl_mock marker giving it."""
    config = request.config
    fields: dict[str, Any] = {}
    for marker in request.node.iter_markers("asl_mock"):
        unknown = set(marker.kwargs) - _MARKER_FIELDS
        if unknown or len(marker.args) > 1:
            raise pytest.UsageError(
                "asl_mock takes one test case name and config=, test_case=, state_machine=; "
                f"got {marker.args} {marker.kwargs}"
            )
        given = dict(marker.kwargs)
        if marker.args:
            given.setdefault("test_case", marker.args[0])
        for name, value in given.items():
            fields.setdefault(name, value)
    ini = config.getini("asl_mock_config")
    options: dict[str, Any] = {
        "mock_config": config.rootpath / ini if ini else None,
        "test_case": fields.get("test_case"),
        "state_machine": fields.get("state_machine"),
    }
    path = fields.get("config")
    if path is not None:
        beside = request.path.parent / path
        options["mock_config"] = beside if beside.exists() or Path(path).is_absolute() else config.rootpath / path
    return options


@pytest.fixture
def asl_runner(request: pytest.FixtureRequest, asl_clock: VirtualClock, asl_resolvers: ResolverRegistry) -> Runner:
    """Runs definitions with ``asl_resolvers``, ``asl_clock``, seed 0 and the ``asl_mock`` test case.

    ``asl_runner.run(definition, input)`` (sync tests) and ``await asl_runner.run_async(...)``
    (async tests, asyncio or trio) return the finished :class:`asl.Execution`.
    """
    from ._runner import Runner

    found = request.config.stash.get(_COVERAGE, None)
    on_machine = None
    if found is not None:
        coverage, root = found[0], request.config.rootpath
        on_machine = lambda machine, path: coverage.label(machine, _relative(path.resolve(), root))  # noqa: E731
    return Runner(
        resolvers=asl_resolvers,
        clock=asl_clock,
        base_dir=request.path.parent,
        on_machine=on_machine,
        **_mock_options(request),
    )


@pytest.fixture
def asl_snapshot(request: pytest.FixtureRequest) -> Snapshot:
    """Compare a value or execution with ``__snapshots__/<module>/<test>.json`` (written the first time)."""
    from ._assert import Snapshot

    directory = request.path.parent / "__snapshots__" / request.path.stem
    return Snapshot(directory, request.node.name, update=request.config.getoption("asl_snapshot_update"))
