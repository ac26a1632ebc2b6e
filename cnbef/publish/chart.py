"""The key-indicators chart (docs/key-indicators.png), drawn from the package's tables.

Two panels, achieved results only (targets, plans, capacities and projections are left out,
as the facts table says never to mix claim types):

(a) growth rates: facts whose measure is of kind ``growth_rate``, in percent;
(b) monetary amounts: facts whose measure is of kind ``monetary_amount`` and whose unit's
    currency is CNY, normalized to yuan with ``units.multiplier`` and shown in 100 million
    yuan (亿元) on a log scale.

Labels are English only: no CJK font is installed where the chart is built, and the bundled
DejaVu Sans used here has no Chinese glyphs, so Chinese text would render as empty boxes. Chinese glosses in parentheses are dropped; any other Chinese text is an error.

The output is meant to be byte-for-byte reproducible: fixed style, font, figure size and dpi,
no Software/date metadata in the PNG. A fingerprint of the plotted data is stored in the PNG's
Description text chunk, so a stale chart can be told apart from a rendering difference.
"""
from __future__ import annotations

import calendar
import hashlib
import json
import math
import re
import textwrap
from decimal import Decimal
from pathlib import Path

import matplotlib.style
import pandas as pd
# A Figure made directly draws with Agg when saved (no pyplot, no display, no global backend switched);
# its output is reproducible for given matplotlib/Pillow versions.
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from cnbef.package.tables import read_text_table

GROWTH, MONEY = "growth_rate", "monetary_amount"
YI = Decimal(100_000_000)  # 亿 = 10^8: the monetary panel's unit is 100 million yuan
MARKS = {  # how a qualifier other than "exact" is shown next to its value
    "at_least": "≥", "at_most": "≤", "more_than": ">", "less_than": "<", "approximately": "≈",
    "order_of_magnitude": "~", "at_least_order_of_magnitude": "≥~",
}
MARK_MEANINGS = {"≥": "at least", "≤": "at most", ">": "more than", "<": "less than", "≈": "approximately",
                 "~": "order of magnitude (a scale class)", "≥~": "at least the order of magnitude"}
FIGSIZE, DPI = (14.5, 16.5), 100
LABEL_WIDTH = 85  # characters per line of a bar label
# English labels only: no CJK font is installed, and matplotlib's bundled DejaVu Sans (the font
# used here, so that the output does not depend on the fonts of the machine) has no Chinese glyphs.
# Fixed style, independent of any matplotlibrc on the machine. svg.hashsalt only matters for SVG
# output; it is set so that an SVG made from this figure would be reproducible too.
STYLE = {"font.family": "DejaVu Sans", "font.size": 9, "svg.hashsalt": "cn-business-environment-facts",
         "axes.spines.top": False, "axes.spines.right": False}
CJK = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef]")
PALETTE = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f",
           "#bcbd22", "#17becf"]


def _read(package_dir: Path, table: str) -> pd.DataFrame:
    return pd.read_csv(Path(package_dir) / "data" / f"{table}.csv", dtype=str, keep_default_na=False,
                       na_values=[""])


def _prefixed(df: pd.DataFrame, prefix: str, key: str) -> pd.DataFrame:
    return df.rename(columns={c: f"{prefix}_{c}" for c in df.columns if c != key})


def joined_facts(package_dir: Path) -> pd.DataFrame:
    """facts joined to measures → measure_kinds, regions, entities and units (all columns text)."""
    facts = _read(package_dir, "facts")
    out = (facts
           .merge(_prefixed(_read(package_dir, "measures"), "measure", "measure_id"), on="measure_id", how="left")
           .merge(_prefixed(_read(package_dir, "measure_kinds"), "kind", "measure_kind_id")
                  .rename(columns={"kind_kind_id": "measure_kind_id"}), on="measure_kind_id", how="left")
           .merge(_prefixed(_read(package_dir, "regions"), "region", "region_id"), on="region_id", how="left")
           .merge(_prefixed(_read(package_dir, "entities"), "entity", "entity_id"), on="entity_id", how="left")
           .merge(_prefixed(_read(package_dir, "units"), "unit", "unit_id"), on="unit_id", how="left"))
    assert len(out) == len(facts)
    return out


def english(text: str) -> str:
    """``text`` without Chinese glosses in parentheses; ValueError if Chinese is left."""
    text = re.sub(r"\s*[(（][^()（）]*" + CJK.pattern + r"[^()（）]*[)）]", "", text).strip()
    if CJK.search(text):
        raise ValueError(f"{text!r}: Chinese text in a chart label, which cannot be rendered without "
                         f"a CJK font; give the English name without it")
    return text


def _month(d: pd.Timestamp) -> str:
    return d.strftime("%b")


