"""The rule registry (cnbef/validation/registry.py) is the one list of rules: every rule has a case that
triggers it, every implementation is declared, and the docs' rule list is generated from it."""
import ast

from cnbef.validation.checks import provenance, sqlchecks
from cnbef.validation.checks.rules import RULES as PYTHON_RULES
from cnbef.validation.registry import LAYERS, REGISTRY, RULES, declared
from conftest import ROOT

import pytest


def _cases() -> dict[str, set[str]]:
    """{rule: the cases that trigger it}: the package cases (tests/cases.py), the constraint cases, and tests marked
    ``triggers``."""
    from cases import CASES
    from test_constraints import CASES as CONSTRAINT_CASES

    found = {}
    for case in CASES:
        found.setdefault(case.rule, set()).add(f"cases::{case.name}")
    for constraint, *_ in CONSTRAINT_CASES:
        found.setdefault("constraint-error", set()).add(f"test_constraints::{constraint}")
    for path in (ROOT / "tests").glob("test_*.py"):  # @pytest.mark.triggers("rule", …) on a test of its own
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "attr", None) == "triggers":
                for arg in node.args:
                    found.setdefault(arg.value, set()).add(path.stem)
    return found


def test_every_declared_rule_has_a_case_that_triggers_it():
    assert sorted(set(REGISTRY) - set(_cases())) == []


def test_every_case_names_a_declared_rule():
    assert sorted(set(_cases()) - set(REGISTRY)) == []


def test_every_implementation_is_declared_in_its_layer():
    for name in PYTHON_RULES:
        declared(name, "semantic")
    for rule in sqlchecks.SEMANTIC:
        declared(rule.rule, "semantic-sql")
    assert set(provenance.CHECKS) <= set(REGISTRY)
    assert {r.layer for r in RULES} == {layer.name for layer in LAYERS}


def test_an_undeclared_rule_cannot_be_registered():
    from cnbef.validation.checks.rules import rule
    with pytest.raises(KeyError, match="not declared"):
        rule("no_such_rule")


def test_the_docs_list_every_rule_from_the_registry():
    text = (ROOT / "docs" / "validation.md").read_text(encoding="utf-8")
    assert all(f"| `{name}` |" in text for name in REGISTRY)
