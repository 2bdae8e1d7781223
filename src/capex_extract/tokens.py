"""SudachiPy tokenization, loaded once per process.

Only sentences that hold a candidate amount or count are tokenized: Sudachi costs about
twenty times a regex scan, and the rules need tokens only to confirm what a regex found
(an organisation name that is a whole word, the particle after it).
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

# One Sudachi call accepts at most 49,149 bytes; split longer input at a safe point.
_MAX_BYTES = 48_000


@dataclass(frozen=True)
class Token:
    start: int
    end: int
    surface: str
    pos: tuple[str, ...]
    lemma: str  # dictionary form: 投じた → 投じる


@lru_cache(maxsize=1)
def _tokenizer():
    from sudachipy import Dictionary

    return Dictionary().tokenizer()


def _chunks(text: str) -> list[tuple[int, str]]:
    if len(text.encode("utf-8")) <= _MAX_BYTES:
        return [(0, text)]
    out, start = [], 0
    step = _MAX_BYTES // 4  # a character is at most four UTF-8 bytes
    while start < len(text):
        end = min(start + step, len(text))
        cut = max(text.rfind(c, start, end) for c in "。 \n、") if end < len(text) else end
        end = cut + 1 if cut > start else end
        out.append((start, text[start:end]))
        start = end
    return out


def tokenize(text: str, base: int = 0) -> list[Token]:
    """Tokens of `text`; offsets are shifted by `base` (the text's place in a document)."""
    from sudachipy import SplitMode

    tok = _tokenizer()
    out: list[Token] = []
    for offset, chunk in _chunks(text):
        for m in tok.tokenize(chunk, SplitMode.C):
            out.append(Token(base + offset + m.begin(), base + offset + m.end(), m.surface(),
                             tuple(m.part_of_speech()[:4]), m.dictionary_form()))
    return out
