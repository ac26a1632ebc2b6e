"""Benchmark validation: cnbef bench [--sizes 10000 100000 1000000] [--engines fast duckdb] [--memory-limit 1GB]

First the real package, whole process, against frictionless validate. Then for each size of
synthetic package: pandas.read_csv(dtype=str) of the tables, our full validation on each engine
(every rule, provenance included), and frictionless validate (skipped where it would take longer
than the limit), side by side in one run, with ratios and peak memory; then the growth exponent
between the two largest sizes.
"""
import argparse
from pathlib import Path

from cnbef.tools.bench import main as run


def main(argv):
    parser = argparse.ArgumentParser(prog="cnbef bench", description=__doc__.splitlines()[0], epilog=__doc__.split("\n\n", 1)[1])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--frictionless-limit", type=float, default=300, help="seconds (default 300)")
    parser.add_argument("--keep", type=Path, help="keep the synthetic packages in this folder")
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement; the median is reported (default 3)")
    parser.add_argument("--engines", nargs="+", default=["fast", "duckdb"], choices=["fast", "duckdb", "spark"],
                        help="engines to measure side by side (default: fast duckdb)")
    parser.add_argument("--memory-limit", help="DuckDB's memory limit for the duckdb engine (e.g. 1GB)")
    args = parser.parse_args(argv)
    return run(args.sizes, args.frictionless_limit, args.keep, args.repeat, tuple(args.engines), args.memory_limit)
