"""The ``asl`` command, run as a user runs it: ``python -m asl`` in a subprocess."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import asl

ROOT = Path(__file__).resolve().parent.parent
ORDER = ROOT / "examples" / "order_processing" / "order_processing.asl.json"

HELLO = {"StartAt": "Hi", "States": {"Hi": {"Type": "Pass", "Parameters": {"greeting.$": "$.name"}, "End": True}}}
FAILING = {"StartAt": "Boom", "States": {"Boom": {"Type": "Fail", "Error": "Custom.Boom", "Cause": "it broke"}}}
BROKEN = {"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "B"}}}
TASK = {
    "StartAt": "Call",
    "States": {
        "Call": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:double", "End": True}
    },
}
WAIT = {"StartAt": "Nap", "States": {"Nap": {"Type": "Wait", "Seconds": 3600, "End": True}}}
RESOLVERS_FILE = "RESOLVERS = {'double': lambda x: x * 2}\n"


def cli(*args: str, stdin: str | None = None, env: dict[str, str] | None = None, cwd: Path | None = None) -> Any:
    """Run ``python -m asl ARGS`` and return the finished process (text output)."""
    environment = {**os.environ, "NO_COLOR": "", **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "asl", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=environment,
        cwd=cwd or ROOT,
        timeout=60,
        check=False,
    )


def call(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """Run ``asl ARGS`` in this process (fast): exit code, stdout, stderr."""
    from asl.cli import main

    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def write(folder: Path, name: str, content: Any) -> str:
    """Write JSON (or text, or bytes) to ``folder/name``; return its path as a string."""
    path = folder / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    elif isinstance(content, str):
        path.write_text(content)
    else:
        path.write_text(json.dumps(content))
    return str(path)


def assert_one_line_error(process: Any) -> None:
    """Exit code 2 and a single stderr line, no traceback."""
    assert process.returncode == 2, process.stderr
    assert "Traceback" not in process.stderr
    assert len(process.stderr.strip().splitlines()) == 1, process.stderr


# -- asl run ---------------------------------------------------------------------------------


def test_run_prints_the_output_and_exits_0(tmp_path: Path) -> None:
    """A succeeding execution prints its output JSON on stdout and exits 0."""
    process = cli("run", write(tmp_path, "m.json", HELLO), "--input", '{"name": "Ada"}')
    assert process.returncode == 0, process.stderr
    assert json.loads(process.stdout) == {"greeting": "Ada"}


def test_run_failure_prints_error_and_cause_and_exits_1(tmp_path: Path) -> None:
    """A failed execution prints Error and Cause on stderr, nothing on stdout, and exits 1."""
    process = cli("run", write(tmp_path, "m.json", FAILING))
    assert process.returncode == 1
    assert process.stdout == ""
    assert "Error: Custom.Boom" in process.stderr
    assert "Cause: it broke" in process.stderr


def test_run_reads_input_from_a_file_and_from_stdin(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """--input takes a file path, @FILE, or - for standard input."""
    import io

    definition = write(tmp_path, "m.json", HELLO)
    data = write(tmp_path, "in.json", {"name": "file"})
    assert json.loads(call(capsys, "run", definition, "--input", data)[1]) == {"greeting": "file"}
    assert json.loads(call(capsys, "run", definition, "--input", "@" + data)[1]) == {"greeting": "file"}
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b'{"name": "pipe"}')))
    assert json.loads(call(capsys, "run", definition, "--input", "-")[1]) == {"greeting": "pipe"}


@pytest.mark.parametrize(
    ("name", "content"),
    [("missing.json", None), ("binary.json", bytes(range(256))), ("broken.json", BROKEN)],
)
def test_run_rejects_garbage_definitions_in_one_line(tmp_path: Path, name: str, content: Any) -> None:
    """A missing, binary or invalid definition: one stderr line, exit 2, no traceback."""
    path = str(tmp_path / name) if content is None else write(tmp_path, name, content)
    assert_one_line_error(cli("run", path))


@pytest.mark.parametrize(
    ("content", "message"),
    [("", "empty file"), ("[1, 2]", "Definition must be a valid JSON object"), ("nope", "not valid JSON")],
    ids=["empty", "not-an-object", "not-json"],
)
def test_run_rejects_other_garbage(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str, message: str
) -> None:
    """An empty, non-object or non-JSON definition: one stderr line saying so, exit 2."""
    code, out, err = call(capsys, "run", write(tmp_path, "m.json", content))
    assert (code, out) == (2, "")
    assert message in err and len(err.strip().splitlines()) == 1


def test_run_rejects_a_directory(tmp_path: Path) -> None:
    """A directory given as the definition: one stderr line, exit 2."""
    process = cli("run", str(tmp_path))
    assert_one_line_error(process)
    assert "directory" in process.stderr


def test_run_rejects_bad_input_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """--input that is neither JSON nor a file: one stderr line, exit 2."""
    code, _, err = call(capsys, "run", write(tmp_path, "m.json", HELLO), "--input", "{not json")
    assert code == 2
    assert err.startswith("asl run: --input") and len(err.strip().splitlines()) == 1


def test_run_invalid_definition_names_the_problem(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """An invalid definition is reported linter style (file: path: code: message) in one line, exit 2."""
    path = write(tmp_path, "m.json", BROKEN)
    code, _, err = call(capsys, "run", path)
    assert code == 2
    assert f"{path}: $.States.A.Next: MISSING_TRANSITION_TARGET:" in err
    assert f"(and 1 more problem: asl validate {path})" in err


def test_run_virtual_time_skips_waits(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """--virtual-time makes an hour-long Wait finish at once."""
    code, out, _ = call(capsys, "run", write(tmp_path, "m.json", WAIT), "--input", '{"a": 1}', "--virtual-time")
    assert code == 0
    assert json.loads(out) == {"a": 1}


def test_run_resolvers_from_a_file_with_a_resolvers_dict(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """--resolvers FILE.py takes the file's RESOLVERS dict."""
    resolvers = write(tmp_path, "my_resolvers.py", RESOLVERS_FILE)
    code, out, err = call(capsys, "run", write(tmp_path, "m.json", TASK), "--input", "21", "--resolvers", resolvers)
    assert code == 0, err
    assert json.loads(out) == 42


