"""Semantic rules that need Python: numerals, period phrases, code hierarchies, regular expressions held in a table.

The semantic rules a query can express (unit dimension, value range, whole numbers, period
order) are declared once in sqlchecks.SEMANTIC and run by every engine. The rules here take
the typed tables (resource name -> DataFrame) and the file of each table and return problems.
Each is row-local within a document, so a large package runs them one batch of documents at
a time (validate.py).
"""
from __future__ import annotations

import re
from decimal import Decimal

import numpy as np
import pandas as pd

from cnbef.text import periods
from cnbef.text.claims import FORWARD_LOOKING
from cnbef.text.numerals import parse_numeral, scale_of
from cnbef.text.qualifiers import QUALIFIER_WORDS
from cnbef.package.tables import lookup, number_column
from cnbef.validation.checks import context
from cnbef.validation.registry import declared
from cnbef.validation.report import Problem

# The words of PRC Civil Code art. 1259 and the news usage around it, and what they mean.
# How far before publication an achieved figure may reach, and how far after it a target may.
PLAUSIBLE_YEARS_BEFORE = 30
PLAUSIBLE_YEARS_AFTER = 30
LEVEL_PARENT = {"province": None, "prefecture": "province", "county": "prefecture"}
# Digits a code shares with its parent: a prefecture its province's first two, a county its prefecture's first four.
LEVEL_PREFIX = {"prefecture": 2, "county": 4}
LEVEL_SUFFIX = {"province": "0000", "prefecture": "00"}

RULES = {}


def rule(name: str):
    """Register a rule declared in the semantic layer of the registry."""
    declared(name, "semantic")

    def register(fn):
        RULES[name] = fn
        return fn
    return register


def _row(i) -> int:
    return int(i) + 2


def _have(tables, *names) -> bool:
    return all(n in tables for n in names)


@rule("value_text")
def value_text(tables, files):
    """The numeral as written must stand for the value (二 = 2, 十六 = 16, 4万多 with unit 万… = 4)."""
    if "facts" not in tables:
        return []
    f = tables["facts"]
    written, value = f["value_text"], f["value"]
    present = (written.notna() & value.notna()).astype(bool)
    # Arabic numerals (nearly every row) are compared in one vectorized step; the rest one by one.
    digits = written.str.removeprefix("第")
    parsed = number_column(digits)  # Arabic numerals (nearly every row), cast in one vectorized step
    arabic = present & parsed.notna().astype(bool) & digits.notna().astype(bool)
    problems = [Problem(files["facts"], _row(i), "value", "value_text", str(value[i]),
                        f"does not match value_text {written[i]!r}, which reads as {parsed[i]:g}")
                for i in f.index[(arabic & (parsed != value)).fillna(False).to_numpy()]]
    others = f.index[(present & ~arabic).to_numpy()]
    for i, text, number in zip(others, written[others].tolist(), value[others].tolist()):
        try:
            reads = parse_numeral(str(text))
        except ValueError as exc:
            problems.append(Problem(files["facts"], _row(i), "value_text", "value_text", text,
                                    f"{exc}; write the numeral as it appears in the quote"))
            continue
        if reads != Decimal(str(number)):
            problems.append(Problem(files["facts"], _row(i), "value", "value_text", str(number),
                                    f"does not match value_text {text!r}, which reads as {reads}"))
    return sorted(problems, key=lambda p: p.row)


@rule("qualifier_text")
def qualifier_text(tables, files):
    if "facts" not in tables:
        return []
    f = tables["facts"]
    word = f["qualifier_text"]
    # Each distinct word is read once (a million facts use a handful); a missing word means exact.
    wc, words = pd.factorize(word)
    qc, quals = pd.factorize(f["qualifier"])
    meanings = [QUALIFIER_WORDS.get(w) for w in words] + ["exact"]
    index_of = {q: k for k, q in enumerate(quals)}
    unknown = np.array([m is None for m in meanings])[wc]
    # each meaning as an index among the qualifiers written (-1: none of them; None: an unknown word)
    meant = np.array([-2 if m is None else index_of.get(m, -1) for m in meanings], dtype=np.int64)[wc]
    wrong = (qc >= 0) & (meant != -2) & (meant != qc)
    expected = np.array(meanings, dtype=object)[wc]
    code = f["qualifier"].astype("str")
    problems = [Problem(files["facts"], _row(i), "qualifier_text", "qualifier_text", word[i],
                        "is not a known qualifier word (" + ", ".join(QUALIFIER_WORDS) + ")")
                for i in f.index[unknown]]
    problems += [Problem(files["facts"], _row(f.index[k]), "qualifier", "qualifier_text", code.iloc[k],
                         f"disagrees with qualifier_text {word.iloc[k] if pd.notna(word.iloc[k]) else '(empty)'!r}, "
                         f"which means {expected[k]}") for k in np.flatnonzero(wrong)]
    return problems


