"""DuckDB, embedded: over frames already read, or over the CSV files themselves, out of core."""
from __future__ import annotations

from pathlib import Path

from cnbef.package.tables import ROW_SPAN
from cnbef.validation.checks import sqlchecks
from cnbef.validation.engines.base import Engine, text_table


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
