#!/usr/bin/env python3
"""Draw the key-indicators chart from the data: python scripts/chart.py [--out PATH]

Default output: docs/key-indicators.png (committed; a test fails when it is stale).
"""
import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from cnbef.chart import plotted_data, write_chart  # noqa: E402


def main(argv):
    parser = argparse.ArgumentParser(prog="chart.py", description="Draw docs/key-indicators.png from the package.")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "key-indicators.png",
                        help="PNG file to write (default: docs/key-indicators.png)")
    args = parser.parse_args(argv)
    out = write_chart(ROOT, args.out)
    counts = plotted_data(ROOT)["panel"].value_counts()
    print(f"{out}: {counts.get('growth_rate', 0)} growth rates, {counts.get('monetary_amount', 0)} monetary amounts")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
