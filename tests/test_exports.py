"""The SQLite, Parquet and Excel exports of the real package, read back with real readers.

Expected values come from the CSVs through a small parser of their own (below), not
from cnbef, so an export that types a column wrongly cannot agree with itself.
"""
import csv
import json
import datetime as dt
import sqlite3
import subprocess
import sys

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from openpyxl import load_workbook

from cnbef.publish.exports import ExportError, export_all, to_parquet, to_sqlite, to_xlsx
from cnbef.package.tables import read_descriptor, resource_schema
from conftest import ROOT

DESCRIPTOR = read_descriptor(ROOT)
NAMES = [r["name"] for r in DESCRIPTOR["resources"]]
RESOURCES = dict(zip(NAMES, DESCRIPTOR["resources"]))
SCHEMAS = {name: resource_schema(ROOT, r) for name, r in RESOURCES.items()}
SQLITE_FILE = f"{DESCRIPTOR['name']}.sqlite"
XLSX_FILE = f"{DESCRIPTOR['name']}.xlsx"

SQL_TYPE = {"string": "TEXT", "integer": "INTEGER", "number": "REAL", "boolean": "INTEGER", "date": "TEXT"}
ARROW_TYPE = {"string": pa.string(), "integer": pa.int64(), "number": pa.float64(), "boolean": pa.bool_(),
              "date": pa.date32()}
PANDAS_DTYPE = {"string": "string", "integer": "Int64", "number": "Float64", "boolean": "boolean", "date": "object"}



def _a_region_with_facts() -> tuple[str, str]:
    """(code, Chinese name) of the region of the first fact: a real row, found rather than named."""
    import csv
    with open(ROOT / "data" / "facts.csv", encoding="utf-8", newline="") as fh:
        code = next(csv.DictReader(fh))["region_id"]
    with open(ROOT / "data" / "regions.csv", encoding="utf-8", newline="") as fh:
        return code, next(r["name_zh"] for r in csv.DictReader(fh) if r["region_id"] == code)


REGION, REGION_ZH = _a_region_with_facts()

def as_list(value):
    return [value] if isinstance(value, str) else list(value or [])


def fields(name):
    return SCHEMAS[name]["fields"]


def foreign_keys(name):
    """(fields, referenced table, referenced fields) per the schema; "" references the table itself."""
    return [(as_list(fk["fields"]), fk["reference"]["resource"] or name, as_list(fk["reference"]["fields"]))
            for fk in SCHEMAS[name].get("foreignKeys", [])]


def parse(field, text):
    if text == "":
        return None
    kind = field["type"]
    if kind == "boolean":
        assert text in field.get("trueValues", []) + field.get("falseValues", []), text
        return text in field["trueValues"]
    return {"integer": int, "number": float, "date": dt.date.fromisoformat}.get(kind, str)(text)


def csv_rows(name):
    with open(ROOT / RESOURCES[name]["path"], encoding="utf-8-sig", newline="") as fh:
        reader = csv.reader(fh)
        assert next(reader) == [f["name"] for f in fields(name)]
        return list(reader)


def expected(name):
    return [tuple(parse(f, v) for f, v in zip(fields(name), row)) for row in csv_rows(name)]


def first_row_with(name, predicate):
    return next(row for row in expected(name) if predicate(row))


@pytest.fixture(scope="module")
def dist(tmp_path_factory):
    out = tmp_path_factory.mktemp("dist")
    written = export_all(ROOT, out)
    assert sorted(written) == sorted([out / SQLITE_FILE, out / XLSX_FILE]
                                     + [out / "parquet" / f"{n}.parquet" for n in NAMES])
    return out


@pytest.fixture(scope="module")
def db(dist):
    con = sqlite3.connect(dist / SQLITE_FILE)
    con.execute("PRAGMA foreign_keys=ON")
    yield con
    con.close()


@pytest.fixture(scope="module")
def workbook(dist):
    return load_workbook(dist / XLSX_FILE)


# --- SQLite ---------------------------------------------------------------------------------------

def test_sqlite_tables_hold_the_csv_rows_with_schema_types(db):
    tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert tables == set(NAMES) | {"_metadata"}
    for name in NAMES:
        info = db.execute(f'PRAGMA table_info("{name}")').fetchall()
        assert [(c[1], c[2]) for c in info] == [(f["name"], SQL_TYPE[f["type"]]) for f in fields(name)]
        want = [tuple(v.isoformat() if isinstance(v, dt.date) else v for v in row) for row in expected(name)]
        assert db.execute(f'SELECT * FROM "{name}" ORDER BY rowid').fetchall() == want, name
        for field in fields(name):  # storage class, not just affinity: codes such as 411100 are stored as text
            stored = {r[0] for r in db.execute(f'SELECT DISTINCT typeof("{field["name"]}") FROM "{name}"')}
            assert stored <= {SQL_TYPE[field["type"]].lower(), "null"}, (name, field["name"], stored)