def _document_dates(tables, source_ids: pd.Series) -> pd.DataFrame:
    """Each row's document dates and date basis, through its source."""
    pages = tables["sources"][["source_id", "document_id"]].merge(
        tables["documents"].drop_duplicates("document_id")[["document_id", "date_basis", "published_earliest", "published_latest"]],
        on="document_id", how="left")
    return lookup(source_ids, pages, "source_id", ["document_id", "date_basis", "published_earliest", "published_latest"])



@rule("period_window")
def period_window(tables, files):
    """Periods near the source's date. A result or a capacity cannot lie after its page: it may run
    through the page's date (今年 on a December page) but not start after it or end more than a month
    past it (a full year's result on a February page is the year before's). Targets, plans and
    projections may lie in the future."""
    if not _have(tables, "facts", "sources", "documents"):
        return []
    f = tables["facts"]
    # The bounds are worked out once per source (a few thousand), then looked up for every fact.
    pages = _document_dates(tables, tables["sources"]["source_id"]).assign(source_id=tables["sources"]["source_id"])
    pages["latest"] = pages["published_latest"]
    pages["earliest"] = pages["published_earliest"].fillna(pages["latest"])
    pages["reached"] = pages["latest"] + pd.Timedelta(periods.REACHED)
    pages["late"] = pages["latest"] + pd.DateOffset(years=PLAUSIBLE_YEARS_AFTER)
    pages["early"] = pages["earliest"] - pd.DateOffset(years=PLAUSIBLE_YEARS_BEFORE)
    dates = lookup(f["source_id"], pages, "source_id", ["latest", "earliest", "reached", "late", "early"])
    latest, earliest = dates["latest"], dates["earliest"]
    problems = []
    reported = ~f["claim_type"].isin(FORWARD_LOOKING)
    bound = {"period_start": latest, "period_end": dates["reached"]}
    for column in ("period_start", "period_end"):
        d = f[column]
        after = (reported & (d > bound[column])).fillna(False)
        too_late = (d > dates["late"]).fillna(False)
        too_early = (d < dates["early"]).fillna(False)
        for i in f.index[after]:
            problems.append(Problem(files["facts"], _row(i), column, "period_window", f"{d[i]:%Y-%m-%d}",
                                    f"an {f.at[i, 'claim_type']} figure cannot be dated after its source was published "
                                    f"(by {latest[i]:%Y-%m-%d}): its period may run through that date but not "
                                    f"{'start after it' if column == 'period_start' else 'end more than a month past it'}; "
                                    f"only {', '.join(sorted(FORWARD_LOOKING))} may lie in the future"))
        for i in f.index[too_late & ~after]:
            problems.append(Problem(files["facts"], _row(i), column, "period_window", f"{d[i]:%Y-%m-%d}",
                                    f"is more than {PLAUSIBLE_YEARS_AFTER} years after the source's date (latest {latest[i]:%Y-%m-%d}); check the year"))
        for i in f.index[too_early]:
            problems.append(Problem(files["facts"], _row(i), column, "period_window", f"{d[i]:%Y-%m-%d}",
                                    f"is more than {PLAUSIBLE_YEARS_BEFORE} years before the source's date (earliest {earliest[i]:%Y-%m-%d}); check the year"))
    return problems


