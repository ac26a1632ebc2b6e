"""Adding a reviewed page: merge the rows a curator accepted in a review file into the tables.

``cnbef add REVIEW.csv`` reads the review file written by ``cnbef draft`` after the curator set each
row's decision (fact, mention or reject) and completed it. It checks every row first and writes
nothing when any row is wrong or undecided; otherwise it gives the new rows ids never used before
(not by the tables, nor by any release in CHANGELOG.md), merges them sorted by key, rebuilds the
derived table and the metadata, and validates the package, all in a staged copy: only a valid result
replaces the package's files, in one step that a kill cannot leave half done (transaction.py).
"""
from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from pathlib import Path

from cnbef.package import flat, order
from cnbef.curation import transaction
from cnbef.curation.draft import DECISIONS, REVIEW_COLUMNS
from cnbef.package.metadata import refreshed, write_descriptor
from cnbef.package.tables import read_descriptor
from cnbef.validation.validate import validate_package

FACT_FIELDS = ["source_id", "region_id", "entity_id", "measure_id", "value", "value_text", "unit_id", "unit_implied",
               "qualifier", "qualifier_text", "claim_type", "period_start", "period_end", "period_text", "period_inferred",
               "quote", "quote_start", "quote_end", "value_start", "note"]
FACT_REQUIRED = ["source_id", "region_id", "measure_id", "value", "value_text", "unit_id", "unit_implied", "qualifier",
                 "claim_type", "period_inferred", "quote", "quote_start", "quote_end", "value_start"]
MENTION_REQUIRED = ["source_id", "mention_text", "mention_start", "mention_end", "reason"]
UNIT_REQUIRED = ["unit_id", "unit_symbol", "unit_name_en", "unit_dimension", "unit_base_unit_id", "unit_multiplier"]
INTEGERS = ["quote_start", "quote_end", "value_start", "mention_start", "mention_end"]
# What a spreadsheet does to codes and numbers when it opens a CSV.
SPREADSHEET_NUMBER = re.compile(r"[0-9]+\.0+|[0-9.]+[eE][+-]?[0-9]+")


class AddError(Exception):
    """The review file cannot be read at all."""


@dataclass
class Outcome:
    problems: list[str] = field(default_factory=list)  # "REVIEW.csv:row: column: message"
    added: dict[str, list[str]] = field(default_factory=dict)
    rejected: list[int] = field(default_factory=list)
    invalid: str = ""  # the validator's report, when the merged package was invalid (nothing was written)
    recovered: str = ""  # what was done about an earlier add that was killed

    @property
    def ok(self) -> bool:
        return not self.problems and not self.invalid


def read_review(path: Path) -> list[dict]:
    raw = Path(path).read_bytes()
    try:
        text = raw.decode("utf-8-sig")  # a spreadsheet's BOM is fine here
    except UnicodeDecodeError as exc:
        raise AddError(f"{path}: not UTF-8 (byte {exc.start}); save it as 'CSV UTF-8' in the spreadsheet") from exc
    rows = list(csv.DictReader(text.splitlines()))  # CRLF from a spreadsheet is fine too
    missing = [c for c in REVIEW_COLUMNS if rows and c not in rows[0]] or ([] if rows else ["(no rows)"])
    if missing:
        raise AddError(f"{path}: not a review file of cnbef draft: missing columns {', '.join(missing)}")
    return rows


