"""Checks derived from the Table Schemas: types, constraints, keys.

Nothing here names a column or a constraint value: every check is generated
from ``schemas/*.json``, so a constraint is declared once, in its Table Schema.
Pandera runs the per-column constraints; types, primary and foreign keys are
vectorized pandas comparisons on the same frames.
"""
from __future__ import annotations

import pandas as pd
import pandera.pandas as pa
from pandera.errors import SchemaErrors

from .report import Problem

TYPE_EXAMPLES = {"integer": "a whole number such as 42", "number": "a number such as 13.1 (ASCII digits, no thousands separator)",
                 "boolean": "true or false", "date": "an ISO date such as 2022-01-31"}
SCHEMA_RULES = {"type", "required", "unique", "pattern", "enum", "minimum", "maximum", "primary_key", "foreign_key"}


def _row(index) -> int:
    return int(index) + 2  # the header is row 1


def _constraint_checks(field: dict) -> list[pa.Check]:
    c = field.get("constraints", {})
    checks = []
    if "pattern" in c:
        checks.append(pa.Check.str_matches(rf"(?:{c['pattern']})\Z", error=f"pattern|must match the pattern {c['pattern']}"))
    if "enum" in c:
        checks.append(pa.Check.isin(c["enum"], error="enum|must be one of: " + ", ".join(map(str, c["enum"]))))
    if "minimum" in c:
        checks.append(pa.Check.ge(c["minimum"], error=f"minimum|must be at least {c['minimum']}"))
    if "maximum" in c:
        checks.append(pa.Check.le(c["maximum"], error=f"maximum|must be at most {c['maximum']}"))
    return checks


def pandera_schema(schema: dict) -> pa.DataFrameSchema:
    """A Pandera schema for the typed frame, generated from a Table Schema."""
    pk = set(schema.get("primaryKey", []))
    columns = {}
    for field in schema["fields"]:
        c = field.get("constraints", {})
        columns[field["name"]] = pa.Column(
            nullable=not (c.get("required") or field["name"] in pk),
            unique=bool(c.get("unique")) or (pk == {field["name"]}),
            checks=_constraint_checks(field), required=False, coerce=False)
    return pa.DataFrameSchema(columns, strict=False)


def constraint_problems(file: str, text: pd.DataFrame, frame: pd.DataFrame, schema: dict) -> list[Problem]:
    try:
        pandera_schema(schema).validate(frame, lazy=True)
        return []
    except SchemaErrors as err:
        cases = err.failure_cases
    problems = []
    for case in cases.itertuples(index=False):
        if pd.isna(case.index) or case.column not in frame.columns:
            continue
        check = str(case.check)
        if check == "not_nullable":
            rule, message = "required", "is empty; this column is required"
        elif check == "field_uniqueness":
            rule, message = "unique", "appears more than once; values in this column must be unique"
        elif "|" in check:
            rule, message = check.split("|", 1)
        else:
            rule, message = "schema", check
        value = text.at[case.index, case.column]
        if rule in ("minimum", "maximum", "enum", "pattern") and pd.isna(value):
            continue
        problems.append(Problem(file, _row(case.index), case.column, rule, None if pd.isna(value) else str(value), message))
    return problems


def type_problems(file: str, text: pd.DataFrame, frame: pd.DataFrame, schema: dict) -> list[Problem]:
    """Cells that have text but did not convert to the declared type."""
    problems = []
    for field in schema["fields"]:
        name, type_ = field["name"], field.get("type", "string")
        if type_ == "string" or name not in frame.columns:
            continue
        bad = text[name].notna() & frame[name].isna()
        for i in text.index[bad]:
            problems.append(Problem(file, _row(i), name, "type", text.at[i, name],
                                    f"is not a valid {type_}; expected {TYPE_EXAMPLES.get(type_, type_)}"))
    return problems


def foreign_key_problems(name: str, files: dict, tables: dict, schemas: dict) -> list[Problem]:
    problems = []
    frame = tables[name]
    for fk in schemas[name].get("foreignKeys", []):
        fields = fk["fields"] if isinstance(fk["fields"], list) else [fk["fields"]]
        ref = fk["reference"]
        target = ref.get("resource") or name
        ref_fields = ref["fields"] if isinstance(ref["fields"], list) else [ref["fields"]]
        if target not in tables or any(f not in frame.columns for f in fields):
            continue
        keys = pd.MultiIndex.from_frame(tables[target][ref_fields].dropna().astype(object))
        local = frame[fields].astype(object)
        present = local.notna().all(axis=1)
        missing = present & ~pd.MultiIndex.from_frame(local).isin(keys)
        for i in frame.index[missing]:
            value = ", ".join(str(frame.at[i, f]) for f in fields)
            problems.append(Problem(files[name], _row(i), ", ".join(fields), "foreign_key", value,
                                    f"not found in {files[target]} column {', '.join(ref_fields)}; "
                                    f"add it there or correct this reference"))
    return problems
