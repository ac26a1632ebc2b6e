"""What users get: cnbef.load(), the same frames through Frictionless, and a plain pd.read_csv over HTTP."""
import functools
import http.server
import threading

import pandas as pd
import pytest
from frictionless import Package

import cnbef
from conftest import ROOT
from made_up_page import SHARE

TABLES = cnbef.load()


def _csv(name):
    """The table as the csv module reads it: the reference the typed frames are checked against."""
    import csv
    with open(ROOT / "data" / f"{name}.csv", encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def test_types_follow_the_table_schemas():
    facts, regions = TABLES["facts"], TABLES["regions"]
    rows = _csv("facts")
    assert facts.index.name == "fact_id" and len(facts) == len(rows)
    first = rows[0]
    assert facts["region_id"].dtype == "string" and facts.loc[first["fact_id"], "region_id"] == first["region_id"]
    assert str(facts["period_start"].dtype).startswith("datetime64")
    assert facts["quote_start"].dtype == "Int64" and facts["value"].dtype == "Float64"
    assert facts["period_inferred"].dtype == "boolean" and facts["unit_implied"].dtype == "boolean"
    assert list(facts["claim_type"].cat.categories) == ["achieved", "target", "plan", "capacity", "projection"]
    province = next(r["region_id"] for r in _csv("regions") if r["level"] == "province")
    assert regions.loc[province, "parent_id"] is pd.NA  # a province: missing, not the text "nan" or 0
    assert TABLES["entities"]["region_id"].dtype == "string"  # empty codes do not turn the column into floats


def test_values_are_normalized_to_base_units():
    facts = TABLES["facts"]
    multiplier = {u["unit_id"]: float(u["multiplier"]) for u in _csv("units")}
    for row in _csv("facts"):  # 2.96 亿元 -> 296000000; % stays %
        want = float(row["value"]) * multiplier[row["unit_id"]]
        assert facts.loc[row["fact_id"], "value_normalized"] == pytest.approx(want), row["fact_id"]


def _plain(value):
    if value is None or value is pd.NA or (isinstance(value, float) and pd.isna(value)) or value is pd.NaT:
        return None
    if isinstance(value, pd.Timestamp):
        return value.date().isoformat()
    return value.item() if hasattr(value, "item") else value


@pytest.mark.parametrize("name", list(TABLES))
def test_same_frames_through_frictionless(name):
    ours = TABLES[name].drop(columns=["value_normalized"]) if name == "facts" else TABLES[name]
    theirs = Package(str(ROOT / "datapackage.json")).get_resource(name).to_pandas()
    assert list(ours.index) == list(theirs.index)
    assert list(ours.columns) == list(theirs.columns)
    for column in ours.columns:
        assert [_plain(v) for v in ours[column]] == [_plain(v) for v in theirs[column]], column


@pytest.fixture(scope="module")
def server():
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(ROOT))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


def test_plain_read_csv_over_http_gives_sensible_frames(server):
    flat = pd.read_csv(f"{server}/data/facts_flat.csv")
    rows = _csv("facts_flat")
    assert flat.columns[0] == "fact_id"  # the BOM is not glued to the first column name
    assert len(flat) == len(rows) and flat["fact_id"].is_unique
    first = rows[0]
    row = flat.set_index("fact_id").loc[first["fact_id"]]
    assert row["region_name_zh"] == first["region_name_zh"] and row["measure_name_zh"] == first["measure_name_zh"]
    assert row["value"] == float(first["value"]) and row["unit_symbol"] == first["unit_symbol"]
    assert flat["region_id"].dtype == "int64" and int(first["region_id"]) in set(flat["region_id"])  # never 411100.0
    facts = pd.read_csv(f"{server}/data/facts.csv")
    assert len(facts) == len(_csv("facts")) and facts["quote"].str.contains(first["quote"], regex=False).any()


def test_the_spreadsheet_table_declares_its_bom_and_decodes_as_utf8():
    raw = (ROOT / "data" / "facts_flat.csv").read_bytes()
    # Excel (Windows, Chinese locale) opens a CSV by double-click as UTF-8 only when it starts with a BOM.
    assert raw.startswith(b"\xef\xbb\xbf")
    assert _csv("facts_flat")[0]["region_name_zh"] in raw.decode("utf-8-sig")  # Chinese text survives the round trip
    with pytest.raises(UnicodeDecodeError):
        raw.decode("ascii")


