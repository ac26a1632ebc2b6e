"""Cut a release: cnbef release VERSION [--date YYYY-MM-DD] [--sources DIR] [--check] [--no-tag]

Validates the package, diffs it against the previous release tag, refuses a version the policy
does not allow (or an id reused for a different fact), then writes the CHANGELOG section and the
descriptor metadata (version, created, bytes, hashes), commits "Release vVERSION" and tags it.
--check stops after the checks. Exit 0 done, 1 refused, 2 usage error.
"""
import argparse
import sys
from pathlib import Path

from cnbef import PACKAGE_DIR as ROOT
from cnbef.releases.release import Refused, plan, release
from cnbef.releases.versioning import parse_version


def _version(text):
    try:
        parse_version(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
    return text


def _date(text):
    import datetime
    try:
        datetime.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date YYYY-MM-DD") from None
    return text


def main(argv):
    parser = argparse.ArgumentParser(prog="cnbef release", description=__doc__.splitlines()[0], epilog=__doc__.split("\n\n", 1)[1])
    parser.add_argument("version", type=_version, help="MAJOR.MINOR.PATCH")
    parser.add_argument("--date", type=_date, help="release date YYYY-MM-DD (default: today)")
    parser.add_argument("--sources", type=Path, default=ROOT.parent / "shared" / "sources")
    parser.add_argument("--repo", type=Path, default=ROOT)
    parser.add_argument("--check", action="store_true", help="only check; write nothing")
    parser.add_argument("--no-tag", action="store_true")
    args = parser.parse_args(argv)
    sources = args.sources if args.sources.is_dir() else None
    try:
        if args.check:
            checked = plan(args.repo, args.version, sources)
            print(f"v{args.version} may be released (previous release: {checked['previous'] or 'none'})")
        else:
            print(release(args.repo, args.version, args.date, sources, tag=not args.no_tag))
    except Refused as exc:
        print(f"refused: {exc}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
