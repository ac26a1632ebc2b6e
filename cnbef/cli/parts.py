"""Store a large table as parts, or as one file again: cnbef parts TABLE --rows N | --join

Each part is a whole CSV with its header (data/TABLE/part-00001.csv, ...), listed in order as the
resource's "path" (a Frictionless multi-part resource). The rows are cut, never rewritten: joined,
the parts are the table byte for byte, so its bytes and hash in datapackage.json stay the same.
The validator reports each problem in its part, at the row a spreadsheet shows.

Exit 0 when done, 2 for a usage error (nothing is changed).
"""
import argparse
import sys
from pathlib import Path

from cnbef.package.tables import UsageError
from cnbef.package.parts import join, split
from cnbef.cli import package_root


def main(argv):
    parser = argparse.ArgumentParser(prog="cnbef parts", description=__doc__.splitlines()[0],
                                     epilog=__doc__.split("\n\n", 1)[1], formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("table", help="the resource's name, e.g. facts")
    how = parser.add_mutually_exclusive_group(required=True)
    how.add_argument("--rows", type=int, help="at most N rows per part")
    how.add_argument("--join", action="store_true", help="one file again (data/TABLE.csv)")
    parser.add_argument("--package", type=Path, default=None, help="folder holding datapackage.json (default: this one)")
    args = parser.parse_args(argv)
    package_dir = args.package or package_root()
    try:
        if args.join:
            print(f"{args.table}: one file, {join(package_dir, args.table)}")
        else:
            paths = split(package_dir, args.table, args.rows)
            print(f"{args.table}: {len(paths)} parts, {paths[0]} to {paths[-1]}")
    except UsageError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
