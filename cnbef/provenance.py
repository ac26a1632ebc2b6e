"""Checks against the source text: hashes, quotes, offsets, qualifiers, completeness.

The text is not part of the package; these checks run only when the folder of
source documents is given, and are reported as skipped otherwise.
"""
from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pandas as pd

from .numerals import number_tokens
from .quotes import LINE_BREAKS, quote_at
from .report import Problem
from .rules import QUALIFIER_WORDS

CHECKS = ("document_hash", "quote_text", "value_in_quote", "qualifier_in_quote", "policy_title_in_quote",
          "excluded_mention_text", "article_title", "completeness")
# Characters of a unit that may sit between a numeral and its qualifier (20%以上, 3000亿元级以上, 4万多吨).
_UNIT_CHARS = "%％万亿元美吨标准煤亩个家项条支名份次天年"
_PREFIX_WORDS = sorted((w for w in QUALIFIER_WORDS if w in ("超过", "超", "逾", "不满", "不足", "约", "近")), key=len, reverse=True)
_SUFFIX = re.compile(rf"^[{_UNIT_CHARS}]*?({'|'.join(sorted((w for w in QUALIFIER_WORDS if w not in _PREFIX_WORDS), key=len, reverse=True))})")


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


def _texts_by_source(tables, texts) -> pd.Series:
    doc = tables["sources"].set_index("source_id")["document_id"]
    return doc.map(texts)


def _quote_problems(frame, file, text_of, quote_col, start_col, end_col, rule):
    problems = []
    for i, sid, quote, s, e in frame[["source_id", quote_col, start_col, end_col]].itertuples():
        text = text_of.get(sid)
        if not isinstance(text, str) or pd.isna(s) or pd.isna(e) or pd.isna(quote) or not (0 <= s < e <= len(text)):
            continue
        actual = quote_at(text, int(s), int(e))
        if actual != quote:
            problems.append(Problem(file, _row(i), quote_col, rule, quote,
                                    f"differs from the source text at {s}..{e}, which reads {actual!r}"))
        elif text[int(s)] in LINE_BREAKS or text[int(e) - 1] in LINE_BREAKS:
            problems.append(Problem(file, _row(i), f"{start_col}, {end_col}", rule, f"{s}..{e}",
                                    "the range starts or ends on a line break; trim it to the quote"))
    return problems


def check(tables: dict, files: dict, texts: dict) -> list[Problem]:
    """Every provenance problem of the tables against the source texts that were found."""
    text_of = _texts_by_source(tables, texts).to_dict()
    problems = []
    f, p, x = tables["facts"], tables["policies"], tables["excluded_mentions"]
    problems += _quote_problems(f, files["facts"], text_of, "quote", "quote_start", "quote_end", "quote_text")
    problems += _quote_problems(p, files["policies"], text_of, "quote", "quote_start", "quote_end", "quote_text")
    problems += _quote_problems(x, files["excluded_mentions"], text_of, "text", "char_start", "char_end", "excluded_mention_text")
    problems += _value_problems(f, files["facts"], text_of)
    for i, quote, title in p[["quote", "title_zh"]].itertuples():
        if pd.notna(quote) and pd.notna(title) and f"《{title}》" not in quote:
            problems.append(Problem(files["policies"], _row(i), "title_zh", "policy_title_in_quote", title,
                                    "the quote must contain the title between 《 and 》 exactly as written"))
    s = tables["sources"]
    for i, sid, start, title in s[["source_id", "char_start", "title_zh"]].itertuples():
        text = text_of.get(sid)
        if isinstance(text, str) and pd.notna(start) and pd.notna(title) and not text.startswith(title, int(start)):
            problems.append(Problem(files["sources"], _row(i), "char_start", "article_title", str(start),
                                    f"the article should start with its title {title!r} at this offset"))
    problems += _completeness(tables, files, texts)
    return problems


def _value_problems(f, file, text_of):
    problems = []
    cols = ["source_id", "value_text", "value_start", "qualifier", "qualifier_text"]
    for i, sid, written, vs, code, word in f[cols].itertuples():
        text = text_of.get(sid)
        if not isinstance(text, str) or pd.isna(written) or pd.isna(vs):
            continue
        vs = int(vs)
        if text[vs:vs + len(written)] != written:
            problems.append(Problem(file, _row(i), "value_start", "value_in_quote", str(vs),
                                    f"value_text {written!r} is not at this offset; the text there reads {text[vs:vs + len(written)]!r}"))
            continue
        before = quote_at(text, max(0, vs - 4), vs)
        after = quote_at(text, vs + len(written), min(len(text), vs + len(written) + 8))
        said = next((w for w in _PREFIX_WORDS if before.endswith(w)), None)
        m = _SUFFIX.match(after)
        said = said or (m.group(1) if m else None)
        meaning = QUALIFIER_WORDS.get(said, "exact")
        if pd.notna(code) and meaning != code:
            problems.append(Problem(file, _row(i), "qualifier", "qualifier_in_quote", code,
                                    f"the text around the value says {said or 'no qualifier word'} ({meaning}): "
                                    f"{before}[{written}]{after}"))
    return problems


def _completeness(tables, files, texts):
    """Every number token of every article is a fact value or lies in an excluded mention."""
    s, f, x = tables["sources"], tables["facts"], tables["excluded_mentions"]
    spans = {}
    for sid, start, text in zip(f["source_id"], f["value_start"], f["value_text"]):
        if pd.notna(start) and pd.notna(text):
            spans.setdefault(sid, []).append((int(start), int(start) + len(text)))
    for sid, start, end in zip(x["source_id"], x["char_start"], x["char_end"]):
        if pd.notna(start) and pd.notna(end):
            spans.setdefault(sid, []).append((int(start), int(end)))
    docs = tables["documents"].set_index("document_id")["file_name"].to_dict()
    problems = []
    for sid, doc, start, end in s[["source_id", "document_id", "char_start", "char_end"]].itertuples(index=False):
        text = texts.get(doc)
        if not isinstance(text, str) or pd.isna(start) or pd.isna(end):
            continue
        covered = spans.get(sid, [])
        for tok in number_tokens(text[int(start):int(end)]):
            a, b = tok.start + int(start), tok.end + int(start)
            if not any(lo < b and a < hi for lo, hi in covered):
                context = quote_at(text, max(0, a - 10), min(len(text), b + 6))
                problems.append(Problem(f"{docs.get(doc, doc)} (source text)", None, None, "completeness", tok.text,
                                        f"the number at offset {a} in article {sid} ({context!r}) is neither a fact "
                                        f"value nor inside an excluded mention; add a row to facts or excluded_mentions"))
    return problems
