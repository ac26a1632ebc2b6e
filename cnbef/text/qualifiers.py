"""Qualifier words: what a word beside a number says about it, in both scripts, declared once (the draft proposes
them, the validator checks them). As the PRC Civil Code art. 1259 reads them, 以上/以下/以内 include the number."""

# word: (qualifier, where it stands: before the numeral, or after the numeral and its unit)
WORDS = {
    "以上": ("at_least", "after"), "以下": ("at_most", "after"), "以内": ("at_most", "after"), "以內": ("at_most", "after"),
    "超过": ("more_than", "before"), "超過": ("more_than", "before"), "超": ("more_than", "before"),
    "逾": ("more_than", "before"), "突破": ("more_than", "before"), "余": ("more_than", "after"), "餘": ("more_than", "after"), "多": ("more_than", "after"),
    "不满": ("less_than", "before"), "不滿": ("less_than", "before"), "不足": ("less_than", "before"),
    "约": ("approximately", "before"), "約": ("approximately", "before"), "近": ("approximately", "before"),
    "左右": ("approximately", "after"),
    "级": ("order_of_magnitude", "after"), "級": ("order_of_magnitude", "after"),
    "级以上": ("at_least_order_of_magnitude", "after"), "級以上": ("at_least_order_of_magnitude", "after"),
}
QUALIFIER_WORDS = {word: qualifier for word, (qualifier, _) in WORDS.items()}
# longest first, so that 超过 is read before 超 and 级以上 before 级
BEFORE = sorted((w for w, (_, at) in WORDS.items() if at == "before"), key=len, reverse=True)
AFTER = sorted((w for w, (_, at) in WORDS.items() if at == "after"), key=len, reverse=True)
