"""A table stored as parts (a Frictionless multi-part resource): the same findings, named by part and row.

Every damaged package of the suite is validated twice, with facts in one file and split into parts
(cut by hand, so that no metadata is refreshed and a stale hash stays stale): each finding of the
one-file package must be found in the part that holds its row, at the row a spreadsheet shows there.
"""
import json
import re
import shutil
import subprocess
import sys

import pandas as pd
import pytest

import cnbef
from cnbef.engines import Spark
from cnbef.exports import export_all
from cnbef.package import read_descriptor
from cnbef.parts import join, records, split
from cnbef.validate import validate_package
from cnbef.versioning import diff_packages
from test_engine_equality import DAMAGES, ROW_LEVEL, findings

FACTS = "data/facts.csv"
ROWS = 40  # rows per part: the made-up package's facts make three or more parts


def part_paths(n):
    return [f"data/facts/part-{k:05d}.csv" for k in range(1, n + 1)]


def split_by_hand(root, rows=ROWS) -> list[str]:
    """facts.csv cut into parts between records, the descriptor pointed at them and nothing else changed."""
    descriptor = json.loads((root / "datapackage.json").read_text(encoding="utf-8"))
    facts = [r for r in descriptor.get("resources", []) if isinstance(r, dict) and r.get("path") == FACTS] \
        if isinstance(descriptor, dict) and isinstance(descriptor.get("resources"), list) else []
    if not facts or not (root / FACTS).is_file():
        pytest.skip("no resource reads data/facts.csv in this damaged descriptor")
    header, *body = records((root / FACTS).read_bytes())
    chunks = [body[i:i + rows] for i in range(0, len(body), rows)]
    paths = part_paths(len(chunks))
    for path, chunk in zip(paths, chunks):
        (root / path).parent.mkdir(exist_ok=True)
        (root / path).write_bytes(header + b"".join(chunk))
    facts[0]["path"] = paths
    (root / "datapackage.json").write_text(json.dumps(descriptor, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    (root / FACTS).unlink()
    return paths


def located(found, paths, rows=ROWS):
    """The one-file findings as the multi-part package must report them."""
    label = f"{paths[0]} and {len(paths) - 1} more parts"

    def where(row):
        k, i = divmod(row - 2, rows)
        return k, i + 2

    out = []
    for file, row, column, rule, message in found:
        if file != FACTS:
            out.append((file, row, column, rule, message))
            continue
        if row == -1:
            out.append((label, row, column, rule, message))
            continue
        k, local = where(row)

        def reference(m, k=k):
            j, r = where(int(m.group(1)))
            return f"row {r}" if j == k else f"row {r} of {paths[j]}"
        out.append((paths[k], local, column, rule, re.sub(r"\brow ([0-9]+)", reference, message)))
    return sorted(out)


# Faults in the file itself (its bytes, encoding or header) are found in every part that carries them:
# the header is in each part, so they are checked on their own below.
PER_FILE = {"encoding", "bom", "line_endings", "blank_line", "empty_file", "empty_table", "missing-label", "extra-label",
            "incorrect-label", "duplicate-label", "blank-label", "csv_structure", "readable", "unsafe_path"}


@pytest.mark.parametrize("name", DAMAGES, ids=str)
def test_each_damaged_package_gives_the_same_findings_with_facts_in_parts(pkg, name, tmp_path):
    DAMAGES[name](pkg)
    one_file = validate_package(pkg.root, pkg.sources)
    facts_findings = [f for f in findings(one_file) if f[0] == FACTS]
    if not (pkg.root / FACTS).is_file() or any(f[3] in PER_FILE for f in facts_findings):
        pytest.skip("a fault in the file itself or in its header: checked per part below")
    paths = split_by_hand(pkg.root)
    in_parts = validate_package(pkg.root, pkg.sources)
    assert findings(in_parts) == located(findings(one_file), paths)
    assert sorted(in_parts.skipped) == sorted(one_file.skipped)


def test_every_engine_names_the_part_and_its_row(pkg, spark_session):
    """One package with every row-level fault, facts in parts: DuckDB and Spark find what the in-memory path finds."""
    for name in ROW_LEVEL:
        try:
            DAMAGES[f"fault-{name}"](pkg)
        except (KeyError, ValueError, IndexError, StopIteration):  # the row an earlier fault removed
            continue
    one_file = validate_package(pkg.root, pkg.sources)
    paths = split_by_hand(pkg.root)
    fast = validate_package(pkg.root, pkg.sources)
    duck = validate_package(pkg.root, pkg.sources, engine="duckdb")
    spark = validate_package(pkg.root, pkg.sources, engine="spark", engine_object=Spark(session=spark_session))
    assert any(f[0] in paths[1:] for f in findings(fast))  # faults beyond the first part
    assert findings(fast) == located(findings(one_file), paths)
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
    from cnbef.add import AddError, add

    split(pkg.root, "facts", ROWS)
    with pytest.raises(AddError, match=r"facts is stored in parts; join it first \(cnbef parts facts --join\)"):
        add(pkg.root, tmp_path / "review.csv", pkg.sources)


def test_spark_parses_each_part_on_its_executors_with_its_rows(pkg, spark_session):
    """The parts are read by Spark's tasks (cnbef.engines.csv_rows), rows numbered as DuckDB numbers them."""
    from cnbef.engines import DuckDB, csv_rows, header_of
    from cnbef.package import ROW_SPAN

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
