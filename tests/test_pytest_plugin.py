"""The pytest plugin: fixtures, the asl_mock marker, async tests, coverage options and snapshots.

Each test writes a small test file and runs pytest on it in-process with ``pytester``; the
plugin is active there because it is registered as a ``pytest11`` entry point.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

pytest_plugins = ["pytester"]

# Inner runs skip the cache and hypothesis's plugin (which imports, and so rewrites, hypothesis anew each run).
QUIET = ("-p", "no:cacheprovider", "-p", "no:hypothesispytest")

RESOURCE = "arn:aws:states:::aws-sdk:dynamodb:getItem"

FLOW: dict[str, Any] = {
    "Comment": "plugin flow",
    "StartAt": "Lookup",
    "States": {
        "Lookup": {
            "Type": "Task",
            "Resource": RESOURCE,
            "ResultPath": "$.item",
            "Retry": [{"ErrorEquals": ["Busy"], "IntervalSeconds": 3, "MaxAttempts": 2}],
            "Catch": [{"ErrorEquals": ["Missing"], "Next": "NotFound"}],
            "Next": "Found",
        },
        "Found": {"Type": "Succeed"},
        "NotFound": {"Type": "Fail", "Error": "NotFound"},
    },
}

MOCKS: dict[str, Any] = {
    "StateMachines": {
        "Flow": {
            "TestCases": {
                "HappyPath": {"Lookup": "Item"},
                "RetryPath": {"Lookup": "BusyThenItem"},
                "MissingPath": {"Lookup": "Missing"},
            }
        }
    },
    "MockedResponses": {
        "Item": {"0": {"Return": {"id": 1}}},
        "BusyThenItem": {"0": {"Throw": {"Error": "Busy", "Cause": "later"}}, "1": {"Return": {"id": 2}}},
        "Missing": {"0": {"Throw": {"Error": "Missing", "Cause": "no item"}}},
    },
}


@pytest.fixture
def project(pytester: pytest.Pytester) -> pytest.Pytester:
    """A folder with the flow definition and its mock file."""
    pytester.makefile(".asl.json", flow=json.dumps(FLOW))
    pytester.makefile(".json", MockConfigFile=json.dumps(MOCKS))
    return pytester


def test_fixtures_run_a_definition_file_with_registered_resolvers(project: pytest.Pytester) -> None:
    """asl_runner runs a file beside the test with asl_resolvers and the asl_clock."""
    project.makepyfile(
        """
        import asl
        from asl.testing import assert_output, assert_path

        def test_flow(asl_runner, asl_resolvers, asl_clock):
            @asl_resolvers.register("Lookup")
            def lookup(payload):
                return {"id": 42}

            execution = asl_runner.run("flow.asl.json", {"key": "k"})
            assert_path(execution, ["Lookup", "Found"])
            assert_output(execution, {"key": "k", "item": {"id": 42}})
            assert asl_runner.clock is asl_clock and asl_runner.last is execution
        """
    )
    project.runpytest(*QUIET).assert_outcomes(passed=1)


def test_clock_starts_at_a_fixed_instant(pytester: pytest.Pytester) -> None:
    """asl_clock is a VirtualClock starting at 2025-01-01T00:00:00Z."""
    pytester.makepyfile(
        """
        from asl.testing import VirtualClock

        def test_clock(asl_clock):
            assert isinstance(asl_clock, VirtualClock)
            assert asl_clock.now() == 1735689600.0
        """
    )
    pytester.runpytest(*QUIET).assert_outcomes(passed=1)


def test_resolvers_fixture_is_fresh_per_test(pytester: pytest.Pytester) -> None:
    """A resolver registered in one test is gone in the next."""
    pytester.makepyfile(
        """
        def test_one(asl_resolvers):
            asl_resolvers["A"] = lambda payload: 1

        def test_two(asl_resolvers):
            assert dict(asl_resolvers) == {}
        """
    )
    pytester.runpytest(*QUIET, "-p", "no:randomly").assert_outcomes(passed=2)


def test_marker_picks_a_test_case_of_the_mock_file(project: pytest.Pytester) -> None:
    """@pytest.mark.asl_mock(config=..., test_case=...) answers Tasks from the mock file."""
    project.makepyfile(
        """
        import pytest
        from asl.testing import assert_failed, assert_output, assert_retried

        @pytest.mark.asl_mock(config="MockConfigFile.json", test_case="HappyPath")
        def test_happy(asl_runner):
            assert_output(asl_runner.run("flow.asl.json", {}), {"item": {"id": 1}})

        @pytest.mark.asl_mock(config="MockConfigFile.json", test_case="RetryPath")
        def test_retry(asl_runner):
            execution = asl_runner.run("flow.asl.json", {})
            assert_retried(execution, "Lookup", times=1)
            assert asl_runner.clock.sleeps == [3.0]

        @pytest.mark.asl_mock(config="MockConfigFile.json", test_case="MissingPath")
        def test_missing(asl_runner):
            assert_failed(asl_runner.run("flow.asl.json", {}), error="NotFound")
        """
    )
    project.runpytest(*QUIET).assert_outcomes(passed=3)


def test_markers_combine_from_module_to_test(project: pytest.Pytester) -> None:
    """A module-level asl_mock gives config=, a test-level one the test case."""
    project.makepyfile(
        """
        import pytest

        pytestmark = pytest.mark.asl_mock(config="MockConfigFile.json")

        @pytest.mark.asl_mock("HappyPath")
        def test_happy(asl_runner):
            assert asl_runner.run("flow.asl.json", {}).output == {"item": {"id": 1}}
        """
    )
    project.runpytest(*QUIET).assert_outcomes(passed=1)


def test_marker_with_test_case_only_uses_the_ini_option(project: pytest.Pytester) -> None:
    """@pytest.mark.asl_mock("HappyPath") reads the file named by the asl_mock_config ini option."""
    project.makeini("[pytest]\nasl_mock_config = MockConfigFile.json\n")
    project.mkdir("tests")
    project.makepyfile(
        **{
            "tests/test_ini": """
            import pytest

            @pytest.mark.asl_mock("HappyPath")
            def test_happy(asl_runner):
                assert asl_runner.run("../flow.asl.json", {}).output == {"item": {"id": 1}}
            """
        }
    )
    project.runpytest(*QUIET).assert_outcomes(passed=1)


def test_marker_with_test_case_only_uses_the_env_var(project: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    """Without config= or the ini option, SFN_MOCK_CONFIG names the file."""
    monkeypatch.setenv("SFN_MOCK_CONFIG", str(project.path / "MockConfigFile.json"))
    project.makepyfile(
        """
        import pytest

        @pytest.mark.asl_mock(test_case="HappyPath", state_machine="Flow")
        def test_happy(asl_runner):
            execution = asl_runner.run("flow.asl.json", {})
            assert execution.output == {"item": {"id": 1}}
        """
    )
    project.runpytest(*QUIET).assert_outcomes(passed=1)


def test_marker_state_machine_sets_the_context_name(project: pytest.Pytester) -> None:
    """state_machine= picks the mock file's entry and is $$.StateMachine.Name."""
    project.makepyfile(
        """
        import pytest

        SHOW = {
            "StartAt": "Name",
            "States": {
                "Name": {"Type": "Pass", "Parameters": {"n.$": "$$.StateMachine.Name"}, "Next": "Lookup"},
                "Lookup": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage", "ResultPath": "$.item",
                           "End": True},
            },
        }

        @pytest.mark.asl_mock("HappyPath", config="MockConfigFile.json", state_machine="Flow")
        def test_name(asl_runner):
            assert asl_runner.run(SHOW, {}).output == {"n": "Flow", "item": {"id": 1}}
        """
    )
    project.runpytest(*QUIET).assert_outcomes(passed=1)


