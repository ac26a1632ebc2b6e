"""Benchmark: how validation cost grows with the number of facts.

Each measurement runs in a fresh Python process that times only the work (not the
interpreter's start or imports) and reports its own peak resident memory.
"""
from __future__ import annotations

import json
import math
import platform
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from cnbef.tools.synth import build

ROOT = Path(__file__).resolve().parents[2]  # the checkout: cnbef/tools/bench.py

_CHILD = """
import json, sys, time
sys.path.insert(0, {root!r})
task, package = sys.argv[1], sys.argv[2]
if task.startswith("validate:"):
    from cnbef.validation.validate import validate_package
    engine, _, limit = task.split(":", 1)[1].partition("@")
    start = time.perf_counter()
    report = validate_package(package, package + "/sources", engine=engine, memory_limit=limit or None, progress=False)
    assert report.valid, report.as_text()[:2000]
    rows = report.rows
elif task == "read_csv":
    import pandas as pd
    files = [p for p in __import__("pathlib").Path(package, "data").glob("*.csv")]
    start = time.perf_counter()
    rows = sum(len(pd.read_csv(p, dtype=str)) for p in files)
else:
    import frictionless
    start = time.perf_counter()
    report = frictionless.validate(package + "/datapackage.json", limit_errors=sys.maxsize)
    assert report.valid
    rows = sum(t.stats["rows"] for t in report.tasks)
seconds = time.perf_counter() - start
# VmHWM, not ru_maxrss: after fork and exec, ru_maxrss starts from the benchmark's own high-water mark.
hwm = next(int(l.split()[1]) for l in open("/proc/self/status") if l.startswith("VmHWM"))
print(json.dumps({{"seconds": seconds, "rows": rows, "peak_mb": hwm / 1024}}))
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


def whole_process(argv: list[str], repeat: int) -> dict:
    """Median wall time and peak memory of a whole command (interpreter start and imports included)."""
    import resource
    import time

    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(argv, capture_output=True, check=False)
        runs.append(time.perf_counter() - start)
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return {"seconds": sorted(runs)[len(runs) // 2], "peak_mb": peak}


def real_package(repeat: int, say=print) -> None:
    """The shipped package, whole process: our validator on each small-package engine and frictionless validate."""
    sources = ROOT.parent / "shared" / "sources"
    cnbef = [sys.executable, "-m", "cnbef", "validate", str(ROOT)] + (["--sources", str(sources)] if sources.is_dir() else [])
    fl = Path(sys.executable).with_name("frictionless")
    figures = {e: whole_process(cnbef + ["--engine", e], repeat) for e in ("fast", "duckdb")}
    if fl.exists():
        figures["frictionless validate"] = whole_process([str(fl), "validate", str(ROOT / "datapackage.json")], repeat)
    say("the real package, whole process (interpreter and imports included), median of "
        f"{repeat}: " + ", ".join(f"{k} {v['seconds']:.2f} s" for k, v in figures.items()))


def run(sizes: list[int], frictionless_limit: float, workdir: Path, say=print, repeat: int = 1,
        engines: tuple[str, ...] = ("fast", "duckdb"), memory_limit: str | None = None) -> list[dict]:
    results = []
    rate = None  # Frictionless rows per second, to decide whether a larger run fits in the limit
    for n in sizes:
        package = build(n, workdir / f"synth-{n}")
        row = {"facts": n, "read_csv": measure("read_csv", package, repeat)}
        for engine in engines:
            task = f"validate:{engine}" + (f"@{memory_limit}" if memory_limit and engine == "duckdb" else "")
            row[engine] = measure(task, package, repeat)
        rows = row[engines[0]]["rows"]
        estimate = rows / rate if rate else 0
        if estimate <= frictionless_limit:
            row["frictionless"] = measure("frictionless", package)
            rate = row["frictionless"]["rows"] / row["frictionless"]["seconds"]
        else:
            row["frictionless_skipped"] = f"estimated {estimate:.0f} s at {rate:,.0f} rows/s, over the {frictionless_limit:.0f} s limit"
        results.append(row)
        say(line(row, engines))
        shutil.rmtree(package.parent / package.name, ignore_errors=True) if workdir.name.startswith("cnbef-bench-") else None
    return results


def line(row: dict, engines=("fast", "duckdb")) -> str:
    r = row["read_csv"]
    text = f"N={row['facts']:>10,}  read_csv {r['seconds']:6.2f} s"
    for engine in engines:
        v = row[engine]
        text += (f" | {engine} {v['seconds']:6.2f} s (×{v['seconds'] / r['seconds']:.2f} read_csv, peak {v['peak_mb']:,.0f} MB"
                 + (f", ×{row['frictionless']['seconds'] / v['seconds']:.1f} faster than frictionless" if "frictionless" in row else "")
                 + ")")
    if "frictionless" in row:
        f = row["frictionless"]
        text += f" | frictionless {f['seconds']:7.2f} s (peak {f['peak_mb']:,.0f} MB)"
    else:
        text += f" | frictionless skipped: {row['frictionless_skipped']}"
    return text


def growth(results: list[dict], small: int, large: int, engine: str = "fast") -> float | None:
    by = {r["facts"]: r[engine]["seconds"] for r in results}
    if small in by and large in by:
        return math.log(by[large] / by[small]) / math.log(large / small)
    return None


def main(sizes: list[int], frictionless_limit: float, keep: Path | None, repeat: int = 3,
         engines: tuple[str, ...] = ("fast", "duckdb"), memory_limit: str | None = None) -> int:
    print(f"machine: {machine()}")
    real_package(repeat)
    print(f"synthetic packages: median of {repeat} runs for read_csv and each engine, one run of frictionless; "
          f"each in a fresh process, timing the work (not the interpreter's start); peak = the process's VmHWM")
    with tempfile.TemporaryDirectory(prefix="cnbef-bench-") as tmp:
        results = run(sizes, frictionless_limit, keep or Path(tmp), repeat=repeat, engines=engines, memory_limit=memory_limit)
    if len(sizes) >= 2:
        a, b = sorted(sizes)[-2:]
        for engine in engines:
            k = growth(results, a, b, engine)
            print(f"growth exponent of {engine} validation time from {a:,} to {b:,} facts: {k:.2f} (1.0 is linear)")
    return 0
