"""The curated tables themselves: file format, ordering, and what the curation promises.

Every test here holds for any correct package: it reads the package's own rows and
checks them against rules or the source texts, and names no row of the real data.
CNBEF_PACKAGE and CNBEF_SOURCES point it at another package (a copy with a new page)
and its source folder; by default it checks this checkout against ../shared/sources.
"""
import csv
import json
import os
import re
from pathlib import Path

import pytest

from cnbef.text.numerals import number_tokens, parse_numeral
from cnbef.text.claims import FORWARD_LOOKING
from cnbef.text.periods import reference_year, resolve
from cnbef.text.quotes import find_quote, quote_at
from conftest import ROOT, SOURCES

PACKAGE = Path(os.environ.get("CNBEF_PACKAGE", ROOT))
SOURCE_DIR = Path(os.environ.get("CNBEF_SOURCES", SOURCES))
DESCRIPTOR = json.loads((PACKAGE / "datapackage.json").read_text(encoding="utf-8"))
RESOURCES = {r["name"]: r for r in DESCRIPTOR["resources"]}


def table(name):
    with open(PACKAGE / RESOURCES[name]["path"], encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.mark.parametrize("name", RESOURCES)
def test_csv_is_utf8_lf_header_and_sorted_by_primary_key(name):
    res = RESOURCES[name]
    raw = (PACKAGE / res["path"]).read_bytes()
    # Only the table made for spreadsheets carries a BOM, and says so in its resource.
    assert raw.startswith(b"\xef\xbb\xbf") == (res.get("encoding") == "utf-8-sig")
    assert b"\r" not in raw and raw.endswith(b"\n") and not raw.endswith(b"\n\n")
    raw = raw.removeprefix(b"\xef\xbb\xbf")
    schema = json.loads((PACKAGE / res["schema"]).read_text(encoding="utf-8"))
    header = raw.decode("utf-8").split("\n", 1)[0].split(",")
    assert header == [f["name"] for f in schema["fields"]]
    keys = [tuple(r[k] for k in schema["primaryKey"]) for r in table(name)]
    assert keys == sorted(keys)


def test_package_identity():
    assert DESCRIPTOR["name"] == "cn-business-environment-facts"
    changelog = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    assert re.search(r"^## \[(\d+\.\d+\.\d+)\]", changelog, re.M).group(1) == json.loads(
        (ROOT / "datapackage.json").read_text(encoding="utf-8"))["version"], "newest released CHANGELOG section ([Unreleased] notes may stand above it)"


def test_every_region_of_a_fact_or_policy_has_its_ancestors():
    regions = {r["region_id"]: r for r in table("regions")}
    used = {r["region_id"] for t in ("facts", "policies", "entities", "sources") for r in table(t) if r["region_id"]}
    for rid in used:
        while rid:
            assert rid in regions
            rid = regions[rid]["parent_id"]


def test_relative_periods_are_read_against_the_documents_date():
    docs = {d["document_id"]: d for d in table("documents")}
    doc_of = {s["source_id"]: docs[s["document_id"]] for s in table("sources")}
    from datetime import date
    for f in table("facts"):
        d = doc_of[f["source_id"]]
        earliest, latest = [date.fromisoformat(d[c]) if d[c] else None for c in ("published_earliest", "published_latest")]
        year = reference_year(earliest, latest)
        forward = f["claim_type"] in FORWARD_LOOKING
        period = resolve(f["period_text"], year, latest if year else None, forward) if f["period_text"] else None
        if period is not None:
            assert (f["period_start"], f["period_end"], f["period_inferred"]) == (
                period.start.isoformat(), period.end.isoformat(), str(period.inferred).lower()), f["fact_id"]


def test_an_implied_unit_is_explained():
    for f in table("facts"):
        if f["unit_implied"] == "true":
            assert f["note"], f["fact_id"]


# --- against the source text


@pytest.fixture(scope="module")
def texts():
    """The texts of the documents found in SOURCE_DIR (the others are checked where they are)."""
    found = {d["document_id"]: SOURCE_DIR / d["file_name"] for d in table("documents")}
    found = {doc: path.read_text(encoding="utf-8") for doc, path in found.items() if path.is_file()}
    if not found:
        pytest.skip(f"source texts not found in {SOURCE_DIR}; provenance tests need them")
    return found


def _text_of_source(texts):
    return {s["source_id"]: texts[s["document_id"]] for s in table("sources") if s["document_id"] in texts}


def _found(rows, texts):
    text_of = _text_of_source(texts)
    return [r for r in rows if r["source_id"] in text_of]


def test_sha256_and_sizes_of_every_source(texts):
    import hashlib
    for doc in table("documents"):
        if doc["document_id"] not in texts:
            continue
        raw = (SOURCE_DIR / doc["file_name"]).read_bytes()
        assert hashlib.sha256(raw).hexdigest() == doc["sha256"], doc["document_id"]
        assert int(doc["char_count"]) == len(raw.decode("utf-8")) and int(doc["byte_count"]) == len(raw)


def test_every_quote_is_verbatim_at_its_offsets(texts):
    text_of = _text_of_source(texts)
    for t in ("facts", "policies"):
        for r in _found(table(t), texts):
            assert quote_at(text_of[r["source_id"]], int(r["quote_start"]), int(r["quote_end"])) == r["quote"], r
    for f in _found(table("facts"), texts):
        start, text = int(f["value_start"]), text_of[f["source_id"]]
        assert text[start:start + len(f["value_text"])] == f["value_text"]
        assert parse_numeral(f["value_text"]) == parse_numeral(f["value"])


def test_every_number_in_every_document_is_a_fact_or_an_excluded_mention(texts):
    doc_of = {s["source_id"]: s["document_id"] for s in table("sources")}
    spans = {}
    for f in table("facts"):
        spans.setdefault(doc_of[f["source_id"]], []).append((int(f["value_start"]), int(f["value_start"]) + len(f["value_text"])))
    for x in table("excluded_mentions"):
        spans.setdefault(doc_of[x["source_id"]], []).append((int(x["char_start"]), int(x["char_end"])))
    drafts = {d["document_id"] for d in table("documents") if d.get("status") == "draft"}  # being curated
    for doc, text in texts.items():  # the whole text, page furniture included
        if doc in drafts:
            continue
        missing = [t for t in number_tokens(text) if not any(a < t.end and t.start < b for a, b in spans.get(doc, []))]
        assert missing == [], doc


def test_quote_finder_spans_print_line_breaks():
    text = "打造3000亿元级\n\n以上的食品"
    assert find_quote(text, "3000亿元级以上") == [(2, 13)]
    assert quote_at(text, 2, 13) == "3000亿元级以上"


def test_locate_script_gives_the_offsets_the_tables_hold(texts):
    import subprocess
    import sys
    documents = {d["document_id"]: d for d in table("documents")}
    document_of = {s["source_id"]: documents[s["document_id"]] for s in table("sources")}
    # a fact whose quote occurs once in its page (for a repeated quote, locate asks for more context)
    f = next(f for f in table("facts") if len(find_quote(texts[document_of[f["source_id"]]["document_id"]], f["quote"])) == 1)
    doc = document_of[f["source_id"]]
    done = subprocess.run([sys.executable, str(ROOT / "scripts" / "locate.py"), str(SOURCE_DIR / doc["file_name"]),
                           f["quote"], f["value_text"]], capture_output=True, text=True)
    assert done.returncode == 0
    assert f"quote_start={f['quote_start']} quote_end={f['quote_end']}" in done.stdout
    assert doc["sha256"] in done.stdout
