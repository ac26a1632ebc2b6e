"""How good the draft is: the untouched draft of a page scored against a reference reading of it.

The reference is the package's own curation (pages already curated) or a folder of readings (pages not
curated yet, read by someone who has not seen the draft: docs/curation.md says how a reading is written).
Per page: the reference's facts the draft has a row for; of those facts, the share whose drafted value, unit,
qualifier and period equal the reference, and all four; the excluded numbers the draft proposed as mentions
with the reference's reason; and false candidates, numbers drafted as facts that the reference excludes.
"""
from __future__ import annotations

import csv
import json
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from cnbef.curation.draft import Page, draft, draft_page
from cnbef.package.tables import read_text_table
from cnbef.text.numerals import NUMBER_TOKEN
from cnbef.text.periods import reference_year
from cnbef.text.script import to_simplified as _to_simplified

FOUR = ("value", "unit", "qualifier", "period")
# The pieces of a reading the draft reads, as a page registered with them would have its articles.
ARTICLE_PIECES = {"article", "headline"}


@dataclass
class Reference:
    """A page's reference reading: its facts and its excluded numbers (start, end, reason)."""
    document_id: str
    facts: list[dict] = field(default_factory=list)  # value_start, value, unit (symbol), qualifier, period
    mentions: list[tuple[int, int, str]] = field(default_factory=list)
    numbers: list[tuple[int, int]] = field(default_factory=list)  # where the tokenizer finds a number in the page


def _numbers(text: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in NUMBER_TOKEN.finditer(text)]


def _text(v) -> str:
    return v if isinstance(v, str) else ""


def curated(package_dir: Path, sources_dir: Path) -> list[tuple[Reference, list[dict]]]:
    """The pages of the package whose texts are at hand, each with its curation and its draft."""
    package_dir = Path(package_dir)
    table = lambda name: read_text_table(package_dir / "data" / f"{name}.csv")  # noqa: E731
    symbol = dict(zip(table("units")["unit_id"], table("units")["symbol"]))
    doc_of = dict(zip(table("sources")["source_id"], table("sources")["document_id"]))
    facts, mentions, out = table("facts"), table("excluded_mentions"), []
    for doc in table("documents").itertuples():
        if not (Path(sources_dir) / doc.file_name).is_file() or getattr(doc, "status", "") == "draft":  # nothing to score yet
            continue
        ref = Reference(doc.document_id, numbers=_numbers((Path(sources_dir) / doc.file_name).read_text(encoding="utf-8")))
        ref.facts = [dict(value_start=int(r.value_start), value=float(r.value), unit=_text(symbol.get(r.unit_id)),
                          qualifier=r.qualifier, period=(_text(r.period_start), _text(r.period_end)))
                     for r in facts[facts["source_id"].map(doc_of) == doc.document_id].itertuples()]
        ref.mentions = [(int(m.char_start), int(m.char_end), m.reason)
                        for m in mentions[mentions["source_id"].map(doc_of) == doc.document_id].itertuples()]
        out.append((ref, draft(package_dir, sources_dir, doc.file_name, curated_too=True)))
    return out


def read(package_dir: Path, sources_dir: Path, readings_dir: Path) -> list[tuple[Reference, list[dict]]]:
    """The pages of a readings folder (<document_id>.json and .csv each), each with its reading and its draft."""
    out = []
    for meta_path in sorted(Path(readings_dir).glob("*.json")):
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        text = (Path(sources_dir) / f"{meta['document_id']}.txt").read_text(encoding="utf-8")
        day = lambda key: date.fromisoformat(meta[key]) if meta.get(key) else None  # noqa: E731
        earliest, latest = day("published_earliest") or day("published"), day("published_latest") or day("published")
        spans = [(f"{meta['document_id']}-{k}", int(p["start"]), int(p["end"]), None) for k, p in enumerate(meta["pieces"])]
        articles = [s for s, p in zip(spans, meta["pieces"]) if p["kind"] in ARTICLE_PIECES]
        page = Page(meta["document_id"], text, reference_year(earliest, latest), articles, latest,
                    [s for s in spans if s not in articles])
        with open(meta_path.with_suffix(".csv"), encoding="utf-8-sig", newline="") as fh:
            rows = list(csv.DictReader(fh))
        ref = Reference(meta["document_id"], numbers=_numbers(text))
        for r in rows:
            a = int(r["value_start"])
            if r["decision"] == "fact":
                ref.facts.append(dict(value_start=a, value=float(r["value"]) if r["value"] else None, unit=r["unit_written"],
                                      qualifier=r["qualifier"] or "exact", period=(r["period_start"], r["period_end"])))
            else:
                ref.mentions.append((a, a + len(r["value_text"]), r["reason"]))
        out.append((ref, draft_page(package_dir, page)))
    return out


