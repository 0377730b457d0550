"""The ``asl`` command: run, lint, test and draw state machines from the terminal.

``asl run``, ``asl validate``, ``asl test-state`` and ``asl graph`` (see ``docs/cli.md``).
``python -m asl`` is the same command. Exit codes: 0 success, 1 the execution or tested
state did not succeed or ``validate`` found problems, 2 bad usage or input. Bad input
is reported in one line on standard error, never as a traceback (set ``ASL_DEBUG=1`` to
see the traceback of an unexpected internal error).
"""

from __future__ import annotations

import argparse
import os
import sys
import traceback
from collections.abc import Sequence

from ._commands import COMMANDS
from ._inputs import UsageError

__all__ = ["main"]

_RUN_HELP = "input: JSON text, @FILE, a file path, or - for standard input (default: {})"


def _run_options(parser: argparse.ArgumentParser) -> None:
    """The options that start an execution (``run`` and ``graph --run``)."""
    parser.add_argument("--input", help=_RUN_HELP)
    parser.add_argument("--resolvers", metavar="MODULE_OR_FILE.py", help="a module or .py file with RESOLVERS")
    parser.add_argument("--mock-config", metavar="FILE", help="a Step Functions Local MockConfigFile.json")
    parser.add_argument("--test-case", metavar="NAME", help="the mock config test case to use")
    parser.add_argument("--virtual-time", action="store_true", help="make every wait, backoff and timeout instant")
    parser.add_argument("--context", metavar="JSON", help="a JSON object merged into the context object ($$)")
    parser.add_argument("--seed", type=int, help="seed for jitter, States.UUID and States.MathRandom")


def _parser() -> argparse.ArgumentParser:
    from .. import __version__

    parser = argparse.ArgumentParser(prog="asl", description="Run, check and draw AWS Step Functions state machines.")
    parser.add_argument("--version", action="version", version=f"asl {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    run = sub.add_parser("run", help="run a definition and print its output")
    run.add_argument("definition", metavar="DEFINITION")
    _run_options(run)
    run.add_argument("--trace", action="store_true", help="show each state as it is entered and left (stderr)")
    run.add_argument("--color", choices=("auto", "always", "never"), default="auto", help="colour the trace")
    run.add_argument("--output", metavar="FILE", help="write the output JSON here instead of stdout")
    run.add_argument("--history", metavar="FILE", help="write the execution history (GetExecutionHistory JSON)")

    validate = sub.add_parser("validate", help="report every problem of one or more definitions")
    validate.add_argument("definitions", nargs="+", metavar="DEFINITION")
    validate.add_argument("--format", choices=("text", "json"), default="text")

    test = sub.add_parser("test-state", help="run one state once, like AWS's TestState API")
    test.add_argument("definition", metavar="DEFINITION", help="a state machine, or one state")
    test.add_argument("--state", metavar="NAME", help="the state to test (default: StartAt)")
    test.add_argument("--input", help=_RUN_HELP)
    test.add_argument(
        "--mock", metavar="JSON", help='{"result": "..."} or {"errorOutput": {"error": ..., "cause": ...}}'
    )
    test.add_argument("--variables", metavar="JSON", help="variables in scope, as a JSON object")
    test.add_argument("--context", metavar="JSON", help="the context object ($$)")
    test.add_argument("--state-configuration", metavar="JSON", help="retrierRetryCount, errorCausedByState, ...")
    test.add_argument("--inspection-level", choices=("INFO", "DEBUG", "TRACE"), default="INFO")
    test.add_argument("--resolvers", metavar="MODULE_OR_FILE.py", help="serve an unmocked Task")
    test.add_argument("--output", metavar="FILE", help="write the result JSON here instead of stdout")

    graph = sub.add_parser("graph", help="draw a definition, optionally with an execution's path")
    graph.add_argument("definition", metavar="DEFINITION")
    graph.add_argument("--format", choices=("mermaid", "dot", "svg", "html"), help="default: from --output, or mermaid")
    graph.add_argument("--output", "-o", metavar="FILE", help="write the picture here instead of stdout")
    source = graph.add_mutually_exclusive_group()
    source.add_argument("--execution", metavar="HISTORY.json", help="overlay this execution history")
    source.add_argument("--run", action="store_true", help="run the definition and overlay that execution")
    _run_options(graph)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``asl`` command; returns the exit code."""
    parser = _parser()
    args = parser.parse_args(argv)
    command = COMMANDS.get(args.command or "")
    if command is None:
        parser.print_help()
        return 2
    try:
        return command(args)
    except UsageError as e:
        sys.stderr.write(f"asl {args.command}: {e}\n")
        return 2
    except KeyboardInterrupt:
        sys.stderr.write("asl: interrupted\n")
        return 130
    except Exception as e:  # a bug in asl: one line, unless ASL_DEBUG asks for the traceback
        if os.environ.get("ASL_DEBUG"):
            traceback.print_exc()
        else:
            sys.stderr.write(f"asl {args.command}: internal error: {type(e).__name__}: {e} (ASL_DEBUG=1 shows more)\n")
        return 2
