"""Every rule the validator reports, declared once: its name, its layer, what it reads, and its doc line.

A problem in the report carries one of these names. The implementations refer to their declaration
(``rules.rule`` and ``sqlchecks.Semantic`` refuse an undeclared name; provenance's list of checks is read
from here); docs/validation.md's rule list is generated from here by ``cnbef docs``; tests/test_registry.py
fails on a rule declared without a case that triggers it, and on a reported rule that is not declared.
Adding a rule: one declaration here, its implementation in the layer's module, one case in a test table.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Layer:
    name: str
    where: str  # the module that implements its rules
    what: str


@dataclass(frozen=True)
class Rule:
    name: str
    layer: str
    reads: str  # tables and columns, as a curator names them
    doc: str


LAYERS = [
    Layer("descriptor", "validation/checks/contract.py, validation/checks/files.py, Frictionless's profiles",
          "datapackage.json and the Table Schemas, before any table is read"),
    Layer("files", "validation/checks/files.py, validation/checks/schema_checks.py, validation/validate.py",
          "each file's bytes, encoding, CSV structure and header"),
    Layer("cells", "validation/checks/sqlchecks.py (generated from schemas/*.json), validation/checks/files.py (what a suspect character is)",
          "each cell against its Table Schema, as queries every engine runs"),
    Layer("semantic-sql", "validation/checks/sqlchecks.py (SEMANTIC), parameters in data/measure_kinds.csv and data/units.csv",
          "semantic rules that are queries, run by every engine"),
    Layer("semantic", "validation/checks/rules.py, parameters in data/content_types.csv and data/exclusion_reasons.csv",
          "semantic rules that need Python: numerals, period phrases, code prefixes"),
    Layer("derived", "package/flat.py", "tables built from the others"),
    Layer("provenance", "validation/checks/provenance.py, validation/checks/context.py (with --sources)",
          "the rows against the source texts"),
]

_ = Rule
RULES = [
    # descriptor
    _("descriptor", "descriptor", "datapackage.json", "datapackage.json is a readable JSON object with a list of resources, each an object"),
    _("contract", "descriptor", "datapackage.json, schemas/*.json",
      "the resources, fields, types and keys the rules rely on are declared (validation/checks/contract.json)"),
    _("schema-error", "descriptor", "schemas/*.json", "each Table Schema can be read and used by the generated queries"),
    _("unsafe_path", "descriptor", "datapackage.json",
      "every path is relative and inside the package: no URL, absolute path, `..` or link out of it"),
    _("package-error", "descriptor", "datapackage.json", "the descriptor fits Frictionless's Data Package profile"),
    _("resource-error", "descriptor", "datapackage.json", "each resource fits Frictionless's Data Resource profile"),
    _("field-error", "descriptor", "schemas/*.json", "each field fits Frictionless's Table Schema profile"),
    _("interrupted_add", "descriptor", ".cnbef-pending/journal.json",
      "no `cnbef add` was killed while moving its files into place (`cnbef add --recover` completes it)"),
    # files
    _("readable", "files", "each table", "the file exists"),
    _("encoding", "files", "each table, its declared encoding", "tables are UTF-8 and declared so (GB18030 and others are named)"),
    _("byte-count", "files", "each table, datapackage.json", "the file's size is the descriptor's `bytes` (run `cnbef refresh`)"),
    _("hash-count", "files", "each table, datapackage.json", "the file's SHA-256 is the descriptor's `hash` (run `cnbef refresh`)"),
    _("bom", "files", "each table", "no UTF-8 byte-order mark, but in the table declared utf-8-sig for spreadsheets"),
    _("line_endings", "files", "each table", "LF line endings, not CRLF"),
    _("blank_line", "files", "each table", "no blank line"),
    _("empty_file", "files", "each table", "the file has at least its header row"),
    _("empty_table", "files", "each table", "the table has at least one row"),
    _("csv_structure", "files", "each table", "the file parses as CSV"),
    _("incorrect-label", "files", "each header", "each header label is the schema's field at that position"),
    _("missing-label", "files", "each header", "no field of the schema is missing from the header"),
    _("extra-label", "files", "each header", "no header label is outside the schema"),
    _("missing-cell", "files", "each row", "the row has as many cells as the header (an unclosed quote is named)"),
    _("extra-cell", "files", "each row", "the row has no more cells than the header (a stray comma is named)"),
    # cells
    _("type-error", "cells", "every typed column", "the cell is of its field's type (spreadsheet damage is named)"),
    _("constraint-error", "cells", "every constrained column",
      "required, pattern, enum, minimum, maximum, exclusiveMinimum, exclusiveMaximum, minLength, maxLength (sqlchecks.CONSTRAINTS)"),
    _("primary-key", "cells", "each table's primary key", "no two rows share a primary key"),
    _("sorted_by_key", "cells", "each table's primary key", "rows are sorted by primary key (`cnbef refresh` sorts them)"),
    _("unique-error", "cells", "each unique field", "no two rows share a unique value"),
    _("foreign-key", "cells", "each foreign key", "every reference is found in the referenced table"),
    _("formula_injection", "cells", "every text cell", "no text cell starts with =, +, -, @, tab or CR (a plain number such as -3.2 is allowed)"),
    _("invisible_character", "cells", "every text cell", "no control, format or odd space character (each is named)"),
    _("surrounding_space", "cells", "every text cell", "no leading or trailing space"),
    _("unicode_nfc", "cells", "every text cell", "text is in Unicode NFC form"),
    # semantic rules that are queries
    _("unit_dimension", "semantic-sql", "facts.unit_id, units, measures, measure_kinds", "the unit's dimension is the one the measure's kind needs"),
    _("value_range", "semantic-sql", "facts.value, units, measures, measure_kinds", "the value, in its base unit, lies in its kind's range"),
    _("whole_number", "semantic-sql", "facts.value, units, measures, measure_kinds", "counts and ranks are whole numbers"),
    _("period_order", "semantic-sql", "facts.period_start, facts.period_end", "a period does not start after it ends"),
    # semantic rules that need Python
    _("value_text", "semantic", "facts.value, facts.value_text, units", "the numeral as written stands for the value"),
    _("qualifier_text", "semantic", "facts.qualifier, facts.qualifier_text", "the qualifier word (以上, 余, 约 …) means the qualifier"),
    _("period_window", "semantic", "facts, sources, documents", "achieved figures end by publication; no period implausibly far from it"),
    _("relative_period", "semantic", "facts.period_text, facts.period_inferred, documents",
      "a relative period (今年, 上半年 …) is read against the document's year; a written year is not inferred"),
    _("document_dates", "semantic", "documents", "publication dates are ordered and fit their basis"),
    _("region_hierarchy", "semantic", "regions", "levels nest, no cycles, codes share their parent's prefix"),
    _("offsets", "semantic", "facts, policies, excluded_mentions, sources", "ranges are non-empty, inside their article and their quote"),
    _("content_type", "semantic", "sources, content_types", "each span has what its content type needs (a title, a region …)"),
    _("exclusion_reason", "semantic", "excluded_mentions, exclusion_reasons", "an excluded mention fits its reason's pattern"),
    _("statistic_as_mention", "semantic", "excluded_mentions, exclusion_reasons.amount_allowed, units.dimension",
      "a number with a unit of measure (亿元, %) is not filed under a reason no amount can have (a name, a derived count)"),
    _("unambiguous_labels", "semantic", "measures, units, entities, regions …",
      "no two rows of a lookup table share a Chinese or English name (two regions only under one parent)"),
    _("unit_multiplier", "semantic", "units", "a unit's multiplier is greater than 0, and a symbol with a scale (万吨, 亿元) over its base unit (吨, 元) has that scale as its multiplier"),
    _("region_code", "semantic", "regions.region_id", "a region's code is a GB/T 2260 code in use, not a retired one (package/divisions.py)"),
    _("duplicate_fact", "semantic", "facts, sources", "no numeral of a document is the same fact (measure, region, entity and value) twice"),
    _("measure_duplicate", "semantic", "measures.name_zh",
      "no two measures name one concept (the same name once script, spaces, quotation marks and qualifier words are set aside)"),
    _("official_name", "semantic", "measures.official_indicator, measures.official_name_zh",
      "an official statistical indicator has its standard Chinese name, and only an official one has one"),
    _("measure_base_unit", "semantic", "facts.unit_id, facts.measure_id, units.base_unit_id", "the facts of one measure share a base unit"),
    _("simplified_script", "semantic", "units.symbol, regions.name_zh, measures.name_zh",
      "the dimension tables write their Chinese in simplified script (a traditional page keeps its own in quotes)"),
    # derived
    _("derived_up_to_date", "derived", "data/facts_flat.csv", "the flat table equals what `cnbef build-flat` builds now"),
    # provenance
    _("provenance", "provenance", "documents, sources, facts …", "the checks against the source texts could run (the tables they need were read)"),
    _("document_hash", "provenance", "documents.sha256, the page", "the page's SHA-256, characters and bytes are the recorded ones"),
    _("quote_text", "provenance", "facts.quote, policies.quote, the page", "the quote is the page's text at its offsets"),
    _("value_in_quote", "provenance", "facts.value_text, facts.value_start", "the value as written stands at its offset"),
    _("qualifier_in_quote", "provenance", "facts.qualifier, the page", "the words around the value say the qualifier"),
    _("policy_titles", "provenance", "policies.title_zh, sources, the page",
      "every document (办法, 方案, 意见 … in its title) an article of a reviewed page names in 《》 is a policies row of that article"),
    _("policy_title_in_quote", "provenance", "policies.title_zh, policies.quote", "the quote holds the title between 《 and 》"),
    _("excluded_mention_text", "provenance", "excluded_mentions.text, the page", "the excluded mention is the page's text at its offsets"),
    _("article_title", "provenance", "sources.title_zh, the page", "the article starts with its title"),
    _("unit_in_text", "provenance", "facts.unit_id, units.symbol, the page", "the unit is written after the numeral (or said implied)"),
    _("number_boundary", "provenance", "facts.value_text, excluded_mentions, the page", "numbers are cited whole"),
    _("quotation_marks", "provenance", "excluded_mentions, exclusion_reasons", "a slogan lies inside quotation marks"),
    _("claim_type_cue", "provenance", "facts.claim_type, facts.quote, the page",
      "a result's quote says no 力争 or 预计; a target, plan or projection's sentence has a word of one (text/claims.py)"),
    _("region_in_text", "provenance", "facts.region_id, regions.name_zh, the page",
      "a fact's region, where it is not its article's, is named in the article"),
    _("period_year", "provenance", "facts.period_start, facts.period_end, the page, documents",
      "a period no phrase of period_text dates has years its article writes (a heading's, 十四五) or the page's date gives"),
    _("coverage", "provenance", "sources, the page", "the spans cover the page without overlapping"),
    _("completeness", "provenance", "facts, excluded_mentions, the page", "every number of the page is a fact or an excluded mention"),
]
del _

REGISTRY = {r.name: r for r in RULES}


def declared(name: str, layer: str) -> Rule:
    """The declaration of a rule an implementation is about to run; an undeclared name is a programming error."""
    rule = REGISTRY.get(name)
    if rule is None or rule.layer != layer:
        raise KeyError(f"rule {name!r} is not declared in the {layer} layer of cnbef/validation/registry.py")
    return rule


def of_layer(layer: str) -> tuple[str, ...]:
    return tuple(r.name for r in RULES if r.layer == layer)


def rule_list() -> str:
    """The rule list of docs/validation.md: each layer, where it is implemented, and its rules."""
    lines = []
    for layer in LAYERS:
        lines += [f"**{layer.name}**: {layer.what}; in {layer.where}.", "",
                  "| rule | reads | checks that |", "| --- | --- | --- |"]
        lines += [f"| `{r.name}` | {r.reads} | {r.doc} |" for r in RULES if r.layer == layer.name]
        lines.append("")
    return "\n".join(lines)
