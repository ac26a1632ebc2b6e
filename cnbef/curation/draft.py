"""Drafting a new page: one candidate row per number of the page, for a curator to review.

The mechanical columns are drafted (offsets, the numeral and its value, the unit written after it,
the qualifier around it, the period expression nearest before it read against the document's date,
claim-type cue words); the judgement columns are guessed and marked for review (region, measure,
claim type, whether the number is a fact at all). Nothing is written to data/: ``cnbef draft``
writes a review file, and ``cnbef add`` merges the rows the curator accepted (see add.py).
"""
from __future__ import annotations

import csv
import difflib
import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import pandas as pd

from cnbef.text.numerals import LARGE_UNITS, NUMBER_TOKEN, parse_numeral, scale_of
from cnbef.package import divisions
from cnbef.package.tables import read_text_table
from cnbef.text.periods import STOCK, reference_year, resolve, stock_date
from cnbef.text.script import to_simplified as _to_simplified
from cnbef.validation.checks.context import short_name
from cnbef.validation.checks.provenance import _unit_matcher
from cnbef.text.claims import FORWARD_LOOKING, claim_type
from cnbef.text.qualifiers import AFTER, BEFORE, QUALIFIER_WORDS
from cnbef.text.quotes import LINE_BREAKS
from cnbef.text.units import after_list, unit_written

REVIEW_COLUMNS = [
    "decision", "proposal", "status", "context",
    "source_id", "value_text", "value", "value_start", "quote", "quote_start", "quote_end",
    "unit_id", "unit_written", "unit_implied", "qualifier", "qualifier_text", "claim_type",
    "period_start", "period_end", "period_text", "period_inferred", "region_id", "entity_id", "measure_id",
    "mention_text", "mention_start", "mention_end", "reason", "note",
    "unit_symbol", "unit_name_en", "unit_dimension", "unit_base_unit_id", "unit_multiplier", "unit_currency_code",
]
DECISIONS = ("fact", "mention", "unit", "reject")
# A period expression the resolver reads (periods.py), searched for before a number in its sentence.
PERIOD_PHRASE = re.compile(r"(?:[0-9]{4}年|今年|去年|上年|明年|本年)?(?:上半年|下半年|前[一二三1-3]季度|第?[一二三四1-4]季度|"
                           r"前[0-9一二三四五六七八九十]{1,3}个?月|[0-9]{1,2}月?\s*[~～至到\-—]\s*[0-9]{1,2}月|全年|[0-9]{1,2}月份)"
                           r"|[0-9]{4}年|今年|去年|上年|明年|十[一二三四五]五")
SENTENCE_END = "。；;！？!?\n"
# Words that make a figure a stock at the date of writing rather than a flow over a period: an adverb of
# time (目前) speaks for its sentence, a verb's modifier (累计, 现有) for its clause only.
STOCK_WORDS = ("目前", "现有", "累计", "截至目前", "至今")
SENTENCE_ADVERBS = ("目前", "截至目前", "至今")
# 累计 before a change (累计增幅3%, 累计完成) after a period written in its own sentence (2022年，…) sums over that
# period: not a stock, as 累计达到2.5万家 is.
SUMMED_OVER_A_PERIOD = re.compile(r"累计(?:增|完成|实现|下降|减少|新增)")
# The date of an event (2019年6月，…推行; 2022年初; 10月24日): when something happened, no figure's period. A month with
# 份, 底, 末 or a range (2022年1-10月) is one.
EVENT_DATE = re.compile(r"(?:[0-9]{4}年)?[0-9]{1,2}月[0-9]{1,2}日|[0-9]{4}年(?:[0-9]{1,2}月|初)(?![份底末初0-9]|以来|\s*[~～至到\-—])")
# Where a paragraph starts: a line break, or a space after a sentence's end (a page whose lines were joined).
PARAGRAPH_BREAK = re.compile(r"\n|(?<=[。！？!?])[ \u3000]+")
# A section's head in a report (一、2022年工作回顾): its period dates the paragraphs of the section.
SECTION_HEAD = re.compile(r"(?:^|(?<=[\n。！？!?]))[ \u3000]*[一二三四五六七八九十]{1,3}、[^。；;！？!?\n]{0,40}")
# A period right after these is what a figure is compared with (较去年前进1位, 比上年增长), not its own period.
COMPARED_WITH = re.compile(r"(?:较|比|与|同)$")
CLAUSE_END = SENTENCE_END + "，,"
OPEN_QUOTES, CLOSE_QUOTES = "“‘「『", "”’」』"
LARGE = "".join(LARGE_UNITS)


