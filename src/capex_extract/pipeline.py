"""One document in, rows out: the pipeline of small components.

normalise → sentences → numbers and dates → amounts and GPU counts → tokens for the
sentences that hold them → entity, metric and period → rows with original offsets.
"""
from __future__ import annotations

import bisect
import datetime as dt
import re
from dataclasses import dataclass

from . import fx
from .attribution import Attributor
from .boilerplate import body_end
from .dates import DateMatch, Reference, find_dates, infer_reference
from .gpus import GpuRules, find_gpu_counts
from .lexicon import Lexicon, load
from .money import currency_of, find_amounts, followed_by_open_paren
from .normalize import NormalizedText, normalize
from .numbers import find_numbers
from .quantities import Quantity
from .rows import Amount, DateMention, Extraction, GpuCount
from .sentences import split_sentences
from .tokens import Token, tokenize

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
    the article's own explicit dates point to (`text` is the normalised body); else
    unresolved, never a silent guess."""
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
    kept: bool = True  # False once the tokens show it is no fact after all


def extract(text: str, doc: str = "-", doc_id: str | None = None, published: dt.date | None = None,
            option: dt.date | None = None, filename: dt.date | None = None) -> Extraction:
    """Rows for one document. The reference date comes from `published`, else `option`
    (--reference-date), else `filename`, else the document's own dates."""
    r = rules()
    nt = normalize(text)
    # Related-article lists and navigation after the article are not its facts.
    end = body_end(nt.text)
    t = nt.text[:end]
    ref = resolve_reference(t, published, option, filename)
    sentences = split_sentences(t)
    numbers = find_numbers(t)
    dates = find_dates(t, ref)
    money = find_amounts(r.lex, t, numbers)
    gpus = find_gpu_counts(r.lex, r.gpu, t, numbers, [(q.start, q.end) for q in money])
    found = sorted([_Found(q, "money") for q in money] + [_Found(g.quantity, "gpu", g.chip) for g in gpus],
                   key=lambda f: f.q.start)
    _attribute(r, t, sentences, found, dates)
    doc_id = doc_id or doc
    out = Extraction(reference_date=ref.date, reference_year=ref.year, reference_source=ref.source,
                     body_end=nt.offsets[end])
    sentence_of = _sentence_lookup(sentences)
    for f in (f for f in found if f.kept):
        s, e = nt.span(f.q.start, f.q.end)
        sentence = _original_sentence(nt, sentence_of(f.q.start))
        p = f.period
        p_label, p_start, p_end = (p.label, p.start_date, p.end_date) if p else (None, None, None)
        if f.kind == "money":
            cur = currency_of(r.lex, f.q)
            rate = fx.rate_for(cur, _year_of(p_label) or ref.year, r.rates)
            per_unit = rate.usd_per_unit if rate else None
            out.amounts.append(Amount(
                doc, doc_id, s, e, text[s:e], float(f.q.low), float(f.q.high), cur, f.q.qualifier,
                f.metric or "other", f.entity, p_label, p_start, p_end,
                f.q.low * per_unit if per_unit else None, f.q.high * per_unit if per_unit else None,
                per_unit, rate.year if rate else None, sentence, f.q.rule))
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
    """Entity, metric and period for every amount and count, sentence by sentence.

    Japanese leaves a known subject out, so a sentence that names no owner continues the
    sentences before it (``carried``) until a generic owner breaks the chain; 同社 and 両社
    point to the company or list named last (``last_named``, ``last_list``); a figure with
    no period of its own takes the one its introducing sentence named; a sentence with
    no metric keyword keeps the previous sentence's metric within a paragraph."""
    carried: str | None = None
    last_named: str | None = None
    last_list: str | None = None
    previous_metric: str | None = None
    held_facts = False
    previous_fact_period: DateMatch | None = None
    section_period: DateMatch | None = None  # named by the heading over a list of lines
    i = 0
    for k, sent in enumerate(sentences):
        here = []
        while i < len(found) and found[i].q.start < sent[1]:
            here.append(found[i])
            i += 1
        previous_held_facts, held_facts = held_facts, bool(here)
        if _is_heading(t, sent):
            section_period = _last_period(dates, sent)
        if k and "\n" in t[sentences[k - 1][1]:sent[0]]:
            previous_metric = None
        # Sudachi runs only where it can matter: sentences with figures or with a name.
        if not here and not r.attributor.may_name(t, sent):
            previous_metric = None
            continue
        tokens = tokenize(t[sent[0]:sent[1]], sent[0])
        view = r.attributor.view(t, sent[0], sent[1], tokens, last_named, last_list)
        generic_only = view.generic and not view.mentions
        for f in here:
            f.kept = f.kind == "money" or _counter_is_a_word(tokens, f.q)
        here = [f for f in here if f.kept]
        owners: list[str] = []
        keywords = r.attributor.keywords(t, tokens) if here else []
        periods = r.attributor.periods(t, [f.q for f in here], dates, sent)
        if k and not previous_held_facts:
            carried_period = _last_period(dates, sentences[k - 1])
        elif r.attributor.opens_with_part(t, sent[0]):
            carried_period = previous_fact_period  # 「このうち…」 is a part of the figure before
        else:
            carried_period = None
        carried_period = carried_period or section_period
        for f, period in zip(here, periods):
            f.period = period or carried_period
            if f.kind == "gpu" and f.chip is None:
                f.chip = r.gpu.chip_near(t, f.q, sent)
            own = r.attributor.entity(view, f.q, r.lex.chip_vendor.get(f.chip or ""))
            if f.kind == "money":
                f.metric = r.attributor.metric(t, f.q, keywords) or previous_metric
                # A whole geography's spending, no company named: the size of a market.
                if f.metric == "capex" and not own and r.attributor.market_wide(t, f.q, view):
                    f.metric = "market_size"
            if own:
                f.entity = own
                owners.append(own)
            elif view.refers_back(f.q):
                f.entity = last_named
            elif not generic_only and f.metric != "market_size":
                # A market's size belongs to no company unless one is named.
                f.entity = carried
        if here:
            previous_fact_period = here[-1].period
        money_here = [f for f in here if f.kind == "money"]
        _restatements(t, money_here)
        previous_metric = money_here[-1].metric if money_here else None
        # A は-topic carries on; a が-subject belongs to its clause, so the figures' owner does.
        if generic_only:
            carried = None
        elif here:
            carried = view.topic(subjects=False) or here[-1].entity
        else:
            carried = view.topic() or carried
        last_named = view.topic() or (owners[-1] if owners else None) or last_named
        last_list = view.last_list() or next((o for o in reversed(owners) if ";" in o), None) or last_list


