"""Row checks as SQL, generated from the declarations: every engine runs these same queries.

Two sources, both data:
- the Table Schemas: types (lexical form, then a cast), required, pattern, enum, minimum,
  maximum, primary keys, unique fields and foreign keys;
- ``SEMANTIC``, the short named list of semantic rules a query can express, whose parameters
  come from tables (a measure's kind decides its unit dimension and range).

Each check is a query in DuckDB's dialect (other engines transpile it with sqlglot) that
returns one row per finding: the spreadsheet row ``_row``, the cell ``value`` and the fields
its message needs. The message is formatted here, in Python, from those fields, so a finding
reads the same whichever engine found it.

Each table is registered twice: ``name__text`` holds the cells as written (all text, ``_row``
added), ``name`` is a view that types them (a cell of the wrong form is NULL there, and the
type check reports it). ``name__one`` keeps the first row of each primary key, for lookups.
Two functions are defined by each engine: ``full_match(s, p)`` (the whole text matches) and
``finds(s, p)`` (somewhere in the text).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable

from cnbef.package.tables import DATE, INTEGER, NUMBER
from cnbef.validation.registry import declared

INT64_MAX = 2**63 - 1
TYPE_EXAMPLES = {"integer": "a whole number such as 42", "number": "a number such as 13.1 (ASCII digits, no thousands separator)",
                 "boolean": "true or false", "date": "an ISO date such as 2022-01-31"}
TRUE_VALUES, FALSE_VALUES = ["true", "True", "TRUE", "1"], ["false", "False", "FALSE", "0"]


@dataclass(frozen=True)
class Check:
    """One query and how to read its rows as problems."""

    rule: str
    table: str
    column: str | None
    sql: str
    message: Callable[[dict], str]
    value: Callable[[dict], str | None] = lambda r: None if r.get("value") is None else str(r["value"])
    # For a prefilter: (rule, message) for each problem of a found row, which may have several or none.
    explain: Callable[[dict], list[tuple[str, str]]] | None = None


@dataclass(frozen=True)
class CellCheck(Check):
    """A check of one cell at a time: a condition on ``t`` (the text) and ``v`` (the typed row).

    The cell checks of a table run as one query, one pass over the table (row_checks_query).
    """

    predicate: str = ""
    value_sql: str = "NULL"


def cell_check(rule, table, column, predicate, value_sql, message, explain=None) -> CellCheck:
    sql = (f"SELECT t._row, {value_sql} AS value FROM {q(table + '__text')} t JOIN {q(table)} v ON t._row = v._row "
           f"WHERE {predicate}")
    return CellCheck(rule, table, column, sql, message, explain=explain, predicate=predicate, value_sql=value_sql)


def cell_checks_query(table: str, checks: list[CellCheck]) -> str:
    """The cell checks of one table in one pass: a flag and a value for each, rows where any flag is set.

    The flags are filtered in an outer query rather than written again in a WHERE: on a small table most
    of the time goes to planning the expressions (a regular expression is compiled where it is written),
    and this halves them; on a large one it makes no difference (1M facts: 0.77 s either way)."""
    flags = ", ".join(f"coalesce({c.predicate}, FALSE) AS _f{i}, {c.value_sql} AS _v{i}" for i, c in enumerate(checks))
    names = ", ".join(f"_f{i}, _v{i}" for i in range(len(checks)))
    where = " OR ".join(f"_f{i}" for i in range(len(checks)))
    return (f"SELECT _row, {names} FROM (SELECT t._row, {flags} FROM {q(table + '__text')} t "
            f"JOIN {q(table)} v ON t._row = v._row) AS _cells WHERE {where}")


def cell_check_rows(checks: list[CellCheck], rows: list[dict]) -> list[list[dict]]:
    """The combined query's rows, split back into each check's rows."""
    out = [[] for _ in checks]
    for r in rows:
        for i in range(len(checks)):
            if r[f"_f{i}"]:
                out[i].append({"_row": r["_row"], "value": r[f"_v{i}"]})
    return out


def q(name: str) -> str:
    """A quoted identifier."""
    return '"' + name.replace('"', '""') + '"'


def lit(value) -> str:
    """A SQL literal."""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, (int, float)):
        return repr(value)
    return "'" + str(value).replace("'", "''") + "'"


def _pattern(regex: str) -> str:
    return lit(regex.removeprefix("^").removesuffix("$"))


def typed_expr(field: dict) -> str:
    """The cell typed as its Table Schema says; NULL when it is not of that type."""
    col, type_ = q(field["name"]), field.get("type", "string")
    if type_ == "integer":
        return f"CASE WHEN full_match({col}, {_pattern(INTEGER)}) THEN TRY_CAST({col} AS BIGINT) END"
    if type_ == "number":
        return f"CASE WHEN full_match({col}, {_pattern(NUMBER)}) THEN TRY_CAST({col} AS DOUBLE) END"
    if type_ == "date":
        return f"CASE WHEN full_match({col}, {_pattern(DATE)}) THEN TRY_CAST({col} AS DATE) END"
    if type_ == "boolean":
        true = ", ".join(map(lit, field.get("trueValues", TRUE_VALUES)))
        false = ", ".join(map(lit, field.get("falseValues", FALSE_VALUES)))
        return f"CASE WHEN {col} IN ({true}) THEN TRUE WHEN {col} IN ({false}) THEN FALSE END"
    return col


def typed_view(name: str, schema: dict, columns: list[str]) -> str:
    fields = {f["name"]: f for f in schema.get("fields", [])}
    cols = ", ".join(f"{typed_expr(fields[c])} AS {q(c)}" if c in fields else q(c) for c in columns)
    return f"SELECT _row, {cols} FROM {q(name + '__text')}"


def first_rows_view(name: str, key: list[str]) -> str:
    """The first row of each key, as pandas lookups take it: one duplicate cannot multiply a join."""
    keys = ", ".join(map(q, key))
    return (f"SELECT * FROM (SELECT *, row_number() OVER (PARTITION BY {keys} ORDER BY _row) AS _n "
            f"FROM {q(name)}) WHERE _n = 1")


def _type_message(type_: str):
    def message(r):
        if type_ == "integer" and re.fullmatch(INTEGER, str(r["value"])):
            return f"is too large for an {type_} (at most {INT64_MAX:,} in size)"
        return f"is not a valid {type_}; expected {TYPE_EXAMPLES.get(type_, type_)}"
    return message


def _typed_literal(field: dict, value) -> str:
    if field.get("type") == "date":
        return f"DATE {lit(str(value))}"
    return lit(value)


def _enum_sql(cell: str, values, field: dict) -> str:
    return f"{cell} NOT IN ({', '.join(_typed_literal(field, v) for v in values)})"


# The Table Schema constraints on a cell's value, as Frictionless supports them: the SQL true of a cell that
# breaks the constraint, and what the cell must be. (required is checked on the text, unique and the keys
# across rows; jsonSchema applies to object and array fields, which no table here has.)
CONSTRAINTS = {
    "pattern": (lambda cell, v, f: f"NOT full_match({cell}, {lit(v)})", lambda v: f"must match the pattern {v}"),
    "enum": (_enum_sql, lambda v: "must be one of: " + ", ".join(map(str, v))),
    "minimum": (lambda cell, v, f: f"{cell} < {_typed_literal(f, v)}", lambda v: f"must be at least {v}"),
    "maximum": (lambda cell, v, f: f"{cell} > {_typed_literal(f, v)}", lambda v: f"must be at most {v}"),
    "exclusiveMinimum": (lambda cell, v, f: f"{cell} <= {_typed_literal(f, v)}", lambda v: f"must be more than {v}"),
    "exclusiveMaximum": (lambda cell, v, f: f"{cell} >= {_typed_literal(f, v)}", lambda v: f"must be less than {v}"),
    "minLength": (lambda cell, v, f: f"length(CAST({cell} AS VARCHAR)) < {int(v)}", lambda v: f"must be at least {v} characters long"),
    "maxLength": (lambda cell, v, f: f"length(CAST({cell} AS VARCHAR)) > {int(v)}", lambda v: f"must be at most {v} characters long"),
}


def field_checks(name: str, schema: dict, columns: list[str]) -> list[CellCheck]:
    """Type and constraint checks of one table, from its Table Schema."""
    pk = set(schema.get("primaryKey", []))
    checks = []
    for field in schema.get("fields", []):
        col_name = field["name"]
        if col_name not in columns:
            continue
        col, type_, c = q(col_name), field.get("type", "string"), field.get("constraints", {})
        text, cell = f"t.{col}", f"v.{col}"
        if type_ != "string":
            checks.append(cell_check("type-error", name, col_name, f"{text} IS NOT NULL AND {cell} IS NULL", text,
                                     _type_message(type_)))
        if c.get("required") or col_name in pk:
            checks.append(cell_check("constraint-error", name, col_name, f"{text} IS NULL", "NULL",
                                     lambda r: "is empty; this column is required (constraint required)"))
        where = [(name_, violated(cell, c[name_], field), says(c[name_])) for name_, (violated, says) in CONSTRAINTS.items()
                 if name_ in c]
        for constraint, condition, says in where:
            checks.append(cell_check("constraint-error", name, col_name, f"{cell} IS NOT NULL AND {condition}", text,
                                     lambda r, says=says, constraint=constraint: f"{says} (constraint {constraint})"))
    return checks


def hygiene_checks(name: str, schema: dict, columns: list[str]) -> list[CellCheck]:
    """Text cells with a suspect character, found by one regular expression; files.py says what each is."""
    from cnbef.validation.checks.files import SUSPECT, cell_findings

    return [cell_check("cell", name, f["name"], f"finds(t.{q(f['name'])}, {lit(SUSPECT)})", f"t.{q(f['name'])}",
                       lambda r: "", explain=lambda r: cell_findings(r["value"]))
            for f in schema.get("fields", []) if f.get("type", "string") == "string" and f["name"] in columns]


def key_checks(name: str, schema: dict, columns: list[str]) -> list[Check]:
    """Repeated primary keys and unique values, reported after their first row (as Frictionless does)."""
    pk = schema.get("primaryKey", [])
    keys = [("primary-key", pk)] if pk and all(k in columns for k in pk) else []
    keys += [("unique-error", [f["name"]]) for f in schema.get("fields", [])
             if f.get("constraints", {}).get("unique") and [f["name"]] != pk and f["name"] in columns]
    checks = []
    for rule, fields in keys:
        cols = ", ".join(map(q, fields))
        present = " AND ".join(f"{q(f)} IS NOT NULL" for f in fields)
        what = "primary key" if rule == "primary-key" else "unique value"
        checks.append(Check(rule, name, ", ".join(fields),
                            f"SELECT _row, first, {cols} FROM (SELECT _row, {cols}, min(_row) OVER (PARTITION BY {cols}) AS first "
                            f"FROM {q(name + '__text')} WHERE {present}) WHERE _row > first",
                            lambda r, what=what: f"repeats the {what} of row {r['first']}",
                            lambda r, fields=fields: ", ".join(str(r[f]) for f in fields)))
    if keys and keys[0][0] == "primary-key":
        checks.append(_order_check(name, pk))
    return checks


def _order_check(name: str, pk: list[str]) -> Check:
    """A row whose primary key sorts before the row above it: the tables are kept sorted by key (as text, code point by
    code point), so that a diff of two versions shows the rows that changed and nothing else."""
    cols = ", ".join(map(q, pk))
    prev = ", ".join(f"lag({q(k)}) OVER (ORDER BY _row) AS {q('_prev_' + k)}" for k in pk)
    # (a, b) before (c, d): a < c, or a = c and b < d
    before = " OR ".join("(" + " AND ".join([f"{q(k)} = {q('_prev_' + k)}" for k in pk[:n]] + [f"{q(pk[n])} < {q('_prev_' + pk[n])}"]) + ")"
                         for n in range(len(pk)))
    return Check("sorted_by_key", name, ", ".join(pk),
                 f"SELECT * FROM (SELECT _row, {cols}, {prev} FROM {q(name + '__text')}) AS _ordered WHERE {before}",
                 lambda r: (f"sorts before the row above it ({', '.join(str(r['_prev_' + k]) for k in pk)}); the table is kept sorted "
                            f"by its primary key: cnbef refresh sorts it"),
                 lambda r: ", ".join(str(r[k]) for k in pk))


def foreign_key_checks(name: str, schema: dict, columns: dict[str, list[str]], files: dict[str, str]) -> list[Check]:
    """References that are not found in the referenced table (whose keys are typed the same way)."""
    checks = []
    for fk in schema.get("foreignKeys", []):
        fields = fk["fields"] if isinstance(fk["fields"], list) else [fk["fields"]]
        ref = fk["reference"]
        target = ref.get("resource") or name
        ref_fields = ref["fields"] if isinstance(ref["fields"], list) else [ref["fields"]]
        if target not in columns or any(f not in columns[name] for f in fields) or any(f not in columns[target] for f in ref_fields):
            continue
        present = " AND ".join(f"a.{q(f)} IS NOT NULL" for f in fields)
        match = " AND ".join(f"b.{q(r)} = a.{q(f)}" for f, r in zip(fields, ref_fields))
        says = f"not found in {files[target]} column {', '.join(ref_fields)}; add it there or correct this reference"
        checks.append(Check("foreign-key", name, ", ".join(fields),
                            f"SELECT a._row, {', '.join('a.' + q(f) for f in fields)} FROM {q(name)} a "
                            f"WHERE {present} AND NOT EXISTS (SELECT 1 FROM {q(target)} b WHERE {match})",
                            lambda r, says=says: says, lambda r, fields=fields: ", ".join(str(r[f]) for f in fields)))
    return checks


# ---- the semantic rules a query can express --------------------------------------------------

_KIND_OF_FACT = """
SELECT f._row, f.value, f.unit_id, f.measure_id, u.dimension AS unit_dimension, u.multiplier,
       k.kind_id, k.dimension AS kind_dimension, k.min_value, k.min_inclusive, k.max_value, k.whole_number
