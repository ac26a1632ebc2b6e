"""A large table stored as parts: a Frictionless multi-part resource, whose "path" lists CSV files.

Each part is a whole CSV with the header row, so any part opens alone in a spreadsheet. Frictionless
reads the parts one after the other, leaving out each header after the first; the resource's
``bytes`` and ``hash`` are those of that joined stream. Splitting cuts the table between records and
joining puts them back, byte for byte: the joined stream, and so ``bytes`` and ``hash``, do not
change, and nothing is rewritten. The validator names each problem's part and the row in it.
"""
from __future__ import annotations

from pathlib import Path

from .files import unsafe_paths
from .metadata import Stream, refreshed, write_descriptor
from .package import UsageError, read_descriptor, resource_paths


def records(raw: bytes) -> list[bytes]:
    """The CSV's records as written, line endings included: a newline inside quotes does not end one."""
    out, pending, quotes = [], [], 0
    for line in raw.splitlines(keepends=True):
        pending.append(line)
        quotes += line.count(b'"')
        if quotes % 2 == 0:
            out.append(b"".join(pending))
            pending, quotes = [], 0
    if pending:  # an unclosed quote: kept as it is, the validator reports it
        out.append(b"".join(pending))
    return out


def _resource(descriptor: dict, name: str) -> dict:
    found = [r for r in descriptor.get("resources", []) if isinstance(r, dict) and r.get("name") == name]
    if not found:
        raise UsageError(f"no table {name!r} in datapackage.json")
    why = unsafe_paths(found[0].get("path"))
    if why:
        raise UsageError(f"the path of {name} {why}")
    return found[0]


def without_header(raw: bytes) -> bytes:
    end = raw.find(b"\n")
    return b"" if end < 0 else raw[end + 1:]


def joined(package_dir: Path, paths: list[str]) -> bytes:
    """The table's files as one CSV, as Frictionless joins them."""
    raws = [(Path(package_dir) / p).read_bytes() for p in paths]
    return raws[0] + b"".join(without_header(r) for r in raws[1:])


def _replace(package_dir: Path, descriptor: dict, resource: dict, contents: dict[str, bytes]) -> list[str]:
    """Write the new files, point the resource at them and remove the old ones; the joined stream must not change."""
    old = resource_paths(resource)
    before, after = Stream(), Stream()
    for p in old:
        before.part()((Path(package_dir) / p).read_bytes())
    for data in contents.values():
        after.part()(data)
    if before.stats() != after.stats():  # a file without a final newline, or a record cut in two
        raise UsageError(f"{resource['name']}: the parts would not join to the same table (does the last row end with a "
                         f"newline?); nothing was changed")
    for p, data in contents.items():
        (Path(package_dir) / p).parent.mkdir(parents=True, exist_ok=True)
        (Path(package_dir) / p).write_bytes(data)
    new = list(contents)
    resource["path"] = new if len(new) > 1 else new[0]
    write_descriptor(package_dir, descriptor)
    write_descriptor(package_dir, refreshed(package_dir))
    for p in old:
        if p not in contents:
            (Path(package_dir) / p).unlink()
    return new


def split(package_dir: Path, name: str, rows: int) -> list[str]:
    """Store table ``name`` as parts of at most ``rows`` rows each, in data/NAME/part-00001.csv, ...; the new paths."""
    if rows < 1:
        raise UsageError("--rows must be 1 or more")
    descriptor = read_descriptor(package_dir)
    resource = _resource(descriptor, name)
    header, *body = records(joined(package_dir, resource_paths(resource)))
    chunks = [body[i:i + rows] for i in range(0, len(body), rows)] or [[]]
    first = Path(resource_paths(resource)[0])
    folder = first.parent if isinstance(resource["path"], list) else first.parent / name
    contents = {(folder / f"part-{k:05d}.csv").as_posix(): header + b"".join(chunk) for k, chunk in enumerate(chunks, 1)}
    return _replace(package_dir, descriptor, resource, contents)


def join(package_dir: Path, name: str, path: str | None = None) -> str:
    """Store table ``name`` as one file again (``path``, by default data/NAME.csv); the path."""
    descriptor = read_descriptor(package_dir)
    resource = _resource(descriptor, name)
    paths = resource_paths(resource)
    if path is None and len(paths) == 1:
        return paths[0]  # already one file
    path = path or (Path(paths[0]).parent.parent / f"{name}.csv").as_posix()
    return _replace(package_dir, descriptor, resource, {path: joined(package_dir, paths)})[0]
