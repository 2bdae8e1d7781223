"""From mentions to commitments: the ``capex``, ``gpu_fleet`` and ``capacity`` tables.

The fact tables list every mention. Here the mentions of all documents are grouped into
one row per (entity, metric, period) for amounts and per (entity, chip, period) for GPU
counts. Within a group each distinct figure is kept apart: the row shows the best
supported one with its quote, the spread of all of them, and a ``conflict`` flag when they
disagree; nothing is averaged. A figure repeated in one article counts once.

The ``capex`` table is made to be summed:
  - one statement, one row: a figure an article repeats (the headline, then the body)
    takes the most specific attribution the article gives it;
  - a figure of no period is a row of its own: two sites' budgets are not one commitment;
  - a later article's other figure is a revision (the latest leads, the earlier ones are
    its history); two figures of the same time are a conflict;
  - a total over several named owners (「4社の総額」) is marked ``aggregate``, to be left out
    of sums beside its members' own figures.

A pure function of the full rows, so it runs once after every document is extracted,
however the documents were (re)read.
"""
from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple, TypeVar

from .lexicon import DATA_DIR, alternation, read_rows
from .rows import Amount, Capacity, CapacityRow, CapexRow, Document, GpuCount, GpuFleetRow

# Same currency: as close as the rounding of a written figure allows.
SAME_CURRENCY_TOLERANCE = 0.005
# Different currencies compare in dollars at annual average rates, while an article
# converts at the day's rate: 「4,650億ドル(約70兆円)」 is one figure.
CROSS_CURRENCY_TOLERANCE = 0.05
# How far after 「AからBに」 a verb of change may start (「へほぼ倍増」), as in quantities.py.
_CHANGE_REACH = 6

_YEAR_LABEL = re.compile(r"(?:FY)?(\d{4})")
_YEAR = re.compile(r"\d{4}")

M = TypeVar("M", Amount, GpuCount, Capacity)


def period_key(label: str | None) -> str | None:
    """A calendar or a fiscal year is its year: news writes 今年 for the fiscal year a
    company reports in, so FY2025 and 2025 are one row. Quarters, halves and spans of
    years (a four-year plan) stay apart as written."""
    m = _YEAR_LABEL.fullmatch(label or "")
    return m.group(1) if m else label


def year_of(label: str | None) -> int | None:
    m = _YEAR.search(label or "")
    return int(m.group(0)) if m else None


def entity_key(entity: str | None) -> str | None:
    """Several owners in any order are the same owners: names sorted."""
    names = sorted({n for n in (entity or "").split(";") if n})
    return ";".join(names) or None


def capex_table(amounts: list[Amount], documents: list[Document], data_dir: Path = DATA_DIR) -> list[CapexRow]:
    """One row per (entity, metric, period) from the amounts of all documents."""
    words = _words(data_dir)
    newest, dated = _recency(documents), _dates(documents)
    keys = _statements(amounts)
    # Owners whose figure an article calls a total once (「4社の設備投資総額は…」) give a
    # total of that metric in its sentences that say nothing of it (「そして、2025年の支出は
    # …を超える」); in a sentence that does, the word must come before the figure.
    totalled = {(a.doc, *keys[id(a)][:2]) for a in amounts if _before(words.totals, a)}
    out = []
    for (entity, metric, period), grouped in _groups(
            amounts, lambda a: keys[id(a)], lambda a: (a.currency, a.amount_low, a.amount_high)):
        for figures in (_apart(grouped) if period is None else [grouped]):
            # 「そのうち約900億元を…」: a part of the whole, which it neither revises nor contradicts;
            # 「前年の1349億円から増加した」: another period's figure, compared, which neither.
            before = _changes(words, figures)
            wholes = [f for f in figures if not all(_before(words.part, m) or (id(m), "compare") in before
                                                     for m in f)] or figures
            # 「従来の3200億円から3400億円へ引き上げた」: the value before is an earlier one.
            current = [f for f in wholes if not all((id(m), "revise") in before for m in f)] or wholes
            conflict, revision = _disagreements(current, dated)
            revision = revision or len(current) < len(wholes)
            # The quote is the body's sentence rather than the headline that repeats it.
            best = _best(_newest_figures(current, dated) if revision else current, newest,
                         lambda a: a.qualifier == "vague", _in_headline)
            q = best[0]
            usd = [a for f in figures for a in f[:1] if a.usd_low is not None]
            out.append(CapexRow(
                entity, metric, period, year_of(period), _periods(figures), q.amount_low, q.amount_high, q.currency,
                q.usd_low, q.usd_high, min((a.usd_low for a in usd), default=None),
                max((a.usd_high for a in usd), default=None),
                ";" in (entity or "") and any(_before(words.totals, m) or (m.doc, entity, metric) in totalled
                                              and not words.totals.search(m.sentence) for f in figures for m in f),
                conflict, revision, _latest_known(best, dated), _history(wholes, best, dated),
                *_support(figures), _status(best), q.doc, q.start, q.end, q.text, q.sentence, q.rule))
    return sorted(out, key=_order)


