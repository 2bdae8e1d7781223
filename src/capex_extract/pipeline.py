"""One document in, rows out: the pipeline of small components.

normalise → page furniture cut → sentences → numbers and dates → amounts and GPU counts
→ tokens for the sentences that may need them → entity, metric and period, sentence by
sentence (``discourse``) → rows with original offsets.
"""
from __future__ import annotations

import bisect
import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache

from . import fiscal, fx
from .attribution import Attributor
from .boilerplate import body_end
from .capacity import CapacityRules, find_capacities
from .dates import Reference, dateline, find_dates, infer_reference
from .discourse import Fact, attribute
from .gpus import GpuRules, find_gpu_counts
from .lexicon import Lexicon, load
from .money import currency_of, find_amounts
from .normalize import NormalizedText, normalize
from .numbers import MAX_VALUE, find_numbers
from .rows import Amount, Capacity, DateMention, Extraction, GpuCount
from .sentences import split_sentences
from .status import StatusRules
from .userdict import EMPTY, UserDictionary

_YEAR = re.compile(r"(\d{4})")
_UNITS = {"power": "MW", "compute": "FLOP/s"}
_MAX_COUNT = 2**63 - 1  # gpu_counts' int64 columns


@dataclass(frozen=True)
class _Rules:
    lex: Lexicon
    gpu: GpuRules
    capacity: CapacityRules
    attributor: Attributor
    status: StatusRules
    rates: dict[str, dict[int, float]]
    calendars: dict[str, fiscal.FiscalCalendar]


@lru_cache(maxsize=1)
def rules(user: UserDictionary = EMPTY) -> _Rules:
    """Rule data, with the user's dictionaries, is loaded and compiled once per process."""
    lex = load(user=user)
    return _Rules(lex, GpuRules(lex), CapacityRules(lex), Attributor(lex), StatusRules(lex), fx.load_rates(), fiscal.load_calendars())


def resolve_reference(text: str, published: dt.date | None = None, option: dt.date | None = None,
                      filename: dt.date | None = None) -> Reference:
    """published field, else --reference-date, else a date in the file name, else the date
    the article prints as its own (a dateline), else the year the article's own explicit
    dates point to (`text` is the normalised body); else unresolved, never a silent guess."""
    for value, source in ((published, "published"), (option, "option"), (filename, "filename"),
                          (dateline(text), "dateline")):
        if value is not None:
            return Reference(value, value.year, source)
    return infer_reference(text) or Reference(None, None, "none")


def _year_of(label: str | None) -> int | None:
    m = _YEAR.search(label or "")
    return int(m.group(1)) if m else None


def extract(text: str, doc: str = "-", doc_id: str | None = None, published: dt.date | None = None,
            option: dt.date | None = None, filename: dt.date | None = None,
            user: UserDictionary = EMPTY) -> Extraction:
    """Rows for one document. The reference date comes from `published`, else `option`
    (--reference-date), else `filename`, else the document's own dates. `user` holds the
    entries of the user's dictionaries."""
    r = rules(user)
    nt = normalize(text)
    # Related-article lists and navigation after the article are not its facts.
    end = body_end(nt.text)
    t = nt.text[:end]
    ref = resolve_reference(t, published, option, filename)
    sentences = split_sentences(t)
    too_large: list[tuple[int, int]] = []
    numbers = find_numbers(t, r.capacity.glued, too_large)
    dates = find_dates(t, ref)
    money = find_amounts(r.lex, t, numbers)
    gpus = find_gpu_counts(r.lex, r.gpu, t, numbers, [(q.start, q.end) for q in money])
    capacities = find_capacities(r.lex, r.capacity, t, numbers, [(q.start, q.end) for q in money]
                                 + [(g.quantity.start, g.quantity.end) for g in gpus])
    found = sorted([Fact(q, "money") for q in money] + [Fact(g.quantity, "gpu", g.chip) for g in gpus]
                   + [Fact(c.quantity, c.kind) for c in capacities], key=lambda f: f.q.start)
    capacity_of = {id(c.quantity): c for c in capacities}
    attribute(r.lex, r.attributor, r.gpu, r.status, t, sentences, found, dates)
    doc_id = doc_id or doc
    out = Extraction(reference_date=ref.date, reference_year=ref.year, reference_source=ref.source,
                     body_end=nt.offsets[end])
    sentence_of = _sentence_lookup(sentences)
    for f in (f for f in found if f.kept):
        s, e = nt.span(f.q.start, f.q.end)
        sentence = _original_sentence(nt, sentence_of(f.q.start))
        p = fiscal.dated(f.period, f.entity, r.calendars, ref.date)
        p_label, p_start, p_end = (p.label, p.start_date, p.end_date) if p else (None, None, None)
        if f.kind == "money":
            cur = currency_of(r.lex, f.q)
            rate = fx.rate_for(cur, _year_of(p_label) or ref.year, r.rates)
            per_unit = rate.usd_per_unit if rate else None
            out.amounts.append(Amount(
                doc, doc_id, s, e, text[s:e], float(f.q.low), float(f.q.high), cur, f.q.qualifier,
                f.metric or "other", f.entity, p_label, p_start, p_end,
                fx.to_usd(f.q.low, rate) if rate else None, fx.to_usd(f.q.high, rate) if rate else None,
                per_unit, rate.year if rate else None, sentence, f.q.rule, f.status))
        elif f.kind == "gpu" and f.q.high > _MAX_COUNT:
            out.notes.append(f"characters {s}–{e}: a count past what the table holds ({_MAX_COUNT:,}); "
                             "no row was made from it")
        elif f.kind == "gpu":
            out.gpu_counts.append(GpuCount(
                doc, doc_id, s, e, text[s:e], int(f.q.low), int(f.q.high), f.q.qualifier, f.chip, f.entity,
                p_label, p_start, p_end, sentence, f.q.rule, f.status,
                *r.gpu.h100e(t, f.q, sentence_of(f.q.start), f.chip)))
        else:
            c = capacity_of[id(f.q)]
            out.capacities.append(Capacity(
                doc, doc_id, s, e, text[s:e], c.kind, c.low, c.high, _UNITS[c.kind], f.q.qualifier, c.precision,
                f.entity, r.capacity.place(t, f.q, sentence_of(f.q.start)), p_label, p_start, p_end, sentence,
                f.q.rule, f.status))
    for start, end in too_large:
        s, e = nt.span(start, end)
        out.notes.append(f"characters {s}–{e}: a number of {e - s} characters is past the largest "
                         f"figure read (under {MAX_VALUE + 1:.0e}); no row was made from it")
    for d in dates:
        s, e = nt.span(d.start, d.end)
        out.dates.append(DateMention(doc, doc_id, s, e, text[s:e], d.label, d.start_date, d.end_date, d.precision,
                                     d.relative, _original_sentence(nt, sentence_of(d.start)), d.rule))
    return out


def _sentence_lookup(sentences: list[tuple[int, int]]):
    starts = [s for s, _ in sentences]

    def find(pos: int) -> tuple[int, int]:
        i = bisect.bisect_right(starts, pos) - 1
        return sentences[i] if i >= 0 else (pos, pos)

    return find


def _original_sentence(nt: NormalizedText, span: tuple[int, int]) -> str:
    s, e = nt.span(*span)
    return nt.original[s:e]


def extract_text(text: str, reference_date: dt.date | None = None) -> Extraction:
    """The rows ``capex extract`` would write for `text` (Python API)."""
    return extract(text, option=reference_date)
