"""Checks derived from the Table Schemas: labels, cells, types, constraints, keys.

Nothing here names a column or a constraint value: every check is generated from
``schemas/*.json``, so a constraint is declared once, in its Table Schema. Pandera
runs the per-column constraints; labels, types, primary, unique and foreign keys are
vectorized pandas comparisons. Rule names are Frictionless's own (type-error,
constraint-error, primary-key, foreign-key …), so that both engines report a
problem the same way and a problem found by both is reported once.
"""
from __future__ import annotations

import re

import pandas as pd
import pandera.pandas as pa
from pandera.errors import SchemaErrors

from .package import INTEGER
from .report import Problem

INT64_MAX = 2**63 - 1
TYPE_EXAMPLES = {"integer": "a whole number such as 42", "number": "a number such as 13.1 (ASCII digits, no thousands separator)",
                 "boolean": "true or false", "date": "an ISO date such as 2022-01-31"}


def _row(index) -> int:
    return int(index) + 2  # the header is row 1


def label_problems(file: str, frame: pd.DataFrame, schema: dict) -> tuple[list[Problem], pd.DataFrame]:
    """Header problems, and the frame with its columns named by position as Frictionless reads them."""
    names = [f["name"] for f in schema.get("fields", [])]
    labels = list(frame.columns)
    problems = []
    for i, (label, name) in enumerate(zip(labels, names), 1):
        if label != name:
            problems.append(Problem(file, None, name, "incorrect-label", str(label),
                                    f"header label {label!r} at position {i} should be {name!r}"))
    problems += [Problem(file, None, name, "missing-label", None, f"the header lacks column {name!r} (position {i})")
                 for i, name in enumerate(names[len(labels):], len(labels) + 1)]
    problems += [Problem(file, None, None, "extra-label", str(label), f"column {label!r} at position {i} is not in the schema")
                 for i, label in enumerate(labels[len(names):], len(names) + 1)]
    if problems:
        frame = frame.iloc[:, :len(names)].copy()
        frame.columns = names[:frame.shape[1]]
        for name in names[frame.shape[1]:]:
            frame[name] = pd.NA
    return problems, frame




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
    """A Pandera schema for the typed frame, generated from a Table Schema (keys are checked separately)."""
    pk = set(schema.get("primaryKey", []))
    columns = {}
    for field in schema["fields"]:
        c = field.get("constraints", {})
        columns[field["name"]] = pa.Column(nullable=not (c.get("required") or field["name"] in pk),
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
        name, message = ("required", "is empty; this column is required") if check == "not_nullable" else check.split("|", 1)
        value = text.at[case.index, case.column]
        if pd.isna(value) != (name == "required"):  # a written cell that did not type is a type-error, not an empty one
            continue
        problems.append(Problem(file, _row(case.index), case.column, "constraint-error",
                                None if pd.isna(value) else str(value), f"{message} (constraint {name})"))
    return problems


def type_problems(file: str, text: pd.DataFrame, frame: pd.DataFrame, schema: dict) -> list[Problem]:
    """Cells that have text but did not convert to the declared type."""
    problems = []
    for field in schema["fields"]:
        name, type_ = field["name"], field.get("type", "string")
        if type_ == "string" or name not in frame.columns:
            continue
        bad = text[name].notna() & frame[name].isna()
        for i in text.index[bad.to_numpy()]:
            value = text.at[i, name]
            why = (f"is too large for an {type_} (at most {INT64_MAX:,} in size)" if type_ == "integer" and re.fullmatch(INTEGER, str(value))
                   else f"is not a valid {type_}; expected {TYPE_EXAMPLES.get(type_, type_)}")
            problems.append(Problem(file, _row(i), name, "type-error", value, why))
    return problems


def key_problems(file: str, text: pd.DataFrame, schema: dict) -> list[Problem]:
    """Repeated primary keys (after their first row, as Frictionless reports them) and unique-constraint breaches."""
    problems = []
    pk = schema.get("primaryKey", [])
    keys = [("primary-key", pk)] if pk and all(k in text.columns for k in pk) else []
    keys += [("unique-error", [f["name"]]) for f in schema["fields"]
             if f.get("constraints", {}).get("unique") and [f["name"]] != pk and f["name"] in text.columns]
    for rule, fields in keys:
        present = text[fields].notna().all(axis=1)
        repeated = text[fields].duplicated(keep=False) & present
        if not repeated.any():
            continue
        first = text[repeated].reset_index().groupby(fields, dropna=True)["index"].transform("min")
        first.index = text.index[repeated.to_numpy()]
        for i in text.index[(text[fields].duplicated(keep="first") & present).to_numpy()]:
            problems.append(Problem(file, _row(i), ", ".join(fields), rule, ", ".join(str(text.at[i, f]) for f in fields),
                                    f"repeats the {'primary key' if rule == 'primary-key' else 'unique value'} of row {_row(first[i])}"))
    return problems


def foreign_key_problems(name: str, files: dict, tables: dict, schemas: dict) -> list[Problem]:
    problems = []
    frame = tables[name]
    for fk in schemas[name].get("foreignKeys", []):
        fields = fk["fields"] if isinstance(fk["fields"], list) else [fk["fields"]]
        ref = fk["reference"]
        target = ref.get("resource") or name
        ref_fields = ref["fields"] if isinstance(ref["fields"], list) else [ref["fields"]]
        if target not in tables or any(f not in frame.columns for f in fields) or any(f not in tables[target].columns for f in ref_fields):
            continue
        present = frame[fields].notna().all(axis=1)
        if len(fields) == 1:  # the common case, without building tuples
            known = tables[target][ref_fields[0]].dropna().unique()
            missing = present & ~frame[fields[0]].isin(known)
        else:
            keys = pd.MultiIndex.from_frame(tables[target][ref_fields].dropna().astype(object))
            missing = present & ~pd.MultiIndex.from_frame(frame[fields].astype(object)).isin(keys)
        for i in frame.index[missing.to_numpy()]:
            value = ", ".join(str(frame.at[i, f]) for f in fields)
            problems.append(Problem(files[name], _row(i), ", ".join(fields), "foreign-key", value,
                                    f"not found in {files[target]} column {', '.join(ref_fields)}; "
                                    f"add it there or correct this reference"))
    return problems
