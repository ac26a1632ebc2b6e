"""The checks generated from a Table Schema, on every engine, and as a Pandera schema."""
import pandas as pd

from cnbef.validation.checks.sqlchecks import foreign_key_checks, lit, typed_expr
from cnbef.validation.validate import query_problems

SCHEMA = {"fields": [
    {"name": "id", "type": "string", "constraints": {"pattern": "^[a-z]+$"}},
    {"name": "kind", "type": "string", "constraints": {"required": True, "enum": ["a", "b"]}},
    {"name": "n", "type": "integer", "constraints": {"minimum": 0, "maximum": 10}},
    {"name": "day", "type": "date"},
    {"name": "ok", "type": "boolean", "trueValues": ["true"], "falseValues": ["false"]},
    {"name": "x", "type": "number"},
], "primaryKey": ["id"]}
COLUMNS = [f["name"] for f in SCHEMA["fields"]]


def text(rows):
    return pd.DataFrame(rows, columns=COLUMNS, dtype=object).astype("string").replace({"": pd.NA})


def check(engine, rows, schema=SCHEMA):
    found = query_problems({"t": text(rows)}, {"t": "t.csv"}, {"t": schema}, engine=engine)
    return {(p.row, p.column, p.rule, p.message.rsplit("(constraint ", 1)[-1].rstrip(")") if p.rule == "constraint-error" else "")
            for p in found}


def test_valid_rows_pass(engine):
    assert check(engine, [["a", "a", "1", "2022-01-31", "true", "1.5"], ["b", "b", "", "", "", "-.5e3"]]) == set()


def test_each_constraint_and_type_is_reported_with_row_and_column(engine):
    found = check(engine, [
        ["a", "c", "11", "2022-02-30", "yes", "1,5"],
        ["a", "", "-1", "2022/1/1", "true", " 1"],
        ["B1", "a", "1.5", "", "", "0x10"],
        ["x.", "a", "99999999999999999999", "2022-1-01", "True", "1_000"],
    ])
    assert found == {
        (2, "kind", "constraint-error", "enum"), (2, "n", "constraint-error", "maximum"),
        (2, "day", "type-error", ""), (2, "ok", "type-error", ""), (2, "x", "type-error", ""),
        (3, "id", "primary-key", ""), (3, "kind", "constraint-error", "required"), (3, "n", "constraint-error", "minimum"),
        (3, "day", "type-error", ""), (3, "x", "type-error", ""),
        (4, "id", "constraint-error", "pattern"), (4, "id", "sorted_by_key", ""), (4, "n", "type-error", ""), (4, "x", "type-error", ""),
        (5, "id", "constraint-error", "pattern"), (5, "n", "type-error", ""), (5, "day", "type-error", ""),
        (5, "ok", "type-error", ""), (5, "x", "type-error", ""),
    }


def test_messages_read_the_same_on_every_engine(engine):
    rows = [["a", "c", "99999999999999999999", "2022-02-30", "yes", "1"], ["a", "b", "1", "", "", ""]]
    found = sorted(p.as_text() for p in query_problems({"t": text(rows)}, {"t": "t.csv"}, {"t": SCHEMA}, engine=engine))
    assert found == sorted([
        "t.csv:2: [constraint-error] column kind = 'c': must be one of: a, b (constraint enum)",
        "t.csv:2: [type-error] column n = '99999999999999999999': is too large for an integer (at most 9,223,372,036,854,775,807 in size)",
        "t.csv:2: [type-error] column day = '2022-02-30': is not a valid date; expected an ISO date such as 2022-01-31",
        "t.csv:2: [type-error] column ok = 'yes': is not a valid boolean; expected true or false",
        "t.csv:3: [primary-key] column id = 'a': repeats the primary key of row 2",
    ])


def test_a_pattern_with_escapes_means_the_same_on_every_engine(engine):
    """Spark would read '\\.' as '.' if its literals were not written for it: a bad value would pass."""
    schema = {"fields": [{"name": "id", "constraints": {"pattern": r"^[a-z]+\.txt$"}}]}
    rows = pd.DataFrame({"id": ["a.txt", "aXtxt", "a.txt\n"]}, dtype="string")
    found = query_problems({"t": rows}, {"t": "t.csv"}, {"t": schema}, engine=engine)
    assert sorted(p.row for p in found if p.rule == "constraint-error") == [3, 4]


def test_foreign_keys_come_from_the_schema(engine):
    child = {"fields": [{"name": "ref"}], "foreignKeys": [{"fields": ["ref"], "reference": {"resource": "parent", "fields": ["id"]}}]}
    texts = {"child": pd.DataFrame({"ref": ["x", "y", None]}, dtype="string"), "parent": pd.DataFrame({"id": ["x"]}, dtype="string")}
    (p,) = query_problems(texts, {"child": "c.csv", "parent": "p.csv"}, {"child": child, "parent": {"fields": [{"name": "id"}]}},
                          engine=engine)
    assert (p.file, p.row, p.column, p.value, p.rule) == ("c.csv", 3, "ref", "y", "foreign-key")
    assert "p.csv" in p.message


def test_a_check_the_engine_cannot_run_is_reported_not_raised(engine):
    schema = {"fields": [{"name": "id", "constraints": {"pattern": "("}}, {"name": "n", "type": "integer"}]}
    found = query_problems({"t": pd.DataFrame({"id": ["a"], "n": ["x"]}, dtype="string")}, {"t": "t.csv"}, {"t": schema},
                           engine=engine)
    assert {(p.rule, p.row) for p in found} == {("schema-error", None), ("type-error", 2)}
    assert any(f"on the {engine.name} engine" in p.message for p in found)


def test_generated_sql_is_derived_from_the_schema_not_restated():
    assert "BIGINT" in typed_expr({"name": "n", "type": "integer"})
    assert lit("it's") == "'it''s'"
    child = {"fields": [{"name": "ref"}], "foreignKeys": [{"fields": "ref", "reference": {"resource": "", "fields": "id"}}]}
    (fk,) = foreign_key_checks("t", child, {"t": ["ref", "id"]}, {"t": "t.csv"})
    assert '"t" b' in fk.sql  # a self-reference reads its own table

