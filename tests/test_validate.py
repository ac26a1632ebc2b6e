"""Validation beyond the one-damage cases of tests/cases.py: the real package, repeated keys, cycles, rules
that need two edits or a text of their own.

The rows broken are those of the made-up page (tests/made_up_page.py), so the tests hold
whatever the real data holds; the real package is the background that must stay valid.
"""
import json
import subprocess
import sys

import pytest

from cnbef.validation.validate import validate_package
from conftest import ROOT
from made_up_page import AREA, COUNT, DOC, GROWTH, MENTION, MONEY, REPORT, S, TEXT

F = "data/facts.csv"
R = "data/regions.csv"


def find(report, rule, file=None, row=None, column=None):
    hits = [p for p in report.problems if p.rule == rule and (file is None or p.file == file)
            and (row is None or p.row == row) and (column is None or p.column == column)]
    assert hits, f"no {rule} problem at {file}:{row} {column}; got:\n" + report.as_text()
    return hits[0]


def test_real_package_is_valid_with_zero_problems(sources_dir):
    report = validate_package(ROOT, sources_dir)
    assert report.problems == [], report.as_text()
    assert report.skipped == []
    with open(ROOT / "data" / "facts.csv", encoding="utf-8") as fh:
        assert report.facts == sum(1 for _ in fh) - 1  # every data row of facts.csv


def test_duplicate_primary_key(pkg):
    row = pkg.set("facts", COUNT, "fact_id", GROWTH)
    first = pkg.row_of("facts", GROWTH)
    assert first != row and find(validate_package(pkg.root), "primary-key", F, row).message == f"repeats the primary key of row {first}"


def test_region_cycle_is_named(pkg):
    county, prefecture = pkg.county, pkg.prefecture
    pkg.set("regions", prefecture, "parent_id", county)
    pkg.set("regions", county, "parent_id", prefecture)
    report = validate_package(pkg.root)
    p = find(report, "region_hierarchy", R, pkg.row_of("regions", county), "parent_id")
    assert any("loops back" in x.message for x in report.problems if x.rule == "region_hierarchy")
    assert p.value == prefecture


def test_one_unparseable_date_does_not_hide_other_period_problems(pkg):
    pkg.set("facts", GROWTH, "period_start", "2022-02-30")
    row = pkg.set("facts", COUNT, "period_start", "2023-01-15")
    report = validate_package(pkg.root)
    find(report, "type-error", F, pkg.row_of("facts", GROWTH), "period_start")
    find(report, "period_order", F, row)


def test_schema_derived_problem_is_not_reported_twice(pkg):
    row = pkg.set("facts", GROWTH, "claim_type", "goal")
    report = validate_package(pkg.root)
    assert [p.rule for p in report.problems if p.file == F and p.row == row and p.column == "claim_type"] == ["constraint-error"]


@pytest.mark.triggers("article_title")
def test_a_headline_must_stand_at_the_start_of_its_article(pkg):
    pkg.set("sources", S, "content_type", "article")
    pkg.set("sources", S, "title_zh", "2022年")  # the text at char_start: a valid headline
    assert validate_package(pkg.root, pkg.sources).problems == []
    row = pkg.set("sources", S, "char_start", int(pkg.get("sources", S, "char_start")) + 1)
    problem = find(validate_package(pkg.root, pkg.sources), "article_title", "data/sources.csv", row, "char_start")
    assert "should start with its title '2022年'" in problem.message


@pytest.mark.triggers("completeness")
def test_completeness_names_the_unaccounted_number(pkg):
    pkg.delete("excluded_mentions", MENTION)  # 2022年 at the start of the report
    report = validate_package(pkg.root, pkg.sources)
    hits = [p for p in report.problems if p.rule == "completeness"]
    assert [p.value for p in hits] == ["2022"]
    assert f"offset {TEXT.index('2022年')} in article {S}" in hits[0].message and hits[0].file == f"{DOC}.txt (source text)"


def test_completeness_catches_a_deleted_fact(pkg):
    pkg.delete("facts", AREA)
    report = validate_package(pkg.root, pkg.sources)
    assert [p.value for p in report.problems if p.rule == "completeness"] == ["194.89"]


def test_coverage_names_the_characters_that_no_span_holds(pkg):
    """Cut two characters off the navigation bar: they belong to no span, and the report says which they are."""
    end = int(pkg.get("sources", "999-navigation", "char_end"))
    pkg.set("sources", "999-navigation", "char_end", end - 2)
    report = validate_package(pkg.root, pkg.sources)
    (hit,) = report.problems
    assert (hit.file, hit.rule) == ("data/sources.csv", "coverage")
    assert f"characters {end - 2}..{TEXT.index(REPORT)} of document {DOC}" in hit.message and "belong to no span" in hit.message