class DraftError(Exception):
    """The page cannot be drafted: it says why, and nothing is written."""


@dataclass
class Page:
    document_id: str
    text: str
    year: int | None
    spans: list[tuple[str, int, int, str | None]]  # (source_id, start, end, region_id) of its articles
    published: date | None = None  # its latest date, when its dates share a year
    furniture: list[tuple[str, int, int, str | None]] = field(default_factory=list)  # its other spans (date lines, notes …)
    region_basis: dict[str, str] = field(default_factory=dict)  # source_id: how its region was found, when not from sources.csv


def load_page(package_dir: Path, sources_dir: Path, file_name: str, curated_too: bool = False) -> Page:
    path = Path(sources_dir) / file_name
    if not path.is_file():
        raise DraftError(f"{path}: no such page; put it in the sources folder first")
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise DraftError(f"{path}: not UTF-8 (byte {exc.start}); save it as UTF-8 (iconv -f GB18030 -t UTF-8)") from exc
    if not text.strip():
        raise DraftError(f"{path}: the page is empty")
    if not NUMBER_TOKEN.search(text):
        raise DraftError(f"{path}: the page has no numbers: nothing to draft")
    doc_id = Path(file_name).stem
    docs = read_text_table(Path(package_dir) / "data" / "documents.csv").set_index("document_id")
    if doc_id not in docs.index:
        raise DraftError(f"{doc_id}: add its documents.csv row (cnbef locate prints its sha256 and sizes) and its "
                         f"spans in sources.csv first; then draft")
    day = lambda v: date.fromisoformat(v) if isinstance(v, str) and v else None  # noqa: E731
    latest = day(docs.at[doc_id, "published_latest"])
    year = reference_year(day(docs.at[doc_id, "published_earliest"]), latest)
    sources = read_text_table(Path(package_dir) / "data" / "sources.csv")
    kinds = read_text_table(Path(package_dir) / "data" / "content_types.csv").set_index("content_type")["is_article"]
    mine = sources[sources["document_id"] == doc_id]
    taken = set(mine["source_id"])
    for table in ("facts", "excluded_mentions"):
        used = read_text_table(Path(package_dir) / "data" / f"{table}.csv")["source_id"]
        if used.isin(taken).any() and not curated_too:
            raise DraftError(f"{doc_id} is already in the package ({table}.csv has rows of its spans); "
                             f"draft only pages not curated yet")
    spans, basis = [], {}
    for r in mine.itertuples():
        region = r.region_id if isinstance(r.region_id, str) else None
        if region is None and isinstance(r.publisher, str) and divisions.named_in(r.publisher):
            region = divisions.named_in(r.publisher)
            basis[r.source_id] = (f"the region of the publisher {r.publisher} ({region}): sources.csv gives the article none; "
                                  f"if the page names no place, set it there and say so in its note (docs/curation.md)")
        spans.append((r.source_id, int(r.char_start), int(r.char_end), region))
    articles = [s for s, r in zip(spans, mine.itertuples()) if kinds.get(r.content_type) == "true"]
    if not articles:
        raise DraftError(f"{doc_id}: sources.csv has no article span of this document; add its spans first")
    return Page(doc_id, text, year, articles, latest if year else None, [s for s in spans if s not in articles], basis)


def _clause(text: str, a: int, b: int, span: tuple[int, int]) -> tuple[int, int]:
    """The clause around a number: to the sentence's ends, or to its commas when the sentence is long."""
    lo, hi = span
    start = max((text.rfind(c, lo, a) for c in SENTENCE_END), default=-1) + 1
    end = min((k for k in (text.find(c, b, hi) for c in SENTENCE_END) if k >= 0), default=hi)
    if end - start > 60:
        start = max(start, max((text.rfind(c, lo, a) for c in CLAUSE_END), default=-1) + 1)
        end = min([end] + [k for k in (text.find(c, b, hi) for c in CLAUSE_END) if k >= 0])
    while start < a and text[start] in " \t" + LINE_BREAKS:
        start += 1
    while end > b and text[end - 1] in " \t" + LINE_BREAKS:
        end -= 1
    return max(start, lo), min(end, hi)