@rule("relative_period")
def relative_period(tables, files):
    """A period written as 今年, 上半年, 1月~10月 or 2021年 is read against the document's own date:
    the period columns must hold what it stands for, and period_inferred must say whether the
    year came from context. A document whose date is unknown cannot resolve a relative period."""
    if not _have(tables, "facts", "sources", "documents"):
        return []
    f = tables["facts"]
    dates = _document_dates(tables, f["source_id"])
    lo, hi = dates["published_earliest"], dates["published_latest"]
    # Each distinct (period text, document date, forward-looking) is read once: a million facts share a few hundred.
    keys = pd.DataFrame({"text": f["period_text"], "published": hi.where(lo.dt.year == hi.dt.year),
                         "forward": f["claim_type"].isin(FORWARD_LOOKING).fillna(False)}).dropna(subset=["text"])
    groups = keys.groupby(["text", "published", "forward"], dropna=False, sort=False)
    codes = groups.ngroup().to_numpy()
    readings = [periods.resolve(text, None if pd.isna(day) else day.year, None if pd.isna(day) else day.date(), bool(forward))
                for text, day, forward in groups.head(1).itertuples(index=False)]

    def wanted(value, dtype):  # vectorized: a million rows, a few hundred readings
        return pd.Series(pd.array([value(r) if r else None for r in readings], dtype=dtype).take(codes), index=keys.index)
    want_start = wanted(lambda r: pd.Timestamp(r.start), "datetime64[ns]")
    want_end = wanted(lambda r: pd.Timestamp(r.end), "datetime64[ns]")
    want_inferred = wanted(lambda r: r.inferred, "boolean")
    resolved = want_start.notna()
    rows = f if len(keys) == len(f) else f.loc[keys.index]  # no lookup when every fact has a period text
    start, end, inferred = rows["period_start"], rows["period_end"], rows["period_inferred"]
    as_written = resolved & (start == want_start).fillna(False) & (end == want_end).fillna(False) & \
        (inferred.isna() | (inferred == want_inferred)).fillna(False)
    return [p for k in np.flatnonzero(~as_written.to_numpy(dtype=bool))  # the few rows to explain, one by one
            for i in [keys.index[k]]
            for p in _period_problems(i, f, files["facts"], keys.at[i, "text"], keys.at[i, "published"], readings[codes[k]], dates)]


def _period_problems(i, f, file, text, published, period, dates) -> list[Problem]:
    """Why fact row i does not hold what its period text, read against its document's date, stands for."""
    y = published.year if pd.notna(published) else pd.NA
    dated = f"{published:%Y-%m-%d}" if pd.notna(published) else period.start.year if period else None
    start, end, inferred = f.at[i, "period_start"], f.at[i, "period_end"], f.at[i, "period_inferred"]
    if period is None:
        if not (pd.isna(y) and periods.needs_year(text)):
            return []
        basis = dates.at[i, "date_basis"]
        return [Problem(file, _row(i), "period_text", "relative_period", text,
                        f"needs the document's year, but document {dates.at[i, 'document_id']} has "
                        f"{'no known date (date_basis unknown)' if basis == 'unknown' else 'dates in different years'}; "
                        f"leave period_start and period_end empty and say so in the note")]
    problems = []
    for column, value, want in (("period_start", start, period.start), ("period_end", end, period.end)):
        if pd.isna(value) or value != pd.Timestamp(want):
            problems.append(Problem(file, _row(i), column, "relative_period", None if pd.isna(value) else f"{value:%Y-%m-%d}",
                                    f"period_text {text!r} on a document dated {dated} reads as "
                                    f"{period.start:%Y-%m-%d}..{period.end:%Y-%m-%d}"))
    if pd.notna(inferred) and bool(inferred) != period.inferred:
        problems.append(Problem(file, _row(i), "period_inferred", "relative_period", str(bool(inferred)).lower(),
                                f"period_text {text!r} {'takes its year from the document date' if period.inferred else 'writes its year'}, "
                                f"so period_inferred must be {str(period.inferred).lower()}"))
    return problems


@rule("document_dates")
def document_dates(tables, files):
    """Dates are given unless the basis says unknown, and the earliest is not after the latest."""
    if "documents" not in tables:
        return []
    d = tables["documents"]
    problems = []
    for i, basis, lo, hi in zip(d.index, d["date_basis"], d["published_earliest"], d["published_latest"]):
        if pd.isna(basis):
            continue
        if basis == "unknown" and (pd.notna(lo) or pd.notna(hi)):
            problems.append(Problem(files["documents"], _row(i), "date_basis", "document_dates", basis,
                                    "the basis says the date is unknown, but published_earliest or published_latest is given"))
        elif basis != "unknown" and (pd.isna(lo) or pd.isna(hi)):
            problems.append(Problem(files["documents"], _row(i), "published_earliest, published_latest", "document_dates", None,
                                    f"give both dates (the basis is {basis}), or set date_basis to unknown"))
        elif pd.notna(lo) and pd.notna(hi) and lo > hi:
            problems.append(Problem(files["documents"], _row(i), "published_earliest, published_latest", "document_dates",
                                    f"{lo:%Y-%m-%d} > {hi:%Y-%m-%d}", "the earliest publication date is after the latest"))
    return problems


