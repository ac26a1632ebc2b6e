"""Regenerate the generated parts of the documentation (README figures, docs/data-dictionary.md) from the package.

Exit 0 when written (or, with --check, up to date), 1 when --check finds them stale, 2 for a usage error.
"""
import argparse
import sys

from cnbef.cli import package_root
from cnbef.publish.docs import rendered


def main(argv):
    root = package_root()
    parser = argparse.ArgumentParser(prog="cnbef docs", description=__doc__.splitlines()[0], epilog=__doc__.split("\n\n", 1)[1])
    parser.add_argument("--check", action="store_true", help="only say whether they are stale; write nothing")
    args = parser.parse_args(argv)
    stale = [path for path, (current, wanted) in rendered(root).items() if current != wanted]
    if args.check:
        if stale:
            print(", ".join(p.name for p in stale) + ": generated parts out of date; run cnbef docs")
            return 1
        print("generated parts up to date")
        return 0
    for path, (current, wanted) in rendered(root).items():
        path.write_text(wanted, encoding="utf-8")
    print("generated parts written: " + (", ".join(p.name for p in stale) or "nothing changed"))
    return 0

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
