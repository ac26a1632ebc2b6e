"""The qualifier words (cnbef/text/qualifiers.py): declared in both scripts, read alike by the validator and the draft."""
import pandas as pd
import pytest

from cnbef.curation.draft import _qualifier
from cnbef.text.qualifiers import AFTER, BEFORE, WORDS
from cnbef.text.script import to_simplified as _to_simplified
from cnbef.validation.checks.rules import qualifier_text


def test_every_word_is_declared_in_both_scripts_with_one_meaning():
    import opencc
    traditional = opencc.OpenCC("s2t").convert
    simplified = _to_simplified()
    for word, meaning in WORDS.items():
        for other in {traditional(word), simplified(word)}:
            assert WORDS.get(other) == meaning, f"{word} is declared, {other} is not (or means something else)"


@pytest.mark.parametrize("word", list(WORDS))
def test_the_validator_takes_each_word_for_its_meaning(word):
    meaning = WORDS[word][0]
    facts = pd.DataFrame({"qualifier_text": [word, word], "qualifier": [meaning, "exact"]}, dtype="string")
    problems = qualifier_text({"facts": facts}, {"facts": "data/facts.csv"})
    assert [(p.row, p.column) for p in problems] == [(3, "qualifier")]


@pytest.mark.parametrize("word", list(WORDS))
def test_the_draft_reads_each_word_where_it_stands(word):
    meaning, at = WORDS[word]
    before, after = (f"目标{word}", "，") if at == "before" else ("目标", f"{word}，")
    assert _qualifier(before, after) == (meaning, word)


def test_longer_words_are_read_first():
    assert BEFORE.index("超过") < BEFORE.index("超") and AFTER.index("级以上") < AFTER.index("级")
