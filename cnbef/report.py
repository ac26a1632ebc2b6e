"""Problems found by the validator, and how they are printed."""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field


@dataclass(frozen=True)
class Problem:
    """One problem: where it is (file, spreadsheet row, column), which rule, and what to do."""

    file: str
    row: int | None  # as a spreadsheet user counts it: the header is row 1
    column: str | None
    rule: str
    value: str | None
    message: str

    @property
    def cell(self) -> tuple:
        return (self.file, self.row, self.column)

    def as_text(self) -> str:
        where = self.file + (f":{self.row}" if self.row is not None else "")
        col = f" column {self.column}" if self.column else ""
        val = f" = {self.value!r}" if self.value not in (None, "") else ""
        return f"{where}: [{self.rule}]{col}{val}: {self.message}"


@dataclass
class Report:
    problems: list[Problem] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # "check: reason"
    tables: int = 0
    rows: int = 0
    facts: int = 0

    def add(self, problems) -> None:
        self.problems.extend(problems)

    @property
    def valid(self) -> bool:
        return not self.problems

    def summary(self) -> str:
        skipped = f"; {len(self.skipped)} checks skipped" if self.skipped else "; no checks skipped"
        return (f"Checked {self.tables} tables, {self.rows} rows, {self.facts} facts: "
                f"{len(self.problems)} problems{skipped}.")

    def as_text(self) -> str:
        lines = [p.as_text() for p in self.problems]
        lines += [f"skipped: {s}" for s in self.skipped]
        lines.append(self.summary())
        return "\n".join(lines)

    def as_json(self) -> str:
        return json.dumps({"valid": self.valid, "problems": [asdict(p) for p in self.problems],
                           "skipped": self.skipped,
                           "summary": {"tables": self.tables, "rows": self.rows, "facts": self.facts,
                                       "problems": len(self.problems), "skipped": len(self.skipped)}},
                          ensure_ascii=False, indent=2)