def test_sqlite_keys_and_indexes_follow_the_schemas(db):
    assert db.execute("PRAGMA foreign_key_check").fetchall() == []
    for name in NAMES:
        pk = sorted((c[5], c[1]) for c in db.execute(f'PRAGMA table_info("{name}")') if c[5])
        assert [c for _, c in pk] == as_list(SCHEMAS[name].get("primaryKey"))
        declared = {}
        for fk_id, _, parent, column, ref, *_ in db.execute(f'PRAGMA foreign_key_list("{name}")'):
            cols, refs = declared.setdefault(fk_id, (parent, [], []))[1:]
            cols.append(column)
            refs.append(ref)
        assert sorted((c, p, r) for p, c, r in declared.values()) == sorted(foreign_keys(name))
        indexed = [[c[2] for c in db.execute(f'PRAGMA index_info("{i[1]}")')]
                   for i in db.execute(f'PRAGMA index_list("{name}")')]
        for fk_fields, _, _ in foreign_keys(name):
            assert fk_fields in indexed, (name, fk_fields)


def test_sqlite_joins_along_every_foreign_key(db):
    for name in NAMES:
        for fk_fields, parent, ref in foreign_keys(name):
            on = " AND ".join(f'c."{f}" = p."{r}"' for f, r in zip(fk_fields, ref))
            joined = db.execute(f'SELECT count(*) FROM "{name}" c JOIN "{parent}" p ON {on}').fetchone()[0]
            set_rows = sum(all(row[[f["name"] for f in fields(name)].index(c)] is not None for c in fk_fields)
                           for row in expected(name))
            assert joined == set_rows, (name, fk_fields)
    # and a query a reader would write: the facts about a region, with the region named in Chinese
    rows = db.execute("SELECT DISTINCT r.name_zh FROM facts f JOIN regions r ON f.region_id = r.region_id "
                      "WHERE f.region_id = ?", (REGION,)).fetchall()
    assert rows == [(REGION_ZH,)]


def test_sqlite_metadata_carries_the_descriptions(db):
    got = {(t, c): (d, z) for t, c, d, z in db.execute("SELECT * FROM _metadata")}
    want = {}
    for name in NAMES:
        want[(name, None)] = (RESOURCES[name]["description"], RESOURCES[name]["title_zh"])
        want.update({(name, f["name"]): (f.get("description"), f.get("description_zh")) for f in fields(name)})
    assert got == want


def test_sqlite_enforces_the_foreign_keys_on_later_edits(dist, tmp_path):
    copy = tmp_path / "copy.sqlite"
    copy.write_bytes((dist / SQLITE_FILE).read_bytes())
    con = sqlite3.connect(copy)
    con.execute("PRAGMA foreign_keys=ON")
    con.execute("UPDATE facts SET region_id = '419999' WHERE rowid = 1")
    with pytest.raises(sqlite3.IntegrityError, match="FOREIGN KEY"):
        con.commit()  # the keys are deferred to COMMIT, so self-referencing tables load in any row order
    con.close()


# --- Parquet --------------------------------------------------------------------------------------

def test_parquet_arrow_types_and_values(dist):
    for name in NAMES:
        table = pq.read_table(dist / "parquet" / f"{name}.parquet")
        assert [(f.name, f.type, f.nullable) for f in table.schema] == [
            (f["name"], ARROW_TYPE[f["type"]], not f.get("constraints", {}).get("required")) for f in fields(name)]
        for arrow_field, field in zip(table.schema, fields(name)):
            assert arrow_field.metadata[b"description_zh"].decode() == field["description_zh"]
        assert [tuple(r.values()) for r in table.to_pylist()] == expected(name), name


def test_parquet_reads_into_pandas_with_nullable_dtypes(dist):
    for name in NAMES:
        frame = pd.read_parquet(dist / "parquet" / f"{name}.parquet", dtype_backend="numpy_nullable")
        assert [str(t) for t in frame.dtypes] == [PANDAS_DTYPE[f["type"]] for f in fields(name)], name
        assert [tuple(None if pd.isna(v) else v for v in r) for r in frame.itertuples(index=False)] == expected(name)
    regions = pd.read_parquet(dist / "parquet" / "regions.parquet")
    assert REGION in regions["region_id"].tolist()  # a code stays text


# --- Excel ----------------------------------------------------------------------------------------

