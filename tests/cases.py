"""The package cases: one table of every way the suite breaks a copy of the package with the made-up page.

A case names its damage and what the report must say: the file, the rule, the column and a fragment of the
message (or the value reported); a damage that breaks one row returns that row (spreadsheet numbering, header =
1), and the report must name it. tests/test_cases.py runs every case once on the default engine;
tests/test_engine_equality.py runs the same cases on DuckDB (and Spark) and compares them row for row;
tests/test_registry.py reads the rule of each to prove that every rule has a case.
"""
import json
from dataclasses import dataclass
from typing import Callable

from made_up_page import (AREA, COUNT, DOC, ENTITY, GROWTH, MENTION, MEASURE, MONEY, POLICY, RANK, S, SHARE, TARGET, TEXT,
                          PageCopy)

F, R, U, M, E = "data/facts.csv", "data/regions.csv", "data/units.csv", "data/measures.csv", "data/entities.csv"
X, SRC, DOCS, DP = "data/excluded_mentions.csv", "data/sources.csv", "data/documents.csv", "datapackage.json"


@dataclass(frozen=True)
class Case:
    name: str
    damage: Callable[[PageCopy], int | None]  # the row it broke, where it broke one
    file: str
    rule: str
    column: str | None = None  # None: whichever column, or none
    says: str | None = None  # in the message, or the value reported
    still_checked: bool = False  # the rest of the package is still checked: a planted share above 100 % is still found

    def hits(self, report, row: int | None = None) -> list:
        return [p for p in report.problems if p.file == self.file and p.rule == self.rule
                and self.column in (None, p.column) and row in (None, p.row)
                and (self.says is None or self.says in p.message or self.says == p.value)]


def still_checked(pkg):
    """Plant one ordinary fault; the returned check says whether it is still found."""
    row = pkg.set("facts", SHARE, "value", "174.5")
    return lambda report: any(p.file == F and p.rule == "value_range" and p.column == "value" and p.row == row
                              for p in report.problems)


# ---- damage, the way an editor, a spreadsheet or a careless curator does it -------------------------------------

def raw(table, change):
    """The bytes of a table changed; the table may no longer parse, so the derived table stays as it was."""
    def damage(pkg):
        path = pkg.root / "data" / f"{table}.csv"
        path.write_bytes(change(path.read_bytes()))
        pkg.refresh(rebuild=False)
    return damage


def descriptor_bytes(change):
    def damage(pkg):
        path = pkg.root / DP
        path.write_bytes(change(path.read_bytes()))
    return damage


def edit_descriptor(pkg, change):
    path = pkg.root / DP
    path.write_text(json.dumps(change(json.loads(path.read_text(encoding="utf-8"))), ensure_ascii=False), encoding="utf-8")


def edit_schema(pkg, name, change):
    path = pkg.root / "schemas" / f"{name}.json"
    path.write_text(json.dumps(change(json.loads(path.read_text(encoding="utf-8"))), ensure_ascii=False), encoding="utf-8")


def write(path, text):
    """A file replaced by ``text`` (path relative to the package)."""
    def damage(pkg):
        (pkg.root / path).parent.mkdir(parents=True, exist_ok=True)
        (pkg.root / path).write_text(text, encoding="utf-8")
    return damage


def descriptor(change):
    return lambda pkg: edit_descriptor(pkg, change)


def schema(name, change):
    return lambda pkg: edit_schema(pkg, name, change)


def resource(which, **fields):
    """A change of the descriptor: the resource named (or at the index) ``which`` given ``fields``."""
    return lambda d: {**d, "resources": [{**r, **fields} if which in (n, r["name"]) else r for n, r in enumerate(d["resources"])]}


def without(*names):
    return lambda d: {**d, "resources": [r for r in d["resources"] if r["name"] not in names]}


def retype(field, type_):
    return lambda s: {**s, "fields": [{**f, "type": type_} if f["name"] == field else f for f in s["fields"]]}


def drop_field(field):
    return lambda s: {**s, "fields": [f for f in s["fields"] if f["name"] != field]}


def constrain(field, constraints):
    return lambda s: {**s, "fields": [{**f, "constraints": constraints} if f["name"] == field else f for f in s["fields"]]}


def columns(table, change):
    """Every row changed, the header too: the header no longer fits the schema."""
    return lambda pkg: pkg.write(table, [change(r) for r in pkg.rows(table)], rebuild=False)


