"""Every engine gives the same findings on the same damaged packages, with facts in one file or in parts;
so do the generated Pandera schemas.

The damaged packages are the package cases of tests/cases.py, every one of them (tests/test_cases.py runs
them once on the default engine).
A finding is (file, row, column, rule, message): a finding reads the same whichever engine found it.
"""
import pandas as pd
import pytest

from cnbef.validation.engines import DuckDB, Spark
from cnbef.package.tables import read_descriptor, read_text_table, resource_schema, typed
from cnbef.validation.pandera_schemas import RULES_HELD
from cnbef.validation.registry import REGISTRY
from cnbef.validation.validate import validate_package
from conftest import sources_or_skip
from made_up_page import GROWTH
from in_parts import FACTS, PER_FILE, located, split_by_hand
from cases import BY_NAME, CASES, SPREADSHEET_FAULTS, CURATION_MISTAKES


def findings(report):
    return sorted((p.file, p.row if p.row is not None else -1, p.column or "", p.rule, p.message) for p in report.problems)


@pytest.mark.slow
@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_every_engine_and_pandera_agree_on_each_damaged_package(pkg, case):
    """DuckDB out of core finds what the in-memory path finds; Pandera rejects the tables they flag."""
    case.damage(pkg)
    fast = validate_package(pkg.root, pkg.sources)
    duck = validate_package(pkg.root, pkg.sources, engine="duckdb", memory_limit="256MB")
    assert not fast.valid
    assert {p.rule for p in fast.problems} <= set(REGISTRY), "a reported rule is not declared in cnbef/validation/registry.py"
    assert findings(duck) == findings(fast)
    assert sorted(duck.skipped) == sorted(fast.skipped)
    pandera_agrees(pkg.root, fast)
    # Stored in parts, facts give the same findings, each in the part that holds its row (tests/test_parts.py
    # checks faults in the file itself, found in each part that has them).
    if not any(f[0] == FACTS and f[3] in PER_FILE for f in findings(fast)) and (paths := split_by_hand(pkg.root)):
        in_parts = validate_package(pkg.root, pkg.sources)
        assert findings(in_parts) == located(findings(fast), pkg.root, paths)
        assert sorted(in_parts.skipped) == sorted(fast.skipped)


def test_the_clean_package_passes_on_every_engine(pkg):
    """(Spark's run on the clean package is left to the test below: it finds there exactly what DuckDB finds.)"""
    sources_or_skip()  # nothing skipped means every page is there, the real ones too
    for engine in ("fast", "duckdb"):
        report = validate_package(pkg.root, pkg.sources, engine=engine)
        assert report.problems == [] and report.skipped == [], engine


# Faults that leave every table readable with its header, so that one package can hold them all.
ROW_LEVEL = [c for c in SPREADSHEET_FAULTS
             if c.rule not in {"encoding", "empty_file", "empty_table", "missing-label", "extra-label", "incorrect-label",
                                "unsafe_path", "missing-cell", "extra-cell", "descriptor"}]


# Edits that need a row or unit an earlier fault of the same package has changed (the units table is damaged
# by then, COUNT's row has a fact_id made a duplicate), that would undo one (GROWTH's reversed period), or that
# remove a fact later faults edit (GROWTH or MONEY filed as a mention): they are proven one by one above.
CLASH = {"unit_hectare_for_square_metres", "unit_households_for_jia", "unit_said_implied_but_written",
         "multiplier_1_for_a_wan_unit", "traditional_unit_symbol", "full_year_of_a_february_report_read_as_its_own_year",
         "full_year_result_on_a_february_page", "measure_in_two_base_units", "period_a_year_off_without_period_text",
         "measure_named_twice", "policy_named_without_a_row", "amount_filed_as_a_name",
         "amount_filed_as_derived"}


