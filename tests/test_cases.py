"""Every package case of tests/cases.py, once, on the default engine: the report names the file, the rule, the
column and the row broken, and says why; the validator changes no file; where a descriptor or schema is broken,
every other check still runs."""
import pytest

from cases import BY_NAME, CASES, still_checked
from cnbef.validation.validate import validate_package


def _files(root):
    return {p: p.read_bytes() for p in root.rglob("*") if p.is_file()}


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_each_case_is_reported_at_its_file_row_and_column(pkg, case):
    found = still_checked(pkg) if case.still_checked else None
    row = case.damage(pkg)
    before = _files(pkg.root)
    report = validate_package(pkg.root, pkg.sources)
    assert _files(pkg.root) == before, "the validator changed a file"
    assert not report.valid and case.hits(report, row), f"expected {case}, row {row}; got:\n{report.as_text()}"
    if found:
        assert found(report), "the planted value_range fault was no longer found:\n" + report.as_text()
        assert not [s for s in report.skipped if "provenance" not in s]


def test_every_case_has_a_name_of_its_own():
    assert len(BY_NAME) == len(CASES)
