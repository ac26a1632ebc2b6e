"""Draw the key-indicators chart from the data: cnbef chart [--out PATH]

Default output: docs/key-indicators.png (committed; a test fails when it is stale).
"""
import argparse
import sys
from pathlib import Path

from cnbef.cli import package_root
from cnbef.publish.chart import plotted_data, write_chart


def main(argv):
    root = package_root()
    parser = argparse.ArgumentParser(prog="cnbef chart", description="Draw docs/key-indicators.png from the package.")
    parser.add_argument("--out", type=Path, default=root / "docs" / "key-indicators.png",
                        help="PNG file to write (default: docs/key-indicators.png)")
    args = parser.parse_args(argv)
    out = write_chart(root, args.out)
    data = plotted_data(root)
    print(f"{out}: {data['panel'].nunique()} indicators compared across regions, {len(data)} achieved figures")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
