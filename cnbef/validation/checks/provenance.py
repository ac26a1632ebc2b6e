"""Checks against the source text: hashes, quotes, offsets, qualifiers, completeness.

The text is not part of the package; these checks run only when the folder of
source documents is given, and are reported as skipped otherwise.
"""
from __future__ import annotations

import hashlib
import re
import unicodedata
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from cnbef.text.numerals import LARGE_UNITS, NUMBER_TOKEN
from cnbef.text.qualifiers import AFTER, BEFORE, QUALIFIER_WORDS
from cnbef.text.quotes import LINE_BREAKS, quote_at
from cnbef.text.script import to_simplified as _to_simplified
from cnbef.text.units import after_list
from cnbef.validation.checks import context
from cnbef.validation.checks.files import SAFE_RANGES
from cnbef.package.tables import DESCRIPTOR
from cnbef.validation.registry import of_layer
from cnbef.validation.report import Problem, guarded

# the checks that need the page texts, as the registry declares them ("provenance" says they could not run)
CHECKS = tuple(name for name in of_layer("provenance") if name != "provenance")
_SUFFIX_WORDS = "|".join(AFTER)


def _suffix_pattern(units: pd.DataFrame) -> re.Pattern:
    """A qualifier word after the numeral, with only characters of unit symbols between (20%以上, 4万多吨, 1023大以上)."""
    chars = sorted(set("".join(units["symbol"].dropna().astype(str))) | {"%", "％"})
    return re.compile(rf"^[{re.escape(''.join(chars))}]*?(?P<word>{_SUFFIX_WORDS})")


def _row(i) -> int:
    return int(i) + 2


def load_documents(documents: pd.DataFrame, sources_dir: Path, file: str):
    """(texts by document_id, problems, skipped) for the documents found in sources_dir."""
    texts, problems, skipped = {}, [], []
    folder = Path(sources_dir).resolve()
    for i, doc_id, name, sha, chars, size in documents[["document_id", "file_name", "sha256", "char_count", "byte_count"]].itertuples():
        path = Path(sources_dir) / str(name)
        if Path(str(name)).name != str(name) or str(name).startswith(".") or path.resolve().parent != folder:
            problems.append(Problem(file, _row(i), "file_name", "document_hash", str(name),
                                    "must be the name of a file in the sources folder (no folder, no absolute path, "
                                    "no link out of it); nothing outside that folder is opened"))
            continue
        if not path.is_file():
            skipped.append(f"provenance checks for document {doc_id}: {path} not found")
            continue
        raw = path.read_bytes()
        digest = hashlib.sha256(raw).hexdigest()
        if digest != sha:
            problems.append(Problem(file, _row(i), "sha256", "document_hash", sha,
                                    f"{path} has SHA-256 {digest}; the text changed or the wrong file is cited"))
            continue
        text = raw.decode("utf-8")
        # a count that did not type is missing here (its type-error is reported); the other is still compared
        if any(pd.notna(n) and n != actual for n, actual in ((chars, len(text)), (size, len(raw)))):
            problems.append(Problem(file, _row(i), "char_count, byte_count", "document_hash", f"{chars}, {size}",
                                    f"the file has {len(text)} characters and {len(raw)} bytes"))
        texts[doc_id] = text
    return texts, problems, skipped


def _texts_by_source(tables, texts) -> dict:
    """Source id -> its document's text (plain dict: a column of page texts would copy each page per row)."""
    s = tables["sources"]
    return {sid: texts[doc] for sid, doc in zip(s["source_id"].tolist(), s["document_id"].tolist()) if doc in texts}


def _in_range(source: pd.Series, start: pd.Series, end: pd.Series, text_of: dict) -> pd.Index:
    """Rows whose source text is known and whose offsets lie inside it."""
    codes, ids = pd.factorize(source)  # a missing source is code -1: the last length, -1, below
    length = np.array([len(text_of[sid]) if sid in text_of else -1 for sid in ids] + [-1], dtype=np.float64)[codes]
    a, b = (np.asarray(x.to_numpy(dtype=np.float64, na_value=np.nan)) for x in (start, end))
    with np.errstate(invalid="ignore"):  # NaN compares false: a missing offset is out of range
        ok = (length >= 0) & (a >= 0) & (a < b) & (b <= length)
    return source.index[ok]


def _unbroken(text: str) -> str:
    return text.replace("\n", "").replace("\r", "") if ("\n" in text or "\r" in text) else text


def text_pieces(sources: pd.Series, a: np.ndarray, b: np.ndarray, text_of: dict) -> list[str]:
    """text[a:b] of each row's source text."""
    pieces = [""] * len(sources)
    for text, ks in by_page(sources, text_of):
        for k, lo, hi in zip(ks.tolist(), a[ks].tolist(), b[ks].tolist()):
            pieces[k] = text[lo:hi]
    return pieces


