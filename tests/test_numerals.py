from decimal import Decimal

import pytest

from cnbef.text.numerals import number_tokens, parse_numeral


@pytest.mark.parametrize("written, value", [
    ("13.1", "13.1"), ("２", "2"), ("二", "2"), ("两", "2"), ("十", "10"), ("十六", "16"), ("二十", "20"),
    ("一百零五", "105"), ("三千", "3000"), ("万", "10000"), ("百亿", "10000000000"), ("万亿", "1000000000000"),
    ("一亿二千万", "120000000"), ("4万多", "40000"), ("30余", "30"), ("第二", "2"), ("第一", "1"), ("首", "1"), ("-3.2", "-3.2"), ("第3", "3"),
])
def test_parse_numeral(written, value):
    assert parse_numeral(written) == Decimal(value)


@pytest.mark.parametrize("bad", ["", "abc", "第", "十a"])
def test_parse_numeral_rejects_non_numerals(bad):
    with pytest.raises(ValueError):
        parse_numeral(bad)


def test_number_tokens_keep_units_out_and_skip_ordinary_words():
    tokens = [t.text for t in number_tokens("投资3000亿元，7000余万元，七项服务，排名第二，一流环境，万人助万企")]
    assert tokens == ["3000", "7000", "七", "第二"]


