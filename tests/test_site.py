"""The browsable site: Datasette over the SQLite export, with metadata generated from the package.

A test starts it on 127.0.0.1 (a free port, stopped at the end) and asks its JSON API and its pages for
what a reader looks for: a fact by its quote, Chinese words by the search box, a fact's row page with its
foreign keys labelled and linked, the sources once. Headless Chromium opens the pages to check what is on
the screen. Words and facts are picked from the data at test time, never named here.
"""
import csv
import html
import json
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from datasette.utils import tilde_encode

from cnbef.publish.site import COMPARISONS, SEARCH, SEARCHED, build, metadata, serve_command
from conftest import ROOT

DESCRIPTOR = json.loads((ROOT / "datapackage.json").read_text(encoding="utf-8"))
DB = DESCRIPTOR["name"]
HAN_RUN = re.compile(r"[\u4e00-\u9fff]{3,}")


def _rows(name):
    with open(ROOT / "data" / f"{name}.csv", encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def _row(name, key):
    return next(r for r in _rows(name) if next(iter(r.values())) == key)


def _words():
    """A two- and a three-character Chinese word of the data: the start of the first run of three or more
    Chinese characters in a quote (so the two-character word is never a whole run)."""
    run = next(m.group() for f in _rows("facts") if (m := HAN_RUN.search(f["quote"])))
    return run[:2], run[:3]


def test_metadata_is_generated_from_the_package():
    meta = metadata(ROOT)
    assert meta["license"] and meta["license_url"] == DESCRIPTOR["licenses"][0]["path"]
    database = meta["databases"][DB]
    hashes = [d["sha256"] for d in _rows("documents")]
    # The sources with their hashes once, on the database page; not in what every page shows.
    assert all(database["description_html"].count(h) == 1 for h in hashes)
    assert not any(h in json.dumps({**meta, "databases": {DB: database["tables"]}}) for h in hashes)
    tables = database["tables"]
    assert set(tables) == {r["name"] for r in DESCRIPTOR["resources"]} | {COMPARISONS}
    for res in DESCRIPTOR["resources"]:
        table = tables[res["name"]]
        assert table["title"] == f"{res['title']} / {res['title_zh']}" and table["description"].startswith(res["description"])
        header = list(_rows(res["name"])[0])
        assert list(table["columns"]) == header and all(" / " in d for d in table["columns"].values())
        assert set(table.get("facets", [])) <= set(header) and table.get("label_column", header[0]) in header
        assert table.get("fts_table") == (f"{res['name']}_fts" if res["name"] in SEARCH else None)


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for(url, process, log):
    for _ in range(120):  # at most 60 s (cnbef site serve validates and builds first)
        try:
            urllib.request.urlopen(f"{url}/-/versions.json", timeout=2)
            return
        except OSError:
            if process.poll() is not None:
                break
            time.sleep(0.5)
    pytest.fail("Datasette did not start: " + log.read_text(errors="replace")[-1000:])


@pytest.fixture(scope="module")
def harness(tmp_path_factory):
    """A folder the site serves as /harness/: a page there may look into the site's pages (same origin)."""
    return tmp_path_factory.mktemp("harness")


@pytest.fixture(scope="module")
def site(tmp_path_factory, harness):
    out = tmp_path_factory.mktemp("site")
    database = build(ROOT, out)
    port, log = _free_port(), out / "datasette.log"
    with open(log, "wb") as fh:
        server = subprocess.Popen(serve_command(database, "127.0.0.1", port) + ["--static", f"harness:{harness}"],
                                  stdout=fh, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_for(url, server, log)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=20)


def _get(url):
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.read().decode("utf-8")


def _json(url):
    return json.loads(_get(url))


def test_the_json_api_finds_a_fact_by_its_quote(site):
    fact = _rows("facts")[-1]
    query = urllib.parse.urlencode({"quote__exact": fact["quote"], "_shape": "array", "_labels": "on"})
    found = [r for r in _json(f"{site}/{DB}/facts.json?{query}") if r["fact_id"] == fact["fact_id"]]
    assert len(found) == 1
    region = _row("regions", fact["region_id"])
    assert found[0]["region_id"] == {"value": region["region_id"], "label": region["name_zh"]}
    assert found[0]["value"] == float(fact["value"]) and found[0]["quote"] == fact["quote"]


def _search(site, table, words):
    """The fact_ids the table's ?_search= finds, every page of them."""
    url, found = f"{site}/{DB}/{table}.json?" + urllib.parse.urlencode({"_search": words, "_col": "fact_id", "_nofacet": 1,
                                                                          "_size": "max", "_shape": "objects"}), set()
    while url:
        page = _json(url)
        found |= {r["fact_id"] for r in page["rows"]}
        url = page.get("next_url")
    return found


def test_the_comparisons_view_is_one_measure_by_region_with_results_apart_from_targets(site):
    flat = _rows("facts_flat")
    regions = {}
    for f in flat:
        regions.setdefault(f["measure_id"], set()).add(f["region_id"])
    compared = sorted(m for m, r in regions.items() if len(r) >= 2)
    measure = compared[0]
    query = urllib.parse.urlencode({"measure_id__exact": measure, "_shape": "array", "_size": "max"})
    rows = _json(f"{site}/{DB}/{COMPARISONS}.json?{query}")
    assert sorted(r["fact_id"] for r in rows) == sorted(f["fact_id"] for f in flat if f["measure_id"] == measure)
    assert len({r["region_id"] for r in rows}) >= 2
    claims = [r["claim_type"] for r in rows]
    assert claims == sorted(claims)  # achieved figures together, never interleaved with targets
    shown = {r["measure_id"] for r in _json(f"{site}/{DB}/{COMPARISONS}.json?_shape=array&_size=max")}
    assert shown == set(compared)


@pytest.mark.parametrize("table", SEARCH)
def test_the_search_box_finds_chinese_words_of_two_and_three_characters(site, table):
    assert 'name="_search"' in _get(f"{site}/{DB}/{table}")
    flat = _rows("facts_flat")
    for words in _words():
        # Every row whose searched text holds the words is found; every row found holds them, if one does
        # not count the punctuation and spaces between characters (the index keeps only the characters).
        holding = {r["fact_id"] for r in flat if any(words in r[c] for c in SEARCHED)}
        loosely = {r["fact_id"] for r in flat if any(words in re.sub(r"[\W_]", "", r[c]) for c in SEARCHED)}
        found = _search(site, table, words)
        assert holding and holding <= found <= loosely, words


def test_search_keeps_its_syntax_for_latin_words_and_several_words(site):
    two, three = _words()
    assert _search(site, "facts_flat", f"{two} {three}") == _search(site, "facts_flat", three)  # both words: AND
    region = _rows("facts_flat")[0]["region_name_en"]
    assert _rows("facts_flat")[0]["fact_id"] in _search(site, "facts_flat", region)


@pytest.mark.parametrize("table", ["facts", "facts_flat"])
def test_a_fact_row_page_labels_and_links_its_foreign_keys_and_shows_the_quote(site, table):
    fact = _rows("facts")[0]
    page = _get(f"{site}/{DB}/{table}/{tilde_encode(fact['fact_id'])}")
    for target, key, label in [("regions", fact["region_id"], _row("regions", fact["region_id"])["name_zh"]),
                               ("measures", fact["measure_id"], _row("measures", fact["measure_id"])["name_zh"]),
                               ("units", fact["unit_id"], _row("units", fact["unit_id"])["symbol"])]:
        assert f'<a href="/{DB}/{target}/{tilde_encode(key)}">{html.escape(label)}</a>' in page
    assert f">{html.escape(fact['quote'])}</td>" in page


def test_the_flat_table_page_labels_its_foreign_keys(site):
    fact = _rows("facts")[0]
    query = urllib.parse.urlencode({"fact_id__exact": fact["fact_id"], "_shape": "array", "_labels": "on"})
    [row] = _json(f"{site}/{DB}/facts_flat.json?{query}")
    assert row["region_id"] == {"value": fact["region_id"], "label": _row("regions", fact["region_id"])["name_zh"]}


def test_column_descriptions_are_in_the_column_menus(site):
    page = _get(f"{site}/{DB}/facts")
    menus = {c: html.unescape(d) for d, c in re.findall(r'data-column-description="([^"]*)"[^>]*data-column="([^"]*)"', page)}
    columns = metadata(ROOT)["databases"][DB]["tables"]["facts"]["columns"]
    del columns["fact_id"]  # the key's heading is Datasette's link column, which carries no description
    assert menus == columns


def test_the_sources_are_listed_once_on_the_database_page(site):
    hashes = [d["sha256"] for d in _rows("documents")]
    assert all(_get(f"{site}/{DB}").count(h) == 1 for h in hashes)
    fact = _rows("facts")[0]
    for page in (f"{site}/", f"{site}/{DB}/facts", f"{site}/{DB}/facts/{tilde_encode(fact['fact_id'])}"):
        assert not any(h in _get(page) for h in hashes), page


def _chromium():
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        pytest.skip("Chromium is not installed; .ci/run installs chromium and fonts-noto-cjk")
    fonts = subprocess.run(["fc-list", ":lang=zh"], capture_output=True, text=True).stdout
    assert fonts.strip(), "no Chinese font: the labels would render as empty boxes (install fonts-noto-cjk)"
    return chromium


def _flags(tmp_path):
    return ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", f"--user-data-dir={tmp_path / 'profile'}"]


def test_the_facts_page_shows_chinese_labels_in_chromium(site, tmp_path):
    chromium, flags = _chromium(), _flags(tmp_path)
    page = f"{site}/{DB}/facts?_size=5"
    dom = subprocess.run([chromium, *flags, "--dump-dom", page], capture_output=True, text=True, timeout=120).stdout
    facts = next(r for r in DESCRIPTOR["resources"] if r["name"] == "facts")
    assert f"{facts['title']} / {facts['title_zh']}" in dom
    first = _rows("facts")[0]
    assert _row("regions", first["region_id"])["name_zh"] in dom  # the foreign key shown with its Chinese label
    shot = tmp_path / "facts.png"
    subprocess.run([chromium, *flags, f"--screenshot={shot}", "--window-size=1400,900", page], capture_output=True, timeout=120)
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 20_000


# A reader's steps, in a frame of a 1400 x 900 screen: the table page, a search typed in its box, the first
# result's row page; what each step saw goes into #result as JSON.
READER = """<!doctype html><meta charset="utf-8"><body>
<iframe id="page" width="1400" height="900"></iframe><pre id="result"></pre>
<script>
const frame = document.getElementById("page"), seen = {};
const steps = [
  d => {
    seen.descriptions = d.querySelector("dl.column-descriptions")?.offsetHeight ?? 0;
    const box = d.querySelector("input[name=_search]");
    box.value = WORDS;
    box.form.submit();
  },
  d => {
    seen.rows = [...d.querySelectorAll("table.rows-and-columns tbody tr")].map(r => r.textContent);
    d.querySelector("table.rows-and-columns tbody td a").click();
  },
  d => {
    const quote = d.querySelector("td.col-quote"), region = d.querySelector("td.col-region_id a");
    seen.page = d.location.pathname;
    seen.quote = [quote.textContent, quote.getBoundingClientRect().toJSON()];
    seen.screen = [d.documentElement.clientWidth, frame.contentWindow.innerHeight];
    seen.region = [region.textContent, region.getAttribute("href")];
  },
];
let step = 0;
frame.onload = () => {
  try { steps[step++](frame.contentDocument); } catch (e) { seen.error = `step ${step}: ${e}`; }
  document.getElementById("result").textContent = JSON.stringify(seen);
};
frame.src = TABLE;
</script>
"""


@pytest.mark.parametrize("table", ["facts", "facts_flat"])
def test_a_reader_searches_chinese_and_opens_a_fact_in_chromium(site, harness, tmp_path, table):
    chromium = _chromium()
    words = _words()[0]
    (harness / f"{table}.html").write_text(READER.replace("WORDS", json.dumps(words))
                                           .replace("TABLE", json.dumps(f"/{DB}/{table}")), encoding="utf-8")
    dom = subprocess.run([chromium, *_flags(tmp_path), "--window-size=1500,1000", "--virtual-time-budget=30000",
                          "--dump-dom", f"{site}/harness/{table}.html"], capture_output=True, text=True, timeout=120).stdout
    seen = json.loads(html.unescape(re.search(r'<pre id="result">(.*?)</pre>', dom, re.S).group(1)))
    assert "error" not in seen and "page" in seen, seen
    assert seen["descriptions"] == 0  # not a block above the rows
    # Each result holds the words (a facts row shows its measure, region and entity by their labels).
    assert seen["rows"] and all(words in re.sub(r"[\W_]", "", r) for r in seen["rows"]), seen["rows"]
    fact = _row("facts", urllib.parse.unquote(seen["page"].rsplit("/", 1)[1]))
    (text, box), (width, height) = seen["quote"], seen["screen"]
    assert text == fact["quote"] and 0 <= box["left"] and box["right"] <= width and box["bottom"] <= height
    assert seen["region"] == [_row("regions", fact["region_id"])["name_zh"], f"/{DB}/regions/{fact['region_id']}"]


def _descendants(pid):
    children = subprocess.run(["ps", "-o", "pid=", "--ppid", str(pid)], capture_output=True, text=True).stdout.split()
    return [int(c) for c in children] + [d for c in children for d in _descendants(int(c))]


@pytest.mark.slow
@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_a_signal_to_cnbef_site_stops_the_server(tmp_path, signum):
    port, log = _free_port(), tmp_path / "cnbef.log"
    with open(log, "wb") as fh:
        cnbef = subprocess.Popen([sys.executable, "-m", "cnbef", "site", "serve", str(ROOT), "--out", str(tmp_path / "site"),
                                  "--port", str(port)], stdout=fh, stderr=subprocess.STDOUT)
    url, family = f"http://127.0.0.1:{port}", []
    try:
        _wait_for(url, cnbef, log)
        family = _descendants(cnbef.pid)
        cnbef.send_signal(signum)
        cnbef.wait(timeout=20)
        with pytest.raises(OSError):
            urllib.request.urlopen(f"{url}/-/versions.json", timeout=2)
        assert not [p for p in family if Path(f"/proc/{p}").exists()]
    finally:
        for pid in [cnbef.pid, *family]:
            if Path(f"/proc/{pid}").exists():
                subprocess.run(["kill", "-KILL", str(pid)], capture_output=True)
        cnbef.wait(timeout=20)
