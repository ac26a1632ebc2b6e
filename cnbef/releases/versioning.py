"""Versions of the package: a keyed data diff, the version policy, and id stability.

Rows are compared by each table's primary key with csv-diff (a maintained, keyed
CSV diff that reports per-field old -> new values); schemas are compared field by
field. Which fields give a row its meaning is declared in its Table Schema as
``identityFields``: changing one of them for an existing id is reusing the id.
"""
from __future__ import annotations

import io
import json
import re
import subprocess
import tarfile
import tempfile
from pathlib import Path

from csv_diff import compare, load_csv

from cnbef.package.tables import read_descriptor, resource_schema, table_files

LEVELS = ("patch", "minor", "major")


# --- getting a version of the package -------------------------------------------------


def materialize(spec: str, repo: Path, workdir: Path) -> Path:
    """A folder holding the package as ``spec`` names it: an existing folder, or a git revision of ``repo``
    extracted into a new folder under ``workdir`` (the caller's, which it removes when done)."""
    if Path(spec).is_dir():
        return Path(spec)
    spec = release_revision(repo, spec) or spec
    out = Path(tempfile.mkdtemp(prefix="revision-", dir=workdir))
    try:
        tar = subprocess.run(["git", "-C", str(repo), "archive", "--format=tar", spec, "--", "datapackage.json", "data", "schemas"],
                             capture_output=True, check=True).stdout
    except subprocess.CalledProcessError as exc:
        raise ValueError(f"{spec!r} is neither a folder nor a git revision with a package: {exc.stderr.decode().strip()}") from exc
    with tarfile.open(fileobj=io.BytesIO(tar)) as archive:
        archive.extractall(out, filter="data")
    return out


def _git_ok(repo: Path, *args) -> str | None:
    done = subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True)
    return done.stdout.strip() if done.returncode == 0 else None


def release_revision(repo: Path, spec: str) -> str | None:
    """The commit of release ``spec`` (v1.2.0 or 1.2.0) when git does not know it as a revision (a clone without tags).

    The repository records its releases itself: the release commit is the one that set
    datapackage.json's "version" to that number (release.py writes it there); the "Release vX.Y.Z"
    commit message is a second witness.
    """
    m = re.fullmatch(r"v?(\d+\.\d+\.\d+)", spec)
    if m is None or _git_ok(repo, "rev-parse", "--verify", "--quiet", f"{spec}^{{commit}}"):
        return None
    version = m.group(1)
    by_descriptor = _git_ok(repo, "log", "--reverse", "--format=%H", "-G", f'"version": "{re.escape(version)}"', "--", "datapackage.json")
    for sha in (by_descriptor or "").split():
        described = _git_ok(repo, "show", f"{sha}:datapackage.json")
        if described and json.loads(described).get("version") == version:
            return sha
    return next((sha for v, sha in releases(repo) if v == version), None)


def release_tags(repo: Path) -> list[str]:
    """Release tags vX.Y.Z reachable from HEAD, newest version first."""
    done = subprocess.run(["git", "-C", str(repo), "tag", "--merged", "HEAD", "--list", "v[0-9]*.[0-9]*.[0-9]*",
                           "--sort=-v:refname"], capture_output=True, text=True)
    return done.stdout.split() if done.returncode == 0 else []


def releases(repo: Path) -> list[tuple[str, str]]:
    """(version, git revision) of every earlier release, newest first.

    Tags vX.Y.Z are the record; where a clone has no tags, the "Release vX.Y.Z" commits
    that release.py makes stand in for them.
    """
    tags = release_tags(repo)
    if tags:
        return [(t[1:], t) for t in tags]
    done = subprocess.run(["git", "-C", str(repo), "log", "--format=%H %s"], capture_output=True, text=True)
    found = [line.split(" ", 1) for line in done.stdout.splitlines()] if done.returncode == 0 else []
    return [(m.group(1), sha) for sha, subject in found if (m := re.fullmatch(r"Release v(\d+\.\d+\.\d+)", subject))]


