"""The package installs like any Python package: a wheel with the data inside, one version everywhere."""
import json
import os
import re
import subprocess
import sys
import tomllib
import zipfile

import pytest

import cnbef
from conftest import ROOT

VERSION = json.loads((ROOT / "datapackage.json").read_text(encoding="utf-8"))["version"]


def test_the_version_is_declared_once_and_read_everywhere():
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert "version" not in pyproject["project"] and pyproject["project"]["dynamic"] == ["version"]
    assert pyproject["tool"]["hatch"]["version"]["path"] == "datapackage.json"
    assert cnbef.__version__ == VERSION
    citation = (ROOT / "CITATION.cff").read_text(encoding="utf-8")
    assert f'version: "{VERSION}"' in citation, "CITATION.cff and datapackage.json disagree on the version"
    done = subprocess.run([sys.executable, "-m", "cnbef", "--version"], capture_output=True, text=True, cwd=ROOT)
    assert done.stdout.strip() == f"cn-business-environment-facts {VERSION}"


def test_dependencies_are_ranges_and_the_lock_pins_them():
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    pins = dict(line.split("==") for line in (ROOT / "requirements.txt").read_text().splitlines() if "==" in line)
    pins = {k.lower().replace("_", "-"): v for k, v in pins.items()}
    for requirement in pyproject["project"]["dependencies"]:
        name, low, high = re.fullmatch(r"([A-Za-z0-9_.-]+)>=([0-9.]+),<([0-9.]+)", requirement).groups()
        pinned = tuple(int(x) for x in pins[name.lower()].split(".")[:2])
        assert tuple(int(x) for x in low.split(".")[:2]) <= pinned < tuple(int(x) for x in (high.split(".") + ["0"])[:2]), requirement


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    out = tmp_path_factory.mktemp("wheel")
    done = subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(out), str(ROOT)],
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    (path,) = out.glob("*.whl")
    return path


def test_the_wheel_carries_the_data_package_and_its_version(wheel):
    assert wheel.name == f"cn_business_environment_facts-{VERSION}-py3-none-any.whl"
    names = zipfile.ZipFile(wheel).namelist()
    for resource in json.loads((ROOT / "datapackage.json").read_text(encoding="utf-8"))["resources"]:
        assert f"cnbef/bundled/{resource['path']}" in names and f"cnbef/bundled/{resource['schema']}" in names
    assert "cnbef/bundled/datapackage.json" in names and "cnbef/validation/checks/contract.json" in names


def test_installed_in_a_fresh_venv_it_loads_the_data_from_any_folder(wheel, tmp_path):
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    done = subprocess.run([str(venv / "bin" / "pip"), "install", "-q", str(wheel)], capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stderr[-2000:]
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH",)}
    code = "import cnbef, json; t = cnbef.load(); print(json.dumps([cnbef.__version__, len(t['facts']), str(cnbef.PACKAGE_DIR)]))"
    done = subprocess.run([str(venv / "bin" / "python"), "-c", code], capture_output=True, text=True, cwd=elsewhere, env=env)
    assert done.returncode == 0, done.stderr
    version, facts, where = json.loads(done.stdout)
    with open(ROOT / "data" / "facts.csv", encoding="utf-8") as fh:
        assert (version, facts) == (VERSION, sum(1 for _ in fh) - 1)
    assert where.startswith(str(venv)) and str(ROOT) not in where
    valid = subprocess.run([str(venv / "bin" / "cnbef"), "validate"], capture_output=True, text=True, cwd=elsewhere, env=env)
    assert valid.returncode == 0 and "0 problems" in valid.stdout, valid.stdout[-2000:]


IMPORT_PROBE = """
import json, sys, threading, warnings
opened = []
sys.addaudithook(lambda event, args: opened.append(str(args[0])) if event == "open" else None)
filters = list(warnings.filters)
import cnbef
data = [p for p in opened if not p.endswith((".py", ".pyc", ".pth", ".so")) and "__pycache__" not in p]
print(json.dumps({"opened": data, "threads": threading.active_count(), "filters": warnings.filters == filters,
                  "heavy": sorted(m for m in ("pandas", "matplotlib", "duckdb", "frictionless", "pandera") if m in sys.modules)}))
"""


def test_importing_cnbef_reads_no_file_starts_no_thread_and_changes_no_setting():
    done = subprocess.run([sys.executable, "-c", IMPORT_PROBE], capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {"opened": [], "threads": 1, "filters": True, "heavy": []}


def test_a_broken_descriptor_in_the_checkout_does_not_stop_import_or_version(tmp_path):
    """The checkout's own datapackage.json broken: import, --version and validate still answer, without a traceback."""
    import shutil
    copy = tmp_path / "checkout"
    shutil.copytree(ROOT / "cnbef", copy / "cnbef", ignore=shutil.ignore_patterns("__pycache__", "bundled"))
    for folder in ("data", "schemas"):
        shutil.copytree(ROOT / folder, copy / folder)
    (copy / "datapackage.json").write_text('{"name": "cn-business-environment-facts",', encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(copy)}
    version = subprocess.run([sys.executable, "-m", "cnbef", "--version"], capture_output=True, text=True, cwd=copy, env=env)
    assert version.returncode == 0 and version.stdout.startswith("cn-business-environment-facts "), version.stderr
    done = subprocess.run([sys.executable, "-m", "cnbef", "validate", "--format", "json"], capture_output=True, text=True,
                          cwd=copy, env=env)
    assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr
    problems = json.loads(done.stdout)["problems"]
    assert any(p["file"] == "datapackage.json" and p["rule"] == "descriptor" and "not valid JSON" in p["message"] for p in problems)
