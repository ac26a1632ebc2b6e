"""Write a synthetic valid package of N facts: cnbef synth N [--out DIR] [--seed S] [--part-rows R]

Its source texts go to DIR/sources; validate it with
cnbef validate DIR --sources DIR/sources
"""
import argparse
import sys
from pathlib import Path

from cnbef.tools.synth import build


def main(argv):
    parser = argparse.ArgumentParser(prog="cnbef synth", description=__doc__.splitlines()[0])
    parser.add_argument("n", type=int)
    parser.add_argument("--out", type=Path, default=Path("dist/synth"))
    parser.add_argument("--seed", type=int, default=2022)
    parser.add_argument("--part-rows", type=int, metavar="N", help="store facts as parts of at most N rows (cnbef parts)")
    args = parser.parse_args(argv)
    out = build(args.n, args.out, args.seed, part_rows=args.part_rows)
    print(f"{out}: {args.n} facts; sources in {out / 'sources'}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
