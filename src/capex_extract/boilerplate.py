"""Where an article ends and the page's furniture (related links, navigation) begins."""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from .lexicon import DATA_DIR, alternation, read_rows

# Decoration around a heading such as 【関連記事】 or ■関連記事:.
_DECOR = r"[\s【】\[\]■□◆◇●○▼▽▲△★☆《》<>|:：・-]*"
# An article body is never shorter than this; a marker before it is a page header.
_MIN_BODY = 200


@lru_cache(maxsize=None)
def _marker(data_dir: Path = DATA_DIR) -> re.Pattern[str]:
    rows = read_rows(data_dir / "boilerplate.csv")
    lines = alternation([r["word"] for r in rows if r["kind"] == "line"])
    prefixes = alternation([r["word"] for r in rows if r["kind"] == "prefix"])
    return re.compile(rf"^(?:{_DECOR}(?:{lines}){_DECOR}$|[ \t]*(?:{prefixes}))", re.MULTILINE)


def body_end(text: str) -> int:
    """Offset where the article body ends: the first marker line past the first
    characters, else the end of the text."""
    m = _marker().search(text, _MIN_BODY)
    return m.start() if m else len(text)
