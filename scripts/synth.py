#!/usr/bin/env python3
"""Alias of `cnbef synth` (see `cnbef synth --help`), kept for CI and for those who call the script."""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from cnbef.cli.synth import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