@rule("region_hierarchy")
def region_hierarchy(tables, files):
    if "regions" not in tables:
        return []
    r = tables["regions"]
    file = files["regions"]
    ids = r["region_id"].astype(str)
    parent = dict(zip(ids, r["parent_id"]))
    level = dict(zip(ids, r["level"]))
    problems = []
    for i, rid, lvl, pid in zip(r.index, ids, r["level"], r["parent_id"]):
        if pd.isna(lvl) or lvl not in LEVEL_PARENT:
            continue
        if pd.notna(pid) and pid == rid:
            problems.append(Problem(file, _row(i), "parent_id", "region_hierarchy", pid, "a region cannot be its own parent"))
            continue
        seen, cur = {rid}, pid
        while pd.notna(cur) and cur in parent:
            if cur in seen:
                problems.append(Problem(file, _row(i), "parent_id", "region_hierarchy", pid, f"the chain of parents loops back through {cur}"))
                break
            seen.add(cur)
            cur = parent[cur]
        want = LEVEL_PARENT[lvl]
        if want is None and pd.notna(pid):
            problems.append(Problem(file, _row(i), "parent_id", "region_hierarchy", pid, "a province has no parent; leave parent_id empty"))
        elif want is not None and pd.isna(pid):
            problems.append(Problem(file, _row(i), "parent_id", "region_hierarchy", None, f"a {lvl} needs a parent {want}"))
        elif want is not None and pid in level and level[pid] != want:
            problems.append(Problem(file, _row(i), "parent_id", "region_hierarchy", pid,
                                    f"a {lvl} must sit under a {want}, but {pid} is a {level[pid]}"))
        if lvl in LEVEL_SUFFIX and not rid.endswith(LEVEL_SUFFIX[lvl]):
            problems.append(Problem(file, _row(i), "region_id", "region_hierarchy", rid, f"a {lvl} code ends in {LEVEL_SUFFIX[lvl]}"))
        n = LEVEL_PREFIX.get(lvl)
        if n and pd.notna(pid) and rid[:n] != str(pid)[:n]:
            problems.append(Problem(file, _row(i), "region_id", "region_hierarchy", rid,
                                    f"a {lvl} code starts with the first {n} digits of its parent {pid}"))
    return problems


def _spans_inside(frame, file, start, end, container, label):
    """Rows whose [start, end) is not a non-empty span inside their container's range."""
    lo, hi = container
    bad = ((frame[start] >= frame[end]) | (frame[start] < lo) | (frame[end] > hi)).fillna(False)
    return [Problem(file, _row(i), f"{start}, {end}", "offsets", f"{frame.at[i, start]}..{frame.at[i, end]}",
                    f"must be a non-empty range inside {label} ({lo[i]}..{hi[i]})")
            for i in frame.index[bad]]


@rule("offsets")
def offsets(tables, files):
    """Offsets that contradict each other, checked without the source text."""
    problems = []
    if _have(tables, "sources", "documents"):
        s = tables["sources"]
        size = lookup(s["document_id"], tables["documents"], "document_id", "char_count")
        problems += _spans_inside(s, files["sources"], "char_start", "char_end", (pd.Series(0, index=s.index), size), "its document")
    if "sources" not in tables:
        return problems
    for name, start, end in (("facts", "quote_start", "quote_end"), ("policies", "quote_start", "quote_end"),
                             ("excluded_mentions", "char_start", "char_end")):
        if name not in tables:
            continue
        t = tables[name]
        found = lookup(t["source_id"], tables["sources"], "source_id", ["char_start", "char_end"])
        rng = (found["char_start"], found["char_end"])
        problems += _spans_inside(t, files[name], start, end, rng, "its article")
    if "facts" in tables:
        f = tables["facts"]
        bad = ((f["value_start"] < f["quote_start"]) | (f["value_start"] >= f["quote_end"])).fillna(False)
        problems += [Problem(files["facts"], _row(i), "value_start", "offsets", str(f.at[i, "value_start"]),
                             "must lie inside the quote's range (quote_start..quote_end)") for i in f.index[bad]]
    return problems


