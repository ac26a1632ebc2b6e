"""The validator cannot be disarmed, never stops on a bad file, and keeps its report readable.

The disarming descriptors and schemas and the broken files are the CONTRACT_BREACHES and BROKEN_FILES of
tests/cases.py; here: absurd cells, valid CSV that must pass, what the descriptor claims, text hygiene,
unambiguous dimension tables and a report readable at any size.
"""
import json
import os
import subprocess
import sys

import pytest

from cnbef.validation.validate import validate_package
from cases import edit_descriptor, still_checked
from conftest import ROOT
from made_up_page import COUNT, DOC, ENTITY, GROWTH, MEASURE

F, M, U, E, DP = "data/facts.csv", "data/measures.csv", "data/units.csv", "data/entities.csv", "datapackage.json"
R = "data/regions.csv"


def problems(report, rule, file=None, column=None, row=None):
    return [p for p in report.problems if p.rule == rule and file in (None, p.file) and column in (None, p.column)
            and row in (None, p.row)]


def cli(pkg, *args):
    done = subprocess.run([sys.executable, str(ROOT / "scripts" / "validate.py"), str(pkg.root), *map(str, args)],
                          capture_output=True, text=True, encoding="utf-8", timeout=300)
    assert "Traceback" not in done.stdout + done.stderr
    return done


# --- 1. what is skipped, and the contract ----------------------------------------------------------

def test_only_the_source_texts_are_ever_skipped_and_they_are_listed(pkg):
    report = validate_package(pkg.root)
    assert report.skipped and all(s.startswith("provenance ") and "--sources" in s for s in report.skipped)
    assert f"{len(report.skipped)} checks skipped" in report.summary()
    assert json.loads(report.as_json())["skipped"] == report.skipped


