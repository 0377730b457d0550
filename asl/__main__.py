"""``python -m asl``: the same as the ``asl`` command."""

import sys

from .cli import main

sys.exit(main())
