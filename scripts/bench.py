#!/usr/bin/env python3
"""Benchmark validation: python scripts/bench.py [--sizes 10000 100000 1000000] [--frictionless-limit 300]

For each size: pandas.read_csv(dtype=str) of the tables, our full validation (every rule, provenance
included), and frictionless validate (skipped where it would take longer than the limit), with ratios,
rows per second and peak memory; then the growth exponent between the two largest sizes.
"""
import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from cnbef.bench import main  # noqa: E402

if __name__ == "__main__":
    parser = argparse.ArgumentParser(prog="bench.py", description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--frictionless-limit", type=float, default=300, help="seconds (default 300)")
    parser.add_argument("--keep", type=Path, help="keep the synthetic packages in this folder")
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement; the median is reported (default 3)")
    args = parser.parse_args()
    sys.exit(main(args.sizes, args.frictionless_limit, args.keep, args.repeat))
