"""Unit words after a numeral, and a list's shared unit (text/units.py), read by the draft and the validator alike."""
import pytest

from cnbef.text.units import after_list, unit_written


@pytest.mark.parametrize("after, unit", [("个工作日压缩", "个工作日"), ("万户市场主体", "万户"), ("億美元", "億美元"), ("的", None)])
def test_the_unit_word_is_read_longest_first_with_its_scale(after, unit):
    assert unit_written(after) == unit


@pytest.mark.parametrize("after, rest", [("、53、50个工作日", "个工作日"), ("至5天内", "天内"), ("—3.5 %", "%"), ("个工作日", "个工作日")])
def test_a_list_shares_the_unit_written_after_its_last_number(after, rest):
    assert after_list(after) == rest
