"""Unit words as Chinese news writes them after a number, in both scripts: what the draft proposes when units.csv
has no unit written there. Longest first, so that 个工作日 is read before 个 and 平方公里 before 公里."""
import re

WORDS = sorted({
    "个工作日", "個工作日", "工作日", "个工作小时", "個工作小時", "小时", "小時", "分钟", "分鐘", "秒", "天", "日", "周", "週",
    "个月", "個月", "年", "平方公里", "平方千米", "平方米", "公里", "千米", "公顷", "公頃", "亩", "畝", "米",
    "万人次", "萬人次", "人次", "万人", "萬人", "人", "户", "戶", "家", "个", "個", "项", "項", "条", "條", "件", "类", "類",
    "分", "美元", "港元", "欧元", "歐元", "辆", "輛", "台", "套", "座", "所", "张", "張", "本", "表", "期", "批", "批次", "个批次", "次", "位", "名", "倍", "元",
    "吨", "噸", "千瓦", "千瓦时", "千瓦時", "兆瓦", "个百分点", "個百分點", "百分点", "百分點",
}, key=len, reverse=True)
# A scale written with no unit after it (超1500万市场主体, 户籍人口106.7万): the scale itself is the unit written.
SCALES = ("万亿", "萬億", "亿", "億", "万", "萬")


# The numbers of a list that share the unit written after its last one (65、53、50个工作日; 3至5天).
LIST_TAIL = re.compile(r"(?:\s*[、和及与與至到~～—-]\s*[0-9０-９]+(?:[.．][0-9０-９]+)?)+")


def after_list(after: str) -> str:
    """The text after a list's last number, when ``after`` (the text right after a numeral) continues a list."""
    listed = LIST_TAIL.match(after)
    return after[listed.end():].lstrip(" \u3000") if listed else after


def unit_written(after: str) -> str | None:
    """The unit word at the start of ``after`` (the text right after a numeral), a scale before it included
    (万户, 亿美元), or None."""
    scale = next((s for s in SCALES if after.startswith(s)), "")
    word = next((w for w in WORDS if after.startswith(w, len(scale))), "")
    return scale + word or None
