"""A correct new page keeps everything green; each wrong way of curating it turns the validator red.

The page is made up here (a district government report with no headline, delivered on
2023-02-02 about 2022, between a navigation bar and an editor line) and added to a copy
of the package the way the README's "Adding a source page" says: a documents row, spans
that cover the page, a row for every number, new units and measures where needed, then
the derived table and the metadata rebuilt. Nothing here names a row of the real data:
the page's region is any county of the package, its units are found by symbol.
"""
import csv
import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from cnbef.quotes import find_quote
from cnbef.validate import validate_package
from conftest import ROOT, SOURCES, PackageCopy

NAV = "首页 > 政务公开 > 政府工作报告"
REPORT = ("2022年，全区地区生产总值达到2651.25亿元，同比增长4.5%。新增规模以上工业企业13家，"
          "完成城市更新194.89万平方米。今年，全区地区生产总值力争增长6%以上。")
EDITOR = "[责任编辑：李明]"
TEXT = f"{NAV}\n\n{REPORT}\n\n{EDITOR}\n"
RAW = TEXT.encode("utf-8")
DOC = f"999_{hashlib.sha256(RAW).hexdigest()[:16]}"
S = "999-district"
F, X, SRC, D = "data/facts.csv", "data/excluded_mentions.csv", "data/sources.csv", "data/documents.csv"


class NewPage(PackageCopy):
    """The package copy with the made-up page curated into it, and a sources folder that holds it."""

    def __init__(self, root: Path):
        (root / "package").mkdir()
        super().__init__(root / "package")
        self.sources = root / "sources"
        self.sources.mkdir()
        for page in SOURCES.glob("*.txt"):
            shutil.copy(page, self.sources)
        (self.sources / f"{DOC}.txt").write_bytes(RAW)
        self.curate()

    def add(self, table: str, rows: list[dict]) -> None:
        """Append rows by column name and keep the table sorted by its key, as the README asks."""
        old = self.rows(table)
        header, body = old[0], old[1:]
        body += [[str(r.get(h, "")) for h in header] for r in rows]
        self.write(table, [header] + sorted(body, key=lambda r: r[0]))

    def table(self, name: str) -> list[dict]:
        rows = self.rows(name)
        return [dict(zip(rows[0], r)) for r in rows[1:]]

    def unit(self, symbol: str, **new) -> str:
        """The package's unit of this symbol, added when the package has none yet."""
        found = [u["unit_id"] for u in self.table("units") if u["symbol"] == symbol]
        if found:
            return found[0]
        self.add("units", [dict(symbol=symbol, **new)])
        return new["unit_id"]

    def curate(self) -> None:
        county = next(r for r in self.table("regions") if r["level"] == "county")["region_id"]
        self.add("documents", [dict(document_id=DOC, file_name=f"{DOC}.txt", sha256=hashlib.sha256(RAW).hexdigest(),
                                    char_count=len(TEXT), byte_count=len(RAW), description="A district government work report (made up for a test).",
                                    date_basis="context", published_earliest="2023-02-02", published_latest="2023-02-02",
                                    publication_note="Delivered on 2023-02-02.")])
        a = TEXT.index(REPORT)
        e = TEXT.index(EDITOR)
        self.add("sources", [
            dict(source_id="999-navigation", document_id=DOC, char_start=0, char_end=len(NAV), content_type="navigation", title_en="[Navigation]"),
            dict(source_id=S, document_id=DOC, char_start=a, char_end=a + len(REPORT), content_type="report",
                 title_en="[District government work report]", region_id=county),
            dict(source_id="999-editor", document_id=DOC, char_start=e, char_end=e + len(EDITOR), content_type="editor_line", title_en="[Editor line]"),
        ])
        yi = self.unit("亿元", unit_id="yi_yuan_999", name_en="hundred million yuan", dimension="currency", base_unit_id="yi_yuan_999", multiplier="1", currency_code="CNY")
        pct = self.unit("%", unit_id="percent_999", name_en="percent", dimension="ratio", base_unit_id="percent_999", multiplier="1")
        jia = self.unit("家", unit_id="jia_999", name_en="enterprises", dimension="count", base_unit_id="jia_999", multiplier="1")
        m2 = self.unit("平方米", unit_id="square_metre_999", name_en="square metre", dimension="area", base_unit_id="square_metre_999", multiplier="1")
        wan_m2 = self.unit("万平方米", unit_id="wan_square_metre_999", name_en="ten thousand square metres", dimension="area",
                           base_unit_id=m2, multiplier="10000")
        self.add("measures", [
            dict(measure_id="gdp_999", name_zh="地区生产总值（测试）", name_en="GDP (test)", kind_id="monetary_amount", description="Test measure."),
            dict(measure_id="gdp_yoy_999", name_zh="地区生产总值增长（测试）", name_en="GDP growth (test)", kind_id="growth_rate", description="Test measure."),
            dict(measure_id="new_enterprises_999", name_zh="新增规上工业企业（测试）", name_en="New industrial enterprises (test)", kind_id="count", description="Test measure."),
            dict(measure_id="urban_renewal_999", name_zh="城市更新面积（测试）", name_en="Urban renewal area (test)", kind_id="area", description="Test measure."),
        ])
        y2022 = dict(period_start="2022-01-01", period_end="2022-12-31", period_text="2022年", period_inferred="false")
        this_year = dict(period_start="2023-01-01", period_end="2023-12-31", period_text="今年", period_inferred="true")
        specs = [  # (measure, quote, numeral, unit, claim, period, qualifier, qualifier_text)
            ("gdp_999", "2022年，全区地区生产总值达到2651.25亿元", "2651.25", yi, "achieved", y2022, "exact", ""),
            ("gdp_yoy_999", "同比增长4.5%", "4.5", pct, "achieved", y2022, "exact", ""),
            ("new_enterprises_999", "新增规模以上工业企业13家", "13", jia, "achieved", y2022, "exact", ""),
            ("urban_renewal_999", "完成城市更新194.89万平方米", "194.89", wan_m2, "achieved", y2022, "exact", ""),
            ("gdp_yoy_999", "全区地区生产总值力争增长6%以上", "6", pct, "target", this_year, "at_least", "以上"),
        ]
        facts = []
        for n, (measure, quote, numeral, unit, claim, period, qualifier, qtext) in enumerate(specs, 1):
            ((q0, q1),) = find_quote(TEXT, quote)  # what scripts/locate.py prints
            facts.append(dict(fact_id=f"{S}-f{n:02d}", source_id=S, region_id=county, measure_id=measure, value=numeral,
                              value_text=numeral, unit_id=unit, unit_implied="false", qualifier=qualifier, qualifier_text=qtext,
                              claim_type=claim, **period, quote=quote, quote_start=q0, quote_end=q1,
                              value_start=TEXT.index(numeral, q0)))
        self.add("facts", facts)
        self.add("excluded_mentions", [dict(mention_id=f"{S}-x01", source_id=S, text="2022年", char_start=a, char_end=a + 5,
                                            reason="period", note="Period of the 2022 figures.")])


