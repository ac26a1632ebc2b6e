"""Validating a package larger than memory: the tables stay in the engine, the Python runs per document.

- Each file is read once in chunks for its size, hash, encoding, line endings and blank lines (checks/files.py).
- The engine reads each well-formed CSV itself (DuckDB: out of core, under a memory limit). A
  file with a broken structure (a ragged row, a blank line, a wrong header) is read in memory
  instead, so that its problems are located the way the small path locates them.
- The generated queries (sqlchecks.py) run in the engine.
- The rules that need Python (rules.py) and the checks against the page texts (provenance.py)
  run on one batch of documents at a time: the documents, their sources and the rows of those
  sources, with the small tables whole. Only a batch is ever in memory as pandas.
"""
from __future__ import annotations

import sys
from functools import partial
from pathlib import Path

from cnbef.validation.checks import provenance
from cnbef.package.tables import header_of, typed
from cnbef.validation.report import Problem, guarded
from cnbef.validation.checks.rules import RULES
from cnbef.validation.checks.schema_checks import label_problems

BATCH_FACTS = 200_000  # rows of the largest table per batch of documents


def register(engine, name: str, files: list[str], paths: list[Path], schema: dict, parseable: bool, in_memory) -> list[Problem]:
    """The table into the engine: read by the engine when it is well formed, else in memory (``in_memory``)."""
    header = header_of(paths[0])
    labels = [p for file, path in zip(files, paths) for p in label_problems(file, _empty(header_of(path)), schema)[0]]
    small = sum(path.stat().st_size for path in paths) < getattr(engine, "reads_files_from", 0)
    if parseable and not labels and not small and all(header_of(path) == header for path in paths) \
            and hasattr(engine, "register_csv"):
        try:
            engine.register_csv(name, paths, header)
            return []
        except Exception as exc:  # a ragged row or an unclosed quote: located by the in-memory reader
            problems = in_memory()
            if not problems:  # the files are fine: the engine could not read them (say so; the checks still run)
                print(f"note: the {engine.name} engine could not read {' '.join(files)} itself "
                      f"({type(exc).__name__}: {' '.join(str(exc).split())[:200]}); it was read in this process instead",
                      file=sys.stderr)
            return problems
    return in_memory()


def _empty(header):
    import pandas as pd

    return pd.DataFrame(columns=header, dtype="string")


def per_document_tables(schemas: dict, present) -> dict[str, tuple[str, str, str]]:
    """Tables that grow with the corpus, each with how it reaches documents: {table: (column, parent, parent column)}.

    documents itself, then every table with a foreign key into one of these (sources into
    documents; facts, policies, mentions into sources), read off the Table Schemas.
    """
    chain = {"documents": None}
    grew = True
    while grew:
        grew = False
        for name, schema in schemas.items():
            if name in chain or name not in present:
                continue
            for fk in schema.get("foreignKeys", []):
                fields = fk["fields"] if isinstance(fk["fields"], list) else [fk["fields"]]
                ref = fk["reference"]
                ref_fields = ref["fields"] if isinstance(ref["fields"], list) else [ref["fields"]]
                if ref.get("resource") in chain and len(fields) == 1 and ref.get("resource") != name:
                    chain[name] = (fields[0], ref["resource"], ref_fields[0])
                    grew = True
                    break
    return chain


def _filter(table: str, chain: dict, ids_sql: str) -> str:
    """A subquery of ``table``'s rows in the batch of documents ``ids_sql``."""
    from cnbef.validation.checks.sqlchecks import q

    link = chain[table]
    if link is None:
        return f"SELECT * FROM {q(table + '__text')} WHERE document_id IN ({ids_sql})"
    column, parent, parent_column = link
    return (f"SELECT * FROM {q(table + '__text')} WHERE {q(column)} IN "
            f"(SELECT {q(parent_column)} FROM ({_filter(parent, chain, ids_sql)}))")


def batches(engine, chain: dict, counts: dict[str, int]) -> list[list[str] | None]:
    """Documents in groups of at most BATCH_FACTS rows of their largest table (None: all of them)."""
    from cnbef.validation.checks.sqlchecks import q

    if max(counts.get(t, 0) for t in chain) <= BATCH_FACTS:
        return [None]  # one batch: every document
    documents = [r["document_id"] for r in engine.rows("SELECT document_id FROM documents__text "
                                                        "WHERE document_id IS NOT NULL ORDER BY _row")]
    sizes = {}
    for table in chain:
        if table == "documents":
            continue
        path = [table]
        while chain[path[-1]] and chain[path[-1]][1] != "documents":
            path.append(chain[path[-1]][1])
        if chain[path[-1]] is None:
            continue
        # the document of each row: up the chain of foreign keys
        sql = f"SELECT t{len(path) - 1}.{q(chain[path[-1]][0])} AS document_id, count(*) AS n FROM {q(path[0] + '__text')} t0"
        for i in range(1, len(path)):
            column, parent, parent_column = chain[path[i - 1]]
            sql += f" JOIN {q(parent + '__text')} t{i} ON t{i}.{q(parent_column)} = t{i - 1}.{q(column)}"
        sql += f" GROUP BY t{len(path) - 1}.{q(chain[path[-1]][0])}"
        for r in engine.rows(sql):
            sizes[r["document_id"]] = max(sizes.get(r["document_id"], 0), r["n"])
    groups, current, count = [], [], 0
    for doc in documents:
        n = sizes.get(doc, 0)
        if current and count + n > BATCH_FACTS:
            groups.append(current)
            current, count = [], 0
        current.append(doc)
        count += n
    if current:
        groups.append(current)
    return groups