@rule("content_type")
def content_type(tables, files):
    """What each kind of span needs (content_types.csv): a headline, a region; facts only in articles."""
    if not _have(tables, "sources", "content_types"):
        return []
    s, file = tables["sources"], files["sources"]
    kind = lookup(s["content_type"], tables["content_types"], "content_type", ["is_article", "has_headline"])
    problems = []
    for i, ctype, article, headline, tzh, ten, region in zip(s.index, s["content_type"], kind["is_article"], kind["has_headline"],
                                                         s["title_zh"], s["title_en"], s["region_id"]):
        if pd.isna(headline):
            continue
        if headline and pd.isna(tzh):
            problems.append(Problem(file, _row(i), "title_zh", "content_type", None, f"a {ctype} prints a headline: give it as printed"))
        if headline and pd.isna(ten):
            problems.append(Problem(file, _row(i), "title_en", "content_type", None, f"a {ctype} needs its headline in English"))
        if not headline and pd.notna(tzh):
            problems.append(Problem(file, _row(i), "title_zh", "content_type", tzh,
                                    f"a {ctype} prints no headline, so title_zh stays empty (describe it in title_en, in [brackets])"))
        if article and pd.isna(region):
            problems.append(Problem(file, _row(i), "region_id", "content_type", None, f"a {ctype} is an article and needs the region it is about"))
    furniture = set(s.loc[(kind["is_article"] == False).fillna(False).to_numpy(dtype=bool), "source_id"])  # noqa: E712
    for name in ("facts", "policies"):
        if name in tables and furniture:
            t = tables[name]
            problems += [Problem(files[name], _row(i), "source_id", "content_type", sid,
                                 "is page furniture, not an article: facts and policies come from articles")
                         for i, sid in zip(t.index, t["source_id"]) if sid in furniture]
    return problems


@rule("exclusion_reason")
def exclusion_reason(tables, files):
    """An excluded mention looks like its reason (exclusion_reasons.csv): the text matches the reason's
    pattern, and a fact's period lies inside that fact's quote."""
    if not _have(tables, "excluded_mentions", "exclusion_reasons"):
        return []
    x, file = tables["excluded_mentions"], files["excluded_mentions"]
    reasons = tables["exclusion_reasons"].drop_duplicates("reason").set_index("reason")
    problems = []
    in_a_quote = _in_a_fact_quote(x, tables.get("facts"))
    compiled = {}
    table = tables["exclusion_reasons"]
    for j, reason, pattern in zip(table.index, table["reason"], table["text_pattern"]):
        if pd.isna(pattern) or reason in compiled:
            continue
        try:
            compiled[reason] = re.compile(pattern)
        except re.error as exc:
            compiled[reason] = None
            problems.append(Problem(files["exclusion_reasons"], _row(j), "text_pattern", "exclusion_reason", pattern,
                                    f"reason {reason}: not a valid regular expression ({exc})"))
    rule_rows = reasons.to_dict("index")  # a few reasons, looked up once per mention
    for i, sid, text, a, b, reason, quoted in zip(x.index, x["source_id"].tolist(), x["text"].tolist(), x["char_start"].tolist(),
                                                  x["char_end"].tolist(), x["reason"].tolist(), in_a_quote):
        if reason not in rule_rows or pd.isna(text):
            continue
        rule_row = rule_rows[reason]
        pattern = rule_row["text_pattern"]
        if reason in compiled:
            if compiled[reason] is None:
                continue
            if not compiled[reason].search(text):
                problems.append(Problem(file, _row(i), "reason", "exclusion_reason", reason,
                                        f"{text!r} does not look like a {rule_row['name_en']} (it should match {pattern}); "
                                        f"if it is a statistic, make it a fact"))
                continue
        belongs_to_fact = pd.notna(rule_row["within_fact_quote"]) and bool(rule_row["within_fact_quote"])
        if belongs_to_fact and pd.notna(a) and pd.notna(b) and not quoted:
            problems.append(Problem(file, _row(i), "reason", "exclusion_reason", reason,
                                    f"a {rule_row['name_en']} belongs to a fact, but no fact's quote in {sid} contains "
                                    f"{text!r} at {a}..{b}; quote the fact with its period, or give another reason"))
    return problems


# Dimensions of a unit of measure: a number written with one is a measured amount (2651.25亿元, 4.5%), which a
# name or a count derived from facts cannot be. A count (个, 条), a rank, a tier or a time (2022年, 三年) can be.
AMOUNT_DIMENSIONS = ("currency", "ratio", "ratio_change", "area", "mass", "energy")


