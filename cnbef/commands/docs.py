"""Regenerate the README's figures and data dictionary from the package.

Exit 0 when written (or, with --check, up to date), 1 when --check finds them stale, 2 for a usage error.
"""
import argparse
import sys
from pathlib import Path

from .. import PACKAGE_DIR as ROOT
from ..docs import render


def main(argv):
    parser = argparse.ArgumentParser(prog="cnbef docs", description=__doc__.splitlines()[0], epilog=__doc__.split("\n\n", 1)[1])
    parser.add_argument("--check", action="store_true", help="only say whether they are stale; write nothing")
    args = parser.parse_args(argv)
    readme = ROOT / "README.md"
    current = readme.read_text(encoding="utf-8")
    wanted = render(current, ROOT)
    if args.check:
        if wanted != current:
            print("README.md: the generated figures or data dictionary are out of date; run cnbef docs")
            return 1
        print("README.md: generated parts up to date")
        return 0
    readme.write_text(wanted, encoding="utf-8")
    print("README.md: generated parts written")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