def _check(path: Path, n: int, row: dict) -> list[str]:
    where = f"{path.name}:{n}"
    decision = (row.get("decision") or "").strip().lower()
    if decision not in DECISIONS:
        return [f"{where}: decision: {'is empty' if not decision else repr(decision) + ' is not one of'} "
                f"{', '.join(DECISIONS)}; the row is unfinished (proposal: {row.get('proposal') or '-'}, {row.get('context')!r})"]
    if decision == "reject":
        return []
    problems = []
    for column in {"fact": FACT_REQUIRED, "mention": MENTION_REQUIRED, "unit": UNIT_REQUIRED}[decision]:
        if not (row.get(column) or "").strip():
            problems.append(f"{where}: {column}: is empty; a {decision} needs it")
    for column in INTEGERS:
        value = (row.get(column) or "").strip()
        if value and not value.isdigit():
            hint = " (a spreadsheet turned it into a number: format the column as Text)" if SPREADSHEET_NUMBER.fullmatch(value) else ""
            problems.append(f"{where}: {column}: {value!r} is not a whole number{hint}")
    code = (row.get("region_id") or "").strip()
    if decision == "fact" and code and not re.fullmatch(r"[1-8][0-9]{5}", code):
        hint = " (a spreadsheet turned the code into a number: format the column as Text)" if SPREADSHEET_NUMBER.fullmatch(code) else ""
        problems.append(f"{where}: region_id: {code!r} is not a GB/T 2260 code{hint}")
    return problems


def _next_ids(package_dir: Path, table: str, source_id: str, letter: str, count: int) -> list[str]:
    """New ids for a span: after every id the tables or any release (CHANGELOG.md) ever used."""
    pattern = re.compile(rf"{re.escape(source_id)}-{letter}([0-9]+)")
    used = pattern.findall((Path(package_dir) / "data" / f"{table}.csv").read_text(encoding="utf-8"))
    changelog = Path(package_dir) / "CHANGELOG.md"
    if changelog.is_file():
        used += pattern.findall(changelog.read_text(encoding="utf-8"))
    start = max((int(u) for u in used), default=0) + 1
    return [f"{source_id}-{letter}{k:02d}" for k in range(start, start + count)]


def _read(path: Path) -> tuple[list[str], list[dict]]:
    with open(path, encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        return reader.fieldnames, list(reader)


def _write(path: Path, header: list[str], body: list[dict]) -> None:
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, header, lineterminator="\n")
        writer.writeheader()
        writer.writerows(body)


def _merge(path: Path, rows: list[dict]) -> None:
    header, body = _read(path)
    _write(path, header, body + [{h: r.get(h, "") for h in header} for r in rows])


MERGED = ("facts", "excluded_mentions", "units")  # the tables a reviewed page adds rows to


def add(package_dir: Path, review: Path, sources_dir: Path | None) -> Outcome:
    package_dir, review = Path(package_dir), Path(review)
    recovered = transaction.recover(package_dir) or ""
    in_parts = [r["name"] for r in read_descriptor(package_dir).get("resources", [])
                if isinstance(r, dict) and isinstance(r.get("path"), list) and r.get("name") in MERGED]
    if in_parts:
        raise AddError(f"{', '.join(in_parts)} is stored in parts; join it first (cnbef parts {in_parts[0]} --join), "
                       f"add the page, then split it again")
    rows = read_review(review)
    outcome = Outcome(recovered=recovered)
    for n, row in enumerate(rows, 2):
        outcome.problems += _check(review, n, row)
        if (row.get("decision") or "").strip().lower() == "reject":
            outcome.rejected.append(n)
    if outcome.problems:
        return outcome
    facts, mentions, units = _accepted(rows)
    units, outcome.problems = _new_units(package_dir, review, rows, units)
    if outcome.problems:
        return outcome
    for table, key, letter, new in (("facts", "fact_id", "f", facts), ("excluded_mentions", "mention_id", "x", mentions)):
        for source_id in sorted({r["source_id"] for r in new}):
            mine = [r for r in new if r["source_id"] == source_id]
            for r, new_id in zip(mine, _next_ids(package_dir, table, source_id, letter, len(mine))):
                r[key] = new_id
        outcome.added[table] = [r[key] for r in new]
    outcome.added["units"] = [u["unit_id"] for u in units]
    outcome.invalid = _merged_and_validated(package_dir, sources_dir, facts, mentions, units)
    return outcome