def test_the_contract_is_generated_from_the_repositorys_schemas():
    done = subprocess.run([sys.executable, str(ROOT / "scripts" / "contract.py"), "--check"], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout


# --- 2. never stop on an absurd cell ----------------------------------------------------------------

@pytest.mark.parametrize("column, value, rule, says", [
    ("quote_start", "12345678901234567890", "type-error", "too large for an integer"),
    ("value", "1" * 1500, "value_text", "does not match"),
    ("value_text", "1" * 1500, "value_text", "does not match"),
    ("value_text", "万" * 1500, "value_text", "1,500 characters"),
    ("value_text", "第" + "二" * 1500, "value_text", "characters"),
])
def test_absurd_cells_are_reported_at_their_row(pkg, column, value, rule, says):
    found = still_checked(pkg)
    row = pkg.set("facts", GROWTH, column, value)
    report = validate_package(pkg.root)
    hits = problems(report, rule, F, row=row)
    assert hits and any(says in p.message for p in hits), report.as_text()
    assert found(report)
    assert all(len(line) < 2000 for line in report.as_text().splitlines())  # a huge cell is shown cut short


# --- 3. no false alarm on valid CSV --------------------------------------------------------------------

def test_a_cell_of_several_megabytes_is_valid_csv(pkg):
    pkg.set("facts", GROWTH, "note", "长" * 2_000_000)  # 6 MB of UTF-8, more than one read block
    report = validate_package(pkg.root, pkg.sources)
    assert not problems(report, "csv_structure") and report.valid, report.as_text()[:3000]


# --- 4. what the descriptor claims must be true ------------------------------------------------------

def test_a_declared_encoding_must_be_the_files(pkg):
    edit_descriptor(pkg, lambda d: {**d, "resources": [{**r, "encoding": "gb18030"} if r["name"] == "units" else r for r in d["resources"]]})
    (hit,) = problems(validate_package(pkg.root), "encoding", DP, "encoding")
    assert "data/units.csv is declared 'gb18030'" in hit.message


def test_a_data_file_linking_out_of_the_package_is_not_read(pkg, tmp_path):
    outside = tmp_path / "elsewhere.csv"
    outside.write_bytes((pkg.root / "data" / "units.csv").read_bytes())
    (pkg.root / "data" / "units.csv").unlink()
    os.symlink(outside, pkg.root / "data" / "units.csv")
    (hit,) = problems(validate_package(pkg.root), "unsafe_path", U)
    assert "outside the package" in hit.message


_OPENED: list | None = None  # while a test listens: every path the process opens (os.open, io.open, mmap ...)


def _record_opens(event, args):
    if event == "open" and _OPENED is not None and isinstance(args[0], (str, bytes, os.PathLike)):
        _OPENED.append(os.fsdecode(args[0]))


@pytest.fixture(scope="module")
def open_listener():
    """An audit hook sees every way of opening a file, not one method patched (hooks stay: install it once)."""
    sys.addaudithook(_record_opens)


@pytest.mark.parametrize("name", ["/etc/passwd", "../secret.txt", "sub/999_x.txt"])
def test_a_document_file_name_never_opens_a_file_outside_the_sources_folder(pkg, name, open_listener):
    global _OPENED
    row = pkg.set("documents", DOC, "file_name", name)
    _OPENED = opened = []
    try:
        report = validate_package(pkg.root, pkg.sources)
    finally:
        _OPENED = None
    (hit,) = problems(report, "document_hash", "data/documents.csv", "file_name", row)
    assert "nothing outside that folder is opened" in hit.message
    assert any(str(pkg.sources) in p for p in opened)  # the hook saw the source texts being read
    assert not [p for p in opened if name.lstrip("./") in p]


# --- 5. text hygiene: every invisible or control character, named -----------------------------------

@pytest.mark.parametrize("char, name", [
    ("\x00", "U+0000 NUL"), ("\x07", "U+0007 BEL"), ("\x1b", "U+001B ESC"), ("\x7f", "U+007F DEL"), ("\n", "U+000A LF"),
    ("\x85", "U+0085 C1 control"), ("\u202e", "U+202E RIGHT-TO-LEFT OVERRIDE"), ("\u200e", "U+200E LEFT-TO-RIGHT MARK"),
    ("\u00ad", "U+00AD SOFT HYPHEN"), ("\u2028", "U+2028 LINE SEPARATOR"), ("\u2002", "U+2002 EN SPACE"),
    ("\u200b", "zero-width space"), ("\u00a0", "non-breaking space"), ("\u3000", "full-width space"),
])
def test_every_invisible_or_control_character_is_named(pkg, char, name):
    row = pkg.set("measures", MEASURE, "description", f"Made{char}up")
    (hit,) = problems(validate_package(pkg.root), "invisible_character", M, "description", row)
    assert name in hit.message


# --- 6. dimension tables stay unambiguous -------------------------------------------------------------

@pytest.mark.triggers("unambiguous_labels")
@pytest.mark.parametrize("table, key_of, column", [
    ("measures", lambda p: MEASURE, "name_zh"), ("measures", lambda p: MEASURE, "name_en"),
    ("entities", lambda p: ENTITY, "name_zh"), ("entities", lambda p: ENTITY, "name_en"),
    ("units", lambda p: p.get("facts", COUNT, "unit_id"), "name_en"),
])
def test_two_rows_with_one_label_are_reported(pkg, table, key_of, column):
    key = key_of(pkg)
    other = next(r for r in pkg.table(table) if r[pkg.rows(table)[0][0]] != key)
    row = pkg.set(table, key, column, other[column])
    (hit,) = problems(validate_package(pkg.root), "unambiguous_labels", f"data/{table}.csv", column, row)
    assert f"is also the {column} of" in hit.message


@pytest.mark.triggers("unambiguous_labels")
def test_two_regions_of_one_parent_with_one_english_name_are_reported_but_not_of_two(pkg):
    first, second = [r for r in pkg.table("regions") if r["level"] == "province"][:2]  # provinces: the same (empty) parent
    row = pkg.set("regions", second["region_id"], "name_en", first["name_en"])
    (hit,) = problems(validate_package(pkg.root), "unambiguous_labels", R, "name_en", row)
    assert f"is also the name_en of {first['region_id']}" in hit.message and "under the same parent_id" in hit.message
    pkg.set("regions", second["region_id"], "name_en", second["name_en"])
    county, other = pkg.county, next(r for r in pkg.table("regions") if r["level"] == "county" and r["parent_id"] != pkg.prefecture)
    pkg.set("regions", other["region_id"], "name_en", pkg.get("regions", county, "name_en"))  # 鼓楼区 of two cities
    assert problems(validate_package(pkg.root), "unambiguous_labels", R, "name_en") == []


def test_two_units_with_one_symbol_are_reported(pkg):
    key = pkg.get("facts", COUNT, "unit_id")
    other = next(r for r in pkg.table("units") if r["unit_id"] != key)
    row = pkg.set("units", key, "symbol", other["symbol"])
    (hit,) = problems(validate_package(pkg.root), "unique-error", U, "symbol", row)
    assert "repeats the unique value of row" in hit.message


@pytest.mark.triggers("unit_multiplier")
def test_a_zero_multiplier_is_reported(pkg):
    row = pkg.set("units", pkg.get("facts", COUNT, "unit_id"), "multiplier", "0")
    (hit,) = problems(validate_package(pkg.root), "unit_multiplier", U, "multiplier", row)
    assert "greater than 0" in hit.message


# --- 7. readable at any size; JSON whatever happens -------------------------------------------------

def test_a_problem_repeated_on_many_rows_is_shown_a_bounded_number_of_times(pkg):
    path = pkg.root / "data" / "measures.csv"
    path.write_bytes(path.read_bytes() + b"\n" * 20_000)
    pkg.refresh(rebuild=False)
    done = cli(pkg)
    lines = done.stdout.splitlines()
    assert done.returncode == 1 and len(lines) < 300, len(lines)
    assert any("more like these" in line and line.startswith(M) for line in lines)
    total = validate_package(pkg.root).problems
    assert f"{len(total)} problems" in lines[-1]
    as_json = json.loads(cli(pkg, "--format", "json").stdout)
    assert len(as_json["problems"]) + sum(o["count"] for o in as_json["omitted"]) == as_json["summary"]["problems"] == len(total)
    assert len(cli(pkg, "--max-per-rule", "0").stdout.splitlines()) > 20_000


def test_json_is_printed_for_every_outcome(pkg, tmp_path):
    usage = cli(pkg, "--format", "json", "--bogus")
    assert usage.returncode == 2 and json.loads(usage.stdout)["error"]["kind"] == "usage"
    missing = subprocess.run([sys.executable, str(ROOT / "scripts" / "validate.py"), str(tmp_path / "nowhere"), "--format", "json"],
                             capture_output=True, text=True)
    assert missing.returncode == 2 and json.loads(missing.stdout)["exit_code"] == 2
    bad_sources = cli(pkg, "--format", "json", "--sources", tmp_path / "none")
    assert bad_sources.returncode == 2 and "not a folder" in json.loads(bad_sources.stdout)["error"]["message"]
    valid = cli(pkg, "--format", "json")
    assert valid.returncode == 0 and json.loads(valid.stdout)["valid"] is True


def test_an_unforeseen_failure_is_json_too(monkeypatch, capsys):
    import cnbef.cli.validate

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(cnbef.cli.validate, "validate_package", broken)
    assert cnbef.cli.validate.main([str(ROOT), "--format", "json"]) == 1
    out = json.loads(capsys.readouterr().out)
    assert out["error"]["kind"] == "unforeseen" and "RuntimeError: boom" in out["error"]["message"] and out["exit_code"] == 1


# --- 9. rules no other test triggered -----------------------------------------------------------------

@pytest.mark.triggers("csv_structure")
def test_csv_structure(pkg):
    (pkg.root / "data" / "measures.csv").write_text('"', encoding="utf-8")
    pkg.refresh(rebuild=False)
    (hit,) = problems(validate_package(pkg.root), "csv_structure", M)
    assert "the CSV structure is broken" in hit.message


@pytest.mark.triggers("derived_up_to_date")
def test_derived_table_out_of_date(pkg):
    path = pkg.root / "data" / "measures.csv"
    path.write_text(path.read_text(encoding="utf-8").replace("Test measure gdp_999", "GDP, renamed"), encoding="utf-8")
    pkg.refresh(rebuild=False)
    hits = problems(validate_package(pkg.root), "derived_up_to_date")
    assert {p.file for p in hits} == {"data/facts_flat.csv"} and "run cnbef build-flat" in hits[0].message


def test_the_spreadsheet_table_must_keep_its_bom(pkg):
    path = pkg.root / "data" / "facts_flat.csv"
    path.write_bytes(path.read_bytes().removeprefix(b"\xef\xbb\xbf"))
    pkg.refresh(rebuild=False)
    (hit,) = problems(validate_package(pkg.root), "bom", "data/facts_flat.csv")
    assert "must start with a UTF-8 byte-order mark" in hit.message


def test_a_province_code_must_end_in_0000(pkg):
    province = pkg.province
    rows = pkg.rows("regions")
    rows = [[province[:4] + "01" if c == province else c for c in r] for r in rows]  # the code and its children's parent
    pkg.write("regions", rows, rebuild=False)
    hits = problems(validate_package(pkg.root), "region_hierarchy", "data/regions.csv", "region_id")
    assert any("a province code ends in 0000" in p.message for p in hits)


def test_the_unsafe_url_guard_fires_before_any_lookup(pkg, monkeypatch):
    import socket

    def no_network(*args, **kwargs):
        raise AssertionError("the validator tried to reach the network")

    monkeypatch.setattr(socket, "getaddrinfo", no_network)
    monkeypatch.setattr(socket.socket, "connect", no_network)
    edit_descriptor(pkg, lambda d: {**d, "resources": [{**r, "path": "https://example.invalid/x.csv"} if r["name"] == "units" else r
                                                       for r in d["resources"]]})
    report = validate_package(pkg.root, engine="frictionless")
    assert problems(report, "unsafe_path", DP)
    assert problems(report, "descriptor", DP)  # Frictionless itself is not let loose on such a descriptor


def test_a_bad_pattern_in_the_reasons_table_is_reported_once_at_its_row(pkg):
    reason = next(r["reason"] for r in pkg.table("exclusion_reasons") if r["text_pattern"])  # any reason with a pattern
    row = pkg.set("exclusion_reasons", reason, "text_pattern", "([年")
    hits = problems(validate_package(pkg.root), "exclusion_reason", "data/exclusion_reasons.csv", "text_pattern")
    assert [(p.row, "not a valid regular expression" in p.message) for p in hits] == [(row, True)]
