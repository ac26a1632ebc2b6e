"""A synthetic but valid package of N facts, for measuring validation at scale.

Same schemas, units, measures and measure kinds as the real package; a region
hierarchy shaped like China's (31 provinces, ~2,800 county-level divisions); and
synthetic source texts (written next to the package, in sources/) in which every
fact's quote, value and qualifier sit at the offsets the tables give, so every rule
— provenance and completeness included — runs over every row.
"""
from __future__ import annotations

import hashlib
import json
import random
import shutil
import zlib
from pathlib import Path
from types import SimpleNamespace

import pandas as pd

from cnbef.package.metadata import refreshed, write_descriptor
from cnbef.text.claims import NOT_ACHIEVED
from cnbef.text.numerals import NUMBER_TOKEN
from cnbef.package.tables import read_descriptor, read_text_table

MONTH_ENDS = {m: (pd.Timestamp(2022, m, 1) + pd.offsets.MonthEnd(0)).strftime("%Y-%m-%d") for m in range(1, 13)}
FACTS_PER_ARTICLE = 200
ARTICLES_PER_DOCUMENT = 5
PROVINCES, PREFECTURES, COUNTIES = 31, 10, 9
# Syllables for place names: none is a numeral, so the only numbers in the texts are the facts' values.
SYLLABLES = "安平和宁康泰昌盛兴华新东西南北江河山川林源清远定丰乐阳临海仙桃漯旬德顺福州台"
DERIVED = {"facts_flat"}  # built from the others; left out so that N counts only the normalized facts


def _name(rng: random.Random, suffix: str, taken: set | None = None) -> str:
    """A made-up name; one not in ``taken`` (the names under the same parent), which it joins."""
    taken = set() if taken is None else taken
    while (name := rng.choice(SYLLABLES) + rng.choice(SYLLABLES) + suffix) in taken:
        pass
    taken.add(name)
    return name


def regions(rng: random.Random) -> pd.DataFrame:
    """Up to PROVINCES provinces, PREFECTURES prefectures each and COUNTIES counties each, with codes in use (the
    region_code rule checks them) and made-up names."""
    from cnbef.package import divisions
    codes = sorted(divisions.current())
    rows, taken = [], {}
    for pcode in [c for c in codes if c.endswith("0000")][:PROVINCES]:
        rows.append((pcode, _name(rng, "省", taken.setdefault("", set())), f"Province {pcode}", "province", ""))
        prefectures = [c for c in codes if c[:2] == pcode[:2] and c.endswith("00") and c != pcode]
        for qcode in [q for q in prefectures if any(c[:4] == q[:4] and c != q for c in codes)][:PREFECTURES]:
            rows.append((qcode, _name(rng, "市", taken.setdefault(pcode, set())), f"Prefecture {qcode}", "prefecture", pcode))
            for ccode in [c for c in codes if c[:4] == qcode[:4] and c != qcode][:COUNTIES]:
                rows.append((ccode, _name(rng, "县", taken.setdefault(qcode, set())), f"County {ccode}", "county", qcode))
    return pd.DataFrame(rows, columns=["region_id", "name_zh", "name_en", "level", "parent_id"]).assign(note="")


def _value(rng: random.Random, kind: str) -> str:
    if kind == "growth_rate":
        return f"{rng.uniform(-50, 150):.1f}"
    if kind == "share":
        return f"{rng.uniform(0, 100):.1f}"
    if kind in ("count", "duration"):
        return str(rng.randint(1, 5000))
    if kind == "rank":
        return str(rng.randint(1, 50))
    if kind == "tier":
        return str(rng.randint(1, 5))
    if kind == "share_change":
        return f"{rng.uniform(-20, 20):.1f}"
    return f"{rng.uniform(0.1, 9999):.2f}"


