"""Changing several files of a package so that, killed at any moment, it is the old tree or the new one.

The new tree is built and checked in a staging folder inside the package (``.cnbef-pending/tree``); the
package itself is not touched until the check has passed. Then a journal naming the changed files is
written atomically, and each file is moved into place with ``os.replace``. A process killed before the
journal exists leaves the old tree and a staging folder that the next ``recover`` deletes; one killed after
it leaves a journal that the next ``recover`` completes. From the journal to the last move, SIGINT and
SIGTERM are ignored: once the package starts to become the new tree, it is finished.
"""
from __future__ import annotations

import json
import os
import shutil
import signal
import threading
from contextlib import contextmanager
from pathlib import Path

from cnbef.package.tables import JOURNAL, PENDING, read_descriptor, resource_paths


def _package_files(package_dir: Path) -> list[str]:
    """The files that make the package: the descriptor, every table and every Table Schema it names."""
    names = {"datapackage.json"}
    for res in read_descriptor(package_dir).get("resources", []):
        if isinstance(res, dict):
            names.update(resource_paths(res))
            if isinstance(res.get("schema"), str):
                names.add(res["schema"])
    return sorted(n for n in names if (package_dir / n).is_file())


def stage(package_dir: Path) -> Path:
    """A copy of the package's files in the staging folder, to change and check there."""
    package_dir = Path(package_dir)
    tree = package_dir / PENDING / "tree"
    if (package_dir / PENDING).exists():
        shutil.rmtree(package_dir / PENDING)
    for name in _package_files(package_dir):
        (tree / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(package_dir / name, tree / name)
    return tree


def discard(package_dir: Path) -> None:
    shutil.rmtree(Path(package_dir) / PENDING, ignore_errors=True)


@contextmanager
def _uninterruptible():
    """SIGINT and SIGTERM ignored while files are moved: the moves take milliseconds and are finished instead."""
    if threading.current_thread() is not threading.main_thread():  # only the main thread may set handlers
        yield
        return
    old = {s: signal.signal(s, signal.SIG_IGN) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for s, handler in old.items():
            signal.signal(s, handler)


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def commit(package_dir: Path) -> list[str]:
    """Move the staged files that differ from the package's into place; the names of those moved."""
    package_dir = Path(package_dir)
    tree = package_dir / PENDING / "tree"
    changed = [name for name in (str(p.relative_to(tree)) for p in sorted(tree.rglob("*")) if p.is_file())
               if not (package_dir / name).is_file() or (package_dir / name).read_bytes() != (tree / name).read_bytes()]
    for name in changed:
        _fsync(tree / name)
    with _uninterruptible():
        journal = package_dir / JOURNAL
        (journal.with_suffix(".tmp")).write_text(json.dumps(changed), encoding="utf-8")
        _fsync(journal.with_suffix(".tmp"))
        os.replace(journal.with_suffix(".tmp"), journal)
        _finish(package_dir, changed)
    return changed


def _finish(package_dir: Path, changed: list[str]) -> None:
    tree = package_dir / PENDING / "tree"
    for name in changed:
        if (tree / name).is_file():  # a file moved before a kill is already in place
            os.replace(tree / name, package_dir / name)
    for folder in {(package_dir / name).parent for name in changed}:
        _fsync(folder)
    shutil.rmtree(package_dir / PENDING)


def recover(package_dir: Path) -> str | None:
    """Complete or undo a change that was killed; what was done, or None when there was nothing to do."""
    package_dir = Path(package_dir)
    journal = package_dir / JOURNAL
    if journal.is_file():
        changed = json.loads(journal.read_text(encoding="utf-8"))
        with _uninterruptible():
            _finish(package_dir, changed)
        return f"completed an interrupted cnbef add: {len(changed)} files moved into place ({', '.join(changed)})"
    if (package_dir / PENDING).exists():
        discard(package_dir)
        return f"removed {PENDING}/ of an interrupted cnbef add; the package had not been changed"
    return None