def test_marker_with_unknown_field_is_a_usage_error(project: pytest.Pytester) -> None:
    """A misspelt marker field stops the test with a clear message."""
    project.makepyfile(
        """
        import pytest

        @pytest.mark.asl_mock(testcase="HappyPath")
        def test_typo(asl_runner):
            pass
        """
    )
    result = project.runpytest(*QUIET)
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*asl_mock takes one test case name and config=, test_case=, state_machine=*"])


def test_marker_is_registered(pytester: pytest.Pytester) -> None:
    """The asl_mock marker is known under --strict-markers and listed by --markers."""
    pytester.makepyfile(
        """
        import pytest

        @pytest.mark.asl_mock("X")
        def test_nothing():
            pass
        """
    )
    pytester.runpytest(*QUIET, "--strict-markers").assert_outcomes(passed=1)
    pytester.runpytest(*QUIET, "--markers").stdout.fnmatch_lines(["@pytest.mark.asl_mock(*"])


def test_async_tests_run_under_asyncio_and_trio(project: pytest.Pytester) -> None:
    """await asl_runner.run_async(...) works in anyio tests on both backends, with mocks."""
    project.makepyfile(
        """
        import pytest

        @pytest.fixture(params=["asyncio", "trio"])
        def anyio_backend(request):
            return request.param

        @pytest.mark.anyio
        @pytest.mark.asl_mock(config="MockConfigFile.json", test_case="RetryPath")
        async def test_async(asl_runner):
            execution = await asl_runner.run_async("flow.asl.json", {})
            assert execution.output == {"item": {"id": 2}}
            assert asl_runner.clock.sleeps == [3.0]

        @pytest.mark.anyio
        async def test_async_resolver(asl_runner, asl_resolvers):
            async def lookup(payload):
                return {"id": "async"}

            asl_resolvers["Lookup"] = lookup
            assert (await asl_runner.run_async("flow.asl.json", {})).output == {"item": {"id": "async"}}
        """
    )
    project.runpytest(*QUIET, "-v").assert_outcomes(passed=4)


