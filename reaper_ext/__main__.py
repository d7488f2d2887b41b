"""``python -m reaper_ext`` runs the command line."""

import sys

from reaper_ext.cli.main import main

if __name__ == "__main__":
    sys.exit(main())