@pytest.mark.slow
def test_libreoffice_opens_the_spreadsheet_table_with_chinese_intact(tmp_path):
    """LibreOffice Calc, importing as its CSV dialog does with Unicode (UTF-8) chosen, reads every cell back.

    (Excel cannot run here; it opens a CSV by double-click as UTF-8 only when the file starts
    with a BOM, which the test above checks.)"""
    import shutil
    import subprocess
    soffice = shutil.which("soffice")
    if soffice is None:
        pytest.skip("LibreOffice (soffice) is not installed; .ci/run installs libreoffice-calc-nogui")
    openpyxl = pytest.importorskip("openpyxl")
    env = {"HOME": str(tmp_path), "PATH": "/usr/bin:/bin"}
    subprocess.run([soffice, "--headless", "--infilter=CSV:44,34,76,1", "--convert-to", "xlsx", "--outdir", str(tmp_path),
                    str(ROOT / "data" / "facts_flat.csv")], check=True, capture_output=True, timeout=180, env=env)
    sheet = openpyxl.load_workbook(tmp_path / "facts_flat.xlsx").active
    cells = [["" if c is None else str(c) for c in row] for row in sheet.iter_rows(values_only=True)]
    expected = pd.read_csv(ROOT / "data" / "facts_flat.csv", dtype=str, keep_default_na=False, encoding="utf-8-sig")
    assert cells[0] == list(expected.columns)  # header intact, no stray BOM
    assert len(cells) == len(expected) + 1
    column = {name: i for i, name in enumerate(cells[0])}
    for row, (_, want) in zip(cells[1:], expected.iterrows()):
        for name in ("fact_id", "region_name_zh", "measure_name_zh", "unit_symbol", "quote", "value_text", "source_title_zh"):
            assert row[column[name]] == want[name], (name, row[column[name]], want[name])


def _break(pkg, table, column, value):
    """Set the first row's cell to a value (derived files left as they are); its spreadsheet row."""
    rows = pkg.rows(table)
    rows[1][rows[0].index(column)] = value
    pkg.write(table, rows, rebuild=False)
    return 2


def test_load_names_file_row_and_column_of_a_cell_that_does_not_fit_its_type(pkg):
    row = _break(pkg, "facts", "value", "about ten")
    with pytest.raises(cnbef.LoadError) as raised:
        cnbef.load(pkg.root)
    message = str(raised.value)
    assert "facts.csv" in message and f"row {row}" in message and "column value" in message and "'about ten'" in message


@pytest.mark.parametrize("damage, says", [
    (lambda root: (root / "datapackage.json").write_text("[]", encoding="utf-8"), "datapackage.json"),
    (lambda root: (root / "datapackage.json").write_bytes(b"\xef\xbb\xbf{}"), "byte-order mark"),
    (lambda root: (root / "data" / "units.csv").write_text("unit_id\n\"x", encoding="utf-8"), "units.csv"),
], ids=["array", "bom", "broken-csv"])
def test_load_of_a_damaged_package_raises_one_error_naming_the_file(pkg, damage, says):
    damage(pkg.root)
    with pytest.raises(cnbef.LoadError, match=says):
        cnbef.load(pkg.root)


def test_load_names_the_row_with_a_stray_comma(pkg):
    path = pkg.root / "data" / "units.csv"
    lines = path.read_text(encoding="utf-8").split("\n")
    lines[2] += ","
    path.write_text("\n".join(lines), encoding="utf-8")
    with pytest.raises(cnbef.LoadError, match=r"units\.csv, row 3: has"):
        cnbef.load(pkg.root)


def test_load_with_validate_passes_the_package_and_names_each_row_pandera_rejects(pkg):
    assert set(cnbef.load(pkg.root, validate=True)) == set(cnbef.load(pkg.root))
    row = pkg.set("facts", SHARE, "value", "174.5")  # a share above 100
    with pytest.raises(cnbef.LoadError) as raised:
        cnbef.load(pkg.root, validate=True)
    assert f"data/facts.csv, row {row}: value_range" in str(raised.value)
