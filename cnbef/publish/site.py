"""A browsable site: the SQLite export served by Datasette, with metadata generated from the package.

Titles and descriptions come from datapackage.json and the Table Schemas (English / Chinese);
licence and source from the descriptor; the unit of each row is its unit_id, labelled by the
unit's symbol. What is declared here is only how the site presents the tables: which columns
to facet by, and which column names a row when another table points to it.
"""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from cnbef.publish.exports import to_sqlite
from cnbef.package.tables import read_descriptor, resource_schema

METADATA = "metadata.json"
FACETS = {"facts": ["region_id", "measure_id", "claim_type"],
          "facts_flat": ["region_name_zh", "measure_name_en", "claim_type", "unit_symbol"],
          "policies": ["region_id"], "excluded_mentions": ["reason"], "regions": ["level"]}
# The column that names a row, shown beside a foreign key that points to it.
LABELS = {"regions": "name_zh", "measures": "name_zh", "units": "symbol", "entities": "name_zh", "measure_kinds": "name_zh",
          "content_types": "name_zh", "exclusion_reasons": "name_zh", "sources": "title_en", "documents": "description"}


def _both(en, zh) -> str:
    return " / ".join(t for t in (en, zh) if t)


def metadata(package_dir: Path) -> dict:
    """Datasette's metadata.json for the package."""
    descriptor = read_descriptor(package_dir)
    licence = (descriptor.get("licenses") or [{}])[0]
    tables = {}
    for res in descriptor["resources"]:
        schema = resource_schema(package_dir, res)
        table = {"title": _both(res.get("title", res["name"]), res.get("title_zh")),
                 "description": res.get("description", ""),
                 "columns": {f["name"]: _both(f.get("description"), f.get("description_zh")) for f in schema["fields"]}}
        if res["name"] in FACETS:
            table["facets"] = FACETS[res["name"]]
        if res["name"] in LABELS:
            table["label_column"] = LABELS[res["name"]]
        if schema.get("primaryKey"):
            table["sort"] = schema["primaryKey"][0]
        tables[res["name"]] = table
    return {"title": _both(descriptor.get("title"), descriptor.get("title_zh")),
            "description": descriptor.get("description", ""),
            "license": licence.get("title") or licence.get("name"), "license_url": licence.get("path"),
            "source": " · ".join(s.get("title", "") for s in descriptor.get("sources", [])) or None,
            "about": f"{descriptor['name']} {descriptor.get('version', '')}".strip(),
            "databases": {descriptor["name"]: {"title": _both(descriptor.get("title"), descriptor.get("title_zh")),
                                     "description": descriptor.get("description", ""), "tables": tables}}}


def build(package_dir: Path, out: Path) -> Path:
    """The SQLite export (Datasette names the database after the file) and its metadata.json in ``out``."""
    out = Path(out)
    database = to_sqlite(package_dir, out / f"{read_descriptor(package_dir)['name']}.sqlite")
    (out / METADATA).write_text(json.dumps(metadata(package_dir), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return database


def serve_command(database: Path, host: str = "127.0.0.1", port: int = 8001) -> list[str]:
    return [sys.executable, "-m", "datasette", "serve", str(database), "--metadata", str(Path(database).parent / METADATA),
            "--host", host, "--port", str(port), "--setting", "default_facet_size", "15"]


def serve(database: Path, host: str = "127.0.0.1", port: int = 8001) -> int:
    return subprocess.call(serve_command(database, host, port))