def swap_columns(table, a, b):
    def damage(pkg):
        rows = pkg.rows(table)
        i, j = rows[0].index(a), rows[0].index(b)
        for r in rows:
            r[i], r[j] = r[j], r[i]
        pkg.write(table, rows, rebuild=False)
    return damage


def _of(pkg, value):
    return value(pkg) if callable(value) else value


def cell(table, key, column, value):
    """One cell set; key and value may be functions of the package copy (its county, its units)."""
    return lambda pkg: pkg.set(table, _of(pkg, key), column, _of(pkg, value))


def changed(table, key, column, change):
    """One cell changed as a function of its old value."""
    return lambda pkg: pkg.set(table, key, column, change(pkg.get(table, key, column)))


COUNTY, PREFECTURE, PROVINCE = (lambda p: p.county), (lambda p: p.prefecture), (lambda p: p.province)
UNIT_OF_MONEY = lambda p: p.get("facts", MONEY, "unit_id")  # noqa: E731


def _qualifier_dropped(pkg):
    pkg.set("facts", TARGET, "qualifier_text", "")
    return pkg.set("facts", TARGET, "qualifier", "exact")


def _statistic_excluded_as(reason, fact=COUNT, text="13家"):
    def damage(pkg):
        pkg.delete("facts", fact)
        a = TEXT.index(text)
        pkg.add("excluded_mentions", [dict(mention_id=f"{S}-x02", source_id=S, text=text, char_start=a, char_end=a + len(text),
                                           reason=reason, note="moved")])
        return pkg.row_of("excluded_mentions", f"{S}-x02")
    return damage


def _duplicated(pkg, key):
    """The fact entered again under a new id."""
    row = dict(pkg.table("facts")[pkg.row_of("facts", key) - 2], fact_id=f"{key}-again")
    pkg.add("facts", [row])
    return pkg.row_of("facts", f"{key}-again")


def _county_coded(kind):
    """A county row added under a prefecture of the package, its code retired (listed once, in use no more) or one
    that never was; returns its row."""
    from cnbef.package import divisions
    listed, in_use = divisions.last_listed(), divisions.current()

    def damage(pkg):
        prefectures = [r["region_id"] for r in pkg.table("regions") if r["level"] == "prefecture"]
        if kind == "retired":
            parent, code = next((p, c) for p in prefectures for c in sorted(listed)
                                if c[:4] == p[:4] and c not in in_use and not c.endswith("00"))
        else:
            parent = prefectures[0]
            code = next(c for c in (f"{parent[:4]}{k:02d}" for k in range(99, 0, -1)) if c not in listed and c not in in_use)
        pkg.add("regions", [dict(region_id=code, name_zh="测试县", name_en="Test County", level="county", parent_id=parent)])
        return pkg.row_of("regions", code)
    return damage


def _partial_numeral(pkg):
    pkg.set("facts", MONEY, "value", "2")
    return pkg.set("facts", MONEY, "value_text", "2")


def _hectare(pkg):
    """A unit of area the page does not write (the package's own, or one made up)."""
    return pkg.unit("公顷", unit_id="hectare_999", name_en="hectare", dimension="area", base_unit_id=pkg.unit("平方米"),
                    multiplier="10000")


def _households(pkg):
    """A unit of count the page does not write."""
    return pkg.unit("户", unit_id="household_999", name_en="households", dimension="count", base_unit_id="household_999",
                    multiplier="1")


def _cells(table, key, **values):
    """Several cells of one row set; the row is returned."""
    def damage(pkg):
        for column, value in values.items():
            row = pkg.set(table, key, column, value)
        return row
    return damage


# 全年 in the made-up report (delivered 2023-02-02) dated 2023, not the year just ended
_full_year_as_2023 = _cells("facts", GROWTH, period_text="全年", period_start="2023-01-01", period_end="2023-12-31",
                            period_inferred="true")


def _unknown_date(pkg):
    pkg.set("documents", DOC, "published_earliest", "")
    pkg.set("documents", DOC, "published_latest", "")
    pkg.set("documents", DOC, "date_basis", "unknown")
    return pkg.row_of("facts", TARGET)


def _extra_field_with_a_broken_pattern(pkg):
    edit_schema(pkg, "measures", lambda s: {**s, "fields": s["fields"] + [
        {"name": "extra", "type": "string", "constraints": {"pattern": "("}}]})
    pkg.write("measures", [r + (["extra"] if n == 0 else ["x"]) for n, r in enumerate(pkg.rows("measures"))])