def test_spark_finds_what_duckdb_finds_on_a_package_with_every_row_level_fault(pkg, spark_session):
    """Spark is slow to start a job, so its proof is one package carrying every row-level fault at once."""
    for case in ROW_LEVEL + [c for c in CURATION_MISTAKES if c.name not in CLASH]:
        case.damage(pkg)  # each applies, or the test fails here: no damage is skipped silently
    duck = validate_package(pkg.root, pkg.sources, engine="duckdb")
    on_executors = Spark(session=spark_session)
    on_executors.python_on_executors_from = 1  # the rules that need Python and provenance run by Spark's tasks
    spark = validate_package(pkg.root, pkg.sources, engine="spark", engine_object=on_executors)
    assert len(findings(duck)) > 40
    assert findings(spark) == findings(duck)
    rules = {p.rule for p in duck.problems}
    assert {"type-error", "constraint-error", "primary-key", "foreign-key", "period_order",
            "invisible_character", "formula_injection", "relative_period", "quote_text"} <= rules


# ---- Pandera ------------------------------------------------------------------------------------

IN_PANDERA = set(RULES_HELD)
# Problems of a file's bytes, structure or header, and of the descriptor: the readers' to report, before any frame
# is typed. Pandera is compared with the engines on the other files.
STRUCTURAL = {"encoding", "bom", "line_endings", "blank_line", "empty_file", "empty_table", "missing-label", "extra-label",
              "incorrect-label", "missing-cell", "extra-cell", "csv_structure", "unsafe_path", "contract", "schema-error",
              "descriptor", "readable", "package-error", "resource-error", "field-error"}


def pandera_findings(root, skip: set[str]) -> set[tuple]:
    """(file, row, rule) the generated Pandera schemas reject, on every table but those of the files in ``skip``."""
    from cnbef.validation.pandera_schemas import failures, schemas

    resources = {r["name"]: r for r in read_descriptor(root)["resources"] if r["path"] not in skip}
    declared = {n: resource_schema(root, r) for n, r in resources.items()}
    tables = {n: typed(read_text_table(root / r["path"]), declared[n]) for n, r in resources.items()}
    found = set()
    for name, schema in schemas(root, tables).items():
        if name in tables:
            found |= {(f, row, rule) for f, row, _, rule in failures(schema, tables[name], resources[name]["path"],
                                                                    declared[name].get("primaryKey"))}
    return found


def engine_findings_pandera_holds(root, report, skip: set[str]) -> set[tuple]:
    """(file, row, rule) of the engines' findings of a rule Pandera holds, outside the files in ``skip``.

    A cell that does not type is missing in a typed frame: Pandera sees it only in a required column, as a
    missing value (constraint-error).
    """
    schemas = {r["path"]: resource_schema(root, r) for r in read_descriptor(root)["resources"]}

    def required(file, column):
        schema = schemas[file]
        return any(f["name"] == column and (f.get("constraints", {}).get("required") or column in schema.get("primaryKey", []))
                   for f in schema["fields"])
    found = {(p.file, p.row, p.rule) for p in report.problems if p.rule in IN_PANDERA and p.file not in skip
             and not (p.rule == "foreign-key" and any(f"in {file} " in p.message for file in skip))}  # a key into a skipped table
    return found | {(p.file, p.row, "constraint-error") for p in report.problems
                    if p.rule == "type-error" and p.file not in skip and required(p.file, p.column)}


def pandera_agrees(root, report) -> None:
    """Pandera rejects exactly the rows the engines flag for the rules it holds; where the descriptor itself is
    broken, there are no schemas to build and the engines must have said so."""
    structural = {p.file for p in report.problems if p.rule in STRUCTURAL}
    if "datapackage.json" in structural or any(p.file.startswith("schemas/") for p in report.problems if p.rule in STRUCTURAL):
        assert any(p.rule in STRUCTURAL for p in report.problems)
        return
    assert pandera_findings(root, structural) == engine_findings_pandera_holds(root, report, structural)


def test_pandera_schemas_pass_the_clean_package_and_name_the_row(pkg):
    from cnbef.validation.pandera_schemas import failures, schemas

    assert pandera_findings(pkg.root, set()) == set()
    facts = typed(read_text_table(pkg.root / "data/facts.csv"), resource_schema(pkg.root, {"schema": "schemas/facts.json"}))
    row = facts.index[facts["fact_id"] == GROWTH][0]  # a made-up fact, wherever it sorts
    facts.loc[row, "period_start"] = pd.Timestamp("2099-01-01")
    found = failures(schemas(pkg.root)["facts"], facts, "data/facts.csv", ["fact_id"])
    assert found == [("data/facts.csv", int(row) + 2, None, "period_order")]


