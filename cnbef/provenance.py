"""Checks against the source text: hashes, quotes, offsets, qualifiers, completeness.

The text is not part of the package; these checks run only when the folder of
source documents is given, and are reported as skipped otherwise.
"""
from __future__ import annotations

import bisect
import hashlib
import re
import unicodedata
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from .numerals import LARGE_UNITS, NUMBER_TOKEN
from .quotes import LINE_BREAKS, quote_at
from .report import Problem
from .rules import QUALIFIER_WORDS

CHECKS = ("document_hash", "quote_text", "value_in_quote", "qualifier_in_quote", "policy_title_in_quote",
          "excluded_mention_text", "article_title", "unit_in_text", "number_boundary", "quotation_marks",
          "coverage", "completeness")
_PREFIX_WORDS = sorted((w for w in QUALIFIER_WORDS if w in ("超过", "超", "逾", "不满", "不足", "约", "近")), key=len, reverse=True)
_SUFFIX_WORDS = "|".join(sorted((w for w in QUALIFIER_WORDS if w not in _PREFIX_WORDS), key=len, reverse=True))


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
    lengths = {sid: len(t) for sid, t in text_of.items()}
    length = source.astype(object).map(lengths).astype("Float64")
    ok = (length.notna() & start.notna() & end.notna()).astype(bool)
    ok &= ((start >= 0) & (start < end) & (end <= length)).fillna(False).astype(bool)
    return source.index[ok.to_numpy()]


def _unbroken(text: str) -> str:
    return text.replace("\n", "").replace("\r", "") if ("\n" in text or "\r" in text) else text


def _quote_problems(frame, file, text_of, quote_col, start_col, end_col, rule):
    rows = _in_range(frame["source_id"], frame[start_col], frame[end_col], text_of)
    problems = []
    # A plain loop over Python strings: slicing a million quotes is cheaper than building columns of them.
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


def check(tables: dict, files: dict, texts: dict, share: tuple[float, float] = (0.0, 1.0)) -> list[Problem]:
    """Every provenance problem of the tables against the source texts that were found.

    ``share`` = (from, to) takes that fraction of the facts and of the articles, so that two
    processes can split the work; the small tables are checked with the first share.
    """
    text_of = _texts_by_source(tables, texts)
    problems = []
    f, p, x, s = tables["facts"], tables["policies"], tables["excluded_mentions"], tables["sources"]
    f = f.iloc[round(share[0] * len(f)):round(share[1] * len(f))]
    s = s.iloc[round(share[0] * len(s)):round(share[1] * len(s))]
    problems += _quote_problems(f, files["facts"], text_of, "quote", "quote_start", "quote_end", "quote_text")
    problems += _value_problems(f, files["facts"], text_of, _suffix_pattern(tables["units"]))
    if share[0] == 0:
        problems += _quote_problems(p, files["policies"], text_of, "quote", "quote_start", "quote_end", "quote_text")
        problems += _quote_problems(x, files["excluded_mentions"], text_of, "text", "char_start", "char_end", "excluded_mention_text")
        for i, quote, title in p[["quote", "title_zh"]].itertuples():
            if pd.notna(quote) and pd.notna(title) and f"《{title}》" not in quote:
                problems.append(Problem(files["policies"], _row(i), "title_zh", "policy_title_in_quote", title,
                                        "the quote must contain the title between 《 and 》 exactly as written"))
    for i, sid, start, title in s[["source_id", "char_start", "title_zh"]].itertuples():
        text = text_of.get(sid)
        if isinstance(text, str) and pd.notna(start) and pd.notna(title) and not text.startswith(title, int(start)):  # headline-less kinds leave title_zh empty
            problems.append(Problem(files["sources"], _row(i), "char_start", "article_title", str(start),
                                    f"the article should start with its title {title!r} at this offset"))
    if share[0] == 0:
        problems += _quotation_mark_problems(x, tables.get("exclusion_reasons"), files["excluded_mentions"], text_of)
        problems += _boundary_problems(x, files["excluded_mentions"], text_of, "char_start", x["char_end"], "text")
        problems += _coverage(tables["sources"], tables["documents"], files["sources"], texts)
    problems += _unit_problems(f, files["facts"], text_of, tables["units"])
    problems += _boundary_problems(f, files["facts"], text_of, "value_start",
                                   f["value_start"] + f["value_text"].str.len().astype("Int64"), "value_text")
    problems += _completeness({**tables, "sources": s}, files, texts)
    return problems


# --- the unit written after the numeral ---------------------------------------------

# Words that may stand inside or before a unit as written: 4万多吨, 3000余亩, 50多家.
_UNIT_INFIXES = "(?:多|余|餘)?"