def _quote_problems(frame, file, text_of, quote_col, start_col, end_col, rule):
    import pyarrow as pa
    import pyarrow.compute as pc

    rows = _in_range(frame["source_id"], frame[start_col], frame[end_col], text_of)
    # The common case for all rows at once: the quote is the text at its range, which starts and ends on no
    # line break. The other rows are read one by one, for their message.
    pieces = pa.array(text_pieces(frame.loc[rows, "source_id"], frame.loc[rows, start_col].to_numpy(np.int64),
                                  frame.loc[rows, end_col].to_numpy(np.int64), text_of), pa.large_string())
    quotes = pa.array(frame.loc[rows, quote_col].array, pa.large_string(), from_pandas=True)
    breaks = pa.array(list(LINE_BREAKS), pa.large_string())
    edges = pc.or_(pc.is_in(pc.utf8_slice_codeunits(pieces, 0, 1), breaks), pc.is_in(pc.utf8_slice_codeunits(pieces, -1), breaks))
    fine = pc.and_(pc.fill_null(pc.equal(pieces, quotes), False), pc.invert(edges)).to_numpy(zero_copy_only=False)
    rows = rows[~fine]
    problems = []
    for i, sid, a, b, quote in zip(rows, frame.loc[rows, "source_id"].tolist(), frame.loc[rows, start_col].tolist(),
                                   frame.loc[rows, end_col].tolist(), frame.loc[rows, quote_col].tolist()):
        piece = text_of[sid][a:b]
        if piece != quote and _unbroken(piece) != quote:
            problems.append(Problem(file, _row(i), quote_col, rule, quote,
                                    f"differs from the source text at {a}..{b}, which reads {_unbroken(piece)!r}"))
        elif piece[0] in LINE_BREAKS or piece[-1] in LINE_BREAKS:
            problems.append(Problem(file, _row(i), f"{start_col}, {end_col}", rule, f"{a}..{b}",
                                    "the range starts or ends on a line break; trim it to the quote"))
    return problems


def check(tables: dict, files: dict, texts: dict) -> list[Problem]:
    """Every provenance problem of the tables against the source texts that were found."""
    text_of = _texts_by_source(tables, texts)
    tokens = Tokens()
    problems = []
    f, p, x, s = tables["facts"], tables["policies"], tables["excluded_mentions"], tables["sources"]
    problems += _quote_problems(f, files["facts"], text_of, "quote", "quote_start", "quote_end", "quote_text")
    around = Around(f, text_of)
    problems += _value_problems(f, files["facts"], text_of, _suffix_pattern(tables["units"]), around, tables["units"])
    problems += _quote_problems(p, files["policies"], text_of, "quote", "quote_start", "quote_end", "quote_text")
    problems += _quote_problems(x, files["excluded_mentions"], text_of, "text", "char_start", "char_end",
                                "excluded_mention_text")
    for i, quote, title in p[["quote", "title_zh"]].itertuples():
        if pd.notna(quote) and pd.notna(title) and f"《{title}》" not in quote:
            problems.append(Problem(files["policies"], _row(i), "title_zh", "policy_title_in_quote", title,
                                    "the quote must contain the title between 《 and 》 exactly as written"))
    for i, sid, start, title in s[["source_id", "char_start", "title_zh"]].itertuples():
        text = text_of.get(sid)
        if isinstance(text, str) and pd.notna(start) and pd.notna(title) and not text.startswith(title, int(start)):  # headline-less kinds leave title_zh empty
            problems.append(Problem(files["sources"], _row(i), "char_start", "article_title", str(start),
                                    f"the article should start with its title {title!r} at this offset"))
    problems += _quotation_mark_problems(x, tables.get("exclusion_reasons"), files["excluded_mentions"], text_of)
    problems += _boundary_problems(x, files["excluded_mentions"], text_of, "char_start", x["char_end"], "text", tokens)
    problems += _coverage(s, tables["documents"], files["sources"], texts)
    problems += _unit_problems(f, files["facts"], text_of, tables["units"], around)
    problems += _boundary_problems(f, files["facts"], text_of, "value_start",
                                   f["value_start"] + f["value_text"].str.len().astype("Int64"), "value_text", tokens)
    problems += _completeness(tables, files, texts, tokens)
    problems += _policy_titles(tables, files, texts)
    problems += context.claim_problems(f, files["facts"], text_of)
    problems += context.region_problems(f, files["facts"], text_of, s, tables["regions"])
    problems += context.period_problems(f, files["facts"], text_of, s, tables["documents"])
    return problems


# --- the unit written after the numeral ---------------------------------------------

# Words that may stand inside or before a unit as written: 4万多吨, 3000余亩, 50多家.
_INFIX_CHARS = "多余餘"
_UNIT_INFIXES = f"(?:{'|'.join(_INFIX_CHARS)})?"


