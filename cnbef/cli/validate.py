"""Command line of scripts/validate.py.

Exit codes (also in the README): 0 the package is valid; 1 it has problems, or the validator
stopped on something it does not handle; 2 a usage error (a wrong option, no package here).
With --format json every outcome, errors included, is printed as one JSON object.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from cnbef.package.tables import UsageError
from cnbef.validation.report import SHOWN_PER_RULE, error_json
from cnbef.validation.validate import ENGINES, validate_package

EXIT_VALID, EXIT_INVALID, EXIT_USAGE = 0, 1, 2


def _wants_json(argv: list[str]) -> bool:
    return "--format=json" in argv or any(a == "--format" and b == "json" for a, b in zip(argv, argv[1:]))


class _Parser(argparse.ArgumentParser):
    json = False

    def error(self, message):  # argparse exits 2 as well; keep its message short and plain, or JSON
        if self.json:
            print(error_json("usage", message, EXIT_USAGE))
            self.exit(EXIT_USAGE)
        self.print_usage()
        self.exit(EXIT_USAGE, f"error: {message}\n")


def _limit(text: str) -> int | None:
    n = int(text)
    if n < 0:
        raise argparse.ArgumentTypeError("must be 0 (all) or more")
    return n or None


def main(argv: list[str], prog: str = "validate.py") -> int:
    parser = _Parser(prog=prog, description="Validate the cn-business-environment-facts package.",
                     epilog="Exit 0 when valid, 1 when the data has problems (or the validator stopped on something it "
                            "does not handle), 2 for a usage error.")
    parser.json = _wants_json(argv)
    parser.add_argument("package_dir", nargs="?", help="folder holding datapackage.json (default: this folder if it "
                                                        "holds one, else the package installed with cnbef)")
    parser.add_argument("--sources", type=Path, help="folder of the source texts; without it, provenance checks are skipped")
    parser.add_argument("--format", choices=("text", "json"), default="text")
    parser.add_argument("--engine", choices=ENGINES, default="fast",
                        help="fast: in memory (default); duckdb: the tables stay in DuckDB, out of core (large packages); "
                             "spark: Spark SQL, local or a cluster (--spark-master); frictionless: also let Frictionless "
                             "re-check every row. Every engine runs the same rules and reports them the same way")
    parser.add_argument("--memory-limit", metavar="SIZE", help="duckdb: memory DuckDB may use before it spills to disk (e.g. 1GB)")
    parser.add_argument("--spark-master", metavar="URL",
                        help="spark: the cluster's master URL (default: local[2], or $CNBEF_SPARK_MASTER)")
    parser.add_argument("--progress", action=argparse.BooleanOptionalAction, default=None,
                        help="progress on stderr (default: only for packages over 20 MB)")
    parser.add_argument("--max-per-rule", type=_limit, default=SHOWN_PER_RULE, metavar="N",
                        help=f"print at most N problems per file and rule, then count the rest (default {SHOWN_PER_RULE}; 0: all)")
    args = parser.parse_args(argv)
    if args.sources is not None and not args.sources.is_dir():
        parser.error(f"--sources {args.sources}: not a folder")
    as_json = args.format == "json"
    if args.package_dir is None:
        from cnbef import PACKAGE_DIR
        args.package_dir = "." if Path("datapackage.json").is_file() else PACKAGE_DIR
    try:
        report = validate_package(Path(args.package_dir), args.sources, engine=args.engine, progress=args.progress,
                                  memory_limit=args.memory_limit, spark_master=args.spark_master)
    except UsageError as exc:
        print(error_json("usage", str(exc), EXIT_USAGE) if as_json else f"error: {exc}")
        return EXIT_USAGE
    except Exception as exc:  # a fault the rules did not foresee: say so plainly, and fail
        message = (f"the validator stopped on something it does not handle ({type(exc).__name__}: {exc}); "
                   f"the package was not fully checked. Please report this with the file you changed.")
        print(error_json("unforeseen", message, EXIT_INVALID) if as_json else f"error: {message}")
        return EXIT_INVALID
    print(report.as_json(args.max_per_rule) if as_json else report.as_text(args.max_per_rule))
    return EXIT_VALID if report.valid else EXIT_INVALID


if __name__ == "__main__":  # python -m cnbef.cli.validate
    sys.exit(main(sys.argv[1:]))
