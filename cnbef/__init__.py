"""cn-business-environment-facts: curated facts from Chinese local news, as typed pandas frames.

    import cnbef
    tables = cnbef.load()                  # every table, typed from its Table Schema
    tables["facts"].loc["000-luohe-f17"]   # 2.96 亿元: value 2.96, value_normalized 296000000.0

The data package ships inside the installed package (cnbef/package/); in a checkout of the
repository it is the checkout itself. Importing cnbef reads no file: the package folder and the
version are looked up when first asked for.
"""
from __future__ import annotations

from pathlib import Path

__all__ = ["PACKAGE_DIR", "__version__", "load", "load_table", "LoadError"]


def package_dir() -> Path:
    """The folder of the data package this cnbef ships with (installed), or of its checkout."""
    installed = Path(__file__).resolve().parent / "package"
    return installed if (installed / "datapackage.json").is_file() else Path(__file__).resolve().parent.parent


def version() -> str:
    """The data package's version (declared once, in datapackage.json); the installed one when it cannot be read."""
    from importlib.metadata import PackageNotFoundError, version as installed_version

    from .package import UsageError, read_descriptor

    try:
        declared = read_descriptor(package_dir())
    except UsageError:
        declared = None
    if isinstance(declared, dict) and isinstance(declared.get("version"), str):
        return declared["version"]
    try:
        return installed_version("cn-business-environment-facts")
    except PackageNotFoundError:
        return "unknown"


def __getattr__(name: str):
    if name == "PACKAGE_DIR":
        return package_dir()
    if name == "__version__":
        return version()
    if name in ("load", "load_table", "LoadError"):
        from . import loading
        return getattr(loading, name)
    raise AttributeError(f"module 'cnbef' has no attribute {name!r}")