# --- the diff ------------------------------------------------------------------------


def _tables(package_dir: Path) -> dict:
    out = {}
    for res in read_descriptor(package_dir)["resources"]:
        out[res["name"]] = (table_files(package_dir, res), resource_schema(package_dir, res))
    return out


def _rows(paths: list[Path], key: str) -> dict:
    rows = {}
    for path in paths:  # a multi-part table: its parts together
        with open(path, encoding="utf-8-sig", newline="") as fh:  # utf-8-sig: the spreadsheet table has a BOM
            rows.update(load_csv(fh, key=key))
    return rows


WIDENED = " widened"  # a change that only lets more rows in: every existing row keeps its meaning


def _constraint_changes(name: str, old: dict, new: dict) -> list[str]:
    """Each changed constraint, marked widened when it only admits more values (a MINOR change)."""
    changes = []
    for key in sorted(old.keys() | new.keys()):
        a, b = old.get(key), new.get(key)
        if a == b:
            continue
        widened = (b is None or b is False  # dropped: required, unique, pattern, enum no longer apply
                   or (key == "enum" and a is not None and set(a) <= set(b))
                   or (key == "minimum" and a is not None and b <= a) or (key == "maximum" and a is not None and b >= a))
        changes.append(f"field {name}: constraint {key} {a!r} -> {b!r}" + (WIDENED if widened else ""))
    return changes


def _schema_changes(old: dict, new: dict) -> list[str]:
    """Schema changes; those ending in " added" or " widened" admit more rows without changing existing ones."""
    changes = []
    of, nf = {f["name"]: f for f in old["fields"]}, {f["name"]: f for f in new["fields"]}
    changes += [f"field {n} removed" for n in of if n not in nf]
    changes += [f"field {n} added" for n in nf if n not in of]
    for n in of.keys() & nf.keys():
        changes += _constraint_changes(n, of[n].get("constraints", {}), nf[n].get("constraints", {}))
        for prop in ("type", "format"):
            if of[n].get(prop) != nf[n].get(prop):
                changes.append(f"field {n}: {prop} {of[n].get(prop)!r} -> {nf[n].get(prop)!r}")
    if [f["name"] for f in old["fields"] if f["name"] in nf] != [f["name"] for f in new["fields"] if f["name"] in of]:
        changes.append("fields reordered")
    old_fks, new_fks = old.get("foreignKeys", []), new.get("foreignKeys", [])
    changes += [f"foreign key {fk['fields']} -> {fk['reference']['resource'] or 'itself'} added" for fk in new_fks if fk not in old_fks]
    changes += [f"foreign key {fk['fields']} -> {fk['reference']['resource'] or 'itself'} removed" for fk in old_fks if fk not in new_fks]
    for prop in ("primaryKey", "identityFields"):
        if old.get(prop) != new.get(prop):
            changes.append(f"{prop} {old.get(prop)!r} -> {new.get(prop)!r}")
    return sorted(changes)


def diff_packages(old_dir: Path, new_dir: Path) -> dict:
    """Rows added, removed and changed (old -> new per field) by primary key, and schema changes, per table."""
    old, new = _tables(old_dir), _tables(new_dir)
    result = {"tables_added": sorted(new.keys() - old.keys()), "tables_removed": sorted(old.keys() - new.keys()), "tables": {}}
    for name in sorted(new.keys() & old.keys()):
        (old_path, old_schema), (new_path, new_schema) = old[name], new[name]
        key = new_schema["primaryKey"][0]
        d = compare(_rows(old_path, key), _rows(new_path, key))
        identity = set(new_schema.get("identityFields", []))
        entry = {
            "added": sorted(r[key] for r in d["added"]),
            "removed": sorted(r[key] for r in d["removed"]),
            "changed": sorted(({"key": c["key"], "changes": {f: list(v) for f, v in sorted(c["changes"].items())}}
                               for c in d["changed"]), key=lambda c: c["key"]),
            "schema": _schema_changes(old_schema, new_schema),
        }
        entry["reidentified"] = [c["key"] for c in entry["changed"] if identity & c["changes"].keys()]
        if any(entry.values()):
            result["tables"][name] = entry
    for name in result["tables_added"]:
        path, schema = new[name]
        key = schema["primaryKey"][0]
        result["tables"][name] = {"added": sorted(_rows(path, key)), "removed": [], "changed": [], "schema": ["table added"], "reidentified": []}
    return result




