"""Engines that run the generated queries (sqlchecks.py): DuckDB, embedded, and Spark SQL.

No engine has rules of its own. An engine registers each table's cells as text with its
spreadsheet row (``_row``), builds the typed and lookup views from the Table Schemas, runs
the queries and hands back their rows; the problems are written by sqlchecks.py. A query
an engine cannot run is reported as a problem naming the engine and the rule.
"""
from __future__ import annotations

import csv
import json
import os
import sys
import tempfile
from functools import partial
from pathlib import Path

import pyarrow as pa

from cnbef.validation.checks import sqlchecks
from cnbef.package.tables import ROW_SPAN, arrow_strings
from cnbef.validation.report import Problem


class Engine:
    name = "engine"
    one_query = False  # run every check as one query (where each query pays a fixed cost, as a Spark job does)

    def __init__(self):
        self.columns: dict[str, list[str]] = {}

    # -- what each engine provides --------------------------------------------------------
    def _create_view(self, name: str, sql: str) -> None:
        raise NotImplementedError

    def _create_table(self, name: str, sql: str) -> None:
        """Typed once, read by many checks."""
        self._create_view(name, sql)

    def rows(self, sql: str) -> list[dict]:
        raise NotImplementedError

    def close(self) -> None:
        pass

    # -- shared ------------------------------------------------------------------------------
    def counts(self) -> dict[str, int]:
        """Rows of each registered table, in one query."""
        if not self.columns:
            return {}
        rows = self.rows(" UNION ALL ".join(f"SELECT {sqlchecks.lit(n)} AS name, count(*) AS n FROM {sqlchecks.q(n + '__text')}"
                                            for n in self.columns))
        return {r["name"]: r["n"] for r in rows}

    def build_views(self, schemas: dict[str, dict]) -> None:
        """The typed table of each registered table (typed by the generated SQL) and the first-row view of each keyed one."""
        for name, columns in self.columns.items():
            self._create_table(name, sqlchecks.typed_view(name, schemas[name], columns))
            key = schemas[name].get("primaryKey") or []
            if key and all(k in columns for k in key):
                self._create_view(name + "__one", sqlchecks.first_rows_view(name, key))

    def checks(self, schemas: dict[str, dict], files: dict[str, str]) -> list[tuple[str, object, bool]]:
        """(file, check, derived from a Table Schema) for every generated check over the registered tables.

        The cell checks of each table come first, in one group per table (one pass over it).
        """
        found = []
        for name, columns in self.columns.items():
            schema = schemas[name]
            cells = sqlchecks.hygiene_checks(name, schema, columns) + sqlchecks.field_checks(name, schema, columns)
            if cells:
                found.append((files[name], cells, True))
        for name, columns in self.columns.items():
            schema = schemas[name]
            found += [(files[name], c, True) for c in sqlchecks.key_checks(name, schema, columns)
                      + sqlchecks.foreign_key_checks(name, schema, self.columns, files)]
        found += [(files[r.table], r, False) for r in sqlchecks.SEMANTIC if all(n in self.columns for n in r.needs)]
        return found

    def problems(self, schemas: dict[str, dict], files: dict[str, str]) -> list[Problem]:
        """Every generated check; on an engine where each query costs a job, all of them as one query."""
        checks = self.checks(schemas, files)
        if not checks:
            return []
        if not self.one_query:
            return [p for file, check, derived in checks for p in self._run(file, check, derived)]
        queries = [sqlchecks.cell_checks_query(c[0].table, c) if isinstance(c, list) else c.sql for _, c, _ in checks]
        try:
            rows = self.rows(sqlchecks.union(queries))
        except Exception:  # one check cannot run (a bad pattern): run each alone to say which
            return [p for file, check, derived in checks for p in self._run(file, check, derived)]
        by_check = {}
        for r in rows:
            by_check.setdefault(r["_check"], []).append({"_row": r["_row"], **json.loads(r["_payload"])})
        return [p for i, (file, check, _) in enumerate(checks) for p in self._group(file, check, by_check.get(i, []))]

    def _group(self, file: str, check, rows: list[dict]) -> list[Problem]:
        if not isinstance(check, list):
            return self._problems(file, check, rows)
        rows = [{**r, **{k: r.get(k) for k in (f"_v{i}" for i in range(len(check)))}} for r in rows]
        return [p for c, found in zip(check, sqlchecks.cell_check_rows(check, rows)) for p in self._problems(file, c, found)]

    @staticmethod
    def _problems(file: str, check, rows: list[dict]) -> list[Problem]:
        rows = sorted(rows, key=lambda r: r["_row"])
        if check.explain:
            return [Problem(file, int(r["_row"]), check.column, rule, check.value(r), message)
                    for r in rows for rule, message in check.explain(r)]
        return [Problem(file, int(r["_row"]), check.column, check.rule, check.value(r), check.message(r)) for r in rows]

    def _run(self, file: str, check, schema_derived: bool = False) -> list[Problem]:
        if isinstance(check, list):  # a table's cell checks: one pass, or one by one to say which cannot run
            try:
                rows = self.rows(sqlchecks.cell_checks_query(check[0].table, check))
            except Exception:
                return [p for c in check for p in self._run(file, c, schema_derived)]
            return [p for c, found in zip(check, sqlchecks.cell_check_rows(check, rows)) for p in self._problems(file, c, found)]
        try:
            rows = self.rows(check.sql)
        except Exception as exc:  # reported, never a stop: the other checks still run
            why = f"{type(exc).__name__}: {' '.join(str(exc).split())[:300]}"
            if schema_derived:  # a schema the profiles let through but a query cannot use (a bad pattern)
                return [Problem(file, None, None, "schema-error", None,
                                f"the {check.rule} check of column {check.column} could not run with its Table Schema "
                                f"on the {self.name} engine ({why})")]
            return [Problem(file, None, check.column, check.rule, None, f"the {self.name} engine could not run this rule ({why})")]
        return self._problems(file, check, rows)


