"""Semantic rules a Table Schema cannot express.

Each rule takes the typed tables (resource name -> DataFrame) and the file of
each table, and returns problems. Ranges and dimensions are data: a measure's
kind (measure_kinds.csv) decides the unit dimension and the value range.
"""
from __future__ import annotations

from decimal import Decimal

import pandas as pd

from .numerals import parse_numeral
from .package import lookup, number_column
from .report import Problem

# The words of PRC Civil Code art. 1259 and the news usage around it, and what they mean.
QUALIFIER_WORDS = {
    "以上": "at_least", "以下": "at_most", "以内": "at_most",
    "超过": "more_than", "超": "more_than", "逾": "more_than", "余": "more_than", "多": "more_than",
    "不满": "less_than", "不足": "less_than",
    "约": "approximately", "近": "approximately", "左右": "approximately",
    "级": "order_of_magnitude", "级以上": "at_least_order_of_magnitude",
}
# How far before publication an achieved figure may reach, and how far after it a target may.
PLAUSIBLE_YEARS_BEFORE = 30
PLAUSIBLE_YEARS_AFTER = 30
LEVEL_PARENT = {"province": None, "prefecture": "province", "county": "prefecture"}
# Digits a code shares with its parent: a prefecture its province's first two, a county its prefecture's first four.
LEVEL_PREFIX = {"prefecture": 2, "county": 4}
LEVEL_SUFFIX = {"province": "0000", "prefecture": "00"}

RULES = {}


def rule(name: str):
    def register(fn):
        RULES[name] = fn
        return fn
    return register


def _row(i) -> int:
    return int(i) + 2


def _have(tables, *names) -> bool:
    return all(n in tables for n in names)


def _measures_with_kinds(tables) -> pd.DataFrame:
    """Each measure with its kind's dimension and range (a few hundred rows, joined once)."""
    kinds = tables["measure_kinds"].drop_duplicates("kind_id")
    return tables["measures"][["measure_id", "kind_id"]].merge(kinds, on="kind_id", how="left")


@rule("unit_dimension")
def unit_dimension(tables, files):
    if not _have(tables, "facts", "units", "measures", "measure_kinds"):
        return []
    f = tables["facts"]
    unit_dim = lookup(f["unit_id"], tables["units"], "unit_id", "dimension")
    measure = lookup(f["measure_id"], _measures_with_kinds(tables), "measure_id", ["kind_id", "dimension"])
    kind, need = measure["kind_id"], measure["dimension"]
    bad = unit_dim.notna() & need.notna() & (unit_dim != need)
    return [Problem(files["facts"], _row(i), "unit_id", "unit_dimension", f.at[i, "unit_id"],
                    f"is a {unit_dim[i]} unit, but measure {f.at[i, 'measure_id']} is a {kind[i]} "
                    f"and needs a {need[i]} unit")
            for i in f.index[bad]]


def _range_text(k) -> str:
    lo, hi = k["min_value"], k["max_value"]
    parts = []
    if pd.notna(lo):
        parts.append(f"{'at least' if k['min_inclusive'] else 'above'} {lo:g}")
    if pd.notna(hi):
        parts.append(f"at most {hi:g}")
    return " and ".join(parts) or "any value"


