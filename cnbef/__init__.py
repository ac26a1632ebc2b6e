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
    if name in ("load_table", "LoadError"):
        from cnbef.package import loading
        return getattr(loading, name)
    raise AttributeError(f"module 'cnbef' has no attribute {name!r}")


SHOWN = 20  # rows named in the message of load(validate=True); the rest are counted


def load(package_dir=None, validate: bool = False):
    """Every table of the package as a typed DataFrame (cnbef.package.loading.load). ``validate=True`` also
    checks them with the generated Pandera schemas (constraints, keys, foreign keys, and the semantic rules
    the validator runs as queries) and raises LoadError naming each row that fails; ``cnbef validate``
    checks everything else (the files, the rules that need Python, the source texts)."""
    from cnbef.package.loading import LoadError, load as load_tables

    tables = load_tables(package_dir)
    if validate:
        from cnbef.package.installed import package_dir as installed
        from cnbef.validation.pandera_schemas import loaded_failures

        found = loaded_failures(package_dir or installed(), tables)
        if found:
            lines = [f"{file}, row {row}" + (f", column {column}" if column else "") + f": {rule}"
                     for file, row, column, rule in found[:SHOWN]]
            more = f"\n… and {len(found) - SHOWN} more" if len(found) > SHOWN else ""
            raise LoadError(f"{len(found)} rows do not pass the package's Pandera schemas (run cnbef validate for why):\n"
                            + "\n".join(lines) + more)
    return tables
