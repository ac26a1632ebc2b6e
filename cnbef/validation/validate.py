"""The one validate command: descriptor, files, generated queries, Python rules, provenance.

Where each check runs (each rule declared once, in registry.py):
- Frictionless: the descriptor and every Table Schema against their profiles. With
  ``engine="frictionless"`` it also re-checks every row (types, constraints, keys,
  labels, bytes/hash) — slow, kept to prove that both paths agree.
- ``checks/files.py``: encodings, BOM, line endings, blank lines, bytes and sha256, each file read once
  in chunks (every engine); unsafe paths; what a suspect cell character is.
- ``checks/sqlchecks.py``: queries generated from the Table Schemas (types, constraints, keys,
  cell hygiene) and the semantic rules that are queries; ``engines/`` runs them on
  DuckDB (in memory for ``fast``, out of core for ``duckdb``) or Spark.
- ``checks/rules.py``: the semantic rules that need Python; ``flat.py``: the derived table is current.
- ``checks/provenance.py``: against the source texts, when they are given.
"""
from __future__ import annotations

import re
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path

from cnbef.validation.checks import contract
from cnbef.package import flat
from cnbef.validation import large
from cnbef.validation.checks import provenance
from cnbef.validation.checks.files import HINTED_RULES, descriptor_problems, hint, not_utf8, scan_files
from cnbef.package.tables import (JOURNAL, ROW_SPAN, read_text_table, DescriptorError, UsageError, read_csv_cells, read_descriptor, resource_paths,
                                  resource_schema, typed, unsafe_path, unsafe_paths)
from cnbef.validation.report import Problem, Report, guarded
from cnbef.validation.checks.rules import RULES
from cnbef.validation.checks.schema_checks import label_problems

DESCRIPTOR = "datapackage.json"
ENGINES = ("fast", "duckdb", "spark", "frictionless")
PROGRESS_BYTES = 20_000_000  # report progress when there is more than a few seconds' worth of data


class Progress:
    def __init__(self, enabled: bool, stream=sys.stderr):
        self.enabled, self.stream, self.start = enabled, stream, time.perf_counter()

    def __call__(self, message: str) -> None:
        if self.enabled:
            print(f"[{time.perf_counter() - self.start:6.1f}s] {message}", file=self.stream, flush=True)


def frictionless_problems(package_dir: Path) -> list[Problem]:
    """Every problem Frictionless finds, row by row (the slow, independent path)."""
    from frictionless import validate as fl_validate

    try:
        report = fl_validate(str(Path(package_dir) / DESCRIPTOR), limit_errors=sys.maxsize)
    except Exception as exc:  # frictionless raises on descriptors it cannot load
        return [Problem(DESCRIPTOR, None, None, "descriptor", None, f"Frictionless cannot load the package: {exc}")]
    problems = [Problem(DESCRIPTOR, None, None, e.type, None, e.message) for e in report.errors]
    rows = _part_rows(package_dir)
    for task in report.tasks:
        for e in task.errors:
            column = getattr(e, "field_name", None) or ", ".join(getattr(e, "field_names", None) or []) or None
            cell = getattr(e, "cell", None) or ", ".join(map(str, getattr(e, "field_cells", None) or [])) or None
            file, row = task.place or task.name, getattr(e, "row_number", None)
            if task.name in rows:  # Frictionless counts the rows of a multi-part table across its parts
                file, row = rows[task.name][0], _spanned(rows[task.name][1], row)
            problems.append(Problem(file, row, column, e.type, None if cell in (None, "") else str(cell), e.message))
    return problems


def _part_rows(package_dir: Path) -> dict[str, tuple[str, list[int]]]:
    """{resource: (its label, rows in each part)} of the multi-part tables."""
    from cnbef.package.parts import records_of

    out = {}
    for res in read_descriptor(package_dir).get("resources", []):
        if isinstance(res, dict) and isinstance(res.get("path"), list) and not unsafe_paths(res["path"]):
            full = [Path(package_dir) / p for p in resource_paths(res)]
            out[res.get("name")] = (table_label(resource_paths(res)),
                                    [sum(1 for _ in records_of([f])) - 1 if f.is_file() else 0 for f in full])
    return out


