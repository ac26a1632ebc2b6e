"""One indicator compared across regions, read from data/facts_flat.csv as a user would filter it.

A comparison takes the achieved figures of one measure (targets and plans are other claims and are never
set beside results), one row per fact, by region and period. The measures worth comparing are the official
statistical indicators (measures.official_indicator) that achieved figures report for two regions or more;
the README's table and the chart show the ones reported for the most regions, so a new page changes them.
"""
from __future__ import annotations

import calendar
from pathlib import Path

import pandas as pd

from cnbef.package import flat

ACHIEVED = "achieved"
README_ROWS = 7  # the README stays short; facts_flat.csv has them all
MARKS = {  # how a qualifier other than "exact" is shown next to its value
    "at_least": "≥", "at_most": "≤", "more_than": ">", "less_than": "<", "approximately": "≈",
    "order_of_magnitude": "~", "at_least_order_of_magnitude": "≥~",
}


def read_flat(package_dir: Path) -> pd.DataFrame:
    return pd.read_csv(Path(package_dir) / flat.PATH, dtype=str, keep_default_na=False, na_values=[""],
                       encoding=flat.ENCODING)


def compared_measures(rows: pd.DataFrame, kind: str | None = None) -> list[str]:
    """Official indicators with achieved figures for two regions or more: most regions first, then most facts."""
    official = rows[(rows["measure_official_indicator"] == "true") & (rows["claim_type"] == ACHIEVED)]
    if kind is not None:
        official = official[official["measure_kind"] == kind]
    counts = official.groupby("measure_id").agg(regions=("region_id", "nunique"), facts=("fact_id", "size"))
    counts = counts[counts["regions"] >= 2].reset_index()
    counts = counts.sort_values(["regions", "facts", "measure_id"], ascending=[False, False, True])
    return counts["measure_id"].tolist()


def comparison(rows: pd.DataFrame, measure_id: str) -> pd.DataFrame:
    """The achieved figures of one measure, by region (code order) and period (latest first)."""
    out = rows[(rows["measure_id"] == measure_id) & (rows["claim_type"] == ACHIEVED)].copy()
    out["period"] = [period_label(*p) for p in zip(out["period_start"], out["period_end"], out["period_text"])]
    out["shown"] = [MARKS.get(q, "") + v + (u if u == "%" else f" {u}")
                    for q, v, u in zip(out["qualifier"], out["value"], out["unit_symbol"].fillna(""))]
    out["_end"] = out["period_end"].fillna("")
    return out.sort_values(["region_id", "_end", "fact_id"], ascending=[True, False, True]).drop(columns="_end")


def period_label(start, end, text) -> str:
    """An English period, from the dates: '2022', 'Jan–Oct 2022', '2021–2022', 'since Jan 2022'."""
    s = pd.Timestamp(start) if pd.notna(start) else None
    e = pd.Timestamp(end) if pd.notna(end) else None
    if s is not None and e is not None:
        if not (s.day == 1 and e.day == calendar.monthrange(e.year, e.month)[1]):
            return f"{s:%d %b %Y}–{e:%d %b %Y}"
        if s.month == 1 and e.month == 12:
            return f"{s.year}" if s.year == e.year else f"{s.year}–{e.year}"
        if s.year == e.year:
            return f"{s:%b} {s.year}" if s.month == e.month else f"{s:%b}–{e:%b} {s.year}"
        return f"{s:%b} {s.year}–{e:%b} {e.year}"
    if s is not None:
        return f"since {s:%b} {s.year}" if s.day == 1 else f"since {s:%d %b %Y}"
    if e is not None:
        return f"to {e:%b} {e.year}"
    # period_text is the Chinese wording (目前, 累计 …); shown only when it has no Chinese (the chart has no CJK font).
    if pd.notna(text) and text.isascii():
        return text
    return "period not stated"


def readme_table(package_dir: Path) -> str:
    """The README's comparison: the growth indicator reported for the most regions, as facts_flat gives it."""
    rows = read_flat(package_dir)
    measures = compared_measures(rows, kind="growth_rate")
    if not measures:
        return "No official growth indicator has achieved figures for two regions yet.\n"
    table = comparison(rows, measures[0])
    first = table.iloc[0]
    targets = rows[(rows["measure_id"] == measures[0]) & (rows["claim_type"] != ACHIEVED)]
    lines = [f"**{first['measure_official_name_zh']}** (`{measures[0]}`, {first['measure_name_en']}), achieved, "
             f"by region — `facts_flat.csv` filtered on `measure_id` and `claim_type`:", "",
             "| region | level | period | value | qualifier as written | fact |", "| --- | --- | --- | ---: | --- | --- |"]
    shown = table.head(README_ROWS)
    lines += [f"| {r.region_name_zh} {r.region_name_en} | {r.region_level} | {r.period}{'*' if r.period_inferred == 'true' else ''} "
              f"| {r.shown} | {r.qualifier_text if pd.notna(r.qualifier_text) else ''} | `{r.fact_id}` |"
              for r in shown.itertuples()]
    if len(table) > len(shown):
        lines.append(f"| … {len(table) - len(shown)} more in `facts_flat.csv` | | | | | |")
    lines += ["", f"\\* period read from context (`period_inferred`). Targets and plans for this measure, kept apart: "
                  f"{len(targets)}. Other official indicators reported for two regions or more: "
                  + (", ".join(f"`{m}`" for m in compared_measures(rows) if m != measures[0]) or "none") + "."]
    return "\n".join(lines) + "\n"
