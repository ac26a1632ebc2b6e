"""The header against the Table Schema (the rows are checked by the queries of sqlchecks.py).

Rule names are Frictionless's own (incorrect-label, missing-label, extra-label), so that
both report a problem the same way and a problem found by both is reported once.
"""
from __future__ import annotations

import pandas as pd

from cnbef.validation.report import Problem


def label_problems(file: str, frame: pd.DataFrame, schema: dict) -> tuple[list[Problem], pd.DataFrame]:
    """Header problems, and the frame with its columns named by position as Frictionless reads them."""
    names = [f["name"] for f in schema.get("fields", [])]
    labels = list(frame.columns)
    problems = []
    for i, (label, name) in enumerate(zip(labels, names), 1):
        if label != name:
            problems.append(Problem(file, None, name, "incorrect-label", str(label),
                                    f"header label {label!r} at position {i} should be {name!r}"))
    problems += [Problem(file, None, name, "missing-label", None, f"the header lacks column {name!r} (position {i})")
                 for i, name in enumerate(names[len(labels):], len(labels) + 1)]
    problems += [Problem(file, None, None, "extra-label", str(label), f"column {label!r} at position {i} is not in the schema")
                 for i, label in enumerate(labels[len(names):], len(names) + 1)]
    if problems:
        frame = frame.iloc[:, :len(names)].copy()
        frame.columns = names[:frame.shape[1]]
        for name in names[frame.shape[1]:]:
            frame[name] = pd.NA
    return problems, frame