def score(ref: Reference, rows: list[dict], symbols: dict[str, str]) -> dict:
    """The draft ``rows`` of a page against its reference."""
    simple = _to_simplified()
    rows = [r for r in rows if r["proposal"] != "unit"]
    at = {int(r["value_start"]): r for r in rows}
    same = dict.fromkeys(FOUR + ("all", "found"), 0)
    for f in ref.facts:
        d = at.get(f["value_start"])
        if d is None:
            continue
        same["found"] += 1
        unit = symbols.get(d["unit_id"]) or d["unit_written"] if d["proposal"] == "fact" else None
        checks = {"value": d["proposal"] == "fact" and d["value"] != "" and f["value"] is not None and float(d["value"]) == f["value"],
                  "unit": unit is not None and simple(unit) == simple(f["unit"]),
                  "qualifier": d["proposal"] == "fact" and d["qualifier"] == f["qualifier"],
                  "period": d["proposal"] == "fact" and (d["period_start"], d["period_end"]) == f["period"]}
        for k, ok in checks.items():
            same[k] += ok
        same["all"] += all(checks.values())
    proposed = [(int(d["mention_start"]), int(d["mention_end"]), d["reason"]) for d in rows if d["proposal"] == "mention"]
    # Only excluded mentions that hold a number the tokenizer counts need a row; the others (一是, 零人工) are the
    # curator's extra care.
    seen = [m for m in ref.mentions if any(a < m[1] and m[0] < b for a, b in ref.numbers)]
    right = sum(any(a < m[1] and m[0] < b and reason == m[2] for a, b, reason in proposed) for m in seen)
    facts_at = {f["value_start"] for f in ref.facts}
    false = sum(1 for d in rows if d["proposal"] == "fact" and int(d["value_start"]) not in facts_at)
    n = len(ref.facts)
    return {"document": ref.document_id, "facts": n, **{k: same[k] / n if n else None for k in FOUR + ("all", "found")},
            "mentions": len(seen), "mention_reason": right / len(seen) if seen else None, "false": false}


def accuracy(package_dir: Path, sources_dir: Path, readings_dir: Path | None = None) -> list[dict]:
    """Per page, the draft scored against the package's curation, or against the readings in ``readings_dir``."""
    units = read_text_table(Path(package_dir) / "data" / "units.csv")
    symbols = dict(zip(units["unit_id"], units["symbol"].fillna("")))
    pages = read(package_dir, sources_dir, readings_dir) if readings_dir else curated(package_dir, sources_dir)
    return [score(ref, rows, symbols) for ref, rows in pages]


def total(results: list[dict]) -> dict:
    """All pages as one: each share weighted by its page's facts (or excluded numbers)."""
    n, m = sum(r["facts"] for r in results), sum(r["mentions"] for r in results)
    weighted = lambda k, w: sum((r[k] or 0) * r[w] for r in results) / sum(r[w] for r in results) if sum(  # noqa: E731
        r[w] for r in results) else None
    return {"document": "all pages", "facts": n, **{k: weighted(k, "facts") for k in FOUR + ("all", "found")},
            "mentions": m, "mention_reason": weighted("mention_reason", "mentions"), "false": sum(r["false"] for r in results)}


def accuracy_table(results: list[dict]) -> str:
    pct = lambda v: "–" if v is None else f"{100 * v:.0f} %"  # noqa: E731
    lines = ["| page | facts | found | value | unit | qualifier | period | all four | excluded numbers | right reason | "
             "false candidates |", "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    name = lambda r: f"`{r['document']}`" if r["document"] != "all pages" else "**all pages**"  # noqa: E731
    lines += [f"| {name(r)} | {r['facts']} | {pct(r['found'])} | {pct(r['value'])} | {pct(r['unit'])} | {pct(r['qualifier'])} | "
              f"{pct(r['period'])} | {pct(r['all'])} | {r['mentions']} | {pct(r['mention_reason'])} | {r['false']} |"
              for r in results + ([total(results)] if len(results) > 1 else [])]
    return "\n".join(lines) + "\n"
