"""``python -m asl``: the same as the ``asl`` command."""

import sys

from .cli import main

if __name__ == "__main__":
    sys.exit(main())
