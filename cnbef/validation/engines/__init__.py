"""Engines that run the generated queries: DuckDB (embedded; the default) and Spark SQL. No engine has rules
of its own (base.py says what each does)."""
from cnbef.validation.engines.duckdb import DuckDB
from cnbef.validation.engines.spark import Spark, csv_rows

__all__ = ["DuckDB", "Spark", "csv_rows"]
