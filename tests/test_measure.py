"""The draft measured against a reference reading: the package's curation, or a folder of readings of pages not
curated yet (tests on the made-up page, whose reading is written here from its curation)."""
import csv
import json
import subprocess
import sys

import pytest

from cnbef.curation.measure import Reference, accuracy, accuracy_table, score
from made_up_page import DOC, MENTION, S, TEXT, TARGET

READING_COLUMNS = ["value_start", "value_text", "decision", "value", "unit_written", "qualifier", "period_start",
                   "period_end", "reason"]


def _row(start, proposal="fact", value="", unit_id="", qualifier="exact", period=("", ""), reason="", end=None):
    return dict(value_start=str(start), value_text="12", proposal=proposal, value=value, unit_id=unit_id, unit_written="",
                qualifier=qualifier, period_start=period[0], period_end=period[1], reason=reason,
                mention_start=str(start), mention_end=str(end or start + 2))


def test_each_column_is_scored_on_its_own():
    ref = Reference("d", facts=[dict(value_start=0, value=12.0, unit="%", qualifier="exact", period=("2022-01-01", "2022-12-31")),
                                dict(value_start=10, value=5.0, unit="家", qualifier="at_least", period=("", "")),
                                dict(value_start=20, value=1.0, unit="", qualifier="exact", period=("", ""))],
                    mentions=[(30, 35, "event_date"), (40, 42, "ordinal")], numbers=[(0, 2), (10, 11), (30, 32), (40, 41)])
    rows = [_row(0, value="12", unit_id="percent", period=("2022-01-01", "2022-12-31")),
            _row(10, value="5", unit_id="jia", qualifier="exact"),
            _row(30, "mention", reason="event_date", end=35), _row(40, "mention", reason="idiom"), _row(50, value="3")]
    result = score(ref, rows, {"percent": "%", "jia": "家"})
    assert result["found"] == 2 / 3 and result["value"] == 2 / 3 and result["unit"] == 2 / 3
    assert result["qualifier"] == 1 / 3 and result["period"] == 2 / 3 and result["all"] == 1 / 3
    assert (result["mentions"], result["mention_reason"], result["false"]) == (2, 1 / 2, 1)


def _reading_from_curation(pkg, folder, change=lambda row: row):
    """The made-up page's curation written as a reading (the format of docs/curation.md)."""
    folder.mkdir()
    sources = {r["source_id"]: r for r in pkg.table("sources") if r["document_id"] == DOC}
    pieces = [dict(start=int(r["char_start"]), end=int(r["char_end"]), kind="article" if r["source_id"] == S else "navigation")
              for r in sources.values()]
    (folder / f"{DOC}.json").write_text(json.dumps(dict(document_id=DOC, published="2023-02-02", pieces=pieces)), encoding="utf-8")
    symbol = {r["unit_id"]: r["symbol"] for r in pkg.table("units")}
    rows = [change(dict(value_start=f["value_start"], value_text=f["value_text"], decision="fact", value=f["value"],
                        unit_written=symbol[f["unit_id"]], qualifier=f["qualifier"], period_start=f["period_start"],
                        period_end=f["period_end"], reason="", fact_id=f["fact_id"]))
            for f in pkg.table("facts") if f["source_id"] == S]
    rows += [dict(value_start=m["char_start"], value_text="2022", decision="mention", reason=m["reason"])
             for m in pkg.table("excluded_mentions") if m["mention_id"] == MENTION]
    with open(folder / f"{DOC}.csv", "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, READING_COLUMNS, extrasaction="ignore", lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return folder


def test_a_reading_of_the_curation_scores_the_draft_as_the_curation_does(pkg, tmp_path):
    readings = _reading_from_curation(pkg, tmp_path / "readings")
    (curated,) = [r for r in accuracy(pkg.root, pkg.sources) if r["document"] == DOC]
    (read,) = accuracy(pkg.root, pkg.sources, readings)
    assert read == curated


def test_a_reading_that_disagrees_lowers_only_its_column(pkg, tmp_path):
    (before,) = accuracy(pkg.root, pkg.sources, _reading_from_curation(pkg, tmp_path / "a"))
    wrong = lambda r: {**r, "period_start": "2021-01-01"} if r["fact_id"] == TARGET else r  # noqa: E731
    (after,) = accuracy(pkg.root, pkg.sources, _reading_from_curation(pkg, tmp_path / "b", wrong))
    assert after["period"] == pytest.approx(before["period"] - 1 / before["facts"])
    assert {k: v for k, v in after.items() if k not in ("period", "all")} == {k: v for k, v in before.items()
                                                                             if k not in ("period", "all")}


def test_the_command_prints_the_table_for_a_readings_folder(pkg, tmp_path):
    readings = _reading_from_curation(pkg, tmp_path / "readings")
    done = subprocess.run([sys.executable, "-m", "cnbef", "draft", "--measure", "--readings", str(readings),
                           "--package", str(pkg.root), "--sources", str(pkg.sources)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout == accuracy_table(accuracy(pkg.root, pkg.sources, readings))
    assert f"| `{DOC}` |" in done.stdout and TEXT not in done.stdout


def test_the_readings_of_the_docs_stand_on_their_pages():
    """Every reading in docs/readings: each numeral at its offset, the pieces cover the page, the codes are the package's."""
    from conftest import ROOT, sources_or_skip
    sources = sources_or_skip()
    reasons = {r["reason"] for r in csv.DictReader(open(ROOT / "data" / "exclusion_reasons.csv", encoding="utf-8"))}
    fields = json.loads((ROOT / "schemas" / "facts.json").read_text(encoding="utf-8"))["fields"]
    qualifiers = set(next(f for f in fields if f["name"] == "qualifier")["constraints"]["enum"])
    readings = sorted((ROOT / "docs" / "readings").glob("*.json"))
    assert readings
    for path in readings:
        meta = json.loads(path.read_text(encoding="utf-8"))
        text = (sources / f"{meta['document_id']}.txt").read_text(encoding="utf-8")
        covered = sorted((p["start"], p["end"]) for p in meta["pieces"])
        assert covered[0][0] == 0 and covered[-1][1] == len(text) and all(a[1] == b[0] for a, b in zip(covered, covered[1:])), path.name
        with open(path.with_suffix(".csv"), encoding="utf-8", newline="") as fh:
            for r in csv.DictReader(fh):
                a = int(r["value_start"])
                assert text[a:a + len(r["value_text"])] == r["value_text"], (path.name, r["value_start"])
                assert r["decision"] in ("fact", "mention"), (path.name, r["value_start"])
                assert (r["reason"] in reasons) if r["decision"] == "mention" else (r["qualifier"] in qualifiers), (path.name, a)
