"""Recompute the bytes and sha256 hash of every table in datapackage.json.

Exit 0 when written (or, with --check, up to date), 1 when --check finds them stale, 2 for a usage error.
"""
import argparse
import sys
from pathlib import Path

from cnbef import PACKAGE_DIR as ROOT
from cnbef.package.metadata import refreshed, stale_resources, write_descriptor


def main(argv):
    parser = argparse.ArgumentParser(prog="cnbef refresh", description=__doc__.splitlines()[0], epilog=__doc__.split("\n\n", 1)[1])
    parser.add_argument("package_dir", nargs="?", type=Path, default=ROOT, help="folder holding datapackage.json (default: this checkout)")
    parser.add_argument("--check", action="store_true", help="only say whether they are stale; write nothing")
    args = parser.parse_args(argv)
    if not (args.package_dir / "datapackage.json").is_file():
        parser.error(f"{args.package_dir}: no datapackage.json here")
    stale = stale_resources(args.package_dir)
    if args.check:
        if stale:
            print("datapackage.json: bytes/hash out of date for " + ", ".join(stale) + "; run cnbef refresh")
            return 1
        print("datapackage.json: bytes and hashes up to date")
        return 0
    write_descriptor(args.package_dir, refreshed(args.package_dir))
    print("datapackage.json: refreshed " + (", ".join(stale) if stale else "nothing (already up to date)"))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
