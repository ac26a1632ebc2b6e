"""Simplified and traditional script: a traditional page (億元, 個百分點) is compared in simplified script, as the
dimension tables write their names."""
from functools import lru_cache


@lru_cache(maxsize=1)
def to_simplified():
    """OpenCC's traditional-to-simplified conversion (made once: its dictionaries take a moment to load)."""
    import opencc
    return opencc.OpenCC("t2s").convert