def period_label(start, end, text) -> str:
    """An English period, from the dates: '2022', 'Jan–Oct 2022', '2021–2022', 'since Jan 2022'."""
    s = pd.Timestamp(start) if pd.notna(start) else None
    e = pd.Timestamp(end) if pd.notna(end) else None
    if s is not None and e is not None:
        whole_months = s.day == 1 and e.day == calendar.monthrange(e.year, e.month)[1]
        if not whole_months:
            return f"{s:%d %b %Y}–{e:%d %b %Y}"
        if s.month == 1 and e.month == 12:
            return f"{s.year}" if s.year == e.year else f"{s.year}–{e.year}"
        if s.year == e.year:
            return f"{_month(s)} {s.year}" if s.month == e.month else f"{_month(s)}–{_month(e)} {s.year}"
        return f"{_month(s)} {s.year}–{_month(e)} {e.year}"
    if s is not None:
        return f"since {_month(s)} {s.year}" if s.day == 1 else f"since {s:%d %b %Y}"
    if e is not None:
        return f"to {_month(e)} {e.year}"
    # period_text is the Chinese wording (目前, 累计 …); it can be shown only when it has no Chinese.
    if pd.notna(text) and not CJK.search(text):
        return text
    return "period not stated"


def _number(d: Decimal) -> str:
    d = d.normalize()
    return f"{d:,f}" if d >= 1000 else f"{d:f}"


def plotted_data(package_dir: Path) -> pd.DataFrame:
    """One row per bar: panel, fact_id, region, label, qualifier, mark, value (% or 100 million yuan)."""
    facts = joined_facts(package_dir)
    facts = facts[facts["claim_type"] == "achieved"]
    growth = facts[facts["measure_kind_id"] == GROWTH]
    money = facts[(facts["measure_kind_id"] == MONEY) & (facts["unit_currency_code"] == "CNY")]
    not_percent = growth[growth["unit_base_unit_id"] != "percent"]
    if len(not_percent):
        raise ValueError(f"growth rates not in percent: {', '.join(not_percent['fact_id'])}")
    rows = []
    for panel, df, divisor in ((GROWTH, growth, Decimal(1)), (MONEY, money, YI)):
        for f in df.itertuples(index=False):
            value = Decimal(f.value) * Decimal(f.unit_multiplier) / divisor
            mark = MARKS.get(f.qualifier, "") if f.qualifier != "exact" else ""
            who = english(f.region_name_en)
            if pd.notna(f.entity_name_en):
                who += f", {english(f.entity_name_en)}"
            period = period_label(f.period_start, f.period_end, f.period_text)
            if f.period_inferred == "true":
                period += "*"
            name = f"{who}: {english(f.measure_name_en)}"
            tail = f"({period})" + (f" [{mark}]" if mark else "")
            shown = _number(value) + ("%" if panel == GROWTH else "")
            rows.append({"panel": panel, "fact_id": f.fact_id, "region_id": f.region_id,
                         "region": english(f.region_name_en), "label": f"{name} {tail}", "name": name,
                         "tail": tail, "qualifier": f.qualifier, "mark": mark, "value": float(value),
                         "value_text": f"{mark}{shown}"})
    data = pd.DataFrame(rows, columns=["panel", "fact_id", "region_id", "region", "label", "name", "tail",
                                       "qualifier", "mark", "value", "value_text"])
    # Grouped by region, largest value first within a region; the fact id breaks ties.
    data = data.sort_values(["panel", "region", "value", "fact_id"], ascending=[True, True, False, True],
                            kind="mergesort")
    return data.reset_index(drop=True)


def fingerprint(data: pd.DataFrame, version: str) -> str:
    payload = json.dumps({"version": version, "rows": data.astype(str).values.tolist()}, ensure_ascii=False)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def package_info(package_dir: Path) -> tuple[str, str]:
    descriptor = json.loads((Path(package_dir) / "datapackage.json").read_text(encoding="utf-8"))
    return descriptor["name"], descriptor["version"]


def _wrapped(row, width: int = LABEL_WIDTH) -> str:
    """A label on one line if it fits, else the name (wrapped) with the period on a line of its own."""
    if len(row.label) <= width:
        return row.label
    return textwrap.fill(row.name, width, break_on_hyphens=False) + "\n" + row.tail


