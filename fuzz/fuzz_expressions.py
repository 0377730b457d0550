#!/usr/bin/env python3
"""Coverage-guided fuzzing of paths, templates, intrinsic functions and JSONata (atheris).

    pip install -e '.[fuzz]'
    python fuzz/fuzz_expressions.py fuzz/corpus/expression -max_total_time=600

The first byte of an input picks the language (see :func:`targets.check_expression`).
"""

from __future__ import annotations

import sys

import atheris

with atheris.instrument_imports():
    import jsonata  # noqa: F401
    import jsonpath_ng  # noqa: F401
    from targets import check_expression

    import asl  # noqa: F401  (instrumented for coverage)


def main() -> None:
    """Run atheris on :func:`targets.check_expression`."""
    atheris.Setup(sys.argv, check_expression)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