def python_checks(engine, schemas: dict, files: dict, sources_dir: Path | None, say,
                  counts: dict[str, int]) -> tuple[list[Problem], list[str]]:
    """rules.py and provenance.py over one batch of documents at a time."""
    from cnbef.validation.checks.sqlchecks import lit, q

    present = set(engine.columns)
    blocked = provenance.provenance_blocked(present) if sources_dir is not None else []
    chain = per_document_tables(schemas, present) if "documents" in present else {}
    small = {name: _typed(engine, f"SELECT * FROM {q(name + '__text')}", schemas[name])
             for name in present if name not in chain}
    groups = batches(engine, chain, counts) if chain else [None]

    def batch_tables(n, group):
        tables = dict(small)
        if group is None:
            tables.update({name: _typed(engine, f"SELECT * FROM {q(name + '__text')}", schemas[name]) for name in chain})
        else:
            say(f"rules and provenance: batch {n} of {len(groups)} ({len(group)} documents)")
            ids = ", ".join(map(lit, group)) or "NULL"
            tables.update({name: _typed(engine, _filter(name, chain, ids), schemas[name]) for name in chain})
        return tables

    check = partial(check_batch, files=files, sources_dir=sources_dir if not blocked else None)
    if chain and len(groups) >= getattr(engine, "python_on_executors_from", float("inf")):
        say(f"rules and provenance: {len(groups)} batches of documents, on the {engine.name} engine's workers")
        results = engine.map_batches(batch_rows(chain, groups), groups, {n: schemas[n] for n in chain}, small, check)
    else:
        results = [check(batch_tables(n, g)) for n, g in enumerate(groups, 1)]
    problems, skipped = {}, []
    for found, missing in results:
        problems.update(dict.fromkeys(found))
        skipped += [m for m in missing if m not in skipped]
    if sources_dir is None:
        skipped = [f"provenance {c}: needs the source text; pass --sources DIR" for c in provenance.CHECKS]
    return list(problems) + blocked, skipped


def batch_rows(chain: dict, groups: list[list[str] | None]) -> dict[str, str]:
    """{table: a query of its rows with the batch of their document (``_batch``)}, for an engine that runs
    the batches where the rows are (Spark's executors). One batch (None): every row, as the driver reads it.
    The batches are the view ``_cnbef_batches`` (document_id, _batch), which the engine creates from the groups."""
    from cnbef.validation.checks.sqlchecks import q

    if groups == [None]:
        return {name: f"SELECT 0 AS _batch, * FROM {q(name + '__text')}" for name in chain}

    def keyed(table: str) -> str:  # the table's rows joined to their batch
        link = chain[table]
        if link is None:
            return f"SELECT b._batch, t.* FROM {q(table + '__text')} t JOIN _cnbef_batches b ON t.document_id = b.document_id"
        column, parent, parent_column = link
        keys = f"SELECT DISTINCT {q(parent_column)} AS _key, _batch FROM ({keyed(parent)})"
        return f"SELECT k._batch, t.* FROM {q(table + '__text')} t JOIN ({keys}) k ON t.{q(column)} = k._key"
    return {name: keyed(name) for name in chain}


def check_rows(rows, columns: dict[str, list[str]], schemas: dict, small: dict, check) -> list:
    """(batch, what ``check`` found) for each batch in ``rows``, which are (batch, table, the row as JSON):
    the rules and provenance run where the rows are (on a Spark executor), on the tables the driver would build."""
    import json

    import pyarrow as pa

    by_batch = {}
    for batch, table, payload in rows:
        by_batch.setdefault(batch, {}).setdefault(table, []).append(json.loads(payload))
    out = []
    for batch, found in sorted(by_batch.items()):
        tables = dict(small)
        for name, names in columns.items():
            arrow = pa.schema([("_row", pa.int64())] + [(c, pa.string()) for c in names])
            frame = pa.Table.from_pylist(found.get(name, []), schema=arrow).to_pandas()  # a missing key is a missing cell
            frame.index = frame.pop("_row").to_numpy() - 2
            tables[name] = typed(frame, schemas[name])
        out.append((batch, check(tables)))
    return out


def check_batch(tables: dict, files: dict, sources_dir: Path | None) -> tuple[list[Problem], list[str]]:
    """The Python rules and provenance over one batch of documents (in a worker process on a large package)."""

    problems = [p for rule_name, rule in RULES.items() for p in guarded(rule_name, rule, tables, files)]
    missing = []
    if sources_dir is not None:
        found, missing = provenance.run(tables, files, sources_dir)
        problems += found
    return problems, missing


def _typed(engine, sql: str, schema: dict):
    """Rows from the engine as the small path has them: text as read, indexed by spreadsheet row - 2, then typed."""
    frame = engine.text_frame(sql)
    frame.index = frame.pop("_row").to_numpy() - 2
    return typed(frame, schema)


