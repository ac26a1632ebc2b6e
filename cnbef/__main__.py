"""`cnbef` and `python -m cnbef`: one command, a subcommand for each job.

Each subcommand has its own --help. Exit codes are the subcommand's: 0 done (or valid), 1 refused,
stale or invalid, 2 a usage error.
"""
from __future__ import annotations

import importlib
import sys

# subcommand: (module, what it does)
COMMANDS = {
    "validate": ("cnbef.cli.validate", "validate the whole package (structure, rules, provenance against the source texts)"),
    "export": ("cnbef.cli.export", "export to SQLite, Parquet and Excel"),
    "diff": ("cnbef.cli.diff", "compare two versions (folders or git revisions) row by row"),
    "release": ("cnbef.cli.release", "cut a release: check, changelog, version, commit and tag"),
    "refresh": ("cnbef.cli.refresh_metadata", "regenerate everything derived: sorted tables, facts_flat.csv, docs, chart, hashes"),
    "build-flat": ("cnbef.cli.build_flat", "rebuild data/facts_flat.csv from the normalized tables"),
    "docs": ("cnbef.cli.docs", "regenerate the generated parts of the README and docs"),
    "chart": ("cnbef.cli.chart", "draw docs/key-indicators.png"),
    "contract": ("cnbef.cli.contract", "regenerate cnbef/validation/checks/contract.json from the Table Schemas"),
    "draft": ("cnbef.cli.draft", "draft a review file with a candidate row for every number of a new page"),
    "add": ("cnbef.cli.add", "merge a reviewed page's accepted rows into the tables, then validate"),
    "locate": ("cnbef.cli.locate", "find a quote's offsets in a source text, for curating"),
    "parts": ("cnbef.cli.parts", "store a large table as parts (a multi-part resource), or as one file again"),
    "synth": ("cnbef.cli.synth", "write a synthetic package of N facts"),
    "bench": ("cnbef.cli.bench", "benchmark validation at several sizes"),
    "site": ("cnbef.cli.site", "build the Datasette site of the package, and serve it on 127.0.0.1"),
}


def usage() -> str:
    width = max(map(len, COMMANDS))
    lines = ["usage: cnbef COMMAND [ARGS] (cnbef COMMAND --help for each)", "", "commands:"]
    lines += [f"  {name:<{width}}  {what}" for name, (_, what) in COMMANDS.items()]
    lines += ["", "  --version  print the package version"]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if not argv or argv[0] in ("-h", "--help"):
        print(usage())
        return 0 if argv else 2
    if argv[0] == "--version":
        from cnbef import __version__
        print(f"cn-business-environment-facts {__version__}")
        return 0
    if argv[0] not in COMMANDS:
        print(f"cnbef: unknown command {argv[0]!r}\n\n{usage()}", file=sys.stderr)
        return 2
    module = importlib.import_module(COMMANDS[argv[0]][0])
    return module.main(argv[1:], **({"prog": "cnbef validate"} if argv[0] == "validate" else {}))


def run() -> None:
    """The `cnbef` command."""
    sys.exit(main())


if __name__ == "__main__":
    run()