@rule("statistic_as_mention")
def statistic_as_mention(tables, files):
    """A measured amount (a number with a unit of measure) filed under a reason no amount can have
    (exclusion_reasons.amount_allowed false: a name, a count derived from facts) is a statistic: make it a fact."""
    from cnbef.text.script import to_simplified
    if not _have(tables, "excluded_mentions", "exclusion_reasons", "units") \
            or "amount_allowed" not in tables["exclusion_reasons"] or "dimension" not in tables["units"]:
        return []
    reasons, units, x = tables["exclusion_reasons"], tables["units"], tables["excluded_mentions"]
    barred = set(reasons.loc[reasons["amount_allowed"].astype(str).str.lower().eq("false"), "reason"])
    symbols = sorted(set(units.loc[units["dimension"].isin(AMOUNT_DIMENSIONS), "symbol"].dropna()), key=len, reverse=True)
    if not barred or not symbols:
        return []
    amount = re.compile(r"[0-9０-９〇零一二三四五六七八九十百千万亿两]\s*(" + "|".join(map(re.escape, symbols)) + r")$")
    simplified, problems = to_simplified(), []
    for i, text, reason in x[x["reason"].isin(barred) & x["text"].notna()][["text", "reason"]].itertuples():
        found = amount.search(simplified(text).strip())
        if found:
            problems.append(Problem(files["excluded_mentions"], _row(i), "reason", "statistic_as_mention", reason,
                                    f"{text!r} is an amount in {found.group(1)}, which a {reason} mention cannot be; "
                                    f"if it is a statistic, make it a fact (or give the reason it is not)"))
    return problems


def _in_a_fact_quote(x: pd.DataFrame, f: pd.DataFrame | None) -> np.ndarray:
    """For each mention, whether some fact of its source quotes a range containing it.

    Vectorized over the facts: sorted by (source, quote_start), the last quote starting at or before
    the mention must reach, at its furthest, the mention's end.
    """
    found = np.zeros(len(x), dtype=bool)
    if f is None or not len(x):
        return found
    f = f[f["quote_start"].notna() & f["quote_end"].notna() & f["source_id"].isin(set(x["source_id"].dropna()))]
    m = x["source_id"].notna() & x["char_start"].notna() & x["char_end"].notna()
    if not len(f) or not m.any():
        return found
    codes, ids = pd.factorize(pd.concat([f["source_id"], x.loc[m, "source_id"]], ignore_index=True))
    qa, qb = f["quote_start"].to_numpy(np.int64), f["quote_end"].to_numpy(np.int64)
    a, b = x.loc[m, "char_start"].to_numpy(np.int64), x.loc[m, "char_end"].to_numpy(np.int64)
    low = min(qa.min(), qb.min(), a.min(), b.min())  # a negative offset (reported elsewhere) still compares
    qa, qb, a, b = qa - low, qb - low, a - low, b - low
    span = int(max(qa.max(), qb.max(), a.max(), b.max())) + 1  # keys (source, offset) as one number
    fc, xc = codes[:len(f)].astype(np.int64), codes[len(f):].astype(np.int64)
    order = np.argsort(fc * span + qa, kind="stable")
    keys, reach = (fc * span + qa)[order], np.maximum.accumulate((fc * span + qb)[order])
    k = np.searchsorted(keys, xc * span + a, side="right") - 1
    k0 = np.maximum(k, 0)
    found[m.to_numpy(dtype=bool)] = (k >= 0) & (fc[order][k0] == xc) & (reach[k0] - xc * span >= b)
    return found


# Labels a reader tells rows apart by: two rows with the same one are ambiguous (units' symbols are
# unique by their Table Schema). Regions are left out: places of the same name exist in several provinces.
LABELS = {"measures": ("name_zh", "name_en"), "units": ("name_en",), "entities": ("name_zh", "name_en"),
          "measure_kinds": ("name_zh", "name_en"), "content_types": ("name_zh", "name_en"),
          "exclusion_reasons": ("name_zh", "name_en"), "regions": ("name_zh", "name_en")}
# A label need only be unique within its scope: two counties of different cities may share a name (鼓楼区, Gulou District).
LABEL_SCOPE = {"regions": "parent_id"}


