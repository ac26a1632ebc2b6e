"""A table stored as parts (a Frictionless multi-part resource): the same findings, named by part and row.

Every damaged package of the suite is also validated with facts in parts (tests/test_engine_equality.py);
here: every engine on a package with every row-level fault, faults in one part, splitting and joining.
"""
import csv
import json
import shutil
import subprocess
import sys

import pandas as pd
import pytest

import cnbef
from cnbef.validation.engines import Spark
from cnbef.publish.exports import export_all
from cnbef.package.tables import read_descriptor
from cnbef.package.parts import join, records, split
from cnbef.validation.validate import validate_package
from cnbef.releases.versioning import diff_packages
from in_parts import FACTS, ROWS, located, split_by_hand
from test_engine_equality import ROW_LEVEL, findings


def test_every_engine_names_the_part_and_its_row(pkg, spark_session):
    """One package with every row-level fault, facts in parts: DuckDB and Spark find what the in-memory path finds."""
    for case in ROW_LEVEL:
        case.damage(pkg)  # each applies, or the test fails here
    one_file = validate_package(pkg.root, pkg.sources)
    paths = split_by_hand(pkg.root)
    fast = validate_package(pkg.root, pkg.sources)
    duck = validate_package(pkg.root, pkg.sources, engine="duckdb")
    on_executors = Spark(session=spark_session)
    on_executors.reads_files_from = 0  # every table parsed by Spark's tasks, however small
    on_executors.python_on_executors_from = 1  # and the rules that need Python and provenance run by them
    spark = validate_package(pkg.root, pkg.sources, engine="spark", engine_object=on_executors)
    assert any(f[0] in paths[1:] for f in findings(fast))  # faults beyond the first part
    assert findings(fast) == located(findings(one_file), pkg.root, paths)
    assert findings(duck) == findings(fast)
    assert findings(spark) == findings(fast)


@pytest.mark.parametrize("engine", ["fast", "duckdb"])
def test_a_fault_in_one_part_is_reported_in_that_part(pkg, engine):
    paths = split_by_hand(pkg.root)
    raw = (pkg.root / paths[1]).read_bytes()
    (pkg.root / paths[1]).write_bytes(raw.replace(b"\n", b"\r\n", 3))  # CRLF from line 1 of the second part
    lines = (pkg.root / paths[2]).read_bytes().split(b"\n")
    (pkg.root / paths[2]).write_bytes(b"\n".join(lines[:2] + lines[1:]))  # its first row twice
    report = validate_package(pkg.root, pkg.sources, engine=engine)
    where = {(p.file, p.row, p.rule) for p in report.problems}
    assert (paths[1], 1, "line_endings") in where
    assert any(p.file == paths[2] and p.row == 3 and p.rule == "primary-key" and p.message.endswith("of row 2")
               for p in report.problems)
    label = f"{paths[0]} and {len(paths) - 1} more parts"
    assert {(label, "byte-count"), (label, "hash-count")} <= {(p.file, p.rule) for p in report.problems}
    assert not any(p.file == paths[0] for p in report.problems)


def test_a_part_with_a_wrong_header_is_named(pkg):
    paths = split_by_hand(pkg.root)
    raw = (pkg.root / paths[-1]).read_bytes()
    (pkg.root / paths[-1]).write_bytes(raw.replace(b"fact_id", b"fact_no", 1))
    for engine in ("fast", "duckdb"):
        report = validate_package(pkg.root, pkg.sources, engine=engine)
        assert any(p.file == paths[-1] and p.rule.endswith("label") and "fact_no" in (p.value or p.message)
                   for p in report.problems), engine


def test_a_missing_part_is_named(pkg):
    paths = split_by_hand(pkg.root)
    (pkg.root / paths[1]).unlink()
    report = validate_package(pkg.root, pkg.sources)
    assert [(p.file, p.rule) for p in report.problems if p.rule == "readable"] == [(paths[1], "readable")]


def test_an_unsafe_part_is_refused(pkg):
    split_by_hand(pkg.root)
    descriptor = json.loads((pkg.root / "datapackage.json").read_text(encoding="utf-8"))
    facts = next(r for r in descriptor["resources"] if r["name"] == "facts")
    facts["path"] = facts["path"] + ["../outside.csv"]
    (pkg.root / "datapackage.json").write_text(json.dumps(descriptor, ensure_ascii=False), encoding="utf-8")
    report = validate_package(pkg.root, pkg.sources)
    assert any(p.rule == "unsafe_path" and p.column == f"resources[{descriptor['resources'].index(facts)}].path"
               and "leaves the package folder" in p.message for p in report.problems)


# ---- splitting and joining ----------------------------------------------------------------------


def test_split_and_join_keep_every_byte_and_the_descriptor_stays_valid(pkg):
    before = (pkg.root / FACTS).read_bytes()
    old = {r["name"]: r for r in read_descriptor(pkg.root)["resources"]}
    paths = split(pkg.root, "facts", ROWS)
    assert len(paths) > 1 and not (pkg.root / FACTS).exists()
    new = {r["name"]: r for r in read_descriptor(pkg.root)["resources"]}
    assert new["facts"]["path"] == paths
    assert (new["facts"]["bytes"], new["facts"]["hash"]) == (old["facts"]["bytes"], old["facts"]["hash"])
    header = before.split(b"\n", 1)[0]
    assert all((pkg.root / p).read_bytes().startswith(header + b"\n") for p in paths)  # each part opens alone
    assert validate_package(pkg.root, pkg.sources).problems == []
    assert join(pkg.root, "facts") == FACTS
    assert (pkg.root / FACTS).read_bytes() == before
    assert not (pkg.root / "data" / "facts").exists() or not any((pkg.root / "data" / "facts").iterdir())
    assert read_descriptor(pkg.root)["resources"] == [old[r["name"]] for r in read_descriptor(pkg.root)["resources"]]