@pytest.fixture
def page(tmp_path) -> NewPage:
    return NewPage(tmp_path)


def _report(page):
    return validate_package(page.root, page.sources)


def test_a_correct_new_page_validates_with_zero_problems(page):
    report = _report(page)
    assert report.problems == [], report.as_text()
    assert not [s for s in report.skipped if DOC in s]


def test_the_data_tests_hold_on_the_package_with_the_new_page(page):
    env = {**os.environ, "CNBEF_PACKAGE": str(page.root), "CNBEF_SOURCES": str(page.sources)}
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(ROOT / "tests" / "test_data.py")],
                          cwd=ROOT, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout[-3000:]
    assert " passed" in done.stdout and "skipped" not in done.stdout.splitlines()[-1]


def _fact(page, n):
    return f"{S}-f{n:02d}"


def _move_statistic_to_mentions(reason):
    def edit(page):
        page.delete("facts", _fact(page, 3))
        a = TEXT.index("13家")
        page.add("excluded_mentions", [dict(mention_id=f"{S}-x02", source_id=S, text="13家", char_start=a, char_end=a + 3,
                                            reason=reason, note="moved")])
        return page.row_of("excluded_mentions", f"{S}-x02")
    return edit


def _partial_numeral(page):
    page.set("facts", _fact(page, 1), "value", "2")
    return page.set("facts", _fact(page, 1), "value_text", "2")


def _start_after_first_sentence(page):
    return page.set("sources", S, "char_start", TEXT.index("新增"))


def _unknown_date(page):
    page.set("documents", DOC, "published_earliest", "")
    page.set("documents", DOC, "published_latest", "")
    page.set("documents", DOC, "date_basis", "unknown")
    return page.row_of("facts", _fact(page, 5))