def test_sync_run_inside_an_async_test_says_to_await(pytester: pytest.Pytester) -> None:
    """Calling run() (not run_async) in an async test raises a RuntimeError naming run_async."""
    pytester.makepyfile(
        """
        import pytest

        @pytest.fixture(params=["asyncio", "trio"])
        def anyio_backend(request):
            return request.param

        @pytest.mark.anyio
        async def test_wrong(asl_runner):
            with pytest.raises(RuntimeError, match="await runner.run_async"):
                asl_runner.run({"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}})
        """
    )
    pytester.runpytest(*QUIET).assert_outcomes(passed=2)


# -- coverage -----------------------------------------------------------------------------------------

COVERED = """
import pytest

@pytest.mark.asl_mock(config="MockConfigFile.json", test_case="HappyPath")
def test_happy(asl_runner):
    asl_runner.run("flow.asl.json", {})
"""


def test_coverage_report_in_the_terminal(project: pytest.Pytester) -> None:
    """--asl-cov prints one row per machine, labelled by file, with what was missed."""
    project.makepyfile(COVERED)
    result = project.runpytest(*QUIET, "--asl-cov")
    result.assert_outcomes(passed=1)
    # Lookup, Found of 3 states; Lookup -> Found, Found -> (end) of 3 transitions; no retry, no catch
    result.stdout.fnmatch_lines(
        [
            "*asl coverage*",
            "Machine*States*Transitions*Choices*Retriers*Catchers*Cover",
            "flow.asl.json*2/3*2/3*0/0*0/1*0/1*50.0%",
            "*missed states:*NotFound",
            "*missed retriers:*Lookup.Retry[[]0[]]",
            "TOTAL*50.0%",
        ]
    )


def test_coverage_term_report_without_missed_lines(project: pytest.Pytester) -> None:
    """--asl-cov-report=term prints the rows only."""
    project.makepyfile(COVERED)
    result = project.runpytest(*QUIET, "--asl-cov", "--asl-cov-report=term")
    result.stdout.fnmatch_lines(["flow.asl.json*50.0%"])
    result.stdout.no_fnmatch_line("*missed states*")


def test_coverage_json_report(project: pytest.Pytester) -> None:
    """--asl-cov-report=json:PATH writes the report as JSON."""
    project.makepyfile(COVERED)
    project.runpytest(*QUIET, "--asl-cov", "--asl-cov-report=json:out/cov.json").assert_outcomes(passed=1)
    data = json.loads((project.path / "out" / "cov.json").read_text())
    assert (data["covered"], data["total"]) == (4, 8)
    assert data["machines"][0]["path"] == "flow.asl.json"
    assert data["machines"][0]["catchers"] == {"covered": 0, "total": 1, "missed": ["Lookup.Catch[0]"]}


