"""Pandera schemas generated from the package's declarations, for checking typed frames.

    import cnbef
    tables = cnbef.load(validate=True)                   # raises LoadError naming file, row, column and rule
    from cnbef.validation.pandera_schemas import schemas
    schemas()["facts"].validate(my_facts, lazy=True)     # your own frame, typed as cnbef.load() types it

Each schema holds, generated and never restated:
- the columns from Pandera's own Frictionless support (``from_frictionless_schema``: required, unique,
  primary key, minimum, maximum, minLength, maxLength, enum), with the two constraints it lacks
  (exclusiveMinimum, exclusiveMaximum) and ``pattern`` as a full match, as Frictionless reads it;
- each foreign key as an ``isin`` check named ``foreign-key`` against the referenced table's keys;
- the semantic rules that are queries in the validator (unit_dimension, value_range, whole_number,
  period_order) as native pandas checks named after the rule, with their parameters read from the tables.

What Pandera does not check: the bytes and encoding of the files, their CSV structure and header, cell
hygiene (invisible characters, formulas, NFC), a cell that does not type (it is missing in a typed frame,
so only a required column notices), the semantic rules that need Python (rules.py), the derived table and
everything against the source texts. ``cnbef validate`` checks all of them.
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from cnbef.package.tables import lookup, read_descriptor, read_text_table, resource_schema, table_files, typed


def _pandera():
    import warnings

    with warnings.catch_warnings():  # pandera imports pyspark.pandas when pyspark is installed, which warns about pandas 3
        warnings.simplefilter("ignore", FutureWarning)
        import pandera.io.pandas_io  # noqa: F401 (imported here, where its warning is silenced)
        import pandera.pandas as pa
    return pa


# The Table Schema constraints Pandera's Frictionless support leaves out or reads differently, as checks.
EXTRA_CHECKS = {
    "exclusiveMinimum": lambda pa, v: pa.Check.gt(v, error="exclusiveMinimum"),
    "exclusiveMaximum": lambda pa, v: pa.Check.lt(v, error="exclusiveMaximum"),
    "pattern": lambda pa, v: pa.Check.str_matches(rf"(?:{v})\Z", error="pattern"),  # Pandera's own is ^p$: not for a|b
}


def _kinds_of_facts(facts: pd.DataFrame, tables: dict) -> pd.DataFrame:
    """Each fact's unit dimension and multiplier, and its measure kind's dimension, range and wholeness."""
    units = tables["units"].set_index("unit_id")
    kinds = tables["measure_kinds"].set_index("kind_id")
    kind_id = lookup(facts["measure_id"], tables["measures"], "measure_id", "kind_id")
    out = lookup(facts["unit_id"], units, None, ["dimension", "multiplier"]).rename(columns={"dimension": "unit_dimension"})
    out[["kind_dimension", "min_value", "min_inclusive", "max_value", "whole_number"]] = lookup(
        kind_id, kinds, None, ["dimension", "min_value", "min_inclusive", "max_value", "whole_number"])
    out["base_value"] = facts["value"] * out["multiplier"]
    return out


def _breaks(condition: pd.Series) -> pd.Series:
    """True where a row passes: the rule's condition for failing is not met (missing is no failure)."""
    return ~condition.fillna(False).astype(bool)


def _unit_dimension(facts: pd.DataFrame, tables: dict) -> pd.Series:
    k = _kinds_of_facts(facts, tables)
    return _breaks(k["unit_dimension"].notna() & k["kind_dimension"].notna()
                   & (k["unit_dimension"].astype("string") != k["kind_dimension"].astype("string")))


def _value_range(facts: pd.DataFrame, tables: dict) -> pd.Series:
    k = _kinds_of_facts(facts, tables)
    v, low, high = k["base_value"], k["min_value"], k["max_value"]
    exclusive = ~k["min_inclusive"].fillna(True).astype(bool)
    return _breaks((low.notna() & ((v < low) | (exclusive & (v == low)))) | (high.notna() & (v > high)))


def _whole_number(facts: pd.DataFrame, tables: dict) -> pd.Series:
    k = _kinds_of_facts(facts, tables)
    return _breaks(k["whole_number"].fillna(False).astype(bool) & (k["base_value"] % 1 != 0))


# rule: (tables it needs, pass/fail per fact); the same rules as sqlchecks.SEMANTIC, written for pandas.
SEMANTIC_CHECKS = {
    "unit_dimension": (("units", "measures", "measure_kinds"), _unit_dimension),
    "value_range": (("units", "measures", "measure_kinds"), _value_range),
    "whole_number": (("units", "measures", "measure_kinds"), _whole_number),
    "period_order": ((), lambda facts, tables: _breaks(facts["period_start"] > facts["period_end"])),
}


def _semantic_checks(pa, table: str, tables: dict) -> list:
    if table != "facts":
        return []
    return [pa.Check(lambda f, passes=passes: passes(f, tables), name=rule)
            for rule, (needs, passes) in SEMANTIC_CHECKS.items() if all(n in tables for n in needs)]


def _references(name: str, schema: dict, tables: dict, resources: dict) -> dict[str, list]:
    """{column: [the keys of the referenced table]} of the table's single-column foreign keys."""
    out = {}
    for fk in schema.get("foreignKeys", []):
        fields = fk["fields"] if isinstance(fk["fields"], list) else [fk["fields"]]
        ref = fk["reference"]
        ref_fields = ref["fields"] if isinstance(ref["fields"], list) else [ref["fields"]]
        target = ref.get("resource") or name
        if len(fields) == 1 and target in tables and target in resources:
            out.setdefault(fields[0], []).append(tables[target][ref_fields[0]].dropna().unique().tolist())
    return out