def _bars(ax, data: pd.DataFrame, colors: dict, log: bool) -> None:
    y = list(range(len(data)))[::-1]  # first row at the top
    values = data["value"].tolist()
    if log:
        if min(values) <= 0:
            raise ValueError("a log scale needs positive amounts: " + ", ".join(data.loc[data["value"] <= 0, "fact_id"]))
        lo = 10 ** math.floor(math.log10(min(values)))  # bars start at the power of ten below the smallest
        lo = lo / 10 if lo >= min(values) else lo
        ax.set_xscale("log")
        ax.barh(y, [v - lo for v in values], left=lo, color=[colors[r] for r in data["region_id"]], height=0.7)
        ax.set_xlim(lo, max(values) * 20)
    else:
        ax.barh(y, values, color=[colors[r] for r in data["region_id"]], height=0.7)
        ax.axvline(0, color="black", linewidth=0.8)
        span = max(values) - min(0, min(values))
        ax.set_xlim(min(0, min(values)) - (0.15 * span if min(values) < 0 else 0), max(values) + 0.15 * span)
    for yi, v, text in zip(y, values, data["value_text"]):
        ax.annotate(text, (v, yi), xytext=(4 if v >= 0 else -4, 0), textcoords="offset points",
                    ha="left" if v >= 0 else "right", va="center", fontsize=8.5)
    ax.set_yticks(y)
    ax.set_yticklabels([_wrapped(row) for row in data.itertuples()], fontsize=8.5)
    ax.set_ylim(-0.6, len(data) - 0.4)
    ax.grid(axis="x", color="#dddddd", linewidth=0.6, which="major")
    ax.set_axisbelow(True)


def draw(package_dir: Path, data: pd.DataFrame | None = None) -> Figure:
    """The chart of ``plotted_data`` as a matplotlib Figure (no pyplot, so nothing global is left behind)."""
    name, version = package_info(package_dir)
    data = plotted_data(package_dir) if data is None else data
    growth, money = data[data["panel"] == GROWTH], data[data["panel"] == MONEY]
    regions = data.drop_duplicates("region_id").sort_values("region_id")
    colors = {r: PALETTE[i % len(PALETTE)] for i, r in enumerate(regions["region_id"])}
    with matplotlib.style.context(["default", STYLE]):  # ignore any matplotlibrc
        fig = Figure(figsize=FIGSIZE, dpi=DPI)
        grid = fig.add_gridspec(2, 1, height_ratios=[max(len(growth), 1) + 3, max(len(money), 1) + 3],
                                left=0.41, right=0.97, top=0.92, bottom=0.09, hspace=0.22)
        ax_growth, ax_money = fig.add_subplot(grid[0]), fig.add_subplot(grid[1])
        if len(growth):
            _bars(ax_growth, growth, colors, log=False)
        ax_growth.set_title("(a) Growth rates, achieved", loc="left", fontsize=11, fontweight="bold")
        ax_growth.set_xlabel("percent")
        if len(money):
            _bars(ax_money, money, colors, log=True)
        ax_money.set_title("(b) Monetary amounts in CNY, achieved", loc="left", fontsize=11, fontweight="bold")
        ax_money.set_xlabel("100 million yuan (yi yuan), log scale")
        handles = [Patch(color=colors[r], label=n)
                   for r, n in zip(regions["region_id"], regions["region"])]
        fig.legend(handles=handles, loc="upper right", bbox_to_anchor=(0.97, 0.985), ncol=3, fontsize=8.5,
                   frameon=False, title="Region", title_fontsize=8.5)
        fig.text(0.02, 0.975, f"{name} v{version}", fontsize=15, fontweight="bold", va="top")
        fig.text(0.02, 0.952, "Key indicators by region, as reported in Chinese local news", fontsize=11, va="top")
        marks = [m for m in MARK_MEANINGS if m in set(data["mark"])]
        key = "   ".join([f"[{m}] {MARK_MEANINGS[m]}" for m in marks] + ["* period inferred from context."])
        fig.text(0.02, 0.035, f"{key} Achieved results only: targets, plans, capacities and projections are "
                              f"not shown.", fontsize=8.5, color="#444444")
        fig.text(0.02, 0.015, f"Source: {name} v{version}, {source_line(package_dir)}", fontsize=9)
    return fig


def source_line(package_dir: Path) -> str:
    """What the facts were curated from, in words, from documents.csv (so a new page updates it)."""
    docs = read_text_table(Path(package_dir) / "data" / "documents.csv")
    dates = sorted(pd.concat([docs["published_earliest"], docs["published_latest"]]).dropna())
    n = len(docs)
    span = f", published {dates[0]} to {dates[-1]}" if dates and dates[0] != dates[-1] else (f", published {dates[0]}" if dates else "")
    return f"curated from {n} Chinese news {'page' if n == 1 else 'pages'}{span}"


def write_chart(package_dir: Path, out: Path) -> Path:
    """Draw the chart and save it as PNG to ``out``; return ``out``."""
    name, version = package_info(package_dir)
    data = plotted_data(package_dir)
    fig = draw(package_dir, data)
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    with matplotlib.style.context(["default", STYLE]):  # ignore any matplotlibrc
        fig.savefig(out, format="png", dpi=DPI, metadata={
            "Software": None,  # no matplotlib version string: same bytes whatever the version label
            "Title": f"{name} v{version}: key indicators by region",
            "Description": "plotted-data-sha256:" + fingerprint(data, f"{version} {source_line(package_dir)}"),
        })
    return out