@rule("unambiguous_labels")
def unambiguous_labels(tables, files):
    problems = []
    for name, columns in LABELS.items():
        if name not in tables:
            continue
        t = tables[name]
        key, scope = t.columns[0], LABEL_SCOPE.get(name)
        within = t[scope].fillna("") if scope in t.columns else pd.Series("", index=t.index)
        for column in (c for c in columns if c in t.columns):
            first = {}
            for i, label, k, place in zip(t.index, t[column], t[key], within):
                if pd.isna(label):
                    continue
                if (place, label) in first:
                    j, other = first[place, label]
                    same = f" under the same {scope}" if scope else ""
                    problems.append(Problem(files[name], _row(i), column, "unambiguous_labels", label,
                                            f"is also the {column} of {other} (row {_row(j)}){same}; give each row a label of its own"))
                else:
                    first[place, label] = (i, k)
    return problems


@rule("unit_multiplier")
def unit_multiplier(tables, files):
    """A unit's multiplier converts to its base unit: zero would turn every value into 0, and a symbol with a scale
    (万吨, 亿元) says what it must be when its base unit is the rest of the symbol (吨, 元)."""
    if "units" not in tables:
        return []
    u = tables["units"]
    bad = (u["multiplier"] <= 0).fillna(False).to_numpy(dtype=bool)
    problems = [Problem(files["units"], _row(i), "multiplier", "unit_multiplier", str(u.at[i, "multiplier"]),
                        "must be greater than 0 (万 = 10000, 亿 = 100000000; a base unit has 1)") for i in u.index[bad]]
    symbol_of = dict(zip(u["unit_id"], u["symbol"]))
    for i, symbol, base, multiplier in u[["symbol", "base_unit_id", "multiplier"]].itertuples():
        scale = scale_of(symbol) if isinstance(symbol, str) else None
        if scale and symbol_of.get(base) == scale[1] and pd.notna(multiplier) and 0 < multiplier != scale[0]:
            problems.append(Problem(files["units"], _row(i), "multiplier", "unit_multiplier", str(multiplier),
                                    f"{symbol} is {scale[0]:,} {scale[1]} (base unit {base}): the multiplier must be {scale[0]}"))
    return problems


@rule("duplicate_fact")
def duplicate_fact(tables, files):
    """One numeral of a document is one fact of a measure, region and entity: a second with the same offset, measure,
    region, entity and value is the first entered again (under a new id). A numeral may stand for several facts
    (两项收入…均居第一; 第三档 of seven cities)."""
    if not _have(tables, "facts", "sources"):
        return []
    f = tables["facts"]
    keys = pd.DataFrame({"document": lookup(f["source_id"], tables["sources"], "source_id", "document_id"),
                         "at": f["value_start"], "measure": f["measure_id"], "value": f["value"],
                         "region": f["region_id"].fillna(""), "entity": f["entity_id"].fillna("")})
    again = (keys.duplicated(keep="first") & keys.notna().all(axis=1)).to_numpy()
    first = {}
    for i, key in zip(keys.index, map(tuple, keys.itertuples(index=False))) if again.any() else ():
        first.setdefault(key, i)
    return [Problem(files["facts"], _row(i), "value_start", "duplicate_fact", str(f.at[i, "value_start"]),
                    f"repeats fact {f.at[first[tuple(keys.loc[i])], 'fact_id']} (row {_row(first[tuple(keys.loc[i])])}): the same "
                    f"numeral of the same document, measure, region, entity and value; delete one")
            for i in keys.index[again]]


SIMPLIFIED_COLUMNS = {"units": "symbol", "regions": "name_zh", "measures": "name_zh"}


@rule("simplified_script")
def simplified_script(tables, files):
    """Names in the dimension tables are simplified Chinese, whatever the page's script (萬元 is 万元)."""
    from cnbef.text.script import to_simplified
    simplified, problems = to_simplified(), []
    for table, column in SIMPLIFIED_COLUMNS.items():
        if table not in tables or column not in tables[table]:
            continue
        cells = tables[table][column]
        for i, cell in cells[cells.notna()].items():
            if simplified(cell) != cell:
                problems.append(Problem(files[table], _row(i), column, "simplified_script", cell,
                                        f"is written in traditional script; write {simplified(cell)!r} (quotes keep the page's script, "
                                        f"the dimension tables simplified Chinese)"))
    return problems


def _concept(name: str, simplified) -> str:
    """A measure's Chinese name as a concept: simplified, without spaces, quotation marks or qualifier words."""
    name = re.sub(r"[\s“”\"'‘’「」]", "", simplified(name))
    for word in sorted(QUALIFIER_WORDS, key=len, reverse=True):
        name = name.replace(simplified(word), "")
    return name


