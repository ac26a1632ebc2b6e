#!/usr/bin/env python3
"""Build data/facts_flat.csv (and its schema) from the normalized tables; --check exits 1 when it is stale."""
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from cnbef import flat  # noqa: E402
from cnbef.metadata import refreshed, write_descriptor  # noqa: E402


def main(argv):
    if "--check" in argv:
        stale = flat.stale(ROOT)
        if stale:
            print(", ".join(stale) + ": out of date; run python scripts/build_flat.py")
            return 1
        print(f"{flat.PATH}: up to date")
        return 0
    flat.write(ROOT)
    write_descriptor(ROOT, refreshed(ROOT))
    print(f"{flat.PATH} and {flat.SCHEMA_PATH} written; datapackage.json bytes/hashes refreshed")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