def test_a_record_with_a_newline_in_quotes_stays_whole():
    raw = b'id,text\n1,"two\nlines"\n2,plain\n'
    assert records(raw) == [b"id,text\n", b'1,"two\nlines"\n', b"2,plain\n"]


def test_frictionless_reads_the_parts_as_the_one_table(pkg):
    frictionless = pytest.importorskip("frictionless")
    split(pkg.root, "facts", ROWS)
    report = frictionless.validate(str(pkg.root / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "type", "message"])[:5]


def test_load_exports_and_diff_see_one_table(pkg, tmp_path):
    before = cnbef.load(pkg.root)
    shutil.copytree(pkg.root, tmp_path / "one-file")
    split(pkg.root, "facts", ROWS)
    after = cnbef.load(pkg.root)
    pd.testing.assert_frame_equal(after["facts"], before["facts"])
    assert diff_packages(tmp_path / "one-file", pkg.root)["tables"] == {}
    one = {p.name: p.stat().st_size for p in export_all(tmp_path / "one-file", tmp_path / "one")}
    parts = {p.name: p.stat().st_size for p in export_all(pkg.root, tmp_path / "parts")}
    assert parts.keys() == one.keys() and all(parts[n] > 0 for n in parts)


def test_the_command_splits_and_joins(pkg):
    run = lambda *a: subprocess.run([sys.executable, "-m", "cnbef", "parts", *a, "--package", str(pkg.root)],  # noqa: E731
                                    capture_output=True, text=True)
    done = run("facts", "--rows", str(ROWS))
    assert done.returncode == 0 and "parts" in done.stdout
    assert run("facts", "--join").returncode == 0 and (pkg.root / FACTS).is_file()
    bad = run("nosuch", "--rows", "5")
    assert bad.returncode == 2 and "no table 'nosuch'" in bad.stderr and "Traceback" not in bad.stderr
    assert run("facts", "--rows", "0").returncode == 2


def test_adding_a_page_asks_to_join_the_parts_first(pkg, tmp_path):
    from cnbef.curation.add import AddError, add

    split(pkg.root, "facts", ROWS)
    with pytest.raises(AddError, match=r"facts is stored in parts; join it first \(cnbef parts facts --join\)"):
        add(pkg.root, tmp_path / "review.csv", pkg.sources)


def test_spark_parses_each_part_on_its_executors_with_its_rows(pkg, spark_session):
    """The parts are read by Spark's tasks (cnbef.validation.engines.csv_rows), rows numbered as DuckDB numbers them."""
    from cnbef.package.tables import header_of
    from cnbef.validation.engines import DuckDB, csv_rows
    from cnbef.package.tables import ROW_SPAN

    paths = [pkg.root / p for p in split_by_hand(pkg.root)]
    header = header_of(paths[0])
    spark, duck = Spark(session=spark_session), DuckDB()
    try:
        spark.register_csv("facts", paths, header)
        duck.register_csv("facts", paths, header)
        order = "SELECT * FROM facts__text ORDER BY _row"
        assert spark.rows(order) == duck.rows(order)
        assert [r["_row"] for r in duck.rows(order)][ROWS - 1:ROWS + 1] == [ROWS + 1, ROW_SPAN + 2]
    finally:
        spark.close()
        duck.close()
    ragged = pkg.root / "ragged.csv"
    ragged.write_text("a,b\n1,2\n3\n", encoding="utf-8")
    with pytest.raises(ValueError, match="row 3 has 1 cells, the header 2"):
        list(csv_rows((str(ragged), 0, 2)))
    quoted = pkg.root / "quoted.csv"
    quoted.write_text('a,b\n"x,\ny",\n', encoding="utf-8")  # a newline in quotes; an empty cell is missing
    assert list(csv_rows((str(quoted), 5, 2))) == [(7, "x,\ny", None)]


def test_frictionless_findings_are_named_by_part_too(pkg):
    """--engine frictionless: Frictionless counts rows across the parts; the report names the part and its row."""
    paths = split_by_hand(pkg.root)
    with open(pkg.root / paths[1], encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    rows[3][rows[0].index("value")] = "abc"  # spreadsheet row 4 of the second part
    with open(pkg.root / paths[1], "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows(rows)
    report = validate_package(pkg.root, pkg.sources, engine="frictionless")
    assert [(p.file, p.row) for p in report.problems if p.rule == "type-error"] == [(paths[1], 4)]


def test_splitting_changes_only_the_path_and_a_stale_hash_stays_stale(pkg):
    descriptor = json.loads((pkg.root / "datapackage.json").read_text(encoding="utf-8"))
    facts = next(r for r in descriptor["resources"] if r["name"] == "facts")
    facts["hash"] = "sha256:" + "0" * 64
    (pkg.root / "datapackage.json").write_text(json.dumps(descriptor, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    paths = split(pkg.root, "facts", ROWS)
    after = json.loads((pkg.root / "datapackage.json").read_text(encoding="utf-8"))
    facts["path"] = paths
    assert after == descriptor
    assert any(p.rule == "hash-count" for p in validate_package(pkg.root, pkg.sources).problems)
    assert not list((pkg.root / "data" / "facts").glob("*.tmp"))
