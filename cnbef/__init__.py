"""cn-business-environment-facts: curated facts from Chinese local news, as typed pandas frames.

    import cnbef
    tables = cnbef.load()                  # every table, typed from its Table Schema
    tables["facts"].loc["000-luohe-f17"]   # 2.96 亿元: value 2.96, value_normalized 296000000.0

The data package ships inside the installed package (cnbef/bundled/); in a checkout of the
repository it is the checkout itself. Importing cnbef reads no file: the package folder and the
version are looked up when first asked for.
"""
from __future__ import annotations

__all__ = ["PACKAGE_DIR", "__version__", "load", "load_table", "LoadError"]


def __getattr__(name: str):
    if name in ("PACKAGE_DIR", "__version__"):
        from cnbef.package.installed import package_dir, version
        return package_dir() if name == "PACKAGE_DIR" else version()
    if name in ("load", "load_table", "LoadError"):
        from cnbef.package import loading
        return getattr(loading, name)
    raise AttributeError(f"module 'cnbef' has no attribute {name!r}")