# --- the version policy --------------------------------------------------------------


def required_bump(diff: dict) -> tuple[str | None, list[str]]:
    """The smallest bump the policy demands, and why.

    MAJOR: a row removed, a column removed or retyped, a constraint narrowed, a foreign key removed,
    a table removed, an id's meaning changed. MINOR: rows, columns, tables or foreign keys added, a
    constraint widened (an enum value added, required dropped). PATCH: values corrected in place.
    """
    reasons = {level: [] for level in LEVELS}
    reasons["major"] += [f"table {t} removed" for t in diff["tables_removed"]]
    reasons["minor"] += [f"table {t} added" for t in diff["tables_added"]]
    for name, t in diff["tables"].items():
        if t["removed"]:
            reasons["major"].append(f"{name}: {len(t['removed'])} rows removed ({', '.join(t['removed'][:5])}{' …' if len(t['removed']) > 5 else ''})")
        if t["reidentified"]:
            reasons["major"].append(f"{name}: the meaning of {', '.join(t['reidentified'])} changed (identity fields)")
        breaking = [s for s in t["schema"] if not s.endswith((" added", WIDENED))]
        if breaking:
            reasons["major"].append(f"{name}: schema changed ({'; '.join(breaking)})")
        if t["added"] and name not in diff["tables_added"]:
            reasons["minor"].append(f"{name}: {len(t['added'])} rows added")
        if any(s.endswith(" added") for s in t["schema"]) and name not in diff["tables_added"]:
            reasons["minor"].append(f"{name}: columns or foreign keys added")
        if any(s.endswith(WIDENED) for s in t["schema"]):
            reasons["minor"].append(f"{name}: constraints widened ({'; '.join(s for s in t['schema'] if s.endswith(WIDENED))})")
        if t["changed"] and len(t["changed"]) > len(t["reidentified"]):
            reasons["patch"].append(f"{name}: {len(t['changed'])} rows corrected")
    for level in reversed(LEVELS):
        if reasons[level]:
            return level, reasons[level]
    return None, []


def parse_version(v: str) -> tuple[int, int, int]:
    parts = v.split(".")
    if len(parts) != 3 or not all(p.isdigit() for p in parts):
        raise ValueError(f"{v!r} is not a version MAJOR.MINOR.PATCH")
    return tuple(int(p) for p in parts)


def bump_level(old: str, new: str) -> str | None:
    """Which component ``new`` bumps over ``old`` (lower ones reset to 0), or None if it is not a next version."""
    o, n = parse_version(old), parse_version(new)
    if n == (o[0] + 1, 0, 0):
        return "major"
    if n == (o[0], o[1] + 1, 0):
        return "minor"
    if n == (o[0], o[1], o[2] + 1):
        return "patch"
    return None


def version_problems(old: str | None, new: str, diff: dict) -> list[str]:
    """Why ``new`` is not an acceptable version after ``old`` for this diff (empty when it is)."""
    try:
        parse_version(new)
    except ValueError as exc:
        return [str(exc)]
    if old is None:
        return []
    level = bump_level(old, new)
    if level is None:
        return [f"{new} does not follow {old}: bump exactly one of MAJOR, MINOR or PATCH and reset the lower ones"]
    needed, why = required_bump(diff)
    if needed is None:
        return [f"nothing changed in the data since {old}; there is nothing to release"]
    if LEVELS.index(level) < LEVELS.index(needed):
        return [f"{new} is a {level} release, but the changes since {old} need a {needed} bump: " + "; ".join(why)]
    return []


