"""Export the package to SQLite, Parquet and Excel: cnbef export [PACKAGE_DIR] [--out DIR]

PACKAGE_DIR is found as `cnbef validate` finds it: this folder if it holds a datapackage.json, else the
installed package. DIR defaults to NAME-VERSION-export in this folder; inside a package's checkout
nothing is written unasked, so --out is needed there (dist/ is ignored by git). Exit 0 when written,
1 when the data cannot be exported faithfully (nothing is written then), 2 for a usage error.
"""
import argparse
import sys
from pathlib import Path

from cnbef.cli import package_root
from cnbef.package.tables import UsageError, read_descriptor
from cnbef.publish.exports import ExportError, export_all


def _checkout_around(folder: Path) -> Path | None:
    """The package checkout holding folder, if any (a folder with a datapackage.json, at or above it)."""
    return next((p for p in [folder, *folder.parents] if (p / "datapackage.json").is_file()), None)


def default_out(package_dir: Path) -> Path:
    checkout = _checkout_around(Path.cwd().resolve())
    if checkout is not None:
        raise UsageError(f"{checkout} is a package checkout: say where to write with --out (dist/ is ignored by git)")
    descriptor = read_descriptor(package_dir)
    return Path(f"{descriptor['name']}-{descriptor.get('version', 'unversioned')}-export")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="cnbef export", description=__doc__.splitlines()[0],
                                     epilog=__doc__.split("\n\n", 1)[1])
    parser.add_argument("package_dir", nargs="?", type=Path,
                        help="folder holding datapackage.json (default: this folder if it holds one, else the installed package)")
    parser.add_argument("--out", type=Path, help="output folder (default: NAME-VERSION-export here, outside a checkout)")
    args = parser.parse_args(argv)
    package = args.package_dir or package_root()
    try:
        written = export_all(package, args.out or default_out(package))
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
