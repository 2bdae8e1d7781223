"""One document in, rows out: the pipeline of small components.

normalise → sentences → numbers and dates → amounts and GPU counts → tokens for the
sentences that hold them → entity, metric and period → rows with original offsets.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from . import fx
from .attribution import Attributor, OrgMention
from .dates import DateMatch, Reference, find_dates, infer_reference
from .gpus import GpuRules, find_gpu_counts
from .lexicon import Lexicon, load
from .money import currency_of, find_amounts, followed_by_open_paren
from .normalize import NormalizedText, normalize
from .numbers import find_numbers
from .quantities import Quantity
from .rows import Amount, DateMention, Extraction, GpuCount
from .sentences import split_sentences
from .tokens import tokenize

_YEAR = re.compile(r"(\d{4})")


@dataclass(frozen=True)
class _Rules:
    lex: Lexicon
    gpu: GpuRules
    attributor: Attributor
    rates: dict[str, dict[int, float]]


_rules: _Rules | None = None


def rules() -> _Rules:
    """Rule data is loaded and compiled once per process (and once per worker)."""
    global _rules
    if _rules is None:
        lex = load()
        _rules = _Rules(lex, GpuRules(lex), Attributor(lex), fx.load_rates())
    return _rules


def resolve_reference(text: str, published: dt.date | None = None, option: dt.date | None = None,
                      filename: dt.date | None = None) -> Reference:
    """published field, else --reference-date, else a date in the file name, else the year
    the article's own explicit dates point to; else unresolved (never a silent guess)."""
    for value, source in ((published, "published"), (option, "option"), (filename, "filename")):
        if value is not None:
            return Reference(value, value.year, source)
    return infer_reference(text) or Reference(None, None, "none")


def _year_of(label: str | None) -> int | None:
    m = _YEAR.search(label or "")
    return int(m.group(1)) if m else None


@dataclass
class _Found:
    q: Quantity
    kind: str  # 'money' or 'gpu'
    chip: str | None = None
    entity: str | None = None
    metric: str | None = None
    period: DateMatch | None = None


def extract(text: str, ref: Reference, doc: str = "-", doc_id: str | None = None) -> Extraction:
    r = rules()
    nt = normalize(text)
    t = nt.text
    sentences = split_sentences(t)
    numbers = find_numbers(t)
    dates = find_dates(t, ref)
    money = find_amounts(r.lex, t, numbers)
    gpus = find_gpu_counts(r.lex, r.gpu, t, numbers, [(q.start, q.end) for q in money])
    found = sorted([_Found(q, "money") for q in money] + [_Found(g.quantity, "gpu", g.chip) for g in gpus],
                   key=lambda f: f.q.start)
    _attribute(r, t, sentences, found, dates)
    doc_id = doc_id or doc
    out = Extraction()
    sentence_of = _sentence_lookup(sentences)
    for f in found:
        s, e = nt.span(f.q.start, f.q.end)
        sentence = _original_sentence(nt, sentence_of(f.q.start))
        p = f.period
        p_label, p_start, p_end = (p.label, p.start_date, p.end_date) if p else (None, None, None)
        if f.kind == "money":
            cur = currency_of(r.lex, f.q)
            rate = fx.rate_for(cur, _year_of(p_label) or ref.year, r.rates)
            usd = (lambda v: v * rate.usd_per_unit) if rate else (lambda v: None)
            out.amounts.append(Amount(
                doc, doc_id, s, e, text[s:e], float(f.q.low), float(f.q.high), cur, f.q.qualifier,
                f.metric or "other", f.entity, p_label, p_start, p_end, usd(f.q.low), usd(f.q.high),
                rate.usd_per_unit if rate else None, rate.year if rate else None, sentence, f.q.rule))
        else:
            out.gpu_counts.append(GpuCount(
                doc, doc_id, s, e, text[s:e], int(f.q.low), int(f.q.high), f.q.qualifier, f.chip, f.entity,
                p_label, p_start, p_end, sentence, f.q.rule))
    for d in dates:
        s, e = nt.span(d.start, d.end)
        out.dates.append(DateMention(doc, doc_id, s, e, text[s:e], d.label, d.start_date, d.end_date, d.precision,
                                     d.relative, _original_sentence(nt, sentence_of(d.start)), d.rule))
    return out


def _attribute(r: _Rules, t: str, sentences: list[tuple[int, int]], found: list[_Found],
               dates: list[DateMatch]) -> None:
    """Entity, metric and period for every amount and count, sentence by sentence."""
    mentions_of: dict[tuple[int, int], list[OrgMention]] = {}

    def mentions(sent: tuple[int, int], holds_facts: bool) -> list[OrgMention]:
        """Sentences with facts are always tokenized (Sudachi may know a name the
        dictionary does not); others only when a dictionary name appears in them."""
        if sent not in mentions_of:
            wanted = holds_facts or r.lex.org_re.search(t, *sent)
            tokens = tokenize(t[sent[0]:sent[1]], sent[0]) if wanted else []
            mentions_of[sent] = r.attributor.org_mentions(t, sent[0], sent[1], tokens)
        return mentions_of[sent]

    i = 0
    previous_metric: str | None = None
    previous_entity: str | None = None
    for k, sent in enumerate(sentences):
        here = []
        while i < len(found) and found[i].q.start < sent[1]:
            here.append(found[i])
            i += 1
        if not here:
            previous_metric = previous_entity = None
            continue
        # A sentence that leaves its subject out continues the one before: its topic, or
        # failing that whom the figures it named itself belonged to (one step, no further).
        previous_topic = (r.attributor.topic(mentions(sentences[k - 1], False)) if k else None) or previous_entity
        previous_entity = None
        periods = r.attributor.periods(t, [f.q for f in here], dates, sent)
        for f, period in zip(here, periods):
            own = r.attributor.entity(f.q, mentions(sent, True))
            f.entity = own or previous_topic
            if own:
                previous_entity = own
            f.period = period
            if f.kind == "gpu" and f.chip is None:
                f.chip = r.gpu.chip_near(t, f.q, sent)
            if f.kind == "money":
                f.metric = r.attributor.metric(t, f.q, sent) or previous_metric
        money_here = [f for f in here if f.kind == "money"]
        _restatements(t, money_here)
        if money_here:
            previous_metric = money_here[-1].metric


def _restatements(t: str, money: list[_Found]) -> None:
    """「4,650億ドル(約70兆円)」: the amount in brackets shares the first one's attribution."""
    for a, b in zip(money, money[1:]):
        if followed_by_open_paren(t, a.q, b.q):
            b.entity, b.metric, b.period = a.entity, a.metric, a.period


def _sentence_lookup(sentences: list[tuple[int, int]]):
    import bisect

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
    return extract(text, resolve_reference(text, option=reference_date))