@lru_cache(maxsize=8)
def _unit_matcher(symbols: tuple[tuple[str, str], ...], spans: bool = False):
    """(unit_id, symbol) pairs -> a function giving the unit written at the start of a text: the longest symbol,
    as [(unit_id, length of the symbol)], or with ``spans`` [(unit_id, where the unit as written ends)].

    One regular expression with an alternative per unit, longest symbols first, so the first
    alternative that matches is the unit as written (个百分点 before 个).
    """
    units = sorted(((uid, sym) for uid, sym in symbols if sym), key=lambda u: -len(u[1]))
    if not units:
        return lambda text: []
    pattern = re.compile("|".join(f"(?P<u{k}>{_UNIT_INFIXES + _UNIT_INFIXES.join(map(re.escape, sym))})"
                                  for k, (_, sym) in enumerate(units)))

    def written(text: str) -> list[tuple[str, int]]:
        m = pattern.match(text)
        if m is None:
            return []
        uid, sym = units[int(m.lastgroup[1:])]
        return [(uid, m.end() if spans else len(sym))]
    return written


def _after_numeral(text: str, b: int) -> str:
    return unicodedata.normalize("NFKC", _unbroken(text[b:b + 16])).lstrip()


def by_page(sources, text_of: dict):
    """(text, positions of its rows) for each page the rows' sources lie on: rows grouped once, vectorized."""
    codes, ids = pd.factorize(pd.Series(sources) if isinstance(sources, list) else sources)
    pages, page_of = {}, np.empty(len(ids) + 1, np.int64)
    for k, sid in enumerate(ids):  # the sources of a page share its text
        page_of[k] = pages.setdefault(id(text_of[sid]), (len(pages), text_of[sid]))[0]
    page = page_of[codes]
    order = np.argsort(page, kind="stable")
    bounds = np.searchsorted(page[order], np.arange(len(pages) + 1))
    return [(text, order[bounds[n]:bounds[n + 1]]) for n, text in pages.values()]


def code_points(sources: pd.Series, windows: list[tuple[np.ndarray, int]], text_of: dict) -> list[np.ndarray]:
    """For each window (starts, width): the (rows, width) code points of each row's text from its start on
    (0 outside the text). Each page becomes an array of code points once; its rows are cut with one fancy index."""
    out = [np.zeros((len(sources), width), np.uint32) for _, width in windows]
    pad = max((width for _, width in windows), default=0)
    for text, ks in by_page(sources, text_of):
        points = np.frombuffer(("\0" * pad + text + "\0" * pad).encode("utf-32-le"), dtype=np.uint32)
        kind = np.int32 if len(points) < 2**31 else np.int64
        for (starts, width), cut in zip(windows, out):
            cut[ks] = points[np.add.outer((starts[ks] + pad).astype(kind), np.arange(width, dtype=kind))]
    return out


def as_strings(points: np.ndarray) -> np.ndarray:
    """Rows of code points as fixed-width strings (0 at the end is padding)."""
    return np.ascontiguousarray(points).view(f"<U{points.shape[1]}").ravel()


def _column(f: pd.DataFrame, rows: pd.Index, column: str) -> pd.Series:
    """f.loc[rows, column], without a lookup when the rows are all of f (the common case)."""
    return f[column] if len(rows) == len(f) else f.loc[rows, column]


class Around:
    """The text around each fact's numeral, cut for all rows in range at once: BEFORE characters before it,
    the numeral, and AFTER characters after it. A numeral longer than NUMERAL is left to the row-by-row reading."""

    BEFORE, NUMERAL, AFTER = 4, 16, 16

    def __init__(self, f: pd.DataFrame, text_of: dict):
        length = f["value_text"].str.len().astype("Int64")
        self.rows = _in_range(f["source_id"], f["value_start"], f["value_start"] + length, text_of)
        start = _column(f, self.rows, "value_start").to_numpy(dtype=np.int64)
        self.length = (length if len(self.rows) == len(f) else length.loc[self.rows]).to_numpy(dtype=np.int64)
        self.short = self.length <= self.NUMERAL
        before, at, self.after_points = code_points(
            _column(f, self.rows, "source_id"),
            [(start - self.BEFORE, self.BEFORE), (start, self.NUMERAL), (start + np.minimum(self.length, self.NUMERAL), self.AFTER)],
            text_of)
        self.before = as_strings(before)
        at[np.arange(self.NUMERAL, dtype=np.int8) >= self.length[:, None]] = 0  # the numeral's own characters, 0 after it
        self.at = as_strings(at)
        self.after = as_strings(self.after_points)