def reused_ids(history: list[tuple[str, Path]], new_dir: Path) -> list[str]:
    """Ids that an earlier release used for a different row (identity fields differ), or retired and now reuse."""
    new = _tables(new_dir)
    problems = []
    for name, (path, schema) in new.items():
        identity = schema.get("identityFields")
        if not identity:
            continue
        key = schema["primaryKey"][0]
        now = _rows(path, key)
        latest = None
        for version, old_dir in history:  # newest first
            old_tables = _tables(old_dir)
            if name not in old_tables:
                continue
            before = _rows(old_tables[name][0], key)
            latest = latest if latest is not None else set(before)
            for k in before.keys() & now.keys():
                was, is_ = {f: before[k].get(f) for f in identity}, {f: now[k].get(f) for f in identity}
                if was != is_:
                    problems.append(f"{name} {k}: in {version} it meant {was}, now {is_}; give the new row a new id")
                elif k not in latest:
                    problems.append(f"{name} {k}: retired after {version} and now used again; ids are never reused")
    return sorted(set(problems))


# --- rendering -----------------------------------------------------------------------


def diff_text(diff: dict) -> str:
    lines = [f"table added: {t}" for t in diff["tables_added"]] + [f"table removed: {t}" for t in diff["tables_removed"]]
    for name, t in diff["tables"].items():
        if name in diff["tables_added"]:
            continue
        lines += [f"{name}: schema: {s}" for s in t["schema"]]
        lines += [f"{name}: + {k}" for k in t["added"]] + [f"{name}: - {k}" for k in t["removed"]]
        for c in t["changed"]:
            for field, (o, n) in c["changes"].items():
                lines.append(f"{name}: ~ {c['key']} {field}: {o!r} -> {n!r}")
    return "\n".join(lines) if lines else "no differences"


_SEQUENCE = re.compile(r"(.*?)(\d+)")


def _ranges(ids: list[str]) -> str:
    """`000-luohe-f01`–`39` style runs of consecutive ids, for a readable changelog."""
    runs = []  # [prefix, first id, last number, length]
    for i in sorted(ids):
        m = _SEQUENCE.fullmatch(i)
        if runs and m and runs[-1][0] == m.group(1) and int(m.group(2)) == int(runs[-1][2]) + 1:
            runs[-1][2:] = [m.group(2), runs[-1][3] + 1]
        else:
            runs.append([m.group(1) if m else i, i, m.group(2) if m else "", 1])
    return ", ".join(f"`{first}`" if n == 1 else f"`{first}`–`{last}`" for _, first, last, n in runs)


def changelog_section(version: str, date: str, diff: dict, first: bool) -> str:
    added, changed, removed = [], [], []
    for name, t in diff["tables"].items():
        if t["added"]:
            added.append(f"- {name}: {len(t['added'])} rows: {_ranges(t['added'])}")
        if t["removed"]:
            removed.append(f"- {name}: {_ranges(t['removed'])}")
        for s in t["schema"]:
            if s != "table added":
                changed.append(f"- {name} schema: {s}")
        for c in t["changed"]:
            for field, (o, n) in c["changes"].items():
                changed.append(f"- {name} `{c['key']}` {field}: {o!r} → {n!r}")
    removed += [f"- table {t}" for t in diff["tables_removed"]]
    out = [f"## [{version}] - {date}", ""]
    if first:
        out += ["First release: everything in the package is new.", ""]
    for title, items in (("Added", added), ("Changed", changed), ("Removed", removed)):
        if items:
            out += [f"### {title}", *items, ""]
    return "\n".join(out)


def diff_json(diff: dict) -> str:
    return json.dumps(diff, ensure_ascii=False, indent=2)