def _unbroken(s: str) -> str:
    return s.replace("\n", "").replace("\r", "")


def _after_unit(after: str, symbol_length: int) -> str:
    """The text after the unit as written, with a qualifier word written inside it (4万多吨, 3000余亩) moved to the front."""
    inside, taken, k = "", 0, 0
    while k < len(after) and taken < symbol_length:
        if after[k] in "多余餘" and not inside:
            inside = after[k]
        else:
            taken += 1
        k += 1
    return inside + after[k:]


def _qualifier(before: str, after_unit: str) -> tuple[str, str]:
    word = next((w for w in BEFORE if before.endswith(w)), None) or next((w for w in AFTER if after_unit.startswith(w)), None)
    return (QUALIFIER_WORDS[word], word) if word else ("exact", "")


def _region(text: str, a: int, span: tuple[str, int, int, str | None], regions: pd.DataFrame,
            default_basis: str = "the article's region") -> tuple[str | None, str]:
    """The place named nearest before the number in its article: the regions table first, then the division list."""
    source_id, lo, _, default = span
    before = _to_simplified()(text[lo:a])
    best, where, how = default, -1, default_basis
    for code, name in zip(regions["region_id"], regions["name_zh"]):
        for form in {name, short_name(name)}:
            k = before.rfind(form)
            if len(form) >= 2 and k > where:
                best, where, how = code, k, f"{name} named before it"
    for code, name in divisions.current().items():  # full names only: short forms of far-away places (市中) are common words
        k = before.rfind(name) if len(name) >= 3 else -1
        if k > where and code not in set(regions["region_id"]):
            best, where, how = code, k, f"{name} ({code}) from the division list: add it and its ancestors to regions.csv"
    return best, how


def _measure(clause: str, measures: pd.DataFrame) -> tuple[str | None, float]:
    clause = _to_simplified()(clause)
    scored = [(difflib.SequenceMatcher(None, name, clause).find_longest_match().size / max(len(name), 1), mid)
              for mid, name in zip(measures["measure_id"], measures["name_zh"])]
    score, mid = max(scored, default=(0.0, None))
    return (mid, score) if score >= 0.6 else (None, score)


def _inside(text: str, a: int, opening: str, closing: str) -> bool:
    left = text[max(0, a - 40):a]
    return max(left.rfind(c) for c in opening) > max(left.rfind(c) for c in closing)


# A time of day after a date (2021-12-06 16:34:14, 2023年09月22日11:30) marks a date line: the page's own date.
_TIME = r"(?:\s*[0-9]{1,2}:[0-9]{2}(?::[0-9]{2})?)"
DATE = re.compile(rf"[0-9]{{4}}\s*-\s*[0-9]{{1,2}}\s*-\s*[0-9]{{1,2}}{_TIME}?|(?:[0-9]{{4}}年)?(?:[0-9]{{1,2}}月)?"
                  rf"(?:[0-9]{{1,2}}[日号](?![线線楼樓文院])){_TIME}?|[0-9]{{4}}年(?:初|底|末)?(?:[0-9]{{1,2}}月)?|[0-9]{{1,2}}月(?:份)?"
                  rf"|[0-9]{{1,2}}:[0-9]{{2}}(?::[0-9]{{2}})?")
# Numbers that are part of a name (the cue after the number, or before it): a party congress (二十大, 党的十九大),
# a version (改革5.0, 2.0版), a programme (三年行动方案, 三大攻坚战; 六大行动 counts actions).
NAME_AFTER = re.compile(r"大(?:精神|报告|報告|以来|以來|代表|胜利|勝利|召开|召開|期间|期間)|版|年(?:行动|行動|计划|計劃|方案|规划|規劃)|大攻(?:坚|堅)(?:战|戰)|号线|號線")
NAME_BEFORE = re.compile(r"(?:党的|黨的)$")