@lru_cache(maxsize=8)
def _plain_units(symbols: tuple[tuple[str, str], ...]) -> dict[str, str]:
    """unit id -> symbol, for the units that can only be read as themselves where their symbol starts:
    NFKC leaves the symbol as it is, and no symbol read before it (a longer one) starts with the same character."""
    units = sorted(((uid, sym) for uid, sym in symbols if sym), key=lambda u: -len(u[1]))
    plain = {}
    for k, (uid, sym) in enumerate(units):
        if (unicodedata.normalize("NFKC", sym) == sym and len(sym) < Around.AFTER and not sym[0].isspace()
                and sym[0] not in _INFIX_CHARS and not any(_may_read(other, sym) for _, other in units[:k])):
            plain[uid] = sym
    return plain


def _may_read(symbol: str, text: str) -> bool:
    """Whether the unit pattern of ``symbol`` (an infix allowed before each character) may match where ``text``
    starts: it matches a beginning of text, or text is the beginning of something it matches. Errs towards yes."""
    def from_(i: int, j: int) -> bool:
        if j == len(symbol) or i == len(text):
            return True
        return (text[i] in _INFIX_CHARS and from_(i + 1, j)) or (text[i] == symbol[j] and from_(i + 1, j + 1))
    return from_(0, 0)


def _written_plainly(unit: pd.Series, around: Around, symbols) -> np.ndarray:
    """Rows whose unit's symbol is written right after the numeral, where only that unit can be read: a plain
    unit, followed by the end of the text or a character that NFKC cannot join to it (files.SAFE_RANGES)."""
    plain = _plain_units(symbols)
    codes, ids = pd.factorize(unit)
    sym = np.array([plain.get(u, "") for u in ids] + [""], dtype=f"<U{Around.AFTER}")[codes]
    length = np.strings.str_len(sym)
    following = around.after_points[np.arange(len(sym)), np.minimum(length, Around.AFTER - 1)]
    safe = following == 0
    for low, high in SAFE_RANGES:
        safe |= (following >= low) & (following <= high)
    return (length > 0) & safe & np.strings.startswith(around.after, sym)


def _numeral_starts_with_unit(unit: pd.Series, around: Around, symbol_of: dict) -> np.ndarray:
    """Rows whose numeral begins with their unit's symbol (第 of 第二): the unit is part of the numeral."""
    codes, ids = pd.factorize(unit)
    sym = np.array([symbol_of.get(u) or "" for u in ids] + [""], dtype=f"<U{Around.NUMERAL}")[codes]
    return (np.strings.str_len(sym) > 0) & np.strings.startswith(around.at, sym)


def _units_as_written(after: np.ndarray, symbols) -> list[str | None]:
    """The unit id the text writes after each numeral (the longest symbol), found for every row in one pass;
    None where no unit's symbol starts there. The same reading as _unit_matcher, vectorized with Arrow."""
    import pyarrow as pa
    import pyarrow.compute as pc

    units = sorted(((uid, sym) for uid, sym in symbols if sym), key=lambda u: -len(u[1]))
    if not units or not len(after):
        return [None] * len(after)
    after = pa.array(after, pa.string())
    after = pc.utf8_ltrim_whitespace(pc.utf8_normalize(pc.replace_substring_regex(after, "[\r\n]", ""), "NFKC"))
    pattern = "^(?P<unit>" + "|".join(_UNIT_INFIXES + _UNIT_INFIXES.join(map(re.escape, sym)) for _, sym in units) + ")"
    matched = pc.struct_field(pc.extract_regex(after, pattern), [0]).to_pylist()
    written_at = _unit_matcher(tuple(symbols))  # a few hundred distinct matches, each read by the Python matcher
    unit_of = {m: (written_at(m) or [(None, 0)])[0][0] for m in set(matched) if m}
    return [unit_of.get(m) if m else None for m in matched]