def table_schema(pa, name: str, schema: dict, tables: dict, resources: dict):
    """The DataFrameSchema of one table (primary key as a column)."""
    from pandera.io.pandas_io import from_frictionless_schema

    pk = schema.get("primaryKey") or []
    pk = [pk] if isinstance(pk, str) else pk
    base = from_frictionless_schema({**schema, "fields": [{**f, "constraints": {k: v for k, v in f.get("constraints", {}).items()
                                                                                 if k not in EXTRA_CHECKS}}
                                                          for f in schema["fields"]]})
    references = _references(name, schema, tables, resources)
    columns = {}
    for field in schema["fields"]:
        column = base.columns[field["name"]]
        c = field.get("constraints", {})
        extra = [build(pa, c[k]) for k, build in EXTRA_CHECKS.items() if k in c]
        extra += [pa.Check.isin(keys, error="foreign-key") for keys in references.get(field["name"], [])]
        column = column.set_checks(list(column.checks) + extra)
        if field.get("type") == "boolean" and column.nullable:  # Frictionless support gives numpy's bool, which holds no missing value
            column.dtype = "boolean"
        column.report_duplicates = "exclude_first"  # the second row of a repeated key is the wrong one, as the validator says
        if len(pk) > 1 and field["name"] in pk:  # a column of a composite key need not be unique alone
            column.unique = False
        columns[field["name"]] = column
    return pa.DataFrameSchema(columns, strict=False, coerce=True, name=name,
                              unique=pk if len(pk) > 1 else None, report_duplicates="exclude_first",
                              checks=_semantic_checks(pa, name, tables))


def schemas(package_dir: Path | str | None = None, tables: dict[str, pd.DataFrame] | None = None) -> dict:
    """A Pandera DataFrameSchema for every table of the package (the installed one by default).

    ``tables`` (typed frames, primary keys as columns) gives the reference tables for the foreign
    keys and the semantic rules, and the schemas are those of these tables; by default every table is
    read from the package.
    """
    from cnbef.package.installed import package_dir as installed

    pa = _pandera()
    package_dir = Path(package_dir or installed())
    resources = {r["name"]: r for r in read_descriptor(package_dir)["resources"]}
    declared = {name: resource_schema(package_dir, r) for name, r in resources.items()}
    if tables is None:
        tables = {name: typed(read_text_table(table_files(package_dir, r)), declared[name]) for name, r in resources.items()}
    return {name: table_schema(pa, name, schema, tables, resources) for name, schema in declared.items() if name in tables}


# The validator's rules the schemas hold; every other rule of the registry is cnbef validate's alone.
RULES_HELD = ("constraint-error", "primary-key", "unique-error", "foreign-key", *SEMANTIC_CHECKS)


def rules_not_held() -> list[str]:
    from cnbef.validation.registry import REGISTRY

    return [name for name in REGISTRY if name not in RULES_HELD]


# Pandera's name of a failed check -> the validator's rule
RULE_OF_CHECK = {"not_nullable": "constraint-error", "field_uniqueness": "unique-error", "multiple_fields_uniqueness": "primary-key",
                 "foreign-key": "foreign-key", **{r: r for r in SEMANTIC_CHECKS}}


def failures(schema, frame: pd.DataFrame, file: str, primary_key: list[str]) -> list[tuple[str, int, str, str]]:
    """(file, spreadsheet row, column, rule) of every cell or row the schema rejects; the frame's index is
    the spreadsheet row - 2, as the package's readers number it."""
    from pandera.errors import SchemaErrors

    import warnings

    try:
        with warnings.catch_warnings():  # Pandera loads its backends, pyspark.pandas among them, at the first validate
            warnings.filterwarnings("ignore", message="PySpark does not yet fully support pandas", category=FutureWarning)
            schema.validate(frame, lazy=True)
        return []
    except SchemaErrors as errors:
        cases = errors.failure_cases
    out = set()
    for column, check, index in cases[["column", "check", "index"]].itertuples(index=False):
        if index is None or pd.isna(index):
            continue
        check = str(check).split("(")[0]
        rule = RULE_OF_CHECK.get(check, "constraint-error")
        if check in SEMANTIC_CHECKS:  # a check of the whole row: Pandera lists it under every column
            column = None
        if rule == "unique-error" and [column] == primary_key:
            rule = "primary-key"
        out.add((file, int(index) + 2, None if column == schema.name or pd.isna(column) else str(column), rule))
    return sorted(out, key=lambda f: (f[0], f[1], f[2] or "", f[3]))



def loaded_failures(package_dir: Path | str, tables: dict[str, pd.DataFrame]) -> list[tuple[str, int, str | None, str]]:
    """(file, row, column, rule) the schemas reject in the frames cnbef.load() gives (primary keys as the index)."""
    package_dir = Path(package_dir)
    resources = {r["name"]: r for r in read_descriptor(package_dir)["resources"]}
    frames = {name: frame.reset_index() if frame.index.name else frame for name, frame in tables.items()}
    found = []
    for name, schema in schemas(package_dir, frames).items():
        declared = resource_schema(package_dir, resources[name])
        found += failures(schema, frames[name], resources[name]["path"], declared.get("primaryKey"))
    return found
