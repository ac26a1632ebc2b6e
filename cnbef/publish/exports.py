"""Exports of the package to SQLite, Parquet and Excel, derived from the Table Schemas.

Nothing here names a table or a field: column types, keys and descriptions are read
from datapackage.json and schemas/*.json, so a schema change reaches every export.

A package that does not pass the validator is not exported (ExportError lists its
problems): an export never carries a cell that failed to parse, a broken key or a
missing value that the CSV did not have.
"""
from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
from openpyxl import Workbook
from openpyxl.styles import Font

from cnbef.package.tables import read_descriptor, read_text_table, resource_schema, table_files, typed
from cnbef.validation.validate import validate_package

METADATA_TABLE = "_metadata"
README_SHEET = "README"
XLSX_SHEET_NAME_MAX = 31  # Excel's limit; a sheet must carry its resource's name unchanged

# Table Schema type -> plain Python value (from a typed pandas cell), SQLite column type, Arrow type.
PYTHON = {"string": str, "integer": int, "number": float, "boolean": bool, "date": lambda v: v.date()}
SQLITE = {"string": "TEXT", "integer": "INTEGER", "number": "REAL", "boolean": "INTEGER", "date": "TEXT"}
ARROW = {"string": pa.string(), "integer": pa.int64(), "number": pa.float64(), "boolean": pa.bool_(),
         "date": pa.date32()}
# SQLite has no boolean or date type: 0/1 and ISO 8601 text are its documented conventions.
TO_SQLITE = {"boolean": int, "date": lambda v: v.isoformat()}
# "@" keeps a code such as 411100 text when someone edits the cell in Excel or WPS.
XLSX_FORMAT = {"string": "@", "date": "yyyy-mm-dd"}


class ExportError(Exception):
    """The data cannot be exported faithfully; the message lists every problem found."""


def _as_list(value) -> list[str]:
    # Table Schema allows a single field name where a list of names is meant.
    return [value] if isinstance(value, str) else list(value or [])


@dataclass
class Table:
    """One resource: its descriptor entry, its Table Schema and its columns as plain Python values."""
    resource: dict
    schema: dict
    columns: dict[str, list]  # field name -> values in CSV row order, None where the cell is empty

    @property
    def name(self) -> str:
        return self.resource["name"]

    @property
    def fields(self) -> list[dict]:
        return self.schema.get("fields", [])

    @property
    def primary_key(self) -> list[str]:
        return _as_list(self.schema.get("primaryKey"))

    def foreign_keys(self) -> list[tuple[list[str], str, list[str]]]:
        """(fields, referenced resource, referenced fields); an empty resource means this table itself."""
        return [(_as_list(fk["fields"]), fk["reference"].get("resource") or self.name,
                 _as_list(fk["reference"]["fields"])) for fk in self.schema.get("foreignKeys", [])]

    def rows(self) -> list[tuple]:
        return list(zip(*self.columns.values()))


def _read_table(package_dir: Path, resource: dict) -> Table:
    schema = resource_schema(package_dir, resource)
    frame = typed(read_text_table(table_files(package_dir, resource)), schema)
    columns = {f["name"]: [None if pd.isna(v) else PYTHON[f.get("type", "string")](v) for v in frame[f["name"]]]
               for f in schema.get("fields", [])}
    return Table(resource, schema, columns)


def _dependency_order(tables: dict[str, Table]) -> list[Table]:
    """Each table after the tables it references (self-references aside), else in descriptor order."""
    order: list[Table] = []

    def visit(table: Table, path: tuple[str, ...]) -> None:
        if any(done.name == table.name for done in order):
            return
        if table.name in path:
            raise ExportError(f"foreign keys form a cycle: {' -> '.join(path + (table.name,))}")
        for _, parent, _ in table.foreign_keys():
            if parent != table.name:
                visit(tables[parent], path + (table.name,))
        order.append(table)

    for table in tables.values():
        visit(table, ())
    return order


def read_tables(package_dir: Path) -> dict[str, Table]:
    """Every resource typed from its schema, in descriptor order; a package with problems is not exported."""
    package_dir = Path(package_dir)
    report = validate_package(package_dir)
    if not report.valid:
        shown = "\n  ".join(p.as_text() for p in report.problems[:20])
        raise ExportError(f"not exported: {len(report.problems)} problems (run scripts/validate.py):\n  {shown}")
    return {r["name"]: _read_table(package_dir, r) for r in read_descriptor(package_dir)["resources"]}


