"""Double-entry figures: Cohen's κ and the per-page agreement, on tiny inline passes."""
import pytest

from cnbef.curation.agreement import _page, agreement_table, kappa, overall


def test_kappa_of_a_textbook_table():
    # 20 yes/yes, 5 yes/no, 10 no/yes, 15 no/no: observed 0.7, by chance 0.5
    pairs = [("y", "y")] * 20 + [("y", "n")] * 5 + [("n", "y")] * 10 + [("n", "n")] * 15
    assert kappa(pairs) == pytest.approx(0.4)


def test_kappa_edges():
    assert kappa([]) is None
    assert kappa([("a", "a")] * 3) == 1.0  # one label only, always agreed
    assert kappa([("a", "b"), ("b", "a")]) == pytest.approx(-1.0)


def _fact(value, unit="%", qualifier="exact", period=("2022-01-01", "2022-12-31"), claim_type="achieved"):
    return dict(value=value, unit=unit, qualifier=qualifier, period=period, claim_type=claim_type)


def test_a_page_is_matched_on_offsets_and_compared_column_by_column():
    first = {10: _fact(4.5), 20: _fact(13, unit="家"), 30: _fact(6, qualifier="at_least", claim_type="target")}
    second = {10: _fact(4.5), 20: _fact(13, unit="個"), 40: _fact(2)}  # 30 a mention there, 40 a mention here
    row = _page("p", first, second)
    assert (row["facts_either"], row["facts_both"]) == (4, 2)
    assert (row["value"], row["unit"], row["qualifier"], row["period"], row["claim_type"]) == (2, 1, 2, 2, 2)
    table = agreement_table([row, _page("q", {1: _fact(1)}, {1: _fact(1, unit="％")})])
    assert "| `p` | 4 | 50 % | 100 % | 50 % |" in table and "**all pages** | 5 |" in table
    assert overall([row])["facts_both"] == 2


def test_units_are_compared_across_scripts():
    assert _page("p", {1: _fact(1, unit="億元")}, {1: _fact(1, unit="亿元")})["unit"] == 1