def _spanned(rows: list[int], row: int | None) -> int | None:
    """A row counted across the parts (the header is row 1) as ROW_SPAN numbers it (relocate names the part)."""
    if row is None:
        return None
    index = row - 2
    for k, n in enumerate(rows[:-1]):
        if index < n:
            return k * ROW_SPAN + index + 2
        index -= n
    return (len(rows) - 1) * ROW_SPAN + index + 2


def descriptor_problems_frictionless(package_dir: Path, descriptor: dict) -> list[Problem]:
    """The descriptor and each Table Schema against the Frictionless profiles (no data is read)."""
    from frictionless import Package, Schema

    problems = [Problem(DESCRIPTOR, None, None, e.type, None, e.message)
                for e in Package.validate_descriptor(descriptor).errors]
    resources = descriptor.get("resources")
    for res in resources if isinstance(resources, list) else []:
        if isinstance(res, dict) and isinstance(res.get("schema"), str) and not unsafe_path(res["schema"]):
            try:
                schema = resource_schema(package_dir, res)
            except (OSError, ValueError):  # reported once, where the table's schema is read (_schema_of)
                continue
            try:
                problems += [Problem(res["schema"], None, None, e.type, None, e.message) for e in Schema.validate_descriptor(schema).errors]
            except Exception as exc:  # Frictionless stops on some malformed schemas (a field that is not an object)
                problems.append(Problem(res["schema"], None, None, "schema-error", None, f"is not a valid Table Schema ({exc})"))
    return problems


def _odd_row_problems(path: str, header: list[str], odd: list[tuple[int, int, int, str]]) -> list[Problem]:
    problems = []
    for row, expected, actual, text in odd:
        why = (" — the row has a quote (\") opened but never closed, so the following lines were read as one cell"
               if str(text).count('"') % 2 else "")
        if actual < expected:
            problems.append(Problem(path, row, header[actual] if actual < len(header) else None, "missing-cell", None,
                                    f"the row has {actual} cells, the header {expected}; a cell is missing{why}"))
        else:
            problems.append(Problem(path, row, None, "extra-cell", None,
                                    f"the row has {actual} cells, the header {expected}; remove the extra cells "
                                    f"(a stray comma?){why}"))
    return problems


def _schema_of(package_dir: Path, res: dict) -> tuple[list[Problem], dict | None]:
    """The resource's Table Schema, checked against the contract (whose declaration stands in when it is broken)."""
    where = res["schema"] if isinstance(res.get("schema"), str) else DESCRIPTOR
    try:
        schema = resource_schema(package_dir, res)
    except (OSError, ValueError) as exc:
        problems, schema = [Problem(where, None, None, "schema-error", None, f"cannot be read ({exc})")], None
    else:
        problems = []
    if "contract" in res:
        found, schema = contract.check_schema(where, schema, res["contract"])
        problems += found
    elif not isinstance(schema, dict) or not isinstance(schema.get("fields"), list):
        problems.append(Problem(where, None, None, "schema-error", None, "has no list of fields; the table was not checked"))
        schema = None
    return problems, schema


def _outside(package_dir: Path, path: str) -> bool:
    """Whether the file, symlinks followed, lies outside the package folder."""
    try:
        (Path(package_dir) / path).resolve().relative_to(Path(package_dir).resolve())
        return False
    except ValueError:
        return True


def _declared_encoding(path: str, res: dict) -> list[Problem]:
    declared = str(res.get("encoding", "utf-8")).lower().replace("_", "-")
    if declared in ("utf-8", "utf8", "utf-8-sig"):
        return []
    return [Problem(DESCRIPTOR, None, "encoding", "encoding", res.get("encoding"),
                    f"{path} is declared {res.get('encoding')!r}, but the package's tables are UTF-8 (and this file is read "
                    f"as UTF-8); declare utf-8, or utf-8-sig for the spreadsheet table")]


def table_label(paths: list[str]) -> str:
    """How the report names a table: its file, or for a multi-part table its parts (a problem with a
    row is then named by its part, see relocate)."""
    return paths[0] if len(paths) == 1 else f"{paths[0]} and {len(paths) - 1} more parts"


