import csv
import shutil
from pathlib import Path

import pytest

from cnbef.package import flat
from cnbef.package.metadata import refreshed, write_descriptor

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ROOT.parent / "shared" / "sources"


def sources_or_skip() -> Path:
    if not any(SOURCES.glob("*.txt")):
        pytest.skip(f"source texts not found in {SOURCES}; provenance tests need them")
    return SOURCES


@pytest.fixture
def sources_dir() -> Path:
    return sources_or_skip()


class PackageCopy:
    """A copy of the real package in a temporary folder, with helpers to break it."""

    def __init__(self, root: Path, origin: Path = ROOT):
        self.root = root
        root.mkdir(parents=True, exist_ok=True)
        shutil.copy(origin / "datapackage.json", root)
        shutil.copytree(origin / "data", root / "data")
        shutil.copytree(origin / "schemas", root / "schemas")

    def rows(self, table: str) -> list[list[str]]:
        with open(self.root / "data" / f"{table}.csv", encoding="utf-8", newline="") as fh:
            return list(csv.reader(fh))

    def write(self, table: str, rows: list[list[str]], rebuild: bool = True) -> None:
        with open(self.root / "data" / f"{table}.csv", "w", encoding="utf-8", newline="") as fh:
            csv.writer(fh, lineterminator="\n").writerows(rows)
        self.refresh(rebuild)

    def refresh(self, rebuild: bool = True) -> None:
        """Keep derived files current, so that a test sees only the fault it injects.

        A fault below the level of cells (bytes, encoding, CSV structure) leaves the derived table as
        it was (rebuild=False): the validator then also reports it stale. A rebuild that fails is an error.
        """
        if rebuild:
            flat.write(self.root)
        write_descriptor(self.root, refreshed(self.root))

    def drop_drafts(self) -> None:
        """The pages the real data has in draft taken out (documents and spans rows): a package that can be released."""
        docs = self.rows("documents")
        status = docs[0].index("status")
        drafts = {r[0] for r in docs[1:] if r[status] == "draft"}
        spans = self.rows("sources")
        doc = spans[0].index("document_id")
        self.write("sources", [spans[0]] + [r for r in spans[1:] if r[doc] not in drafts], rebuild=False)
        self.write("documents", [r for r in docs if r[0] not in drafts])

    def row_of(self, table: str, key: str) -> int:
        """Spreadsheet row (header = 1) of the row whose first column is ``key``."""
        return next(n for n, r in enumerate(self.rows(table), 1) if r[0] == key)

    def get(self, table: str, key: str, column: str) -> str:
        rows = self.rows(table)
        return rows[self.row_of(table, key) - 1][rows[0].index(column)]

    def set(self, table: str, key: str, column: str, value) -> int:
        rows = self.rows(table)
        n = self.row_of(table, key)
        rows[n - 1][rows[0].index(column)] = str(value)
        self.write(table, rows)
        return n

    def delete(self, table: str, key: str) -> None:
        self.write(table, [r for r in self.rows(table) if r[0] != key])


@pytest.fixture(scope="session")
def page_template(tmp_path_factory) -> Path:
    """The package with the made-up page of tests/made_up_page.py, built once per session."""
    from made_up_page import build_template
    return build_template(tmp_path_factory.mktemp("made-up-page"))


@pytest.fixture
def pkg(tmp_path, page_template):
    """A fresh copy of the package with the made-up page, to break; ``pkg.sources`` holds its texts."""
    from made_up_page import PageCopy
    return PageCopy(tmp_path, page_template)


@pytest.fixture(scope="session")
def spark_session():
    """One local Spark session for the whole run (the JVM takes seconds to start)."""
    from cnbef.validation.engines import Spark

    engine = Spark()
    yield engine.spark
    engine.close()


@pytest.fixture(params=["duckdb", "spark"])
def engine(request):
    """Each engine that runs the generated queries, new for each test."""
    from cnbef.validation.engines import DuckDB, Spark

    if request.param == "duckdb":
        return DuckDB()
    return Spark(session=request.getfixturevalue("spark_session"))


# Tiers (docs/development.md): unit and package cases run always; `spark` needs Java and starts a Spark
# session; `slow` builds wheels and venvs, opens a browser or LibreOffice, benchmarks, or runs every damaged
# package through every engine. `pytest -m "not slow and not spark"` is the quick loop while editing.
SLOW_FIXTURES = {"wheel", "synthetic", "site"}


def pytest_collection_modifyitems(config, items):
    for item in items:
        params = getattr(item, "callspec", None)
        if "spark_session" in item.fixturenames or (params is not None and params.params.get("engine") == "spark"):
            item.add_marker(pytest.mark.spark)
        if SLOW_FIXTURES & set(item.fixturenames):
            item.add_marker(pytest.mark.slow)
