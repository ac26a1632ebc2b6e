"""A correct new page keeps everything green; each wrong way of curating it turns the validator red.

The page is made up in tests/made_up_page.py (a district government report with no headline,
delivered on 2023-02-02 about 2022, between a navigation bar and an editor line) and added to a
copy of the package the way the README's "Adding a source page" says: a documents row, spans
that cover the page, a row for every number, new units and measures where needed, then the
derived table and the metadata rebuilt.
"""
import os
import subprocess
import sys

import pytest

from cnbef.validation.validate import validate_package
from conftest import ROOT, sources_or_skip
from made_up_page import COUNT, D, DOC, F, GROWTH, MONEY, S, SRC, TARGET, TEXT, X, AREA, MENTION, PageCopy


@pytest.fixture
def page(pkg) -> PageCopy:
    return pkg


def _report(page):
    return validate_package(page.root, page.sources)


def test_a_correct_new_page_validates_with_zero_problems(page):
    report = _report(page)
    assert report.problems == [], report.as_text()
    assert not [s for s in report.skipped if DOC in s]


def test_the_data_tests_hold_on_the_package_with_the_new_page(page):
    sources_or_skip()  # the data tests read every page, the real ones too
    env = {**os.environ, "CNBEF_PACKAGE": str(page.root), "CNBEF_SOURCES": str(page.sources)}
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(ROOT / "tests" / "test_data.py")],
                          cwd=ROOT, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout[-3000:]
    assert " passed" in done.stdout and "skipped" not in done.stdout.splitlines()[-1]


def _move_statistic_to_mentions(reason):
    def edit(page):
        page.delete("facts", COUNT)
        a = TEXT.index("13家")
        page.add("excluded_mentions", [dict(mention_id=f"{S}-x02", source_id=S, text="13家", char_start=a, char_end=a + 3,
                                            reason=reason, note="moved")])
        return page.row_of("excluded_mentions", f"{S}-x02")
    return edit


def _partial_numeral(page):
    page.set("facts", MONEY, "value", "2")
    return page.set("facts", MONEY, "value_text", "2")


def _start_after_first_sentence(page):
    return page.set("sources", S, "char_start", TEXT.index("新增"))


def _hectare(page):
    """A unit of area the page does not write (the package's own, or one made up)."""
    return page.unit("公顷", unit_id="hectare_999", name_en="hectare", dimension="area", base_unit_id=page.unit("平方米"),
                     multiplier="10000")


def _households(page):
    """A unit of count the page does not write."""
    return page.unit("户", unit_id="household_999", name_en="households", dimension="count", base_unit_id="household_999",
                     multiplier="1")


def _unknown_date(page):
    page.set("documents", DOC, "published_earliest", "")
    page.set("documents", DOC, "published_latest", "")
    page.set("documents", DOC, "date_basis", "unknown")
    return page.row_of("facts", TARGET)


# name: (edit -> row, file, column, rule, message fragment)
WRONG_EDITS = {
    "unit_hectare_for_square_metres": (lambda p: p.set("facts", AREA, "unit_id", _hectare(p)), F, "unit_id", "unit_in_text", "万平方米"),
    "unit_households_for_jia": (lambda p: p.set("facts", COUNT, "unit_id", _households(p)), F, "unit_id", "unit_in_text", "'家'"),
    "unit_said_implied_but_written": (lambda p: p.set("facts", COUNT, "unit_implied", "true"), F, "unit_implied", "unit_in_text", "writes the unit"),
    "partial_numeral": (_partial_numeral, F, "value_text", "number_boundary", "2651.25"),
    "statistic_excluded_as_idiom": (_move_statistic_to_mentions("idiom"), X, "reason", "exclusion_reason", "make it a fact"),
    "statistic_excluded_as_period": (_move_statistic_to_mentions("period"), X, "reason", "exclusion_reason", "make it a fact"),
    "statistic_excluded_as_derived": (_move_statistic_to_mentions("derived"), X, "reason", "exclusion_reason", "no fact's quote"),
    "statistic_excluded_as_slogan": (_move_statistic_to_mentions("slogan"), X, "reason", "quotation_marks", "not inside quotation marks"),
    "article_start_moved_past_a_sentence": (_start_after_first_sentence, SRC, "char_start", "coverage", "belong to no span"),
    "spans_overlap": (lambda p: p.set("sources", "999-editor", "char_start", TEXT.index("今年")), SRC, "char_start", "coverage", "overlaps"),
    "this_year_read_as_last_year": (lambda p: p.set("facts", TARGET, "period_start", "2022-01-01"), F, "period_start", "relative_period", "2023-01-01"),
    "inferred_year_not_flagged": (lambda p: p.set("facts", TARGET, "period_inferred", "false"), F, "period_inferred", "relative_period", "must be true"),
    "written_year_flagged_inferred": (lambda p: p.set("facts", MONEY, "period_inferred", "true"), F, "period_inferred", "relative_period", "must be false"),
    "this_year_on_a_page_of_unknown_date": (_unknown_date, F, "period_text", "relative_period", "no known date"),
    "result_dated_after_the_page": (lambda p: p.set("facts", GROWTH, "period_start", "2023-03-01"), F, "period_start", "period_window", "start after it"),
    "headline_given_for_a_report": (lambda p: p.set("sources", S, "title_zh", "工作报告"), SRC, "title_zh", "content_type", "prints no headline"),
    "article_without_region": (lambda p: p.set("sources", S, "region_id", ""), SRC, "region_id", "content_type", "needs the region"),
    "fact_in_page_furniture": (lambda p: p.set("facts", MONEY, "source_id", "999-navigation"), F, "source_id", "content_type", "page furniture"),
    "unknown_date_with_dates": (lambda p: p.set("documents", DOC, "date_basis", "unknown"), D, "date_basis", "document_dates", "unknown"),
    "earliest_after_latest": (lambda p: p.set("documents", DOC, "published_earliest", "2023-03-01"), D, "published_earliest, published_latest", "document_dates", "after the latest"),
}


@pytest.mark.parametrize("name", WRONG_EDITS)
def test_each_wrong_edit_is_reported_at_file_row_and_column(page, name):
    edit, file, column, rule, fragment = WRONG_EDITS[name]
    row = edit(page)
    report = _report(page)
    hits = [p for p in report.problems if p.rule == rule and p.file == file and p.column == column]
    assert hits, f"no {rule} problem at {file} column {column}; got:\n{report.as_text()}"
    assert any(p.row == row for p in hits), [p.as_text() for p in hits]
    assert any(fragment in p.message for p in hits if p.row == row), [p.as_text() for p in hits]


def test_the_new_page_wrong_edits_turn_the_data_tests_red_too(page):
    """The data tests are not a rubber stamp: a number left unaccounted for fails them."""
    page.delete("excluded_mentions", MENTION)
    env = {**os.environ, "CNBEF_PACKAGE": str(page.root), "CNBEF_SOURCES": str(page.sources)}
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-k", "every_number",
                           str(ROOT / "tests" / "test_data.py")], cwd=ROOT, env=env, capture_output=True, text=True)
    assert done.returncode == 1 and "1 failed" in done.stdout
