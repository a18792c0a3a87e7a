"""``python -m labelnoise``: the command line; with no arguments it runs the demo."""

import sys

from labelnoise.cli import main

if __name__ == "__main__":
    sys.exit(main())
