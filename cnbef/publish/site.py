"""A browsable site: the SQLite export served by Datasette, with metadata generated from the package.

Titles and descriptions come from datapackage.json and the Table Schemas (English / Chinese);
licence and source from the descriptor; the unit of each row is its unit_id, labelled by the
unit's symbol. What is declared here is only how the site presents the tables: which columns
to facet by, which column names a row when another table points to it, what the search box
searches, and a little CSS. The site's database is the export plus search tables and the flat
table's foreign keys; cnbef/publish/site_plugin.py is the Datasette plugin that goes with it.
"""
from __future__ import annotations

import html
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import urllib.parse
from pathlib import Path

from cnbef.publish.exports import to_sqlite
from cnbef.package.tables import read_descriptor, resource_schema

METADATA = "metadata.json"
PLUGINS = "plugins"
PLUGIN = Path(__file__).with_name("site_plugin.py")
FACETS = {"facts": ["region_id", "measure_id", "claim_type"],
          "facts_flat": ["region_name_zh", "measure_name_en", "claim_type", "unit_symbol"],
          "policies": ["region_id"], "excluded_mentions": ["reason"], "regions": ["level"]}
# The column that names a row, shown beside a foreign key that points to it.
LABELS = {"regions": "name_zh", "measures": "name_zh", "units": "symbol", "entities": "name_zh", "measure_kinds": "name_zh",
          "content_types": "name_zh", "exclusion_reasons": "name_zh", "sources": "title_en", "documents": "description"}
# The flat table has a row per row of the table it flattens and repeats its key columns, but declares no
# foreign keys (the export has none for it), so Datasette would show its codes without labels or links.
FLAT = {"facts_flat": "facts"}
# What the search box of a table searches: these facts_flat columns of the table's fact (joined on fact_id).
SEARCHED = ["quote", "measure_name_zh", "measure_name_en", "region_name_zh", "region_name_en",
            "entity_name_zh", "entity_name_en", "source_title_zh", "period_text", "note"]
SEARCH = ["facts", "facts_flat"]
# One measure by region and period, for the measures two regions or more report: a user picks the measure
# (facet) and reads achieved figures apart from targets (claim_type leads the sort, as the table says never to mix them).
COMPARISONS = "comparisons"
COMPARED = ["measure_id", "measure_name_zh", "measure_official_name_zh", "measure_topic", "claim_type", "region_id",
            "region_name_zh", "region_level", "period_start", "period_end", "period_text", "qualifier", "value", "unit_symbol",
            "value_normalized", "normalized_unit_symbol", "fact_id", "quote"]
COMPARISONS_SQL = (f"CREATE VIEW {COMPARISONS} AS SELECT {', '.join(COMPARED)} FROM facts_flat WHERE measure_id IN "
                   "(SELECT measure_id FROM facts_flat GROUP BY measure_id HAVING COUNT(DISTINCT region_id) >= 2) "
                   "ORDER BY measure_id, claim_type, period_end DESC, region_id")
COLUMN_HINT = "Each column's description is in the menu (⚙) of its heading, and all are in the _metadata table."
# Column descriptions in the columns' menus only: Datasette also lists them above the rows, a screenful for
# facts. A row page lays its one row out as a column of name / value pairs, the quote second: side by side,
# the columns ran off the screen before the quote (17th of facts' columns, 31st of facts_flat's).
CSS = """dl.column-descriptions { display: none; }
body.row table.rows-and-columns { grid-auto-flow: column; grid-template-columns: max-content minmax(0, 1fr); }
body.row .rows-and-columns th.col-quote { grid-area: 2 / 1; }
body.row .rows-and-columns td.col-quote { grid-area: 2 / 2; }
"""
# Per table, as the grid needs a row per column (any other table keeps Datasette's layout).
ROW_CSS = """body.row.table-{table} table.rows-and-columns {{ display: grid; grid-template-rows: repeat({n}, auto); }}
body.row.table-{table} .rows-and-columns :is(thead, tbody, tr) {{ display: contents; }}
body.row.table-{table} .rows-and-columns th {{ text-align: right; padding-right: 1em; }}
body.row.table-{table} .rows-and-columns td:before {{ content: none; }}
"""


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _both(en, zh) -> str:
    return " / ".join(t for t in (en, zh) if t)


def _css(tables: dict[str, int]) -> str:
    """The site's stylesheet as a data: URL, so that metadata.json alone carries it (no static files to serve)."""
    from datasette.utils import to_css_class  # the body class Datasette gives a table's pages

    css = CSS + "".join(ROW_CSS.format(table=to_css_class(t), n=n) for t, n in tables.items())
    return "data:text/css," + urllib.parse.quote(css)


def _database_description(descriptor: dict) -> str:
    # The sources (each page with its SHA-256) once, folded, on the database page: as Datasette's "source"
    # they filled the header and the footer of every page.
    sources = descriptor.get("sources", [])
    items = "".join(f"<li>{html.escape(s.get('title', ''))}</li>" for s in sources)
    return (f"<p>{html.escape(descriptor.get('description', ''))}</p>"
            f"<details><summary>Sources: {len(sources)} pages, each cited by its SHA-256</summary><ul>{items}</ul></details>")


