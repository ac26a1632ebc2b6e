"""The browsable site: Datasette over the SQLite export, with metadata generated from the package.

A test starts it on 127.0.0.1 (a free port, stopped at the end), asks its JSON API for a known fact
by its quote, and opens the facts page in headless Chromium to check the Chinese labels.
"""
import csv
import json
import shutil
import socket
import subprocess
import time
import urllib.parse
import urllib.request

import pytest

from cnbef.publish.site import build, metadata, serve_command
from conftest import ROOT

DESCRIPTOR = json.loads((ROOT / "datapackage.json").read_text(encoding="utf-8"))
DB = DESCRIPTOR["name"]


def _rows(name):
    with open(ROOT / "data" / f"{name}.csv", encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def test_metadata_is_generated_from_the_package():
    meta = metadata(ROOT)
    assert meta["license"] and meta["license_url"] == DESCRIPTOR["licenses"][0]["path"]
    assert len(meta["source"].split(" · ")) == len(_rows("documents")) and all(d["sha256"] in meta["source"] for d in _rows("documents"))
    tables = meta["databases"][DB]["tables"]
    assert set(tables) == {r["name"] for r in DESCRIPTOR["resources"]}
    for res in DESCRIPTOR["resources"]:
        table = tables[res["name"]]
        assert table["title"] == f"{res['title']} / {res['title_zh']}"
        header = list(_rows(res["name"])[0])
        assert list(table["columns"]) == header and all(" / " in d for d in table["columns"].values())
        assert set(table.get("facets", [])) <= set(header) and table.get("label_column", header[0]) in header


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    out = tmp_path_factory.mktemp("site")
    database = build(ROOT, out)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen(serve_command(database, "127.0.0.1", port), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(60):  # at most 30 s
            try:
                urllib.request.urlopen(f"{url}/-/versions.json", timeout=2)
                break
            except OSError:
                time.sleep(0.5)
        else:
            pytest.fail("Datasette did not start: " + server.stderr.read1().decode(errors="replace")[-1000:])
        yield url
    finally:
        server.terminate()
        server.wait(timeout=20)


def _json(url):
    with urllib.request.urlopen(url, timeout=10) as response:
        return json.loads(response.read().decode("utf-8"))


def test_the_json_api_finds_a_fact_by_its_quote(site):
    fact = _rows("facts")[-1]
    query = urllib.parse.urlencode({"quote__exact": fact["quote"], "_shape": "array", "_labels": "on"})
    found = [r for r in _json(f"{site}/{DB}/facts.json?{query}") if r["fact_id"] == fact["fact_id"]]
    assert len(found) == 1
    region = next(r for r in _rows("regions") if r["region_id"] == fact["region_id"])
    assert found[0]["region_id"] == {"value": region["region_id"], "label": region["name_zh"]}
    assert found[0]["value"] == float(fact["value"]) and found[0]["quote"] == fact["quote"]


def test_the_facts_page_shows_chinese_labels_in_chromium(site, tmp_path):
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        pytest.skip("Chromium is not installed; .ci/run installs chromium and fonts-noto-cjk")
    fonts = subprocess.run(["fc-list", ":lang=zh"], capture_output=True, text=True).stdout
    assert fonts.strip(), "no Chinese font: the labels would render as empty boxes (install fonts-noto-cjk)"
    page = f"{site}/{DB}/facts?_size=5"
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", f"--user-data-dir={tmp_path / 'profile'}"]
    dom = subprocess.run([chromium, *flags, "--dump-dom", page], capture_output=True, text=True, timeout=120).stdout
    facts = next(r for r in DESCRIPTOR["resources"] if r["name"] == "facts")
    assert f"{facts['title']} / {facts['title_zh']}" in dom
    first = _rows("facts")[0]
    region = next(r for r in _rows("regions") if r["region_id"] == first["region_id"])
    assert region["name_zh"] in dom  # the foreign key shown with its Chinese label
    shot = tmp_path / "facts.png"
    subprocess.run([chromium, *flags, f"--screenshot={shot}", "--window-size=1400,900", page], capture_output=True, timeout=120)
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 20_000