def text_table(frame) -> pa.Table:
    """A text frame (index = spreadsheet row - 2) as an Arrow table of strings with ``_row``."""
    columns = {"_row": pa.array((frame.index.to_numpy() + 2).astype("int64"))}
    for name in frame.columns:
        columns[name] = arrow_strings(frame[name])  # pandas' own Arrow buffers: no copy (1M facts: 0.30 s -> 0.03 s)
    return pa.table(columns)


class DuckDB(Engine):
    """DuckDB in this process: over frames already read, or over the CSV files themselves, out of core."""

    name = "duckdb"

    def __init__(self, memory_limit: str | None = None, threads: int | None = None, temp_directory: str | None = None):
        super().__init__()
        import duckdb

        config = {"preserve_insertion_order": True}
        if memory_limit:
            config["memory_limit"] = memory_limit
        if threads:
            config["threads"] = threads
        if temp_directory:
            config["temp_directory"] = temp_directory
        self.con = duckdb.connect(":memory:", config=config)
        self.con.execute("CREATE MACRO full_match(s, p) AS regexp_full_match(s, p)")
        self.con.execute("CREATE MACRO finds(s, p) AS regexp_matches(s, p)")

    def register_frame(self, name: str, frame) -> None:
        """The text frame; the generated typed_view types it."""
        self.con.register(name + "__arrow", text_table(frame))
        self._create_view(name + "__text", f"SELECT * FROM {sqlchecks.q(name + '__arrow')}")
        self.columns[name] = list(frame.columns)

    def register_csv(self, name: str, paths: list[Path], columns: list[str]) -> None:
        """The files read as text by DuckDB, strictly (no sniffing; a ragged row is an error, not a skipped row).

        DuckDB skips blank lines and drops nothing else; the caller has reported blank lines and
        reads a file with them in memory instead, so ``rowid + 2`` is the spreadsheet row (in part
        k of a multi-part table, plus k * ROW_SPAN).
        """
        cols = "{" + ", ".join(f"{sqlchecks.lit(c)}: 'VARCHAR'" for c in columns) + "}"
        names = ", ".join(sqlchecks.q(c) for c in columns)
        parts = []
        for k, path in enumerate(paths):
            raw = sqlchecks.q(f"{name}__raw{k}")
            self.con.execute(f"CREATE TABLE {raw} AS SELECT * FROM read_csv({sqlchecks.lit(str(path))}, header=true, "
                             f"delim=',', quote='\"', escape='\"', columns={cols}, all_varchar=true, strict_mode=true, "
                             f"auto_detect=false, null_padding=false, new_line='\\n')")
            parts.append(f"SELECT rowid + {k * ROW_SPAN + 2} AS _row, {names} FROM {raw}")
            self._no_dangling_cell(path, columns)
        self._create_view(name + "__text", " UNION ALL ".join(parts))
        self.columns[name] = list(columns)

    def _no_dangling_cell(self, path: Path, columns: list[str]) -> None:
        """Raise when a row has one cell more than the header: DuckDB's strict mode takes a row that ends
        with a delimiter (a stray comma) as well formed. Read with one more column, such a row fills it."""
        cols = "{" + ", ".join(f"{sqlchecks.lit(c)}: 'VARCHAR'" for c in [*columns, "_cnbef_extra"]) + "}"
        (found,) = self.con.execute(f"SELECT count(*) FROM read_csv({sqlchecks.lit(str(path))}, header=true, delim=',', "
                                    f"quote='\"', escape='\"', columns={cols}, all_varchar=true, strict_mode=true, auto_detect=false, "
                                    f"null_padding=true, nullstr='\\u0000', new_line='\\n') WHERE _cnbef_extra IS NOT NULL").fetchall()[0]
        if found:
            raise ValueError(f"{found} rows of {path.name} have a cell more than the header")

    def _create_view(self, name: str, sql: str) -> None:
        self.con.execute(f"CREATE OR REPLACE VIEW {sqlchecks.q(name)} AS {sql}")

    def _create_table(self, name: str, sql: str) -> None:
        self.con.execute(f"CREATE OR REPLACE TABLE {sqlchecks.q(name)} AS {sql}")

    def rows(self, sql: str) -> list[dict]:
        cursor = self.con.execute(sql)
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, r)) for r in cursor.fetchall()]

    def text_frame(self, sql: str):
        return self.con.sql(sql).to_arrow_table().to_pandas()

    def close(self) -> None:
        self.con.close()


