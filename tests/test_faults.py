"""Fault injection: what Excel/WPS editors and careless downloads do to the package.

Each fault is injected into a fresh copy of the real package; the validator must
name the file (and row/column where there is one) and exit non-zero, without a
traceback, and without touching the files.
"""
import json

import pytest

from cnbef.validation.validate import validate_package
from made_up_page import COUNT, DOC, ENTITY, GROWTH, MEASURE, MONEY, TEXT

F, R, U, M = "data/facts.csv", "data/regions.csv", "data/units.csv", "data/measures.csv"


def raw(pkg, table, change):
    path = pkg.root / "data" / f"{table}.csv"
    path.write_bytes(change(path.read_bytes()))
    pkg.refresh(rebuild=False)  # the table may no longer parse: the derived table stays as it was


def descriptor(pkg, change):
    path = pkg.root / "datapackage.json"
    d = json.loads(path.read_text(encoding="utf-8"))
    change(d)
    path.write_text(json.dumps(d, ensure_ascii=False), encoding="utf-8")


def descriptor_bytes(pkg, change):
    path = pkg.root / "datapackage.json"
    path.write_bytes(change(path.read_bytes()))


D = "datapackage.json"


def columns(pkg, table, change):
    pkg.write(table, [change(r) for r in pkg.rows(table)], rebuild=False)  # the header no longer fits the schema


def cell(table, key, column, value):
    """Set one cell; key and value may be functions of the package copy (its county, its units)."""
    return lambda pkg: pkg.set(table, key(pkg) if callable(key) else key, column, value(pkg) if callable(value) else value)


COUNTY = lambda pkg: pkg.county  # noqa: E731


def swap_columns(pkg, table, a, b):
    """Two named columns swapped, header and cells (the header no longer fits the schema)."""
    rows = pkg.rows(table)
    i, j = rows[0].index(a), rows[0].index(b)
    for r in rows:
        r[i], r[j] = r[j], r[i]
    pkg.write(table, rows, rebuild=False)


