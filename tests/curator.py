"""A curator adding a page to a copy of the checkout by the steps of docs/curation.md, with the commands only.

The page is made up (a district report, delivered 2023-02-02, about 2022, between the navigation bar and the
editor line of tests/made_up_page.py) and numbered 020. Every table a curator edits by hand gets its rows appended at the end, as a
spreadsheet or an editor leaves them; the commands do the rest. Nothing here names a row of the real data:
the page's region is the first county of regions.csv, its units are found by symbol, its measures are its own.
"""
import csv
import hashlib
import shutil
import subprocess
import sys
from pathlib import Path

from cnbef.text.quotes import find_quote
from conftest import ROOT, SOURCES
from made_up_page import EDITOR, NAV

REPORT = ("2022年，全区地区生产总值达到2651.25亿元，同比增长4.5%。新增规模以上工业企业13家，新增市场主体3000余户，"
          "营商环境评价排名全市第二。印发《关于优化营商环境的若干措施》。今年，全区地区生产总值力争增长6%以上。")
TEXT = f"{NAV}\n\n{REPORT}\n\n{EDITOR}\n"
RAW = TEXT.encode("utf-8")
DOC = f"020_{hashlib.sha256(RAW).hexdigest()[:16]}"
S = "020-district"
# numeral: the measure a curator gives it, and that measure's kind
MEASURES = {"2651.25": ("district_gdp_020", "monetary_amount"), "4.5": ("district_gdp_growth_020", "growth_rate"),
            "13": ("new_industrial_enterprises_020", "count"), "3000": ("new_market_entities_020", "count"),
            "第二": ("business_environment_rank_020", "rank"), "6": ("district_gdp_growth_020", "growth_rate")}


def run(checkout: Path, *args) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "cnbef", *args], cwd=checkout, capture_output=True, text=True)


def table(checkout: Path, name: str) -> list[dict]:
    with open(checkout / "data" / f"{name}.csv", encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def append(checkout: Path, name: str, rows: list[dict]) -> None:
    """Rows added at the end of a table, by column name: a hand edit, not sorted."""
    path = checkout / "data" / f"{name}.csv"
    with open(path, encoding="utf-8", newline="") as fh:
        header = next(csv.reader(fh))
    with open(path, "a", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows([[str(r.get(h, "")) for h in header] for r in rows])


def checkout_copy(folder: Path) -> Path:
    """The tracked files of this checkout in ``folder``/checkout, and the source texts with the new page beside it."""
    checkout = folder / "checkout"
    tracked = subprocess.run(["git", "-C", str(ROOT), "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                             capture_output=True, text=True, check=True).stdout
    for name in filter(lambda n: n and (ROOT / n).is_file(), tracked.split("\0")):
        (checkout / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, checkout / name)
    sources = folder / "shared" / "sources"
    shutil.copytree(SOURCES, sources)
    (sources / f"{DOC}.txt").write_bytes(RAW)
    return checkout


def register(checkout: Path) -> None:
    """Steps 2-3: the documents row (in draft), the spans, the page's measures and its policy, by hand."""
    county = next(r for r in table(checkout, "regions") if r["level"] == "county")["region_id"]
    append(checkout, "documents", [dict(document_id=DOC, file_name=f"{DOC}.txt", sha256=hashlib.sha256(RAW).hexdigest(),
                                        char_count=len(TEXT), byte_count=len(RAW), description="A district government work report (made up).",
                                        date_basis="context", published_earliest="2023-02-02", published_latest="2023-02-02",
                                        publication_note="Delivered on 2023-02-02.", status="draft")])
    a, e = TEXT.index(REPORT), TEXT.index(EDITOR)
    append(checkout, "sources", [
        dict(source_id="020-navigation", document_id=DOC, char_start=0, char_end=len(NAV), content_type="navigation", title_en="[Navigation]"),
        dict(source_id=S, document_id=DOC, char_start=a, char_end=a + len(REPORT), content_type="report",
             title_en="[District government work report]", region_id=county),
        dict(source_id="020-editor", document_id=DOC, char_start=e, char_end=e + len(EDITOR), content_type="editor_line", title_en="[Editor line]"),
    ])
    append(checkout, "measures", [dict(measure_id=m, name_zh=f"测试指标{m}", name_en=f"Made-up measure {m}", kind_id=k, topic_id="economy",
                                       official_indicator="false", description="Made up.")
                                  for m, k in sorted(set(MEASURES.values()))])
    quote = "印发《关于优化营商环境的若干措施》"
    ((q0, q1),) = find_quote(TEXT, quote)
    append(checkout, "policies", [dict(policy_id=f"{S}-p01", source_id=S, title_zh="关于优化营商环境的若干措施",
                                       title_en="Several measures to optimise the business environment (made up)", region_id=county,
                                       action_zh="印发", quote=quote, quote_start=q0, quote_end=q1)])


def review(path: Path) -> None:
    """Step 5: every proposal taken, each fact given its measure, as a curator does in a spreadsheet."""
    with open(path, encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        header, rows = reader.fieldnames, list(reader)
    for r in rows:
        r["decision"] = r["proposal"]
        if r["proposal"] == "fact":
            r["measure_id"] = MEASURES[r["value_text"]][0]
    with open(path, "w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.DictWriter(fh, header, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