class Spark(Engine):
    """Spark SQL: local mode by default, a cluster by its master URL. The queries are transpiled by sqlglot."""

    name = "spark"
    one_query = True
    # A table smaller than this is read here and sent to the cluster: a job per table costs seconds, more
    # than sending it. The executors parse the larger ones, one task per file.
    reads_files_from = 64 * 2**20
    # A package of at least this many batches of documents has its Python rules and provenance run on the
    # executors, a task per share of the batches; a smaller one on the driver (no job to start). In local
    # mode the executors are this machine's cores, which the driver's own worker processes use for less
    # (no rows turned to JSON and shuffled), so there the driver keeps them.
    python_on_executors_from = 2

    def __init__(self, master: str | None = None, session=None):
        super().__init__()
        if session is None:
            from pyspark.sql import SparkSession

            builder = SparkSession.builder.appName("cnbef-validate")
            master = master or os.environ.get("CNBEF_SPARK_MASTER", "local[2]")
            builder = builder.master(master)
            for key, value in SPARK_CONF.items():
                builder = builder.config(key, value)
            if master.startswith("local"):
                # the tasks that parse the tables run in this Python, which has cnbef (on a cluster: see cluster.md);
                # PySpark reads the variable when the session starts
                os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
            session = builder.getOrCreate()
            session.sparkContext.setLogLevel("ERROR")
        self.spark = session
        if session.sparkContext.master.startswith("local"):
            self.python_on_executors_from = float("inf")
        for key, value in SPARK_SESSION_CONF.items():
            self.spark.conf.set(key, value)
        # Spark has no whole-string regex match; Java's \z anchors at the very end (not before a final newline).
        self.spark.sql("CREATE OR REPLACE TEMPORARY FUNCTION full_match(s STRING, p STRING) RETURNS BOOLEAN "
                       "RETURN s RLIKE concat('^(?:', p, ')\\\\z')")
        self.spark.sql("CREATE OR REPLACE TEMPORARY FUNCTION finds(s STRING, p STRING) RETURNS BOOLEAN RETURN s RLIKE p")
        self._views = []

    def register_frame(self, name: str, frame) -> None:
        from pyspark.sql.types import LongType, StringType, StructField, StructType

        schema = StructType([StructField("_row", LongType(), False)] + [StructField(c, StringType(), True) for c in frame.columns])
        rows = frame.astype(object).where(frame.notna(), None)
        rows.insert(0, "_row", frame.index.to_numpy() + 2)
        self.spark.createDataFrame(rows, schema).createOrReplaceTempView(name + "__text")  # through Arrow
        self._views.append(name + "__text")
        self.columns[name] = list(frame.columns)

    def register_csv(self, name: str, paths: list[Path], columns: list[str]) -> None:
        """The files parsed on the executors, one task per file (so a table in parts is read in parallel and
        never passes through the driver); each file must be at the same path on every executor.

        The table is cached and counted here: a ragged row fails now, and the caller then reads the
        table in memory to locate it.
        """
        from pyspark.sql.types import LongType, StringType, StructField, StructType

        schema = StructType([StructField("_row", LongType(), False)] + [StructField(c, StringType(), True) for c in columns])
        jobs = [(str(Path(p).resolve()), k * ROW_SPAN, len(columns)) for k, p in enumerate(paths)]
        frame = self.spark.createDataFrame(self.spark.sparkContext.parallelize(jobs, len(jobs)).flatMap(csv_rows), schema)
        frame.persist()
        try:
            frame.count()
        except Exception:
            frame.unpersist()
            raise
        frame.createOrReplaceTempView(name + "__text")
        self._views.append(name + "__text")
        self.columns[name] = list(columns)

    def map_batches(self, queries: dict[str, str], groups: list, schemas: dict, small: dict, check) -> list:
        """The rules that need Python and provenance, run by the executors: one task per share of the batches
        of documents, each task given its batches' rows (shuffled by batch) and the small tables whole.
        ``queries``: each per-document table's rows with their batch (large.batch_rows). What ``check``
        finds comes back in the order of the batches."""
        from pyspark.sql import functions as F

        from cnbef.validation.large import check_rows

        if groups != [None]:
            self.spark.createDataFrame([(d, k) for k, group in enumerate(groups) for d in group],
                                       "document_id string, _batch int").createOrReplaceTempView("_cnbef_batches")
            self._views.append("_cnbef_batches")
        columns = {name: self.columns[name] for name in queries}
        payload = None
        for name, sql in queries.items():
            cells = F.to_json(F.struct(*[F.col(f"`{c}`") for c in ["_row"] + columns[name]]))
            rows = self.spark.sql(to_spark(sql)).select(F.col("_batch"), F.lit(name).alias("_table"), cells.alias("_json"))
            payload = rows if payload is None else payload.unionByName(rows)
        job = partial(check_rows, columns=columns, schemas=schemas, small=small, check=check)
        found = payload.repartition(len(groups), "_batch").rdd.mapPartitions(lambda rows: job(tuple(r) for r in rows)).collect()
        return [result for _, result in sorted(found, key=lambda r: r[0])]

    def _create_view(self, name: str, sql: str) -> None:
        self.spark.sql(f"CREATE OR REPLACE TEMPORARY VIEW `{name}` AS {to_spark(sql)}")
        self._views.append(name)

    def _create_table(self, name: str, sql: str) -> None:
        # Cached when first computed: the one query reads each typed table several times.
        self._create_view(name, sql)
        self.spark.table(f"`{name}`").persist()

    def rows(self, sql: str) -> list[dict]:
        return [r.asDict() for r in self.spark.sql(to_spark(sql)).collect()]

    def text_frame(self, sql: str):
        return self.spark.sql(to_spark(sql)).toArrow().to_pandas()

    def close(self) -> None:
        for view in self._views:
            self.spark.catalog.dropTempView(view)


