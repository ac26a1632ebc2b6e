"""Resource metadata in datapackage.json: bytes and sha256 hash of every table.

Frictionless checks both when they are present (byte-count, hash-count errors), so a
table edited without refreshing them fails validation: stale metadata cannot land.
"""
from __future__ import annotations

import csv
import hashlib
import json
from pathlib import Path

from cnbef.package.tables import DESCRIPTOR, read_descriptor, resource_paths, unsafe_paths


class Stream:
    """bytes and sha256 of a table as Frictionless reads and checks them. A multi-part table's parts are
    joined, each header after the first left out; a table of one file is that file."""

    def __init__(self):
        self.sha, self.size, self.parts = hashlib.sha256(), 0, 0

    def part(self):
        """A function to feed the next part's bytes to, in order (a chunk at a time)."""
        header = self.parts > 0
        self.parts += 1

        def feed(chunk: bytes) -> None:
            nonlocal header
            if header:
                end = chunk.find(b"\n")
                if end < 0:
                    return
                chunk, header = chunk[end + 1:], False
            self.sha.update(chunk)
            self.size += len(chunk)
        return feed

    def stats(self) -> dict:
        return {"bytes": self.size, "hash": "sha256:" + self.sha.hexdigest()}


def parts_stats(raws) -> dict:
    stream = Stream()
    for raw in raws:
        stream.part()(raw)
    return stream.stats()


def sources_of(package_dir: Path) -> list[dict] | None:
    """The descriptor's "sources": one per page of documents.csv, cited by its SHA-256 (the text is not redistributed)."""
    path = Path(package_dir) / "data" / "documents.csv"
    if not path.is_file():
        return None
    with open(path, encoding="utf-8", newline="") as fh:
        documents = list(csv.DictReader(fh))
    out = []
    for d in documents:
        first, last = d.get("published_earliest"), d.get("published_latest")
        when = "date unknown" if not first else (first if first == last else f"{first} to {last}")
        what = d.get("description", "").split(":")[0].rstrip(".")
        out.append({"title": f"{d['document_id']}: {what} ({when}); not redistributed, cited by SHA-256 {d['sha256']}"})
    return out


def refreshed(package_dir: Path) -> dict:
    """The descriptor with bytes and hash recomputed for every resource file inside the package, and its sources listed."""
    descriptor = read_descriptor(package_dir)
    for res in descriptor["resources"]:
        paths = resource_paths(res)
        if unsafe_paths(res.get("path")) is None and all((Path(package_dir) / p).is_file() for p in paths):
            res.update(parts_stats((Path(package_dir) / p).read_bytes() for p in paths))
    sources = sources_of(package_dir)
    if sources is not None:
        descriptor["sources"] = sources
    return descriptor


def dump(descriptor: dict) -> str:
    return json.dumps(descriptor, ensure_ascii=False, indent=2) + "\n"


def write_descriptor(package_dir: Path, descriptor: dict) -> None:
    (Path(package_dir) / DESCRIPTOR).write_text(dump(descriptor), encoding="utf-8")


def stale_resources(package_dir: Path) -> list[str]:
    """Names of resources whose bytes or hash in the descriptor do not match their file."""
    current = read_descriptor(package_dir)
    fresh = refreshed(package_dir)
    stale = [old.get("name") for old, new in zip(current["resources"], fresh["resources"])
             if (old.get("bytes"), old.get("hash")) != (new.get("bytes"), new.get("hash"))]
    return stale + (["sources (the pages of documents.csv)"] if current.get("sources") != fresh.get("sources") else [])
