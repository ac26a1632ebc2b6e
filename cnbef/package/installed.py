"""Where the data package is: inside the installed cnbef (cnbef/bundled/), or the checkout cnbef runs from."""
from __future__ import annotations

from pathlib import Path


def package_dir() -> Path:
    """The folder of the data package this cnbef ships with (installed), or of its checkout."""
    installed = Path(__file__).resolve().parent.parent / "bundled"
    return installed if (installed / "datapackage.json").is_file() else Path(__file__).resolve().parent.parent.parent


def version() -> str:
    """The data package's version (declared once, in datapackage.json); the installed one when it cannot be read."""
    from importlib.metadata import PackageNotFoundError, version as installed_version

    from cnbef.package.tables import UsageError, read_descriptor

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
