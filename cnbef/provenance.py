"""Checks against the source text: hashes, quotes, offsets, qualifiers, completeness.

The text is not part of the package; these checks run only when the folder of
source documents is given, and are reported as skipped otherwise.
"""
from __future__ import annotations

import hashlib
import re
from pathlib import Path

import numpy as np
import pandas as pd

from .numerals import NUMBER_TOKEN
from .quotes import LINE_BREAKS, quote_at
from .report import Problem
from .rules import QUALIFIER_WORDS

CHECKS = ("document_hash", "quote_text", "value_in_quote", "qualifier_in_quote", "policy_title_in_quote",
          "excluded_mention_text", "article_title", "completeness")
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
    for i, doc_id, name, sha, chars, size in documents[["document_id", "file_name", "sha256", "char_count", "byte_count"]].itertuples():
        path = Path(sources_dir) / str(name)
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
        if len(text) != chars or len(raw) != size:
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
        if isinstance(text, str) and pd.notna(start) and pd.notna(title) and not text.startswith(title, int(start)):
            problems.append(Problem(files["sources"], _row(i), "char_start", "article_title", str(start),
                                    f"the article should start with its title {title!r} at this offset"))
    problems += _completeness({**tables, "sources": s}, files, texts)
    return problems


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
