"""Resource metadata in datapackage.json: bytes and sha256 hash of every table.

Frictionless checks both when they are present (byte-count, hash-count errors), so a
table edited without refreshing them fails validation: stale metadata cannot land.
"""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

from .files import unsafe_path
from .package import DESCRIPTOR, read_descriptor


def stats_of(raw: bytes) -> dict:
    return {"bytes": len(raw), "hash": "sha256:" + hashlib.sha256(raw).hexdigest()}


def file_stats(path: Path) -> dict:
    return stats_of(Path(path).read_bytes())


def refreshed(package_dir: Path) -> dict:
    """The descriptor with bytes and hash recomputed for every resource file inside the package."""
    descriptor = read_descriptor(package_dir)
    for res in descriptor["resources"]:
        path = res.get("path")
        if unsafe_path(path) is None and (Path(package_dir) / path).is_file():
            res.update(file_stats(Path(package_dir) / path))
    return descriptor


def dump(descriptor: dict) -> str:
    return json.dumps(descriptor, ensure_ascii=False, indent=2) + "\n"


def write_descriptor(package_dir: Path, descriptor: dict) -> None:
    (Path(package_dir) / DESCRIPTOR).write_text(dump(descriptor), encoding="utf-8")


def stale_resources(package_dir: Path) -> list[str]:
    """Names of resources whose bytes or hash in the descriptor do not match their file."""
    current = read_descriptor(package_dir)["resources"]
    fresh = refreshed(package_dir)["resources"]
    return [old.get("name") for old, new in zip(current, fresh)
            if (old.get("bytes"), old.get("hash")) != (new.get("bytes"), new.get("hash"))]
