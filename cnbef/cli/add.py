"""Add a reviewed page to the package: cnbef add REVIEW.csv [--sources DIR]

Every row of the review file needs a decision: fact, mention or reject. Rows that are undecided or
incomplete are reported with their row and column, and nothing is written. Otherwise the accepted
rows get new ids (never used before), are merged sorted by key, the derived table and the metadata
are rebuilt, and the package is validated, all in a staged copy: an invalid result changes nothing and
its problems are printed. Killed at any moment, the package is the old tree or the new one; the next
cnbef add (or cnbef add --recover, or cnbef validate's report) completes or undoes a killed one.
Exit 0 when added, 1 when refused (nothing changed), 2 for a usage error.
"""
import argparse
import signal
import sys
from pathlib import Path

from cnbef import PACKAGE_DIR
from cnbef.curation import transaction
from cnbef.curation.add import AddError, add


def _terminated(signum, frame):
    raise KeyboardInterrupt


def main(argv):
    parser = argparse.ArgumentParser(prog="cnbef add", description=__doc__.split("\n\n")[0], epilog=__doc__.split("\n\n", 1)[1])
    parser.add_argument("review", type=Path, nargs="?", help="the review file written by cnbef draft, with decisions")
    parser.add_argument("--recover", action="store_true", help="only complete or undo an add that was killed, and say which")
    parser.add_argument("--sources", type=Path, default=PACKAGE_DIR.parent / "shared" / "sources", help="the sources folder")
    parser.add_argument("--package", type=Path, default=Path(".") if Path("datapackage.json").is_file() else PACKAGE_DIR)
    args = parser.parse_args(argv)
    signal.signal(signal.SIGTERM, _terminated)  # so that a staged copy is cleaned up as on Ctrl-C
    if args.recover:
        print(transaction.recover(args.package) or "nothing to recover: no add was interrupted")
        return 0
    if args.review is None:
        parser.error("a review file is needed (or --recover)")
    if not args.review.is_file():
        parser.error(f"{args.review}: no such file")
    try:
        outcome = add(args.package, args.review, args.sources if args.sources.is_dir() else None)
    except AddError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted: nothing added; every file is as it was", file=sys.stderr)
        return 130
    if outcome.recovered:
        print(outcome.recovered)
    for line in outcome.problems:
        print(line)
    if outcome.problems:
        print(f"nothing added: {len(outcome.problems)} problems in the review file")
        return 1
    if outcome.invalid:
        print(outcome.invalid)
        print("nothing added: with these rows the package would not be valid; every file is as it was")
        return 1
    added = ", ".join(f"{len(ids)} {table}" for table, ids in outcome.added.items())
    print(f"added {added}; {len(outcome.rejected)} rows rejected (review rows {', '.join(map(str, outcome.rejected)) or '-'}); "
          f"the package is valid. Next: cnbef refresh (docs, chart), the tests, then cnbef release")
    return 0
