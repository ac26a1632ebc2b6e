"""Problems found by the validator, and how they are printed."""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field

from cnbef.package.tables import DESCRIPTOR


VALUE_SHOWN = 200  # characters of a cell's value printed with its problem


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
        shown = self.value if self.value is None or len(self.value) <= VALUE_SHOWN else (
            f"{self.value[:VALUE_SHOWN]}… ({len(self.value):,} characters)")
        val = f" = {shown!r}" if self.value not in (None, "") else ""
        return f"{where}: [{self.rule}]{col}{val}: {self.message}"


# A problem repeated on many rows (100,000 blank lines) is printed this many times per file and
# rule, then counted: the report stays readable at any size. Report.problems keeps them all.
SHOWN_PER_RULE = 20


@dataclass
class Report:
    problems: list[Problem] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # "check: reason"
    in_draft: list[str] = field(default_factory=list)  # pages being curated: their completeness is not asked yet
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
        drafts = f"; {len(self.in_draft)} pages in draft, not yet held to completeness" if self.in_draft else ""
        return (f"Checked {self.tables} tables, {self.rows} rows, {self.facts} facts: "
                f"{len(self.problems)} problems{skipped}{drafts}.")

    def shown(self, limit: int | None = SHOWN_PER_RULE) -> tuple[list[Problem], dict[tuple[str, str], int]]:
        """The problems to print (at most ``limit`` per file and rule; None for all) and how many each group left out."""
        if limit is None:
            return self.problems, {}
        seen, shown, omitted = {}, [], {}
        for p in self.problems:
            key = (p.file, p.rule)
            seen[key] = seen.get(key, 0) + 1
            if seen[key] <= limit:
                shown.append(p)
            else:
                omitted[key] = omitted.get(key, 0) + 1
        return shown, omitted

    def as_text(self, limit: int | None = SHOWN_PER_RULE) -> str:
        shown, omitted = self.shown(limit)
        lines = [p.as_text() for p in shown]
        lines += [f"{file}: [{rule}] … and {n:,} more like these ({n + limit:,} in all)" for (file, rule), n in omitted.items()]
        lines += [f"skipped: {s}" for s in self.skipped]
        if self.in_draft:
            lines.append(f"in draft (documents.status; cnbef add marks a page reviewed): {', '.join(self.in_draft)}")
        lines.append(self.summary())
        return "\n".join(lines)

    def as_json(self, limit: int | None = SHOWN_PER_RULE) -> str:
        shown, omitted = self.shown(limit)
        return json.dumps({"valid": self.valid, "problems": [asdict(p) for p in shown],
                           "omitted": [{"file": f, "rule": r, "count": n} for (f, r), n in omitted.items()],
                           "skipped": self.skipped, "in_draft": self.in_draft,
                           "summary": {"tables": self.tables, "rows": self.rows, "facts": self.facts,
                                       "problems": len(self.problems), "skipped": len(self.skipped)}},
                          ensure_ascii=False, indent=2)


def error_json(kind: str, message: str, exit_code: int) -> str:
    """What --format json prints when there is no report: a usage error, a missing package, a crash."""
    return json.dumps({"valid": False, "error": {"kind": kind, "message": message}, "exit_code": exit_code,
                       "problems": [], "omitted": [], "skipped": []}, ensure_ascii=False, indent=2)


def guarded(rule_name: str, rule, tables: dict, files: dict) -> list[Problem]:
    """A rule's problems; a rule that cannot run on what the package holds is a problem too, never a stop."""
    try:
        return rule(tables, files)
    except Exception as exc:  # the contract keeps what rules rely on; this is the last line of defence
        return [Problem(DESCRIPTOR, None, None, rule_name, None,
                        f"the rule could not run on this package ({type(exc).__name__}: {exc}); "
                        f"fix the problems reported above and validate again")]
