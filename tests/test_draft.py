"""Drafting a page, reviewing it, adding it: on the made-up page, taken out of the package first."""
import csv
import subprocess
import sys

import pytest

from cnbef.curation.add import AddError, add
from cnbef.curation.draft import DraftError, draft, write_review
from cnbef.validation.validate import validate_package
from conftest import ROOT
from made_up_page import AREA, COUNT, DOC, GROWTH, MONEY, RANK, S, SHARE, TARGET, TEXT

FILE = f"{DOC}.txt"


@pytest.fixture
def fresh(pkg):
    """The package with the made-up page's spans but none of its numbers: a page to draft."""
    curated = {name: [r for r in pkg.table(name) if r["source_id"] == S] for name in ("facts", "excluded_mentions")}
    for name in curated:
        rows = pkg.rows(name)
        pkg.write(name, [rows[0]] + [r for r in rows[1:] if not r[0].startswith(S)])
    pkg.curated = curated
    return pkg


def _drafted(pkg):
    return {int(r["value_start"]): r for r in draft(pkg.root, pkg.sources, FILE)}


@pytest.mark.parametrize("fact", [MONEY, GROWTH, COUNT, AREA, SHARE, RANK, TARGET])
def test_the_mechanical_columns_are_drafted_as_curated(fresh, fact):
    want = next(r for r in fresh.curated["facts"] if r["fact_id"] == fact)
    got = _drafted(fresh)[int(want["value_start"])]
    assert got["proposal"] == "fact"
    for column in ("value_text", "unit_id", "qualifier", "qualifier_text", "period_start", "period_end", "period_inferred", "region_id"):
        assert got[column] == want[column], (column, got[column], want[column])
    assert float(got["value"]) == float(want["value"]) and got["quote"] in TEXT and want["value_text"] in got["quote"]


def test_claim_type_cues_and_exclusions_are_proposed(fresh):
    drafted = _drafted(fresh)
    target = next(r for r in fresh.curated["facts"] if r["fact_id"] == TARGET)
    assert drafted[int(target["value_start"])]["claim_type"] == "target"  # 力争
    mention = fresh.curated["excluded_mentions"][0]
    got = drafted[int(mention["char_start"])]
    assert (got["proposal"], got["reason"], got["mention_text"]) == ("mention", "period", mention["text"])


def test_traditional_script_and_chinese_numerals_are_drafted(fresh):
    text = TEXT.replace("新增规模以上工业企业13家", "新增規模以上工業企業十三家").replace("2651.25亿元", "2651.25億元")
    (fresh.sources.parent / "trad").mkdir()
    (fresh.sources.parent / "trad" / FILE).write_text(text, encoding="utf-8")
    rows = {r["value_text"]: r for r in draft(fresh.root, fresh.sources.parent / "trad", FILE)}
    count, money = (next(r for r in fresh.curated["facts"] if r["fact_id"] == f) for f in (COUNT, MONEY))
    assert rows["十三"]["value"] == "13" and rows["十三"]["unit_id"] == count["unit_id"]
    assert rows["2651.25"]["unit_id"] == money["unit_id"]  # 億元 read as 亿元


def _review(pkg, tmp_path, edit=None):
    """The draft, reviewed as a curator would: the proposal taken, the measure and the notes filled in."""
    rows = draft(pkg.root, pkg.sources, FILE)
    measures = {int(r["value_start"]): r["measure_id"] for r in pkg.curated["facts"]}
    for r in rows:
        r["decision"] = r["proposal"]
        if r["proposal"] == "fact":
            r["measure_id"] = measures[int(r["value_start"])]
            r["entity_id"] = ""
    if edit:
        edit(rows)
    return write_review(rows, tmp_path / "review.csv")


def _snapshot(pkg):
    return {p: p.read_bytes() for p in (pkg.root / "data").glob("*.csv")} | {pkg.root / "datapackage.json": (pkg.root / "datapackage.json").read_bytes()}


def test_a_reviewed_page_is_added_and_the_package_is_valid(fresh, tmp_path):
    outcome = add(fresh.root, _review(fresh, tmp_path), fresh.sources)
    assert outcome.ok, outcome.problems or outcome.invalid
    assert outcome.added["facts"] == [f"{S}-f{n:02d}" for n in range(1, 8)] and outcome.added["excluded_mentions"] == [f"{S}-x01"]
    ids = [r[0] for r in fresh.rows("facts")[1:]]
    assert ids == sorted(ids)
    assert validate_package(fresh.root, fresh.sources).problems == []


