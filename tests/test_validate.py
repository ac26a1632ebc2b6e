"""Every validation rule: break a copy of the real package in exactly one way, check the report."""
import json
import subprocess
import sys

import pytest

from cnbef.validate import validate_package
from conftest import ROOT

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


# (table, key, column, new value) -> (rule, column reported); row is the edited row.
SCHEMA_AND_SEMANTIC_CASES = {
    "type_date": (("facts", "000-luohe-f03", "period_start", "2022-02-30"), ("type-error", "period_start")),
    "required": (("facts", "000-luohe-f03", "measure_id", ""), ("constraint-error", "measure_id")),
    "pattern": (("facts", "000-luohe-f03", "region_id", "41110"), ("constraint-error", "region_id")),
    "enum": (("facts", "000-luohe-f03", "claim_type", "goal"), ("constraint-error", "claim_type")),
    "foreign_key_facts_region": (("facts", "000-luohe-f03", "region_id", "411102"), ("foreign-key", "region_id")),
    "foreign_key_entity_region": (("entities", "zhongyuan_food_laboratory", "region_id", "411199"), ("foreign-key", "region_id")),
    "foreign_key_policy_region": (("policies", "000-luohe-p01", "region_id", "411199"), ("foreign-key", "region_id")),
    "foreign_key_measure": (("facts", "000-luohe-f03", "measure_id", "gdp_growth"), ("foreign-key", "measure_id")),
    "foreign_key_unit": (("facts", "000-luohe-f03", "unit_id", "kilo_yuan"), ("foreign-key", "unit_id")),
    "unit_dimension": (("facts", "000-luohe-f03", "unit_id", "yi_yuan"), ("unit_dimension", "unit_id")),
    "share_above_100": (("facts", "000-luohe-f06", "value", "174.5"), ("value_range", "value")),
    "growth_at_minus_100": (("facts", "000-luohe-f03", "value", "-100"), ("value_range", "value")),
    "count_negative": (("facts", "000-luohe-f16", "value", "-39"), ("value_range", "value")),
    "count_not_whole": (("facts", "000-luohe-f16", "value", "39.5"), ("whole_number", "value")),
    "rank_zero": (("facts", "000-luohe-f01", "value", "0"), ("value_range", "value")),
    "amount_negative": (("facts", "000-luohe-f17", "value", "-2.96"), ("value_range", "value")),
    "value_differs_from_written": (("facts", "000-luohe-f03", "value", "13.2"), ("value_text", "value")),
    "value_text_not_a_numeral": (("facts", "000-luohe-f03", "value_text", "thirteen"), ("value_text", "value_text")),
    "qualifier_disagrees_with_word": (("facts", "000-luohe-f30", "qualifier", "exact"), ("qualifier_text", "qualifier")),
    "unknown_qualifier_word": (("facts", "000-luohe-f30", "qualifier_text", "大约"), ("qualifier_text", "qualifier_text")),
    "period_reversed": (("facts", "000-luohe-f03", "period_start", "2022-11-30"), ("period_order", "period_start, period_end")),
    "achieved_after_publication": (("facts", "000-luohe-f03", "period_end", "2023-06-30"), ("period_window", "period_end")),
    "period_implausibly_early": (("facts", "000-luohe-f03", "period_start", "1922-01-01"), ("period_window", "period_start")),
    "region_own_parent": (("regions", "411100", "parent_id", "411100"), ("region_hierarchy", "parent_id")),
    "province_with_parent": (("regions", "410000", "parent_id", "411100"), ("region_hierarchy", "parent_id")),
    "level_does_not_nest": (("regions", "411104", "parent_id", "410000"), ("region_hierarchy", "parent_id")),
    "code_prefix_disagrees": (("regions", "331082", "parent_id", "350100"), ("region_hierarchy", "region_id")),
    "quote_range_reversed": (("facts", "000-luohe-f03", "quote_end", "10"), ("offsets", "quote_start, quote_end")),
    "quote_outside_article": (("facts", "000-fuzhou-f01", "quote_start", "100"), ("offsets", "quote_start, quote_end")),
    "value_outside_quote": (("facts", "000-luohe-f03", "value_start", "100"), ("offsets", "value_start")),
}


@pytest.mark.parametrize("case", SCHEMA_AND_SEMANTIC_CASES, ids=str)
def test_each_rule_reports_file_row_column(pkg, case):
    (table, key, column, value), (rule, reported) = SCHEMA_AND_SEMANTIC_CASES[case]
    row = pkg.set(table, key, column, value)
    report = validate_package(pkg.root)
    assert not report.valid
    problem = find(report, rule, f"data/{table}.csv", row, reported)
    assert problem.message


def test_duplicate_primary_key(pkg):
    row = pkg.set("facts", "000-luohe-f04", "fact_id", "000-luohe-f03")
    find(validate_package(pkg.root), "primary-key", F, row)


