"""Regenerate cnbef/contract.json, the resources, fields, types and keys the validator's rules rely on.

It is generated from this repository's datapackage.json and schemas/: run it after changing them.
Exit 0 when written (or, with --check, up to date), 1 when --check finds it stale, 2 for a usage error.
"""
import argparse
import sys

from cnbef import PACKAGE_DIR as ROOT
from cnbef.validation.checks.contract import CONTRACT, build, dump


def main(argv):
    parser = argparse.ArgumentParser(prog="cnbef contract", description=__doc__.splitlines()[0], epilog=__doc__.split("\n\n", 1)[1])
    parser.add_argument("--check", action="store_true", help="only say whether it is stale; write nothing")
    args = parser.parse_args(argv)
    wanted = dump(build(ROOT))
    if args.check:
        if not CONTRACT.is_file() or CONTRACT.read_text(encoding="utf-8") != wanted:
            print(f"{CONTRACT.name}: out of date with datapackage.json and schemas/; run cnbef contract")
            return 1
        print(f"{CONTRACT.name}: up to date")
        return 0
    CONTRACT.write_text(wanted, encoding="utf-8")
    print(f"{CONTRACT.relative_to(ROOT)} written")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
