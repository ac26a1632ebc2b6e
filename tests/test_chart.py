"""The key-indicators chart: a valid PNG, one bar per qualifying fact, reproducible, committed copy current."""
import csv
import struct
from decimal import Decimal

import pytest

from cnbef.publish.chart import CJK, GROWTH, draw, plotted_data, write_chart
from conftest import ROOT

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
COMMITTED = ROOT / "docs" / "key-indicators.png"


def _table(name: str) -> dict[str, dict]:
    with open(ROOT / "data" / f"{name}.csv", encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    return {r[next(iter(r))]: r for r in rows}  # keyed by the first column (the primary key)


def _expected() -> dict[str, dict[str, Decimal]]:
    """The panels (official growth indicators with achieved figures for two regions or more, the most regions
    first, at most four) and their facts' values, worked out from the tables without cnbef.publish."""
    measures, units = _table("measures"), _table("units")
    achieved = [(fid, f) for fid, f in _table("facts").items() if f["claim_type"] == "achieved"
                and measures[f["measure_id"]]["kind_id"] == GROWTH and measures[f["measure_id"]]["official_indicator"] == "true"]
    by_measure = {}
    for fid, f in achieved:
        by_measure.setdefault(f["measure_id"], {})[fid] = (f["region_id"], Decimal(f["value"]) * Decimal(units[f["unit_id"]]["multiplier"]))
    ranked = sorted((m for m, fs in by_measure.items() if len({r for r, _ in fs.values()}) >= 2),
                    key=lambda m: (-len({r for r, _ in by_measure[m].values()}), -len(by_measure[m]), m))
    return {m: {fid: v for fid, (_, v) in by_measure[m].items()} for m in ranked[:4]}


def _png_text(path) -> dict[str, str]:
    """The tEXt chunks of a PNG file."""
    raw = path.read_bytes()
    assert raw[:8] == PNG_SIGNATURE
    pos, text = 8, {}
    while pos < len(raw):
        length, kind = struct.unpack(">I4s", raw[pos:pos + 8])
        if kind == b"tEXt":
            key, _, value = raw[pos + 8:pos + 8 + length].partition(b"\0")
            text[key.decode("latin-1")] = value.decode("latin-1")
        pos += 12 + length
    return text


@pytest.fixture(scope="module")
def data():
    return plotted_data(ROOT)


def test_png_is_valid(tmp_path):
    out = write_chart(ROOT, tmp_path / "chart.png")
    raw = out.read_bytes()
    assert raw[:8] == PNG_SIGNATURE
    assert len(raw) > 10_000
    assert "plotted-data-sha256:" in _png_text(out)["Description"]
    assert "Software" not in _png_text(out)


def test_one_panel_per_compared_indicator_and_one_bar_per_achieved_fact(data):
    expected = _expected()
    assert expected, "no official growth indicator is reported for two regions"
    assert list(dict.fromkeys(data["panel"])) == list(expected)
    for panel, values in expected.items():
        plotted = data[data["panel"] == panel]
        assert sorted(plotted["fact_id"]) == sorted(values), panel
        for fact_id, value in zip(plotted["fact_id"], plotted["value"]):
            assert value == pytest.approx(float(values[fact_id])), fact_id
    fig = draw(ROOT, data)
    assert [sum(len(c) for c in ax.containers) for ax in fig.axes] == [len(v) for v in expected.values()]


def test_labels_are_english_and_mark_qualifiers(data):
    assert not any(CJK.search(t) for t in data["label"])
    for row in data.itertuples():
        if row.qualifier == "exact":
            assert row.mark == "" and (row.value_text[0].isdigit() or row.value_text[0] == "-")
        else:
            assert row.mark and row.value_text.startswith(row.mark)


def test_output_is_byte_deterministic(tmp_path):
    first = write_chart(ROOT, tmp_path / "a.png").read_bytes()
    second = write_chart(ROOT, tmp_path / "b.png").read_bytes()
    assert first == second


def test_committed_chart_is_current(tmp_path):
    assert COMMITTED.is_file(), "docs/key-indicators.png is missing; run python scripts/chart.py"
    fresh = write_chart(ROOT, tmp_path / "key-indicators.png")
    # The plotted data (and package version) first: its fingerprint is stored in the PNG.
    assert _png_text(COMMITTED).get("Description") == _png_text(fresh)["Description"], (
        "docs/key-indicators.png was drawn from other data or another version; run python scripts/chart.py")
    # Then the bytes: with the same data they differ only if the rendering did (matplotlib/Pillow version).
    assert COMMITTED.read_bytes() == fresh.read_bytes(), (
        "docs/key-indicators.png shows the current data but renders differently here (another matplotlib "
        "or Pillow version?); run python scripts/chart.py with the pinned requirements")