def _exclusion(text: str, a: int, b: int, token: str) -> tuple[str, int, int, str] | None:
    """(reason, start, end, why) when the number is most likely not a fact."""
    after, before = text[b:b + 3], text[max(0, a - 6):a]
    if _inside(text, a, "《", "》"):
        return "name_or_title", a, b, "inside a title in 《》"
    if re.match(r"[A-Za-z]", after) or (re.match(r"\+", after) or before.endswith("+")):
        return ("slogan" if "+" in after[:1] + before[-1:] else "name_or_title"), a, b, "part of a label such as 1+8+N or 5G"
    phrase = next((m for m in PERIOD_NEAR.finditer(text, max(0, a - 8), min(len(text), b + 8)) if m.start() <= a and b <= m.end()), None)
    if phrase is not None:
        return "period", phrase.start(), phrase.end(), f"part of the period {phrase.group()!r}"
    m = next((m for m in DATE.finditer(text, max(0, a - 8), b + 20) if m.start() <= a < m.end()), None)
    if m is not None and m.end() >= b:
        return _date_reason(text, m), m.start(), m.end(), f"a date ({m.group()})"
    if NAME_AFTER.match(text, b) or NAME_BEFORE.search(before) or (re.fullmatch(r"[0-9]+\.0", token)
                                                                  and not re.match(r"[%％万萬亿億个個倍]", after)):
        return "name_or_title", a, b, "part of a name, a version or a programme's title"
    if re.match(r"[年]?(?:来|來)|[个個]?(?:年|月)(?:来|來)", after) or re.search(r"(?:过去|過去)$", before):
        span = re.match(r"[个個]?(?:年|月)(?:来|來)?", after)
        return "period_length", a, b + (span.end() if span else 0), "the length of a period (两年来, 过去五年)"
    if re.match(r"周年|週年", after):
        return "reference_period", a, b + 2, "an anniversary"
    if (re.match(r"第?一$", token) and re.match(r"[批份方]", after)) or (token.startswith("第") and after.startswith("方")):
        return "idiom", a, b + (2 if after.startswith("方阵") or after.startswith("方陣") else 0), f"a figure of speech ({token}{after[:2]})"
    if after.startswith("是") or (token.startswith("第") and not re.match(r"[档檔名位]", after) and
                                 not re.search(r"排名|居|列|位居|排|全[国國省市区區县縣州球]$|同[类類]$", before)):
        return "ordinal", a, b + (1 if after.startswith("是") else 0), "an ordinal or list marker"
    if _inside(text, a, OPEN_QUOTES, CLOSE_QUOTES) and not re.match(r"[0-9]", token):
        return "slogan", a, b, "a numeral in a quoted slogan"
    if re.search(r"连续$|連續$", before) and re.match(r"个?[年月天]|個?[年月天]", after):
        unit = re.match(r"[个個]?[年月天]", after).group()
        return "period_length", a, b + len(unit), "the length of a period (连续…)"
    if token == "一":  # 一家公司, 的一年, 一次性: an article or a figure of speech; 一万亿元 is one token
        return ("ordinal", a, b + 1, "a list marker (一、)") if after.startswith("、") else \
            ("idiom", a, b, f"一 as 'a' or in a set phrase ({token}{after[:2]}), not a count")
    return None


def _date_reason(text: str, m: re.Match) -> str:
    """What kind of date a date expression is: a news item's date line (6月11日，记者…), a timestamp, the day of
    an event (2019年6月，…推行), a year in a title line (2023年…工作报告), or a period."""
    expression, after = m.group(), text[m.end():m.end() + 4]
    if re.search("[-:]", expression) or (re.search("[日号]", expression) and re.match(r"[，,\s]*(?:本报|本報)?(?:记者|記者|电|電|讯|訊)", after)):
        return "publication_date"
    event = EVENT_DATE.match(text, m.start())
    if re.search("[日号]", expression) or (event and event.end() == m.end()):
        return "event_date"
    line = text[text.rfind("\n", 0, m.start()) + 1:].split("\n", 1)[0]
    if re.fullmatch(r"[0-9]{4}年", expression) and not re.search(r"[。！？；;!?，,]", line):
        return "name_or_title"
    return "period"


# Period words around a number that are the period of a fact, not a statistic (今年前10个月, 近两年).
PERIOD_NEAR = re.compile(r"(?:[0-9]{4}年|今年|去年)?前[0-9一二三四五六七八九十]{1,3}[个個]月|近[两兩二三四五0-9]{1,2}年|"
                         r"[0-9]{1,2}月?\s*[~～至到\-—]\s*[0-9]{1,2}月")