def _readable(package_dir: Path, res, report: Report):
    """(name, paths, full paths, schema) of a resource whose files may be read; its problems otherwise reported."""
    if not isinstance(res, dict):
        return None
    name = res.get("name")
    if not isinstance(name, str) or unsafe_paths(res.get("path")) or \
            (isinstance(res.get("schema"), str) and unsafe_path(res["schema"])):
        return None
    paths = resource_paths(res)
    outside = [p for p in paths + ([res["schema"]] if isinstance(res.get("schema"), str) else []) if _outside(package_dir, p)]
    report.add([Problem(p, None, None, "unsafe_path", None,
                        "is a link to a file outside the package folder; it was not read. Copy the file in instead") for p in outside])
    missing = [p for p in paths if p not in outside and not (Path(package_dir) / p).is_file()]
    report.add([Problem(p, None, None, "readable", None, "the file does not exist") for p in missing])
    if outside or missing:
        return None
    found, schema = _schema_of(package_dir, res)
    report.add(found)
    if schema is None:
        return None
    report.add(_declared_encoding(table_label(paths), res))
    return name, paths, [Path(package_dir) / p for p in paths], schema


def _each_readable(package_dir: Path, entries: list, report: Report, files: dict):
    """(resource, name, paths, full paths, schema) of each resource that may be read; ``files`` names every table."""
    for res in entries:
        readable = _readable(package_dir, res, report)
        if isinstance(res, dict) and isinstance(res.get("name"), str) and not unsafe_paths(res.get("path")):
            files[res["name"]] = table_label(resource_paths(res))
        if readable is not None:
            yield (res, *readable)


def multi_part(entries: list) -> dict[str, list[str]]:
    """{label: parts} of each multi-part table."""
    return {table_label(paths): paths for r in entries if isinstance(r, dict) and not unsafe_paths(r.get("path"))
            and len(paths := resource_paths(r)) > 1}


ROW_REFERENCE = re.compile(r"\brow ([0-9]+)")


def relocate(problems: list[Problem], parts: dict[str, list[str]]) -> list[Problem]:
    """Problems found on a multi-part table, named by the part and the spreadsheet row in it."""
    if not parts:
        return problems
    out = []
    for p in problems:
        paths = parts.get(p.file)
        if paths is None or p.row is None:
            out.append(p)
            continue
        k, row = divmod(p.row, ROW_SPAN)

        def reference(m, k=k, paths=paths):  # "the same key as row N": N may lie in another part
            j, r = divmod(int(m.group(1)), ROW_SPAN)
            return f"row {r}" if j == k else f"row {r} of {paths[j]}"
        out.append(replace(p, file=paths[k], row=row, message=ROW_REFERENCE.sub(reference, p.message)))
    return out


def _broken_csv(path: str, exc: Exception) -> Problem:
    return Problem(path, None, None, "csv_structure", None, f"the CSV structure is broken ({' '.join(str(exc).split())}); "
                                                            f"look for a quote (\") opened but never closed")


def read_parts(paths: list[str], fulls: list[Path], schema: dict):
    """(text frame, problems) of a table, its parts one after the other (rows numbered as ROW_SPAN says);
    the frame is None when a part's CSV structure is broken."""
    frames, problems = [], []
    for k, (path, full) in enumerate(zip(paths, fulls)):
        try:
            text, odd = read_csv_cells(full)
        except Exception as exc:  # broken CSV: reported, the other tables still checked
            return None, problems + (not_utf8(path, full.read_bytes()) or [_broken_csv(path, exc)])
        problems += _odd_row_problems(path, list(text.columns), odd)
        labels, text = label_problems(path, text, schema)
        problems += labels
        text.index += k * ROW_SPAN
        frames.append(text)
    if len(frames) == 1:
        return frames[0], problems
    import pandas as pd

    return pd.concat(frames), problems


def read_tables(package_dir: Path, entries: list, report: Report, progress: Progress):
    """Typed frames, their text, files and schemas for every resource that could be read."""
    tables, texts, files, schemas = {}, {}, {}, {}
    for res, name, paths, fulls, schema in _each_readable(package_dir, entries, report, files):
        found, _ = scan_files(files[name], paths, fulls, res, decode=False)
        report.add(found)
        if any(p.rule in ("encoding", "empty_file") for p in found):
            continue
        progress(f"reading {files[name]} ({sum(f.stat().st_size for f in fulls) / 1e6:.1f} MB)")
        schemas[name] = schema
        text, problems = read_parts(paths, fulls, schema)
        report.add(problems)
        if text is None:
            continue
        if text.empty:
            report.add([Problem(files[name], None, None, "empty_table", None, "the table has a header but no rows")])
        texts[name] = text
        tables[name] = typed(text, schemas[name])
    return tables, texts, files, schemas


