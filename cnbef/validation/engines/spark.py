"""Spark SQL, local or on a cluster: the queries transpiled from DuckDB's dialect by sqlglot, every check run as
one job, the rules that need Python run by the executors on large packages. pyspark and sqlglot are imported
here only, when a Spark engine is made."""
from __future__ import annotations

import csv
import json
import os
import sys
import tempfile
from functools import partial
from pathlib import Path

from cnbef.package.tables import ROW_SPAN
from cnbef.validation.checks import sqlchecks
from cnbef.validation.engines.base import Engine
from cnbef.validation.report import Problem


class Spark(Engine):
    """Spark SQL: local mode by default, a cluster by its master URL. The queries are transpiled by sqlglot."""

    name = "spark"
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
        # A session made here is stopped by close(), and its warehouse folder (which Spark otherwise creates
        # in the working directory) removed with it; a session given is the caller's to stop.
        self._warehouse = None
        if session is None:
            from pyspark.sql import SparkSession

            self._warehouse = tempfile.TemporaryDirectory(prefix="cnbef-spark-warehouse-")
            builder = SparkSession.builder.appName("cnbef-validate")
            master = master or os.environ.get("CNBEF_SPARK_MASTER", "local[2]")
            builder = builder.master(master).config("spark.sql.warehouse.dir", self._warehouse.name)
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

    def problems(self, schemas: dict[str, dict], files: dict[str, str]) -> list[Problem]:
        """Every generated check as one query: each Spark job pays its scheduling, so it is paid once."""
        checks = self.checks(schemas, files)
        if not checks:
            return []
        queries = [sqlchecks.cell_checks_query(c[0].table, c) if isinstance(c, list) else c.sql for _, c, _ in checks]
        try:
            rows = self.rows(union(queries))
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
        if self._warehouse is not None:
            self.spark.stop()
            self._warehouse.cleanup()


# sqlglot writes string literals in Spark's default escaping ('\\.' for the pattern \.), so Spark's
# escapedStringLiterals must stay off: with it on, '\\.' would be two characters and a pattern would
# fail on good values. ANSI mode stays on: TRY_CAST is used wherever a cast may fail.
SPARK_SESSION_CONF = {"spark.sql.session.timeZone": "UTC"}
SPARK_CONF = {"spark.ui.enabled": "false", "spark.sql.execution.arrow.pyspark.enabled": "true", "spark.ui.showConsoleProgress": "false", "spark.sql.shuffle.partitions": os.environ.get("CNBEF_SPARK_PARTITIONS", "2"), "spark.driver.memory": "2g"}


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


def union(queries: list[str]) -> str:
    """Queries as one, of uniform rows: which query, the row, and its fields as JSON."""
    import sqlglot

    parts = []
    for i, sql in enumerate(queries):
        names = [n for n in sqlglot.parse_one(sql, read="duckdb").named_selects if n != "_row"]
        fields = ", ".join(f"{sqlchecks.q(n)} := {sqlchecks.q(n)}" for n in names)
        payload = f"to_json(struct_pack({fields}))" if names else "'{}'"
        parts.append(f"SELECT {i} AS _check, _row, {payload} AS _payload FROM ({sql}) AS _q{i}")
    return "\nUNION ALL\n".join(parts)