def _unclosed_quote(b):
    """A quote opened in the last row runs to the end of the file, whatever the rows hold."""
    last = b.rstrip(b"\n").rfind(b"\n") + 1
    return b[:last] + b'"' + b[last:].replace(b'"', b"")


# ---- what Excel/WPS editors and careless downloads do (each listed in docs/validation.md) ------------------------

SPREADSHEET_FAULTS = [
    Case("gbk_encoding", raw("facts", lambda b: b.decode("utf-8").encode("gb18030")), F, "encoding", None, "GB18030"),
    Case("utf8_bom", raw("units", lambda b: b"\xef\xbb\xbf" + b), U, "bom", None, "byte-order mark"),
    Case("crlf", raw("regions", lambda b: b.replace(b"\n", b"\r\n")), R, "line_endings", None, "CRLF"),
    Case("trailing_blank_line", raw("measures", lambda b: b + b"\n"), M, "blank_line", None, "blank line"),
    Case("full_width_number", cell("facts", GROWTH, "value", "４．５"), F, "type-error", "value", "full-width"),
    Case("full_width_percent", cell("facts", GROWTH, "unit_id", "％"), F, "foreign-key", "unit_id", "full-width"),
    Case("full_width_thousands_comma", cell("facts", MONEY, "value", "2，651.25"), F, "type-error", "value", "full-width"),
    Case("full_width_space", cell("regions", COUNTY, "name_en", "Some\u3000County"), R, "invisible_character", "name_en", "full-width space"),
    Case("zero_width_space_in_id", cell("facts", COUNT, "entity_id", ENTITY + "\u200b"), F, "invisible_character", "entity_id", "zero-width"),
    Case("non_breaking_space", cell("measures", MEASURE, "name_en", "Gross\u00a0product"), M, "invisible_character", "name_en", "non-breaking"),
    Case("space_around_id", cell("facts", GROWTH, "measure_id", " " + MEASURE), F, "surrounding_space", "measure_id", "leading or trailing"),
    Case("text_not_nfc", cell("entities", ENTITY, "name_en", "Parque\u0301"), E, "unicode_nfc", "name_en", "NFC"),
    Case("excel_code_as_number", cell("facts", GROWTH, "region_id", lambda p: p.county + ".0"), F, "constraint-error", "region_id", "Text"),
    Case("excel_date_slashes", cell("facts", GROWTH, "period_start", "2022/1/1"), F, "type-error", "period_start", "YYYY-MM-DD"),
    Case("excel_date_serial", cell("facts", GROWTH, "period_start", "44562"), F, "type-error", "period_start", "serial"),
    Case("excel_scientific_notation", cell("documents", DOC, "byte_count", f"{len(TEXT.encode()) / 1000:.4f}E+03"), DOCS, "type-error", "byte_count", "scientific"),
    Case("missing_column", columns("facts", lambda r: r[:-1]), F, "missing-label", "note"),
    Case("extra_column", columns("facts", lambda r: r + ["x"]), F, "extra-label"),
    Case("renamed_column", columns("facts", lambda r: ["qualifier_code" if c == "qualifier" else c for c in r]), F, "incorrect-label", "qualifier"),
    Case("reordered_columns", swap_columns("facts", "value", "unit_id"), F, "incorrect-label"),
    Case("duplicated_row", lambda p: p.write("facts", p.rows("facts") + [p.rows("facts")[1]]), F, "primary-key"),
    Case("truncated_row", lambda p: p.write("facts", [r[:5] if r[0] == GROWTH else r for r in p.rows("facts")], rebuild=False), F, "missing-cell"),
    Case("empty_file", raw("units", lambda b: b""), U, "empty_file", None, "empty"),
    Case("unclosed_quote", raw("measures", _unclosed_quote), M, "missing-cell", None, "opened but never closed"),
    Case("header_only_table", raw("measures", lambda b: b.split(b"\n", 1)[0] + b"\n"), M, "empty_table", None, "no rows"),
    Case("duplicate_key_in_a_lookup_table", lambda p: p.write("units", p.rows("units") + [p.rows("units")[1]]), U, "primary-key"),
    Case("duplicate_primary_key", cell("facts", COUNT, "fact_id", GROWTH), F, "primary-key"),
    Case("orphan_foreign_key", cell("facts", GROWTH, "entity_id", "no_such_entity"), F, "foreign-key", "entity_id"),
    Case("unit_on_wrong_measure", cell("facts", GROWTH, "unit_id", UNIT_OF_MONEY), F, "unit_dimension", "unit_id", "needs a ratio unit"),
    Case("reversed_period", cell("facts", GROWTH, "period_end", "2021-12-31"), F, "period_order", None, "starts after it ends"),
    Case("offsets_reversed", cell("facts", GROWTH, "quote_start", "999999"), F, "offsets"),
    Case("tampered_quote", cell("facts", GROWTH, "quote", "同比增长5.4%"), F, "quote_text", "quote", "differs from the source text"),
    Case("tampered_offset", cell("facts", GROWTH, "quote_start", str(TEXT.index("同比增长4.5%") + 1)), F, "quote_text", "quote", "differs from the source text"),
    Case("resource_hash_mismatch", descriptor(resource("units", hash="sha256:" + "0" * 64)), U, "hash-count"),
    Case("resource_bytes_mismatch", descriptor(resource("units", bytes=1)), U, "byte-count", None, "bytes"),
    Case("formula_equals", cell("measures", MEASURE, "name_en", "=HYPERLINK(\"http://x\",\"GDP\")"), M, "formula_injection", "name_en", "formula"),
    Case("formula_plus", cell("measures", MEASURE, "description", "+cmd|' /C calc'!A0"), M, "formula_injection", "description", "formula"),
    Case("formula_minus", cell("measures", MEASURE, "name_zh", "-2+3"), M, "formula_injection", "name_zh", "formula"),
    Case("formula_at", cell("measures", MEASURE, "name_zh", "@SUM(1+1)"), M, "formula_injection", "name_zh", "formula"),
    Case("formula_tab", cell("measures", MEASURE, "name_zh", "\t=1"), M, "formula_injection", "name_zh", "formula"),
    Case("unsafe_parent_path", descriptor(resource(0, path="../outside.csv")), DP, "unsafe_path", "resources[0].path", "leaves"),
    Case("unsafe_absolute_path", descriptor(resource(0, path="/etc/passwd")), DP, "unsafe_path", "resources[0].path", "absolute"),
    Case("unsafe_url_path", descriptor(resource(0, path="https://example.invalid/x.csv")), DP, "unsafe_path", "resources[0].path", "URL"),
    Case("unsafe_remote_schema", descriptor(resource(0, schema="https://example.invalid/s.json")), DP, "unsafe_path", "resources[0].schema", "URL"),
    Case("descriptor_with_bom", descriptor_bytes(lambda b: b"\xef\xbb\xbf" + b), DP, "descriptor", None, "byte-order mark"),
    Case("descriptor_trailing_comma", descriptor_bytes(lambda b: b.rstrip().removesuffix(b"}") + b",}"), DP, "descriptor", None, "not valid JSON at line"),
    Case("descriptor_truncated", descriptor_bytes(lambda b: b[:len(b) // 2]), DP, "descriptor", None, "not valid JSON at line"),
    Case("descriptor_empty", descriptor_bytes(lambda b: b""), DP, "descriptor", None, "is empty"),
    Case("descriptor_in_an_array", descriptor_bytes(lambda b: b"[" + b + b"]"), DP, "descriptor", None, "not a JSON list"),
    Case("descriptor_empty_object", descriptor_bytes(lambda b: b"{}"), DP, "descriptor", "resources", "list of resources"),
    Case("trailing_comma_on_every_row", raw("facts", lambda b: b"\n".join(line + b"," if i and line else line for i, line in enumerate(b.split(b"\n")))),
         F, "extra-cell", None, "stray comma"),
]

# ---- one cell against each schema constraint and semantic rule -----------------------------------------------------

def _swapped(table):
    """The first two rows of a table swapped, as a hand edit leaves them: the second (spreadsheet row 3) is out of order."""
    def damage(pkg):
        rows = pkg.rows(table)
        rows[1], rows[2] = rows[2], rows[1]
        pkg.write(table, rows)
        return 3
    return damage


CELL_CASES = [
    Case("rows_out_of_order", _swapped("regions"), R, "sorted_by_key", "region_id", "cnbef refresh sorts it", still_checked=True),
    Case("type_date", cell("facts", GROWTH, "period_start", "2022-02-30"), F, "type-error", "period_start", "date"),
    Case("required", cell("facts", GROWTH, "measure_id", ""), F, "constraint-error", "measure_id", "required"),
    Case("pattern", cell("facts", GROWTH, "region_id", "41110"), F, "constraint-error", "region_id", "pattern"),
    Case("enum", cell("facts", GROWTH, "claim_type", "goal"), F, "constraint-error", "claim_type", "achieved"),
    Case("foreign_key_facts_region", cell("facts", GROWTH, "region_id", "819999"), F, "foreign-key", "region_id", "not found in data/regions.csv"),
    Case("foreign_key_entity_region", cell("entities", ENTITY, "region_id", "819999"), E, "foreign-key", "region_id", "not found"),
    Case("foreign_key_policy_region", cell("policies", POLICY, "region_id", "819999"), "data/policies.csv", "foreign-key", "region_id", "not found"),
    Case("foreign_key_measure", cell("facts", GROWTH, "measure_id", "no_such_measure"), F, "foreign-key", "measure_id", "data/measures.csv"),
    Case("foreign_key_unit", cell("facts", GROWTH, "unit_id", "kilo_yuan"), F, "foreign-key", "unit_id", "data/units.csv"),
    Case("unit_dimension", cell("facts", GROWTH, "unit_id", UNIT_OF_MONEY), F, "unit_dimension", "unit_id", "is a currency unit"),
    Case("share_above_100", cell("facts", SHARE, "value", "174.5"), F, "value_range", "value", "at most 100"),
    Case("growth_at_minus_100", cell("facts", GROWTH, "value", "-100"), F, "value_range", "value", "above -100"),
    Case("count_negative", cell("facts", COUNT, "value", "-13"), F, "value_range", "value", "at least 0"),
    Case("count_not_whole", cell("facts", COUNT, "value", "13.5"), F, "whole_number", "value", "whole number"),
    Case("rank_zero", cell("facts", RANK, "value", "0"), F, "value_range", "value", "at least 1"),
    Case("amount_negative", cell("facts", MONEY, "value", "-2651.25"), F, "value_range", "value", "at least 0"),
    Case("value_differs_from_written", cell("facts", GROWTH, "value", "4.6"), F, "value_text", "value", "reads as 4.5"),
    Case("value_text_not_a_numeral", cell("facts", GROWTH, "value_text", "four"), F, "value_text", "value_text", "cannot read"),
    Case("qualifier_disagrees_with_word", cell("facts", TARGET, "qualifier", "exact"), F, "qualifier_text", "qualifier", "at_least"),
    Case("unknown_qualifier_word", cell("facts", TARGET, "qualifier_text", "大约"), F, "qualifier_text", "qualifier_text", "not a known qualifier word"),
    Case("period_reversed", cell("facts", GROWTH, "period_start", "2023-01-15"), F, "period_order", "period_start, period_end", "starts after it ends"),
    Case("achieved_after_publication", cell("facts", GROWTH, "period_end", "2024-06-30"), F, "period_window", "period_end", "after its source was published"),
    Case("period_implausibly_early", cell("facts", GROWTH, "period_start", "1922-01-01"), F, "period_window", "period_start", "years before"),
    Case("period_implausibly_late", cell("facts", TARGET, "period_end", "2099-12-31"), F, "period_window", "period_end", "years after"),
    Case("region_own_parent", cell("regions", COUNTY, "parent_id", COUNTY), R, "region_hierarchy", "parent_id", "its own parent"),
    Case("province_with_parent", cell("regions", PROVINCE, "parent_id", PREFECTURE), R, "region_hierarchy", "parent_id", "has no parent"),
    Case("county_without_parent", cell("regions", COUNTY, "parent_id", ""), R, "region_hierarchy", "parent_id", "needs a parent prefecture"),
    Case("level_does_not_nest", cell("regions", COUNTY, "parent_id", PROVINCE), R, "region_hierarchy", "parent_id", "must sit under a prefecture"),
    Case("code_prefix_disagrees", cell("regions", COUNTY, "parent_id", lambda p: p.other_prefecture), R, "region_hierarchy", "region_id", "first 4 digits"),
    Case("province_code_suffix", cell("regions", PROVINCE, "level", "prefecture"), R, "region_hierarchy", "parent_id", "needs a parent province"),
    Case("quote_range_reversed", cell("facts", GROWTH, "quote_end", "10"), F, "offsets", "quote_start, quote_end", "non-empty range"),
    Case("quote_outside_article", cell("facts", GROWTH, "quote_start", "0"), F, "offsets", "quote_start, quote_end", "inside its article"),
    Case("value_outside_quote", cell("facts", GROWTH, "value_start", lambda p: int(p.get("facts", GROWTH, "quote_end")) + 2), F, "offsets", "value_start", "inside the quote"),
    Case("article_outside_document", cell("sources", S, "char_end", "999999"), SRC, "offsets", "char_start, char_end", "inside its document"),
]

# ---- the rows against the source texts ------------------------------------------------------------------------------

PROVENANCE_CASES = [
    Case("quote_tampered", changed("facts", GROWTH, "quote", lambda v: v.replace("4.5", "4.6")), F, "quote_text", "quote", "differs from the source text"),
    Case("quote_offset_shifted", changed("facts", GROWTH, "quote_start", lambda v: int(v) + 1), F, "quote_text", "quote", "differs from the source text"),
    Case("quote_on_a_line_break", changed("facts", MONEY, "quote_start", lambda v: int(v) - 1), F, "quote_text", "quote_start, quote_end", "line break"),
    Case("value_offset_shifted", changed("facts", GROWTH, "value_start", lambda v: int(v) + 1), F, "value_in_quote", "value_start", "is not at this offset"),
    Case("qualifier_dropped", _qualifier_dropped, F, "qualifier_in_quote", "qualifier", "以上"),
    Case("policy_title_changed", changed("policies", POLICY, "title_zh", lambda v: v[:-2]), "data/policies.csv", "policy_title_in_quote", "title_zh", "between 《 and 》"),
    Case("excluded_offset_shifted", changed("excluded_mentions", MENTION, "char_start", lambda v: int(v) + 1), X, "excluded_mention_text", "text", "differs from the source text"),
    Case("document_hash_changed", changed("documents", DOC, "sha256", lambda v: "0" * 64), DOCS, "document_hash", "sha256", "the text changed"),
    Case("document_size_changed", changed("documents", DOC, "char_count", lambda v: int(v) + 1), DOCS, "document_hash", "char_count, byte_count", "characters"),
]

# ---- wrong ways of curating the made-up page ------------------------------------------------------------------------

def _wan_unit_of_multiplier_1(pkg):
    """A unit of its own (平方尺) and its 万 unit, entered with the draft's old default multiplier 1."""
    base = pkg.unit("平方尺", unit_id="square_chi_999", name_en="square chi (test)", dimension="area", base_unit_id="square_chi_999",
                    multiplier="1")
    pkg.unit("万平方尺", unit_id="wan_square_chi_999", name_en="ten thousand square chi (test)", dimension="area", base_unit_id=base,
             multiplier="1")
    return pkg.row_of("units", "wan_square_chi_999")


def _points(pkg):
    """The package's unit of percentage points (个百分点), found by its symbol."""
    return next(u["unit_id"] for u in pkg.table("units") if u["symbol"] == "个百分点")


CURATION_MISTAKES = [
    Case("measure_named_twice", lambda p: p.set("measures", "gdp_yoy_999", "name_zh", f"“{p.get('measures', MEASURE, 'name_zh')} ”"),
         M, "measure_duplicate", "name_zh", f"names the concept of {MEASURE}"),
    Case("amount_filed_as_derived", _statistic_excluded_as("derived", MONEY, "2651.25亿元"), X, "statistic_as_mention", "reason",
         "is an amount in 亿元"),
    Case("amount_filed_as_a_name", _statistic_excluded_as("name_or_title", GROWTH, "4.5%"), X, "statistic_as_mention", "reason",
         "which a name_or_title mention cannot be"),
    Case("official_indicator_without_its_name", cell("measures", MEASURE, "official_indicator", "true"), M, "official_name",
         "official_name_zh", "needs its standard Chinese name"),
    Case("official_name_of_a_measure_not_official", cell("measures", MEASURE, "official_name_zh", "地区生产总值"), M,
         "official_name", "official_name_zh", "only an official indicator"),
    Case("measure_in_two_base_units", lambda p: p.set("facts", TARGET, "unit_id", _points(p)), F, "measure_base_unit", "unit_id",
         "differs from"),
    Case("policy_named_without_a_row", lambda p: p.delete("policies", POLICY), "data/policies.csv", "policy_titles", "title_zh",
         "no policies row of it"),
    Case("period_a_year_off_without_period_text", _cells("facts", GROWTH, period_text="", period_start="2021-01-01",
                                                         period_end="2021-12-31"), F, "period_year", None, "the year 2021"),
    Case("unit_hectare_for_square_metres", lambda p: p.set("facts", AREA, "unit_id", _hectare(p)), F, "unit_in_text", "unit_id", "万平方米"),
    Case("unit_households_for_jia", lambda p: p.set("facts", COUNT, "unit_id", _households(p)), F, "unit_in_text", "unit_id", "'家'"),
    Case("unit_said_implied_but_written", cell("facts", COUNT, "unit_implied", "true"), F, "unit_in_text", "unit_implied", "writes the unit"),
    Case("multiplier_1_for_a_wan_unit", _wan_unit_of_multiplier_1, U, "unit_multiplier", "multiplier", "must be 10000"),
    Case("fact_duplicated_under_a_new_id", lambda p: _duplicated(p, GROWTH), F, "duplicate_fact", "value_start", "repeats fact"),
    Case("traditional_unit_symbol", cell("units", lambda p: p.unit("亿元"), "symbol", "億元"), U, "simplified_script", "symbol",
         "'亿元'"),
    Case("target_filed_as_achieved", cell("facts", TARGET, "claim_type", "achieved"), F, "claim_type_cue",
         "claim_type", "says 力争"),
    Case("result_filed_as_a_target", cell("facts", GROWTH, "claim_type", "target"), F, "claim_type_cue", "claim_type",
         "no word of a target"),
    Case("region_the_article_does_not_name", cell("facts", GROWTH, "region_id", lambda p: p.other_prefecture), F, "region_in_text",
         "region_id", "is named nowhere"),
    Case("retired_region_code", _county_coded("retired"), R, "region_code", "region_id", "is a retired GB/T 2260 code"),
    Case("region_code_that_never_was", _county_coded("never"), R, "region_code", "region_id", "is not a GB/T 2260 code"),
    Case("partial_numeral", _partial_numeral, F, "number_boundary", "value_text", "2651.25"),
    Case("statistic_excluded_as_idiom", _statistic_excluded_as("idiom"), X, "exclusion_reason", "reason", "make it a fact"),
    Case("statistic_excluded_as_period", _statistic_excluded_as("period"), X, "exclusion_reason", "reason", "make it a fact"),
    Case("statistic_excluded_as_derived", _statistic_excluded_as("derived"), X, "exclusion_reason", "reason", "no fact's quote"),
    Case("statistic_excluded_as_slogan", _statistic_excluded_as("slogan"), X, "quotation_marks", "reason", "not inside quotation marks"),
    Case("article_start_moved_past_a_sentence", cell("sources", S, "char_start", TEXT.index("新增")), SRC, "coverage", "char_start", "belong to no span"),
    Case("spans_overlap", cell("sources", "999-editor", "char_start", TEXT.index("今年")), SRC, "coverage", "char_start", "overlaps"),
    Case("this_year_read_as_last_year", cell("facts", TARGET, "period_start", "2022-01-01"), F, "relative_period", "period_start", "2023-01-01"),
    Case("full_year_of_a_february_report_read_as_its_own_year", _full_year_as_2023, F, "relative_period", "period_start",
         "2022-01-01"),
    Case("inferred_year_not_flagged", cell("facts", TARGET, "period_inferred", "false"), F, "relative_period", "period_inferred", "must be true"),
    Case("written_year_flagged_inferred", cell("facts", MONEY, "period_inferred", "true"), F, "relative_period", "period_inferred", "must be false"),
    Case("this_year_on_a_page_of_unknown_date", _unknown_date, F, "relative_period", "period_text", "no known date"),
    Case("result_dated_after_the_page", cell("facts", GROWTH, "period_start", "2023-03-01"), F, "period_window", "period_start", "start after it"),
    Case("full_year_result_on_a_february_page", _cells("facts", GROWTH, period_text="2023年", period_start="2023-01-01",
                                                     period_end="2023-12-31", period_inferred="false"),
         F, "period_window", "period_end", "end more than a month past it"),
    Case("headline_given_for_a_report", cell("sources", S, "title_zh", "工作报告"), SRC, "content_type", "title_zh", "prints no headline"),
    Case("article_without_region", cell("sources", S, "region_id", ""), SRC, "content_type", "region_id", "needs the region"),
    Case("fact_in_page_furniture", cell("facts", MONEY, "source_id", "999-navigation"), F, "content_type", "source_id", "page furniture"),
    Case("unknown_date_with_dates", cell("documents", DOC, "date_basis", "unknown"), DOCS, "document_dates", "date_basis", "unknown"),
    Case("earliest_after_latest", cell("documents", DOC, "published_earliest", "2023-03-01"), DOCS, "document_dates", "published_earliest, published_latest", "after the latest"),
]

# ---- the descriptor or a schema disarming a check: reported, and no rule switched off ----------------------------

CONTRACT_BREACHES = [Case(name, damage, file, "contract", column, says, still_checked=True) for name, damage, file, column, says in [
    ("no_measure_kinds", descriptor(without("measure_kinds")), DP, "resources", "measure_kinds"),
    ("no_excluded_mentions", descriptor(without("excluded_mentions")), DP, "resources", "excluded_mentions"),
    ("no_resources_at_all", descriptor(lambda d: {**d, "resources": []}), DP, "resources", "facts"),
    ("field_removed", schema("facts", drop_field("value")), "schemas/facts.json", "value", "is missing"),
    ("kind_range_field_removed", schema("measure_kinds", drop_field("max_value")), "schemas/measure_kinds.json", "max_value", "is missing"),
    ("foreign_key_removed", schema("facts", lambda s: {**s, "foreignKeys": []}), "schemas/facts.json", "unit_id", "units.unit_id is missing"),
    ("primary_key_changed", schema("facts", lambda s: {**s, "primaryKey": ["quote"]}), "schemas/facts.json", "primaryKey", "['fact_id']"),
    ("value_retyped_as_string", schema("facts", retype("value", "string")), "schemas/facts.json", "value", "type number"),
    ("quote_start_retyped_as_number", schema("facts", retype("quote_start", "number")), "schemas/facts.json", "quote_start", "type integer"),
    ("required_dropped", schema("facts", constrain("value", {})), "schemas/facts.json", "value", "must keep the constraints"),
    ("enum_not_a_list", schema("facts", constrain("qualifier", {"required": True, "enum": "exact"})), "schemas/facts.json", "qualifier", "must keep the constraints"),
]]

# ---- a broken descriptor, schema or file: named, and the rest still checked ------------------------------------------

BROKEN_FILES = [Case(*spec, still_checked=True) for spec in [
    ("descriptor_is_an_array", write(DP, "[]"), DP, "descriptor", None, "not a JSON list"),
    ("resources_not_a_list", descriptor(lambda d: {**d, "resources": {}}), DP, "descriptor", "resources", "list of resources"),
    ("resource_not_an_object", descriptor(lambda d: {**d, "resources": [7] + d["resources"]}), DP, "descriptor", "resources[0]", "object"),
    ("schema_without_fields", schema("units", lambda s: {k: v for k, v in s.items() if k != "fields"}), "schemas/units.json", "schema-error", None, "no list of fields"),
    ("schema_not_json", write("schemas/units.json", "{"), "schemas/units.json", "schema-error", None, "cannot be read"),
    ("table_file_missing", lambda p: (p.root / E).unlink(), E, "readable", None, "does not exist"),
    ("field_not_an_object", schema("units", lambda s: {**s, "fields": [1, 2]}), "schemas/units.json", "schema-error", None, "not an object with a name"),
    ("package_name_not_a_string", descriptor(lambda d: {**d, "name": 7}), DP, "package-error", None, "name"),
    ("field_type_unknown", schema("measures", lambda s: {**s, "fields": s["fields"] + [{"name": "extra", "type": "strin"}]}),
     "schemas/measures.json", "field-error", None, "not supported"),
    ("add_killed_while_moving_files", write(".cnbef-pending/journal.json", '["data/facts.csv"]'),
     ".cnbef-pending/journal.json", "interrupted_add", None, "cnbef add --recover"),
    ("pattern_not_a_regex_in_an_extra_field", _extra_field_with_a_broken_pattern, M, "schema-error", None, "could not run with its Table Schema"),
]]

CASES = SPREADSHEET_FAULTS + CELL_CASES + PROVENANCE_CASES + CURATION_MISTAKES + CONTRACT_BREACHES + BROKEN_FILES
BY_NAME = {case.name: case for case in CASES}
