"""cnbef add never loses or mixes data: killed or interrupted at any point, the package is the old tree or the new one.

Each case runs `cnbef add` in a child process that kills or interrupts itself at one point (a function of
the add replaced by one that sends the signal), then compares the SHA-256 of every file of the package
with the tree before the add and the tree a clean add gives.
"""
import hashlib
import shutil
import subprocess
import sys

import pytest

from cnbef.curation.add import add
from cnbef.validation.validate import validate_package
from conftest import ROOT
from test_draft import _review, fresh  # noqa: F401 (the fixture)

CHILD = """
import os, signal, sys
import cnbef.curation.add as adding
import cnbef.curation.transaction as transaction
point, signum, nth = sys.argv[1], getattr(signal, sys.argv[2]), int(sys.argv[3])
def hit(original):
    calls = []
    def replaced(*args, **kwargs):
        calls.append(1)
        if len(calls) == nth:
            os.kill(os.getpid(), signum)
        return original(*args, **kwargs)
    return replaced
if point == "staging":
    adding.flat.write = hit(adding.flat.write)
elif point == "checking":
    adding.validate_package = hit(adding.validate_package)
elif point == "moving":
    transaction.os.replace = hit(os.replace)
from cnbef.cli.add import main
sys.exit(main(sys.argv[4:]))
"""


def _tree(root):
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(root.rglob("*")) if p.is_file()}


def _run(pkg, review, *how):
    return subprocess.run([sys.executable, "-c", CHILD, *how, str(review), "--package", str(pkg.root), "--sources", str(pkg.sources)],
                          cwd=ROOT, capture_output=True, text=True)


@pytest.fixture
def trees(fresh, tmp_path):
    """The package before the add, the review file, and the tree a clean add gives."""
    review = _review(fresh, tmp_path)
    clean = tmp_path / "clean"
    shutil.copytree(fresh.root, clean)
    assert add(clean, review, fresh.sources).ok
    return fresh, review, _tree(fresh.root), _tree(clean)


# (point, signal, which call): the moves are the journal's (1st) and then one per changed file
KILLED = [("staging", "SIGKILL", 1), ("checking", "SIGKILL", 1), ("moving", "SIGKILL", 1), ("moving", "SIGKILL", 2),
          ("moving", "SIGKILL", 3), ("moving", "SIGKILL", 5)]


@pytest.mark.parametrize("point, signum, nth", KILLED)
def test_killed_the_package_is_the_old_tree_or_after_recover_the_new_one(trees, point, signum, nth):
    pkg, review, old, new = trees
    done = _run(pkg, review, point, signum, str(nth))
    assert done.returncode == -9, done.stdout + done.stderr
    recovered = subprocess.run([sys.executable, "-m", "cnbef", "add", "--recover", "--package", str(pkg.root)],
                               cwd=ROOT, capture_output=True, text=True)
    after = _tree(pkg.root)
    assert after in (old, new), sorted(set(after.items()) ^ set(old.items()))[:6]
    journal_written = point == "moving" and nth > 1
    assert after == (new if journal_written else old), recovered.stdout
    assert ("completed an interrupted cnbef add" if journal_written else "removed .cnbef-pending/") in recovered.stdout


def test_killed_while_moving_the_validator_says_so_until_recovered(trees):
    pkg, review, old, new = trees
    assert _run(pkg, review, "moving", "SIGKILL", "3").returncode == -9
    problems = validate_package(pkg.root, pkg.sources).problems
    assert [p.rule for p in problems if p.rule == "interrupted_add"] == ["interrupted_add"]
    assert "cnbef add --recover" in problems[0].message
    # the next add completes it first, then adds nothing new of the same page twice
    done = subprocess.run([sys.executable, "-m", "cnbef", "add", "--recover", "--package", str(pkg.root)], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0 and _tree(pkg.root) == new
    assert validate_package(pkg.root, pkg.sources).problems == []


@pytest.mark.parametrize("signum", ["SIGINT", "SIGTERM"])
def test_interrupted_while_checking_the_merge_the_old_tree_stays(trees, signum):
    pkg, review, old, new = trees
    done = _run(pkg, review, "checking", signum, "1")
    assert done.returncode == 130 and "interrupted: nothing added" in done.stderr, done.stdout + done.stderr
    assert _tree(pkg.root) == old  # the staging folder is gone too


def test_interrupted_while_moving_the_add_is_finished(trees):
    pkg, review, old, new = trees
    done = _run(pkg, review, "moving", "SIGINT", "2")
    assert done.returncode == 0 and "added" in done.stdout, done.stdout + done.stderr
    assert _tree(pkg.root) == new