def _unit_problems(f, file, text_of, units, around: Around):
    """The unit written after the numeral is the fact's unit; or the row says the unit is implied."""
    if "unit_implied" not in f.columns:
        return []
    symbols = tuple(sorted(zip(units["unit_id"].astype(str), units["symbol"].fillna("").astype(str))))
    symbol_of = dict(symbols)
    written_at = _unit_matcher(symbols)
    rows = around.rows
    # Most rows write their unit right after the numeral: found for all rows at once (plainly written, then
    # the unit read as _unit_matcher reads it), and only the others (implied units, other units, none, long
    # numerals) are read one by one below, for their message.
    stated = f.loc[rows, "unit_implied"].eq(False).fillna(False).to_numpy(dtype=bool) & around.short
    fine = stated & (_written_plainly(f.loc[rows, "unit_id"], around, symbols)
                     | _numeral_starts_with_unit(f.loc[rows, "unit_id"], around, symbol_of))
    rest = np.flatnonzero(stated & ~fine)
    seen = pd.Series(_units_as_written(around.after[rest], symbols), dtype=object)
    fine[rest] = (seen == f.loc[rows[rest], "unit_id"].astype(object).reset_index(drop=True)).to_numpy(dtype=bool)
    fine |= f.loc[rows, "unit_implied"].isna().to_numpy(dtype=bool)
    rows = rows[~fine]
    problems = []
    for i, sid, a, numeral, unit, implied in zip(rows, f.loc[rows, "source_id"].tolist(), f.loc[rows, "value_start"].tolist(),
                                                 f.loc[rows, "value_text"].tolist(), f.loc[rows, "unit_id"].tolist(),
                                                 f.loc[rows, "unit_implied"].tolist()):
        text = text_of[sid]
        after = _after_numeral(text, a + len(numeral))
        found = written_at(after) or written_at(_to_simplified()(after))
        if not found:  # one unit after a list's last number is every number's (65、53、50个工作日)
            found = written_at(after_list(after)) or written_at(_to_simplified()(after_list(after)))
        ids = [uid for uid, _ in found]
        if implied is True:
            if ids:
                problems.append(Problem(file, _row(i), "unit_implied", "unit_in_text", "true",
                                        f"the text writes the unit {symbol_of[ids[0]]!r} after the numeral ({numeral}{after[:6]}); "
                                        f"set unit_implied to false and unit_id to {ids[0]}"))
            continue
        if unit in ids or (isinstance(unit, str) and symbol_of.get(unit) and str(numeral).startswith(symbol_of[unit])):
            continue  # as written, or part of the numeral (第 in 第二)
        if pd.isna(implied) or pd.isna(unit):
            continue
        if ids:
            problems.append(Problem(file, _row(i), "unit_id", "unit_in_text", unit,
                                    f"the text writes {numeral}{after[:6]}…: the unit written is {symbol_of[ids[0]]!r} ({ids[0]}), "
                                    f"not {symbol_of.get(unit, unit)!r}"))
        else:
            problems.append(Problem(file, _row(i), "unit_id", "unit_in_text", unit,
                                    f"no unit of units.csv is written after the numeral ({numeral}{after[:6]}…): add the unit "
                                    f"as written to units.csv, or set unit_implied to true and say in the note how the unit was read"))
    return problems


# --- numbers are cited whole --------------------------------------------------------------