def draft(package_dir: Path, sources_dir: Path, file_name: str, only: str | None = None,
          start: int | None = None, end: int | None = None, curated_too: bool = False) -> list[dict]:
    """Candidate rows for every number of the page's articles (or of one span, or of start..end).

    ``curated_too`` drafts a page already in the package (to measure the draft against the curation).
    """
    return draft_page(package_dir, load_page(Path(package_dir), sources_dir, file_name, curated_too), only, start, end)


def draft_page(package_dir: Path, page: Page, only: str | None = None, start: int | None = None,
               end: int | None = None) -> list[dict]:
    """The rows of ``page``, with the package's units, regions and measures to match."""
    package_dir = Path(package_dir)
    units = read_text_table(package_dir / "data" / "units.csv")
    written_at = _unit_matcher(tuple(sorted(zip(units["unit_id"].astype(str), units["symbol"].fillna("").astype(str)))))
    regions = read_text_table(package_dir / "data" / "regions.csv")
    measures = read_text_table(package_dir / "data" / "measures.csv")
    text, rows = page.text, []
    if only and only not in {span[0] for span in page.spans + page.furniture}:
        raise DraftError(f"{only} is not a span of {page.document_id}; its spans: "
                         + ", ".join(span[0] for span in page.spans + page.furniture))
    for span in page.spans + page.furniture:
        source_id, lo, hi, _ = span
        if only and source_id != only:
            continue
        lo, hi = max(lo, start if start is not None else lo), min(hi, end if end is not None else hi)
        covered = -1
        for m in NUMBER_TOKEN.finditer(text, lo, hi):
            a, b, token = m.start(), m.end(), m.group()
            if a < covered:
                continue  # inside the mention drafted just before (12月30日)
            if span in page.spans:
                rows.append(_row(text, a, b, token, span, page, written_at, regions, measures))
            else:
                rows.append(_furniture_row(text, a, b, token, span))
            if rows[-1]["proposal"] == "mention":
                covered = int(rows[-1]["mention_end"])
    return _periods_of_facts(text, rows) + _new_units(rows, units)


def _scale(symbol: str, units: pd.DataFrame) -> tuple[str, str]:
    """(multiplier, base unit id) a new unit's symbol implies: 万吨 is 10000 吨, whose id units.csv may have."""
    scale = scale_of(_to_simplified()(symbol))
    if scale is None:
        return "1", ""
    base = units.loc[units["symbol"] == scale[1], "base_unit_id"]
    return str(scale[0]), base.iloc[0] if len(base) else ""


def _new_units(rows: list[dict], units: pd.DataFrame) -> list[dict]:
    """A proposed units.csv row for each symbol written after a number that units.csv does not have."""
    out = []
    for symbol in dict.fromkeys(r["unit_written"] for r in rows if r["proposal"] == "fact" and r["unit_written"]
                                and r["unit_written"] != "(as units.csv)"):
        row = dict.fromkeys(REVIEW_COLUMNS, "")
        multiplier, base = _scale(symbol, units)
        row.update(proposal="unit", unit_symbol=symbol, unit_multiplier=multiplier, unit_base_unit_id=base,
                   status="a unit written in the page that units.csv lacks: give unit_id (snake_case), unit_name_en, "
                          "unit_dimension, unit_base_unit_id and unit_multiplier, then decision unit (or reject it: "
                          "the symbol may be a word that follows the number, not a unit)",
                   context=next(r["context"] for r in rows if r["unit_written"] == symbol))
        out.append(row)
    return out


def _periods_of_facts(text: str, rows: list[dict]) -> list[dict]:
    """A date proposed as a fact's period whose sentence has no fact is a year no fact covers (reference_period)."""
    def sentence(at: int) -> int:
        return max(text.rfind(c, 0, at) for c in SENTENCE_END)
    with_facts = {sentence(int(r["value_start"])) for r in rows if r["proposal"] == "fact"}
    for r in rows:
        if r["proposal"] == "mention" and r["reason"] == "period" and sentence(int(r["value_start"])) not in with_facts:
            r["reason"] = "reference_period"
    return rows


def _mention(row: dict, text: str, reason: str, m0: int, m1: int, why: str) -> dict:
    row.update(proposal="mention", reason=reason, mention_text=_unbroken(text[m0:m1]), mention_start=m0, mention_end=m1,
               status=f"proposed as an excluded mention: {why}; check the reason")
    return row