@rule("value_range")
def value_range(tables, files):
    if not _have(tables, "facts", "units", "measures", "measure_kinds"):
        return []
    f = tables["facts"]
    kinds = tables["measure_kinds"]
    k = lookup(f["measure_id"], _measures_with_kinds(tables), "measure_id",
               ["kind_id", "min_value", "max_value", "min_inclusive", "whole_number"])
    kind_id, lo, hi = k["kind_id"], k["min_value"], k["max_value"]
    base = f["value"] * lookup(f["unit_id"], tables["units"], "unit_id", "multiplier")
    inclusive = k["min_inclusive"].fillna(True).astype(bool)
    whole = k["whole_number"].fillna(False).astype(bool)
    too_low = lo.notna() & base.notna() & ((base < lo) | (~inclusive & (base == lo)))
    too_high = hi.notna() & base.notna() & (base > hi)
    not_whole = whole & base.notna() & (base % 1 != 0)
    rules = kinds.drop_duplicates("kind_id").set_index("kind_id")
    problems = []
    for i in f.index[(too_low | too_high).fillna(False).to_numpy(dtype=bool)]:
        problems.append(Problem(files["facts"], _row(i), "value", "value_range", str(f.at[i, "value"]),
                                f"a {kind_id[i]} must be {_range_text(rules.loc[kind_id[i]])} (in {f.at[i, 'unit_id']}'s base unit)"))
    for i in f.index[not_whole.fillna(False).to_numpy(dtype=bool)]:
        problems.append(Problem(files["facts"], _row(i), "value", "whole_number", str(f.at[i, "value"]),
                                f"a {kind_id[i]} must be a whole number"))
    return problems


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
    word, code = f["qualifier_text"], f["qualifier"].astype("str")
    expected = word.astype(object).map(QUALIFIER_WORDS).where(word.notna(), "exact")
    unknown = (word.notna() & expected.isna()).astype(bool)
    wrong = (f["qualifier"].notna() & expected.notna() & (expected != code)).astype(bool)
    problems = [Problem(files["facts"], _row(i), "qualifier_text", "qualifier_text", word[i],
                        "is not a known qualifier word (" + ", ".join(QUALIFIER_WORDS) + ")")
                for i in f.index[unknown.to_numpy()]]
    problems += [Problem(files["facts"], _row(i), "qualifier", "qualifier_text", code[i],
                         f"disagrees with qualifier_text {word[i] if pd.notna(word[i]) else '(empty)'!r}, "
                         f"which means {expected[i]}") for i in f.index[wrong.to_numpy()]]
    return problems


@rule("period_order")
def period_order(tables, files):
    if "facts" not in tables:
        return []
    f = tables["facts"]
    bad = (f["period_start"] > f["period_end"]).fillna(False)
    return [Problem(files["facts"], _row(i), "period_start, period_end", "period_order",
                    f"{f.at[i, 'period_start']:%Y-%m-%d} > {f.at[i, 'period_end']:%Y-%m-%d}",
                    "the period starts after it ends; swap or correct the dates")
            for i in f.index[bad]]


@rule("period_window")
def period_window(tables, files):
    """Periods near the source's date; an achieved figure cannot end after the page was published."""
    if not _have(tables, "facts", "sources", "documents"):
        return []
    f = tables["facts"]
    pages = tables["sources"][["source_id", "document_id"]].merge(
        tables["documents"].drop_duplicates("document_id")[["document_id", "published_earliest", "published_latest"]],
        on="document_id", how="left")
    dates = lookup(f["source_id"], pages, "source_id", ["published_earliest", "published_latest"])
    latest = dates["published_latest"]
    earliest = dates["published_earliest"].fillna(latest)
    problems = []
    achieved = f["claim_type"] == "achieved"
    for column in ("period_start", "period_end"):
        d = f[column]
        after = (achieved & (d > latest)).fillna(False)
        too_late = (d > latest + pd.DateOffset(years=PLAUSIBLE_YEARS_AFTER)).fillna(False)
        too_early = (d < earliest - pd.DateOffset(years=PLAUSIBLE_YEARS_BEFORE)).fillna(False)
        for i in f.index[after]:
            problems.append(Problem(files["facts"], _row(i), column, "period_window", f"{d[i]:%Y-%m-%d}",
                                    f"an achieved figure cannot be dated after its source was published (by {latest[i]:%Y-%m-%d})"))
        for i in f.index[too_late & ~after]:
            problems.append(Problem(files["facts"], _row(i), column, "period_window", f"{d[i]:%Y-%m-%d}",
                                    f"is more than {PLAUSIBLE_YEARS_AFTER} years after the source's date; check the year"))
        for i in f.index[too_early]:
            problems.append(Problem(files["facts"], _row(i), column, "period_window", f"{d[i]:%Y-%m-%d}",
                                    f"is more than {PLAUSIBLE_YEARS_BEFORE} years before the source's date; check the year"))
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
