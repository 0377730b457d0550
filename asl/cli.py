"""The ``asl`` command: validate, describe and run state machines from the terminal."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence

__all__ = ["main"]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="asl", description="Run and check AWS Step Functions state machines offline.")
    sub = parser.add_subparsers(dest="command")
    validate = sub.add_parser("validate", help="report every problem of one or more definitions")
    validate.add_argument("definitions", nargs="+", metavar="DEFINITION")
    run = sub.add_parser("run", help="run a definition and print its output")
    run.add_argument("definition", metavar="DEFINITION")
    run.add_argument("--input", default="{}", help="input as JSON text, @FILE, or - for stdin")
    run.add_argument("--virtual-time", action="store_true", help="make every wait instant")
    return parser


def _read_input(text: str) -> object:
    if text == "-":
        return json.load(sys.stdin)
    if text.startswith("@"):
        with open(text[1:], encoding="utf-8") as f:
            return json.load(f)
    return json.loads(text)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``asl`` command; returns the exit code."""
    import asl
    import asl.testing

    parser = _parser()
    args = parser.parse_args(argv)
    if args.command == "validate":
        status = 0
        for path in args.definitions:
            for issue in asl.validate(path):
                print(f"{path}: {issue}")
                status = 1
        return status
    if args.command == "run":
        clock = asl.testing.VirtualClock() if args.virtual_time else None
        try:
            output = asl.run(args.definition, _read_input(args.input), clock=clock)
        except asl.DefinitionError as e:
            print(e, file=sys.stderr)
            return 2
        except asl.ExecutionFailed as e:
            print(f"Error: {e.error}\nCause: {e.cause}", file=sys.stderr)
            return 1
        print(json.dumps(output, indent=2))
        return 0
    parser.print_help()
    return 0


if __name__ == "__main__":
    sys.exit(main())