def test_a_page_in_draft_keeps_the_package_valid_and_add_marks_it_reviewed(fresh, tmp_path):
    report = validate_package(fresh.root, fresh.sources)
    assert [p.rule for p in report.problems] and {p.rule for p in report.problems} == {"completeness"}  # its numbers are not curated
    fresh.set("documents", DOC, "status", "draft")
    report = validate_package(fresh.root, fresh.sources)
    assert report.problems == [] and DOC in report.in_draft and report.skipped == [], report.as_text()
    assert add(fresh.root, _review(fresh, tmp_path), fresh.sources).ok
    assert fresh.get("documents", DOC, "status") == "reviewed"
    assert validate_package(fresh.root, fresh.sources).problems == []


def test_a_page_that_names_no_region_is_given_its_publishers_region(fresh):
    """The convention of docs/curation.md: the article's region is its publisher's, and the row says so."""
    county = fresh.county
    name = fresh.get("regions", county, "name_zh")
    fresh.set("sources", S, "region_id", "")
    fresh.set("sources", S, "publisher", f"{name}统计局")
    facts = [r for r in draft(fresh.root, fresh.sources, FILE) if r["proposal"] == "fact"]
    assert facts and {r["region_id"] for r in facts} == {county}
    assert all(f"the region of the publisher {name}统计局" in r["status"] for r in facts), facts[0]["status"]


def test_ids_are_never_reused(fresh, tmp_path):
    (fresh.root / "CHANGELOG.md").write_text(f"## [9.0.0]\n- facts: removed `{S}-f07`\n", encoding="utf-8")
    outcome = add(fresh.root, _review(fresh, tmp_path), fresh.sources)
    assert outcome.added["facts"][0] == f"{S}-f08"


def _first_fact(rows):
    return next(r for r in rows if r["proposal"] == "fact")


@pytest.mark.parametrize("name, edit, says", [
    ("undecided", lambda rows: _first_fact(rows).update(decision=""), "decision: is empty"),
    ("unknown_decision", lambda rows: _first_fact(rows).update(decision="maybe"), "'maybe' is not one of"),
    ("measure_missing", lambda rows: _first_fact(rows).update(measure_id=""), "measure_id: is empty"),
    ("code_as_number", lambda rows: _first_fact(rows).update(region_id="411100.0"), "a spreadsheet turned the code into a number"),
    ("offset_as_number", lambda rows: _first_fact(rows).update(value_start="1.2E+02"), "is not a whole number"),
])
def test_a_wrong_review_row_is_reported_and_nothing_is_written(fresh, tmp_path, name, edit, says):
    before = _snapshot(fresh)
    review = _review(fresh, tmp_path, edit)
    outcome = add(fresh.root, review, fresh.sources)
    assert not outcome.ok and any(says in p and p.startswith("review.csv:") for p in outcome.problems), outcome.problems
    assert _snapshot(fresh) == before


def test_a_merge_that_breaks_the_package_is_undone(fresh, tmp_path):
    # a currency unit the page does not write after the value
    wan = fresh.unit("万元", unit_id="wan_yuan_999", name_en="ten thousand yuan", dimension="currency",
                     base_unit_id=fresh.unit("亿元"), multiplier="0.0001", currency_code="CNY")
    before = _snapshot(fresh)
    review = _review(fresh, tmp_path, lambda rows: _first_fact(rows).update(unit_id=wan))
    outcome = add(fresh.root, review, fresh.sources)
    assert outcome.invalid and "unit_in_text" in outcome.invalid
    assert _snapshot(fresh) == before


def test_a_review_file_saved_by_excel_is_read(fresh, tmp_path):
    review = _review(fresh, tmp_path)
    raw = review.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # written with a BOM, so Excel opens it as UTF-8
    review.write_bytes(raw.replace(b"\n", b"\r\n"))  # and saved back with CRLF
    assert add(fresh.root, review, fresh.sources).ok