# --- SQLite -----------------------------------------------------------------------------------

def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _cols(names: list[str]) -> str:
    return ", ".join(map(_q, names))


def _ddl(table: Table) -> list[str]:
    lines = []
    for field in table.fields:
        constraints = field.get("constraints", {})
        line = f"{_q(field['name'])} {SQLITE[field['type']]}"
        line += " NOT NULL" if constraints.get("required") else ""
        line += " UNIQUE" if constraints.get("unique") and table.primary_key != [field["name"]] else ""
        lines.append(line)
    if table.primary_key:
        lines.append(f"PRIMARY KEY ({_cols(table.primary_key)})")
    for fields, parent, ref in table.foreign_keys():
        # Deferred to COMMIT: a self-referencing table (a region's parent, a unit's base unit)
        # may list a row before the row it points to.
        lines.append(f"FOREIGN KEY ({_cols(fields)}) REFERENCES {_q(parent)} ({_cols(ref)}) "
                     "DEFERRABLE INITIALLY DEFERRED")
    statements = [f"CREATE TABLE {_q(table.name)} (\n  " + ",\n  ".join(lines) + "\n)"]
    statements += [f"CREATE INDEX {_q('idx_' + table.name + '__' + '__'.join(fields))} "
                   f"ON {_q(table.name)} ({_cols(fields)})" for fields, _, _ in table.foreign_keys()]
    return statements


def _sqlite_rows(table: Table) -> list[tuple]:
    converters = [TO_SQLITE.get(f["type"], lambda v: v) for f in table.fields]
    return [tuple(None if v is None else c(v) for c, v in zip(converters, row)) for row in table.rows()]


def _metadata_rows(table: Table) -> list[tuple]:
    # A row with column NULL describes the table itself; resources have a Chinese title, not a description_zh.
    resource = table.resource
    rows = [(table.name, None, resource.get("description") or table.schema.get("description"),
             resource.get("description_zh") or resource.get("title_zh"))]
    return rows + [(table.name, f["name"], f.get("description"), f.get("description_zh")) for f in table.fields]


def _write_sqlite(tables: list[Table], con: sqlite3.Connection) -> None:
    con.execute("PRAGMA foreign_keys=ON")
    con.execute("BEGIN")
    con.execute(f"CREATE TABLE {_q(METADATA_TABLE)} ("
                '"table" TEXT NOT NULL, "column" TEXT, description TEXT, description_zh TEXT)')
    for table in tables:
        for statement in _ddl(table):
            con.execute(statement)
        marks = ", ".join("?" * len(table.fields))
        con.executemany(f"INSERT INTO {_q(table.name)} VALUES ({marks})", _sqlite_rows(table))
        con.executemany(f"INSERT INTO {_q(METADATA_TABLE)} VALUES (?, ?, ?, ?)", _metadata_rows(table))
    # The validator checked the references already; this is the database's own word on them.
    broken = con.execute("PRAGMA foreign_key_check").fetchall()
    if broken:
        raise ExportError(f"PRAGMA foreign_key_check: {broken}")
    con.execute("COMMIT")


def to_sqlite(package_dir: Path, out_path: Path) -> Path:
    """One table per resource, typed, with the schema's primary and foreign keys, plus _metadata."""
    tables = _dependency_order(read_tables(package_dir))  # parents first, so each insert can hold its keys
    out_path = Path(out_path)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    out_path.unlink(missing_ok=True)  # always a fresh file, never tables added to an older export
    con = sqlite3.connect(out_path, isolation_level=None)  # transactions are explicit
    try:
        _write_sqlite(tables, con)
    except BaseException:
        con.close()
        out_path.unlink(missing_ok=True)  # no half-written database left to be mistaken for an export
        raise
    con.close()
    return out_path


# --- Parquet ----------------------------------------------------------------------------------

def _texts(**values) -> dict[str, str]:
    return {k: v for k, v in values.items() if v}