def test_without_sources_provenance_is_skipped_not_passed(pkg):
    pkg.set("facts", GROWTH, "quote", "tampered")
    report = validate_package(pkg.root)
    assert report.valid
    assert any("quote_text" in s and "--sources" in s for s in report.skipped)
    assert "checks skipped" in report.summary()


def test_missing_document_is_skipped_with_its_reason(pkg, tmp_path):
    empty = tmp_path / "no-texts"
    empty.mkdir()
    report = validate_package(pkg.root, empty)
    assert any(DOC in s and "not found" in s for s in report.skipped)


@pytest.mark.triggers("provenance")
def test_provenance_says_it_could_not_run_when_a_table_it_needs_is_unreadable(pkg):
    (pkg.root / "data" / "policies.csv").write_bytes(b"")
    pkg.refresh(rebuild=False)
    report = validate_package(pkg.root, pkg.sources)
    (hit,) = [p for p in report.problems if p.rule == "provenance"]
    assert "could not run: policies could not be read" in hit.message


def run_cli(*args):
    return subprocess.run([sys.executable, str(ROOT / "scripts" / "validate.py"), *map(str, args)],
                          capture_output=True, text=True, encoding="utf-8")


def test_cli_exit_codes_and_formats(pkg, tmp_path):
    ok = run_cli(pkg.root)
    assert ok.returncode == 0 and "0 problems" in ok.stdout.splitlines()[-1]
    row = pkg.set("facts", GROWTH, "unit_id", pkg.get("facts", MONEY, "unit_id"))
    bad = run_cli(pkg.root)
    assert bad.returncode == 1 and "Traceback" not in bad.stdout + bad.stderr
    assert f"data/facts.csv:{row}: [unit_dimension] column unit_id" in bad.stdout
    as_json = json.loads(run_cli(pkg.root, "--format", "json").stdout)
    assert as_json["valid"] is False
    assert {"file": "data/facts.csv", "row": row, "column": "unit_id", "rule": "unit_dimension"}.items() <= as_json["problems"][0].items()
    assert run_cli(tmp_path / "nowhere").returncode == 2
    assert run_cli(pkg.root, "--format", "xml").returncode == 2
    assert run_cli(pkg.root, "--sources", tmp_path / "missing").returncode == 2


def test_validate_never_writes(pkg):
    pkg.set("facts", GROWTH, "unit_id", pkg.get("facts", MONEY, "unit_id"))
    before = {p: p.read_bytes() for p in pkg.root.rglob("*") if p.is_file()}
    validate_package(pkg.root)
    assert before == {p: p.read_bytes() for p in pkg.root.rglob("*") if p.is_file()}


def test_every_problem_is_reported_past_frictionless_default_limit(pkg):
    rows = pkg.rows("facts")
    col = rows[0].index("claim_type")
    extra = []
    for n in range(1100):
        r = list(rows[1])
        r[0] = f"000-zz-f{n:04d}"
        r[col] = "goal"
        extra.append(r)
    pkg.write("facts", rows + extra)
    report = validate_package(pkg.root)
    assert sum(p.file == F and p.rule == "constraint-error" and p.column == "claim_type" for p in report.problems) == 1100


def test_an_unforeseen_failure_is_reported_without_a_traceback(monkeypatch, capsys):
    import cnbef.cli.validate

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(cnbef.cli.validate, "validate_package", broken)
    assert cnbef.cli.validate.main([str(ROOT)]) == 1
    out = capsys.readouterr().out
    assert "not fully checked" in out and "RuntimeError: boom" in out and "Traceback" not in out


@pytest.mark.triggers("resource-error")
def test_the_descriptor_is_checked_against_the_frictionless_profile(pkg):
    descriptor = json.loads((pkg.root / "datapackage.json").read_text(encoding="utf-8"))
    descriptor["resources"][0]["licenses"] = "none"
    (pkg.root / "datapackage.json").write_text(json.dumps(descriptor, ensure_ascii=False, indent=2), encoding="utf-8")
    report = validate_package(pkg.root)
    assert any(p.file == "datapackage.json" and p.rule == "resource-error" and "'none' is not of type 'array'" in p.message
               for p in report.problems), report.as_text()


def test_a_full_year_in_a_february_report_is_the_year_just_ended(pkg):
    """The made-up report is delivered on 2023-02-02: its 全年 results are 2022's (its targets 2023's)."""
    for column, value in dict(period_text="全年", period_start="2022-01-01", period_end="2022-12-31", period_inferred="true").items():
        pkg.set("facts", GROWTH, column, value)
    assert validate_package(pkg.root, pkg.sources).problems == []
