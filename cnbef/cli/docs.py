"""Regenerate the generated parts of the documentation (README figures, docs/data-dictionary.md, the rule list in
docs/validation.md, the draft's accuracy in docs/curation.md) from the package and the source texts.

Without the source texts the draft's accuracy is left as it is, and the command says it was skipped.

Exit 0 when written (or, with --check, up to date), 1 when --check finds them stale, 2 for a usage error.
"""
import argparse
import sys
from pathlib import Path

from cnbef.cli import package_root
from cnbef.publish.docs import default_sources, rendered


def main(argv):
    root = package_root()
    parser = argparse.ArgumentParser(prog="cnbef docs", description=__doc__.splitlines()[0], epilog=__doc__.split("\n\n", 1)[1])
    parser.add_argument("--check", action="store_true", help="only say whether they are stale; write nothing")
    parser.add_argument("--sources", type=Path, default=default_sources(root), help="the sources folder")
    args = parser.parse_args(argv)
    if not args.sources.is_dir():
        print(f"skipped: the draft's accuracy in docs/curation.md (needs the source texts; {args.sources} is absent)")
    pages = rendered(root, args.sources)
    stale = [path for path, (current, wanted) in pages.items() if current != wanted]
    if args.check:
        if stale:
            print(", ".join(p.name for p in stale) + ": generated parts out of date; run cnbef docs")
            return 1
        print("generated parts up to date")
        return 0
    for path, (current, wanted) in pages.items():
        path.write_text(wanted, encoding="utf-8")
    print("generated parts written: " + (", ".join(p.name for p in stale) or "nothing changed"))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
