"""Evidence quotes and their offsets in a source text.

Offsets are 0-based Unicode code-point positions, end exclusive (a Python slice).
A quote is the slice with print-layout line breaks removed: the page breaks lines
in the middle of Chinese sentences, where a break carries no meaning, and a quote
with an embedded newline would be awkward in a spreadsheet cell.
"""
from __future__ import annotations

import re

LINE_BREAKS = "\r\n"
_BREAKS = re.compile(f"[{LINE_BREAKS}]+")


def quote_at(text: str, start: int, end: int) -> str:
    """The quote that offsets ``start``..``end`` designate in ``text``."""
    return _BREAKS.sub("", text[start:end])


def find_quote(text: str, quote: str) -> list[tuple[int, int]]:
    """Every (start, end) at which ``quote`` occurs in ``text``, line breaks allowed between characters."""
    if not quote:
        return []
    pattern = f"[{LINE_BREAKS}]*".join(re.escape(ch) for ch in quote)
    return [(m.start(), m.end()) for m in re.finditer(pattern, text)]