def test_run_resolvers_from_a_module_with_a_resolvers_function(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """--resolvers MODULE imports a module (from the working directory) and calls its resolvers()."""
    write(tmp_path, "shop_fakes_cli.py", "def resolvers():\n    return {'double': lambda x: [x, x]}\n")
    monkeypatch.chdir(tmp_path)
    monkeypatch.syspath_prepend(str(tmp_path))
    code, out, err = call(
        capsys, "run", write(tmp_path, "m.json", TASK), "--input", '"a"', "--resolvers", "shop_fakes_cli"
    )
    assert code == 0, err
    assert json.loads(out) == ["a", "a"]


@pytest.mark.parametrize(
    "source",
    ["NOTHING = 1\n", "raise RuntimeError('cannot import me')\n"],
    ids=["no-resolvers", "import-fails"],
)
def test_run_bad_resolvers_module_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], source: str
) -> None:
    """A resolvers file without RESOLVERS, or one that raises on import: one stderr line, exit 2."""
    resolvers = write(tmp_path, "bad.py", source)
    code, _, err = call(capsys, "run", write(tmp_path, "m.json", TASK), "--resolvers", resolvers)
    assert code == 2
    assert len(err.strip().splitlines()) == 1 and err.startswith("asl run: --resolvers")


def test_run_context_output_and_history_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """--context reaches $$, --output writes the output to a file, --history writes the events."""
    machine = {
        "StartAt": "Ctx",
        "States": {"Ctx": {"Type": "Pass", "Parameters": {"n.$": "$$.Execution.Name"}, "End": True}},
    }
    out, history = tmp_path / "out.json", tmp_path / "history.json"
    code, stdout, err = call(
        capsys,
        "run",
        write(tmp_path, "m.json", machine),
        "--context",
        '{"Execution": {"Name": "exec-7"}}',
        "--output",
        str(out),
        "--history",
        str(history),
    )
    assert code == 0, err
    assert stdout == ""
    assert json.loads(out.read_text()) == {"n": "exec-7"}
    types = [event["type"] for event in json.loads(history.read_text())["events"]]
    assert types[0] == "ExecutionStarted" and types[-1] == "ExecutionSucceeded"