def read_into_engine(package_dir: Path, entries: list, report: Report, progress: Progress, engine):
    """Every readable table into the engine (large.py); its files and schemas."""
    files, schemas = {}, {}
    for res, name, paths, fulls, schema in _each_readable(package_dir, entries, report, files):
        progress(f"reading {files[name]} ({sum(f.stat().st_size for f in fulls) / 1e6:.1f} MB)")
        found, parseable = scan_files(files[name], paths, fulls, res)
        report.add(found)
        if any(p.rule in ("encoding", "empty_file") for p in found):
            continue

        def in_memory(paths=paths, fulls=fulls, name=name, schema=schema):
            text, problems = read_parts(paths, fulls, schema)
            if text is not None:
                engine.register_frame(name, text)
            return problems

        problems = large.register(engine, name, paths, fulls, schema, parseable, in_memory)
        report.add(problems)
        if name not in engine.columns:
            continue
        schemas[name] = schema
    return files, schemas


def validate_in_engine(package_dir: Path, entries: list, report: Report, sources_dir, say, engine) -> None:
    """The large path: the tables stay in the engine; the Python rules and provenance run per batch of documents."""
    try:
        files, schemas = read_into_engine(package_dir, entries, report, say, engine)
        counts = engine.counts()
        report.add([Problem(files[n], None, None, "empty_table", None, "the table has a header but no rows")
                    for n, rows in counts.items() if rows == 0])
        engine.build_views(schemas)
        say(f"checking cells, types, constraints, keys and the semantic rules that are queries ({engine.name})")
        report.add(engine.problems(schemas, files))
        say("checking the rules that need Python, and provenance, one batch of documents at a time")
        found, skipped = large.python_checks(engine, schemas, files, sources_dir, say, counts)
        report.add(found)
        report.skipped += skipped
        report.add(_derived_problems(package_dir, files))
        report.tables = len(engine.columns)
        report.rows, report.facts = sum(counts.values()), counts.get("facts", 0)
    finally:
        engine.close()


def make_engine(engine: str, memory_limit: str | None = None, spark_master: str | None = None):
    """The engine object for ``--engine duckdb`` or ``--engine spark``."""
    from cnbef.validation.engines import DuckDB, Spark

    if engine == "spark":
        return Spark(master=spark_master)
    try:
        return DuckDB(memory_limit=memory_limit)
    except Exception as exc:  # duckdb's own words on a size it cannot read
        raise UsageError(f"--memory-limit {memory_limit}: DuckDB cannot use it ({' '.join(str(exc).split())}); "
                         f"give a size such as 1GB or 500MB") from exc


def validate_package(package_dir: Path, sources_dir: Path | None = None, engine: str = "fast",
                     progress: bool | None = None, memory_limit: str | None = None,
                     spark_master: str | None = None, engine_object=None) -> Report:
    """Every check of the package. ``engine``: fast (in memory; the default), duckdb (out of core,
    under ``memory_limit``), spark (local, or a cluster by ``spark_master``), or frictionless
    (the fast path plus Frictionless over every row, to compare)."""
    package_dir = Path(package_dir)
    if engine not in ENGINES:
        raise UsageError(f"engine must be one of {', '.join(ENGINES)}")
    report = Report()
    try:
        descriptor = read_descriptor(package_dir)  # UsageError when there is no package to check
    except DescriptorError as exc:  # a package whose descriptor is broken: its tables are checked against the contract
        report.add([Problem(DESCRIPTOR, None, None, "descriptor", None, f"{str(exc).split(': ', 1)[-1]}; "
                            f"the tables are checked against the package's contract instead")])
        descriptor = None
    if (package_dir / JOURNAL).is_file():
        report.add([Problem(JOURNAL, None, None, "interrupted_add", None, "a cnbef add was killed while it moved its files "
                            "into place, so the package is part old, part new; run cnbef add --recover to complete it")])
    broken, entries = contract.resources(descriptor)
    report.add(broken)
    size = sum((package_dir / p).stat().st_size for r in entries if isinstance(r, dict) and not unsafe_paths(r.get("path"))
               for p in resource_paths(r) if (package_dir / p).is_file())
    say = Progress(size > PROGRESS_BYTES if progress is None else progress)
    unsafe = descriptor_problems(descriptor) if isinstance(descriptor, dict) else []
    report.add(unsafe)
    if isinstance(descriptor, dict):
        report.add(descriptor_problems_frictionless(package_dir, descriptor))
    earlier = _check_rows(package_dir, sources_dir, engine, entries, report, say, bool(unsafe or broken),
                          memory_limit, spark_master, engine_object)
    report.in_draft = _pages_in_draft(package_dir, entries)
    return _finish(report, earlier, say, multi_part(entries))