FAULTS = {
    # name: (inject, file, rule, column or None, message fragment)
    "gbk_encoding": (lambda p: raw(p, "facts", lambda b: b.decode("utf-8").encode("gb18030")), F, "encoding", None, "GB18030"),
    "utf8_bom": (lambda p: raw(p, "units", lambda b: b"\xef\xbb\xbf" + b), U, "bom", None, "byte-order mark"),
    "crlf": (lambda p: raw(p, "regions", lambda b: b.replace(b"\n", b"\r\n")), R, "line_endings", None, "CRLF"),
    "trailing_blank_line": (lambda p: raw(p, "measures", lambda b: b + b"\n"), M, "blank_line", None, "blank line"),
    "full_width_number": (cell("facts", GROWTH, "value", "４．５"), F, "type-error", "value", "full-width"),
    "full_width_percent": (cell("facts", GROWTH, "unit_id", "％"), F, "foreign-key", "unit_id", "full-width"),
    "full_width_thousands_comma": (cell("facts", MONEY, "value", "2，651.25"), F, "type-error", "value", "full-width"),
    "full_width_space": (cell("regions", COUNTY, "name_en", "Some\u3000County"), R, "invisible_character", "name_en", "full-width space"),
    "zero_width_space_in_id": (cell("facts", COUNT, "entity_id", ENTITY + "\u200b"), F, "invisible_character", "entity_id", "zero-width"),
    "non_breaking_space": (cell("measures", MEASURE, "name_en", "Gross\u00a0product"), M, "invisible_character", "name_en", "non-breaking"),
    "space_around_id": (cell("facts", GROWTH, "measure_id", " " + MEASURE), F, "surrounding_space", "measure_id", "leading or trailing"),
    "text_not_nfc": (cell("entities", ENTITY, "name_en", "Parque\u0301"), "data/entities.csv", "unicode_nfc", "name_en", "NFC"),
    "excel_code_as_number": (cell("facts", GROWTH, "region_id", lambda p: p.county + ".0"), F, "constraint-error", "region_id", "Text"),
    "excel_date_slashes": (cell("facts", GROWTH, "period_start", "2022/1/1"), F, "type-error", "period_start", "YYYY-MM-DD"),
    "excel_date_serial": (cell("facts", GROWTH, "period_start", "44562"), F, "type-error", "period_start", "serial"),
    "excel_scientific_notation": (cell("documents", DOC, "byte_count", f"{len(TEXT.encode()) / 1000:.4f}E+03"), "data/documents.csv", "type-error", "byte_count", "scientific"),
    "missing_column": (lambda p: columns(p, "facts", lambda r: r[:-1]), F, "missing-label", "note", None),
    "extra_column": (lambda p: columns(p, "facts", lambda r: r + ["x"]), F, "extra-label", None, None),
    "renamed_column": (lambda p: columns(p, "facts", lambda r: ["qualifier_code" if c == "qualifier" else c for c in r]), F, "incorrect-label", "qualifier", None),
    "reordered_columns": (lambda p: swap_columns(p, "facts", "value", "unit_id"), F, "incorrect-label", None, None),
    "duplicated_row": (lambda p: p.write("facts", p.rows("facts") + [p.rows("facts")[1]]), F, "primary-key", None, None),
    "truncated_row": (lambda p: p.write("facts", [r[:5] if r[0] == GROWTH else r for r in p.rows("facts")], rebuild=False), F, "missing-cell", None, None),
    "empty_file": (lambda p: raw(p, "units", lambda b: b""), U, "empty_file", None, "empty"),
    # A quote opened in the last row runs to the end of the file, whatever the rows hold.
    "unclosed_quote": (lambda p: raw(p, "measures", lambda b: b[:b.rstrip(b"\n").rfind(b"\n") + 1] + b'"' + b[b.rstrip(b"\n").rfind(b"\n") + 1:].replace(b'"', b"")),
                       M, "missing-cell", None, "opened but never closed"),
    "header_only_table": (lambda p: raw(p, "measures", lambda b: b.split(b"\n", 1)[0] + b"\n"), M, "empty_table", None, "no rows"),
    "duplicate_key_in_a_lookup_table": (lambda p: p.write("units", p.rows("units") + [p.rows("units")[1]]), U, "primary-key", None, None),
    "duplicate_primary_key": (cell("facts", COUNT, "fact_id", GROWTH), F, "primary-key", None, None),
    "orphan_foreign_key": (cell("facts", GROWTH, "entity_id", "no_such_entity"), F, "foreign-key", "entity_id", None),
    "region_own_parent": (cell("regions", COUNTY, "parent_id", COUNTY), R, "region_hierarchy", "parent_id", "own parent"),
    "unit_on_wrong_measure": (cell("facts", GROWTH, "unit_id", lambda p: p.get("facts", MONEY, "unit_id")), F, "unit_dimension", "unit_id", "needs a ratio unit"),
    "reversed_period": (cell("facts", GROWTH, "period_end", "2021-12-31"), F, "period_order", None, "starts after it ends"),
    "offsets_reversed": (cell("facts", GROWTH, "quote_start", "999999"), F, "offsets", None, None),
    "tampered_quote": (cell("facts", GROWTH, "quote", "同比增长5.4%"), F, "quote_text", "quote", "differs from the source text"),
    "tampered_offset": (cell("facts", GROWTH, "quote_start", str(TEXT.index("同比增长4.5%") + 1)), F, "quote_text", "quote", "differs from the source text"),
    "resource_hash_mismatch": (lambda p: descriptor(p, lambda d: next(r for r in d["resources"] if r["name"] == "units").update(hash="sha256:" + "0" * 64)), U, "hash-count", None, None),
    "resource_bytes_mismatch": (lambda p: descriptor(p, lambda d: next(r for r in d["resources"] if r["name"] == "units").update(bytes=1)), U, "byte-count", None, "bytes"),
    "formula_equals": (cell("measures", MEASURE, "name_en", "=HYPERLINK(\"http://x\",\"GDP\")"), M, "formula_injection", "name_en", "formula"),
    "formula_plus": (cell("measures", MEASURE, "description", "+cmd|' /C calc'!A0"), M, "formula_injection", "description", "formula"),
    "formula_minus": (cell("measures", MEASURE, "name_zh", "-2+3"), M, "formula_injection", "name_zh", "formula"),
    "formula_at": (cell("measures", MEASURE, "name_zh", "@SUM(1+1)"), M, "formula_injection", "name_zh", "formula"),
    "formula_tab": (cell("measures", MEASURE, "name_zh", "\t=1"), M, "formula_injection", "name_zh", "formula"),
    "unsafe_parent_path": (lambda p: descriptor(p, lambda d: d["resources"][0].update(path="../outside.csv")), "datapackage.json", "unsafe_path", "resources[0].path", "leaves"),
    "unsafe_absolute_path": (lambda p: descriptor(p, lambda d: d["resources"][0].update(path="/etc/passwd")), "datapackage.json", "unsafe_path", "resources[0].path", "absolute"),
    "unsafe_url_path": (lambda p: descriptor(p, lambda d: d["resources"][0].update(path="https://example.invalid/x.csv")), "datapackage.json", "unsafe_path", "resources[0].path", "URL"),
    "descriptor_with_bom": (lambda p: descriptor_bytes(p, lambda b: b"\xef\xbb\xbf" + b), D, "descriptor", None, "byte-order mark"),
    "descriptor_trailing_comma": (lambda p: descriptor_bytes(p, lambda b: b.rstrip().removesuffix(b"}") + b",}"), D, "descriptor", None, "not valid JSON at line"),
    "descriptor_truncated": (lambda p: descriptor_bytes(p, lambda b: b[:len(b) // 2]), D, "descriptor", None, "not valid JSON at line"),
    "descriptor_empty": (lambda p: descriptor_bytes(p, lambda b: b""), D, "descriptor", None, "is empty"),
    "descriptor_in_an_array": (lambda p: descriptor_bytes(p, lambda b: b"[" + b + b"]"), D, "descriptor", None, "not a JSON list"),
    "descriptor_empty_object": (lambda p: descriptor_bytes(p, lambda b: b"{}"), D, "descriptor", "resources", "list of resources"),
    "trailing_comma_on_every_row": (lambda p: raw(p, "facts", lambda b: b"\n".join(line + b"," if i and line else line for i, line in enumerate(b.split(b"\n")))), F, "extra-cell", None, "stray comma"),
    "unsafe_remote_schema": (lambda p: descriptor(p, lambda d: d["resources"][0].update(schema="https://example.invalid/s.json")), "datapackage.json", "unsafe_path", "resources[0].schema", "URL"),
}


NEEDS_SOURCES = {"tampered_quote", "tampered_offset"}


def caught(pkg, name):
    inject, file, rule, column, fragment = FAULTS[name]
    sources = pkg.sources if name in NEEDS_SOURCES else None
    inject(pkg)
    before = {p: p.read_bytes() for p in pkg.root.rglob("*") if p.is_file()}
    report = validate_package(pkg.root, sources)
    after = {p: p.read_bytes() for p in pkg.root.rglob("*") if p.is_file()}
    hits = [p for p in report.problems if p.file == file and p.rule == rule
            and (column is None or p.column == column) and (fragment is None or fragment in p.message)]
    return bool(hits) and not report.valid and before == after, report


@pytest.mark.parametrize("name", FAULTS, ids=str)
def test_fault_is_caught_with_file_rule_and_message(pkg, name):
    ok, report = caught(pkg, name)
    assert ok, f"{name}: expected {FAULTS[name][1:]}, got:\n{report.as_text()}"


def test_missing_final_newline_is_tolerated(pkg):
    raw(pkg, "units", lambda b: b.rstrip(b"\n"))
    assert validate_package(pkg.root).valid


def test_plain_negative_number_in_a_text_cell_is_not_a_formula(pkg):
    pkg.set("measures", MEASURE, "name_zh", "-3.2")
    assert not [p for p in validate_package(pkg.root).problems if p.rule == "formula_injection"]


def test_unsafe_descriptor_is_never_fetched(pkg, monkeypatch):
    import socket

    def no_network(*args, **kwargs):
        raise AssertionError("the validator tried to open a network connection")

    monkeypatch.setattr(socket, "getaddrinfo", no_network)  # the name lookup comes first: guard it too
    monkeypatch.setattr(socket.socket, "connect", no_network)
    descriptor(pkg, lambda d: d["resources"][0].update(path="https://example.invalid/x.csv"))
    report = validate_package(pkg.root)
    assert any(p.rule == "unsafe_path" for p in report.problems)


def test_the_clean_package_the_faults_start_from_is_valid(pkg):
    assert validate_package(pkg.root).problems == []


def test_readme_lists_every_fault_class():
    from conftest import ROOT
    readme = (ROOT / "docs" / "validation.md").read_text(encoding="utf-8")
    assert [name for name in FAULTS if f"`{name}`" not in readme] == []


@pytest.mark.parametrize("name", ["gbk_encoding", "unclosed_quote", "unsafe_url_path", "empty_file", "descriptor_truncated"])
def test_cli_exits_1_without_traceback(pkg, name):
    import subprocess
    import sys
    from conftest import ROOT
    FAULTS[name][0](pkg)
    done = subprocess.run([sys.executable, str(ROOT / "scripts" / "validate.py"), str(pkg.root)],
                          capture_output=True, text=True, encoding="utf-8")
    assert done.returncode == 1
    assert "Traceback" not in done.stdout + done.stderr
    assert FAULTS[name][1] in done.stdout


def test_an_encoding_fault_past_the_first_chunk_is_found_by_the_streamed_read(pkg, monkeypatch):
    """Each file is read in chunks (CHUNK bytes); a GB18030 byte in a later chunk is found, and named, all the same:
    by the streamed decoder out of core, by Arrow's reader in memory."""
    import cnbef.validation.checks.files
    monkeypatch.setattr(cnbef.validation.checks.files, "CHUNK", 64)
    FAULTS["gbk_encoding"][0](pkg)
    for engine in ("duckdb", "fast"):
        report = validate_package(pkg.root, engine=engine)
        (problem,) = [p for p in report.problems if p.file == "data/facts.csv" and p.rule == "encoding"]
        assert "GB18030" in problem.message and problem.row > 1, engine


def test_the_safe_characters_are_invisible_free_and_nfc_inert():
    """The cell check looks closely only at cells with a character outside SAFE: so no SAFE
    character may be invisible, change under NFC, or combine with a neighbour under NFC."""
    import re
    import unicodedata
    from cnbef.validation.checks.files import INVISIBLE, SAFE
    changing = set()
    for code in range(0x110000):
        if 0xD800 <= code <= 0xDFFF:
            continue
        ch = chr(code)
        decomposition = unicodedata.decomposition(ch)
        canonical = bool(decomposition) and not decomposition.startswith("<")
        if unicodedata.combining(ch) or canonical:
            changing.add(code)
            if canonical:
                changing.update(int(part, 16) for part in decomposition.split()[1:])
    changing |= set(range(0x1100, 0x1200)) | {ord(c) for c in INVISIBLE}  # Hangul jamo compose algorithmically
    ranges = [(int(a, 16), int(b, 16)) for a, b in re.findall(r"\\x\{(\w+)\}-\\x\{(\w+)\}", SAFE)]
    assert ranges and not [c for a, b in ranges for c in range(a, b + 1) if c in changing]
