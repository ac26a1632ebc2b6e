"""Relative periods read against a document's year (cnbef/text/periods.py)."""
from datetime import date

import pytest

from cnbef.text.periods import needs_year, reference_year, resolve

CASES = {
    # text: (start, end, inferred) read against 2023
    "今年": ("2023-01-01", "2023-12-31", True),
    "去年": ("2022-01-01", "2022-12-31", True),
    "明年": ("2024-01-01", "2024-12-31", True),
    "全年": ("2023-01-01", "2023-12-31", True),
    "上半年": ("2023-01-01", "2023-06-30", True),
    "今年上半年": ("2023-01-01", "2023-06-30", True),
    "前10个月": ("2023-01-01", "2023-10-31", True),
    "今年前10个月": ("2023-01-01", "2023-10-31", True),
    "1月~10月": ("2023-01-01", "2023-10-31", True),
    "前三季度": ("2023-01-01", "2023-09-30", True),
    "第二季度": ("2023-04-01", "2023-06-30", True),
    "仅在今年": ("2023-01-01", "2023-12-31", True),
    "2月": ("2023-02-01", "2023-02-28", True),
    "2021年": ("2021-01-01", "2021-12-31", False),
    "2022年上半年": ("2022-01-01", "2022-06-30", False),
    "2022年1月~9月": ("2022-01-01", "2022-09-30", False),
    "2024年2月": ("2024-02-01", "2024-02-29", False),
    "十四五": ("2021-01-01", "2025-12-31", False),  # a five-year plan fixes its years
}


@pytest.mark.parametrize("text", CASES)
def test_common_forms_resolve_against_the_documents_year(text):
    start, end, inferred = CASES[text]
    period = resolve(text, 2023)
    assert (period.start.isoformat(), period.end.isoformat(), period.inferred) == (start, end, inferred)


@pytest.mark.parametrize("text", ["目前", "累计", "近两年", "连续两年", "2022年初", "2021年以来", "自3月起已经连续8个月", "13月"])
def test_other_phrases_are_left_to_the_curator(text):
    assert resolve(text, 2023) is None


def test_without_a_year_a_relative_period_cannot_be_resolved():
    assert resolve("今年", None) is None and needs_year("今年") and needs_year("上半年")
    assert resolve("2021年", None).inferred is False and not needs_year("2021年") and not needs_year("目前")


def test_reference_year_is_known_only_when_the_dates_share_one():
    assert reference_year(date(2022, 12, 12), date(2022, 12, 31)) == 2022
    assert reference_year(date(2022, 12, 30), date(2023, 1, 2)) is None
    assert reference_year(None, None) is None


@pytest.mark.parametrize("text, published, forward, year, inferred", [
    ("全年", date(2023, 2, 2), False, 2022, True),  # a report delivered in February, on the year just ended
    ("全年", date(2023, 2, 2), True, 2023, True),  # its target for the year
    ("全年", date(2022, 12, 30), False, 2022, True),  # a press conference at the year's end
    ("今年", date(2023, 2, 2), False, 2023, True),  # 今年 is the document's year, whatever the month
    ("前三季度", date(2022, 6, 24), False, 2021, True),
    ("1月~5月", date(2022, 6, 24), False, 2022, True),
    ("2023年上半年", date(2023, 2, 2), False, 2023, False),  # a year written is never moved
])
def test_a_period_without_a_year_is_the_latest_the_document_has_reached(text, published, forward, year, inferred):
    period = resolve(text, published.year, published, forward)
    assert (period.start.year, period.end.year, period.inferred) == (year, year, inferred)