def _fact(rng, region, measure, units_by_dimension, entity):
    kind = measure.kind_id
    units = units_by_dimension[measure.dimension]
    base = units[zlib.crc32(measure.measure_id.encode()) % len(units)].base_unit_id  # one base unit per measure
    unit = rng.choice([u for u in units if u.base_unit_id == base])
    number = _value(rng, kind)
    at_least = kind in ("count", "monetary_amount") and rng.random() < 0.1
    if kind == "rank":
        written, body = f"第{number}", f"{region}{measure.name_zh}居第{number}"
        lead = len(f"{region}{measure.name_zh}居")
    else:
        written = number
        lead = len(f"{region}{measure.name_zh}为")
        body = f"{region}{measure.name_zh}为{number}{unit.symbol}{'以上' if at_least else ''}"
    return body, lead, written, unit.unit_id, ("at_least", "以上") if at_least else ("exact", "")


def _lookups(template: Path) -> tuple[dict, list]:
    """The template's units by dimension and the measures a generated sentence can state, each with its dimension."""
    units = read_text_table(template / "data" / "units.csv")
    # The writer puts the unit after Arabic digits; a symbol that opens with a second scale (万亿元) would read as a numeral.
    units = units[~units["symbol"].str.startswith("万亿")]
    units_by_dimension = {d: list(g.itertuples()) for d, g in units.groupby("dimension")}
    measures = read_text_table(template / "data" / "measures.csv")
    # The text holds only its facts' numbers, and its results no cue word of a target (计划 in a measure's name)
    measures = measures[~measures["name_zh"].map(lambda name: bool(NUMBER_TOKEN.search(name)) or any(w in name for w in NOT_ACHIEVED))]
    kinds = read_text_table(template / "data" / "measure_kinds.csv")[["kind_id", "dimension"]]
    return units_by_dimension, list(measures.merge(kinds, on="kind_id").itertuples())


