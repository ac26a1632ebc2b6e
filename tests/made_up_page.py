"""A made-up page, curated into a copy of the package the way the README says: the tests' own fixture.

A district government report with no headline, delivered on 2023-02-02 about 2022, between
a navigation bar and an editor line. Tests break its rows, never the real data's: what they
assert about ids, values, offsets and counts is what this module wrote. Nothing here names a
row of the real data: the page's region is any county the package has, its units are found
by symbol, and its own measures, entities and ids end in 999.
"""
import hashlib
import shutil
from pathlib import Path

from cnbef.text.quotes import find_quote
from conftest import ROOT, SOURCES, PackageCopy

NAV = "首页 > 政务公开 > 政府工作报告"
REPORT = ("2022年，全区地区生产总值达到2651.25亿元，同比增长4.5%。新增规模以上工业企业13家，完成城市更新194.89万平方米，"
          "税收收入占一般公共预算收入比重为80.5%，营商环境评价排名全市第二。印发《关于优化营商环境的若干措施》。"
          "今年，全区地区生产总值力争增长6%以上。")
EDITOR = "[责任编辑：李明]"
TEXT = f"{NAV}\n\n{REPORT}\n\n{EDITOR}\n"
RAW = TEXT.encode("utf-8")
DOC = f"999_{hashlib.sha256(RAW).hexdigest()[:16]}"
S = "999-district"
MONEY, GROWTH, COUNT, AREA, SHARE, RANK, TARGET = (f"{S}-f{n:02d}" for n in range(1, 8))
POLICY, MENTION, ENTITY, MEASURE = f"{S}-p01", f"{S}-x01", "district_park_999", "gdp_999"
F, X, SRC, D, P = "data/facts.csv", "data/excluded_mentions.csv", "data/sources.csv", "data/documents.csv", "data/policies.csv"


