"""Provenance checks that read a fact's sentence or article in its page: the claim type against the cue words
around the value (text/claims.py), a region other than its article's named in that article, and a period's
years supported by the article or the page's date."""
from __future__ import annotations

import re

import pandas as pd

from cnbef.text.claims import FORWARD_LOOKING, FORWARD_WORDS, FULFILLED, NOT_ACHIEVED
from cnbef.text.periods import reference_year, resolve, years_written
from cnbef.text.script import to_simplified
from cnbef.validation.report import Problem

SENTENCE_END = "。；;！？!?"


def short_name(name: str) -> str:
    """A region's name as news writes it for short: 漯河 for 漯河市, 广东 for 广东省."""
    return re.sub(r"(省|市|县|区|自治区|自治州|特别行政区)$", "", name) if len(name) > 2 else name


def _sentence(text: str, a: int) -> str:
    lo = max(text.rfind(c, 0, a) for c in SENTENCE_END) + 1
    hi = min([k for k in (text.find(c, a) for c in SENTENCE_END) if k >= 0] + [len(text)])
    return re.sub(r"\s+", "", text[lo:hi])


def claim_problems(f: pd.DataFrame, file: str, text_of: dict) -> list[Problem]:
    """A result whose quote says 力争 or 预计, and a target, plan or projection whose sentence has no cue word."""
    problems = []
    said = f["quote"].fillna("").str.replace(FULFILLED, "", regex=True).str.extract(f"({'|'.join(NOT_ACHIEVED)})", expand=False)
    for i in f.index[(f["claim_type"] == "achieved") & said.notna()]:
        problems.append(Problem(file, i + 2, "claim_type", "claim_type_cue", "achieved",
                                f"the quote says {said[i]}: is it a target, plan or projection rather than a result?"))
    for i, sid, a, claim in f.loc[f["claim_type"].isin(FORWARD_LOOKING), ["source_id", "value_start", "claim_type"]].itertuples():
        text = text_of.get(sid)
        if isinstance(text, str) and pd.notna(a) and not any(w in _sentence(text, int(a)) for w in FORWARD_WORDS):
            problems.append(Problem(file, i + 2, "claim_type", "claim_type_cue", claim,
                                    f"its sentence has no word of a {claim} ({', '.join(FORWARD_WORDS[:12])} …): is it a result?"))
    return problems


def region_problems(f: pd.DataFrame, file: str, text_of: dict, sources: pd.DataFrame, regions: pd.DataFrame) -> list[Problem]:
    """A fact's region, where it is not its article's own, is named in the article (in full or short)."""
    spans = sources.set_index("source_id")[["char_start", "char_end", "region_id"]]
    names = regions.drop_duplicates("region_id").set_index("region_id")["name_zh"]
    simplified, problems, named = to_simplified(), [], {}
    for i, sid, region in f[["source_id", "region_id"]].itertuples():
        if pd.isna(region) or sid not in spans.index or region == spans.at[sid, "region_id"] or region not in names.index \
                or not isinstance(text_of.get(sid), str):
            continue
        if (sid, region) not in named:  # each region once per article
            article = simplified(text_of[sid][int(spans.at[sid, "char_start"]):int(spans.at[sid, "char_end"])])
            name = names[region]
            named[(sid, region)] = name in article or short_name(name) in article
        if not named[(sid, region)]:
            problems.append(Problem(file, i + 2, "region_id", "region_in_text", region,
                                    f"{names[region]} is named nowhere in article {sid}, and is not the article's region: "
                                    f"is it the region the figure is about?"))
    return problems


def _year(v) -> int | None:
    return None if pd.isna(v) else pd.Timestamp(v).year


def period_problems(f: pd.DataFrame, file: str, text_of: dict, sources: pd.DataFrame, documents: pd.DataFrame) -> list[Problem]:
    """A period not read from a phrase the resolver knows has years its article writes before the end of its quote
    (a heading's year, a five-year plan), or the year of the page's date or the one before (a report of the past year).

    A period phrase the resolver reads (2022年, 今年, 全年) is checked by relative_period instead."""
    spans = sources.set_index("source_id")[["char_start", "document_id"]]
    dates = documents.set_index("document_id")[["published_earliest", "published_latest"]]
    problems = []
    columns = ["source_id", "period_start", "period_end", "period_text", "quote_end", "claim_type"]
    for i, sid, start, end, phrase, quote_end, claim in f[columns].itertuples():
        years = {y for y in (_year(start), _year(end)) if y is not None}
        if not years or sid not in spans.index or not isinstance(text_of.get(sid), str) or pd.isna(quote_end):
            continue
        doc = spans.at[sid, "document_id"]
        earliest, latest = (dates.loc[doc].tolist() if doc in dates.index else (None, None))
        day = lambda v: None if pd.isna(v) else pd.Timestamp(v).date()  # noqa: E731
        year = reference_year(day(earliest), day(latest))
        if isinstance(phrase, str) and resolve(phrase, year, day(latest), claim in FORWARD_LOOKING) is not None:
            continue
        published = {y for y in (_year(earliest), _year(latest)) if y is not None}
        supported = years_written(text_of[sid][int(spans.at[sid, "char_start"]):int(quote_end)])
        supported |= published | {y - 1 for y in published}
        if not years <= supported:
            problems.append(Problem(file, i + 2, "period_start, period_end", "period_year", f"{start}..{end}",
                                    f"nothing supports the year {', '.join(map(str, sorted(years - supported)))}: its article writes "
                                    f"no such year before the end of the quote, and the page is of {'/'.join(map(str, sorted(published))) or 'unknown date'}; "
                                    f"correct the period, or write the words that date it in period_text"))
    return problems