def test_region_cycle_is_named(pkg):
    pkg.set("regions", "411100", "parent_id", "411104")
    pkg.set("regions", "411104", "parent_id", "411100")
    p = find(validate_package(pkg.root), "region_hierarchy", R, pkg.row_of("regions", "411100"), "parent_id")
    assert "loops" in " ".join(x.message for x in validate_package(pkg.root).problems)
    assert p.value == "411104"


def test_one_unparseable_date_does_not_hide_other_period_problems(pkg):
    pkg.set("facts", "000-luohe-f03", "period_start", "2022-02-30")
    row = pkg.set("facts", "000-luohe-f04", "period_start", "2022-11-30")
    report = validate_package(pkg.root)
    find(report, "type-error", F, pkg.row_of("facts", "000-luohe-f03"), "period_start")
    find(report, "period_order", F, row)


def test_schema_derived_problem_is_not_reported_twice(pkg):
    row = pkg.set("facts", "000-luohe-f03", "claim_type", "goal")
    report = validate_package(pkg.root)
    assert [p.rule for p in report.problems if p.file == F and p.row == row and p.column == "claim_type"] == ["constraint-error"]


# Provenance: (table, key, column, transform of the old value) -> (rule, column reported)
PROVENANCE_CASES = {
    "quote_tampered": (("facts", "000-luohe-f03", "quote", lambda v: v.replace("13.1", "13.2")), ("quote_text", "quote")),
    "quote_offset_shifted": (("facts", "000-luohe-f03", "quote_start", lambda v: int(v) + 1), ("quote_text", "quote")),
    "value_offset_shifted": (("facts", "000-luohe-f03", "value_start", lambda v: int(v) + 1), ("value_in_quote", "value_start")),
    "qualifier_dropped": (("facts", "000-luohe-f30", "qualifier", lambda v: "exact"), ("qualifier_in_quote", "qualifier")),
    "policy_title_changed": (("policies", "000-luohe-p01", "title_zh", lambda v: v[:-2]), ("policy_title_in_quote", "title_zh")),
    "excluded_offset_shifted": (("excluded_mentions", "000-luohe-x07", "char_start", lambda v: int(v) + 1), ("excluded_mention_text", "text")),
    "article_offset_shifted": (("sources", "000-luohe", "char_start", lambda v: int(v) + 1), ("article_title", "char_start")),
    "document_hash_changed": (("documents", "000_539f5fd31231bd53", "sha256", lambda v: "0" * 64), ("document_hash", "sha256")),
}


@pytest.mark.parametrize("case", PROVENANCE_CASES, ids=str)
def test_each_provenance_rule(pkg, sources_dir, case):
    (table, key, column, change), (rule, reported) = PROVENANCE_CASES[case]
    if case == "qualifier_dropped":
        pkg.set(table, key, "qualifier_text", "")
    row = pkg.set(table, key, column, change(pkg.get(table, key, column)))
    find(validate_package(pkg.root, sources_dir), rule, f"data/{table}.csv", row, reported)


def test_completeness_names_the_unaccounted_number(pkg, sources_dir):
    pkg.delete("excluded_mentions", "000-luohe-x07")  # 12月12日
    report = validate_package(pkg.root, sources_dir)
    hits = [p for p in report.problems if p.rule == "completeness"]
    assert [p.value for p in hits] == ["12", "12"]
    assert "offset 190" in hits[0].message


def test_completeness_catches_a_deleted_fact(pkg, sources_dir):
    pkg.delete("facts", "000-xiantao-f07")
    report = validate_package(pkg.root, sources_dir)
    assert [p.value for p in report.problems if p.rule == "completeness"] == ["67.7"]


def test_without_sources_provenance_is_skipped_not_passed(pkg):
    pkg.set("facts", "000-luohe-f03", "quote", "tampered")
    report = validate_package(pkg.root)
    assert report.valid
    assert any("quote_text" in s and "--sources" in s for s in report.skipped)
    assert "checks skipped" in report.summary()


def test_missing_document_is_skipped_with_its_reason(pkg, tmp_path):
    empty = tmp_path / "no-texts"
    empty.mkdir()
    report = validate_package(pkg.root, empty)
    assert any("000_539f5fd31231bd53" in s and "not found" in s for s in report.skipped)


def run_cli(*args):
    return subprocess.run([sys.executable, str(ROOT / "scripts" / "validate.py"), *map(str, args)],
                          capture_output=True, text=True, encoding="utf-8")


def test_cli_exit_codes_and_formats(pkg, tmp_path):
    ok = run_cli(pkg.root)
    assert ok.returncode == 0 and "0 problems" in ok.stdout.splitlines()[-1]
    row = pkg.set("facts", "000-luohe-f03", "unit_id", "yi_yuan")
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
    pkg.set("facts", "000-luohe-f03", "unit_id", "yi_yuan")
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
    import cnbef.cli

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(cnbef.cli, "validate_package", broken)
    assert cnbef.cli.main([str(ROOT)]) == 1
    out = capsys.readouterr().out
    assert "not fully checked" in out and "RuntimeError: boom" in out and "Traceback" not in out
