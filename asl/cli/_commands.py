"""The commands of ``asl``: one function per subcommand, each returning the exit code.

Exit codes: 0 success; 1 the execution (or tested state) did not succeed, or ``validate``
found a problem; 2 bad usage or input (missing or unreadable file, not JSON, an invalid
definition for ``run``/``graph``/``test-state``, bad ``--input``).
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from ._inputs import UsageError, json_arg, load_resolvers, read_definition, read_file, write_text

__all__ = ["COMMANDS"]

OK, NOT_SUCCEEDED, USAGE = 0, 1, 2


def _dump(value: Any) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False, default=str) + "\n"


def _say(text: str) -> None:
    sys.stderr.write(text.rstrip("\n") + "\n")
    sys.stderr.flush()


def _parse(path: str) -> Any:
    """The parsed state machine in ``path``; its problems are a :class:`UsageError` listing them."""
    import asl

    definition = read_definition(path)
    try:
        return asl.parse(definition)
    except asl.DefinitionError as e:
        if not e.issues:
            raise UsageError(f"{path}: invalid state machine definition") from None
        more = len(e.issues) - 1
        rest = f" (and {more} more problem{'s' if more > 1 else ''}: asl validate {path})" if more else ""
        raise UsageError(f"{path}: {e.issues[0]}{rest}") from None


def _clock(virtual: bool) -> Any:
    from ..clock import RealClock
    from ..testing import VirtualClock

    return VirtualClock() if virtual else RealClock()


def _start(args: argparse.Namespace, machine: Any, clock: Any, observer: Any = None) -> Any:
    """Run ``machine`` as the run options say; the finished :class:`asl.Execution`."""
    import asl

    from ..executor._observe import observing

    data = json_arg(args.input, "--input") if args.input is not None else {}
    context = json_arg(args.context, "--context", want_object=True) if args.context is not None else None
    resolvers = load_resolvers(args.resolvers)
    try:
        with observing(observer):
            return asl.start(
                machine,
                data,
                resolvers=resolvers,
                clock=clock,
                context=context,
                seed=args.seed,
                mock_config=args.mock_config,
                test_case=args.test_case,
            )
    except asl.DefinitionError as e:
        raise UsageError("; ".join(str(i) for i in e.issues) or str(e)) from None
    except NotImplementedError as e:
        raise UsageError(f"not supported yet: {e}") from None
    except (asl.ASLError, ValueError, TypeError, LookupError, OSError) as e:
        raise UsageError(f"cannot start the execution: {e}") from None


def _write_history(path: str | None, execution: Any) -> None:
    if path is None:
        return
    history_json = getattr(execution, "history_json", None)
    document = history_json() if callable(history_json) else {"events": execution.events}
    text = document if isinstance(document, str) else _dump(document)
    write_text(path, text)


def run(args: argparse.Namespace) -> int:
    """``asl run``: run a definition, print its output; Error and Cause on failure."""
    from ._trace import LiveView, use_colour

    machine = _parse(args.definition)
    clock = _clock(args.virtual_time)
    colour = use_colour(sys.stderr, args.color)
    progress = sys.stderr.isatty()
    view = None
    if args.trace or progress:
        view = LiveView(machine, clock, sys.stderr, trace=args.trace, colour=colour, progress=progress)
    execution = _start(args, machine, clock, view)
    if view is not None:
        view.finish(execution)
    _write_history(args.history, execution)
    if execution.status == "SUCCEEDED":
        write_text(args.output, _dump(execution.output))
        return OK
    _say(f"Execution {execution.status}")
    _say(f"Error: {execution.error}")
    _say(f"Cause: {execution.cause}")
    return NOT_SUCCEEDED


def validate(args: argparse.Namespace) -> int:
    """``asl validate``: every problem of every file, linter style or as JSON."""
    import asl

    status = OK
    report: list[dict[str, Any]] = []
    for path in args.definitions:
        try:
            data = read_file(path)
        except UsageError as e:
            _say(f"asl validate: {e}")
            report.append({"file": path, "valid": False, "error": str(e), "issues": []})
            status = USAGE
            continue
        issues = asl.validate(data if data.strip() else b"")
        if issues and status == OK:
            status = NOT_SUCCEEDED
        if args.format == "json":
            found = [{"path": i.path, "code": i.code, "message": i.message} for i in issues]
            report.append({"file": path, "valid": not issues, "issues": found})
        else:
            for issue in issues:
                sys.stdout.write(f"{path}: {issue}\n")
    if args.format == "json":
        sys.stdout.write(_dump(report))
    sys.stdout.flush()
    return status


def test_state(args: argparse.Namespace) -> int:
    """``asl test-state``: run one state once, as AWS's TestState API does."""
    import asl

    runner = getattr(asl, "test_state", None)
    if runner is None:
        raise UsageError("asl test-state needs asl.test_state, which this version of asl does not have")
    definition = read_definition(args.definition)
    options: dict[str, Any] = {"state_name": args.state, "inspection_level": args.inspection_level}
    for option in ("mock", "variables", "context", "state_configuration"):
        value = getattr(args, option)
        if value is not None:
            options[option] = json_arg(value, "--" + option.replace("_", "-"), want_object=True)
    resolvers = load_resolvers(args.resolvers)
    if resolvers is not None:
        options["resolvers"] = resolvers
    data = json_arg(args.input, "--input") if args.input is not None else {}
    try:
        result = runner(definition, data, **options)
    except (asl.ASLError, ValueError, TypeError, LookupError) as e:
        raise UsageError(str(e).strip() or type(e).__name__) from None
    response = {
        "status": result.status,
        "output": result.output,
        "error": result.error,
        "cause": result.cause,
        "nextState": result.next_state,
        "inspectionData": result.inspection_data,
    }
    write_text(args.output, _dump({k: v for k, v in response.items() if v is not None}))
    return OK if result.status == "SUCCEEDED" else NOT_SUCCEEDED


_EXTENSIONS = {".mmd": "mermaid", ".mermaid": "mermaid", ".dot": "dot", ".gv": "dot", ".svg": "svg", ".html": "html"}


def _format(args: argparse.Namespace) -> str:
    if args.format is not None:
        return str(args.format)
    if args.output:
        for extension, name in _EXTENSIONS.items():
            if args.output.lower().endswith(extension):
                return name
    return "mermaid"


def graph(args: argparse.Namespace) -> int:
    """``asl graph``: the state machine (and an execution's path) as mermaid, dot, svg or html."""
    from ..graph import build_graph, load_history, overlay_from_events, render

    machine = _parse(args.definition)
    overlay = None
    if args.execution is not None:
        document = json_arg(args.execution, "--execution")
        try:
            overlay = overlay_from_events(load_history(document))
        except ValueError as e:
            raise UsageError(f"--execution {args.execution}: {e}") from None
    elif args.run:
        execution = _start(args, machine, _clock(args.virtual_time))
        overlay = overlay_from_events(execution.events)
    text = render(build_graph(machine), _format(args), overlay)
    write_text(args.output, text)
    return OK


COMMANDS = {"run": run, "validate": validate, "test-state": test_state, "graph": graph}
"""Subcommand name -> function."""
