"""Double entry: how far the package's curation of a page agrees with a second, independent reading of it.

The second pass is a reading in docs/readings/ (written from the page text alone; its README says how).
The two are matched on the numeral's offset. Per page and overall: the numbers either pass made a fact and
the share both made facts; for the facts of both, the share that agree on value, unit, qualifier, period and
claim type; and Cohen's κ on claim type and on qualifier (agreement beyond what chance would give).
"""
from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

from cnbef.package.tables import read_text_table
from cnbef.text.script import to_simplified

COMPARED = ("value", "unit", "qualifier", "period", "claim_type")


def kappa(pairs: list[tuple[str, str]]) -> float | None:
    """Cohen's κ of two raters' labels; None without pairs, 1 when both always give the one same label."""
    if not pairs:
        return None
    n = len(pairs)
    observed = sum(a == b for a, b in pairs) / n
    first, second = Counter(a for a, _ in pairs), Counter(b for _, b in pairs)
    expected = sum(first[k] * second[k] for k in first) / n ** 2
    return 1.0 if expected == 1 else (observed - expected) / (1 - expected)


def _curated(package_dir: Path) -> dict[str, dict[int, dict]]:
    """{document: {value offset: the fact as compared}} of the package's facts."""
    table = lambda name: read_text_table(Path(package_dir) / "data" / f"{name}.csv")  # noqa: E731
    units = table("units").set_index("unit_id")["symbol"].to_dict()
    doc_of = dict(zip(table("sources")["source_id"], table("sources")["document_id"]))
    out: dict[str, dict[int, dict]] = {}
    for f in table("facts").fillna("").itertuples():
        out.setdefault(doc_of.get(f.source_id, ""), {})[int(f.value_start)] = dict(
            value=float(f.value), unit="" if f.unit_implied == "true" else units.get(f.unit_id, ""), qualifier=f.qualifier,
            period=(f.period_start, f.period_end), claim_type=f.claim_type)
    return out


def _read(path: Path) -> dict[int, dict]:
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return {int(r["value_start"]): dict(value=float(r["value"]) if r["value"] else None,
                                            unit="" if r["unit_implied"] == "true" else r["unit_written"],
                                            qualifier=r["qualifier"] or "exact", period=(r["period_start"], r["period_end"]),
                                            claim_type=r["claim_type"])
                for r in csv.DictReader(fh) if r["decision"] == "fact"}


def _same(column: str, a: dict, b: dict) -> bool:
    if column == "unit":
        return to_simplified()(a["unit"]) == to_simplified()(b["unit"])
    return a[column] == b[column]


def agreement(package_dir: Path, readings_dir: Path) -> list[dict]:
    """Per reviewed page that has a reading: the double-entry figures (shares as fractions, None when undefined)."""
    curated = _curated(package_dir)
    documents = read_text_table(Path(package_dir) / "data" / "documents.csv").fillna("")
    rows = []
    for doc in documents.itertuples():
        reading = Path(readings_dir) / f"{doc.document_id}.csv"
        if getattr(doc, "status", "") == "draft" or not reading.is_file():
            continue
        rows.append(_page(doc.document_id, curated.get(doc.document_id, {}), _read(reading)))
    return rows


def _page(document_id: str, first: dict[int, dict], second: dict[int, dict]) -> dict:
    both = sorted(set(first) & set(second))
    row = {"document": document_id, "facts_either": len(set(first) | set(second)), "facts_both": len(both)}
    for column in COMPARED:
        row[column] = sum(_same(column, first[k], second[k]) for k in both)
    row["kappa_claim_type"] = kappa([(first[k]["claim_type"], second[k]["claim_type"]) for k in both])
    row["kappa_qualifier"] = kappa([(first[k]["qualifier"], second[k]["qualifier"]) for k in both])
    row["pairs"] = {c: [(first[k][c], second[k][c]) for k in both] for c in ("claim_type", "qualifier")}
    return row


def overall(rows: list[dict]) -> dict:
    total = {"document": "all pages", **{k: sum(r[k] for r in rows) for k in ("facts_either", "facts_both") + COMPARED}}
    total["kappa_claim_type"] = kappa([p for r in rows for p in r["pairs"]["claim_type"]])
    total["kappa_qualifier"] = kappa([p for r in rows for p in r["pairs"]["qualifier"]])
    return total


def agreement_table(rows: list[dict]) -> str:
    pct = lambda n, d: "–" if not d else f"{100 * n / d:.0f} %"  # noqa: E731
    k = lambda v: "–" if v is None else f"{v:.2f}"  # noqa: E731
    lines = ["| page | facts in either pass | in both | value | unit | qualifier | period | claim type | κ claim type | κ qualifier |",
             "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for r in rows + ([overall(rows)] if len(rows) > 1 else []):
        name = "**all pages**" if r["document"] == "all pages" else f"`{r['document']}`"
        lines.append(f"| {name} | {r['facts_either']} | {pct(r['facts_both'], r['facts_either'])} | "
                     + " | ".join(pct(r[c], r["facts_both"]) for c in COMPARED)
                     + f" | {k(r['kappa_claim_type'])} | {k(r['kappa_qualifier'])} |")
    return "\n".join(lines) + "\n"