# name: (edit -> row, file, column, rule, message fragment)
WRONG_EDITS = {
    "unit_mu_for_square_metres": (lambda p: p.set("facts", _fact(p, 4), "unit_id", "mu"), F, "unit_id", "unit_in_text", "万平方米"),
    "unit_ge_for_jia": (lambda p: p.set("facts", _fact(p, 3), "unit_id", "ge"), F, "unit_id", "unit_in_text", "'家'"),
    "unit_said_implied_but_written": (lambda p: p.set("facts", _fact(p, 3), "unit_implied", "true"), F, "unit_implied", "unit_in_text", "writes the unit"),
    "partial_numeral": (_partial_numeral, F, "value_text", "number_boundary", "2651.25"),
    "statistic_excluded_as_idiom": (_move_statistic_to_mentions("idiom"), X, "reason", "exclusion_reason", "make it a fact"),
    "statistic_excluded_as_period": (_move_statistic_to_mentions("period"), X, "reason", "exclusion_reason", "make it a fact"),
    "statistic_excluded_as_derived": (_move_statistic_to_mentions("derived"), X, "reason", "exclusion_reason", "no fact's quote"),
    "statistic_excluded_as_slogan": (_move_statistic_to_mentions("slogan"), X, "reason", "quotation_marks", "not inside quotation marks"),
    "article_start_moved_past_a_sentence": (_start_after_first_sentence, SRC, "char_start", "coverage", "belong to no span"),
    "spans_overlap": (lambda p: p.set("sources", "999-editor", "char_start", TEXT.index("今年")), SRC, "char_start", "coverage", "overlaps"),
    "this_year_read_as_last_year": (lambda p: p.set("facts", _fact(p, 5), "period_start", "2022-01-01"), F, "period_start", "relative_period", "2023-01-01"),
    "inferred_year_not_flagged": (lambda p: p.set("facts", _fact(p, 5), "period_inferred", "false"), F, "period_inferred", "relative_period", "must be true"),
    "written_year_flagged_inferred": (lambda p: p.set("facts", _fact(p, 1), "period_inferred", "true"), F, "period_inferred", "relative_period", "must be false"),
    "this_year_on_a_page_of_unknown_date": (_unknown_date, F, "period_text", "relative_period", "no known date"),
    "result_dated_after_the_page": (lambda p: p.set("facts", _fact(p, 2), "period_start", "2023-03-01"), F, "period_start", "period_window", "start after it"),
    "headline_given_for_a_report": (lambda p: p.set("sources", S, "title_zh", "工作报告"), SRC, "title_zh", "content_type", "prints no headline"),
    "article_without_region": (lambda p: p.set("sources", S, "region_id", ""), SRC, "region_id", "content_type", "needs the region"),
    "fact_in_page_furniture": (lambda p: p.set("facts", _fact(p, 1), "source_id", "999-navigation"), F, "source_id", "content_type", "page furniture"),
    "unknown_date_with_dates": (lambda p: p.set("documents", DOC, "date_basis", "unknown"), D, "date_basis", "document_dates", "unknown"),
    "earliest_after_latest": (lambda p: p.set("documents", DOC, "published_earliest", "2023-03-01"), D, "published_earliest, published_latest", "document_dates", "after the latest"),
}


@pytest.mark.parametrize("name", WRONG_EDITS)
def test_each_wrong_edit_is_reported_at_file_row_and_column(page, name):
    edit, file, column, rule, fragment = WRONG_EDITS[name]
    row = edit(page)
    report = _report(page)
    hits = [p for p in report.problems if p.rule == rule and p.file == file and p.column == column]
    assert hits, f"no {rule} problem at {file} column {column}; got:\n{report.as_text()}"
    assert any(p.row == row for p in hits), [p.as_text() for p in hits]
    assert any(fragment in p.message for p in hits if p.row == row), [p.as_text() for p in hits]


def test_the_new_page_wrong_edits_turn_the_data_tests_red_too(page):
    """The data tests are not a rubber stamp: a number left unaccounted for fails them."""
    page.delete("excluded_mentions", f"{S}-x01")
    env = {**os.environ, "CNBEF_PACKAGE": str(page.root), "CNBEF_SOURCES": str(page.sources)}
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-k", "every_number",
                           str(ROOT / "tests" / "test_data.py")], cwd=ROOT, env=env, capture_output=True, text=True)
    assert done.returncode == 1 and "1 failed" in done.stdout