FROM facts f
LEFT JOIN units__one u ON u.unit_id = f.unit_id
LEFT JOIN measures__one m ON m.measure_id = f.measure_id
LEFT JOIN measure_kinds__one k ON k.kind_id = m.kind_id
"""


def _g(x) -> str:
    return f"{x:g}"


def range_text(r: dict) -> str:
    """A kind's range in words, from its row of measure_kinds."""
    parts = []
    if r.get("min_value") is not None:
        parts.append(f"{'at least' if r['min_inclusive'] in (True, None) else 'above'} {_g(r['min_value'])}")
    if r.get("max_value") is not None:
        parts.append(f"at most {_g(r['max_value'])}")
    return " and ".join(parts) or "any value"


@dataclass(frozen=True)
class Semantic:
    """A semantic rule as a query: the tables it needs, the reported column and how it reads."""

    rule: str
    table: str
    needs: tuple[str, ...]
    column: str
    sql: str
    message: Callable[[dict], str]
    value: Callable[[dict], str | None] = lambda r: None if r.get("value") is None else str(r["value"])
    explain = None

    def __post_init__(self):
        declared(self.rule, "semantic-sql")


SEMANTIC = [
    Semantic("unit_dimension", "facts", ("facts", "units", "measures", "measure_kinds"), "unit_id",
             f"SELECT _row, unit_id AS value, unit_dimension, measure_id, kind_id, kind_dimension FROM ({_KIND_OF_FACT}) "
             f"WHERE unit_dimension IS NOT NULL AND kind_dimension IS NOT NULL AND unit_dimension <> kind_dimension",
             lambda r: f"is a {r['unit_dimension']} unit, but measure {r['measure_id']} is a {r['kind_id']} "
                       f"and needs a {r['kind_dimension']} unit"),
    Semantic("value_range", "facts", ("facts", "units", "measures", "measure_kinds"), "value",
             f"SELECT _row, value, unit_id, kind_id, min_value, min_inclusive, max_value FROM ({_KIND_OF_FACT}) "
             f"WHERE value * multiplier IS NOT NULL AND ("
             f"(min_value IS NOT NULL AND (value * multiplier < min_value "
             f"OR (NOT coalesce(min_inclusive, TRUE) AND value * multiplier = min_value))) "
             f"OR (max_value IS NOT NULL AND value * multiplier > max_value))",
             lambda r: f"a {r['kind_id']} must be {range_text(r)} (in {r['unit_id']}'s base unit)"),
    Semantic("whole_number", "facts", ("facts", "units", "measures", "measure_kinds"), "value",
             f"SELECT _row, value, kind_id FROM ({_KIND_OF_FACT}) "
             f"WHERE coalesce(whole_number, FALSE) AND value * multiplier IS NOT NULL AND (value * multiplier) % 1 <> 0",
             lambda r: f"a {r['kind_id']} must be a whole number"),
    Semantic("period_order", "facts", ("facts",), "period_start, period_end",
             "SELECT _row, period_start, period_end FROM facts WHERE period_start > period_end",
             lambda r: "the period starts after it ends; swap or correct the dates",
             lambda r: f"{r['period_start']} > {r['period_end']}"),
]
