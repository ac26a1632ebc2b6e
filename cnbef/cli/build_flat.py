"""Build data/facts_flat.csv (and its schema) from the normalized tables, then refresh bytes and hashes.

Exit 0 when written (or, with --check, up to date), 1 when --check finds it stale, 2 for a usage error.
"""
import argparse
import sys

from cnbef.cli import package_root
from cnbef.package import flat
from cnbef.package.metadata import refreshed, write_descriptor


def main(argv):
    root = package_root()
    parser = argparse.ArgumentParser(prog="cnbef build-flat", description=__doc__.splitlines()[0], epilog=__doc__.split("\n\n", 1)[1])
    parser.add_argument("--check", action="store_true", help="only say whether the file is stale; write nothing")
    args = parser.parse_args(argv)
    if args.check:
        stale = flat.stale(root)
        if stale:
            print(", ".join(stale) + ": out of date; run cnbef build-flat")
            return 1
        print(f"{flat.PATH}: up to date")
        return 0
    flat.write(root)
    write_descriptor(root, refreshed(root))
    print(f"{flat.PATH} and {flat.SCHEMA_PATH} written; datapackage.json bytes/hashes refreshed")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
