"""Diff, version policy, id stability and releases, on packages built in the tests."""
import json
import os
import subprocess
import sys
import tempfile

import pytest

from cnbef.package.metadata import stale_resources
from cnbef.releases.release import Refused, release
from cnbef.validation.validate import validate_package
from cnbef.releases.versioning import _ranges, bump_level, diff_packages, required_bump, reused_ids, version_problems
from conftest import ROOT, PackageCopy
from made_up_page import GROWTH, MONEY, S

NEW_FACT = f"{S}-f99"  # an id the tests add, release, retire and try to reuse

SCHEMA = {"fields": [{"name": "id", "type": "string"}, {"name": "measure", "type": "string"}, {"name": "value", "type": "number"}],
          "primaryKey": ["id"], "identityFields": ["measure"]}


def small(folder, rows, schema=SCHEMA, extra_tables=()):
    """A one-table package (plus optional empty tables) in ``folder``."""
    (folder / "data").mkdir(parents=True)
    (folder / "schemas").mkdir()
    resources = []
    for name, sch, body in [("facts", schema, rows), *extra_tables]:
        (folder / "schemas" / f"{name}.json").write_text(json.dumps(sch), encoding="utf-8")
        header = ",".join(f["name"] for f in sch["fields"])
        (folder / "data" / f"{name}.csv").write_text("\n".join([header, *body]) + "\n", encoding="utf-8")
        resources.append({"name": name, "path": f"data/{name}.csv", "schema": f"schemas/{name}.json"})
    (folder / "datapackage.json").write_text(json.dumps({"resources": resources}), encoding="utf-8")
    return folder


@pytest.fixture
def old(tmp_path):
    return small(tmp_path / "old", ["a,gdp,1", "b,cpi,2", "c,cpi,3"])


def test_rows_added_removed_changed_by_primary_key(old, tmp_path):
    new = small(tmp_path / "new", ["a,gdp,1.5", "c,cpi,3", "d,ppi,4"])
    d = diff_packages(old, new)["tables"]["facts"]
    assert d["added"] == ["d"] and d["removed"] == ["b"]
    assert d["changed"] == [{"key": "a", "changes": {"value": ["1", "1.5"]}}]
    assert d["reidentified"] == []


def test_identical_packages_have_no_diff_and_need_no_release(old):
    diff = diff_packages(old, old)
    assert diff["tables"] == {} and required_bump(diff) == (None, [])
    assert "nothing changed" in version_problems("1.0.0", "1.0.1", diff)[0]


def test_schema_changes_are_reported(old, tmp_path):
    schema = {**SCHEMA, "fields": SCHEMA["fields"][:2] + [{"name": "value", "type": "integer"}, {"name": "note", "type": "string"}]}
    new = small(tmp_path / "new", ["a,gdp,1,", "b,cpi,2,", "c,cpi,3,"], schema=schema)
    d = diff_packages(old, new)["tables"]["facts"]
    assert "field note added" in d["schema"]
    assert "field value: type 'number' -> 'integer'" in d["schema"]
    assert required_bump(diff_packages(old, new))[0] == "major"


def _constrained(**constraints):
    fields = [dict(f) for f in SCHEMA["fields"]]
    fields[1]["constraints"] = constraints
    return {**SCHEMA, "fields": fields}


@pytest.mark.parametrize("before, after, level", [
    ({"enum": ["gdp", "cpi"]}, {"enum": ["gdp", "cpi", "ppi"]}, "minor"),  # a value added to an enum
    ({"required": True, "enum": ["gdp", "cpi"]}, {"required": True}, "minor"),  # enum dropped (say, for a foreign key)
    ({"required": True}, {}, "minor"),  # required dropped: new rows may leave it empty
    ({"enum": ["gdp", "cpi", "ppi"]}, {"enum": ["gdp", "cpi"]}, "major"),  # a value no longer allowed
    ({}, {"required": True}, "major"),  # a new constraint narrows what rows may hold
    ({"pattern": "^[a-z]+$"}, {"pattern": "^[a-z]{3}$"}, "major"),
])
def test_widened_constraints_are_minor_and_narrowed_ones_major(tmp_path, before, after, level):
    rows = ["a,gdp,1", "b,cpi,2"]
    old = small(tmp_path / "old", rows, schema=_constrained(**before))
    new = small(tmp_path / "new", rows, schema=_constrained(**after))
    bump, reasons = required_bump(diff_packages(old, new))
    assert bump == level, reasons
    assert any("measure" in r for r in reasons)


