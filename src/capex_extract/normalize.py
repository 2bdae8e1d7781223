"""Text normalisation with an offset map back to the original text.

Rules run on a normalised copy (ASCII digits and letters, plain spaces, one tilde for the
many range marks) so that patterns stay simple; every match is mapped back so that a row's
``start``/``end`` index the original text and ``text == original[start:end]``.
"""
from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

# Marks written between the two ends of a range; all become "~".
_TILDES = "~\u301c\uff5e\u223c\u2053"  # ~ 〜 ～ ∼ ⁓
# Dashes that also separate range ends or stand for a minus; all become "-". Wire copy
# writes ranges with the box-drawing line (1200億─1500億ドル).
_DASHES = "\u2212\u2013\u2014\u2010\u2011\u2012\u2015\uff0d\u2500\u2501"  # − – — ‐ ‑ ‒ ― － ─ ━
_SPACES = "\u3000\u00a0\u2002\u2003\u2009\u202f"
# Invisible characters that only get in the way of patterns.
_DROP = "\ufeff\u200b\u200c\u200d\u2060"

_FIXED = {**{c: "~" for c in _TILDES}, **{c: "-" for c in _DASHES}, **{c: " " for c in _SPACES},
          **{c: "" for c in _DROP}}


def _normalise_char(ch: str) -> str:
    fixed = _FIXED.get(ch)
    if fixed is not None:
        return fixed
    if ch.isascii():
        return ch
    out = unicodedata.normalize("NFKC", ch)
    # Spacing marks such as ゛ decompose to a space plus a combining mark, which would
    # split a word in two: keep those as written.
    return ch if not out or " " in out else out


@dataclass(frozen=True)
class NormalizedText:
    """A normalised string plus, for each of its characters, where it came from."""

    original: str
    text: str
    # offsets[i] is the index in `original` of the character that produced text[i];
    # offsets[len(text)] == len(original).
    offsets: Sequence[int]

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Original (start, end) for the normalised slice text[start:end]."""
        if end <= start:
            o = self.offsets[start]
            return o, o
        # End just after the original character that produced text[end - 1], so a slice
        # never swallows dropped invisible characters that follow it.
        return self.offsets[start], self.offsets[end - 1] + 1


def normalize(original: str) -> NormalizedText:
    changed = {c: out for c in set(original) if (out := _normalise_char(c)) != c}
    if all(len(out) == 1 for out in changed.values()):
        # The usual case: every change keeps the length, so offsets are the identity.
        return NormalizedText(original, original.translate(str.maketrans(changed)), range(len(original) + 1))
    parts: list[str] = []
    offsets: list[int] = []
    for i, ch in enumerate(original):
        out = changed.get(ch, ch)
        parts.append(out)
        offsets.extend([i] * len(out))
    offsets.append(len(original))
    return NormalizedText(original, "".join(parts), tuple(offsets))
