"""Fault injection: what Excel/WPS editors and careless downloads do to the package.

The faults are the SPREADSHEET_FAULTS of tests/cases.py (run by tests/test_cases.py); here: what is not a
fault, the command line on a few of them, the network and the streamed read.
"""
import pytest

from cases import BY_NAME, SPREADSHEET_FAULTS, edit_descriptor, raw, resource
from cnbef.validation.validate import validate_package
from made_up_page import MEASURE


def test_missing_final_newline_is_tolerated(pkg):
    raw("units", lambda b: b.rstrip(b"\n"))(pkg)
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
    edit_descriptor(pkg, resource(0, path="https://example.invalid/x.csv"))
    report = validate_package(pkg.root)
    assert any(p.rule == "unsafe_path" for p in report.problems)


def test_the_clean_package_the_faults_start_from_is_valid(pkg):
    assert validate_package(pkg.root).problems == []


def test_readme_lists_every_fault_class():
    from conftest import ROOT
    readme = (ROOT / "docs" / "validation.md").read_text(encoding="utf-8")
    assert [c.name for c in SPREADSHEET_FAULTS if f"`{c.name}`" not in readme] == []


@pytest.mark.parametrize("name", ["gbk_encoding", "unclosed_quote", "unsafe_url_path", "empty_file", "descriptor_truncated"])
def test_cli_exits_1_without_traceback(pkg, name):
    import subprocess
    import sys
    from conftest import ROOT
    BY_NAME[name].damage(pkg)
    done = subprocess.run([sys.executable, str(ROOT / "scripts" / "validate.py"), str(pkg.root)],
                          capture_output=True, text=True, encoding="utf-8")
    assert done.returncode == 1
    assert "Traceback" not in done.stdout + done.stderr
    assert BY_NAME[name].file in done.stdout


def test_an_encoding_fault_past_the_first_chunk_is_found_by_the_streamed_read(pkg, monkeypatch):
    """Each file is read in chunks (CHUNK bytes); a GB18030 byte in a later chunk is found, and named, all the same:
    by the streamed decoder out of core, by Arrow's reader in memory."""
    import cnbef.validation.checks.files
    monkeypatch.setattr(cnbef.validation.checks.files, "CHUNK", 64)
    BY_NAME["gbk_encoding"].damage(pkg)
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
