"""Reading the package: descriptor, Table Schemas and tables.

Tables are read as text first (codes stay strings, "NA" stays text, only "" is
missing, as in Frictionless) and then typed from their Table Schema, so the
schema is the one place that says what a column holds.
"""
from __future__ import annotations

import csv
import json
import re
from pathlib import Path
from urllib.parse import urlparse

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

DESCRIPTOR = "datapackage.json"


class UsageError(Exception):
    """The package cannot be read at all (missing or malformed descriptor)."""


class DescriptorError(UsageError):
    """datapackage.json is there but cannot be parsed: a problem of the package, reported as such."""


# Where cnbef add stages a change, and the journal that says a change is being moved into place.
PENDING = ".cnbef-pending"
JOURNAL = f"{PENDING}/journal.json"


def read_descriptor(package_dir: Path):
    """The parsed datapackage.json; whether it is a valid descriptor is the contract's question (contract.py)."""
    path = Path(package_dir) / DESCRIPTOR
    if not path.is_file():
        raise UsageError(f"{path}: no {DESCRIPTOR} here; give the folder that holds the package")
    raw = path.read_bytes()
    if raw.startswith(b"\xef\xbb\xbf"):
        raise DescriptorError(f"{path}: starts with a UTF-8 byte-order mark (BOM); save it as UTF-8 without one")
    if not raw.strip():
        raise DescriptorError(f"{path}: is empty; it must hold the package's JSON object")
    try:
        return json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise DescriptorError(f"{path}: is not UTF-8 (byte {exc.start}); save it as UTF-8") from None
    except json.JSONDecodeError as exc:
        raise DescriptorError(f"{path}: is not valid JSON at line {exc.lineno}, column {exc.colno} ({exc.msg}); "
                              f"look for a trailing comma, a missing quote or a cut-off end") from None


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

    # Arrow reads in blocks (1 MB by default) and refuses a cell longer than a block: such a file,
    # valid CSV, is read again with one block as large as the file.
    def arrow(threads: bool) -> pa.Table:
        try:
            return _read(pacsv.ReadOptions(use_threads=threads))
        except pa.ArrowInvalid as exc:
            if "straddl" not in str(exc):
                raise
            return _read(pacsv.ReadOptions(use_threads=threads, block_size=min(Path(path).stat().st_size + 1, 2**31 - 1)))

    def _read(options) -> pa.Table:
        return pacsv.read_csv(path, read_options=options,
                              parse_options=pacsv.ParseOptions(invalid_row_handler=collect, ignore_empty_lines=False),
                              # only "" is missing, as in Frictionless: Arrow would also read "NA", "NaN" and "null" as missing
                              convert_options=pacsv.ConvertOptions(column_types={h: pa.large_string() for h in header},
                                                                   strings_can_be_null=True, null_values=[""]))

    if header and len(set(header)) == len(header):
        table = arrow(threads=True)
        if not odd:
            return table.to_pandas(), []
        odd.clear()
        arrow(threads=False)  # only a single-threaded read numbers the odd rows
    # index_col=False: when every row has one cell more than the header, pandas would take the first column as the index
    frame = pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""], encoding="utf-8-sig", index_col=False,
                        skip_blank_lines=False, engine="python", on_bad_lines=lambda cells: cells[:len(header)])
    return frame, sorted(odd)


# A multi-part table (a resource whose "path" is a list, as Frictionless allows) is read as one table;
# the row of part k (counted from 0) at spreadsheet row r is numbered k * ROW_SPAN + r, so every
# rule sees one table and the report can still name the part and the row in it (validate.relocate).
ROW_SPAN = 10**12


def resource_paths(resource) -> list:
    """The files of a resource in order: its path, or the parts of a multi-part resource."""
    path = resource.get("path") if isinstance(resource, dict) else None
    return list(path) if isinstance(path, list) else [path]


def table_files(package_dir: Path, resource: dict) -> list[Path]:
    return [Path(package_dir) / p for p in resource_paths(resource)]


def read_text_table(paths: Path | list[Path]) -> pd.DataFrame:
    """The table as text; a multi-part table's parts one after the other (numbered 0..n-1)."""
    if not isinstance(paths, (list, tuple)):
        return read_csv_cells(paths)[0]
    frames = [read_csv_cells(p)[0] for p in paths]
    return frames[0] if len(frames) == 1 else pd.concat(frames, ignore_index=True)


# Lexical forms of Table Schema types; a cell that does not match is missing after typing
# (the type check reports it), so one bad cell cannot stop the other rows' checks.
NUMBER = r"^[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$"
INTEGER = r"^[+-]?[0-9]+$"
DATE = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
_PANDAS = {pa.float64(): pd.Float64Dtype(), pa.int64(): pd.Int64Dtype(), pa.bool_(): pd.BooleanDtype()}


def arrow_strings(col: pd.Series) -> pa.ChunkedArray | pa.Array:
    """The column as Arrow strings: zero-copy for the Arrow-backed text columns the reader makes."""
    array = pa.array(col, from_pandas=True)
    return array if pa.types.is_string(array.type) or pa.types.is_large_string(array.type) else array.cast(pa.string())


