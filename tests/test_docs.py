"""The README stays true: its data dictionary is current and its Python examples run."""
import os
import re
import subprocess
import sys

from cnbef.docs import render
from conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_generated_parts_are_current():
    assert render(README, ROOT) == README, "run python scripts/docs.py"


def test_data_dictionary_lists_every_field():
    assert "| `fact_id` | string | primary key;" in README
    assert "| `region_id` | string | required; pattern" in README
    assert "regions.region_id" in README


def test_python_examples_run():
    blocks = re.findall(r"```python\n(.*?)```", README, flags=re.S)
    assert blocks
    with open(ROOT / "data" / "facts.csv", encoding="utf-8") as fh:
        n = sum(1 for _ in fh) - 1
    code = "\n".join(blocks) + f"\nassert len(facts) == {n} and len(flat) == {n} and len(rows) > 5\n"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_readme_names_every_rule_the_validator_runs():
    from cnbef.provenance import CHECKS
    from cnbef.rules import RULES
    assert [name for name in [*RULES, *CHECKS] if f"`{name}`" not in README] == []