def test_coverage_accumulates_over_tests(project: pytest.Pytester) -> None:
    """Three test cases together cover every state, transition, retrier and catcher."""
    project.makepyfile(
        """
        import pytest

        @pytest.mark.parametrize("case", ["HappyPath", "RetryPath", "MissingPath"])
        def test_case(asl_runner, case):
            asl_runner.run("flow.asl.json", {}, mock_config="MockConfigFile.json", test_case=case)
        """
    )
    result = project.runpytest(*QUIET, "--asl-cov", "--asl-cov-fail-under=100")
    result.assert_outcomes(passed=3)
    assert result.ret == 0
    result.stdout.fnmatch_lines(["flow.asl.json*3/3*3/3*0/0*1/1*1/1*100.0%", "Required asl coverage of 100% reached*"])


def test_coverage_fail_under_fails_the_run(project: pytest.Pytester) -> None:
    """Below --asl-cov-fail-under the run fails even though every test passed."""
    project.makepyfile(COVERED)
    result = project.runpytest(*QUIET, "--asl-cov-fail-under=90")
    result.assert_outcomes(passed=1)
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    result.stdout.fnmatch_lines(["FAIL Required asl coverage of 90% not reached. Total coverage: 50.00%"])


def test_coverage_definitions_ini_counts_unrun_machines(
    project: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    """asl_cov_definitions lists files (relative to the rootdir) reported even when no test runs them."""
    project.makefile(".asl.json", other=json.dumps({"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}}))
    project.makeini("[pytest]\nasl_cov_definitions =\n    *.asl.json\n")
    project.makepyfile(COVERED)
    monkeypatch.chdir(project.mkdir("elsewhere"))
    result = project.runpytest(*QUIET, "--asl-cov", str(project.path))
    result.stdout.fnmatch_lines(["flow.asl.json*50.0%", "*", "*", "*", "other.asl.json*0/1*0/1*0.0%", "TOTAL*40.0%"])


def test_unknown_report_kind_is_a_usage_error(project: pytest.Pytester) -> None:
    """A misspelt --asl-cov-report stops pytest before any test runs."""
    project.makepyfile(COVERED)
    result = project.runpytest(*QUIET, "--asl-cov-report=html")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*--asl-cov-report=html: use term, term-missing, json[[]:PATH[]] or none*"])


def test_no_coverage_without_the_option(project: pytest.Pytester) -> None:
    """Without --asl-cov nothing is collected or printed."""
    project.makepyfile(COVERED)
    result = project.runpytest(*QUIET)
    result.assert_outcomes(passed=1)
    result.stdout.no_fnmatch_line("*asl coverage*")


# -- snapshots ----------------------------------------------------------------------------------------

SNAPSHOT = """
def test_snap(asl_runner, asl_resolvers, asl_snapshot):
    asl_resolvers["Lookup"] = lambda payload: {"id": VALUE}
    asl_snapshot(asl_runner.run("flow.asl.json", {}))
"""


def test_snapshot_is_written_then_compared(project: pytest.Pytester) -> None:
    """The first run writes __snapshots__/<module>/<test>.json; a later differing value fails with a diff."""
    project.makepyfile(test_snap="VALUE = 1\n" + SNAPSHOT)
    project.runpytest(*QUIET).assert_outcomes(passed=1)
    stored = project.path / "__snapshots__" / "test_snap" / "test_snap.json"
    assert json.loads(stored.read_text()) == {"status": "SUCCEEDED", "output": {"item": {"id": 1}}}
    project.runpytest(*QUIET).assert_outcomes(passed=1)

    project.makepyfile(test_snap="VALUE = 2\n" + SNAPSHOT)
    result = project.runpytest(*QUIET)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*$.output.item.id: expected 1, got 2*", "*--asl-snapshot-update*"])


def test_snapshot_update_option_rewrites(project: pytest.Pytester) -> None:
    """--asl-snapshot-update accepts the new value."""
    project.makepyfile(test_snap="VALUE = 1\n" + SNAPSHOT)
    project.runpytest(*QUIET)
    project.makepyfile(test_snap="VALUE = 2\n" + SNAPSHOT)
    project.runpytest(*QUIET, "--asl-snapshot-update").assert_outcomes(passed=1)
    project.runpytest(*QUIET).assert_outcomes(passed=1)
    stored = project.path / "__snapshots__" / "test_snap" / "test_snap.json"
    assert json.loads(stored.read_text())["output"] == {"item": {"id": 2}}
