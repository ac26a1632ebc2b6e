#!/usr/bin/env python3
"""Validate the whole package: python scripts/validate.py [PACKAGE_DIR] [--sources DIR] [--format text|json]

Exit 0 when valid, 1 when the data has problems, 2 for a usage error.
"""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from cnbef.cli.validate import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