def test_a_foreign_key_added_is_minor_and_one_removed_major(tmp_path):
    units = ("units", {"fields": [{"name": "id", "type": "string"}], "primaryKey": ["id"]}, ["gdp", "cpi"])
    linked = {**SCHEMA, "foreignKeys": [{"fields": ["measure"], "reference": {"resource": "units", "fields": ["id"]}}]}
    plain = small(tmp_path / "plain", ["a,gdp,1"], extra_tables=[units])
    with_fk = small(tmp_path / "fk", ["a,gdp,1"], schema=linked, extra_tables=[units])
    assert required_bump(diff_packages(plain, with_fk))[0] == "minor"
    assert required_bump(diff_packages(with_fk, plain))[0] == "major"


def test_table_added_is_minor(old, tmp_path):
    new = small(tmp_path / "new", ["a,gdp,1", "b,cpi,2", "c,cpi,3"], extra_tables=[("units", {**SCHEMA, "identityFields": []}, ["u,x,1"])])
    diff = diff_packages(old, new)
    assert diff["tables_added"] == ["units"] and required_bump(diff)[0] == "minor"


@pytest.mark.parametrize("rows, level", [
    (["a,gdp,1", "b,cpi,2", "c,cpi,3", "d,ppi,4"], "minor"),  # fact added
    (["a,gdp,1", "b,cpi,2.5", "c,cpi,3"], "patch"),  # value corrected
    (["a,gdp,1", "b,cpi,2"], "major"),  # fact removed
    (["a,gdp,1", "b,ppi,2", "c,cpi,3"], "major"),  # id b now means something else
])
def test_required_bump(old, tmp_path, rows, level):
    assert required_bump(diff_packages(old, small(tmp_path / "new", rows)))[0] == level


@pytest.mark.parametrize("old_v, new_v, level", [
    ("1.0.0", "2.0.0", "major"), ("1.2.3", "1.3.0", "minor"), ("1.2.3", "1.2.4", "patch"),
    ("1.2.3", "1.4.0", None), ("1.2.3", "1.3.1", None), ("1.2.3", "1.2.3", None), ("1.2.3", "0.9.0", None),
])
def test_bump_level(old_v, new_v, level):
    assert bump_level(old_v, new_v) == level


def test_wrong_bump_is_refused_with_the_reason(old, tmp_path):
    removed = diff_packages(old, small(tmp_path / "new", ["a,gdp,1", "b,cpi,2"]))
    (problem,) = version_problems("1.0.0", "1.1.0", removed)
    assert "need a major bump" in problem and "rows removed (c)" in problem
    assert version_problems("1.0.0", "2.0.0", removed) == []
    assert "does not follow" in version_problems("1.0.0", "3.0.0", removed)[0]


def test_reused_id_is_caught_across_releases(old, tmp_path):
    v2 = small(tmp_path / "v2", ["a,gdp,1", "b,cpi,2"])  # c retired in 2.0.0
    reused = small(tmp_path / "v3", ["a,gdp,1", "b,cpi,2", "c,ppi,9"])  # c comes back meaning ppi
    problems = reused_ids([("2.0.0", v2), ("1.0.0", old)], reused)
    assert any("facts c: in 1.0.0 it meant {'measure': 'cpi'}" in p for p in problems)
    same_meaning = small(tmp_path / "v3b", ["a,gdp,1", "b,cpi,2", "c,cpi,3"])
    assert any("retired after 1.0.0 and now used again" in p for p in reused_ids([("2.0.0", v2), ("1.0.0", old)], same_meaning))
    assert reused_ids([("1.0.0", old)], old) == []


def test_ranges_in_changelog():
    assert _ranges(["000-luohe-f01", "000-luohe-f02", "000-luohe-f03", "000-luohe-f05", "x"]) == \
        "`000-luohe-f01`–`03`, `000-luohe-f05`, `x`"


def test_stale_hash_fails_validation_and_the_check(tmp_path):
    PackageCopy(tmp_path)
    path = tmp_path / "data" / "units.csv"
    path.write_bytes(path.read_bytes().replace(b"percent,%,percent", b"percent,%,per cent"))
    assert stale_resources(tmp_path) == ["units"]
    rules = {p.rule for p in validate_package(tmp_path).problems if p.file == "data/units.csv"}
    assert {"hash-count", "byte-count"} & rules
    check = subprocess.run([sys.executable, str(ROOT / "scripts" / "refresh_metadata.py"), str(tmp_path), "--check"],
                           capture_output=True, text=True)
    assert check.returncode == 1 and "units" in check.stdout


