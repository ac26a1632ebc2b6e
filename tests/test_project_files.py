"""Project files agree with the package and with each other: CITATION.cff, the CI workflow, the pre-commit hooks."""
import json
import os
import re
import shlex

import yaml  # PyYAML, pinned in requirements.txt

from conftest import ROOT

DESCRIPTOR = json.loads((ROOT / "datapackage.json").read_text(encoding="utf-8"))
CI_RUN = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
WORKFLOW_PATH = ROOT / ".github" / "workflows" / "ci.yml"
PRE_COMMIT_CONFIG = ROOT / ".pre-commit-config.yaml"
PRE_COMMIT_SCRIPT = ROOT / "scripts" / "pre-commit"
PYTHON = ".venv/bin/python"


def _load(path):
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _ci_run_command(word: str) -> str:
    """The one command line of .ci/run that contains ``word``."""
    (line,) = [ln.strip() for ln in CI_RUN.splitlines() if word in ln and not ln.lstrip().startswith("#")]
    return line


def _workflow_runs() -> list[str]:
    workflow = _load(WORKFLOW_PATH)
    (job,) = workflow["jobs"].values()
    return [step["run"].strip() for step in job["steps"] if "run" in step]


# --- CITATION.cff


def test_citation_matches_the_descriptor():
    cff = _load(ROOT / "CITATION.cff")
    assert cff["cff-version"] == "1.2.0"
    assert cff["message"]
    assert cff["title"] == DESCRIPTOR["name"] == "cn-business-environment-facts"
    assert cff["type"] == "dataset"
    # Quoted in the file, so YAML keeps them as text and not as a number or a date.
    assert cff["version"] == DESCRIPTOR["version"], "CITATION.cff: version differs from datapackage.json"
    assert cff["date-released"] == DESCRIPTOR["created"][:10], (
        "CITATION.cff: date-released differs from datapackage.json's created date")
    assert cff["authors"] == [{"name": "cn-business-environment-facts maintainers"}]
    assert cff["license"] == "CC-BY-4.0" == DESCRIPTOR["licenses"][0]["name"]
    assert cff["abstract"] == DESCRIPTOR["description"]
    assert cff["keywords"] == DESCRIPTOR["keywords"]


# --- GitHub Actions workflow


def test_workflow_runs_the_ci_test_command():
    workflow = _load(WORKFLOW_PATH)
    triggers = workflow.get("on", workflow.get(True))  # YAML 1.1 reads a bare `on` key as True
    assert set(triggers) == {"push", "pull_request"}
    (job,) = workflow["jobs"].values()
    assert job["runs-on"] == "ubuntu-latest"
    (setup,) = [s for s in job["steps"] if str(s.get("uses", "")).startswith("actions/setup-python@")]
    assert str(setup["with"]["python-version"]) == "3.11"
    test = _ci_run_command("pytest")
    assert test == ("python3 -m venv .venv && .venv/bin/pip install -q -r requirements.txt -e . "
                    "&& .venv/bin/python -m pytest -q")
    runs = _workflow_runs()
    assert runs[0] == test, "the workflow's first command must be .ci/run's test command"
    assert test in (ROOT / "README.md").read_text(encoding="utf-8"), "the README's test command changed"


def test_workflow_validates_without_the_private_sources():
    validate = _ci_run_command("cnbef validate")
    assert validate.endswith(" --sources ../shared/sources")
    runs = _workflow_runs()
    assert runs[1:] == [validate.removesuffix(" --sources ../shared/sources")]
    assert validate.startswith(".venv/bin/cnbef validate") and (ROOT / "scripts" / "validate.py").is_file()  # the alias stays


# --- pre-commit


def _hooks() -> dict[str, dict]:
    config = _load(PRE_COMMIT_CONFIG)
    (repo,) = config["repos"]
    assert repo["repo"] == "local"
    return {h["id"]: h for h in repo["hooks"]}


def test_pre_commit_hooks_run_existing_scripts():
    hooks = _hooks()
    assert len(hooks) == 3
    for hook_id, hook in hooks.items():
        assert hook["language"] == "system", hook_id
        assert hook["pass_filenames"] is False, hook_id
        python, script, *_ = shlex.split(hook["entry"])
        assert python == PYTHON, hook_id
        assert script.startswith("scripts/") and (ROOT / script).is_file(), f"{hook_id}: no {script}"
    entries = sorted(h["entry"] for h in hooks.values())
    assert entries == sorted([f"{PYTHON} scripts/refresh_metadata.py --check", f"{PYTHON} scripts/validate.py",
                              f"{PYTHON} scripts/docs.py --check"])


def test_pre_commit_hooks_run_on_package_files():
    for hook_id, hook in _hooks().items():
        files = re.compile(hook["files"])
        for path in ("data/facts.csv", "schemas/facts.json", "datapackage.json"):
            assert files.search(path), f"{hook_id} does not run for {path}"
        for path in ("cnbef/publish/chart.py", "tests/test_data.py", "docs/key-indicators.png"):
            assert not files.search(path), f"{hook_id} runs for {path}"
        assert bool(files.search("README.md")) == ("docs.py" in hook["entry"]), hook_id


def test_plain_pre_commit_script_runs_the_same_commands():
    assert os.access(PRE_COMMIT_SCRIPT, os.X_OK), "scripts/pre-commit must be executable"
    script = PRE_COMMIT_SCRIPT.read_text(encoding="utf-8")
    assert script.startswith("#!/usr/bin/env bash\n")
    assert f"PYTHON={PYTHON}\n" in script
    for hook in _hooks().values():
        command = hook["entry"].replace(PYTHON, '"$PYTHON"', 1)
        assert f"run {command}\n" in script, f"scripts/pre-commit does not run {hook['entry']}"
        assert f"'{hook['files']}'" in script, f"scripts/pre-commit does not use the pattern {hook['files']}"
