"""Everything derived from the tables, regenerated in one step: `cnbef refresh`.

A curator edits tables by hand (a documents row, spans, a measure) and adds pages with `cnbef add`; what
the tests then require of the checkout follows from the tables, and this module makes it so, in order:
the tables sorted by primary key, data/facts_flat.csv, the generated parts of the README and docs (the
draft's accuracy too, with the source texts), the chart, and last the bytes and hashes in datapackage.json.
"""
from __future__ import annotations

import tempfile
from pathlib import Path

from cnbef.package import flat, order
from cnbef.package.metadata import refreshed, stale_resources, write_descriptor

CHART = "docs/key-indicators.png"


def _chart_stale(package_dir: Path) -> bool:
    from cnbef.publish.chart import write_chart  # matplotlib only when there is a chart
    if not (package_dir / CHART).is_file():
        return False
    with tempfile.TemporaryDirectory(prefix="cnbef-chart-") as folder:
        return write_chart(package_dir, Path(folder) / "chart.png").read_bytes() != (package_dir / CHART).read_bytes()


def _docs(package_dir: Path, sources_dir: Path):
    from cnbef.publish.docs import rendered
    if not (package_dir / "README.md").is_file():  # a package folder without the checkout's docs
        return {}
    return {path: pair for path, pair in rendered(package_dir, sources_dir).items() if pair[0] != pair[1]}


def _contract_stale(package_dir: Path) -> str | None:
    """The validator's contract when it is generated from this package (the repository's own) and out of date."""
    from cnbef.package.installed import package_dir as own_package
    from cnbef.validation.checks.contract import CONTRACT, build, dump
    if package_dir.resolve() != own_package().resolve():
        return None
    wanted = dump(build(package_dir))
    current = CONTRACT.read_text(encoding="utf-8") if CONTRACT.is_file() else None
    return wanted if wanted != current else None


def stale(package_dir: Path, sources_dir: Path) -> list[str]:
    """What `cnbef refresh` would write, each with why."""
    package_dir = Path(package_dir)
    out = [f"{name}: not sorted by its primary key" for name in order.unsorted(package_dir)]
    out += [f"{name}: not what the tables give" for name in flat.stale(package_dir)]
    out += [f"{path.relative_to(package_dir)}: generated parts out of date" for path in _docs(package_dir, sources_dir)]
    if _chart_stale(package_dir):
        out.append(f"{CHART}: drawn from other data")
    if _contract_stale(package_dir):
        out.append("cnbef/validation/checks/contract.json: not what datapackage.json and schemas/ give")
    if stale_resources(package_dir):
        out.append(f"datapackage.json: bytes and hashes out of date for {', '.join(stale_resources(package_dir))}")
    return out


def refresh(package_dir: Path, sources_dir: Path) -> list[str]:
    """Write every derived file that is out of date; what was written."""
    package_dir = Path(package_dir)
    written = [f"{name} (sorted)" for name in order.sort_tables(package_dir)]
    if flat.stale(package_dir):
        flat.write(package_dir)
        written.append(flat.PATH)
    for path, (_, wanted) in _docs(package_dir, sources_dir).items():
        path.write_text(wanted, encoding="utf-8")
        written.append(str(path.relative_to(package_dir)))
    if _chart_stale(package_dir):
        from cnbef.publish.chart import write_chart
        write_chart(package_dir, package_dir / CHART)
        written.append(CHART)
    if stale_resources(package_dir):
        write_descriptor(package_dir, refreshed(package_dir))
        written.append("datapackage.json")
    if (contract := _contract_stale(package_dir)) is not None:
        from cnbef.validation.checks.contract import CONTRACT
        CONTRACT.write_text(contract, encoding="utf-8")
        written.append("cnbef/validation/checks/contract.json")
    return written