@lru_cache(maxsize=8)
def _unit_matcher(symbols: tuple[tuple[str, str], ...]):
    """(unit_id, symbol) pairs -> a function giving the unit written at the start of a text: the longest symbol.

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
        return [(uid, len(sym))]
    return written


@lru_cache(maxsize=1)
def _to_simplified():
    import opencc  # traditional pages (億元, 個百分點) are compared in simplified script, as units.csv writes them
    return opencc.OpenCC("t2s").convert


def _after_numeral(text: str, b: int) -> str:
    return unicodedata.normalize("NFKC", _unbroken(text[b:b + 16])).lstrip()


def windows(sources: list, starts: np.ndarray, text_of: dict, width: int) -> list[str]:
    """The ``width`` characters of each source's text from each start, cut for all rows of a text at once.

    Each text becomes an array of code points once; the windows of its rows are one fancy index,
    read back as fixed-width strings (shorter at the end of the text).
    """
    out = [""] * len(sources)
    by_source = {}
    for k, sid in enumerate(sources):
        by_source.setdefault(sid, []).append(k)
    for sid, ks in by_source.items():
        points = np.frombuffer((text_of[sid] + "\0" * width).encode("utf-32-le"), dtype=np.uint32)
        cut = points[starts[ks][:, None] + np.arange(width)]
        for k, w in zip(ks, np.ascontiguousarray(cut).view(f"<U{width}").ravel().tolist()):
            out[k] = w
    return out


def _units_as_written(sources, ends, text_of, symbols) -> list[str | None]:
    """The unit id the text writes after each numeral (the longest symbol), found for every row in one pass;
    None where no unit's symbol starts there. The same reading as _unit_matcher, vectorized with Arrow."""
    import pyarrow as pa
    import pyarrow.compute as pc

    units = sorted(((uid, sym) for uid, sym in symbols if sym), key=lambda u: -len(u[1]))
    if not units or not sources:
        return [None] * len(sources)
    after = pa.array(windows(sources, ends, text_of, 16), pa.string())
    after = pc.utf8_ltrim_whitespace(pc.utf8_normalize(pc.replace_substring_regex(after, "[\r\n]", ""), "NFKC"))
    pattern = "^(?P<unit>" + "|".join(_UNIT_INFIXES + _UNIT_INFIXES.join(map(re.escape, sym)) for _, sym in units) + ")"
    matched = pc.struct_field(pc.extract_regex(after, pattern), [0]).to_pylist()
    written_at = _unit_matcher(tuple(symbols))  # a few hundred distinct matches, each read by the Python matcher
    unit_of = {m: (written_at(m) or [(None, 0)])[0][0] for m in set(matched) if m}
    return [unit_of.get(m) if m else None for m in matched]


def _unit_problems(f, file, text_of, units):
    """The unit written after the numeral is the fact's unit; or the row says the unit is implied."""
    if "unit_implied" not in f.columns:
        return []
    symbols = tuple(sorted(zip(units["unit_id"].astype(str), units["symbol"].fillna("").astype(str))))
    symbol_of = dict(symbols)
    written_at = _unit_matcher(symbols)
    value_end = f["value_start"] + f["value_text"].str.len().astype("Int64")
    rows = _in_range(f["source_id"], f["value_start"], value_end, text_of)
    # Most rows write their unit right after the numeral: found for all rows at once, and only the
    # others (implied units, other units, none) are read one by one below, for their message.
    seen = _units_as_written(f.loc[rows, "source_id"].tolist(), value_end[rows].to_numpy(dtype=np.int64), text_of, symbols)
    fine = (f.loc[rows, "unit_implied"].eq(False).fillna(False).to_numpy(dtype=bool)
            & (pd.Series(seen, index=rows, dtype=object) == f.loc[rows, "unit_id"].astype(object)).to_numpy(dtype=bool))
    fine |= f.loc[rows, "unit_implied"].isna().to_numpy(dtype=bool)
    rows = rows[~fine]
    problems = []
    for i, sid, a, numeral, unit, implied in zip(rows, f.loc[rows, "source_id"].tolist(), f.loc[rows, "value_start"].tolist(),
                                                 f.loc[rows, "value_text"].tolist(), f.loc[rows, "unit_id"].tolist(),
                                                 f.loc[rows, "unit_implied"].tolist()):
        text = text_of[sid]
        after = _after_numeral(text, a + len(numeral))
        found = written_at(after) or written_at(_to_simplified()(after))
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


@lru_cache(maxsize=64)
def _tokens(text: str) -> tuple[list[int], list[int]]:
    found = [(m.start(), m.end()) for m in NUMBER_TOKEN.finditer(text)]
    return [a for a, _ in found], [b for _, b in found]


LARGE_UNIT_CHARS = "".join(LARGE_UNITS)


def _cuts_a_token(sources: list, a: np.ndarray, b: np.ndarray, text_of: dict) -> np.ndarray:
    """Rows whose [a, b) starts inside a number token or ends inside one, for all rows of a text at once.

    Tokens do not overlap, so only the first token reaching into the span can start before it and
    only the last can end after it; the rows found are then looked at one by one.
    """
    out = np.zeros(len(sources), dtype=bool)
    by_source = {}
    for k, sid in enumerate(sources):
        by_source.setdefault(sid, []).append(k)
    for sid, ks in by_source.items():
        starts, ends = (np.asarray(x, dtype=np.int64) for x in _tokens(text_of[sid]))
        if not len(starts):
            continue
        lo, hi = a[ks], b[ks]
        first = np.searchsorted(ends, lo, side="right")  # the first token ending after the span's start
        last = np.searchsorted(starts, hi, side="left") - 1  # the last token starting before the span's end
        inside = (first < len(starts)) & (first <= last)
        out[ks] = inside & ((starts[np.minimum(first, len(starts) - 1)] < lo) | (ends[np.maximum(last, 0)] > hi))
    return out


