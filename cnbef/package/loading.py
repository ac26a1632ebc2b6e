"""`cnbef.load()`: the package's tables as typed pandas frames, or one exception that says what is wrong."""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from cnbef.package.tables import UsageError, lookup, read_csv_cells, read_descriptor, resource_paths, resource_schema, typed


class LoadError(ValueError):
    """The package cannot be loaded as its Table Schemas declare it; the message names the file (and row and column)."""


def _resources(package_dir: Path) -> list[dict]:
    try:
        descriptor = read_descriptor(package_dir)
    except UsageError as exc:
        raise LoadError(str(exc)) from None
    resources = descriptor.get("resources") if isinstance(descriptor, dict) else None
    if not isinstance(resources, list) or not all(isinstance(r, dict) and isinstance(r.get("name"), str) for r in resources):
        raise LoadError(f"{Path(package_dir) / 'datapackage.json'}: has no list of named resources; run cnbef validate")
    return resources


def _categories(frame: pd.DataFrame, schema: dict) -> pd.DataFrame:
    """Text as pandas' string dtype (missing is pd.NA); enum fields as categoricals in the schema's order."""
    for field in schema["fields"]:
        name = field["name"]
        if name not in frame.columns or field.get("type", "string") != "string":
            continue
        enum = field.get("constraints", {}).get("enum")
        frame[name] = frame[name].astype(pd.CategoricalDtype(enum) if enum else "string")
    return frame


def _typed_part(path: Path, schema: dict) -> pd.DataFrame:
    """One file typed from its schema; raises LoadError at the first row or cell that does not fit."""
    try:
        text, odd = read_csv_cells(path)
    except Exception as exc:  # broken CSV structure, not UTF-8
        raise LoadError(f"{path}: cannot be read as CSV ({' '.join(str(exc).split())}); run cnbef validate") from None
    if odd:
        row, expected, found, _ = odd[0]
        raise LoadError(f"{path}, row {row}: has {found} cells where the header has {expected}; run cnbef validate")
    missing = [f["name"] for f in schema.get("fields", []) if f["name"] not in text.columns]
    if missing:
        raise LoadError(f"{path}: has no column {', '.join(missing)}; run cnbef validate")
    frame = typed(text, schema)
    for field in schema.get("fields", []):
        name = field["name"]
        lost = text[name].notna() & frame[name].isna()
        if lost.any():
            i = int(lost.to_numpy().nonzero()[0][0])
            raise LoadError(f"{path}, row {i + 2}, column {name}: {text[name].iloc[i]!r} is not a "
                            f"{field.get('type', 'string')}; run cnbef validate")
    return frame


def load_table(name: str, package_dir: Path | str | None = None) -> pd.DataFrame:
    """One table, typed from its Table Schema and indexed by its primary key (as Frictionless does)."""
    from cnbef.package.installed import package_dir as installed

    package_dir = Path(package_dir or installed())
    resource = next((r for r in _resources(package_dir) if r["name"] == name), None)
    if resource is None:
        raise KeyError(f"no table {name!r} in {package_dir}")
    try:
        schema = resource_schema(package_dir, resource)
    except (OSError, ValueError) as exc:
        raise LoadError(f"{package_dir / str(resource.get('schema'))}: cannot be read ({exc})") from None
    parts = [_typed_part(package_dir / p, schema) for p in resource_paths(resource)]
    frame = _categories(pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0], schema)
    return frame.set_index(schema["primaryKey"]) if schema.get("primaryKey") else frame


def load(package_dir: Path | str | None = None) -> dict[str, pd.DataFrame]:
    """Every table as a typed DataFrame: codes as strings, dates as datetimes, nullable integers,
    categories for enumerations; facts also get ``value_normalized`` (value in its base unit).
    Raises LoadError, naming the file (and the row and column), when a table does not fit its schema."""
    from cnbef.package.installed import package_dir as installed

    package_dir = Path(package_dir or installed())
    tables = {r["name"]: load_table(r["name"], package_dir) for r in _resources(package_dir)}
    if "facts" in tables and "units" in tables:
        multiplier = lookup(tables["facts"]["unit_id"], tables["units"], None, "multiplier")
        tables["facts"]["value_normalized"] = tables["facts"]["value"] * multiplier
    return tables
