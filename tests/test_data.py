"""The curated tables themselves: file format, ordering, and what the curation promises."""
import csv
import json

import pytest

from cnbef.numerals import number_tokens, parse_numeral
from cnbef.quotes import find_quote, quote_at
from conftest import ROOT

DESCRIPTOR = json.loads((ROOT / "datapackage.json").read_text(encoding="utf-8"))
RESOURCES = {r["name"]: r for r in DESCRIPTOR["resources"]}


def table(name):
    with open(ROOT / RESOURCES[name]["path"], encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.mark.parametrize("name", RESOURCES)
def test_csv_is_utf8_lf_header_and_sorted_by_primary_key(name):
    res = RESOURCES[name]
    raw = (ROOT / res["path"]).read_bytes()
    # Only the table made for spreadsheets carries a BOM, and says so in its resource.
    assert raw.startswith(b"\xef\xbb\xbf") == (res.get("encoding") == "utf-8-sig")
    assert b"\r" not in raw and raw.endswith(b"\n") and not raw.endswith(b"\n\n")
    raw = raw.removeprefix(b"\xef\xbb\xbf")
    schema = json.loads((ROOT / res["schema"]).read_text(encoding="utf-8"))
    header = raw.decode("utf-8").split("\n", 1)[0].split(",")
    assert header == [f["name"] for f in schema["fields"]]
    keys = [tuple(r[k] for k in schema["primaryKey"]) for r in table(name)]
    assert keys == sorted(keys)


def test_package_identity():
    assert DESCRIPTOR["name"] == "cn-business-environment-facts"
    changelog = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    import re
    assert re.search(r"^## \[(.+?)\]", changelog, re.M).group(1) == DESCRIPTOR["version"], "newest CHANGELOG section"


def test_xunyang_uses_its_county_level_city_code():
    regions = {r["region_id"]: r for r in table("regions")}
    assert regions["610981"]["name_zh"] == "旬阳市" and regions["610981"]["parent_id"] == "610900"
    assert "610928" not in regions and "610928" in regions["610981"]["note"]
    assert {f["region_id"] for f in table("facts") if f["source_id"] == "000-xunyang"} == {"610981"}


def test_every_region_of_a_fact_or_policy_has_its_ancestors():
    regions = {r["region_id"]: r for r in table("regions")}
    used = {r["region_id"] for t in ("facts", "policies", "entities", "sources") for r in table(t) if r["region_id"]}
    for rid in used:
        while rid:
            assert rid in regions
            rid = regions[rid]["parent_id"]


def test_quotes_are_clauses_not_paragraphs_and_have_no_line_breaks():
    for t in ("facts", "policies"):
        for r in table(t):
            assert "\n" not in r["quote"] and len(r["quote"]) <= 80, r


def test_goals_are_never_mixed_with_results():
    facts = table("facts")
    assert {f["claim_type"] for f in facts} == {"achieved", "target", "plan", "capacity", "projection"}
    by_id = {f["fact_id"]: f for f in facts}
    assert by_id["000-luohe-f08"]["claim_type"] == "target"  # 打造3000亿元级以上
    assert by_id["000-linhai-f17"]["claim_type"] == "capacity"  # 年产15万吨


def test_inferred_years_are_flagged():
    for f in table("facts"):
        if f["period_text"].startswith("今年") or f["period_text"] in ("1月~10月", "仅在今年", "今年上半年"):
            assert f["period_inferred"] == "true", f["fact_id"]


def test_missing_percent_sign_is_noted():
    f = next(f for f in table("facts") if f["quote"].endswith("比重为74.5"))
    assert f["unit_id"] == "percent" and "missing" in f["note"]


# --- against the source text


def test_sha256_and_sizes_of_the_source(sources_dir):
    import hashlib
    (doc,) = table("documents")
    raw = (sources_dir / doc["file_name"]).read_bytes()
    assert hashlib.sha256(raw).hexdigest() == doc["sha256"] == "2b65758cddfdc8fe616ce18c0d0a96f89521476ae9785806db39c72dd33ad2be"
    assert int(doc["char_count"]) == len(raw.decode("utf-8"))


def _text(sources_dir):
    (doc,) = table("documents")
    return (sources_dir / doc["file_name"]).read_text(encoding="utf-8")


def test_every_quote_is_verbatim_at_its_offsets(sources_dir):
    text = _text(sources_dir)
    for t in ("facts", "policies"):
        for r in table(t):
            assert quote_at(text, int(r["quote_start"]), int(r["quote_end"])) == r["quote"], r
    for f in table("facts"):
        start = int(f["value_start"])
        assert text[start:start + len(f["value_text"])] == f["value_text"]
        assert parse_numeral(f["value_text"]) == parse_numeral(f["value"])


def test_every_policy_title_in_the_source_is_a_policy_row(sources_dir):
    import re
    text = _text(sources_dir)
    assert sorted(re.findall(r"《(.+?)》", text)) == sorted(p["title_zh"] for p in table("policies"))
    assert len(table("policies")) == 15


def test_every_number_in_the_source_is_a_fact_or_an_excluded_mention(sources_dir):
    text = _text(sources_dir)
    spans = [(int(f["value_start"]), int(f["value_start"]) + len(f["value_text"])) for f in table("facts")]
    spans += [(int(x["char_start"]), int(x["char_end"])) for x in table("excluded_mentions")]
    tokens = number_tokens(text)
    assert len(tokens) > 100
    missing = [t for t in tokens if not any(a < t.end and t.start < b for a, b in spans)]
    assert missing == []
    assert 80 <= len(table("facts")) <= 100


def test_quote_finder_spans_print_line_breaks():
    text = "打造3000亿元级\n\n以上的食品"
    assert find_quote(text, "3000亿元级以上") == [(2, 13)]
    assert quote_at(text, 2, 13) == "3000亿元级以上"


def test_locate_script_gives_the_offsets_the_tables_hold(sources_dir):
    import subprocess
    import sys
    f = next(r for r in table("facts") if r["fact_id"] == "000-luohe-f08")
    (doc,) = table("documents")
    done = subprocess.run([sys.executable, str(ROOT / "scripts" / "locate.py"), str(sources_dir / doc["file_name"]),
                           f["quote"], f["value_text"]], capture_output=True, text=True)
    assert done.returncode == 0
    assert f"quote_start={f['quote_start']} quote_end={f['quote_end']}" in done.stdout
    assert f"value_start={f['value_start']}" in done.stdout and doc["sha256"] in done.stdout