class _Words(NamedTuple):
    totals: re.Pattern[str]  # data/totals.csv
    part: re.Pattern[str]  # a clause opening with cues.csv part_of (「このうち」「そのうち」)
    to: re.Pattern[str]  # after B of 「AからBに増加」: に/へ, then a cues.csv change verb
    since: re.Pattern[str]  # after A of 「Bで、前年のAから増加」: から, then a change verb
    revise: frozenset[str]  # the change verbs that revise a figure (cues.csv revise)


@lru_cache(maxsize=None)
def _words(data_dir: Path) -> _Words:
    cues = read_rows(data_dir / "cues.csv")
    parts = alternation(r["word"] for r in cues if r["kind"] == "part_of")
    change = alternation(r["word"] for r in cues if r["kind"] == "change")
    return _Words(re.compile(alternation(r["word"] for r in read_rows(data_dir / "totals.csv"))),
                  re.compile(rf"(?:^|[、,])\s*(?:{parts})"),
                  re.compile(rf"\s*[にへ][^、。,]{{0,{_CHANGE_REACH}}}?(?P<verb>{change})"),
                  re.compile(rf"\s*(?:から|より)[^、。,]{{0,{_CHANGE_REACH}}}?(?P<verb>{change})"),
                  frozenset(r["word"] for r in cues if r["kind"] == "revise"))


def _changes(words: _Words, figures: list[list[Amount]]) -> set[tuple[int, str]]:
    """(id, kind) of each mention that is the value before a change to another figure of
    its sentence (see _change)."""
    by_sentence: dict[tuple[str, str], list[tuple[int, Amount]]] = defaultdict(list)
    for i, f in enumerate(figures):
        for m in f:
            by_sentence[(m.doc, m.sentence)].append((i, m))
    return {(id(m), kind) for pairs in by_sentence.values() if len(pairs) > 1
            for i, m in pairs for j, c in pairs if i != j and (kind := _change(words, m, c))}


def _change(words: _Words, m: Amount, c: Amount) -> str | None:
    """`m` is the value before a change to `c` in one sentence (A of 「AからBに引き上げ」 or of
    「Bで、前年のAから増加」): "revise" when the verb revises a figure, else "compare" (A is
    another period's figure); None when not."""
    if m.doc != c.doc or m.sentence != c.sentence:
        return None
    a, b = m.sentence.find(m.text), m.sentence.find(c.text)
    if a < 0 or b < 0:
        return None
    if b < a:
        verb = words.since.match(m.sentence, a + len(m.text))
    else:
        b = m.sentence.find(c.text, a + len(m.text))
        verb = (words.to.match(m.sentence, b + len(c.text))
                if b >= 0 and m.sentence[a + len(m.text):b].strip() in ("から", "より") else None)
    return None if verb is None else "revise" if verb.group("verb") in words.revise else "compare"


