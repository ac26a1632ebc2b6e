"""Every Table Schema constraint on a cell's value that Frictionless supports is checked, with its message,
by the generated SQL and by the generated Pandera schemas (Pandera's own Frictionless support, and the
checks cnbef adds where it has none) (unit tier: a two-row table made up here)."""
import pandas as pd
import pytest

from cnbef.package.tables import typed
from cnbef.validation.checks.sqlchecks import CONSTRAINTS
from cnbef.validation.pandera_schemas import _pandera, failures, table_schema
from cnbef.validation.validate import query_problems

# constraint, field type, its value, a cell that keeps it, a cell that breaks it
CASES = [
    ("pattern", "string", "[a-z]+", "ab", "A1"),
    ("enum", "string", ["x", "y"], "x", "z"),
    ("minimum", "number", 2, "2", "1.5"),
    ("maximum", "integer", 10, "10", "11"),
    ("exclusiveMinimum", "number", 0, "0.1", "0"),
    ("exclusiveMaximum", "number", 100, "99.9", "100"),
    ("minLength", "string", 2, "ab", "a"),
    ("maxLength", "string", 3, "三个字", "四个汉字"),
]


def _table(type_, constraint, value, good, bad):
    schema = {"fields": [{"name": "id", "type": "string"}, {"name": "cell", "type": type_, "constraints": {constraint: value}}]}
    return schema, pd.DataFrame({"id": ["a", "b"], "cell": [good, bad]}, dtype="string")  # spreadsheet rows 2 and 3


def test_every_constraint_has_a_case():
    assert sorted(CONSTRAINTS) == sorted(c[0] for c in CASES)


@pytest.mark.parametrize("constraint, type_, value, good, bad", CASES, ids=[c[0] for c in CASES])
def test_the_generated_sql_reports_the_broken_cell_with_its_message(constraint, type_, value, good, bad):
    schema, text = _table(type_, constraint, value, good, bad)
    found = query_problems({"t": text}, {"t": "t.csv"}, {"t": schema})
    assert [(p.file, p.row, p.column, p.rule, p.value) for p in found] == [("t.csv", 3, "cell", "constraint-error", bad)]
    assert found[0].message.endswith(f"{CONSTRAINTS[constraint][1](value)} (constraint {constraint})")


@pytest.mark.parametrize("constraint, type_, value, good, bad", CASES, ids=[c[0] for c in CASES])
def test_the_pandera_schema_rejects_the_same_cell(constraint, type_, value, good, bad):
    schema, text = _table(type_, constraint, value, good, bad)
    frame = typed(text, schema)
    check = table_schema(_pandera(), "t", schema, {"t": frame}, {"t": {"path": "t.csv"}})
    assert failures(check, frame, "t.csv", []) == [("t.csv", 3, "cell", "constraint-error")]


@pytest.mark.triggers("unique-error")
def test_a_unique_field_reports_the_second_row_of_a_repeated_value():
    schema = {"fields": [{"name": "id", "type": "string", "constraints": {"unique": True}}]}
    text = pd.DataFrame({"id": ["a", "b", "a"]}, dtype="string")
    found = query_problems({"t": text}, {"t": "t.csv"}, {"t": schema})
    assert [(p.row, p.column, p.rule) for p in found] == [(4, "id", "unique-error")]
    assert "row 2" in found[0].message