def _furniture_row(text, a, b, token, span) -> dict:
    """A number outside the articles (a date line, an editor's note, a byline): an excluded mention. A date there
    is the page's own (publication_date)."""
    source_id, lo, hi, _ = span
    row = dict.fromkeys(REVIEW_COLUMNS, "")
    row.update(source_id=source_id, value_text=token, value_start=a, context=_unbroken(text[max(lo, a - 20):min(hi, b + 12)]))
    reason, m0, m1, why = _exclusion(text, a, b, token) or ("name_or_title", a, b, "a number outside the articles")
    if reason in ("event_date", "period", "reference_period"):
        reason, why = "publication_date", f"{why}, in {source_id}, outside the articles: the page's own date?"
    return _mention(row, text, reason, max(m0, lo), min(m1, hi), why)


def _row(text, a, b, token, span, page, written_at, regions, measures) -> dict:
    source_id, lo, hi, _ = span
    q0, q1 = _clause(text, a, b, (lo, hi))
    row = dict.fromkeys(REVIEW_COLUMNS, "")
    row.update(source_id=source_id, value_text=token, value_start=a, quote=_unbroken(text[q0:q1]), quote_start=q0, quote_end=q1,
               context=_unbroken(text[max(lo, a - 20):min(hi, b + 12)]))
    notes = []
    excluded = _exclusion(text, a, b, token)
    if excluded:
        return _mention(row, text, *excluded)
    row["proposal"] = "fact"
    if not token.startswith("第") and not token[0].isdigit() and token.rstrip(LARGE) and token.rstrip(LARGE) != token:
        token = token.rstrip(LARGE)  # 一万亿元, 千亿级: a trailing 万 or 亿 belongs to the unit, as after digits
        b = a + len(token)
        row["value_text"] = token
    try:
        row["value"] = format(parse_numeral(token.removeprefix("第")), "f")
    except ValueError as exc:
        notes.append(str(exc))
    rest = _propose_unit(row, token, _unbroken(text[b:b + 16]), written_at, notes)
    before = _unbroken(text[max(lo, a - 4):a])
    row["qualifier"], row["qualifier_text"] = _qualifier(before, rest)
    clause = row["quote"]
    row["claim_type"] = claim_type(clause)
    _propose_period(row, _unbroken(_period_context(text, lo, a)), page, notes)
    region, how = _region(text, a, span, regions, page.region_basis.get(span[0], "the article's region"))
    row["region_id"] = region or ""
    measure, score = _measure(_unbroken(text[q0:a]), measures)
    row["measure_id"] = measure or ""
    notes.append(f"region: {how}")
    notes.append(f"measure: {'guessed from its Chinese name' if measure else 'none of measures.csv fits: add one'}")
    row["status"] = "; ".join(notes)
    return row


def _propose_unit(row: dict, token: str, after: str, written_at, notes: list[str]) -> str:
    """The unit written after the numeral into row; the text after the unit. In a list (65、53、50个工作日) the
    unit written after its last number is every number's."""
    after = after_list(after).lstrip(" \u3000")  # 5574 个: a space before the unit
    found = written_at(after) or written_at(_to_simplified()(after))
    word = unit_written(after)
    scale = word and scale_of(_to_simplified()(word))
    if found and not (word and len(word) > found[0][1] and not scale):  # units.csv's, unless the text writes more (个工作日)
        unit_id, length = found[0]
        row.update(unit_id=unit_id, unit_written="(as units.csv)", unit_implied="false")
        return _after_unit(after, length)
    if token.startswith("第"):
        rank = next((uid for uid, _ in written_at("第")), None)
        row.update(unit_id=rank or "", unit_implied="false")
        return after
    row.update(unit_written=word or "", unit_implied="true" if not word else "")
    notes.append(f"unit {word!r} is not in units.csv: add it there, or set unit_implied" if word
                 else "no unit written: set unit_id and explain in the note")
    return after[len(word):] if word else after


# The rest of a list of numbers after one of them (、53、50 in 65、53、50个工作日): the unit follows the last.


def _period_context(text: str, lo: int, a: int) -> str:
    """The text before the number whose period phrases can be its period: its paragraph, after the head of its
    section where the section has one."""
    start = max((m.end() for m in PARAGRAPH_BREAK.finditer(text, lo, a)), default=lo)
    head = next(reversed(list(SECTION_HEAD.finditer(text[:start], lo))), None)
    return (head.group().strip() + "。" if head else "") + text[start:a]


