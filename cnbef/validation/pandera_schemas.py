"""Pandera schemas generated from the package's declarations, for checking your own frames.

    import cnbef
    from cnbef.validation.pandera_schemas import schemas
    checks = schemas()                                   # one DataFrameSchema per table
    checks["facts"].validate(my_facts, lazy=True)        # columns as cnbef.load() types them

Each schema holds, generated and never restated:
- from the Table Schema: required and key columns not null, every constraint of
  ``sqlchecks.CONSTRAINTS`` (pattern, enum, minimum, maximum, exclusive bounds, lengths), unique fields, the primary key, and each foreign key as an ``isin`` check
  against the referenced table's keys (from the package you name);
- from ``sqlchecks.SEMANTIC``: the unit dimension, value range, whole-number and period-order
  rules, each a dataframe check that runs the rule's own query over the frame (with DuckDB),
  so a row fails here exactly when it fails in the validator.

The frames are typed (a cell that did not type is missing): type errors in the text are the
loader's and the validator's to report. The primary key is a column here: pass
``cnbef.load()[name].reset_index()``.
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from cnbef.validation.checks import sqlchecks
from cnbef.package.tables import read_descriptor, read_text_table, resource_paths, resource_schema, table_files, typed


def _pandera():
    import warnings

    with warnings.catch_warnings():  # pandera imports pyspark.pandas when pyspark is installed, which warns about pandas 3
        warnings.simplefilter("ignore", FutureWarning)
        import pandera.pandas as pa
    return pa


# Each Table Schema constraint of sqlchecks.CONSTRAINTS as a Pandera check (with the same message).
PANDERA_CHECKS = {
    "pattern": lambda pa, v: lambda **kw: pa.Check.str_matches(rf"(?:{v})\Z", **kw),
    "enum": lambda pa, v: lambda **kw: pa.Check.isin(v, **kw),
    "minimum": lambda pa, v: lambda **kw: pa.Check.ge(v, **kw),
    "maximum": lambda pa, v: lambda **kw: pa.Check.le(v, **kw),
    "exclusiveMinimum": lambda pa, v: lambda **kw: pa.Check.gt(v, **kw),
    "exclusiveMaximum": lambda pa, v: lambda **kw: pa.Check.lt(v, **kw),
    "minLength": lambda pa, v: lambda **kw: pa.Check.str_length(min_value=v, **kw),
    "maxLength": lambda pa, v: lambda **kw: pa.Check.str_length(max_value=v, **kw),
}


def _column_checks(pa, field: dict, references: list) -> list:
    c = field.get("constraints", {})
    checks = [build(pa, c[name])(error=f"{name}|{sqlchecks.CONSTRAINTS[name][1](c[name])}")
              for name, build in PANDERA_CHECKS.items() if name in c]
    for target, file, ref_field, keys in references:
        checks.append(pa.Check.isin(keys, error=f"foreign-key|not found in {file} column {ref_field}"))
    return checks


def _semantic_check(pa, rule, table: str, lookups: dict[str, pd.DataFrame], keys: dict[str, list]):
    """A dataframe check that runs the rule's query over the frame: True where the row passes."""
    def passes(frame: pd.DataFrame) -> pd.Series:
        from cnbef.validation.engines import DuckDB

        engine = DuckDB()
        try:
            for name, lookup in {**lookups, table: frame}.items():
                engine.register_typed(name, lookup, keys.get(name))
            failing = {int(r["_row"]) - 2 for r in engine.rows(rule.sql)}
        finally:
            engine.close()
        return pd.Series([i not in failing for i in range(len(frame))], index=frame.index)
    return pa.Check(passes, name=rule.rule, error=f"{rule.rule}|{rule.rule} (see the validator's message for this row)")


def _fields(fk) -> tuple[list, list, str]:
    fields = fk["fields"] if isinstance(fk["fields"], list) else [fk["fields"]]
    ref = fk["reference"]
    return fields, ref["fields"] if isinstance(ref["fields"], list) else [ref["fields"]], ref.get("resource", "")


def schemas(package_dir: Path | str | None = None, tables: dict[str, pd.DataFrame] | None = None) -> dict:
    """A Pandera DataFrameSchema for every table of the package (the installed one by default).

    ``tables`` (typed frames, primary keys as columns) gives the reference tables for the foreign
    keys and the semantic rules; by default they are read from the package.
    """
    from cnbef.package.installed import package_dir as installed

    pa = _pandera()
    package_dir = Path(package_dir or installed())
    resources = {r["name"]: r for r in read_descriptor(package_dir)["resources"]}
    declared = {name: resource_schema(package_dir, r) for name, r in resources.items()}
    if tables is None:
        tables = {name: typed(read_text_table(table_files(package_dir, r)), declared[name]) for name, r in resources.items()}
    primary_keys = {name: schema.get("primaryKey") for name, schema in declared.items()}
    out = {}
    for name, schema in declared.items():
        pk = schema.get("primaryKey", [])
        references = {}
        for fk in schema.get("foreignKeys", []):
            fields, ref_fields, target = _fields(fk)
            target = target or name
            if len(fields) == 1 and target in tables:
                keys = tables[target][ref_fields[0]].dropna().unique().tolist()
                references.setdefault(fields[0], []).append((target, ", ".join(resource_paths(resources[target])), ref_fields[0], keys))
        columns = {}
        for field in schema["fields"]:
            c = field.get("constraints", {})
            columns[field["name"]] = pa.Column(nullable=not (c.get("required") or field["name"] in pk),
                                               unique=bool(c.get("unique")) and [field["name"]] != pk,
                                               checks=_column_checks(pa, field, references.get(field["name"], [])),
                                               required=False, coerce=False)
        rules = [r for r in sqlchecks.SEMANTIC if r.table == name and all(n in tables for n in r.needs)]
        lookups = {n: tables[n] for r in rules for n in r.needs if n != name}
        out[name] = pa.DataFrameSchema(columns, strict=False, unique=pk or None, report_duplicates="exclude_first",
                                       checks=[_semantic_check(pa, r, name, lookups, primary_keys) for r in rules],
                                       name=name, description=f"generated from {resources[name].get('schema')}")
    return out