def test_run_mock_config_answers_tasks(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """--mock-config with --test-case answers the Task from the mock file."""
    config = {
        "StateMachines": {"M": {"TestCases": {"HappyPath": {"Call": "Answer"}}}},
        "MockedResponses": {"Answer": {"0": {"Return": {"mocked": True}}}},
    }
    mock = write(tmp_path, "mock.json", config)
    code, out, err = call(
        capsys, "run", write(tmp_path, "m.json", TASK), "--mock-config", mock, "--test-case", "HappyPath"
    )
    assert code == 0, err
    assert json.loads(out) == {"mocked": True}


def test_run_trace_is_plain_when_piped(tmp_path: Path) -> None:
    """--trace writes entered/left lines with type and duration to stderr, without colour codes when piped."""
    process = cli("run", write(tmp_path, "m.json", HELLO), "--input", '{"name": "x"}', "--trace")
    assert process.returncode == 0
    lines = process.stderr.splitlines()
    assert "\033[" not in process.stderr
    assert lines[0].endswith("-> Hi (Pass)")
    assert "<- Hi (Pass)" in lines[1] and lines[1].endswith("(end)") and " ms" in lines[1]


def test_run_trace_shows_retries_and_the_failing_state(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """--trace reports each retry with its error, and the state the execution failed in."""
    machine = {
        "StartAt": "Call",
        "States": {
            "Call": {
                "Type": "Task",
                "Resource": "arn:aws:lambda:us-east-1:123456789012:function:flaky",
                "Retry": [{"ErrorEquals": ["States.ALL"], "MaxAttempts": 2}],
                "End": True,
            }
        },
    }
    resolvers = write(tmp_path, "r.py", "def flaky(x):\n    raise KeyError('no')\nRESOLVERS = {'flaky': flaky}\n")
    code, _, err = call(
        capsys, "run", write(tmp_path, "m.json", machine), "--trace", "--virtual-time", "--resolvers", resolvers
    )
    assert code == 1
    assert "retry Call attempt 2 (Retry[0]): KeyError" in err
    assert "retry Call attempt 3 (Retry[0]): KeyError" in err
    assert "FAILED Call (Task)" in err


def test_run_trace_colour_can_be_forced(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """--color always colours the trace even when piped."""
    _, _, err = call(capsys, "run", write(tmp_path, "m.json", HELLO), "--trace", "--color", "always")
    assert "\033[36m" in err


def _on_a_terminal(args: list[str], env: dict[str, str]) -> tuple[int, str]:
    """Run the command with stderr on a pseudo-terminal; its exit code and what the terminal showed."""
    pty = pytest.importorskip("pty")
    master, replica = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "asl", *args],
        stdout=subprocess.DEVNULL,
        stderr=replica,
        env={**os.environ, **env},
        cwd=ROOT,
    )
    os.close(replica)
    chunks = []
    while True:
        try:
            data = os.read(master, 4096)
        except OSError:
            break
        if not data:
            break
        chunks.append(data)
    os.close(master)
    return process.wait(timeout=60), b"".join(chunks).decode("utf-8", "replace")


def test_trace_on_a_terminal_is_coloured_unless_no_color(tmp_path: Path) -> None:
    """On a terminal the trace is coloured; NO_COLOR turns the colour off."""
    definition = write(tmp_path, "m.json", HELLO)
    _, coloured = _on_a_terminal(["run", definition, "--trace"], {"NO_COLOR": ""})
    _, plain = _on_a_terminal(["run", definition, "--trace"], {"NO_COLOR": "1"})
    assert "\033[36m" in coloured and "Hi (Pass)" in coloured
    assert "\033[36m" not in plain and "-> Hi (Pass)" in plain


def test_map_progress_bar_on_a_terminal_only(tmp_path: Path) -> None:
    """A Map shows a progress bar (done/total, failures) on a terminal, and none when piped."""
    machine = {
        "StartAt": "Each",
        "States": {
            "Each": {
                "Type": "Map",
                "ToleratedFailurePercentage": 100,
                "ItemProcessor": {
                    "ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "EXPRESS"},
                    "StartAt": "Check",
                    "States": {
                        "Check": {
                            "Type": "Choice",
                            "Choices": [{"Variable": "$", "NumericEquals": 3, "Next": "Bad"}],
                            "Default": "Good",
                        },
                        "Bad": {"Type": "Fail", "Error": "Three"},
                        "Good": {"Type": "Succeed"},
                    },
                },
                "End": True,
            }
        },
    }
    definition = write(tmp_path, "m.json", machine)
    items = json.dumps(list(range(40)))
    code, screen = _on_a_terminal(["run", definition, "--input", items], {"NO_COLOR": ""})
    assert code == 0
    assert "Each [" in screen and "/40" in screen and "1 failed" in screen
    assert "Each [" not in cli("run", definition, "--input", items).stderr


# -- asl validate ----------------------------------------------------------------------------


def test_validate_valid_files_exit_0_silently(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Valid definitions: no output, exit 0."""
    assert call(capsys, "validate", str(ORDER), write(tmp_path, "m.json", HELLO)) == (0, "", "")


def test_validate_prints_linter_lines_and_exits_1(tmp_path: Path) -> None:
    """A problem is printed as `file: $.path: CODE: message`, and the exit code is 1."""
    broken = write(tmp_path, "broken.asl.json", BROKEN)
    process = cli("validate", str(ORDER), broken)
    assert process.returncode == 1
    assert process.stdout.startswith(f"{broken}: $.States.A.Next: MISSING_TRANSITION_TARGET: ")


def test_validate_json_format(tmp_path: Path) -> None:
    """--format json gives one object per file with its issues (path, code, message)."""
    good, broken = write(tmp_path, "good.json", HELLO), write(tmp_path, "broken.json", BROKEN)
    process = cli("validate", "--format", "json", good, broken)
    assert process.returncode == 1
    report = json.loads(process.stdout)
    assert report[0] == {"file": good, "valid": True, "issues": []}
    assert report[1]["file"] == broken and report[1]["valid"] is False
    assert {"path": "$.States.A.Next", "code": "MISSING_TRANSITION_TARGET"}.items() <= report[1]["issues"][0].items()


def test_validate_garbage_files_are_problems(tmp_path: Path) -> None:
    """Binary, empty, non-object and non-JSON files are reported as problems (exit 1), not crashes."""
    garbage = {
        write(tmp_path, "binary.json", bytes(range(256))): "INVALID_JSON_DESCRIPTION",
        write(tmp_path, "empty.json", ""): "SCHEMA_VALIDATION_FAILED",
        write(tmp_path, "list.json", "[1, 2]"): "SCHEMA_VALIDATION_FAILED",
        write(tmp_path, "text.json", "{oops"): "INVALID_JSON_DESCRIPTION",
    }
    process = cli("validate", *garbage)
    assert process.returncode == 1
    assert "Traceback" not in process.stderr
    lines = process.stdout.splitlines()
    for path, code in garbage.items():
        assert any(line.startswith(f"{path}: $: {code}: ") for line in lines), (path, lines)


def test_validate_missing_file_and_directory_exit_2(tmp_path: Path) -> None:
    """A missing file or a directory is a usage error (exit 2) reported in one line each."""
    process = cli("validate", str(tmp_path / "nope.json"), str(tmp_path))
    assert process.returncode == 2
    assert "no such file" in process.stderr and "is a directory" in process.stderr
    assert "Traceback" not in process.stderr


# -- asl test-state --------------------------------------------------------------------------

needs_test_state = pytest.mark.skipif(not hasattr(asl, "test_state"), reason="asl.test_state is not exported yet")


@needs_test_state
def test_test_state_runs_one_state_of_a_machine(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """--state picks a state of a whole machine; the result is AWS's TestState response."""
    machine = {
        "StartAt": "First",
        "States": {
            "First": {"Type": "Pass", "Next": "Second"},
            "Second": {"Type": "Pass", "Result": {"x": 1}, "ResultPath": "$.r", "Next": "Third"},
            "Third": {"Type": "Succeed"},
        },
    }
    code, out, err = call(
        capsys, "test-state", write(tmp_path, "m.json", machine), "--state", "Second", "--input", '{"a": 0}'
    )
    assert code == 0, err
    assert json.loads(out) == {"status": "SUCCEEDED", "output": {"a": 0, "r": {"x": 1}}, "nextState": "Third"}


@needs_test_state
def test_test_state_with_an_error_mock_exits_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """--mock with errorOutput fails the Task: status FAILED with the mocked error, exit 1."""
    mock = json.dumps({"errorOutput": {"error": "Boom", "cause": "mocked"}})
    code, out, err = call(
        capsys, "test-state", write(tmp_path, "m.json", TASK), "--mock", mock, "--inspection-level", "DEBUG"
    )
    assert code == 1, err
    response = json.loads(out)
    assert (response["status"], response["error"], response["cause"]) == ("FAILED", "Boom", "mocked")
    assert "inspectionData" in response


def test_test_state_bad_mock_json_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """--mock that is not JSON: one stderr line, exit 2."""
    code, _, err = call(capsys, "test-state", write(tmp_path, "m.json", TASK), "--mock", "{nope")
    assert code == 2
    assert len(err.strip().splitlines()) == 1


# -- asl graph -------------------------------------------------------------------------------


def test_graph_mermaid_is_the_default() -> None:
    """Without --format the graph is a Mermaid flowchart on stdout."""
    process = cli("graph", str(ORDER))
    assert process.returncode == 0, process.stderr
    assert process.stdout.startswith("flowchart TD\n")
    assert "Catch ValidationError" in process.stdout


def test_graph_format_follows_the_output_extension(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """-o picture.html writes an HTML page, -o picture.svg an SVG, -o picture.dot DOT text."""
    for name, start in (("p.html", "<!DOCTYPE html>"), ("p.svg", "<svg "), ("p.dot", "digraph ")):
        code, _, err = call(capsys, "graph", str(ORDER), "-o", str(tmp_path / name))
        assert code == 0, err
        assert (tmp_path / name).read_text().startswith(start)


def test_graph_with_a_recorded_history(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """--execution overlays a history written by `asl run --history` (GetExecutionHistory JSON)."""
    definition = write(tmp_path, "m.json", FAILING)
    history = tmp_path / "h.json"
    assert call(capsys, "run", definition, "--history", str(history))[0] == 1
    code, out, err = call(capsys, "graph", definition, "--execution", str(history), "--format", "dot")
    assert code == 0, err
    assert 'penwidth="3"' in out  # the failing state is highlighted


def test_graph_run_overlays_a_fresh_execution(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """--run runs the definition with the run options and draws its path."""
    resolvers = write(tmp_path, "r.py", RESOLVERS_FILE)
    code, out, err = call(
        capsys, "graph", write(tmp_path, "m.json", TASK), "--run", "--input", "2", "--resolvers", resolvers
    )
    assert code == 0, err
    assert "class __start,__end marker" in out
    assert "linkStyle 0,1 stroke:#2563eb" in out


def test_graph_rejects_a_history_that_is_not_one(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """--execution with JSON that is not a history: one stderr line, exit 2."""
    code, _, err = call(capsys, "graph", str(ORDER), "--execution", write(tmp_path, "h.json", {"hello": 1}))
    assert code == 2
    assert err.startswith("asl graph: --execution") and len(err.strip().splitlines()) == 1


def test_graph_execution_and_run_are_exclusive(capsys: pytest.CaptureFixture[str]) -> None:
    """--execution and --run together are a usage error (exit 2)."""
    with pytest.raises(SystemExit) as exit_info:
        call(capsys, "graph", str(ORDER), "--execution", "h.json", "--run")
    assert exit_info.value.code == 2


def test_no_command_prints_help_and_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    """`asl` alone prints the help and exits 2."""
    code, out, _ = call(capsys)
    assert code == 2
    assert "validate" in out


def test_pre_commit_hook_runs_asl_validate_on_asl_json_files() -> None:
    """.pre-commit-hooks.yaml declares `asl-validate`, running `asl validate` on *.asl.json files."""
    import re

    yaml = pytest.importorskip("yaml")
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    hook = next(h for h in hooks if h["id"] == "asl-validate")
    assert hook["entry"] == "asl validate" and hook["language"] == "python"
    assert re.search(hook["files"], "machines/order.asl.json")
    assert not re.search(hook["files"], "package.json")
