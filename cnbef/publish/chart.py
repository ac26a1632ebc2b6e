"""The key-indicators chart (docs/key-indicators.png): official indicators compared across regions.

One panel per official growth indicator (measures.official_indicator, kind ``growth_rate``) that achieved
figures report for two regions or more, the ones reported for the most regions first (comparison.py chooses
them, as for the README's table); one bar per achieved fact, labelled by region (and entity) and period.
Targets, plans and projections are left out, as the facts table says never to mix claim types.

Labels are English only: no CJK font is installed where the chart is built, and the bundled DejaVu Sans
used here has no Chinese glyphs, so Chinese text would render as empty boxes. Chinese glosses in
parentheses are dropped; any other Chinese text is an error.

The output is meant to be byte-for-byte reproducible: fixed style, font, figure size and dpi,
no Software/date metadata in the PNG. A fingerprint of the plotted data is stored in the PNG's
Description text chunk, so a stale chart can be told apart from a rendering difference.
"""
from __future__ import annotations

import hashlib
import json
import re
import textwrap
from pathlib import Path

import matplotlib.style
import pandas as pd
# A Figure made directly draws with Agg when saved (no pyplot, no display, no global backend switched);
# its output is reproducible for given matplotlib/Pillow versions.
from matplotlib.figure import Figure

from cnbef.package.tables import read_text_table
from cnbef.publish.comparison import MARKS, comparison, compared_measures, period_label, read_flat

GROWTH = "growth_rate"
PANELS = 4  # the indicators reported for the most regions; more panels would not be readable
MARK_MEANINGS = {"≥": "at least", "≤": "at most", ">": "more than", "<": "less than", "≈": "approximately",
                 "~": "order of magnitude (a scale class)", "≥~": "at least the order of magnitude"}
FIGSIZE, DPI = (14.5, 10), 100
LABEL_WIDTH = 48  # characters per line of a bar label
# Fixed style, independent of any matplotlibrc on the machine. svg.hashsalt only matters for SVG
# output; it is set so that an SVG made from this figure would be reproducible too.
STYLE = {"font.family": "DejaVu Sans", "font.size": 9, "svg.hashsalt": "cn-business-environment-facts",
         "axes.spines.top": False, "axes.spines.right": False}
CJK = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef]")
PALETTE = ["#1f77b4", "#ff7f0e", "#2ca02c", "#9467bd"]


def english(text: str) -> str:
    """``text`` without Chinese glosses in parentheses; ValueError if Chinese is left."""
    text = re.sub(r"\s*[(（][^()（）]*" + CJK.pattern + r"[^()（）]*[)）]", "", text).strip()
    if CJK.search(text):
        raise ValueError(f"{text!r}: Chinese text in a chart label, which cannot be rendered without "
                         f"a CJK font; give the English name without it")
    return text


def plotted_data(package_dir: Path) -> pd.DataFrame:
    """One row per bar: panel (a measure id), its title, fact_id, label, qualifier, mark, value (percent)."""
    rows = read_flat(package_dir)
    out = []
    for measure_id in compared_measures(rows, kind=GROWTH)[:PANELS]:
        table = comparison(rows, measure_id)
        not_percent = table[table["normalized_unit_symbol"] != "%"]
        if len(not_percent):
            raise ValueError(f"growth rates not in percent: {', '.join(not_percent['fact_id'])}")
        for f in table.itertuples(index=False):
            who = english(f.region_name_en) + (f", {english(f.entity_name_en)}" if pd.notna(f.entity_name_en) else "")
            mark = MARKS.get(f.qualifier, "")
            period = period_label(f.period_start, f.period_end, f.period_text) + ("*" if f.period_inferred == "true" else "")
            out.append({"panel": measure_id, "title": english(f.measure_name_en), "fact_id": f.fact_id,
                        "label": f"{who} ({period})", "qualifier": f.qualifier, "mark": mark,
                        "value": float(f.value_normalized), "value_text": f"{mark}{f.value}%"})
    return pd.DataFrame(out, columns=["panel", "title", "fact_id", "label", "qualifier", "mark", "value", "value_text"])


def fingerprint(data: pd.DataFrame, version: str) -> str:
    payload = json.dumps({"version": version, "rows": data.astype(str).values.tolist()}, ensure_ascii=False)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def package_info(package_dir: Path) -> tuple[str, str]:
    descriptor = json.loads((Path(package_dir) / "datapackage.json").read_text(encoding="utf-8"))
    return descriptor["name"], descriptor["version"]


def _bars(ax, data: pd.DataFrame, color: str) -> None:
    y = list(range(len(data)))[::-1]  # first row at the top
    values = data["value"].tolist()
    ax.barh(y, values, color=color, height=0.7)
    ax.axvline(0, color="black", linewidth=0.8)
    low, high = min(0, min(values)), max(0, max(values))
    ax.set_xlim(low - 0.2 * (high - low) * (low < 0), high + 0.2 * (high - low))
    for yi, v, text in zip(y, values, data["value_text"]):
        ax.annotate(text, (v, yi), xytext=(4 if v >= 0 else -4, 0), textcoords="offset points",
                    ha="left" if v >= 0 else "right", va="center", fontsize=8.5)
    ax.set_yticks(y)
    ax.set_yticklabels([textwrap.fill(label, LABEL_WIDTH, break_on_hyphens=False) for label in data["label"]], fontsize=8.5)
    ax.set_ylim(-0.6, len(data) - 0.4)
    ax.grid(axis="x", color="#dddddd", linewidth=0.6)
    ax.set_axisbelow(True)
    ax.set_xlabel("percent")


def draw(package_dir: Path, data: pd.DataFrame | None = None) -> Figure:
    """The chart of ``plotted_data`` as a matplotlib Figure (no pyplot, so nothing global is left behind)."""
    name, version = package_info(package_dir)
    data = plotted_data(package_dir) if data is None else data
    panels = list(dict.fromkeys(data["panel"]))
    with matplotlib.style.context(["default", STYLE]):  # ignore any matplotlibrc
        fig = Figure(figsize=FIGSIZE, dpi=DPI)
        grid = fig.add_gridspec(2, 2, left=0.2, right=0.97, top=0.88, bottom=0.1, hspace=0.35, wspace=0.75)
        for i, panel in enumerate(panels):
            ax = fig.add_subplot(grid[i // 2, i % 2])
            rows = data[data["panel"] == panel]
            _bars(ax, rows, PALETTE[i % len(PALETTE)])
            ax.set_title(textwrap.fill(f"({chr(97 + i)}) {rows['title'].iloc[0]}", 50), loc="left", fontsize=11,
                         fontweight="bold")
        fig.text(0.02, 0.975, f"{name} v{version}", fontsize=15, fontweight="bold", va="top")
        fig.text(0.02, 0.94, "Official indicators compared across regions: the growth rates reported for the most "
                             "regions, achieved results", fontsize=11, va="top")
        marks = [m for m in MARK_MEANINGS if m in set(data["mark"])]
        key = "   ".join([f"[{m}] {MARK_MEANINGS[m]}" for m in marks] + ["* period inferred from context."])
        fig.text(0.02, 0.04, f"{key} Achieved results only: targets, plans and projections are not shown. "
                             f"Periods differ between regions; compare like with like.", fontsize=8.5, color="#444444")
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
