"""Synthetic packages, progress feedback and the benchmark script: correctness only (figures come from scripts/bench.py)."""
import io
import subprocess
import sys

import pytest

from cnbef.tools import bench
from cnbef.tools.synth import build
from cnbef.validation.validate import Progress, validate_package
from conftest import ROOT


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory):
    return build(3000, tmp_path_factory.mktemp("synth"), seed=7)


def test_synthetic_package_is_valid_with_every_rule(synthetic):
    report = validate_package(synthetic, synthetic / "sources")
    assert report.problems == [] and report.skipped == [] and report.facts == 3000


def test_synthetic_package_uses_every_unit_dimension_and_measure_kind(synthetic):
    import pandas as pd
    facts = pd.read_csv(synthetic / "data" / "facts.csv", dtype=str)
    measures = pd.read_csv(synthetic / "data" / "measures.csv", dtype=str)
    kinds = set(facts.merge(measures, on="measure_id")["kind_id"])
    assert kinds == set(pd.read_csv(ROOT / "data" / "measure_kinds.csv", dtype=str)["kind_id"])
    regions = pd.read_csv(synthetic / "data" / "regions.csv", dtype=str)
    from cnbef.package import divisions
    from cnbef.tools.synth import COUNTIES, PREFECTURES, PROVINCES
    levels = regions["level"].value_counts().to_dict()
    assert levels["province"] == PROVINCES and levels["prefecture"] <= PROVINCES * PREFECTURES < 2 * levels["prefecture"]
    assert levels["county"] <= PROVINCES * PREFECTURES * COUNTIES < 2 * levels["county"]
    assert set(regions["region_id"]) <= set(divisions.current())  # codes in use, as region_code asks


def test_synthetic_faults_are_found_at_scale(synthetic, tmp_path):
    import shutil
    from conftest import PackageCopy
    copy = tmp_path / "copy"
    shutil.copytree(synthetic, copy)
    pkg = PackageCopy.__new__(PackageCopy)
    pkg.root = copy
    rows = pkg.rows("facts")
    row = rows[2500]
    row[rows[0].index("unit_id")] = "yi_yuan" if row[rows[0].index("unit_id")] == "percent" else "percent"
    pkg.write("facts", rows)
    report = validate_package(copy, copy / "sources")
    assert [(p.row, p.rule) for p in report.problems if p.rule == "unit_dimension"] == [(2501, "unit_dimension")]


def test_progress_is_reported_for_large_packages_only():
    out = io.StringIO()
    say = Progress(True, stream=out)
    say("reading data/facts.csv (202.8 MB)")
    assert "reading data/facts.csv" in out.getvalue() and out.getvalue().startswith("[")
    quiet = io.StringIO()
    Progress(False, stream=quiet)("nothing")
    assert quiet.getvalue() == ""


def test_validate_prints_progress_on_request(tmp_path):
    done = subprocess.run([sys.executable, str(ROOT / "scripts" / "validate.py"), str(ROOT), "--progress"],
                          capture_output=True, text=True)
    assert done.returncode == 0 and "checking semantic rules" in done.stderr and "reading data/facts.csv" in done.stderr


@pytest.mark.slow
def test_benchmark_measures_and_reports(tmp_path):
    rows = bench.run([1000, 2000], frictionless_limit=60, workdir=tmp_path, say=lambda _: None)
    assert [r["facts"] for r in rows] == [1000, 2000]
    for r in rows:
        for engine in ("fast", "duckdb"):
            assert r[engine]["seconds"] > 0 and r["frictionless"]["rows"] == r[engine]["rows"] and r["read_csv"]["rows"] > 0
            assert f"| {engine} " in bench.line(r) and "faster than frictionless" in bench.line(r)
        assert bench.growth(rows, 1000, 2000, "duckdb") is not None


@pytest.mark.slow
def test_frictionless_is_skipped_past_the_limit(tmp_path):
    rows = bench.run([1000, 2000], frictionless_limit=0.0001, workdir=tmp_path, say=lambda _: None)
    assert "frictionless" in rows[0] and "over the" in rows[1]["frictionless_skipped"]