def test_committed_metadata_is_fresh():
    assert stale_resources(ROOT) == []
    descriptor = json.loads((ROOT / "datapackage.json").read_text(encoding="utf-8"))
    assert all(r["hash"].startswith("sha256:") and r["bytes"] > 0 for r in descriptor["resources"])
    assert {"version", "created", "licenses", "sources", "contributors"} <= descriptor.keys()


# --- releases in a throw-away git repository


@pytest.fixture
def repo(pkg, monkeypatch):
    """The package with the made-up page, as a git repository of its own."""
    for var, value in {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.invalid",
                       "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.invalid"}.items():
        monkeypatch.setenv(var, value)
    pkg.drop_drafts()  # a release needs every page reviewed
    (pkg.root / "CHANGELOG.md").write_text("# Changelog\n\nIntro.\n", encoding="utf-8")
    git(pkg.root, "init", "-q")
    commit(pkg.root, "start")
    return pkg


def git(root, *args):
    return subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True, check=True).stdout


def commit(root, message):
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", message)


def add_fact(pkg, new_id, measure=None):
    rows = pkg.rows("facts")
    row = list(next(r for r in rows if r[0] == GROWTH))  # a made-up fact's numeral, for the prefecture: a fact of its own
    row[0], row[rows[0].index("region_id")] = new_id, pkg.prefecture
    if measure:
        row[rows[0].index("measure_id")] = measure
    pkg.write("facts", [rows[0], *sorted(rows[1:] + [row])])


def test_release_flow(repo):
    root = repo.root
    section = release(root, "1.0.0", "2026-11-26")
    assert "First release" in section and f"`{S}-f01`–`07`" in section  # the made-up page's seven facts
    assert "v1.0.0" in git(root, "tag")
    d = json.loads((root / "datapackage.json").read_text(encoding="utf-8"))
    assert d["version"] == "1.0.0" and d["created"] == "2026-11-26T00:00:00Z"
    assert "## [1.0.0] - 2026-11-26" in (root / "CHANGELOG.md").read_text(encoding="utf-8")

    with pytest.raises(Refused, match="nothing changed"):
        release(root, "1.0.1")

    add_fact(repo, NEW_FACT)
    with pytest.raises(Refused, match="uncommitted"):
        release(root, "1.1.0")
    commit(root, "add a fact")
    with pytest.raises(Refused, match="need a minor bump"):
        release(root, "1.0.1")
    section = release(root, "1.1.0", "2026-11-27")
    assert f"`{NEW_FACT}`" in section

    repo.set("facts", NEW_FACT, "note", "corrected")
    changelog = root / "CHANGELOG.md"
    text = changelog.read_text(encoding="utf-8")
    head, _, rest = text.partition("\n## ")
    changelog.write_text(f"{head}\n## [Unreleased]\n\n### Fixed\n- A note the audit found wrong.\n\n## {rest}", encoding="utf-8")
    commit(root, "correct a note")
    section = release(root, "1.1.1", "2026-11-28")
    assert f"{NEW_FACT}` note" in section
    # the notes written under [Unreleased] open the release's section, and the heading is gone
    assert section.startswith("## [1.1.1] - 2026-11-28\n\n### Fixed\n- A note the audit found wrong.\n")
    assert "[Unreleased]" not in changelog.read_text(encoding="utf-8")

    repo.delete("facts", NEW_FACT)
    commit(root, "remove a fact")
    with pytest.raises(Refused, match="need a major bump"):
        release(root, "1.2.0")
    release(root, "2.0.0", "2026-11-29")

    add_fact(repo, NEW_FACT, measure="tax_share_999")
    commit(root, "reuse an id")
    with pytest.raises(Refused, match=NEW_FACT):
        release(root, "2.1.0")
    git(root, "tag", "-d", "v1.0.0", "v1.1.0", "v1.1.1", "v2.0.0")  # a clone without tags: release commits stand in
    with pytest.raises(Refused, match=NEW_FACT):
        release(root, "2.1.0")
    changelog = (root / "CHANGELOG.md").read_text(encoding="utf-8")
    assert changelog.index("## [2.0.0]") < changelog.index("## [1.1.1]") < changelog.index("## [1.0.0]")


def test_invalid_package_is_not_released(repo):
    repo.set("facts", GROWTH, "unit_id", repo.get("facts", MONEY, "unit_id"))
    commit(repo.root, "break")
    with pytest.raises(Refused, match="not valid"):
        release(repo.root, "1.0.0")