def _series(array, like: pd.Series) -> pd.Series:
    # positional: the frame's index need not be 0..n-1 (a batch of rows keeps its spreadsheet rows)
    values = array.to_pandas(types_mapper=_PANDAS.get)
    return pd.Series(values.array if isinstance(values, pd.Series) else values, index=like.index, name=like.name)


def _cast(col: pd.Series, pattern: str, target: pa.DataType) -> pd.Series:
    """Cells of the lexical form cast with Arrow (vectorized); the others become missing.

    A cell of the right form that the type cannot hold (a 20-digit integer) becomes missing too,
    and its type check reports it.
    """
    text = arrow_strings(col)
    wellformed = pc.if_else(pc.match_substring_regex(text, pattern), text, pa.scalar(None, text.type))
    if pc.any(pc.starts_with(wellformed, "+")).as_py():  # Arrow casts +3 to a number but not to an integer
        wellformed = pc.replace_substring_regex(wellformed, r"^\+", "")
    try:
        return _series(pc.cast(wellformed, target), col)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return _series(pa.array([_cast_one(v, target) for v in wellformed.to_pylist()], target), col)


def _cast_one(value, target: pa.DataType):
    try:
        return pa.scalar(value, pa.string()).cast(target).as_py() if value is not None else None
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None


def _date(field: dict, col: pd.Series) -> pd.Series:
    # Each distinct cell is parsed once: a million facts have a few hundred periods.
    text = arrow_strings(col)
    distinct = pc.unique(text)
    wellformed = pc.if_else(pc.match_substring_regex(distinct, DATE), distinct, pa.scalar(None, distinct.type))
    parsed = pc.strptime(wellformed, format="%Y-%m-%d", unit="s", error_is_null=True)
    # Arrow rolls 2022-02-30 over to 2022-03-02: the day must read back as written, else it is missing.
    same = pc.equal(pc.day(parsed), pc.cast(pc.utf8_slice_codeunits(wellformed, 8, 10), pa.int64()))
    return _series(pc.if_else(same, parsed, pa.scalar(None, parsed.type)).take(pc.index_in(text, distinct)), col)


def _boolean(field: dict, col: pd.Series) -> pd.Series:
    text = arrow_strings(col)
    true = pa.array(field.get("trueValues", ["true", "True", "TRUE", "1"]), text.type)
    false = pa.array(field.get("falseValues", ["false", "False", "FALSE", "0"]), text.type)
    none = pa.scalar(None, pa.bool_())
    return _series(pc.if_else(pc.is_in(text, true), True, pc.if_else(pc.is_in(text, false), False, none)), col)


def number_column(col: pd.Series) -> pd.Series:
    """Cells written as Table Schema numbers, as Float64; anything else is missing."""
    return _cast(col, NUMBER, pa.float64())


CONVERTERS = {
    "string": lambda f, c: c,
    "integer": lambda f, c: _cast(c, INTEGER, pa.int64()),
    "number": lambda f, c: _cast(c, NUMBER, pa.float64()),
    "boolean": _boolean,
    "date": _date,
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


def lookup(keys: pd.Series, table: pd.DataFrame, key: str | None, field: str | list[str]) -> pd.Series | pd.DataFrame:
    """``table[field]`` for each of ``keys``, matched on ``table[key]`` (or on its index when key is None).

    With a list of fields, a frame of them. A duplicated key (reported by the primary-key check)
    uses its first row, so one duplicate cannot stop the rules that look values up through it.
    Keys are factorized once: a million facts name only a few hundred units or measures.
    """
    index = table if key is None else table.set_index(key)
    index = index[~index.index.duplicated()]
    codes, uniques = pd.factorize(keys)
    names = [field] if isinstance(field, str) else list(field)
    found = index.reindex(pd.Index(uniques))[names]
    out = pd.DataFrame(index=keys.index)
    for n in names:  # one column at a time: a frame made from a dict stacks columns of one type, a copy (1M rows: 0.2 s)
        out[n] = found[n].array.take(codes, allow_fill=True)
    return out[field] if isinstance(field, str) else out


def unsafe_path(path) -> str | None:
    """Why a descriptor path may not be followed, or None when it is a relative path inside the package."""
    if not isinstance(path, str) or not path:
        return "is not a file path"
    if urlparse(path).scheme or path.startswith("//"):
        return "is a URL; nothing is fetched over the network: keep tables and schemas inside the package"
    p = Path(path)
    if p.is_absolute() or path.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:", path):
        return "is an absolute path; use a path relative to the package folder"
    if ".." in p.parts or "\\.." in path or "..\\" in path:
        return "leaves the package folder (..); keep tables and schemas inside it"
    return None


def unsafe_paths(value) -> str | None:
    """unsafe_path of a resource's path: one path, or the list of a multi-part table's parts."""
    if isinstance(value, list):
        if not value:
            return "is an empty list of parts"
        return next((f"has a part that {why}" for part in value if (why := unsafe_path(part))), None)
    return unsafe_path(value)


def header_of(path: Path) -> list[str]:
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return next(csv.reader(fh), [])
