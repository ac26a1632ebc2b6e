"""Numbers as Chinese news text writes them: Arabic or Chinese numerals.

Two jobs: parse a numeral as written ("13.1", "二", "十六", "两", "4万多") into a
number, and find every number token in a source text so that the completeness
check can account for each one (a fact value or an excluded mention).
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation


# Simplified and traditional forms (兩, 萬, 億): a page keeps its own script.
DIGITS = {"〇": 0, "零": 0, "一": 1, "二": 2, "两": 2, "兩": 2, "三": 3, "四": 4,
          "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
SMALL_UNITS = {"十": 10, "百": 100, "千": 1000}
LARGE_UNITS = {"万": 10**4, "萬": 10**4, "亿": 10**8, "億": 10**8}
# A unit symbol that starts with one of these is that many of the rest (万吨 = 10⁴ 吨), longest first.
SCALE_PREFIXES = {"万亿": 10**12, "萬億": 10**12, "亿": 10**8, "億": 10**8, "万": 10**4, "萬": 10**4, "千": 10**3, "百": 10**2}


def scale_of(symbol: str) -> tuple[int, str] | None:
    """(multiplier, the unit it multiplies) of a symbol such as 万吨 or 亿元; None for a symbol without a scale."""
    prefix = next((p for p in SCALE_PREFIXES if symbol.startswith(p) and len(symbol) > len(p)), None)
    return (SCALE_PREFIXES[prefix], symbol[len(prefix):]) if prefix else None


# 首位 (first place) is a rank written without a numeral.
ORDINAL_WORDS = {"首": 1}
# Words that follow a numeral to mean "more than" it; they do not change the value.
APPROXIMATION_SUFFIXES = "余餘多"

CHINESE_NUMERAL_CHARS = "".join(DIGITS) + "".join(SMALL_UNITS) + "".join(LARGE_UNITS)
# A Chinese numeral is only counted as a number when a classifier or unit follows it
# (七项, 两年, 十六条, 万亿元); otherwise 一 and 万 are ordinary words (一流, 万人助万企).
CLASSIFIERS = "个個家项項条條支名年月天大次份元级級倍位档檔批种種户戶类類"
_ARABIC = r"[0-9０-９]+(?:[.．][0-9０-９]+)?"
# Not after a digit or 余/多: in 3000亿元 and 7000余万元 the 亿/万 belong to the unit.
# (The look-behind follows the first character, so that every alternative starts with a character set and
# the regular expression engine can skip to the next candidate; it still looks at the character before.)
_CHINESE_COUNT = (rf"[{CHINESE_NUMERAL_CHARS}](?<![0-9０-９.．余餘多][{CHINESE_NUMERAL_CHARS}])"
                  rf"[{CHINESE_NUMERAL_CHARS}]*(?=[{CLASSIFIERS}])")
_CHINESE_ORDINAL = rf"第(?:[{CHINESE_NUMERAL_CHARS}]+|{_ARABIC})"  # a rank's 第 is part of its numeral: 第二, 第46
NUMBER_TOKEN = re.compile(rf"{_CHINESE_ORDINAL}|{_ARABIC}|{_CHINESE_COUNT}")


# No figure in news text is written with more characters than this (一万二千三百四十五亿 has 11).
MAX_NUMERAL = 40


@dataclass(frozen=True)
class NumberToken:
    text: str
    start: int
    end: int


def number_tokens(text: str) -> list[NumberToken]:
    """Every number token in ``text`` with its character offsets (end exclusive)."""
    return [NumberToken(m.group(), m.start(), m.end()) for m in NUMBER_TOKEN.finditer(text)]


def _parse_chinese(text: str) -> int:
    # Split on the largest unit first so 万亿 (10^12) and 一亿二千万 both come out right.
    for ch, unit in sorted(LARGE_UNITS.items(), key=lambda kv: -kv[1]):
        if ch in text:
            left, _, right = text.rpartition(ch)
            return (_parse_chinese(left) if left else 1) * unit + (_parse_chinese(right) if right else 0)
    total, digit = 0, None
    for ch in text:
        if ch in DIGITS:
            digit = DIGITS[ch]
        elif ch in SMALL_UNITS:
            total += (1 if digit is None else digit) * SMALL_UNITS[ch]
            digit = None
        else:
            raise ValueError(f"not a Chinese numeral character: {ch!r}")
    return total + (digit or 0)


def parse_numeral(text: str) -> Decimal:
    """The number a numeral as written stands for.

    >>> parse_numeral("十六"), parse_numeral("两"), parse_numeral("4万多"), parse_numeral("13.1")
    (Decimal('16'), Decimal('2'), Decimal('40000'), Decimal('13.1'))
    """
    if len(text) > MAX_NUMERAL:
        raise ValueError(f"a numeral of {len(text):,} characters is not a number as news text writes one")
    s = unicodedata.normalize("NFKC", text).strip().replace("−", "-")
    sign = -1 if s.startswith("-") else 1
    s = s.removeprefix("-").removeprefix("第")
    if s in ORDINAL_WORDS:
        return sign * Decimal(ORDINAL_WORDS[s])
    s = s.rstrip(APPROXIMATION_SUFFIXES)
    if not s:
        raise ValueError(f"no numeral in {text!r}")
    m = re.fullmatch(r"([0-9]+(?:\.[0-9]+)?)?([万萬亿億]*)", s)
    if m and m.group(1):
        value = Decimal(m.group(1))
        for ch in m.group(2):
            value *= LARGE_UNITS[ch]
        return sign * value
    try:
        return sign * Decimal(_parse_chinese(s))
    except (ValueError, InvalidOperation) as exc:
        raise ValueError(f"cannot read {text!r} as a number") from exc
