"""Periods as Chinese news writes them, resolved against the document's own date.

今年 on a page of December 2022 is 2022; in a report delivered in February 2023 it is
2023 and 去年 is 2022. ``resolve`` reads the common forms (a year, 今年/去年/明年, a
half, a quarter, the first N months, 1月~10月, a single month) and returns the dates
they stand for, and whether the year came from context. Anything else — 目前, 近两年,
自3月起已经连续8个月 — returns None: the period is then the curator's judgement and
no rule second-guesses it.
"""
from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta

from cnbef.text.numerals import parse_numeral

# Words around a period that do not change it (仅在今年, 截至今年10月 …).
_LEAD = r"(?:仅在|仅|在|截至|截止|截止到|于)?"
_NUM = r"(?:[0-9]{1,2}|[一二三四五六七八九十]{1,3})"
_YEAR = r"(?:(?P<year>[0-9]{4})年|(?P<rel>今年|本年|去年|上年|明年))?"
_PART = (rf"(?:(?P<whole>全年)|(?P<half>上半年|下半年)|(?:第)?(?P<quarter>[一二三四1-4])季度|"
         rf"前(?P<quarters>[一二三1-3])(?:个|個)?季度|前(?P<months>{_NUM})(?:个|個)?月|"
         rf"(?P<from>{_NUM})月?\s*(?:~|～|－|-|—|至|到)\s*(?P<to>{_NUM})月|(?P<month>{_NUM})月(?:份)?)?")
_FORM = re.compile(rf"{_LEAD}{_YEAR}{_PART}(?:以来)?")
_RELATIVE = {"今年": 0, "本年": 0, "去年": -1, "上年": -1, "明年": 1}


@dataclass(frozen=True)
class Period:
    start: date
    end: date
    inferred: bool  # the year came from the document's date, not from the text


def _n(text: str) -> int:
    return int(parse_numeral(text))


def _months(year: int, first: int, last: int) -> tuple[date, date] | None:
    if not 1 <= first <= last <= 12:
        return None
    return date(year, first, 1), date(year, last, calendar.monthrange(year, last)[1])


def resolve(text: str, reference_year: int | None, published: date | None = None, forward: bool = False) -> Period | None:
    """The period ``text`` stands for, read against ``reference_year`` (the document's year).

    A period written without a year or 今年 (全年, 上半年, 前三季度, 1—10月) that ``published`` (the document's
    latest date) has not yet reached, give or take a month, is the one of the year before for a result (a report
    delivered in February speaks of the year just ended); a target, plan or projection (``forward``) keeps the
    document's year. None when the text is not one of the forms above, or when it needs a year and
    ``reference_year`` is None (a document whose date is unknown).
    """
    if str(text).strip() in FIVE_YEAR_PLANS:  # “十四五”: the plan's five years
        first, last = FIVE_YEAR_PLANS[str(text).strip()]
        return Period(date(first, 1, 1), date(last, 12, 31), False)
    m = _FORM.fullmatch(str(text).strip())
    if m is None or not (m.group("year") or m.group("rel") or m.lastindex):
        return None
    g = m.groupdict()
    if g["year"]:
        year, inferred = int(g["year"]), False
    elif reference_year is None:
        return None
    else:
        year, inferred = reference_year + _RELATIVE.get(g["rel"] or "今年", 0), True
    span = _span(g, year)
    if span and published is not None and not (g["year"] or g["rel"] or forward) and span[1] > published + REACHED:
        span = _span(g, year - 1)
    if span is None or "以来" in text:  # 2021年以来: an open period, not the year itself
        return None
    return Period(span[0], span[1], inferred)


# How far past a document's date a result's period may end and still be read as the document's own year
# (全年 in a press conference of 30 December is that year's).
REACHED = timedelta(days=31)


def _span(g: dict, year: int) -> tuple[date, date] | None:
    if g["half"]:
        return _months(year, 1, 6) if g["half"] == "上半年" else _months(year, 7, 12)
    if g["quarter"]:
        q = _n(g["quarter"])
        return _months(year, 3 * q - 2, 3 * q)
    if g["quarters"]:
        return _months(year, 1, 3 * _n(g["quarters"]))
    if g["months"]:
        return _months(year, 1, _n(g["months"]))
    if g["from"]:
        return _months(year, _n(g["from"]), _n(g["to"]))
    if g["month"]:
        return _months(year, _n(g["month"]), _n(g["month"]))
    if g["year"] or g["rel"] or g["whole"]:
        return _months(year, 1, 12)
    return None


# A stock counted at a date: the end of a month or a year (截至6月底, 截至今年6月末, 2017年底, 去年末).
STOCK = re.compile(rf"(?:截至|截止到|截止|至)?(?:{_YEAR.replace('?P<year>', '?P<stock_year>').replace('?P<rel>', '?P<stock_rel>')}"
                   rf"(?P<stock_month>{_NUM})月|(?P<stock_year_only>[0-9]{{4}}年|今年|去年|上年|本年))[底末]")


def stock_date(text: str, reference_year: int | None) -> tuple[date, bool] | None:
    """(the date, whether its year came from context) of a stock phrase such as 截至6月底; None when it is not one,
    or when it needs a year that ``reference_year`` (the document's) does not give."""
    m = STOCK.fullmatch(str(text).strip())
    if m is None:
        return None
    year_text = m.group("stock_year") or m.group("stock_rel") or m.group("stock_year_only")
    if year_text and year_text[0].isdigit():
        year, inferred = int(year_text[:4]), False
    elif reference_year is None:
        return None
    else:
        year, inferred = reference_year + _RELATIVE.get(year_text or "今年", 0), True
    month = _n(m.group("stock_month")) if m.group("stock_month") else 12
    if not 1 <= month <= 12:
        return None
    return date(year, month, calendar.monthrange(year, month)[1]), inferred


def reference_year(earliest, latest) -> int | None:
    """The year relative periods are read against: known when the document's dates share one."""
    years = {d.year for d in (earliest, latest) if d is not None and d == d}
    return years.pop() if len(years) == 1 else None


def needs_year(text: str) -> bool:
    """Whether ``text`` is a relative period (今年, 上半年) that only a document's date can resolve."""
    period = resolve(text, 2000)
    return period is not None and period.inferred


# A year as written: 2022年, and the first year of a range (2021—2025年, 2021-2023年).
WRITTEN_YEAR = re.compile(r"(?<![0-9])((?:19|20)[0-9]{2})(?=\s*(?:年|[—\-–~～至到]))")
# The named five-year plans, which fix their years without writing them.
FIVE_YEAR_PLANS = {"十一五": (2006, 2010), "十二五": (2011, 2015), "十三五": (2016, 2020), "十四五": (2021, 2025),
                   "十五五": (2026, 2030)}


def years_written(text: str) -> set[int]:
    """The years a text writes, as years or as a five-year plan (十四五: 2021 and 2025)."""
    years = {int(y) for y in WRITTEN_YEAR.findall(text)}
    for name, (first, last) in FIVE_YEAR_PLANS.items():
        if name in text:
            years |= {first, last}
    return years
