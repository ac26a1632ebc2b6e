"""The README stays true: its data dictionary is current and its Python examples run."""
import os
import re
import subprocess
import sys

from cnbef.publish.docs import rendered
from conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


VALIDATION = (ROOT / "docs" / "validation.md").read_text(encoding="utf-8")
DICTIONARY = (ROOT / "docs" / "data-dictionary.md").read_text(encoding="utf-8")


def test_generated_parts_are_current():
    stale = [path.name for path, (current, wanted) in rendered(ROOT).items() if current != wanted]
    assert stale == [], "run cnbef docs"


def test_without_the_source_texts_the_draft_accuracy_is_left_and_said_skipped(tmp_path):
    done = subprocess.run([sys.executable, "-m", "cnbef", "docs", "--check", "--sources", str(tmp_path / "absent")],
                          cwd=ROOT, capture_output=True, text=True)
    assert "skipped: the draft's accuracy in docs/curation.md" in done.stdout
    curation = ROOT / "docs" / "curation.md"
    assert rendered(ROOT, tmp_path / "absent")[curation][1] == curation.read_text(encoding="utf-8")


def test_data_dictionary_lists_every_field():
    assert "| `fact_id` | string | primary key;" in DICTIONARY
    assert "| `region_id` | string | required; pattern" in DICTIONARY
    assert "regions.region_id" in DICTIONARY


def test_python_examples_run(tmp_path):
    """They run, and leave nothing in the temporary folder."""
    blocks = re.findall(r"```python\n(.*?)```", README, flags=re.S)
    assert blocks
    with open(ROOT / "data" / "facts.csv", encoding="utf-8") as fh:
        n = sum(1 for _ in fh) - 1
    code = "\n".join(blocks) + f"\nassert len(facts) == {n} and len(flat) == {n} and len(rows) > 5\n"
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    env = {**os.environ, "PYTHONPATH": str(ROOT), "TMPDIR": str(scratch)}
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert list(scratch.iterdir()) == []


def test_readme_names_every_rule_the_validator_runs():
    from cnbef.validation.checks.provenance import CHECKS
    from cnbef.validation.checks.rules import RULES
    assert [name for name in [*RULES, *CHECKS] if f"`{name}`" not in VALIDATION] == []


def test_every_doc_the_readme_links_exists_and_links_back():
    import re
    linked = re.findall(r"\]\((docs/[a-z-]+\.md)\)", README)
    assert set(linked) == {f"docs/{p.name}" for p in (ROOT / "docs").glob("*.md")}
    assert all("../README.md" in (ROOT / name).read_text(encoding="utf-8") for name in linked)


def test_the_readme_reads_in_a_minute():
    """Data users first: how to get a table comes before any set-up; the README stays short."""
    assert README.index("## Get the data") < README.index("## Set up on a fresh machine")
    assert len(README.splitlines()) < 160
