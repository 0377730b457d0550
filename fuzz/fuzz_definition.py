#!/usr/bin/env python3
"""Coverage-guided fuzzing of the parser and validator (atheris).

    pip install -e '.[fuzz]'
    python fuzz/fuzz_definition.py fuzz/corpus/definition -max_total_time=600

New interesting inputs are written to the corpus folder; crashes to ``crash-*`` files.
"""

from __future__ import annotations

import sys

import atheris

with atheris.instrument_imports():
    from targets import check_definition

    import asl  # noqa: F401  (instrumented for coverage)


def main() -> None:
    """Run atheris on :func:`targets.check_definition`."""
    atheris.Setup(sys.argv, check_definition)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