_HEADING = re.compile(r"^\s*[【■◆●▼□◇]")


def _is_heading(t: str, sent: tuple[int, int]) -> bool:
    """「【2026年3月期 会社予想】」「■2025年度の計画」: a heading over the lines below it."""
    return bool(_HEADING.match(t, sent[0]))


# Dates that name a period a figure can belong to (not a day of an announcement).
_PERIODS = frozenset(("year", "half", "quarter", "fiscal_year", "fiscal_half", "fiscal_quarter"))


def _last_period(dates: list[DateMatch], sent: tuple[int, int]) -> DateMatch | None:
    """「…2026会計年度第2四半期の決算を発表した。売上高は467億ドルで」: a figure in a sentence
    naming no period belongs to the period named last by the sentence before it, when that
    sentence only introduced it (with figures of its own, its dates are theirs)."""
    named = [d for d in dates if sent[0] <= d.start < sent[1] and d.label and d.precision in _PERIODS]
    return named[-1] if named else None


def _counter_is_a_word(tokens: list[Token], q: Quantity) -> bool:
    """A counter is a word of its own (「5万|台|の」), not the head of one (「3|個人」)."""
    starts, ends = {tok.start for tok in tokens}, {tok.end for tok in tokens}
    counter_start = q.unit_end - len(q.unit)
    return counter_start in starts and q.unit_end in ends


def _restatements(t: str, money: list[_Found]) -> None:
    """「4,650億ドル(約70兆円)」: the amount in brackets shares the first one's attribution."""
    for a, b in zip(money, money[1:]):
        if followed_by_open_paren(t, a.q, b.q):
            b.entity, b.metric, b.period = a.entity, a.metric, a.period


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
