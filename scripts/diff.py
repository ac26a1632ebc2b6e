#!/usr/bin/env python3
"""Compare two versions of the package: python scripts/diff.py OLD NEW [--format text|json]

OLD and NEW are folders or git revisions (tags such as v1.0.0, commits, HEAD). Rows are keyed by
each table's primary key; the report lists rows added, removed and changed (old -> new per field)
and schema changes, and the version bump the policy requires. Exit 0, or 2 for a usage error.
"""
import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from cnbef.versioning import diff_json, diff_packages, diff_text, materialize, required_bump  # noqa: E402


def main(argv):
    parser = argparse.ArgumentParser(prog="diff.py", description=__doc__.splitlines()[0])
    parser.add_argument("old")
    parser.add_argument("new")
    parser.add_argument("--format", choices=("text", "json"), default="text")
    parser.add_argument("--repo", type=Path, default=ROOT, help="git repository for revisions (default: this one)")
    args = parser.parse_args(argv)
    try:
        diff = diff_packages(materialize(args.old, args.repo), materialize(args.new, args.repo))
    except (ValueError, OSError, KeyError) as exc:
        print(f"error: {exc}")
        return 2
    level, why = required_bump(diff)
    if args.format == "json":
        print(diff_json({**diff, "required_bump": level, "reasons": why}))
    else:
        print(diff_text(diff))
        print(f"required bump: {level or 'none'}" + (" (" + "; ".join(why) + ")" if why else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