@rule("measure_duplicate")
def measure_duplicate(tables, files):
    """Two measures that name one concept: the same name once script, spaces, quotation marks and qualifier words
    (以上, 余, 约 …) are set aside. A concept has one measure, so that its figures compare across pages."""
    from cnbef.text.script import to_simplified
    if "measures" not in tables:
        return []
    simplified, first, problems = to_simplified(), {}, []
    m = tables["measures"]
    for i, mid, name in m[["measure_id", "name_zh"]].itertuples():
        if pd.isna(name):
            continue
        concept = _concept(name, simplified)
        if concept in first and first[concept][1] != name:
            j, other, other_id = first[concept]
            problems.append(Problem(files["measures"], _row(i), "name_zh", "measure_duplicate", name,
                                    f"names the concept of {other_id} (row {_row(j)}, {other!r}); give their facts one measure"))
        first.setdefault(concept, (i, name, mid))
    return problems


@rule("official_name")
def official_name(tables, files):
    """An official statistical indicator has its standard Chinese name, and only an official one has one."""
    m = tables.get("measures")
    if m is None or not {"official_indicator", "official_name_zh"} <= set(m.columns):
        return []
    official = m["official_indicator"].astype(str).str.lower().eq("true")
    named = m["official_name_zh"].notna()
    return [Problem(files["measures"], _row(i), "official_name_zh", "official_name", "" if pd.isna(m.at[i, "official_name_zh"]) else m.at[i, "official_name_zh"],
                    "an official indicator needs its standard Chinese name (as in a statistical communiqué)" if official[i]
                    else "only an official indicator (official_indicator true) has an official name; empty it or mark the measure official")
            for i in m.index[(official != named).to_numpy()]]


@rule("measure_base_unit")
def measure_base_unit(tables, files):
    """The facts of one measure share a base unit (亿元 and 万元 are both yuan; 个 and 家 are not), so they add and compare."""
    if not _have(tables, "facts", "units") or not {"unit_id", "measure_id"} <= set(tables["facts"].columns) \
            or not {"unit_id", "base_unit_id"} <= set(tables["units"].columns):
        return []
    base = tables["units"].drop_duplicates("unit_id").set_index("unit_id")["base_unit_id"]
    f = tables["facts"]
    bases = f["unit_id"].map(base)
    known = pd.DataFrame({"measure": f["measure_id"], "base": bases})[bases.notna()]
    counts = known.groupby("measure")["base"].nunique()
    problems = []
    for measure, used in known[known["measure"].isin(counts.index[counts > 1])].groupby("measure")["base"]:
        common = used.mode().iloc[0]
        for i in used.index[(used != common).to_numpy()]:
            problems.append(Problem(files["facts"], _row(i), "unit_id", "measure_base_unit", f["unit_id"][i],
                                    f"its base unit {bases[i]} differs from {common}, the one the other facts of {measure} use; "
                                    f"a measure's figures share one base unit (is it another measure?)"))
    return problems


@rule("region_code")
def region_code(tables, files):
    """Each region's code is a GB/T 2260 code in use (package/divisions.py): a retired one is named with the last
    revision that lists it and a successor of the same name where there is one."""
    from cnbef.package import divisions
    if "regions" not in tables or not divisions.current():
        return []
    in_use, listed, problems = divisions.current(), divisions.last_listed(), []
    for i, code in tables["regions"]["region_id"].dropna().items():
        if code in in_use or divisions.grouping(code) or not re.fullmatch(r"[0-9]{6}", code):
            continue  # a malformed code is the pattern's to report
        if code in listed:
            revision, name = listed[code]
            successor = [c for c, n in in_use.items() if c[:2] == code[:2] and context.short_name(n) == context.short_name(name)]
            problems.append(Problem(files["regions"], _row(i), "region_id", "region_code", code,
                                    f"is a retired GB/T 2260 code ({name}, last listed in revision {revision[:4]}-{revision[4:]})"
                                    + (f"; its successor is {successor[0]} ({in_use[successor[0]]})" if successor else "")))
        else:
            problems.append(Problem(files["regions"], _row(i), "region_id", "region_code", code,
                                    "is not a GB/T 2260 code (neither in use nor in any revision since 1980)"))
    return problems
