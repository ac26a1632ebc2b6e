"""Cue words of a claim type, in both scripts, declared once: the draft proposes a claim type from them, the
validator asks about a result whose quote says 力争 and a target whose sentence says none of them."""

import re

# Claim types that speak of the future: only these may be dated after their page.
FORWARD_LOOKING = {"target", "plan", "projection"}
# claim type: its cue words, strongest type first (a clause with 年产 is a capacity, whatever else it says)
CUES = {
    "capacity": ["年产", "年產", "产能", "產能", "生产能力", "生產能力", "年处理", "年處理"],
    "projection": ["预计", "預計", "可实现", "可實現", "有望", "将达", "將達"],
    "target": ["目标", "目標", "力争", "力爭", "确保", "確保", "争取", "爭取", "要达到", "要達到", "要实现", "要實現"],
    "plan": ["计划", "計劃", "谋划", "謀劃", "拟", "擬", "将", "將"],
}
# Words that make a figure forward-looking wherever they stand in its sentence (到2025年, 要, 将).
FORWARD_WORDS = [w for words in CUES.values() for w in words] + ["要", "到20", "至20"]
# Words in a result's own quote that say it is not one (争取, 确保 and 将 also describe results: 帮助企业争取贷款).
NOT_ACHIEVED = ["目标", "目標", "力争", "力爭", "计划", "計劃", "预计", "預計", "有望"]
# A plan or target said fulfilled is a result's measure, not a cue (完成年度投资计划的53%, 超额完成目标).
FULFILLED = re.compile(r"(?:完成|實現|实现|達成|达成)[^，,。；;]{0,10}(?:计划|計劃|目标|目標)")


def claim_type(clause: str) -> str:
    """The claim type the cue words of ``clause`` say: the strongest found, else achieved."""
    return next((kind for kind, words in CUES.items() if any(w in clause for w in words)), "achieved")
