"""Compare two versions of the package: cnbef diff OLD NEW [--format text|json]

OLD and NEW are folders or git revisions (tags such as v1.0.0, commits, HEAD). Rows are keyed by
each table's primary key; the report lists rows added, removed and changed (old -> new per field)
and schema changes, and the version bump the policy requires.

Exit codes: 0 when the comparison ran (with --exit-code: and found no difference), 1 with
--exit-code when the versions differ (as git diff --exit-code does, for CI), 2 for a usage error
(an unknown option, or a folder or revision that is not a package).
"""
import argparse
import sys
import tempfile
from pathlib import Path

from cnbef import PACKAGE_DIR as ROOT
from cnbef.releases.versioning import diff_json, diff_packages, diff_text, materialize, required_bump


def main(argv):
    parser = argparse.ArgumentParser(prog="cnbef diff", description=__doc__.split("\n\n")[0],
                                     epilog=__doc__.split("\n\n", 1)[1], formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("old")
    parser.add_argument("new")
    parser.add_argument("--format", choices=("text", "json"), default="text")
    parser.add_argument("--repo", type=Path, default=ROOT, help="git repository for revisions (default: this one)")
    parser.add_argument("--exit-code", action="store_true", help="exit 1 when the two versions differ, 0 when they do not")
    args = parser.parse_args(argv)
    try:
        with tempfile.TemporaryDirectory(prefix="cnbef-diff-") as workdir:
            diff = diff_packages(materialize(args.old, args.repo, Path(workdir)), materialize(args.new, args.repo, Path(workdir)))
    except (ValueError, OSError, KeyError) as exc:
        print(f"error: {exc}")
        return 2
    level, why = required_bump(diff)
    if args.format == "json":
        print(diff_json({**diff, "required_bump": level, "reasons": why}))
    else:
        print(diff_text(diff))
        print(f"required bump: {level or 'none'}" + (" (" + "; ".join(why) + ")" if why else ""))
    differs = bool(diff["tables"] or diff["tables_added"] or diff["tables_removed"])
    return 1 if args.exit_code and differs else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