def _statements(amounts: list[Amount]) -> dict[int, tuple]:
    """The row key of each mention (by id). A figure an article gives twice is one
    statement: the mention whose owners and period are fewer or unsaid (「米IT大手4社、
    3000億ドル超へ」 before the body names the four), and a headline's, take the key of the
    most specific mention of the same figure in the article."""
    own = {id(a): (entity_key(a.entity), a.metric, period_key(a.period)) for a in amounts}
    by_doc: dict[str, list[Amount]] = defaultdict(list)
    for a in amounts:
        if a.qualifier != "vague":  # 数千億ドル repeats no figure
            by_doc[a.doc].append(a)
    keys = dict(own)
    for mentions in by_doc.values():
        for m in mentions:
            headline = _in_headline(m)
            same = [c for c in mentions if c is not m and c.metric == m.metric and own[id(c)] != own[id(m)]
                    and (_narrower(own[id(m)], own[id(c)]) or headline and not _in_headline(c))
                    and _amounts_agree(m, c)]
            if same:
                keys[id(m)] = own[id(max(same, key=lambda c: _specificity(own[id(c)], c)))]
    return keys


def _before(words: re.Pattern[str], m: Amount) -> bool:
    """One of `words` before the figure in its sentence (「総額は、3000億ドル」「合計1.6兆円」);
    a word after it speaks of another figure (「1枚あたり1億ウォンで、総額は…」)."""
    at = m.sentence.find(m.text)
    return words.search(m.sentence, 0, at if at >= 0 else len(m.sentence)) is not None


def _in_headline(m: Amount) -> bool:
    """The document's first line, when it is no sentence (no 。): a headline."""
    at = m.sentence.find(m.text)
    return at >= 0 and m.start == at and not m.sentence.rstrip().endswith("。")


def _narrower(key: tuple, other: tuple) -> bool:
    """`key` says less than `other` and nothing against it: its owners are some of
    other's or unsaid, its period the same or unsaid."""
    (entity, _, period), (entity2, _, period2) = key, other
    names, names2 = set((entity or "").split(";")) - {""}, set((entity2 or "").split(";")) - {""}
    return names <= names2 and period in (None, period2)


def _specificity(key: tuple, m: Amount) -> tuple:
    entity, _, period = key
    return (period is not None, entity is not None, len((entity or "").split(";")), not _in_headline(m), -m.start)


