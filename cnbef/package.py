"""Reading the package: descriptor, Table Schemas and tables.

Tables are read as text first (codes stay strings, "NA" stays text, only "" is
missing, as in Frictionless) and then typed from their Table Schema, so the
schema is the one place that says what a column holds.
"""
from __future__ import annotations

import csv
import json
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

DESCRIPTOR = "datapackage.json"


class UsageError(Exception):
    """The package cannot be read at all (missing or malformed descriptor)."""


def read_descriptor(package_dir: Path) -> dict:
    path = Path(package_dir) / DESCRIPTOR
    if not path.is_file():
        raise UsageError(f"{path}: no {DESCRIPTOR} here; give the folder that holds the package")
    try:
        descriptor = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise UsageError(f"{path}: not valid UTF-8 JSON ({exc})") from exc
    if not isinstance(descriptor.get("resources"), list):
        raise UsageError(f"{path}: has no list of resources")
    return descriptor


def resource_schema(package_dir: Path, resource: dict) -> dict:
    schema = resource.get("schema")
    if isinstance(schema, str):
        schema = json.loads((Path(package_dir) / schema).read_text(encoding="utf-8"))
    return schema or {"fields": []}


def read_csv_cells(path: Path) -> tuple[pd.DataFrame, list[tuple[int, int, int, str]]]:
    """The table as text ("" is missing), and its rows whose cell count differs from the header's.

    Each odd row is (spreadsheet row, cells expected, cells found, its text). pyarrow reads the common
    case on every core; a file with odd rows is read again by pandas' Python engine, which
    keeps them in place (cut to the header's width, or padded with missing cells), so that
    every other row keeps its row number.
    """
    with open(path, encoding="utf-8-sig", newline="") as fh:
        header = next(csv.reader(fh), [])
    odd = []

    def collect(row):
        odd.append((row.number, row.expected_columns, row.actual_columns, row.text))
        return "skip"

    def arrow(threads: bool) -> pa.Table:
        return pacsv.read_csv(path, read_options=pacsv.ReadOptions(use_threads=threads),
                              parse_options=pacsv.ParseOptions(invalid_row_handler=collect, ignore_empty_lines=False),
                              convert_options=pacsv.ConvertOptions(column_types={h: pa.string() for h in header},
                                                                   strings_can_be_null=True))

    if header and len(set(header)) == len(header):
        table = arrow(threads=True)
        if not odd:
            return table.to_pandas(), []
        odd.clear()
        arrow(threads=False)  # only a single-threaded read numbers the odd rows
    frame = pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""], encoding="utf-8-sig",
                        skip_blank_lines=False, engine="python", on_bad_lines=lambda cells: cells[:len(header)])
    return frame, sorted(odd)


def read_text_table(path: Path) -> pd.DataFrame:
    return read_csv_cells(path)[0]


def _boolean(field: dict, col: pd.Series) -> pd.Series:
    true = field.get("trueValues", ["true", "True", "TRUE", "1"])
    false = field.get("falseValues", ["false", "False", "FALSE", "0"])
    mapping = {**{v: True for v in true}, **{v: False for v in false}}
    return col.map(mapping).astype("boolean")


# Table Schema type -> tolerant converter: a cell that does not parse becomes NA
# (the type check reports it), so one bad cell cannot stop the other rows' checks.
CONVERTERS = {
    "string": lambda f, c: c.astype("string"),
    # Table Schema's integer is digits with an optional sign: 1.8E+04 or 18329.0 are not integers.
    "integer": lambda f, c: pd.to_numeric(c.where(c.str.fullmatch(r"[+-]?[0-9]+").fillna(False).astype(bool)),
                                          errors="coerce").astype("Int64"),
    "number": lambda f, c: pd.to_numeric(c, errors="coerce").astype("Float64"),
    "boolean": _boolean,
    "date": lambda f, c: pd.to_datetime(c, format="%Y-%m-%d", errors="coerce"),
}


def typed(frame: pd.DataFrame, schema: dict) -> pd.DataFrame:
    """The text table with each column converted to the type its Table Schema declares."""
    out = frame.copy()
    for field in schema.get("fields", []):
        name = field["name"]
        if name in out.columns:
            convert = CONVERTERS.get(field.get("type", "string"), CONVERTERS["string"])
            out[name] = convert(field, out[name])
    return out


def lookup(keys: pd.Series, table: pd.DataFrame, key: str, field: str) -> pd.Series:
    """``table[field]`` for each of ``keys``, matched on ``table[key]``.

    A duplicated key (reported by the primary-key check) uses its first row, so one
    duplicate cannot stop the rules that look values up through it.
    """
    index = table if key is None else table.set_index(key)
    column = index[field]
    return keys.map(column[~column.index.duplicated()])
