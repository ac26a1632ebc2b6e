"""facts_flat: one readable row per fact, derived from the normalized tables.

For the person who downloads one CSV: labels in Chinese and English, the value as
written and normalized to its base unit, the period and the evidence, no joins.
Its columns are declared here once, each as "copy field F of table T" or as a
computed column; its Table Schema is generated from the schemas it copies from.
The file starts with a UTF-8 BOM, so Excel on Chinese Windows opens it as UTF-8
by double-click (without one Excel reads it as GBK and garbles the Chinese).
"""
from __future__ import annotations

import csv
import io
import json
from decimal import Decimal, InvalidOperation
from pathlib import Path

import pandas as pd

from cnbef.package.tables import lookup, read_descriptor, read_text_table, resource_schema, table_files

NAME = "facts_flat"
PATH = f"data/{NAME}.csv"
SCHEMA_PATH = f"schemas/{NAME}.json"
ENCODING = "utf-8-sig"

# (column, table it comes from, field there, how facts reach that table: facts column holding its key)
COPIED = [
    ("fact_id", "facts", "fact_id", None),
    ("source_id", "facts", "source_id", None),
    ("source_title_zh", "sources", "title_zh", "source_id"),
    ("region_id", "facts", "region_id", None),
    ("region_name_zh", "regions", "name_zh", "region_id"),
    ("region_name_en", "regions", "name_en", "region_id"),
    ("region_level", "regions", "level", "region_id"),
    ("entity_id", "facts", "entity_id", None),
    ("entity_name_zh", "entities", "name_zh", "entity_id"),
    ("entity_name_en", "entities", "name_en", "entity_id"),
    ("measure_id", "facts", "measure_id", None),
    ("measure_name_zh", "measures", "name_zh", "measure_id"),
    ("measure_name_en", "measures", "name_en", "measure_id"),
    ("measure_kind", "measures", "kind_id", "measure_id"),
    ("measure_topic", "measures", "topic_id", "measure_id"),
    ("measure_official_indicator", "measures", "official_indicator", "measure_id"),
    ("measure_official_name_zh", "measures", "official_name_zh", "measure_id"),
    ("value", "facts", "value", None),
    ("value_text", "facts", "value_text", None),
    ("unit_id", "facts", "unit_id", None),
    ("unit_symbol", "units", "symbol", "unit_id"),
    ("unit_name_en", "units", "name_en", "unit_id"),
    ("unit_implied", "facts", "unit_implied", None),
    ("currency_code", "units", "currency_code", "unit_id"),
]
COMPUTED = [
    {"name": "value_normalized", "type": "number", "after": "currency_code",
     "description": "value × the unit's multiplier, in the base unit (2.96 亿元 → 296000000).",
     "description_zh": "换算到基准单位后的数值"},
    {"name": "normalized_unit_symbol", "type": "string", "after": "value_normalized",
     "description": "Symbol of the base unit of value_normalized (元, %, 吨 …).", "description_zh": "基准单位"},
]
COPIED_TAIL = [
    ("qualifier", "facts", "qualifier", None),
    ("qualifier_text", "facts", "qualifier_text", None),
    ("claim_type", "facts", "claim_type", None),
    ("period_start", "facts", "period_start", None),
    ("period_end", "facts", "period_end", None),
    ("period_text", "facts", "period_text", None),
    ("period_inferred", "facts", "period_inferred", None),
    ("quote", "facts", "quote", None),
    ("note", "facts", "note", None),
]


def _schemas(package_dir: Path) -> dict:
    # facts_flat's own schema is generated from these, so it is not read here
    return {r["name"]: resource_schema(package_dir, r) for r in read_descriptor(package_dir)["resources"] if r["name"] != NAME}


def flat_schema(package_dir: Path) -> dict:
    """The Table Schema of facts_flat, copied field by field from the normalized schemas."""
    schemas = _schemas(package_dir)
    fields = []
    for column, table, field, via in COPIED + [(c["name"], None, None, None) for c in COMPUTED] + COPIED_TAIL:
        if table is None:
            spec = next(c for c in COMPUTED if c["name"] == column)
            fields.append({k: v for k, v in spec.items() if k != "after"})
            continue
        source = dict(next(f for f in schemas[table]["fields"] if f["name"] == field))
        source["name"] = column
        constraints = {k: v for k, v in source.pop("constraints", {}).items() if k not in ("unique",)}
        if via is not None or table != "facts":
            constraints.pop("required", None)  # a label is empty where the fact has no entity
        if constraints:
            source["constraints"] = constraints
        fields.append(source)
    return {"$schema": "https://specs.frictionlessdata.io/schemas/table-schema.json",
            "description": "One readable row per fact, with labels in Chinese and English and the value normalized to "
                           "its base unit. Derived from the normalized tables by scripts/build_flat.py; do not edit.",
            "fields": fields, "primaryKey": ["fact_id"], "missingValues": [""]}


def _normalized(value: str, multiplier: str) -> str:
    try:
        product = Decimal(value) * Decimal(multiplier)
    except (InvalidOperation, TypeError, ValueError):  # empty or invalid: the validator reports the cell
        return ""
    return "" if not product.is_finite() else format(product.normalize(), "f")  # an unknown unit has no multiplier


def flat_rows(package_dir: Path) -> pd.DataFrame:
    descriptor = read_descriptor(package_dir)
    paths = {r["name"]: table_files(package_dir, r) for r in descriptor["resources"]}
    text = {n: read_text_table(paths[n]) for n in ("facts", "sources", "regions", "entities", "measures", "units")}
    facts = text["facts"]
    out = pd.DataFrame(index=facts.index)
    keys = {"sources": "source_id", "regions": "region_id", "entities": "entity_id", "measures": "measure_id", "units": "unit_id"}
    copied = COPIED + COPIED_TAIL
    for table, via in dict.fromkeys((t, v) for _, t, _, v in copied):  # one lookup per table reached
        columns = [(c, fld) for c, t, fld, v in copied if (t, v) == (table, via)]
        found = facts if table == "facts" else lookup(facts[via], text[table], keys[table], list(dict.fromkeys(f for _, f in columns)))
        for column, field in columns:
            out[column] = found[field]
    units = text["units"]
    unit = lookup(facts["unit_id"], units, "unit_id", ["multiplier", "base_unit_id"])
    out["value_normalized"] = [_normalized(v, m) for v, m in zip(facts["value"], unit["multiplier"])]
    out["normalized_unit_symbol"] = lookup(unit["base_unit_id"], units, "unit_id", "symbol")
    order = [f["name"] for f in flat_schema(package_dir)["fields"]]
    return out[order].sort_values("fact_id")


def flat_csv(package_dir: Path) -> bytes:
    buf = io.StringIO()
    flat_rows(package_dir).to_csv(buf, index=False, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    return buf.getvalue().encode(ENCODING)


def schema_json(package_dir: Path) -> str:
    return json.dumps(flat_schema(package_dir), ensure_ascii=False, indent=2) + "\n"


def stale(package_dir: Path) -> list[str]:
    """Files of facts_flat that differ from what the normalized tables give."""
    root = Path(package_dir)
    wanted = {PATH: flat_csv(root), SCHEMA_PATH: schema_json(root).encode("utf-8")}
    return [p for p, data in wanted.items() if not (root / p).is_file() or (root / p).read_bytes() != data]


def write(package_dir: Path) -> None:
    root = Path(package_dir)
    (root / SCHEMA_PATH).write_text(schema_json(root), encoding="utf-8")
    (root / PATH).write_bytes(flat_csv(root))
