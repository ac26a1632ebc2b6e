"""Build the browsable site (SQLite + Datasette metadata) and serve it: cnbef site [build|serve] [--out DIR]

build writes DIR/cn-business-environment-facts.sqlite (the export, with search tables), DIR/metadata.json
and DIR/plugins/ (default DIR: dist/site); publish them with Datasette's --metadata and --plugins-dir.
serve builds it and becomes Datasette on 127.0.0.1 (Ctrl-C or SIGTERM stops it). A package that does not
validate is not exported. Exit 0 when done, 1 when the package cannot be exported, 2 for a usage error.
"""
import argparse
from pathlib import Path

from cnbef import PACKAGE_DIR
from cnbef.publish.exports import ExportError
from cnbef.package.tables import UsageError
from cnbef.publish.site import METADATA, PLUGINS, build, serve


def main(argv):
    parser = argparse.ArgumentParser(prog="cnbef site", description=__doc__.splitlines()[0], epilog=__doc__.split("\n\n", 1)[1])
    parser.add_argument("action", choices=("build", "serve"), nargs="?", default="serve")
    parser.add_argument("package_dir", nargs="?", type=Path, help="folder holding datapackage.json (default: this folder "
                                                                   "if it holds one, else the installed package)")
    parser.add_argument("--out", type=Path, default=Path("dist/site"), help="where to write the site (default: dist/site)")
    parser.add_argument("--host", default="127.0.0.1", help="address to serve on (default: 127.0.0.1, this machine only)")
    parser.add_argument("--port", type=int, default=8001)
    args = parser.parse_args(argv)
    package = args.package_dir or (Path(".") if Path("datapackage.json").is_file() else PACKAGE_DIR)
    try:
        database = build(package, args.out)
    except UsageError as exc:
        parser.error(str(exc))
    except ExportError as exc:
        print(exc)
        return 1
    print(f"wrote {database}, {args.out / METADATA} and {args.out / PLUGINS}/")
    if args.action == "serve":
        print(f"serving on http://{args.host}:{args.port}/ (Ctrl-C stops it)")
        return serve(database, args.host, args.port)
    return 0