def _boundary_problems(frame, file, text_of, start_col, end, column):
    """A fact's numeral or an excluded mention covers whole number tokens: 2 is not a value of 2651.25."""
    rows = _in_range(frame["source_id"], frame[start_col], end, text_of)
    rows = rows[_cuts_a_token(frame.loc[rows, "source_id"].tolist(), frame.loc[rows, start_col].to_numpy(dtype=np.int64),
                              end[rows].to_numpy(dtype=np.int64), text_of)]
    problems = []
    for i, sid, a, b in zip(rows, frame.loc[rows, "source_id"].tolist(), frame.loc[rows, start_col].tolist(), end[rows].tolist()):
        text = text_of[sid]
        starts, ends = _tokens(text)
        k = bisect.bisect_right(ends, a)
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
    ok = s["document_id"].notna() & s["char_start"].notna() & s["char_end"].notna()
    for doc, spans in s[ok.to_numpy(dtype=bool)].groupby("document_id", sort=False):
        text = texts.get(doc)
        if not isinstance(text, str):
            continue
        spans = spans.sort_values(["char_start", "char_end"])
        reached, last = 0, None
        for i, sid, a, b in zip(spans.index, spans["source_id"], spans["char_start"].tolist(), spans["char_end"].tolist()):
            if a < reached:
                problems.append(Problem(file, _row(i), "char_start", "coverage", str(a),
                                        f"span {sid} overlaps span {last} (which ends at {reached}); spans of a page do not overlap"))
            elif text[reached:a].strip():
                problems.append(_gap(file, i, "char_start", doc, text, reached, a, f"before span {sid}"))
            if b > reached:
                reached, last = b, sid
        if text[reached:].strip():
            problems.append(_gap(file, spans.index[-1], "char_end", doc, text, reached, len(text), "after the last span"))
    return problems


def _gap(file, i, column, doc, text, a, b, where):
    return Problem(file, _row(i), column, "coverage", None,
                   f"characters {a}..{b} of document {doc} {where} ({quote_at(text, a, min(b, a + 30))!r}…) belong to no span: "
                   f"extend an article over them, or add a page-furniture row (navigation, editor_line …) for them")


def _value_problems(f, file, text_of, suffix):
    """value_text at value_start, and the qualifier word around it agrees with the qualifier."""
    value_end = f["value_start"] + f["value_text"].str.len().astype("Int64")
    rows = _in_range(f["source_id"], f["value_start"], value_end, text_of)
    prefixes = tuple(_PREFIX_WORDS)
    match = suffix.match
    problems = []
    for i, sid, a, written, code in zip(rows, f.loc[rows, "source_id"].tolist(), f.loc[rows, "value_start"].tolist(),
                                        f.loc[rows, "value_text"].tolist(), f.loc[rows, "qualifier"].astype(object).tolist()):
        text = text_of[sid]
        b = a + len(written)
        if text[a:b] != written:
            problems.append(Problem(file, _row(i), "value_start", "value_in_quote", str(a),
                                    f"value_text {written!r} is not at this offset; the text there reads {text[a:b]!r}"))
            continue
        before, after = text[a - 4 if a > 4 else 0:a], text[b:b + 8]
        m = match(after)
        if m is None and code == "exact" and not before.endswith(prefixes) and "\n" not in after:
            continue  # the common case: an exact figure with no qualifier word beside it
        before, after = _unbroken(before), _unbroken(after)
        m = match(after)
        said = next((w for w in prefixes if before.endswith(w)), None) or (m.group("word") if m else None)
        meaning = QUALIFIER_WORDS.get(said, "exact")
        if code is not None and code == code and meaning != code:
            problems.append(Problem(file, _row(i), "qualifier", "qualifier_in_quote", code,
                                    f"the text around the value says {said or 'no qualifier word'} ({meaning}): "
                                    f"{before}[{written}]{after}"))
    return problems


def _completeness(tables, files, texts):
    """Every number token of every article is a fact value or lies in an excluded mention."""
    s, f, x = tables["sources"], tables["facts"], tables["excluded_mentions"]
    if len(s) < len(tables.get("documents", s)) or len(f) > 100 * len(s):  # a share of the articles: only their spans
        mine = set(s["source_id"].dropna().tolist())
        f, x = f[f["source_id"].isin(mine)], x[x["source_id"].isin(mine)]
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
        found = [(m.start(), m.end()) for m in NUMBER_TOKEN.finditer(text, int(start), int(end))]
        if not found:
            continue
        tok = np.array(found, dtype=np.int64)
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
