"""The checks generated from a Table Schema, on their own (in the validator, Frictionless sees these cells first)."""
import pandas as pd

from cnbef.package import typed
from cnbef.schema_checks import constraint_problems, foreign_key_problems, type_problems

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
    return {(p.row, p.column, p.rule) for p in type_problems("t.csv", text, frame, SCHEMA) + constraint_problems("t.csv", text, frame, SCHEMA)}


def test_valid_rows_pass():
    assert check([["a", "a", "1", "2022-01-31", "true"], ["b", "b", "", "", ""]]) == set()


def test_each_constraint_and_type_is_reported_with_row_and_column():
    found = check([
        ["a", "c", "11", "2022-02-30", "yes"],
        ["a", "", "-1", "2022/1/1", "true"],
        ["B1", "a", "1.5", "", ""],
    ])
    assert found == {
        (2, "kind", "enum"), (2, "n", "maximum"), (2, "day", "type"), (2, "ok", "type"),
        (3, "id", "unique"), (2, "id", "unique"), (3, "kind", "required"), (3, "n", "minimum"), (3, "day", "type"),
        (4, "id", "pattern"), (4, "n", "type"),
    }


def test_foreign_keys_come_from_the_schema():
    child = {"fields": [{"name": "ref"}], "foreignKeys": [{"fields": ["ref"], "reference": {"resource": "parent", "fields": ["id"]}}]}
    tables = {"child": pd.DataFrame({"ref": ["x", "y", None]}), "parent": pd.DataFrame({"id": ["x"]})}
    (p,) = foreign_key_problems("child", {"child": "c.csv", "parent": "p.csv"}, tables, {"child": child, "parent": {"fields": []}})
    assert (p.file, p.row, p.column, p.value, p.rule) == ("c.csv", 3, "ref", "y", "foreign_key")
    assert "p.csv" in p.message
