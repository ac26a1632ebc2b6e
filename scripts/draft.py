#!/usr/bin/env python3
"""Alias of `cnbef draft` (see `cnbef draft --help`), kept for those who call the script."""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from cnbef.cli.draft import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
