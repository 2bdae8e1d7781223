"""Where a text's round brackets stand, found once, so that rules asking whether a figure
or a date stands inside a bracket bisect instead of scanning back to the text's start."""
from __future__ import annotations

import bisect
import re


class Brackets:
    def __init__(self, text: str) -> None:
        self.opens = [m.start() for m in re.finditer(r"\(", text)]
        self.closes = [m.start() for m in re.finditer(r"\)", text)]

    def last_open(self, start: int, end: int) -> int:
        """text.rfind("(", start, end)."""
        return _last(self.opens, start, end)

    def last_close(self, start: int, end: int) -> int:
        """text.rfind(")", start, end)."""
        return _last(self.closes, start, end)

    def first_close(self, start: int, end: int | None = None) -> int:
        """text.find(")", start, end)."""
        i = bisect.bisect_left(self.closes, start)
        return self.closes[i] if i < len(self.closes) and (end is None or self.closes[i] < end) else -1


def _last(positions: list[int], start: int, end: int) -> int:
    i = bisect.bisect_left(positions, end) - 1
    return positions[i] if i >= 0 and positions[i] >= start else -1
