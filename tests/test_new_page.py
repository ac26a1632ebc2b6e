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
from made_up_page import DOC, MENTION, PageCopy


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


def test_the_new_page_wrong_edits_turn_the_data_tests_red_too(page):
    """The data tests are not a rubber stamp: a number left unaccounted for fails them."""
    page.delete("excluded_mentions", MENTION)
    env = {**os.environ, "CNBEF_PACKAGE": str(page.root), "CNBEF_SOURCES": str(page.sources)}
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-k", "every_number",
                           str(ROOT / "tests" / "test_data.py")], cwd=ROOT, env=env, capture_output=True, text=True)
    assert done.returncode == 1 and "1 failed" in done.stdout
