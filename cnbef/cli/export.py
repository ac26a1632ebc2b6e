"""Export the package to SQLite, Parquet and Excel: cnbef export [PACKAGE_DIR] [--out DIR]

Writes into DIR (default: PACKAGE_DIR/dist, which git ignores). Exit 0 when written,
1 when the data cannot be exported faithfully (nothing is written then), 2 for a usage error.
"""
import argparse
import sys
from pathlib import Path


from cnbef.publish.exports import DIST, ExportError, export_all
from cnbef.package.tables import UsageError


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="cnbef export", description="Export the package to SQLite, Parquet and Excel.")
    parser.add_argument("package_dir", nargs="?", default=".", type=Path,
                        help="folder holding datapackage.json (default: .)")
    parser.add_argument("--out", type=Path, help=f"output folder (default: PACKAGE_DIR/{DIST})")
    args = parser.parse_args(argv)
    try:
        written = export_all(args.package_dir, args.out)
    except UsageError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except ExportError as exc:
        print(exc, file=sys.stderr)
        return 1
    for path in written:
        print(f"wrote {path} ({path.stat().st_size:,} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
