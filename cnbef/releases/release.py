"""Cutting a release: validate, diff against the previous release, check the version, write, tag."""
from __future__ import annotations

import datetime as dt
import json
import re
import subprocess
import tempfile
from pathlib import Path

from cnbef.package.metadata import refreshed, write_descriptor
from cnbef.package.tables import read_text_table
from cnbef.validation.checks.provenance import in_draft
from cnbef.validation.validate import validate_package
from cnbef.releases.versioning import changelog_section, diff_packages, materialize, releases, reused_ids, version_problems

CHANGELOG = "CHANGELOG.md"
CITATION = "CITATION.cff"
CHART = "docs/key-indicators.png"
EMPTY_PACKAGE = {"resources": []}


class Refused(Exception):
    """The release breaks the policy; nothing was written."""


def _git(repo: Path, *args) -> str:
    return subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True, check=True).stdout.strip()


def history(repo: Path, workdir: Path) -> list[tuple[str, Path]]:
    """(version, package folder under ``workdir``) of every earlier release, newest first."""
    return [(version, materialize(rev, repo, workdir)) for version, rev in releases(repo)]


def _empty_package(workdir: Path) -> Path:
    folder = workdir / "empty"
    folder.mkdir()
    (folder / "datapackage.json").write_text(json.dumps(EMPTY_PACKAGE), encoding="utf-8")
    return folder


def plan(repo: Path, version: str, sources: Path | None) -> dict:
    """Everything release() would do, checked; raises Refused with every reason."""
    reasons = []
    if _git(repo, "status", "--porcelain"):
        reasons.append("the work tree has uncommitted changes; commit or stash them first")
    report = validate_package(repo, sources)
    if not report.valid:
        reasons.append(f"the package is not valid ({len(report.problems)} problems); run scripts/validate.py")
    reasons += [f"{doc} is in draft (documents.status): finish its review with cnbef add, or take its rows out, before a release"
                for doc in in_draft(read_text_table(repo / "data" / "documents.csv"))]
    with tempfile.TemporaryDirectory(prefix="cnbef-release-") as workdir:
        past = history(repo, Path(workdir))
        previous_version, previous_dir = past[0] if past else (None, _empty_package(Path(workdir)))
        if any(v == version for v, _ in releases(repo)):
            reasons.append(f"v{version} is already released")
        diff = diff_packages(previous_dir, repo)
        reasons += version_problems(previous_version, version, diff)
        reasons += reused_ids(past, repo)
    if reasons:
        raise Refused("\n".join(reasons))
    return {"previous": previous_version, "diff": diff}


UNRELEASED = "[Unreleased]"


def release(repo: Path, version: str, date: str | None = None, sources: Path | None = None, tag: bool = True) -> str:
    repo = Path(repo)
    checked = plan(repo, version, sources)
    date = date or dt.date.today().isoformat()
    descriptor = refreshed(repo)
    descriptor["version"] = version
    descriptor["created"] = f"{date}T00:00:00Z"
    write_descriptor(repo, descriptor)
    touched = _refresh_version_files(repo, version, date)
    section = changelog_section(version, date, checked["diff"], first=checked["previous"] is None)
    path = repo / CHANGELOG
    text = path.read_text(encoding="utf-8") if path.exists() else "# Changelog\n\n"
    head, sep, rest = text.partition("\n## ")
    if rest.startswith(UNRELEASED):  # Keep a Changelog: the notes written while working open the release's section
        notes, sep, rest = rest[len(UNRELEASED):].partition("\n## ")
        title, _, listing = section.partition("\n")
        section = f"{title}\n\n{notes.strip()}\n{listing}" if notes.strip() else section
    path.write_text(f"{head.rstrip()}\n\n{section}\n" + (f"## {rest}" if sep else ""), encoding="utf-8")
    _git(repo, "add", "datapackage.json", CHANGELOG, *touched)
    _git(repo, "commit", "-q", "-m", f"Release v{version}")
    if tag:
        _git(repo, "tag", "-a", f"v{version}", "-m", f"cn-business-environment-facts {version}")
    return section


def _refresh_version_files(repo: Path, version: str, date: str) -> list[str]:
    """Files that show the version: CITATION.cff and the chart, when the repository has them."""
    touched = []
    citation = repo / CITATION
    if citation.exists():
        text = re.sub(r'(?m)^version: .*$', f'version: "{version}"', citation.read_text(encoding="utf-8"))
        citation.write_text(re.sub(r'(?m)^date-released: .*$', f'date-released: "{date}"', text), encoding="utf-8")
        touched.append(CITATION)
    if (repo / CHART).exists():
        from cnbef.publish.chart import write_chart  # matplotlib only where there is a chart to draw
        write_chart(repo, repo / CHART)
        touched.append(CHART)
    return touched
