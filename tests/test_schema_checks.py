"""The checks generated from a Table Schema, on their own (in the validator, Frictionless sees these cells first)."""
import pandas as pd

from cnbef.package import typed
from cnbef.schema_checks import constraint_problems, foreign_key_problems, key_problems, type_problems

SCHEMA = {"fields": [
    {"name": "id", "type": "string", "constraints": {"pattern": "^[a-z]+$"}},
    {"name": "kind", "type": "string", "constraints": {"required": True, "enum": ["a", "b"]}},
    {"name": "n", "type": "integer", "constraints": {"minimum": 0, "maximum": 10}},
    {"name": "day", "type": "date"},
    {"name": "ok", "type": "boolean", "trueValues": ["true"], "falseValues": ["false"]},
], "primaryKey": ["id"]}


def check(rows):
    text = pd.DataFrame(rows, columns=["id", "kind", "n", "day", "ok"], dtype=object).astype("string").replace({"": pd.NA})
    frame = typed(text, SCHEMA)
    found = type_problems("t.csv", text, frame, SCHEMA) + constraint_problems("t.csv", text, frame, SCHEMA)
    found += key_problems("t.csv", text, SCHEMA)
    return {(p.row, p.column, p.rule, p.message.rsplit("(constraint ", 1)[-1].rstrip(")") if p.rule == "constraint-error" else "")
            for p in found}


def test_valid_rows_pass():
    assert check([["a", "a", "1", "2022-01-31", "true"], ["b", "b", "", "", ""]]) == set()


def test_each_constraint_and_type_is_reported_with_row_and_column():
    found = check([
        ["a", "c", "11", "2022-02-30", "yes"],
        ["a", "", "-1", "2022/1/1", "true"],
        ["B1", "a", "1.5", "", ""],
    ])
    assert found == {
        (2, "kind", "constraint-error", "enum"), (2, "n", "constraint-error", "maximum"),
        (2, "day", "type-error", ""), (2, "ok", "type-error", ""),
        (3, "id", "primary-key", ""), (3, "kind", "constraint-error", "required"), (3, "n", "constraint-error", "minimum"),
        (3, "day", "type-error", ""), (4, "id", "constraint-error", "pattern"), (4, "n", "type-error", ""),
    }


def test_foreign_keys_come_from_the_schema():
    child = {"fields": [{"name": "ref"}], "foreignKeys": [{"fields": ["ref"], "reference": {"resource": "parent", "fields": ["id"]}}]}
    tables = {"child": pd.DataFrame({"ref": ["x", "y", None]}), "parent": pd.DataFrame({"id": ["x"]})}
    (p,) = foreign_key_problems("child", {"child": "c.csv", "parent": "p.csv"}, tables, {"child": child, "parent": {"fields": []}})
    assert (p.file, p.row, p.column, p.value, p.rule) == ("c.csv", 3, "ref", "y", "foreign-key")
    assert "p.csv" in p.message