def arrow_table(table: Table) -> pa.Table:
    """The table with Arrow types from its schema; descriptions travel as field and schema metadata."""
    fields = [pa.field(f["name"], ARROW[f["type"]], nullable=not f.get("constraints", {}).get("required"),
                       metadata=_texts(description=f.get("description"), description_zh=f.get("description_zh")))
              for f in table.fields]
    metadata = _texts(name=table.name, title=table.resource.get("title"), title_zh=table.resource.get("title_zh"),
                      description=table.resource.get("description"), table_schema=json.dumps(table.schema))
    return pa.Table.from_pydict(table.columns, schema=pa.schema(fields, metadata=metadata))


def to_parquet(package_dir: Path, out_dir: Path) -> list[Path]:
    """One <resource>.parquet per resource."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for table in read_tables(package_dir).values():
        path = out_dir / f"{table.name}.parquet"
        pq.write_table(arrow_table(table), path)
        written.append(path)
    return written


# --- Excel ------------------------------------------------------------------------------------

def _bold_row(ws, values: list) -> None:
    ws.append(values)
    for cell in ws[ws.max_row]:
        cell.font = Font(bold=True)


def _readme(ws, descriptor: dict, tables: list[Table]) -> None:
    licences = "; ".join(" ".join(filter(None, (lic.get("name"), lic.get("title") and f"({lic['title']})",
                                                 lic.get("path")))) for lic in descriptor.get("licenses", []))
    for label, value in [("Title", descriptor.get("title")), ("标题", descriptor.get("title_zh")),
                         ("Name", descriptor.get("name")), ("Version", descriptor.get("version")),
                         ("Licence", licences), ("Description", descriptor.get("description"))]:
        ws.append([label, value])
        ws.cell(ws.max_row, 1).font = Font(bold=True)
    for table in tables:
        ws.append([])
        _bold_row(ws, [f"Sheet {table.name}", table.resource.get("title"), table.resource.get("title_zh")])
        ws.append(["", table.resource.get("description") or table.schema.get("description")])
        _bold_row(ws, ["name", "type", "description", "description_zh"])
        for f in table.fields:
            ws.append([f["name"], f["type"], f.get("description"), f.get("description_zh")])
    for column, width in zip("ABCD", (28, 14, 80, 40)):
        ws.column_dimensions[column].width = width


def _sheet(ws, table: Table) -> None:
    _bold_row(ws, [f["name"] for f in table.fields])
    for r, row in enumerate(table.rows(), start=2):
        for c, (field, value) in enumerate(zip(table.fields, row), start=1):
            cell = ws.cell(r, c, value)
            if field["type"] == "string" and value is not None:
                cell.data_type = "s"  # text as text, even one starting with "=" (openpyxl would make it a formula)
            cell.number_format = XLSX_FORMAT.get(field["type"], cell.number_format)
    ws.freeze_panes = "A2"


def to_xlsx(package_dir: Path, out_path: Path) -> Path:
    """A README sheet, then one sheet per resource named after it, with typed cells."""
    tables = list(read_tables(package_dir).values())
    unusable = [t.name for t in tables if len(t.name) > XLSX_SHEET_NAME_MAX or t.name == README_SHEET]
    if unusable:
        raise ExportError(f"resource names unusable as Excel sheet names: {unusable}")
    workbook = Workbook()
    workbook.active.title = README_SHEET
    _readme(workbook.active, read_descriptor(package_dir), tables)
    for table in tables:
        _sheet(workbook.create_sheet(table.name), table)
    out_path = Path(out_path)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    workbook.save(out_path)
    return out_path


# --- All --------------------------------------------------------------------------------------

def export_all(package_dir: Path, out_dir: Path) -> list[Path]:
    """SQLite, Parquet and Excel exports in out_dir; returns the files written."""
    package_dir, out_dir = Path(package_dir), Path(out_dir)
    name = read_descriptor(package_dir)["name"]
    # Each export reads and checks the package itself, so a fault stops the first one, before anything is written.
    written = [to_sqlite(package_dir, out_dir / f"{name}.sqlite")]
    written += to_parquet(package_dir, out_dir / "parquet")
    written.append(to_xlsx(package_dir, out_dir / f"{name}.xlsx"))
    return written