def _target_of_another_sentence(text: str, at: int, sentence_start: int, row: dict) -> bool:
    """A period written in an earlier sentence that sets a target (确定今年…要达到) is that target's, not a result's."""
    if at >= sentence_start or row["claim_type"] in FORWARD_LOOKING:
        return False
    start = max(text.rfind(c, 0, at) for c in SENTENCE_END) + 1
    end = min((i for i in (text.find(c, at) for c in SENTENCE_END) if i >= 0), default=len(text))
    return claim_type(text[start:end]) in FORWARD_LOOKING


def _propose_period(row: dict, paragraph: str, page, notes: list[str]) -> None:
    """The nearest period expression before the number in its paragraph (and its section's head), into row: a
    period written once at the head of a paragraph (2022年，…。…) holds for the sentences that follow it, but not a
    comparison base (较去年), an event's date (2019年6月) or the year of another sentence's target; a stock's date
    (截至6月底) holds in its own sentence only, and a change from a base date (较2022年底增长) runs from that date to it."""
    simplified = _to_simplified()(paragraph)
    sentence_start = max(simplified.rfind(c) for c in SENTENCE_END) + 1
    blank = lambda m: " " * len(m.group())  # noqa: E731
    masked = EVENT_DATE.sub(blank, STOCK.sub(blank, simplified))  # a stock's 今年 is no period of the next sentence
    period, phrase, since, where = None, "", False, -1
    for m in PERIOD_PHRASE.finditer(masked):
        if COMPARED_WITH.search(masked, 0, m.start()) or _target_of_another_sentence(simplified, m.start(), sentence_start, row):
            continue
        found_period = resolve(m.group(), page.year, page.published, row["claim_type"] in FORWARD_LOOKING)
        if found_period is not None:
            period, phrase, since, where = found_period, m.group(), simplified.startswith("以来", m.end()), m.end()
    stock_at = [m for m in STOCK.finditer(simplified, sentence_start) if m.end() >= where]
    dates = [m for m in stock_at if not COMPARED_WITH.search(simplified, 0, m.start())]
    at = stock_date(dates[-1].group(), page.year) if dates else None
    base = stock_at[-1] if stock_at and stock_at[-1] not in dates else None  # 较2022年底: what a change is from
    base_date = stock_date(base.group(), page.year) if base else None
    clause_start = max(simplified.rfind(c) for c in CLAUSE_END) + 1
    stock = next((w for w in STOCK_WORDS if w in simplified[max(where, sentence_start if w in SENTENCE_ADVERBS else clause_start):]
                  and not (w == "累计" and where > sentence_start and SUMMED_OVER_A_PERIOD.search(simplified, where))), None)
    if at and base_date and base_date[0] < at[0]:  # 截至6月底，…较2022年底增长: the change from one date to the other
        row.update(period_start=(base_date[0] + timedelta(days=1)).isoformat(), period_end=at[0].isoformat(),
                   period_text=simplified[base.start() - 1:base.end()], period_inferred=str(at[1] or base_date[1]).lower())
        notes.append("a change between two dates: period_start is the day after the base date, period_end the stock's date")
    elif at:  # a stock counted at a date: its end, and no start
        row.update(period_end=at[0].isoformat(), period_text=dates[-1].group(), period_inferred=str(at[1]).lower())
        notes.append("a stock at a date: period_end is the date, period_start is left empty")
    elif stock:  # a stock at the date of writing (目前, 现有): no period of its own
        row.update(period_text=stock, period_inferred="false")
        notes.append(f"{stock}: a stock at the date of writing, so no period; say so in the note")
    elif period is not None and since:  # 今年以来: the period starts there and runs to the date of writing
        row.update(period_start=period.start.isoformat(), period_text=phrase + "以来", period_inferred=str(period.inferred).lower())
    elif period is not None:
        row.update(period_start=period.start.isoformat(), period_end=period.end.isoformat(), period_text=phrase,
                   period_inferred=str(period.inferred).lower())
    else:
        row["period_inferred"] = "false"
        notes.append("no period expression found: fill the period or leave it empty with a note")


def write_review(rows: list[dict], out: Path) -> Path:
    """The review file: UTF-8 with a BOM, so that a spreadsheet opens it with the Chinese intact."""
    out = Path(out)
    with open(out, "w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.DictWriter(fh, REVIEW_COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return out
