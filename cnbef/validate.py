"""The one validate command: Frictionless structure, schema-derived and semantic rules, provenance.

Layers, each rule declared once:
1. Frictionless: descriptor, Table Schemas, labels, types, constraints, keys, bytes/hash.
2. Checks generated from the same Table Schemas (Pandera and pandas) plus the semantic
   rules of ``rules.py``. A cell Frictionless already reported is not reported again.
3. Provenance against the source text (``provenance.py``), only when it is given.
"""
from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

from dataclasses import replace

from . import flat, provenance
from .files import HINTED_RULES, cell_problems, descriptor_problems, encoding_problems, hint, unsafe_path
from .package import UsageError, read_descriptor, read_text_table, resource_schema, typed
from .report import Problem, Report
from .rules import RULES
from .schema_checks import SCHEMA_RULES, constraint_problems, foreign_key_problems, type_problems

DESCRIPTOR = "datapackage.json"


def frictionless_problems(package_dir: Path) -> list[Problem]:
    from frictionless import validate as fl_validate

    try:
        report = fl_validate(str(Path(package_dir) / DESCRIPTOR), limit_errors=sys.maxsize)
    except Exception as exc:  # frictionless raises on descriptors it cannot load
        return [Problem(DESCRIPTOR, None, None, "descriptor", None, f"Frictionless cannot load the package: {exc}")]
    problems = [Problem(DESCRIPTOR, None, None, e.type, None, e.message) for e in report.errors]
    for task in report.tasks:
        for e in task.errors:
            column = getattr(e, "field_name", None) or ", ".join(getattr(e, "field_names", None) or []) or None
            cell = getattr(e, "cell", None) or ", ".join(map(str, getattr(e, "field_cells", None) or [])) or None
            problems.append(Problem(task.place or task.name, getattr(e, "row_number", None), column, e.type,
                                    None if cell in (None, "") else str(cell), e.message))
    return problems


def read_tables(package_dir: Path, descriptor: dict, report: Report):
    """Typed frames, their text, files and schemas for every resource that could be read."""
    tables, texts, files, schemas = {}, {}, {}, {}
    for res in descriptor["resources"]:
        if not isinstance(res, dict):
            continue
        name, path = res.get("name"), res.get("path")
        if not isinstance(name, str) or unsafe_path(path) or (isinstance(res.get("schema"), str) and unsafe_path(res["schema"])):
            continue
        files[name] = path
        full = Path(package_dir) / path
        if not full.is_file():
            report.add([Problem(path, None, None, "readable", None, "the file does not exist")])
            continue
        raw = full.read_bytes()
        fatal = encoding_problems(path, raw, res.get("encoding", "utf-8"))
        report.add(fatal)
        if any(p.rule in ("encoding", "empty_file") for p in fatal):
            continue
        try:
            schemas[name] = resource_schema(package_dir, res)
            texts[name] = read_text_table(full)
        except pd.errors.ParserError as exc:
            report.add([Problem(path, None, None, "csv_structure", None,
                                f"the CSV structure is broken ({' '.join(str(exc).split())}); look for a quote (\") opened but never closed")])
            continue
        except Exception as exc:  # unreadable file or schema: reported, the other tables still checked
            report.add([Problem(path, None, None, "readable", None, f"cannot be read: {exc}")])
            continue
        if texts[name].empty:
            report.add([Problem(path, None, None, "empty_table", None, "the table has a header but no rows")])
        report.add(cell_problems(path, texts[name], schemas[name]))
        tables[name] = typed(texts[name], schemas[name])
    return tables, texts, files, schemas


def validate_package(package_dir: Path, sources_dir: Path | None = None) -> Report:
    package_dir = Path(package_dir)
    descriptor = read_descriptor(package_dir)  # UsageError when there is no package to check
    report = Report()
    unsafe = descriptor_problems(descriptor)
    report.add(unsafe)
    if unsafe:  # Frictionless might fetch a URL or read outside the package: not run
        report.skipped.append("frictionless: not run, because the descriptor has unsafe paths")
    else:
        report.add(frictionless_problems(package_dir))
    already = {p.cell for p in report.problems}

    tables, texts, files, schemas = read_tables(package_dir, descriptor, report)
    derived = []
    for name, frame in tables.items():
        derived += type_problems(files[name], texts[name], frame, schemas[name])
        derived += constraint_problems(files[name], texts[name], frame, schemas[name])
        derived += foreign_key_problems(name, files, tables, schemas)
    report.add(p for p in derived if not (p.rule in SCHEMA_RULES and p.cell in already))

    for rule_name, rule in RULES.items():
        try:
            report.add(rule(tables, files))
        except KeyError as exc:
            report.skipped.append(f"rule {rule_name}: a table lacks column {exc}")

    report.add(_derived_problems(package_dir, files))
    _provenance(tables, files, sources_dir, report)
    report.problems = [replace(p, message=f"{p.message} — {hint(p.value)}") if p.rule in HINTED_RULES and hint(p.value) else p
                       for p in report.problems]
    report.tables = len(tables)
    report.rows = sum(len(t) for t in tables.values())
    report.facts = len(tables.get("facts", ()))
    return report


def _derived_problems(package_dir: Path, files: dict) -> list[Problem]:
    """Tables built by a script must equal what the script would build now."""
    if flat.NAME not in files:
        return []
    try:
        stale = flat.stale(package_dir)
    except Exception as exc:  # the normalized tables are broken; their own problems are reported
        return [Problem(flat.PATH, None, None, "derived_up_to_date", None, f"could not be rebuilt to compare: {exc}")]
    return [Problem(path, None, None, "derived_up_to_date", None,
                    "is out of date with the normalized tables; run python scripts/build_flat.py") for path in stale]


def _provenance(tables, files, sources_dir, report: Report) -> None:
    if sources_dir is None:
        report.skipped += [f"provenance {c}: needs the source text; pass --sources DIR" for c in provenance.CHECKS]
        return
    needed = ("documents", "sources", "facts", "policies", "excluded_mentions")
    if any(n not in tables for n in needed):
        report.skipped.append("provenance checks: a table they need could not be read")
        return
    texts, problems, skipped = provenance.load_documents(tables["documents"], Path(sources_dir), files["documents"])
    report.add(problems)
    report.skipped += skipped
    try:
        report.add(provenance.check(tables, files, texts))
    except KeyError as exc:
        report.skipped.append(f"provenance checks: a table lacks column {exc}")
