"""Benchmark: how validation cost grows with the number of facts.

Each measurement runs in a fresh Python process that times only the work (not the
interpreter's start or imports) and reports its own peak resident memory.
"""
from __future__ import annotations

import json
import math
import platform
import subprocess
import sys
import tempfile
from pathlib import Path

from .synth import build

ROOT = Path(__file__).resolve().parent.parent

_CHILD = """
import json, resource, sys, time
sys.path.insert(0, {root!r})
task, package = sys.argv[1], sys.argv[2]
if task == "read_csv":
    import pandas as pd
    files = [p for p in __import__("pathlib").Path(package, "data").glob("*.csv")]
    start = time.perf_counter()
    rows = sum(len(pd.read_csv(p, dtype=str)) for p in files)
elif task == "validate":
    from cnbef.validate import validate_package
    start = time.perf_counter()
    report = validate_package(package, package + "/sources", progress=False)
    assert report.valid, report.as_text()[:2000]
    rows = report.rows
else:
    import frictionless
    start = time.perf_counter()
    report = frictionless.validate(package + "/datapackage.json", limit_errors=sys.maxsize)
    assert report.valid
    rows = sum(t.stats["rows"] for t in report.tasks)
seconds = time.perf_counter() - start
# VmHWM, not ru_maxrss: after fork and exec, ru_maxrss starts from the benchmark's own high-water mark.
hwm = next(int(l.split()[1]) for l in open("/proc/self/status") if l.startswith("VmHWM"))
worker = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # the provenance worker, if one ran
print(json.dumps({{"seconds": seconds, "rows": rows, "peak_mb": hwm / 1024, "worker_peak_mb": worker / 1024}}))
"""


def measure(task: str, package: Path, repeat: int = 1) -> dict:
    """The run with the median time of ``repeat`` runs, each in a fresh process."""
    runs = []
    for _ in range(repeat):
        done = subprocess.run([sys.executable, "-c", _CHILD.format(root=str(ROOT)), task, str(package)],
                              capture_output=True, text=True, check=True)
        runs.append(json.loads(done.stdout.strip().splitlines()[-1]))
    return sorted(runs, key=lambda r: r["seconds"])[len(runs) // 2]


def machine() -> str:
    import os
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor()) if Path("/proc/cpuinfo").exists() else platform.processor()
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return f"{os.cpu_count()} cores ({cpu}), {mem:.0f} GiB, Python {platform.python_version()}, {platform.system()}"


def run(sizes: list[int], frictionless_limit: float, workdir: Path, say=print, repeat: int = 1) -> list[dict]:
    results = []
    rate = None  # Frictionless rows per second, to decide whether a larger run fits in the limit
    for n in sizes:
        package = build(n, workdir / f"synth-{n}")
        row = {"facts": n, "read_csv": measure("read_csv", package, repeat), "validate": measure("validate", package, repeat)}
        estimate = row["validate"]["rows"] / rate if rate else 0
        if estimate <= frictionless_limit:
            row["frictionless"] = measure("frictionless", package)
            rate = row["frictionless"]["rows"] / row["frictionless"]["seconds"]
        else:
            row["frictionless_skipped"] = f"estimated {estimate:.0f} s at {rate:,.0f} rows/s, over the {frictionless_limit:.0f} s limit"
        results.append(row)
        say(line(row))
    return results


def line(row: dict) -> str:
    r, v = row["read_csv"], row["validate"]
    text = (f"N={row['facts']:>9,}  rows={v['rows']:>9,}  read_csv {r['seconds']:6.2f} s  validate {v['seconds']:6.2f} s "
            f"(×{v['seconds'] / r['seconds']:.2f} read_csv, {v['rows'] / v['seconds']:>9,.0f} rows/s, peak {v['peak_mb']:,.0f} MB"
            + (f" + worker {v['worker_peak_mb']:,.0f} MB" if v.get("worker_peak_mb") else "") + ")")
    if "frictionless" in row:
        f = row["frictionless"]
        text += (f"  frictionless {f['seconds']:7.2f} s ({f['rows'] / f['seconds']:,.0f} rows/s, peak {f['peak_mb']:,.0f} MB; "
                 f"ours is ×{f['seconds'] / v['seconds']:.1f} faster)")
    else:
        text += f"  frictionless skipped: {row['frictionless_skipped']}"
    return text


def growth(results: list[dict], small: int, large: int) -> float | None:
    by = {r["facts"]: r["validate"]["seconds"] for r in results}
    if small in by and large in by:
        return math.log(by[large] / by[small]) / math.log(large / small)
    return None


def main(sizes: list[int], frictionless_limit: float, keep: Path | None, repeat: int = 3) -> int:
    print(f"machine: {machine()}")
    print(f"median of {repeat} runs for read_csv and validate, one run of frictionless; each in a fresh process")
    with tempfile.TemporaryDirectory(prefix="cnbef-bench-") as tmp:
        results = run(sizes, frictionless_limit, keep or Path(tmp), repeat=repeat)
    if len(sizes) >= 2:
        a, b = sorted(sizes)[-2:]
        k = growth(results, a, b)
        print(f"growth exponent of validation time from {a:,} to {b:,} facts: {k:.2f} (1.0 is linear)")
    return 0
