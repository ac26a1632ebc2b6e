#!/usr/bin/env python3
"""Recompute bytes and sha256 hash of every table in datapackage.json; --check exits 1 when they are stale."""
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from cnbef.metadata import refreshed, stale_resources, write_descriptor  # noqa: E402


def main(argv):
    package = Path(next((a for a in argv if not a.startswith("--")), ROOT))
    stale = stale_resources(package)
    if "--check" in argv:
        if stale:
            print("datapackage.json: bytes/hash out of date for " + ", ".join(stale) + "; run python scripts/refresh_metadata.py")
            return 1
        print("datapackage.json: bytes and hashes up to date")
        return 0
    write_descriptor(package, refreshed(package))
    print("datapackage.json: refreshed " + (", ".join(stale) if stale else "nothing (already up to date)"))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