def build(n: int, out: Path, seed: int = 2022, template: Path | None = None, part_rows: int | None = None) -> Path:
    """Write a package of ``n`` facts into ``out`` and its source texts into ``out/sources``."""
    from cnbef.package.installed import package_dir
    template = Path(template or package_dir())
    rng = random.Random(seed)
    out = Path(out)
    shutil.rmtree(out, ignore_errors=True)
    (out / "data").mkdir(parents=True)
    (out / "sources").mkdir()
    shutil.copytree(template / "schemas", out / "schemas")
    descriptor = read_descriptor(template)
    descriptor["resources"] = [r for r in descriptor["resources"] if r["name"] not in DERIVED]
    for name in ("units", "measure_kinds", "topics", "measures", "content_types", "exclusion_reasons"):
        shutil.copy(template / "data" / f"{name}.csv", out / "data")
    units_by_dimension, measures = _lookups(template)
    region_table = regions(rng)
    all_regions = list(region_table.itertuples())
    counties = region_table[region_table.level == "county"].reset_index(drop=True)
    county_rows = list(counties.itertuples())
    entities = pd.DataFrame({"entity_id": [f"park_{c}" for c in counties.region_id[:500]],
                             "name_zh": [f"{z}高新区（{c}）" for z, c in zip(counties.name_zh[:500], counties.region_id[:500])],
                             "name_en": [f"High-tech zone {c}" for c in counties.region_id[:500]],
                             "entity_type": "industrial_park", "region_id": counties.region_id[:500], "note": ""})
    page = SimpleNamespace(rng=rng, n=n, county_rows=county_rows, all_regions=all_regions, measures=measures,
                           units_by_dimension=units_by_dimension, entity_ids=list(entities.entity_id),
                           facts=[], sources=[], policies=[], mentions=[])
    documents = []
    articles = -(-n // FACTS_PER_ARTICLE)
    for d in range(-(-articles // ARTICLES_PER_DOCUMENT)):
        doc_id = f"{d % 1000:03d}_{hashlib.sha256(str(d).encode()).hexdigest()[:16]}"
        text = "\n"
        for article in range(d * ARTICLES_PER_DOCUMENT, min(articles, (d + 1) * ARTICLES_PER_DOCUMENT)):
            text = _article(page, article, doc_id, text)
        path = out / "sources" / f"{doc_id}.txt"
        raw = text.encode("utf-8")
        path.write_bytes(raw)
        documents.append((doc_id, path.name, hashlib.sha256(raw).hexdigest(), len(text), len(raw), "synthetic page", "context",
                          "2022-12-01", "2022-12-31", "synthetic", "", "reviewed"))
    tables = {"documents": documents, "sources": page.sources, "regions": region_table, "entities": entities,
              "facts": page.facts, "policies": page.policies, "excluded_mentions": page.mentions}
    _write(out, descriptor, tables)
    if part_rows:  # facts stored as parts of at most part_rows rows (cnbef parts)
        from cnbef.package.parts import split

        split(out, "facts", part_rows)
    return out


def _article(page, article: int, doc_id: str, text: str) -> str:
    """The page's text with one more article, and the article's rows added to the page's tables."""
    rng, facts, sources, policies, mentions = page.rng, page.facts, page.sources, page.policies, page.mentions
    county_rows, all_regions, measures, n = page.county_rows, page.all_regions, page.measures, page.n
    county = county_rows[rng.randrange(len(county_rows))]
    sid = f"s{article:06d}"
    title = f"{county.name_zh}持续优化营商环境"
    start = len(text)
    text += title + "\n\n"
    pstart = len(text) + 2
    text += "近日印发《关于优化营商环境的若干措施》。"
    policies.append((f"{sid}-p01", sid, "关于优化营商环境的若干措施", "Several measures to optimise the business environment",
                     county.region_id, "", "", "印发", "印发《关于优化营商环境的若干措施》", pstart, pstart + 17, ""))
    mstart = len(text) + 3
    text += "记者于12月12日采访。\n\n"
    mentions.append((f"{sid}-x01", sid, "12月12日", mstart, mstart + 6, "event_date", "date of the interview"))
    for k in range(min(FACTS_PER_ARTICLE, n - article * FACTS_PER_ARTICLE)):
        region = county if rng.random() < 0.8 else all_regions[rng.randrange(len(all_regions))]
        measure = measures[rng.randrange(len(measures))]
        entity = page.entity_ids[rng.randrange(500)] if rng.random() < 0.1 else ""
        body, lead, written, unit_id, (qualifier, qtext) = _fact(rng, region.name_zh, measure, page.units_by_dimension, entity)
        q0 = len(text)
        text += body + ("。\n\n" if k % 10 == 9 else "；")
        month = rng.randint(1, 11)
        end_of_month = MONTH_ENDS[month]
        facts.append((f"{sid}-f{k + 1:03d}", sid, region.region_id, entity, measure.measure_id, written.removeprefix("第"),
                      written, unit_id, "false", qualifier, qtext, "achieved", "2022-01-01",
                      end_of_month,
                      f"2022年1月~{month}月", "false", body, q0, q0 + len(body), q0 + lead, ""))
    end = len(text.rstrip("；\n"))
    sources.append((sid, doc_id, start, end, "news_brief", title, "", f"Synthetic article {article}", "", "", "", "",
                    "", county.region_id, "synthetic"))
    return text


def _write(out: Path, descriptor: dict, tables: dict) -> None:
    """Each table as CSV, sorted by its key, and the descriptor with its metadata."""
    for res in descriptor["resources"]:
        name = res["name"]
        if name not in tables:
            continue
        columns = [f["name"] for f in json.loads((out / res["schema"]).read_text(encoding="utf-8"))["fields"]]
        frame = tables[name] if isinstance(tables[name], pd.DataFrame) else pd.DataFrame(tables[name], columns=columns)
        frame[columns].sort_values(columns[0]).to_csv(out / res["path"], index=False, lineterminator="\n")
    (out / "datapackage.json").write_text(json.dumps(descriptor, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    write_descriptor(out, refreshed(out))