def test_a_review_file_that_is_not_utf8_is_refused(fresh, tmp_path):
    review = _review(fresh, tmp_path)
    review.write_bytes(review.read_bytes().decode("utf-8-sig").encode("gb18030"))
    with pytest.raises(AddError, match="not UTF-8"):
        add(fresh.root, review, fresh.sources)


@pytest.mark.parametrize("content, says", [
    (TEXT.encode("gb18030"), "not UTF-8"), (b"", "empty"), ("没有数字的一页。".encode(), "no numbers"),
])
def test_a_page_that_cannot_be_drafted_says_why(fresh, tmp_path, content, says):
    folder = tmp_path / "pages"
    folder.mkdir()
    (folder / FILE).write_bytes(content)
    with pytest.raises(DraftError, match=says):
        draft(fresh.root, folder, FILE)


def test_a_page_not_yet_in_documents_csv_is_refused(fresh, tmp_path):
    folder = tmp_path / "pages"
    folder.mkdir()
    (folder / "998_0000000000000000.txt").write_text("增长5%。", encoding="utf-8")
    with pytest.raises(DraftError, match="add its documents.csv row"):
        draft(fresh.root, folder, "998_0000000000000000.txt")


def test_a_curated_page_is_refused(pkg):
    with pytest.raises(DraftError, match="already in the package"):
        draft(pkg.root, pkg.sources, FILE)