class PageCopy(PackageCopy):
    """A copy of the package with the made-up page, and the folder of source texts that holds it."""

    def __init__(self, root: Path, template: Path | None = None):
        root.mkdir(parents=True, exist_ok=True)
        if template is None:  # build it: the steps of "Adding a source page"
            super().__init__(root / "package")
            self.sources = root / "sources"
            self.sources.mkdir()
            for page in SOURCES.glob("*.txt"):
                shutil.copy(page, self.sources)
            (self.sources / f"{DOC}.txt").write_bytes(RAW)
            self.curate()
        else:
            super().__init__(root / "package", origin=template / "package")
            self.sources = template / "sources"

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

    # the page's places, found in the package rather than named
    @property
    def county(self) -> str:
        return self.get("sources", S, "region_id")

    @property
    def prefecture(self) -> str:
        return self.get("regions", self.county, "parent_id")

    @property
    def province(self) -> str:
        return self.get("regions", self.prefecture, "parent_id")

    @property
    def other_prefecture(self) -> str:
        return next(r["region_id"] for r in self.table("regions")
                    if r["level"] == "prefecture" and r["region_id"][:4] != self.county[:4])

    def curate(self) -> None:
        county = next(r for r in self.table("regions") if r["level"] == "county")["region_id"]
        self.add("documents", [dict(document_id=DOC, file_name=f"{DOC}.txt", sha256=hashlib.sha256(RAW).hexdigest(),
                                    char_count=len(TEXT), byte_count=len(RAW), description="A district government work report (made up for the tests).",
                                    date_basis="context", published_earliest="2023-02-02", published_latest="2023-02-02",
                                    publication_note="Delivered on 2023-02-02.", status="reviewed")])
        a, e = TEXT.index(REPORT), TEXT.index(EDITOR)
        self.add("sources", [
            dict(source_id="999-navigation", document_id=DOC, char_start=0, char_end=len(NAV), content_type="navigation", title_en="[Navigation]"),
            dict(source_id=S, document_id=DOC, char_start=a, char_end=a + len(REPORT), content_type="report",
                 title_en="[District government work report]", region_id=county),
            dict(source_id="999-editor", document_id=DOC, char_start=e, char_end=e + len(EDITOR), content_type="editor_line", title_en="[Editor line]"),
        ])
        self.add("entities", [dict(entity_id=ENTITY, name_zh="区高新区（测试）", name_en="District high-tech park (test)",
                                   entity_type="industrial_park", region_id=county)])
        yi = self.unit("亿元", unit_id="yi_yuan_999", name_en="hundred million yuan", dimension="currency", base_unit_id="yi_yuan_999", multiplier="1", currency_code="CNY")
        pct = self.unit("%", unit_id="percent_999", name_en="percent", dimension="ratio", base_unit_id="percent_999", multiplier="1")
        jia = self.unit("家", unit_id="jia_999", name_en="enterprises", dimension="count", base_unit_id="jia_999", multiplier="1")
        rank = self.unit("第", unit_id="rank_999", name_en="rank", dimension="rank", base_unit_id="rank_999", multiplier="1")
        m2 = self.unit("平方米", unit_id="square_metre_999", name_en="square metre", dimension="area", base_unit_id="square_metre_999", multiplier="1")
        wan_m2 = self.unit("万平方米", unit_id="wan_square_metre_999", name_en="ten thousand square metres", dimension="area",
                           base_unit_id=m2, multiplier="10000")
        kinds = {"gdp_999": "monetary_amount", "gdp_yoy_999": "growth_rate", "new_enterprises_999": "count",
                 "urban_renewal_999": "area", "tax_share_999": "share", "business_environment_rank_999": "rank"}
        self.add("measures", [dict(measure_id=m, name_zh=f"测试指标{m}", name_en=f"Test measure {m}", kind_id=k, topic_id="economy", official_indicator="false",
                                   description="Made up for the tests.")
                              for m, k in kinds.items()])
        y2022 = dict(period_start="2022-01-01", period_end="2022-12-31", period_text="2022年", period_inferred="false")
        this_year = dict(period_start="2023-01-01", period_end="2023-12-31", period_text="今年", period_inferred="true")
        specs = [  # (measure, quote, numeral, value, unit, claim, period, qualifier, qualifier_text, entity)
            ("gdp_999", "2022年，全区地区生产总值达到2651.25亿元", "2651.25", "2651.25", yi, "achieved", y2022, "exact", "", ""),
            ("gdp_yoy_999", "同比增长4.5%", "4.5", "4.5", pct, "achieved", y2022, "exact", "", ""),
            ("new_enterprises_999", "新增规模以上工业企业13家", "13", "13", jia, "achieved", y2022, "exact", "", ENTITY),
            ("urban_renewal_999", "完成城市更新194.89万平方米", "194.89", "194.89", wan_m2, "achieved", y2022, "exact", "", ""),
            ("tax_share_999", "税收收入占一般公共预算收入比重为80.5%", "80.5", "80.5", pct, "achieved", y2022, "exact", "", ""),
            ("business_environment_rank_999", "营商环境评价排名全市第二", "第二", "2", rank, "achieved", y2022, "exact", "", ""),
            ("gdp_yoy_999", "全区地区生产总值力争增长6%以上", "6", "6", pct, "target", this_year, "at_least", "以上", ""),
        ]
        facts = []
        for n, (measure, quote, numeral, value, unit, claim, period, qualifier, qtext, entity) in enumerate(specs, 1):
            ((q0, q1),) = find_quote(TEXT, quote)  # what scripts/locate.py prints
            facts.append(dict(fact_id=f"{S}-f{n:02d}", source_id=S, region_id=county, entity_id=entity, measure_id=measure,
                              value=value, value_text=numeral, unit_id=unit, unit_implied="false", qualifier=qualifier,
                              qualifier_text=qtext, claim_type=claim, **period, quote=quote, quote_start=q0, quote_end=q1,
                              value_start=TEXT.index(numeral, q0)))
        self.add("facts", facts)
        quote = "印发《关于优化营商环境的若干措施》"
        ((q0, q1),) = find_quote(TEXT, quote)
        self.add("policies", [dict(policy_id=POLICY, source_id=S, title_zh="关于优化营商环境的若干措施",
                                   title_en="Several measures to optimise the business environment", region_id=county,
                                   action_zh="印发", quote=quote, quote_start=q0, quote_end=q1)])
        self.add("excluded_mentions", [dict(mention_id=MENTION, source_id=S, text="2022年", char_start=a, char_end=a + 5,
                                            reason="period", note="Period of the 2022 figures.")])


def build_template(folder: Path) -> Path:
    PageCopy(folder)
    return folder


__all__ = ["PageCopy", "build_template", "ROOT"]