def test_a_page_in_draft_is_not_released(repo):
    from made_up_page import DOC
    repo.set("documents", DOC, "status", "draft")
    commit(repo.root, "a page in review")
    with pytest.raises(Refused, match=f"{DOC} is in draft"):
        release(repo.root, "1.0.0")


def test_diff_script_on_git_revisions(repo):
    repo.set("facts", GROWTH, "note", "changed")
    commit(repo.root, "change")
    done = subprocess.run([sys.executable, str(ROOT / "scripts" / "diff.py"), "HEAD~1", "HEAD", "--repo", str(repo.root)],
                          capture_output=True, text=True)
    assert done.returncode == 0
    assert f"facts: ~ {GROWTH} note: '' -> 'changed'" in done.stdout
    assert "required bump: patch" in done.stdout
    as_json = subprocess.run([sys.executable, str(ROOT / "scripts" / "diff.py"), "HEAD~1", "HEAD", "--repo", str(repo.root),
                              "--format", "json"], capture_output=True, text=True)
    assert json.loads(as_json.stdout)["tables"]["facts"]["changed"][0]["key"] == GROWTH
    bad = subprocess.run([sys.executable, str(ROOT / "scripts" / "diff.py"), "no-such-rev", "HEAD", "--repo", str(repo.root)],
                         capture_output=True, text=True)
    assert bad.returncode == 2 and "Traceback" not in bad.stderr


def test_release_updates_citation_and_chart(repo):
    import shutil
    shutil.copy(ROOT / "CITATION.cff", repo.root)
    (repo.root / "docs").mkdir()
    shutil.copy(ROOT / "docs" / "key-indicators.png", repo.root / "docs")
    commit(repo.root, "citation and chart")
    release(repo.root, "1.0.0", "2026-11-26")
    repo.set("facts", GROWTH, "note", "corrected")
    commit(repo.root, "correct")
    release(repo.root, "1.0.1", "2027-01-02")
    citation = (repo.root / "CITATION.cff").read_text(encoding="utf-8")
    assert 'version: "1.0.1"' in citation and 'date-released: "2027-01-02"' in citation
    assert (repo.root / "docs" / "key-indicators.png").read_bytes() != (ROOT / "docs" / "key-indicators.png").read_bytes()
    assert git(repo.root, "status", "--porcelain") == ""


def test_releases_are_found_in_a_clone_without_tags(repo, tmp_path):
    """The repository records its releases itself: datapackage.json's version history, not only tags."""
    release(repo.root, "1.0.0", "2026-11-26")
    repo.set("facts", GROWTH, "note", "corrected")
    commit(repo.root, "correct a note")
    release(repo.root, "1.0.1", "2026-11-27")
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", "--no-tags", str(repo.root), str(clone)], check=True)
    assert git(clone, "tag") == ""
    # Rewrite every commit message, as a squash-and-rename merge would: only the descriptor still tells.
    subprocess.run(["git", "-C", str(clone), "filter-branch", "-f", "--msg-filter", "sed s/Release/Published/"],
                   capture_output=True, check=True, env={**os.environ, "FILTER_BRANCH_SQUELCH_WARNING": "1"})
    assert "Release v" not in git(clone, "log", "--format=%s")
    for spec in ("v1.0.0", "1.0.0"):
        done = subprocess.run([sys.executable, str(ROOT / "scripts" / "diff.py"), spec, "v1.0.1", "--repo", str(clone)],
                              capture_output=True, text=True)
        assert done.returncode == 0, done.stdout + done.stderr
        assert f"facts: ~ {GROWTH} note: '' -> 'corrected'" in done.stdout
    missing = subprocess.run([sys.executable, str(ROOT / "scripts" / "diff.py"), "v9.9.9", "HEAD", "--repo", str(clone)],
                             capture_output=True, text=True)
    assert missing.returncode == 2 and "neither a folder nor a git revision" in missing.stdout


def test_diff_validate_and_release_leave_nothing_in_the_temporary_folder(repo, tmp_path, monkeypatch):
    repo.set("facts", GROWTH, "note", "changed")
    commit(repo.root, "change")
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    env = {**os.environ, "TMPDIR": str(scratch)}
    for command in (["diff", "HEAD~1", "HEAD", "--repo", str(repo.root)], ["validate", str(repo.root)]):
        done = subprocess.run([sys.executable, "-m", "cnbef", *command], capture_output=True, text=True, env=env, cwd=ROOT)
        assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    release(repo.root, "1.0.0", "2026-11-26")
    assert list(scratch.iterdir()) == []
