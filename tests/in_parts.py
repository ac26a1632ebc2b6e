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


def located(found, paths, rows=ROWS):
    """The one-file findings as the multi-part package must report them."""
    label = f"{paths[0]} and {len(paths) - 1} more parts"

    def where(row):
        k, i = divmod(row - 2, rows)
        return k, i + 2

    out = []
    for file, row, column, rule, message in found:
        if file != FACTS:
            out.append((file, row, column, rule, message))
            continue
        if row == -1:
            out.append((label, row, column, rule, message))
            continue
        k, local = where(row)

        def reference(m, k=k):
            j, r = where(int(m.group(1)))
            return f"row {r}" if j == k else f"row {r} of {paths[j]}"
        out.append((paths[k], local, column, rule, re.sub(r"\brow ([0-9]+)", reference, message)))
    return sorted(out)


# Faults in the file itself (its bytes, encoding or header) are found in every part that carries them:
# the header is in each part, so they are checked on their own below.
PER_FILE = {"encoding", "bom", "line_endings", "blank_line", "empty_file", "empty_table", "missing-label", "extra-label",
            "incorrect-label", "duplicate-label", "blank-label", "csv_structure", "readable", "unsafe_path"}
