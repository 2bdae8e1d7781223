"""Sentence and paragraph boundaries in normalised text."""
from __future__ import annotations

import re

# A sentence ends at 。！？ (and ASCII ! ?) with any closing brackets after them, or at a
# line break. ASCII '.' is not an end: it sits inside 01.AI, 1.6 and URLs.
_SENTENCE = re.compile(r"[^。！？!?\n]*(?:[。！？!?]+[」』）)\]]*|\n|$)")


def split_sentences(text: str) -> list[tuple[int, int]]:
    """(start, end) of each non-blank sentence, in order."""
    out = []
    for m in _SENTENCE.finditer(text):
        start, end = m.start(), m.end()
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if end > start:
            out.append((start, end))
    return out
