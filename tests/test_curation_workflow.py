"""A page added by the steps of docs/curation.md leaves the checkout green: validate and the test suite.

In a copy of this checkout (tests/curator.py), a made-up page is registered by hand (its rows appended,
unsorted), drafted, reviewed, added and regenerated with the commands the docs name, in their order; then
the quick tier of the test suite runs in the copy, against the copy's data. The mistakes a curator can make
on the way are each a case of tests/cases.py, which shows the validator's message for it.
"""
import subprocess
import sys

import pytest

from conftest import sources_or_skip
from curator import DOC, checkout_copy, register, review, run


@pytest.mark.slow
def test_a_page_added_by_the_documented_steps_keeps_the_test_suite_green(tmp_path):
    sources_or_skip()
    checkout = checkout_copy(tmp_path)
    register(checkout)
    steps = [("refresh",), ("validate", "--sources", "../shared/sources"), ("draft", f"{DOC}.txt")]
    for step in steps:
        done = run(checkout, *step)
        assert done.returncode == 0, (step, done.stdout[-2000:], done.stderr[-2000:])
    report = run(checkout, "validate", "--sources", "../shared/sources").stdout
    assert "in draft" in report and DOC in report  # its completeness waits
    review(checkout / "reviews" / f"review-{DOC}.csv")
    for step in [("add", f"reviews/review-{DOC}.csv"), ("refresh",), ("validate", "--sources", "../shared/sources"),
                 ("refresh", "--check")]:
        done = run(checkout, *step)
        assert done.returncode == 0, (step, done.stdout[-2000:], done.stderr[-2000:])
    suite = subprocess.run([sys.executable, "-m", "pytest", "-q", "-m", "not slow and not spark", "-p", "no:cacheprovider"],
                           cwd=checkout, capture_output=True, text=True)
    assert suite.returncode == 0, suite.stdout[-4000:]
