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
    spans = {sid: (a, b, region) for sid, a, b, region in sources[["source_id", "char_start", "char_end", "region_id"]].itertuples(index=False)}
    names = dict(zip(regions["region_id"], regions["name_zh"]))
    simplified, problems, named, articles = to_simplified(), [], {}, {}
    for i, sid, region in f[["source_id", "region_id"]].itertuples():
        if pd.isna(region) or sid not in spans or region == spans[sid][2] or region not in names \
                or not isinstance(text_of.get(sid), str):
            continue
        if (sid, region) not in named:  # each region once per article, each article made simplified once
            if sid not in articles:
                articles[sid] = simplified(text_of[sid][int(spans[sid][0]):int(spans[sid][1])])
            article, name = articles[sid], names[region]
            named[(sid, region)] = name in article or short_name(name) in article
        if not named[(sid, region)]:
            problems.append(Problem(file, i + 2, "region_id", "region_in_text", region,
                                    f"{names[region]} is named nowhere in article {sid}, and is not the article's region: "
                                    f"is it the region the figure is about?"))
    return problems


def _day(v):
    return None if pd.isna(v) else pd.Timestamp(v).date()


def period_problems(f: pd.DataFrame, file: str, text_of: dict, sources: pd.DataFrame, documents: pd.DataFrame) -> list[Problem]:
    """A period not read from a phrase the resolver knows has years its article writes before the end of its quote
    (a heading's year, a five-year plan), or the year of the page's date or the one before (a report of the past year).

    A period phrase the resolver reads (2022年, 今年, 全年) is checked by relative_period instead."""
    dates = {d: (_day(e), _day(l)) for d, e, l in documents[["document_id", "published_earliest", "published_latest"]].itertuples(index=False)}
    pages = {sid: (a, *dates.get(doc, (None, None))) for sid, a, doc in sources[["source_id", "char_start", "document_id"]].itertuples(index=False)}
    problems, read = [], {}
    columns = ["source_id", "period_start", "period_end", "period_text", "quote_end", "claim_type"]
    bounds = [pd.to_datetime(f[c]).dt.year for c in ("period_start", "period_end")]
    for (i, sid, start, end, phrase, quote_end, claim), *bound in zip(f[columns].itertuples(), *bounds):
        years = {int(y) for y in bound if pd.notna(y)}
        if not years or sid not in pages or not isinstance(text_of.get(sid), str) or pd.isna(quote_end):
            continue
        char_start, earliest, latest = pages[sid]
        key = (phrase, earliest, latest, claim in FORWARD_LOOKING)
        if key not in read:  # a phrase is read once per page date
            read[key] = isinstance(phrase, str) and resolve(phrase, reference_year(earliest, latest), latest, key[3]) is not None
        if read[key]:
            continue
        published = {d.year for d in (earliest, latest) if d is not None}
        supported = years_written(text_of[sid][int(char_start):int(quote_end)])
        supported |= published | {y - 1 for y in published}
        if not years <= supported:
            problems.append(Problem(file, i + 2, "period_start, period_end", "period_year", f"{start}..{end}",
                                    f"nothing supports the year {', '.join(map(str, sorted(years - supported)))}: its article writes "
                                    f"no such year before the end of the quote, and the page is of {'/'.join(map(str, sorted(published))) or 'unknown date'}; "
                                    f"correct the period, or write the words that date it in period_text"))
    return problems
