"""The tables a curator keeps are sorted by primary key, so that a diff of two versions shows only the rows that changed.

Rows are compared as text, code point by code point (as the validator's sorted_by_key check does), and the sort is
stable. `cnbef add` sorts the tables in its staged copy; `cnbef refresh` sorts those a hand edit left unsorted.
"""
from __future__ import annotations

import csv
import io
from pathlib import Path

from cnbef.package import flat
from cnbef.package.tables import read_descriptor, resource_schema


def _kept_by_hand(package_dir: Path) -> list[tuple[Path, list[str]]]:
    """(file, primary key) of every table kept by hand: one file, a primary key, not built from the others."""
    found = []
    for res in read_descriptor(package_dir).get("resources", []):
        if isinstance(res, dict) and isinstance(res.get("path"), str) and res["path"] != flat.PATH:
            key = resource_schema(package_dir, res).get("primaryKey", [])
            if key and (package_dir / res["path"]).is_file():
                found.append((package_dir / res["path"], [key] if isinstance(key, str) else key))
    return found


def _rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline="")))


def _sorted(rows: list[list[str]], key: list[str]) -> list[list[str]]:
    where = [rows[0].index(k) for k in key]
    return [rows[0], *sorted(rows[1:], key=lambda r: [r[i] if i < len(r) else "" for i in where])]


def unsorted(package_dir: Path) -> list[str]:
    """The tables kept by hand whose rows are not in key order (paths relative to the package)."""
    package_dir = Path(package_dir)
    return [str(path.relative_to(package_dir)) for path, key in _kept_by_hand(package_dir)
            if (rows := _rows(path.read_text(encoding="utf-8"))) != _sorted(rows, key)]


def sort_tables(package_dir: Path) -> list[str]:
    """Sort every table kept by hand that is out of order; the ones rewritten."""
    package_dir = Path(package_dir)
    done = []
    for path, key in _kept_by_hand(package_dir):
        rows = _rows(path.read_text(encoding="utf-8"))
        if rows != (ordered := _sorted(rows, key)):
            out = io.StringIO(newline="")
            csv.writer(out, lineterminator="\n").writerows(ordered)
            path.write_bytes(out.getvalue().encode("utf-8"))
            done.append(str(path.relative_to(package_dir)))
    return done