def metadata(package_dir: Path) -> dict:
    """Datasette's metadata.json for the package."""
    descriptor = read_descriptor(package_dir)
    licence = (descriptor.get("licenses") or [{}])[0]
    tables, widths = {}, {}
    for res in descriptor["resources"]:
        schema = resource_schema(package_dir, res)
        table = {"title": _both(res.get("title", res["name"]), res.get("title_zh")),
                 "description": " ".join(filter(None, (res.get("description"), COLUMN_HINT))),
                 "columns": {f["name"]: _both(f.get("description"), f.get("description_zh")) for f in schema["fields"]}}
        if res["name"] in FACETS:
            table["facets"] = FACETS[res["name"]]
        if res["name"] in LABELS:
            table["label_column"] = LABELS[res["name"]]
        if res["name"] in SEARCH:
            table["fts_table"] = f"{res['name']}_fts"
        if schema.get("primaryKey"):
            table["sort"] = schema["primaryKey"][0]
        tables[res["name"]] = table
        widths[res["name"]] = len(schema["fields"]) + (not schema.get("primaryKey"))  # a keyless row shows its rowid
    tables[COMPARISONS] = {"title": "Comparisons / 地区比较",
                           "description": "One measure by region and period, for every measure two regions or more report: "
                                          "pick a measure, and read achieved figures apart from targets (claim_type).",
                           "facets": ["measure_name_zh", "claim_type", "measure_topic"]}
    return {"title": _both(descriptor.get("title"), descriptor.get("title_zh")),
            "description": descriptor.get("description", ""),
            "license": licence.get("title") or licence.get("name"), "license_url": licence.get("path"),
            "source": f"{len(descriptor.get('sources', []))} pages, listed on the database page",
            "about": f"{descriptor['name']} {descriptor.get('version', '')}".strip(),
            "extra_css_urls": [_css(widths)],
            "databases": {descriptor["name"]: {"title": _both(descriptor.get("title"), descriptor.get("title_zh")),
                                               "description_html": _database_description(descriptor), "tables": tables}}}


def _add_foreign_keys(con: sqlite3.Connection, flat: str, base: str) -> None:
    """The flat table rebuilt with its base table's foreign keys on the columns they share, and its key
    pointing to the base row (SQLite cannot add a constraint to a table)."""
    columns = {r[1] for r in con.execute(f"PRAGMA table_info({_q(flat)})")}
    columns -= {r[3] for r in con.execute(f"PRAGMA foreign_key_list({_q(flat)})")}  # should its schema declare some
    keys = [(r[3], r[2], r[4]) for r in con.execute(f"PRAGMA foreign_key_list({_q(base)})") if r[3] in columns]
    keys += [(r[1], base, r[1]) for r in con.execute(f"PRAGMA table_info({_q(base)})") if r[5] and r[1] in columns]
    if not keys:
        return
    sql = con.execute("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", (flat,)).fetchone()[0]
    references = "".join(f",\n  FOREIGN KEY ({_q(c)}) REFERENCES {_q(t)} ({_q(r)})" for c, t, r in keys)
    con.execute(f"ALTER TABLE {_q(flat)} RENAME TO _without_keys")
    con.execute(sql[:sql.rindex(")")].rstrip() + references + "\n)")
    con.execute(f"INSERT INTO {_q(flat)} SELECT * FROM _without_keys")
    con.execute("DROP TABLE _without_keys")


def _add_search(con: sqlite3.Connection, table: str) -> None:
    """<table>_fts: the searched text of each row, keyed by the row's rowid, Chinese spaced for the plugin."""
    from cnbef.publish.site_plugin import spaced  # imports Datasette (the "site" extra)

    con.execute(f"CREATE VIRTUAL TABLE {_q(table + '_fts')} USING fts5({', '.join(map(_q, SEARCHED))}, content='')")
    rows = con.execute(f"SELECT t.rowid, {', '.join('f.' + _q(c) for c in SEARCHED)} "
                       f"FROM {_q(table)} AS t JOIN facts_flat AS f USING (fact_id)")
    con.executemany(f"INSERT INTO {_q(table + '_fts')} (rowid, {', '.join(map(_q, SEARCHED))}) "
                    f"VALUES ({', '.join('?' * (1 + len(SEARCHED)))})",
                    [(rowid, *(spaced(v) if v else v for v in texts)) for rowid, *texts in rows])


def build(package_dir: Path, out: Path) -> Path:
    """The SQLite export (Datasette names the database after the file), with search tables and the flat
    table's foreign keys, its metadata.json and the plugin in ``out``."""
    out = Path(out)
    database = to_sqlite(package_dir, out / f"{read_descriptor(package_dir)['name']}.sqlite")
    con = sqlite3.connect(database, isolation_level=None)  # one explicit transaction
    try:
        con.execute("BEGIN")
        for flat, base in FLAT.items():
            _add_foreign_keys(con, flat, base)
        for table in SEARCH:
            _add_search(con, table)
        con.execute(COMPARISONS_SQL)
        con.execute("COMMIT")
    finally:
        con.close()
    (out / PLUGINS).mkdir(exist_ok=True)
    shutil.copy(PLUGIN, out / PLUGINS / "cnbef_site.py")
    (out / METADATA).write_text(json.dumps(metadata(package_dir), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return database


def serve_command(database: Path, host: str = "127.0.0.1", port: int = 8001) -> list[str]:
    site = Path(database).parent
    return [sys.executable, "-m", "datasette", "serve", str(database), "--metadata", str(site / METADATA),
            "--plugins-dir", str(site / PLUGINS), "--host", host, "--port", str(port),
            "--setting", "default_facet_size", "15"]


def serve(database: Path, host: str = "127.0.0.1", port: int = 8001) -> int:
    """Datasette in place of this process, so that a signal to it (Ctrl-C, SIGTERM) stops the server;
    run as a child, it kept serving after its parent was killed."""
    command = serve_command(database, host, port)
    if os.name != "posix":  # Windows' execv starts a new process and ends this one: the console would lose it
        return subprocess.call(command)
    sys.stdout.flush()  # what is buffered would be lost with this process's image
    sys.stderr.flush()
    os.execv(command[0], command)
