"""Command line of scripts/validate.py."""
from __future__ import annotations

import argparse
from pathlib import Path

from .package import UsageError
from .validate import ENGINES, validate_package

EXIT_VALID, EXIT_INVALID, EXIT_USAGE = 0, 1, 2


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # argparse exits 2 as well; keep its message short and plain
        self.print_usage()
        self.exit(EXIT_USAGE, f"error: {message}\n")


def main(argv: list[str]) -> int:
    parser = _Parser(prog="validate.py", description="Validate the cn-business-environment-facts package.")
    parser.add_argument("package_dir", nargs="?", default=".", help="folder holding datapackage.json (default: .)")
    parser.add_argument("--sources", type=Path, help="folder of the source texts; without it, provenance checks are skipped")
    parser.add_argument("--format", choices=("text", "json"), default="text")
    parser.add_argument("--engine", choices=ENGINES, default="fast",
                        help="fast: every rule, vectorized (default); frictionless: also let Frictionless re-check every row")
    parser.add_argument("--progress", action=argparse.BooleanOptionalAction, default=None,
                        help="progress on stderr (default: only for packages over 20 MB)")
    args = parser.parse_args(argv)
    if args.sources is not None and not args.sources.is_dir():
        parser.error(f"--sources {args.sources}: not a folder")
    try:
        report = validate_package(Path(args.package_dir), args.sources, engine=args.engine, progress=args.progress)
    except UsageError as exc:
        print(f"error: {exc}")
        return EXIT_USAGE
    except Exception as exc:  # a fault the rules did not foresee: say so plainly, and fail
        print(f"error: the validator stopped on something it does not handle ({type(exc).__name__}: {exc}); "
              f"the package was not fully checked. Please report this with the file you changed.")
        return EXIT_INVALID
    print(report.as_json() if args.format == "json" else report.as_text())
    return EXIT_VALID if report.valid else EXIT_INVALID
