"""Find a quote's or a mention's offsets in a source text, for curating: cnbef locate SOURCE_FILE TEXT [VALUE_TEXT]

Prints quote_start and quote_end of TEXT (line breaks of the print layout may fall inside it) and,
given the numeral as written, value_start; with --mention, TEXT is an excluded mention and
char_start and char_end are printed. Also the file's sha256, char_count and byte_count for
documents.csv. When TEXT occurs more than once, pick one with --occurrence N (1 is the first) or
--context C (a longer stretch of text, found once, that holds it). Exit 0 when found, 1 when it is
not found or is ambiguous, 2 for a usage error.
"""
import argparse
import hashlib
from pathlib import Path

from cnbef.text.numerals import NUMBER_TOKEN
from cnbef.validation.checks.provenance import LARGE_UNIT_CHARS
from cnbef.text.quotes import find_quote, quote_at


def _pick(text: str, wanted: str, occurrence: int | None, context: str | None) -> tuple[tuple[int, int] | None, str]:
    hits = find_quote(text, wanted)
    if context is not None:
        around = find_quote(text, context)
        if len(around) != 1:
            return None, f"the context occurs {len(around)} times; give a context found once"
        hits = [h for h in hits if around[0][0] <= h[0] and h[1] <= around[0][1]]
    if occurrence is not None:
        return (hits[occurrence - 1], "") if 0 < occurrence <= len(hits) else (None, f"there are {len(hits)} occurrences, not {occurrence}")
    if len(hits) != 1:
        return None, (f"it occurs {len(hits)} times (at {', '.join(str(a) for a, _ in hits)}); pick one with --occurrence N "
                      f"or --context" if hits else "it is not in the text; check it against the page")
    return hits[0], ""


def main(argv):
    parser = argparse.ArgumentParser(prog="cnbef locate", description=__doc__.split("\n\n")[0], epilog=__doc__.split("\n\n", 1)[1])
    parser.add_argument("source_file", type=Path)
    parser.add_argument("text", help="the quote (or, with --mention, the excluded mention) as written")
    parser.add_argument("value_text", nargs="?", help="the numeral as written, inside the quote")
    parser.add_argument("--mention", action="store_true", help="TEXT is an excluded mention: print char_start and char_end")
    parser.add_argument("--occurrence", type=int, metavar="N", help="take the Nth occurrence of TEXT (1 is the first)")
    parser.add_argument("--context", metavar="C", help="take the occurrence of TEXT inside this longer text")
    args = parser.parse_args(argv)
    if not args.source_file.is_file():
        parser.error(f"{args.source_file}: no such file")
    raw = args.source_file.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        parser.error(f"{args.source_file}: not UTF-8")
    print(f"document: sha256={hashlib.sha256(raw).hexdigest()} char_count={len(text)} byte_count={len(raw)}")
    found, why = _pick(text, args.text, args.occurrence, args.context)
    if found is None:
        print(f"{'mention' if args.mention else 'quote'} {args.text!r}: {why}")
        return 1
    start, end = found
    if args.mention:
        print(f"char_start={start} char_end={end} text={quote_at(text, start, end)!r}")
        return 0
    print(f"quote_start={start} quote_end={end} quote={quote_at(text, start, end)!r}")
    if args.value_text is not None:
        # whole numerals only: the 21 of 2021 is no value (a trailing 万 or 亿 belongs to the unit, as in 百亿级)
        inside = [m.start() for m in NUMBER_TOKEN.finditer(text, start, end)
                  if m.group().startswith(args.value_text) and not m.group()[len(args.value_text):].strip(LARGE_UNIT_CHARS)]
        if not inside:
            print(f"value_text {args.value_text!r} is not in the quote")
            return 1
        print(f"value_start={inside[0]}" + (f" (also at {inside[1:]}: pick the right one)" if len(inside) > 1 else ""))
    return 0
