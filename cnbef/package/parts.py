"""A large table stored as parts: a Frictionless multi-part resource, whose "path" lists CSV files.

Each part is a whole CSV with the header row, so any part opens alone in a spreadsheet. Frictionless
reads the parts one after the other, leaving out each header after the first; the resource's
``bytes`` and ``hash`` are those of that joined stream. Splitting cuts the table between records and
joining puts them back, byte for byte: the joined stream, and so ``bytes`` and ``hash``, do not
change, and nothing is rewritten. The new files are written beside the old ones (PATH.tmp) and put in
place only when complete. The validator names each problem's part and the row in it.
"""
from __future__ import annotations

import io
import os
import shutil
from pathlib import Path

from cnbef.package.metadata import write_descriptor
from cnbef.package.tables import UsageError, read_descriptor, resource_paths, unsafe_paths


def _records(lines):
    """Lines joined into records as written, line endings included: a newline inside quotes does not end a
    record; an unclosed quote keeps the rest as it is (the validator reports it)."""
    pending, quotes = [], 0
    for line in lines:
        pending.append(line)
        quotes += line.count(b'"')
        if quotes % 2 == 0:
            yield b"".join(pending)
            pending, quotes = [], 0
    if pending:
        yield b"".join(pending)


def _lines(files: list[Path]):
    """The lines of the table these files make, as Frictionless joins them: each header after the first left out."""
    for k, path in enumerate(files):
        with open(path, "rb") as fh:
            if k:
                fh.readline()
            yield from fh


def records_of(files: list[Path]):
    """The table's records, read a line at a time (a table larger than memory is fine)."""
    return _records(_lines(files))


def records(raw: bytes) -> list[bytes]:
    """The records of one CSV as written."""
    return list(_records(io.BytesIO(raw)))


def _resource(descriptor: dict, name: str) -> dict:
    found = [r for r in descriptor.get("resources", []) if isinstance(r, dict) and r.get("name") == name]
    if not found:
        raise UsageError(f"no table {name!r} in datapackage.json")
    why = unsafe_paths(found[0].get("path"))
    if why:
        raise UsageError(f"the path of {name} {why}")
    return found[0]


def _replace(package_dir: Path, descriptor: dict, resource: dict, written: list[str]) -> list[str]:
    """Put the files written as PATH.tmp in place, point the resource at them and remove the old ones."""
    old = resource_paths(resource)
    for p in written:
        os.replace(Path(package_dir) / (p + TMP), Path(package_dir) / p)
    # Only the path changes: the joined stream, and so the resource's bytes and hash, stay what they were
    # (a stale hash stays stale, for the validator to report; nothing else of the descriptor is touched).
    resource["path"] = written if len(written) > 1 else written[0]
    write_descriptor(package_dir, descriptor)
    for p in old:
        if p not in written:
            (Path(package_dir) / p).unlink()
    return written


TMP = ".tmp"


def _writer(package_dir: Path, path: str):
    full = Path(package_dir) / (path + TMP)
    full.parent.mkdir(parents=True, exist_ok=True)
    return open(full, "wb")


def split(package_dir: Path, name: str, rows: int) -> list[str]:
    """Store table ``name`` as parts of at most ``rows`` rows each, in data/NAME/part-00001.csv, ...; the new paths.

    The table is read and written a record at a time: a table larger than memory splits too."""
    if rows < 1:
        raise UsageError("--rows must be 1 or more")
    descriptor = read_descriptor(package_dir)
    resource = _resource(descriptor, name)
    first = Path(resource_paths(resource)[0])
    folder = first.parent if isinstance(resource["path"], list) else first.parent / name
    written, out, count, header = [], None, 0, None
    try:
        for record in records_of([Path(package_dir) / p for p in resource_paths(resource)]):
            if header is None:
                header = record
                continue
            if out is None or count == rows:
                if out is not None:
                    out.close()
                written.append((folder / f"part-{len(written) + 1:05d}.csv").as_posix())
                out, count = _writer(package_dir, written[-1]), 0
                out.write(header)
            out.write(record)
            count += 1
        if out is None:  # a header and no rows: one part
            written.append((folder / "part-00001.csv").as_posix())
            out = _writer(package_dir, written[-1])
            out.write(header or b"")
    finally:
        if out is not None:
            out.close()
    return _replace(package_dir, descriptor, resource, written)


def join(package_dir: Path, name: str, path: str | None = None) -> str:
    """Store table ``name`` as one file again (``path``, by default data/NAME.csv); the path."""
    descriptor = read_descriptor(package_dir)
    resource = _resource(descriptor, name)
    paths = resource_paths(resource)
    if path is None and len(paths) == 1:
        return paths[0]  # already one file
    path = path or (Path(paths[0]).parent.parent / f"{name}.csv").as_posix()
    with _writer(package_dir, path) as out:
        for k, part in enumerate(paths):
            with open(Path(package_dir) / part, "rb") as fh:
                if k:
                    fh.readline()  # the header of a later part, as Frictionless leaves it out
                shutil.copyfileobj(fh, out)
    return _replace(package_dir, descriptor, resource, [path])[0]
