"""The fast path and Frictionless agree.

For every injected fault that Frictionless itself can see (types, constraints, keys,
labels, cell counts, bytes and hashes), Frictionless alone and the fast path alone
must give the same verdict and flag the same rows of the same file with the same rule.
"""
import pytest

from cnbef.validation.validate import frictionless_problems, validate_package
from cases import CASES

FRICTIONLESS_RULES = {"type-error", "constraint-error", "primary-key", "unique-error", "foreign-key", "missing-label",
                      "extra-label", "incorrect-label", "missing-cell", "extra-cell", "hash-count", "byte-count"}
SHARED = [case for case in CASES if case.rule in FRICTIONLESS_RULES]


def flagged(problems, file, rule):
    return sorted({(p.row, p.column if rule.endswith("label") else None) for p in problems if p.file == file and p.rule == rule},
                  key=str)


@pytest.mark.parametrize("case", SHARED, ids=lambda case: case.name)
def test_fast_path_and_frictionless_flag_the_same_rows(pkg, case):
    file, rule = case.file, case.rule
    case.damage(pkg)
    fast = validate_package(pkg.root, engine="fast")
    slow = frictionless_problems(pkg.root)
    assert not fast.valid and slow, "both must find the fault"
    assert flagged(fast.problems, file, rule) == flagged(slow, file, rule)


def test_both_engines_pass_the_clean_package(capsys):
    from conftest import ROOT
    assert validate_package(ROOT, engine="fast").problems == []
    assert frictionless_problems(ROOT) == []
    assert validate_package(ROOT, engine="frictionless").problems == []
    with capsys.disabled():
        print(f"\nengines agree on {len(SHARED)} fault classes that Frictionless can see")