# sqlglot writes string literals in Spark's default escaping ('\\.' for the pattern \.), so Spark's
# escapedStringLiterals must stay off: with it on, '\\.' would be two characters and a pattern would
# fail on good values. ANSI mode stays on: TRY_CAST is used wherever a cast may fail.
SPARK_SESSION_CONF = {"spark.sql.session.timeZone": "UTC"}
# The warehouse folder (which Spark otherwise creates in the working directory) goes to the temporary folder.
SPARK_CONF = {"spark.sql.warehouse.dir": os.path.join(tempfile.gettempdir(), "cnbef-spark-warehouse"), "spark.ui.enabled": "false", "spark.sql.execution.arrow.pyspark.enabled": "true", "spark.ui.showConsoleProgress": "false", "spark.sql.shuffle.partitions": os.environ.get("CNBEF_SPARK_PARTITIONS", "2"), "spark.driver.memory": "2g"}


def to_spark(sql: str) -> str:
    import sqlglot

    return sqlglot.transpile(sql, read="duckdb", write="spark")[0]


def csv_rows(job: tuple[str, int, int]):
    """(_row, cells...) of one CSV file, its header left out; "" is missing. A row of another width is an error."""
    path, offset, width = job
    with open(path, encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh)
        next(reader, None)
        for i, cells in enumerate(reader):
            if len(cells) != width:
                raise ValueError(f"{path}: row {i + 2} has {len(cells)} cells, the header {width}")
            yield (offset + i + 2, *[c if c != "" else None for c in cells])