def test_xlsx_one_sheet_per_resource_with_typed_cells(workbook):
    assert workbook.sheetnames == ["README"] + NAMES
    for name in NAMES:
        rows = list(workbook[name].iter_rows())
        assert [c.value for c in rows[0]] == [f["name"] for f in fields(name)]
        got = [tuple(c.value.date() if isinstance(c.value, dt.datetime) else c.value for c in row) for row in rows[1:]]
        assert got == expected(name), name
        for field, column in zip(fields(name), zip(*rows[1:])):
            kinds = {c.data_type for c in column if c.value is not None}
            assert kinds <= {"string": {"s"}, "date": {"d"}, "boolean": {"b"}}.get(field["type"], {"n"}), \
                (name, field["name"], kinds)
            if field["type"] == "string":  # stays text when edited in Excel or WPS
                assert {c.number_format for c in column} == {"@"}, (name, field["name"])
    codes = [r[0] for r in workbook["regions"].iter_rows(min_row=2, values_only=True)]
    assert REGION in codes and all(isinstance(c, str) for c in codes)
    assert (REGION, REGION_ZH) in [r[:2] for r in workbook["regions"].iter_rows(min_row=2, values_only=True)]


def test_xlsx_readme_describes_the_package_and_every_field(workbook):
    cells = [tuple(v for v in row if v is not None) for row in workbook["README"].iter_rows(values_only=True)]
    text = [v for row in cells for v in row]
    for value in (DESCRIPTOR["title"], DESCRIPTOR["version"]):
        assert value in text
    assert any(DESCRIPTOR["licenses"][0]["name"] in v for v in text)
    for name in NAMES:
        assert RESOURCES[name]["description"] in text
        for f in fields(name):
            assert (f["name"], f["type"], f["description"], f["description_zh"]) in cells


# --- Faults and the command -----------------------------------------------------------------------

def test_a_broken_foreign_key_is_refused_by_every_export(pkg, tmp_path):
    """Decision: refuse (ExportError naming table, row, column and value) and write nothing,
    rather than export a database whose keys do not hold or files that silently disagree with it."""
    fact_id = pkg.rows("facts")[1][0]
    pkg.set("facts", fact_id, "region_id", "419999")
    out = tmp_path / "out"
    for export in (lambda: to_sqlite(pkg.root, out / "x.sqlite"), lambda: to_parquet(pkg.root, out / "parquet"),
                   lambda: to_xlsx(pkg.root, out / "x.xlsx"), lambda: export_all(pkg.root, out)):
        with pytest.raises(ExportError, match=r"data/facts\.csv:2: \[foreign-key\] column region_id = '419999'"):
            export()
    assert not out.exists() or not any(out.rglob("*.*"))


def test_a_repeated_primary_key_is_refused(pkg, tmp_path):
    header, *rows = pkg.rows("units")
    pkg.write("units", [header, *rows, rows[0]])
    with pytest.raises(ExportError, match=rf"data/units\.csv:{len(rows) + 2}: \[primary-key\]"):
        to_xlsx(pkg.root, tmp_path / "x.xlsx")


def test_a_cell_that_does_not_parse_is_refused_not_exported_as_missing(pkg, tmp_path):
    pkg.set("facts", pkg.rows("facts")[1][0], "value", "2.96亿")
    with pytest.raises(ExportError, match=r"data/facts\.csv:2: \[type-error\] column value = '2\.96亿'"):
        to_parquet(pkg.root, tmp_path)


def test_export_script(tmp_path, pkg):
    script = [sys.executable, str(ROOT / "scripts" / "export.py")]
    done = subprocess.run(script + [str(ROOT), "--out", str(tmp_path / "ok")], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert f"wrote {tmp_path / 'ok' / SQLITE_FILE}" in done.stdout
    pkg.delete("regions", REGION)
    done = subprocess.run(script + [str(pkg.root), "--out", str(tmp_path / "bad")], capture_output=True, text=True)
    assert done.returncode == 1 and f"[foreign-key] column region_id = '{REGION}'" in done.stderr
    assert not (tmp_path / "bad").exists()


def test_export_defaults_to_the_package_validate_reads_and_never_writes_into_a_checkout(tmp_path, pkg):
    cnbef = [sys.executable, "-m", "cnbef", "export"]
    before = sorted(pkg.root.rglob("*"))
    inside = subprocess.run(cnbef, cwd=pkg.root / "data", capture_output=True, text=True)
    assert inside.returncode == 2 and "is a package checkout: say where to write with --out" in inside.stderr
    assert sorted(pkg.root.rglob("*")) == before
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    done = subprocess.run(cnbef, cwd=elsewhere, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    descriptor = json.loads((ROOT / "datapackage.json").read_text(encoding="utf-8"))
    (folder,) = elsewhere.iterdir()
    assert folder.name == f"{descriptor['name']}-{descriptor['version']}-export"
    assert (folder / SQLITE_FILE).is_file()