class Tokens(dict):
    """The number tokens of each text, found once per check and shared by the rules that need them:
    text -> (starts, ends), sorted arrays (tokens do not overlap)."""

    def __missing__(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        found = np.array([m.span() for m in NUMBER_TOKEN.finditer(text)], dtype=np.int64).reshape(-1, 2)
        self[text] = spans = (found[:, 0], found[:, 1])
        return spans

    def within(self, text: str, start: int, end: int) -> np.ndarray:
        """The tokens of text[start:end] as [[start, end], …], the same as finditer(text, start, end) finds.

        The whole text's tokens inside the range are those, unless a token crosses or touches the
        range's end (a lookahead past it): only then is the range read again.
        """
        starts, ends = self[text]
        i, j = np.searchsorted(starts, start, "left"), np.searchsorted(starts, end, "left")
        if j > i and ends[j - 1] >= end or (i > 0 and ends[i - 1] > start):
            return np.array([m.span() for m in NUMBER_TOKEN.finditer(text, start, end)], dtype=np.int64).reshape(-1, 2)
        return np.stack([starts[i:j], ends[i:j]], axis=1)


LARGE_UNIT_CHARS = "".join(LARGE_UNITS)


def _cuts_a_token(sources: pd.Series, a: np.ndarray, b: np.ndarray, text_of: dict, tokens: Tokens) -> np.ndarray:
    """Rows whose [a, b) starts inside a number token or ends inside one, for all rows of a text at once.

    Tokens do not overlap, so only the first token reaching into the span can start before it and
    only the last can end after it; the rows found are then looked at one by one.
    """
    out = np.zeros(len(sources), dtype=bool)
    for text, ks in by_page(sources, text_of):
        starts, ends = tokens[text]
        if not len(starts):
            continue
        lo, hi = a[ks], b[ks]
        first = np.searchsorted(ends, lo, side="right")  # the first token ending after the span's start
        last = np.searchsorted(starts, hi, side="left") - 1  # the last token starting before the span's end
        inside = (first < len(starts)) & (first <= last)
        out[ks] = inside & ((starts[np.minimum(first, len(starts) - 1)] < lo) | (ends[np.maximum(last, 0)] > hi))
    return out


def _boundary_problems(frame, file, text_of, start_col, end, column, tokens: Tokens):
    """A fact's numeral or an excluded mention covers whole number tokens: 2 is not a value of 2651.25."""
    rows = _in_range(frame["source_id"], frame[start_col], end, text_of)
    rows = rows[_cuts_a_token(frame.loc[rows, "source_id"], frame.loc[rows, start_col].to_numpy(dtype=np.int64),
                              end[rows].to_numpy(dtype=np.int64), text_of, tokens)]
    problems = []
    for i, sid, a, b in zip(rows, frame.loc[rows, "source_id"].tolist(), frame.loc[rows, start_col].tolist(), end[rows].tolist()):
        text = text_of[sid]
        starts, ends = tokens[text]
        k = int(np.searchsorted(ends, a, "right"))
        while k < len(starts) and starts[k] < b:
            # 百亿级, 万亿元: a trailing 万/亿 belongs to the unit, as it does after Arabic digits (3000亿元)
            if starts[k] < a or (ends[k] > b and text[b:ends[k]].strip(LARGE_UNIT_CHARS)):
                problems.append(Problem(file, _row(i), column, "number_boundary", text[a:b],
                                        f"cuts the number {text[starts[k]:ends[k]]!r} at {starts[k]}..{ends[k]}: "
                                        f"a value or mention covers whole numbers"))
                break
            k += 1
    return problems


# --- slogans stand in quotation marks ------------------------------------------------------

_OPENING, _CLOSING = "“‘「『《\"", "”’」』》\""


def _inside_quotation_marks(text: str, a: int, b: int) -> bool:
    left, right = text[max(0, a - 200):a], text[b:b + 200]
    opened = max(left.rfind(c) for c in _OPENING if c != '"')
    closed = max(left.rfind(c) for c in _CLOSING if c != '"')
    if opened > closed:
        return True
    return left.count('"') % 2 == 1 and '"' in right  # straight quotes: an odd number before means one is open


def _quotation_mark_problems(x, reasons, file, text_of):
    if reasons is None or "within_quotation_marks" not in reasons.columns:
        return []
    quoted = set(reasons.loc[(reasons["within_quotation_marks"] == True).fillna(False).to_numpy(dtype=bool), "reason"])  # noqa: E712
    rows = _in_range(x["source_id"], x["char_start"], x["char_end"], text_of)
    return [Problem(file, _row(i), "reason", "quotation_marks", reason,
                    f"{text_of[sid][a:b]!r} at {a}..{b} is not inside quotation marks, as a {reason} must be printed; "
                    f"give another reason, or make it a fact")
            for i, sid, a, b, reason in zip(rows, x.loc[rows, "source_id"].tolist(), x.loc[rows, "char_start"].tolist(),
                                            x.loc[rows, "char_end"].tolist(), x.loc[rows, "reason"].tolist())
            if reason in quoted and not _inside_quotation_marks(text_of[sid], a, b)]


# --- every character of a document belongs to a span ------------------------------------


def _coverage(s, documents, file, texts):
    """The spans of each document (articles and page furniture) do not overlap and leave out only blank space."""
    problems = []
    ok = (s["document_id"].notna() & s["char_start"].notna() & s["char_end"].notna()).to_numpy(dtype=bool)
    spans = s[ok].sort_values(["document_id", "char_start", "char_end"], kind="stable")
    rows = list(zip(spans.index, spans["document_id"].tolist(), spans["source_id"].tolist(),
                    spans["char_start"].tolist(), spans["char_end"].tolist()))
    for k, (i, doc, sid, a, b) in enumerate(rows):
        text = texts.get(doc)
        if k == 0 or doc != rows[k - 1][1]:  # a new page
            reached, last = 0, None
        if not isinstance(text, str):
            continue
        if a < reached:
            problems.append(Problem(file, _row(i), "char_start", "coverage", str(a),
                                    f"span {sid} overlaps span {last} (which ends at {reached}); spans of a page do not overlap"))
        elif text[reached:a].strip():
            problems.append(_gap(file, i, "char_start", doc, text, reached, a, f"before span {sid}"))
        if b > reached:
            reached, last = b, sid
        if (k + 1 == len(rows) or rows[k + 1][1] != doc) and text[reached:].strip():
            problems.append(_gap(file, i, "char_end", doc, text, reached, len(text), "after the last span"))
    return problems


def _gap(file, i, column, doc, text, a, b, where):
    return Problem(file, _row(i), column, "coverage", None,
                   f"characters {a}..{b} of document {doc} {where} ({quote_at(text, a, min(b, a + 30))!r}…) belong to no span: "
                   f"extend an article over them, or add a page-furniture row (navigation, editor_line …) for them")


def _unbroken_all(strings: np.ndarray) -> np.ndarray:
    """_unbroken of each string (only the few with a line break are rewritten)."""
    broken = np.flatnonzero((np.strings.find(strings, "\n") >= 0) | (np.strings.find(strings, "\r") >= 0))
    if len(broken):
        strings = strings.copy()
        strings[broken] = np.strings.replace(np.strings.replace(strings[broken], "\n", ""), "\r", "")
    return strings


def _value_problems(f, file, text_of, suffix, around: Around, units: pd.DataFrame):
    """value_text at value_start, and the qualifier word around it agrees with the qualifier."""
    import pyarrow as pa
    import pyarrow.compute as pc

    rows = around.rows
    written = np.array(f.loc[rows, "value_text"].tolist(), dtype=f"<U{Around.NUMERAL}")
    # For all rows at once, as the loop below reads each: the words before and after the numeral, line
    # breaks left out; the qualifier word said there (a word before it first), and what it means.
    before, after = _unbroken_all(around.before), _unbroken_all(np.strings.slice(around.after, 0, 8))
    # the qualifiers as numbers (-1: missing), and each meaning among them (-2: a meaning no row has)
    code, quals = pd.factorize(f.loc[rows, "qualifier"])
    index_of = {q: k for k, q in enumerate(quals)}
    words = pc.struct_field(pc.extract_regex(pa.array(after, pa.string()), suffix.pattern), "word")
    words = pc.dictionary_encode(words.combine_chunks() if isinstance(words, pa.ChunkedArray) else words)
    meant = np.array([index_of.get(QUALIFIER_WORDS.get(w, "exact"), -2) for w in words.dictionary.to_pylist()]
                     + [index_of.get("exact", -2)])[pc.fill_null(words.indices, -1).to_numpy()]
    for word in reversed(BEFORE):  # a word before the numeral is read first
        meant[np.strings.endswith(before, word)] = index_of.get(QUALIFIER_WORDS.get(word, "exact"), -2)
    # The common case: the numeral is where the row says, and the word beside it agrees with the qualifier.
    # The other rows are read one by one below, for their message.
    fine = around.short & (around.at == written) & ((code == -1) | (meant == code))
    rows = rows[~fine]
    prefixes = tuple(BEFORE)
    match = suffix.match
    unit_at = _unit_matcher(tuple(zip(units["unit_id"].astype(str), units["symbol"].fillna("").astype(str))), spans=True)
    problems = []
    for i, sid, a, written, code in zip(rows, f.loc[rows, "source_id"].tolist(), f.loc[rows, "value_start"].tolist(),
                                        f.loc[rows, "value_text"].tolist(), f.loc[rows, "qualifier"].astype(object).tolist()):
        text = text_of[sid]
        b = a + len(written)
        if text[a:b] != written:
            problems.append(Problem(file, _row(i), "value_start", "value_in_quote", str(a),
                                    f"value_text {written!r} is not at this offset; the text there reads {text[a:b]!r}"))
            continue
        before, after = _unbroken(text[a - 4 if a > 4 else 0:a]), _unbroken(text[b:b + 8])
        said = next((w for w in prefixes if before.endswith(w)), None) or _word_after(after, match, unit_at)
        if said is None:  # a word before a list's first number is every number's (约40分钟和90分钟)
            listed = LISTED_AFTER_WORD.search(_unbroken(text[max(0, a - 16):a]))
            said = listed.group("word") if listed else None
        meaning = QUALIFIER_WORDS.get(said, "exact")
        if code is not None and code == code and meaning != code:
            problems.append(Problem(file, _row(i), "qualifier", "qualifier_in_quote", code,
                                    f"the text around the value says {said or 'no qualifier word'} ({meaning}): "
                                    f"{before}[{written}]{after}"))
    return problems


# A qualifier word, the first number of a list with its unit, and the word that joins the next number to it.
LISTED_AFTER_WORD = re.compile(rf"(?P<word>{'|'.join(map(re.escape, sorted(BEFORE, key=len, reverse=True)))})"
                               r"[0-9０-９.．]+[^0-9０-９，,。；;]{0,5}[、和及与與]$")


def _word_after(after: str, match, unit_at) -> str | None:
    """The qualifier word after a numeral: right after the unit written there (20%以上, 4万多吨, where 多 stands inside
    万吨), or, with no unit of units.csv written, after the characters of unit symbols (1023大以上)."""
    unit = unit_at(after)
    if unit:
        end = unit[0][1]
        inside = next((w for w in AFTER if len(w) == 1 and w in after[:end]), None)
        return inside or next((w for w in AFTER if after.startswith(w, end)), None)
    m = match(after)
    return m.group("word") if m else None


TITLE = re.compile(r"《(.+?)》")
# The words that make a title in 《》 a document a policies row records (a newspaper, 《解放日报》, or a magazine is not).
DOCUMENT_WORDS = ("办法", "方案", "意见", "通知", "条例", "规定", "措施", "计划", "规划", "决定", "纲要", "细则", "政策", "指引",
                  "指南", "清单", "白皮书", "报告", "公告", "法", "制度", "标准", "行动", "条", "纲领", "决议", "批复", "函")


def _policy_titles(tables, files, texts) -> list[Problem]:
    """Every document (a title with a word of DOCUMENT_WORDS) an article of a reviewed page names in 《》 is a policies
    row of that article."""
    s, p = tables["sources"], tables["policies"]
    kinds = tables["content_types"]
    articles = set(kinds.loc[kinds["is_article"].astype(str).str.lower().eq("true"), "content_type"])
    named = set(zip(p["source_id"], p["title_zh"]))
    drafts = set(in_draft(tables["documents"]))
    problems = []
    for sid, doc, kind, start, end in s[["source_id", "document_id", "content_type", "char_start", "char_end"]].itertuples(index=False):
        text = texts.get(doc)
        if kind not in articles or doc in drafts or not isinstance(text, str) or pd.isna(start) or pd.isna(end):
            continue
        for m in TITLE.finditer(text, int(start), int(end)):
            if (sid, m.group(1)) not in named and any(w in _to_simplified()(m.group(1)) for w in DOCUMENT_WORDS):
                problems.append(Problem(files["policies"], None, "title_zh", "policy_titles", m.group(1),
                                        f"article {sid} names 《{m.group(1)}》 at offset {m.start()}, and no policies row of it has "
                                        f"this title: add one (policy_id {sid}-pNN, its quote and offsets)"))
    return problems


def _completeness(tables, files, texts, tokens: Tokens):
    """Every number token of every article of a reviewed page is a fact value or lies in an excluded mention."""
    s, f, x = tables["sources"], tables["facts"], tables["excluded_mentions"]
    s = s[~s["document_id"].isin(in_draft(tables["documents"]))]
    source = pd.concat([f["source_id"], x["source_id"]], ignore_index=True)
    lo = pd.concat([f["value_start"], x["char_start"]], ignore_index=True)
    hi = pd.concat([f["value_start"] + f["value_text"].str.len().astype("Int64"), x["char_end"]], ignore_index=True)
    keep = (source.notna() & lo.notna() & hi.notna()).to_numpy(dtype=bool)
    codes, ids = pd.factorize(source[keep])
    lo, hi = lo[keep].to_numpy(dtype=np.int64), hi[keep].to_numpy(dtype=np.int64)
    order = np.lexsort((lo, codes))  # grouped by source, by start within it
    codes, lo, hi = codes[order], lo[order], hi[order]
    bounds = np.searchsorted(codes, np.arange(len(ids) + 1))
    span_of = {sid: (lo[bounds[k]:bounds[k + 1]], hi[bounds[k]:bounds[k + 1]]) for k, sid in enumerate(ids)}
    docs = tables["documents"].set_index("document_id")["file_name"].to_dict()
    problems = []
    for sid, doc, start, end in zip(s["source_id"].tolist(), s["document_id"].tolist(), s["char_start"].tolist(), s["char_end"].tolist()):
        text = texts.get(doc)
        if not isinstance(text, str) or pd.isna(start) or pd.isna(end):
            continue
        tok = tokens.within(text, int(start), int(end))
        if not len(tok):
            continue
        a, b = span_of.get(sid, (np.empty(0, np.int64), np.empty(0, np.int64)))
        covered = np.zeros(len(tok), bool)
        if len(a):
            # A token is covered when some span starting before the token's end ends after its start.
            reach = np.maximum.accumulate(b)
            k = np.searchsorted(a, tok[:, 1], side="left") - 1
            covered = (k >= 0) & (reach[np.maximum(k, 0)] > tok[:, 0])
        for t0, t1 in tok[~covered]:
            context = quote_at(text, max(0, t0 - 10), min(len(text), t1 + 6))
            problems.append(Problem(f"{docs.get(doc, doc)} (source text)", None, None, "completeness", text[t0:t1],
                                    f"the number at offset {t0} in article {sid} ({context!r}) is neither a fact "
                                    f"value nor inside an excluded mention; add a row to facts or excluded_mentions"))
    return problems


PROVENANCE_NEEDS = ("documents", "sources", "facts", "policies", "excluded_mentions", "units", "exclusion_reasons", "content_types")


def provenance_blocked(tables) -> list[Problem]:
    """Why the checks against the page texts cannot run, when a table they need could not be read."""
    missing = [n for n in PROVENANCE_NEEDS if n not in tables]
    return [Problem(DESCRIPTOR, None, None, "provenance", None,
                    f"the checks against the source texts could not run: {', '.join(missing)} could not be read "
                    f"(see the problems above)")] if missing else []


def in_draft(documents: pd.DataFrame) -> list[str]:
    """The documents still being curated: the package is valid without their numbers all accounted for."""
    if "status" not in documents:
        return []
    return sorted(documents.loc[documents["status"].eq("draft").fillna(False).astype(bool), "document_id"].tolist())


def run(tables, files, sources_dir, say=lambda message: None) -> tuple[list[Problem], list[str]]:
    """(problems, skipped) of the checks against the page texts."""
    if sources_dir is None:
        return [], [f"provenance {c}: needs the source text; pass --sources DIR" for c in CHECKS]
    blocked = provenance_blocked(tables)
    if blocked:
        return blocked, []
    say("checking provenance against the source texts")
    texts, found, missing = load_documents(tables["documents"], Path(sources_dir), files["documents"])
    return found + guarded("provenance", lambda t, f: check(t, f, texts), tables, files), missing
