"""Facts stored in parts, cut by hand (no metadata refreshed, so a stale hash stays stale), and where the
findings of the one-file package must then be reported: in the part that holds the row, at its row there."""
import json
import re

from cnbef.package.parts import records

FACTS = "data/facts.csv"
ROWS = 40  # rows per part: the made-up package's facts make three or more parts


def part_paths(n):
    return [f"data/facts/part-{k:05d}.csv" for k in range(1, n + 1)]


def split_by_hand(root, rows=ROWS) -> list[str] | None:
    """facts.csv cut into parts between records, the descriptor pointed at them and nothing else changed
    (None when no resource of the descriptor reads data/facts.csv)."""
    try:
        descriptor = json.loads((root / "datapackage.json").read_text(encoding="utf-8"))
    except ValueError:  # a broken descriptor: no resource to point at parts
        return None
    facts = [r for r in descriptor.get("resources", []) if isinstance(r, dict) and r.get("path") == FACTS] \
        if isinstance(descriptor, dict) and isinstance(descriptor.get("resources"), list) else []
    if not facts or not (root / FACTS).is_file():
        return None
    header, *body = records((root / FACTS).read_bytes())
    chunks = [body[i:i + rows] for i in range(0, len(body), rows)]
    paths = part_paths(len(chunks))
    for path, chunk in zip(paths, chunks):
        (root / path).parent.mkdir(exist_ok=True)
        (root / path).write_bytes(header + b"".join(chunk))
    facts[0]["path"] = paths
    (root / "datapackage.json").write_text(json.dumps(descriptor, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    (root / FACTS).unlink()
    return paths


def located(found, root, paths):
    """The one-file findings as the multi-part package must report them, where the parts on disk hold each row."""
    label = f"{paths[0]} and {len(paths) - 1} more parts"
    where = {}  # the one-file row -> (part, its row there), read off the parts
    for path in paths:
        for local in range(2, len(records((root / path).read_bytes())) + 1):
            where[len(where) + 2] = (path, local)

    def moved(file, row, column, rule, message):
        if file != FACTS or row == -1:
            return (label if file == FACTS else file), row, column, rule, message
        part, local = where[row]

        def reference(m):
            other, r = where[int(m.group(1))]
            return f"row {r}" if other == part else f"row {r} of {other}"
        return part, local, column, rule, re.sub(r"\brow ([0-9]+)", reference, message)
    return sorted(moved(*f) for f in found)


# Faults in the file itself (its bytes, encoding or header) are found in every part that carries them:
# the header is in each part, so they are checked on their own below.
PER_FILE = {"encoding", "bom", "line_endings", "blank_line", "empty_file", "empty_table", "missing-label", "extra-label",
            "incorrect-label", "duplicate-label", "blank-label", "csv_structure", "readable", "unsafe_path"}