def _new_units(package_dir: Path, review: Path, rows: list[dict], units: list[dict]) -> tuple[list[dict], list[str]]:
    """The proposed units units.csv lacks; one it has already (another page added it) is taken as it is, and one
    it has with another definition is a problem of its review row."""
    have = {u["unit_id"]: u for u in _read(package_dir / "data" / "units.csv")[1]}
    rows_of = {(r.get("unit_id") or "").strip(): n for n, r in enumerate(rows, 2) if (r.get("decision") or "").strip().lower() == "unit"}
    new, problems = [], []
    for u in units:
        old = have.get(u["unit_id"])
        if old is None:
            new.append(u)
        elif any((old.get(k) or "") != u[k] for k in ("symbol", "dimension", "base_unit_id", "multiplier", "currency_code")):
            problems.append(f"{review.name}:{rows_of.get(u['unit_id'], '?')}: unit_id: {u['unit_id']} is in units.csv already, "
                            f"as {old['symbol']} ({old['dimension']}, base {old['base_unit_id']} × {old['multiplier']}); "
                            f"use it as it is (decision reject) or give the new unit another id")
    return new, problems


def _accepted(rows: list[dict]) -> tuple[list[dict], list[dict], list[dict]]:
    """The facts, excluded mentions and units of the review rows decided so, as table rows."""
    facts, mentions, units = [], [], []
    for row in rows:
        decision = row["decision"].strip().lower()
        if decision == "unit":
            units.append({"unit_id": row["unit_id"].strip(), "symbol": row["unit_symbol"].strip(), "name_en": row["unit_name_en"].strip(),
                          "dimension": row["unit_dimension"].strip(), "base_unit_id": row["unit_base_unit_id"].strip(),
                          "multiplier": row["unit_multiplier"].strip(), "currency_code": (row.get("unit_currency_code") or "").strip(),
                          "note": (row.get("note") or "").strip()})
        elif decision == "fact":
            facts.append({k: (row.get(k) or "").strip() for k in FACT_FIELDS})
        elif decision == "mention":
            mentions.append({"source_id": row["source_id"].strip(), "text": row["mention_text"], "char_start": row["mention_start"].strip(),
                             "char_end": row["mention_end"].strip(), "reason": row["reason"].strip(), "note": (row.get("note") or "").strip()})
    return facts, mentions, units


def _mark_reviewed(package_dir: Path, source_ids: set[str]) -> None:
    """The pages of the added rows are reviewed now: documents.status says so, and completeness holds them to it."""
    pages = {r["document_id"] for r in _read(package_dir / "data" / "sources.csv")[1] if r["source_id"] in source_ids}
    header, body = _read(package_dir / "data" / "documents.csv")
    for row in body:
        if row["document_id"] in pages:
            row["status"] = "reviewed"
    _write(package_dir / "data" / "documents.csv", header, body)


def _merged_and_validated(package_dir: Path, sources_dir, facts, mentions, units) -> str | None:
    """Merge the rows in a staged copy and validate it; only a valid result replaces the package's files.

    The package is never half-written: transaction.py moves the files into place only after the check.
    An invalid result, an error or an interrupt leaves every file as it was; the report is returned."""
    tree = transaction.stage(package_dir)
    try:
        for table, rows in zip(MERGED, (facts, mentions, units)):
            _merge(tree / "data" / f"{table}.csv", rows)
        _mark_reviewed(tree, {r["source_id"] for r in facts + mentions})
        order.sort_tables(tree)  # the merged rows, and rows a hand edit appended to other tables
        flat.write(tree)
        write_descriptor(tree, refreshed(tree))
        report = validate_package(tree, sources_dir)
    except BaseException:
        transaction.discard(package_dir)
        raise
    if not report.valid:
        transaction.discard(package_dir)
        return report.as_text()
    transaction.commit(package_dir)
    return None


__all__ = ["AddError", "Outcome", "add", "read_review", "read_descriptor"]
