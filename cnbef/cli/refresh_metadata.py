"""Regenerate everything derived from the tables: cnbef refresh [PACKAGE_DIR] [--sources DIR] [--check]

In order: the tables sorted by primary key (a hand edit may leave a row at the end), data/facts_flat.csv,
the generated parts of the README and docs (the draft's accuracy needs the source texts; without them it
is left as it is and said skipped), docs/key-indicators.png, and the bytes and hashes in datapackage.json.
After a page is added, this is the one command that makes the checkout what the tests require.

Exit 0 when written (or, with --check, up to date), 1 when --check finds something stale, 2 for a usage error.
"""
import argparse
import sys
from pathlib import Path

from cnbef.cli import package_root
from cnbef.publish.docs import default_sources
from cnbef.publish.refresh import refresh, stale


def main(argv):
    parser = argparse.ArgumentParser(prog="cnbef refresh", description=__doc__.split("\n\n")[0], epilog=__doc__.split("\n\n", 1)[1])
    parser.add_argument("package_dir", nargs="?", type=Path, default=package_root(), help="folder holding datapackage.json (default: this checkout)")
    parser.add_argument("--sources", type=Path, help="the sources folder (default: ../shared/sources beside the package)")
    parser.add_argument("--check", action="store_true", help="only say what is stale; write nothing")
    args = parser.parse_args(argv)
    if not (args.package_dir / "datapackage.json").is_file():
        parser.error(f"{args.package_dir}: no datapackage.json here")
    sources = args.sources or default_sources(args.package_dir)
    if not sources.is_dir():
        print(f"skipped: the draft's accuracy in docs/curation.md (needs the source texts; {sources} is absent)")
    if args.check:
        found = stale(args.package_dir, sources)
        print("\n".join(found) + "\nrun cnbef refresh" if found else "everything derived is up to date")
        return 1 if found else 0
    written = refresh(args.package_dir, sources)
    print("written: " + ", ".join(written) if written else "nothing to write: everything derived is up to date")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
