"""cn-business-environment-facts: curated facts from Chinese local news, as typed pandas frames.

    import cnbef
    tables = cnbef.load()                  # every table, typed from its Table Schema
    tables["facts"].loc["000-luohe-f17"]   # 2.96 亿元: value 2.96, value_normalized 296000000.0

The data package ships inside the installed package (cnbef/package/); in a checkout of the
repository it is the checkout itself.
"""
from __future__ import annotations

import warnings
from pathlib import Path

import pandas as pd

# pandera imports pyspark.pandas when pyspark is installed (for the Spark engine), which warns about
# pandas 3; we never use pyspark.pandas.
warnings.filterwarnings("ignore", message="PySpark does not yet fully support pandas", category=FutureWarning)

from .package import lookup, read_descriptor, read_text_table, resource_schema, table_files, typed

def _package_dir() -> Path:
    installed = Path(__file__).resolve().parent / "package"
    return installed if (installed / "datapackage.json").is_file() else Path(__file__).resolve().parent.parent


PACKAGE_DIR = _package_dir()
__version__ = read_descriptor(PACKAGE_DIR)["version"]  # declared once: the data package's version


def _categories(frame: pd.DataFrame, schema: dict) -> pd.DataFrame:
    """Text as pandas' string dtype (missing is pd.NA); enum fields as categoricals in the schema's order."""
    for field in schema["fields"]:
        name = field["name"]
        if name not in frame.columns or field.get("type", "string") != "string":
            continue
        enum = field.get("constraints", {}).get("enum")
        frame[name] = frame[name].astype(pd.CategoricalDtype(enum) if enum else "string")
    return frame


def load_table(name: str, package_dir: Path | str = PACKAGE_DIR) -> pd.DataFrame:
    """One table, typed from its Table Schema and indexed by its primary key (as Frictionless does)."""
    package_dir = Path(package_dir)
    resource = next((r for r in read_descriptor(package_dir)["resources"] if r["name"] == name), None)
    if resource is None:
        raise KeyError(f"no table {name!r} in {package_dir}")
    schema = resource_schema(package_dir, resource)
    frame = _categories(typed(read_text_table(table_files(package_dir, resource)), schema), schema)
    return frame.set_index(schema["primaryKey"]) if schema.get("primaryKey") else frame


def load(package_dir: Path | str = PACKAGE_DIR) -> dict[str, pd.DataFrame]:
    """Every table as a typed DataFrame: codes as strings, dates as datetimes, nullable integers,
    categories for enumerations; facts also get ``value_normalized`` (value in its base unit)."""
    names = [r["name"] for r in read_descriptor(Path(package_dir))["resources"]]
    tables = {name: load_table(name, package_dir) for name in names}
    if "facts" in tables and "units" in tables:
        multiplier = lookup(tables["facts"]["unit_id"], tables["units"], None, "multiplier")
        tables["facts"]["value_normalized"] = tables["facts"]["value"] * multiplier
    return tables