def _apart(figures: list[list[Amount]]) -> list[list[list[Amount]]]:
    """Figures of no period, in groups: a figure, and what agrees with it in an article
    that gives it (the same figure in another currency, or rounded). With no period to
    compare, other figures are other things, not a conflict."""
    parent = list(range(len(figures)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    by_doc: dict[str, list[int]] = defaultdict(list)
    for i, f in enumerate(figures):
        if f[0].qualifier != "vague":
            for doc in dict.fromkeys(m.doc for m in f):
                by_doc[doc].append(i)
    for ids in by_doc.values():
        for n, i in enumerate(ids):
            for j in ids[n + 1:]:
                if _amounts_agree(figures[i][0], figures[j][0]):
                    parent[root(j)] = root(i)
    parts: dict[int, list[list[Amount]]] = {}
    for i, f in enumerate(figures):
        parts.setdefault(root(i), []).append(f)
    return list(parts.values())


def _dates(documents: list[Document]) -> dict[str, dt.date | None]:
    return {d.doc: d.published or d.reference_date for d in documents}


def _disagreements(figures: list[list[Amount]], dated: dict[str, dt.date | None]) -> tuple[bool, bool]:
    """(conflict, revision): two figures that disagree are a revision when every article
    giving one is older than every article giving the other, else (the same day, or a date
    unknown) a conflict."""
    spans = [[dated.get(m.doc) for m in f] for f in figures]
    if len({d for span in spans for d in span}) == 1:  # one date: no revision, and the first disagreement says all
        return not _agree([f[0] for f in figures], _amounts_agree), False
    conflict = revision = False
    for i, f in enumerate(figures):
        for j in range(i + 1, len(figures)):
            if (conflict and revision) or _amounts_agree(f[0], figures[j][0]):
                continue
            fd, gd = spans[i], spans[j]
            if None not in fd + gd and (max(fd) < min(gd) or max(gd) < min(fd)):  # type: ignore[type-var]
                revision = True
            else:
                conflict = True
        if conflict and revision:
            break
    return conflict, revision


def _newest_figures(figures: list[list[Amount]], dated: dict[str, dt.date | None]) -> list[list[Amount]]:
    """The figures the newest article gives: what a revised commitment stands at now."""
    newest = max((d for f in figures for m in f if (d := dated.get(m.doc)) is not None), default=None)
    return [f for f in figures if any(dated.get(m.doc) == newest for m in f)]


def _latest_known(mentions: list[Amount], dated: dict[str, dt.date | None]) -> dt.date | None:
    return max((d for m in mentions if (d := dated.get(m.doc)) is not None), default=None)


def _history(figures: list[list[Amount]], best: list[Amount], dated: dict[str, dt.date | None]) -> str | None:
    """The other figures of the row, oldest first: each with its date and documents."""
    others = [p[0] for p in _apart([f for f in figures if not _amounts_agree(f[0], best[0])])]  # a conversion once
    entries = []
    for f in sorted(others, key=lambda f: (_latest_known(f, dated) or dt.date.min, f[0].doc, f[0].start)):
        a, when = f[0], _latest_known(f, dated)
        value = _figure(a.amount_low) + ("" if a.amount_high == a.amount_low else "-" + _figure(a.amount_high))
        docs = ",".join(sorted({m.doc for m in f}))
        entries.append(f"{when.isoformat() if when else 'undated'} {value} {a.currency} ({docs})")
    return "; ".join(entries) or None


def _figure(value: float) -> str:
    return f"{value:.0f}" if value.is_integer() else repr(value)


def gpu_fleet_table(gpu_counts: list[GpuCount], documents: list[Document]) -> list[GpuFleetRow]:
    """One row per (entity, chip, period) from the GPU counts of all documents."""
    newest = _recency(documents)
    out = []
    for (entity, chip, period), figures in _groups(
            gpu_counts, lambda g: (entity_key(g.entity), g.chip, period_key(g.period)),
            lambda g: (g.count_low, g.count_high)):
        best = _best(figures, newest, lambda g: g.qualifier == "vague")
        q = best[0]
        out.append(GpuFleetRow(
            entity, chip, period, year_of(period), _periods(figures), q.count_low, q.count_high,
            min(f[0].count_low for f in figures), max(f[0].count_high for f in figures),
            q.h100e_low, q.h100e_high, q.h100e_basis, not _agree([f[0] for f in figures], _counts_agree),
            *_support(figures), _status(best), q.doc, q.start, q.end, q.text, q.sentence, q.rule))
    return sorted(out, key=_order)


def capacity_table(capacities: list[Capacity], documents: list[Document]) -> list[CapacityRow]:
    """One row per (entity, place, kind, period) from the capacities of all documents. When
    a newer article gives another figure than an older one (a site re-planned), that is a
    revision: the newest figure leads, the older ones stay in the spread."""
    newest = _recency(documents)
    out = []
    for (entity, place, kind, period), figures in _groups(
            capacities, lambda c: (entity_key(c.entity), c.place, c.kind, period_key(c.period)),
            lambda c: (c.value_low, c.value_high)):
        conflict = not _agree([f[0] for f in figures], _values_agree)
        revision = conflict and len({_latest(f, newest) for f in figures}) > 1
        best = (sorted(max(figures, key=lambda f: _latest(f, newest)), key=lambda m: (
            -newest.get(m.doc, dt.date.min).toordinal(), m.doc, m.start)) if revision
                else _best(figures, newest, lambda c: c.qualifier == "vague"))
        q = best[0]
        out.append(CapacityRow(
            entity, place, kind, period, year_of(period), _periods(figures), q.value_low, q.value_high, q.unit,
            min(f[0].value_low for f in figures), max(f[0].value_high for f in figures), conflict, revision,
            *_support(figures), _status(best), q.doc, q.start, q.end, q.text, q.sentence, q.rule))
    return sorted(out, key=lambda r: (r.entity is None, r.entity or "", r.place or "", r.kind, r.year or 0,
                                      r.period or "", r.doc))


def _latest(figure: list[M], newest: dict[str, dt.date]) -> dt.date:
    return max(newest.get(m.doc, dt.date.min) for m in figure)


def _groups(mentions: Iterable[M], key: Callable[[M], tuple], figure: Callable[[M], Hashable]
            ) -> list[tuple[tuple, list[list[M]]]]:
    """Mentions by group, then by figure. A figure whose owner is unknown stays with its
    own document: two unnamed parties are not one."""
    by: dict[tuple, dict[Hashable, list[M]]] = defaultdict(lambda: defaultdict(list))
    for m in sorted(mentions, key=lambda m: (m.doc, m.start)):
        k = key(m)
        by[(k, None if k[0] else m.doc)][figure(m)].append(m)
    return [(k, list(figures.values())) for (k, _), figures in by.items()]


def _recency(documents: list[Document]) -> dict[str, dt.date]:
    return {d.doc: d.published or d.reference_date or dt.date.min for d in documents}


def _best(figures: list[list[M]], newest: dict[str, dt.date], vague: Callable[[M], bool],
          later: Callable[[M], bool] = lambda m: False) -> list[M]:
    """The figure most documents give, a definite one before a vague one, then the one
    the newest article gives; its mentions with the newest article's first (within an
    article, `later` ones last)."""
    def ranked(f: list[M]) -> list[M]:
        return sorted(f, key=lambda m: (-newest.get(m.doc, dt.date.min).toordinal(), m.doc, later(m), m.start))

    def rank(f: list[M]) -> tuple:
        first = ranked(f)[0]
        return (-len({m.doc for m in f}), vague(first), -newest.get(first.doc, dt.date.min).toordinal(),
                first.doc, first.start)

    return ranked(min(figures, key=rank))


def _support(figures: list[list[M]]) -> tuple[int, int, int, str]:
    """Distinct figures, documents, mentions (a figure repeated in one article once), and
    the documents."""
    docs = sorted({m.doc for f in figures for m in f})
    mentions = sum(len({m.doc for m in f}) for f in figures)
    return len(figures), len(docs), mentions, ";".join(docs)


def _periods(figures: list[list[M]]) -> str | None:
    return ";".join(sorted({m.period for f in figures for m in f if m.period})) or None


def _status(mentions: list[M]) -> str | None:
    return next((m.status for m in mentions if m.status), None)


def _agree(figures: list[M], agree: Callable[[M, M], bool]) -> bool:
    return all(agree(a, b) for i, a in enumerate(figures) for b in figures[i + 1:])


def _overlap(low1: float, high1: float, low2: float, high2: float, tolerance: float) -> bool:
    return low1 <= high2 * (1 + tolerance) and low2 <= high1 * (1 + tolerance)


def _amounts_agree(a: Amount, b: Amount) -> bool:
    """One figure, or the same figure in two currencies; a vague amount (数千億ドル)
    agrees with any figure inside it. Without a dollar value, two currencies cannot be
    shown to agree."""
    if a.currency == b.currency:
        return _overlap(a.amount_low, a.amount_high, b.amount_low, b.amount_high, SAME_CURRENCY_TOLERANCE)
    if None in (a.usd_low, a.usd_high, b.usd_low, b.usd_high):
        return False
    return _overlap(a.usd_low, a.usd_high, b.usd_low, b.usd_high, CROSS_CURRENCY_TOLERANCE)  # type: ignore[arg-type]


def _values_agree(a: Capacity, b: Capacity) -> bool:
    return _overlap(a.value_low, a.value_high, b.value_low, b.value_high, SAME_CURRENCY_TOLERANCE)


def _counts_agree(a: GpuCount, b: GpuCount) -> bool:
    return _overlap(a.count_low, a.count_high, b.count_low, b.count_high, 0.0)


def _order(row: CapexRow | GpuFleetRow) -> tuple:
    second = row.metric if isinstance(row, CapexRow) else row.chip
    return (row.entity is None, row.entity or "", second is None, second or "", row.year or 0, row.period or "",
            row.doc, row.start)
