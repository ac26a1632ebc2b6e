"""Find a quote's offsets in a source text, for curating: cnbef locate SOURCE_FILE QUOTE [VALUE_TEXT]

Prints quote_start and quote_end (line breaks of the print layout may fall inside the quote) and,
given the numeral as written, value_start; plus the file's sha256, char_count and byte_count for
documents.csv. Exit 1 when the quote is not found or occurs more than once (quote more context).
"""
import hashlib
import sys
from pathlib import Path

from ..quotes import find_quote, quote_at


def main(argv):
    import argparse
    parser = argparse.ArgumentParser(prog="cnbef locate", description=__doc__.splitlines()[0], epilog=__doc__.split("\n\n", 1)[1])
    parser.add_argument("source_file", type=Path)
    parser.add_argument("quote")
    parser.add_argument("value_text", nargs="?")
    args = parser.parse_args(argv)
    if not args.source_file.is_file():
        parser.error(f"{args.source_file}: no such file")
    path, quote = args.source_file, args.quote
    argv = [str(path), quote] + ([args.value_text] if args.value_text is not None else [])
    raw = path.read_bytes()
    text = raw.decode("utf-8")
    print(f"document: sha256={hashlib.sha256(raw).hexdigest()} char_count={len(text)} byte_count={len(raw)}")
    hits = find_quote(text, quote)
    if len(hits) != 1:
        print(f"the quote occurs {len(hits)} times; {'quote more context' if hits else 'check it against the text'}")
        return 1
    start, end = hits[0]
    print(f"quote_start={start} quote_end={end} quote={quote_at(text, start, end)!r}")
    if len(argv) == 3:
        found = [i for i in range(start, end) if text.startswith(argv[2], i)]
        if not found:
            print(f"value_text {argv[2]!r} is not in the quote")
            return 1
        print(f"value_start={found[0]}" + (f" (also at {found[1:]}: pick the right one)" if len(found) > 1 else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