def test_the_commands(fresh, tmp_path):
    cnbef = [sys.executable, "-m", "cnbef"]
    out = tmp_path / "r.csv"
    done = subprocess.run([*cnbef, "draft", FILE, "--sources", str(fresh.sources), "--package", str(fresh.root), "--out", str(out)],
                          capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0 and f"{out}:" in done.stdout and "cnbef add" in done.stdout
    refused = subprocess.run([*cnbef, "add", str(out), "--sources", str(fresh.sources), "--package", str(fresh.root)],
                             capture_output=True, text=True, cwd=ROOT)
    assert refused.returncode == 1 and "decision: is empty" in refused.stdout and "nothing added" in refused.stdout
    base = [*cnbef, "draft", FILE, "--sources", str(fresh.sources), "--package", str(fresh.root), "--out", str(tmp_path / "x.csv")]
    empty = subprocess.run(base + ["--source", "999-editor"], capture_output=True, text=True, cwd=ROOT)
    assert empty.returncode == 1 and "span 999-editor hold no number" in empty.stderr and not (tmp_path / "x.csv").exists()
    unknown = subprocess.run(base + ["--source", "999-nowhere"], capture_output=True, text=True, cwd=ROOT)
    by_default = subprocess.run([*cnbef, "draft", FILE, "--sources", str(fresh.sources), "--package", str(fresh.root)],
                                capture_output=True, text=True, cwd=tmp_path)
    assert by_default.returncode == 0 and (tmp_path / "reviews" / f"review-{DOC}.csv").is_file()  # the folder git ignores
    assert unknown.returncode == 1 and "999-nowhere is not a span" in unknown.stderr and "999-district" in unknown.stderr


def test_locate_picks_an_occurrence_of_a_mention(tmp_path):
    page = tmp_path / "p.txt"
    page.write_text("2022年，甲。2022年，乙增长5%。", encoding="utf-8")
    run = lambda *a: subprocess.run([sys.executable, "-m", "cnbef", "locate", str(page), *a], capture_output=True, text=True, cwd=ROOT)  # noqa: E731
    assert run("2022年", "--mention").returncode == 1
    assert "char_start=8 char_end=13" in run("2022年", "--mention", "--occurrence", "2").stdout
    assert "char_start=8 char_end=13" in run("2022年", "--mention", "--context", "2022年，乙").stdout
    assert "value_start=17" in run("2022年，乙增长5%", "5", "--context", "2022年，乙增长5%").stdout


def test_the_measured_table_in_the_docs_is_current(sources_dir):
    from cnbef.publish.docs import rendered
    current, wanted = rendered(ROOT, sources_dir)[ROOT / "docs" / "curation.md"]
    assert current == wanted, "run cnbef docs"
    with open(ROOT / "data" / "facts.csv", encoding="utf-8", newline="") as fh:
        assert sum(1 for _ in csv.reader(fh)) > 1


def _without_the_area_unit(pkg) -> str:
    """The made-up page's area unit (万平方米) taken out of units.csv, with a 平方米 unit of its own; its id."""
    m2 = next(r for r in pkg.curated["facts"] if r["fact_id"] == AREA)["unit_id"]
    units = pkg.rows("units")
    pkg.write("units", [units[0]] + [u for u in units[1:] if u[0] != m2])
    pkg.unit("平方米", unit_id="square_metre_999", name_en="square metre", dimension="area", base_unit_id="square_metre_999", multiplier="1")
    return m2


def _reviewed_with_the_unit(pkg, rows, m2, tmp_path, multiplier="10000"):
    """Every proposal taken, the facts given their measures, the proposed 万平方米 unit completed as ``m2``."""
    measures = {int(r["value_start"]): r["measure_id"] for r in pkg.curated["facts"]}
    for r in rows:
        r["decision"] = r["proposal"]
        if r["proposal"] == "fact":
            r.update(measure_id=measures[int(r["value_start"])], entity_id="")
            if r["unit_written"] == "万平方米":
                r.update(unit_id=m2, unit_implied="false")
        if r["proposal"] == "unit":
            r.update(unit_id=m2, unit_name_en="ten thousand square metres", unit_dimension="area", unit_multiplier=multiplier)
    return write_review(rows, tmp_path / "review.csv")


def test_an_unknown_unit_is_proposed_as_a_new_row_and_added(fresh, tmp_path):
    m2 = _without_the_area_unit(fresh)  # the page writes 万平方米, units.csv lacks it (and has 平方米)
    rows = draft(fresh.root, fresh.sources, FILE)
    (proposed,) = [r for r in rows if r["proposal"] == "unit"]
    assert proposed["unit_symbol"] == "万平方米" and "units.csv lacks" in proposed["status"]
    # 万 gives the multiplier, and 平方米 (in units.csv) the base unit
    assert (proposed["unit_multiplier"], proposed["unit_base_unit_id"]) == ("10000", fresh.unit("平方米"))
    outcome = add(fresh.root, _reviewed_with_the_unit(fresh, rows, m2, tmp_path), fresh.sources)
    assert outcome.ok, outcome.problems or outcome.invalid
    assert outcome.added["units"] == [m2]


@pytest.mark.parametrize("multiplier, ok", [("10000", True), ("1", False)])
def test_a_proposed_unit_another_page_added_meanwhile_is_taken_as_it_is(fresh, tmp_path, multiplier, ok):
    m2 = _without_the_area_unit(fresh)
    rows = draft(fresh.root, fresh.sources, FILE)
    review = _reviewed_with_the_unit(fresh, rows, m2, tmp_path, multiplier)
    fresh.unit("万平方米", unit_id=m2, name_en="ten thousand square metres", dimension="area",  # another page's add brought it in
               base_unit_id=fresh.unit("平方米"), multiplier="10000")
    outcome = add(fresh.root, review, fresh.sources)
    if ok:
        assert outcome.ok and outcome.added["units"] == [], outcome.problems or outcome.invalid
    else:
        assert any(f"unit_id: {m2} is in units.csv already" in p for p in outcome.problems), outcome.problems


def test_add_leaves_nothing_in_the_temporary_folder(fresh, tmp_path, monkeypatch):
    import tempfile

    review = _review(fresh, tmp_path)
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    assert add(fresh.root, review, fresh.sources).ok
    assert list(scratch.iterdir()) == []


def test_numbers_outside_the_articles_are_drafted_as_mentions(pkg):
    """A date line and an editor's note are drafted too: their numbers as excluded mentions, a date as the page's own."""
    from datetime import date
    from cnbef.curation.draft import Page, draft_page
    text = "2023年1月28日 11:05\n\n全年新增企业13家。\n\n（编者按：本文为第3篇）"
    article = text.index("全年")
    page = Page("999_x", text, 2023, [("a", article, text.index("\n\n（"), None)], date(2023, 1, 28),
                [("dateline", 0, text.index("\n\n"), None), ("note", text.index("（"), len(text), None)])
    rows = {r["value_text"]: r for r in draft_page(pkg.root, page) if r["proposal"] != "unit"}
    assert {k: r["proposal"] for k, r in rows.items()} == {"2023": "mention", "13": "fact", "第3": "mention"}
    assert (rows["2023"]["reason"], rows["2023"]["mention_text"]) == ("publication_date", "2023年1月28日 11:05")
    assert rows["13"]["period_start"] == "2022-01-01"  # 全年 on a January page: the year just ended


@pytest.mark.parametrize("sentence, number, period", [
    ("今年前三季度,全省生产总值达2160亿元,居全国第14位、较去年前进1位,增长10.2%。", "10.2", ("2023-01-01", "2023-09-30")),
    ("今年以来,出台多项措施。5月份,全市新设立市场主体30431户。", "30431", ("2023-05-01", "2023-05-31")),
    ("2022年,全县规模以上工业增加值累计增幅3%。", "3", ("2022-01-01", "2022-12-31")),
    ("今年日均设立250家,高新技术企业累计达到2.5万家。", "2.5", ("", "")),
    ("2022年,累计降低企业成本11.3亿元,新增市场主体16252户。", "16252", ("2022-01-01", "2022-12-31")),
    ("2019年6月,全区推行帮办服务,办结时限压缩了近30%。", "30", ("", "")),
    ("确定今年全市新增市场主体要达到6.5万户;出台助企措施16条。", "16", ("", "")),
    ("5月份,全市新设立市场主体30431户。\n全市组建工作专班,下设12个小组。", "12", ("", "")),
    ("今年前三季度,全省新登记市场主体82.8万户。 政策惠企 据了解,全省建立18个专项小组。", "18", ("", "")),
    ("一、2022年工作回顾\n\n一年来,全县建设高标准农田10.2万亩。", "10.2", ("2022-01-01", "2022-12-31")),
    ("2022年初,临海市出台稳进提质政策44条。", "44", ("", "")),
    ("精深谋划“十四五”高质量发展项目200余个。", "200", ("2021-01-01", "2025-12-31")),
    ("截至6月底,全省有企业243.03万户,较2022年底增长12.64万户。", "243.03", ("", "2023-06-30")),
    ("截至6月底,全省有企业243.03万户,较2022年底增长12.64万户。", "12.64", ("2023-01-01", "2023-06-30")),
    ("全省有企业243.03万户,较2022年底增长12.64万户。", "12.64", ("", "")),
    ("今年以来,全市兑付涉企补助资金超8亿元。", "8", ("2023-01-01", "")),
])
def test_the_period_is_the_figures_own_not_its_comparison_base_nor_a_stocks(pkg, sentence, number, period):
    """The period proposed is the nearest written before the number in its paragraph (a line, or a joined page's
    sentence followed by a space), else its section head's (一、2022年工作回顾); not a comparison base (较去年), an
    event's date (2019年6月，…推行) or a target's year written in another sentence; a month alone (5月份) is one;
    累计 sums over a period written in its sentence unless it counts a stock (累计达到), and speaks for its clause only."""
    from datetime import date
    from cnbef.curation.draft import Page, draft_page
    page = Page("999_x", sentence, 2023, [("a", 0, len(sentence), None)], date(2023, 10, 28), [])
    row = next(r for r in draft_page(pkg.root, page) if r["value_text"] == number and r["proposal"] == "fact")
    assert (row["period_start"], row["period_end"]) == period


@pytest.mark.parametrize("text, number, reason", [
    ("辖区内一家公司负责人说,企业更有信心了。", "一", "idiom"),
    ("开展第三方评估,全面推进改革。", "第三", "idiom"),
    ("上海轨道交通11号线延伸到昆山。", "11", "name_or_title"),
    ("6月11日,记者从临汾市获悉,全市新增企业13家。", "6", "publication_date"),
    ("2019年6月,中山区在全市率先推行帮办服务,服务8000余次。", "2019", "event_date"),
    ("一、2022年工作回顾\n\n全县新增企业13家。", "2022", "name_or_title"),
])
def test_numbers_that_are_no_statistic_are_proposed_with_their_reason(pkg, text, number, reason):
    """一 as an article, a set phrase (第三方), a line's name (11号线), a news item's date line, an event's day and a
    year in a heading are proposed as excluded mentions with the reason a curator gives them."""
    from datetime import date
    from cnbef.curation.draft import Page, draft_page
    page = Page("999_x", text, 2023, [("a", 0, len(text), None)], date(2023, 1, 28), [])
    row = next(r for r in draft_page(pkg.root, page) if r["value_text"] == number)
    assert (row["proposal"], row["reason"]) == ("mention", reason)