def _pages_in_draft(package_dir: Path, entries) -> list[str]:
    documents = next((r for r in entries if isinstance(r, dict) and r.get("name") == "documents" and isinstance(r.get("path"), str)), None)
    if documents is None or unsafe_paths(documents["path"]) or not (package_dir / documents["path"]).is_file():
        return []
    try:
        return provenance.in_draft(read_text_table(package_dir / documents["path"]))
    except Exception:  # a documents table that cannot be read is reported by the checks above
        return []


def _check_rows(package_dir, sources_dir, engine, entries, report, say, unsafe, memory_limit, spark_master,
                engine_object) -> list[Problem]:
    """The checks of the tables' files and rows, on the chosen engine; what Frictionless found, with that engine."""
    earlier = []
    if engine == "frictionless":
        if unsafe:  # Frictionless might fetch a URL or read outside the package, or stop on the descriptor
            report.add([Problem(DESCRIPTOR, None, None, "descriptor", None,
                                "Frictionless was not run over the rows: the descriptor has unsafe paths or breaks the contract")])
        else:
            say("Frictionless: checking every row")
            earlier = frictionless_problems(package_dir)

    if engine in ("duckdb", "spark"):
        validate_in_engine(package_dir, entries, report, sources_dir, say,
                           engine_object or make_engine(engine, memory_limit, spark_master))
        return earlier

    tables, texts, files, schemas = read_tables(package_dir, entries, report, say)
    say("checking cells, types, constraints, keys and the semantic rules that are queries")
    # DuckDB runs the queries without holding the GIL: on one core of its own, while the Python rules run on the other
    from cnbef.validation.engines import DuckDB

    with ThreadPoolExecutor(1, thread_name_prefix="duckdb") as engine_thread:
        queries = engine_thread.submit(query_problems, texts, files, schemas, DuckDB(threads=1))
        say("checking semantic rules")
        python_rules = [p for rule_name, rule in RULES.items() for p in guarded(rule_name, rule, tables, files)]
        provenance_problems, provenance_skipped = provenance.run(tables, files, sources_dir, say)
        report.add(queries.result())
    report.add(python_rules)
    report.add(_derived_problems(package_dir, files))
    report.add(provenance_problems)
    report.skipped += provenance_skipped
    report.tables = len(tables)
    report.rows = sum(len(t) for t in tables.values())
    report.facts = len(tables.get("facts", ()))
    return earlier


def _finish(report: Report, earlier: list[Problem], say, parts: dict[str, list[str]]) -> Report:
    report.problems = _once(relocate(earlier, parts), relocate(report.problems, parts))
    report.problems = [replace(p, message=f"{p.message} — {hint(p.value)}") if p.rule in HINTED_RULES and hint(p.value) else p
                       for p in report.problems]
    say(report.summary())
    return report


def query_problems(texts: dict, files: dict, schemas: dict, engine=None) -> list[Problem]:
    """The generated queries (types, constraints, keys, semantic rules) over the tables as read."""
    from cnbef.validation.engines import DuckDB

    engine = engine or DuckDB()
    try:
        for name, text in texts.items():
            engine.register_frame(name, text)
        engine.build_views(schemas)
        return engine.problems(schemas, files)
    finally:
        engine.close()


def _once(earlier: list[Problem], problems: list[Problem]) -> list[Problem]:
    """Frictionless's problems, then ours but those it already reported (same file, row, column and rule)."""
    seen = {(p.cell, p.rule) for p in earlier}
    return earlier + [p for p in problems if (p.cell, p.rule) not in seen]


def _derived_problems(package_dir: Path, files: dict) -> list[Problem]:
    """Tables built by a script must equal what the script would build now."""
    if flat.NAME not in files:
        return []
    try:
        stale = flat.stale(package_dir)
    except Exception as exc:  # the normalized tables are broken; their own problems are reported
        return [Problem(flat.PATH, None, None, "derived_up_to_date", None, f"could not be rebuilt to compare: {exc}")]
    return [Problem(path, None, None, "derived_up_to_date", None,
                    "is out of date with the normalized tables; run cnbef build-flat") for path in stale]


