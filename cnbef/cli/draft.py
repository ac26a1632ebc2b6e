"""Draft the rows of a new page for review: cnbef draft PAGE [--source SPAN] [--range A:B] [--out REVIEW.csv]

PAGE is a file in the sources folder whose documents.csv row and spans in sources.csv exist. The
review file (UTF-8 with a BOM, so a spreadsheet opens it intact) has one row per number: the
mechanical columns drafted, the judgement columns guessed, a proposal (fact or mention) and a
status saying what to check. Set each row's decision to fact, mention or reject, complete it, then
run cnbef add. Nothing in data/ is written. Exit 0 when written, 1 when the page cannot be drafted,
2 for a usage error.
"""
import argparse
import sys
from pathlib import Path

from cnbef import PACKAGE_DIR
from cnbef.curation.draft import DraftError, draft, write_review
from cnbef.curation.measure import accuracy, accuracy_table
from cnbef.publish.docs import default_sources


def _measure(args) -> int:
    print(accuracy_table(accuracy(args.package, args.sources, args.readings)), end="")
    return 0


def _range(text):
    try:
        a, b = (int(x) for x in text.split(":"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a range START:END of character offsets") from None
    return a, b


def main(argv):
    parser = argparse.ArgumentParser(prog="cnbef draft", description=__doc__.split("\n\n")[0], epilog=__doc__.split("\n\n", 1)[1],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("page", nargs="?", help="file name of the page in the sources folder (NNN_<sha16>.txt)")
    parser.add_argument("--measure", action="store_true",
                        help="instead, measure the draft on every page of the package against its curation (a table; "
                             "cnbef docs writes it into docs/curation.md)")
    parser.add_argument("--readings", type=Path, help="with --measure: score the draft against the readings in this folder "
                        "(pages not curated yet; docs/curation.md says how a reading is written) instead")
    parser.add_argument("--sources", type=Path, default=default_sources(PACKAGE_DIR), help="the sources folder")
    parser.add_argument("--package", type=Path, default=Path(".") if Path("datapackage.json").is_file() else PACKAGE_DIR)
    parser.add_argument("--source", help="draft only this span (a source_id of sources.csv)")
    parser.add_argument("--range", type=_range, help="draft only the numbers between these offsets, START:END")
    parser.add_argument("--out", type=Path, help="review file to write (default: reviews/review-<document>.csv, a folder git ignores)")
    args = parser.parse_args(argv)
    if args.measure:
        return _measure(args)
    if args.page is None:
        parser.error("give the page to draft (or --measure)")
    start, end = args.range or (None, None)
    try:
        rows = draft(args.package, args.sources, Path(args.page).name, args.source, start, end)
    except DraftError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    if not rows:
        where = f"span {args.source}" if args.source else f"offsets {start}:{end}" if args.range else "the page's spans"
        print(f"error: no number to draft: {where} hold no number the tokenizer counts (cnbef/text/numerals.py); "
              f"nothing was written", file=sys.stderr)
        return 1
    out = args.out or Path("reviews") / f"review-{Path(args.page).stem}.csv"
    out.parent.mkdir(parents=True, exist_ok=True)
    out = write_review(rows, out)
    count = {kind: sum(r["proposal"] == kind for r in rows) for kind in ("fact", "mention", "unit")}
    print(f"{out}: {count['fact'] + count['mention']} numbers drafted ({count['fact']} proposed as facts, {count['mention']} as "
          f"excluded mentions) and {count['unit']} new units proposed; set each row's decision (fact, mention, unit, reject), "
          f"then: cnbef add {out}")
    return 0