def test_the_memory_limit_reaches_duckdb(pkg):
    engine = DuckDB(memory_limit="64MB")
    assert engine.rows("SELECT current_setting('memory_limit') AS m")[0]["m"] in ("64.0 MiB", "61.0 MiB")
    assert validate_package(pkg.root, pkg.sources, engine="duckdb", engine_object=engine).problems == []


def test_text_that_looks_like_a_missing_marker_is_text_on_every_engine(pkg):
    """Only an empty cell is missing (as in Frictionless): "NA" and "null" are names, not gaps."""
    measure = pkg.rows("measures")[1][0]
    pkg.set("measures", measure, "name_en", "NA")
    pkg.set("measures", measure, "description", "null")
    for engine in ("fast", "duckdb"):
        assert validate_package(pkg.root, pkg.sources, engine=engine).problems == [], engine


def test_documents_checked_in_batches_give_what_one_batch_gives(pkg, monkeypatch, spark_session):
    """A large package runs the Python rules one batch of documents at a time; rows keep their numbers.
    On Spark, a package of several batches has them run by the executors' tasks."""
    from cnbef.validation import large

    for name in ("this_year_read_as_last_year", "fact_in_page_furniture", "tampered_quote", "region_own_parent",
                 "unknown_date_with_dates"):
        BY_NAME[name].damage(pkg)
    whole = validate_package(pkg.root, pkg.sources, engine="duckdb")
    monkeypatch.setattr(large, "BATCH_FACTS", 5)
    batched = validate_package(pkg.root, pkg.sources, engine="duckdb", progress=True)
    assert findings(batched) == findings(whole) == findings(validate_package(pkg.root, pkg.sources))
    assert len({p.rule for p in whole.problems}) >= 5
    calls = []
    real = Spark.map_batches
    monkeypatch.setattr(Spark, "map_batches", lambda self, queries, groups, *rest: calls.append(len(groups))
                        or real(self, queries, groups, *rest))
    on_executors = Spark(session=spark_session)
    on_executors.python_on_executors_from = 2  # as on a cluster (local mode keeps them on the driver)
    spark = validate_package(pkg.root, pkg.sources, engine="spark", engine_object=on_executors)
    assert calls and calls[0] > 1  # several batches, on the executors
    assert findings(spark) == findings(whole)
    assert spark.skipped == whole.skipped


def test_the_command_line_chooses_the_engine_and_its_memory(pkg):
    import subprocess
    import sys

    base = [sys.executable, "-m", "cnbef", "validate", str(pkg.root), "--sources", str(pkg.sources)]
    done = subprocess.run(base + ["--engine", "duckdb", "--memory-limit", "256MB"], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    BY_NAME["orphan_foreign_key"].damage(pkg)
    done = subprocess.run(base + ["--engine", "duckdb"], capture_output=True, text=True)
    assert done.returncode == 1 and "[foreign-key] column entity_id" in done.stdout
    done = subprocess.run(base + ["--engine", "duckdb", "--memory-limit", "lots"], capture_output=True, text=True)
    assert done.returncode == 2 and "--memory-limit lots" in done.stdout and "Traceback" not in done.stdout + done.stderr


@pytest.mark.spark
def test_the_spark_engine_leaves_nothing_in_the_temporary_folder(pkg, tmp_path):
    """Its own session, started and stopped by the command, takes its warehouse folder away with it."""
    import os
    import subprocess
    import sys

    scratch = tmp_path / "scratch"
    scratch.mkdir()
    done = subprocess.run([sys.executable, "-m", "cnbef", "validate", str(pkg.root), "--sources", str(pkg.sources),
                           "--engine", "spark"], capture_output=True, text=True, env={**os.environ, "TMPDIR": str(scratch)})
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    assert list(scratch.iterdir()) == []
