"""What carries from one sentence to the next: subject, references back, metric, period.

Japanese leaves what the reader already knows unsaid, so a figure's owner, metric or
period often stands in an earlier sentence. ``attribute`` reads a document sentence by
sentence, asks ``attribution.Attributor`` what each sentence itself says, and fills the
gaps from a ``Discourse``, the little a reader keeps in mind between sentences.
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

from .attribution import PERIOD_PRECISIONS as _PERIODS, Attributor, SentenceView
from .brackets import Brackets
from .dates import DateMatch, announces_results, full_year_within, names_results, reported_results
from .gpus import GpuRules
from .lexicon import Lexicon
from .money import followed_by_open_paren
from .quantities import Quantity
from .status import StatusRules
from .tokens import Token, tokenize

# A results article says which period it reports in its lead: the headline, the dateline
# and the first paragraph or two. Later a period's results are a passing mention.
_LEAD = 400
_HEADING = re.compile(r"^\s*[【■◆●▼□◇]")


@dataclass
class Fact:
    """An amount, a count or a capacity on its way to a row."""

    q: Quantity
    kind: str  # 'money', 'gpu', 'power' or 'compute'
    chip: str | None = None
    entity: str | None = None
    metric: str | None = None
    period: DateMatch | None = None
    status: str | None = None  # plan, actual or forecast
    kept: bool = True  # False once the tokens show it is no fact after all


@dataclass
class Discourse:
    """What the sentences read so far leave for the next one."""

    carried: str | None = None  # the subject a sentence naming no one continues
    last_named: str | None = None  # what 同社/当社 refer to
    last_list: str | None = None  # what 両社/4社 refer to
    last_country: str | None = None  # whose government 政府 is
    metric: str | None = None  # of the previous sentence's last amount, within a paragraph
    list_metric: str | None = None  # named by a table's row label or a list's introduction
    fact_period: DateMatch | None = None  # of the previous figure, for 「このうち…」
    count_period: DateMatch | None = None  # of the previous sentence's last GPU count, within a paragraph
    intro_period: DateMatch | None = None  # named by a previous sentence that held no figure
    section_period: DateMatch | None = None  # named by the heading over the lines below it
    reported_period: DateMatch | None = None  # whose results the article reports (7~9月期決算)
    announced: bool = False  # the lead announced them (決算, 業績): all its figures are of that period
    results_announced: bool = False  # a lead sentence announced results (決算を発表した)
    label_line: tuple[int, int] | None = None  # the line before, if it held no figure: a table's label
    owners: list[str] = field(default_factory=list)  # named in the current sentence
    country_names: frozenset[str] = frozenset()  # the canonical names of countries

    def period_for(self, opens_with_part: bool, opens_with_contrast: bool = False) -> DateMatch | None:
        """The period of a figure whose own sentence names none. A sentence that turns away
        (一方、) takes none from the figure-less sentence before it, which spoke of another."""
        intro = None if opens_with_contrast else self.intro_period
        return intro or (self.fact_period if opens_with_part else None) or self.section_period

    def reported_for(self, f: Fact, t: str, sent: tuple[int, int]) -> DateMatch | None:
        """The reported period, for a figure that names none: every figure of an article that
        announced a period's results (「7~9月期決算を発表した」), else only results figures
        (revenue, a sentence naming results) of one that quotes them in passing (「…第4四半期
        の売上高が…」), not its market value or a training cost."""
        if self.reported_period is None or f.kind != "money":
            return None
        label = self.label_line or sent
        if self.announced or f.metric == "revenue" or names_results(t, *sent) or names_results(t, *label):
            return full_year_within(t, label[0], sent[1], self.reported_period)
        return None

    def note_results(self, t: str, sent: tuple[int, int], dates: list[DateMatch], facts: list[Fact]) -> None:
        """After a sentence: the period a lead sentence reports (an announced one is not
        replaced by one quoted in passing), and whether it may be a table's label line."""
        self.label_line = None if facts else sent
        if sent[0] >= _LEAD:
            return
        announced = announces_results(t, *sent)
        if (reported := _reported_period(t, dates)) and (reported[1] or not self.announced):
            self.reported_period, self.announced = reported[0], reported[1] or announced or self.results_announced
        self.results_announced = self.results_announced or announced

    def after_sentence(self, view: SentenceView, facts: list[Fact], generic_only: bool) -> None:
        # A は-topic carries on; a が-subject belongs to its clause, so the figures' owner does.
        if generic_only:
            self.carried = None
        elif facts:
            self.carried = view.topic(subjects=False) or facts[-1].entity
        else:
            self.carried = view.topic() or self.carried
        # 同社 means the topic (は) before a mere subject (が) of the sentence before.
        self.last_named = (view.topic(subjects=False) or view.topic() or (self.owners[-1] if self.owners else None)
                           or self.last_named)
        countries = [m.canonical for m in view.mentions if m.canonical in self.country_names]
        self.last_country = countries[-1] if countries else self.last_country
        lists = [o for o in self.owners if ";" in o]
        self.last_list = view.last_list() or (lists[-1] if lists else None) or self.last_list
        money = [f for f in facts if f.kind == "money"]
        self.metric = money[-1].metric if money else None
        if facts:
            self.fact_period = facts[-1].period
        counts = [f.period for f in facts if f.kind == "gpu"]
        self.count_period = counts[-1] if counts else None


def attribute(lex: Lexicon, attributor: Attributor, gpu: GpuRules, status: StatusRules, t: str,
              sentences: list[tuple[int, int]], facts: list[Fact], dates: list[DateMatch]) -> None:
    """Entity, metric, period and status for every fact (sorted by start), sentence by sentence."""
    ctx = Discourse(country_names=frozenset(lex.country_canonical.values()))
    i = 0
    date_starts = [d.start for d in dates]
    brackets = Brackets(t)
    for k, sent in enumerate(sentences):
        here = []
        while i < len(facts) and facts[i].q.start < sent[1]:
            here.append(facts[i])
            i += 1
        # Dates come sorted: the sentence's own are a slice, not a scan of the document.
        near = dates[bisect.bisect_left(date_starts, sent[0]):bisect.bisect_left(date_starts, sent[1])]
        if _HEADING.match(t, sent[0]) or _only_dates(t, sent, near):
            ctx.section_period = _last_period(near, sent)
        if k and "\n" in t[sentences[k - 1][1]:sent[0]]:
            ctx.metric = ctx.count_period = None
        # Sudachi runs only where it can matter: sentences with figures or with a name.
        if not here and not attributor.may_name(t, sent):
            ctx.metric, ctx.count_period, ctx.intro_period = None, None, _last_period(near, sent)
            ctx.note_results(t, sent, near, here)
            _note_list(attributor, t, sent, here, None, ctx)
            continue
        tokens = tokenize(t[sent[0]:sent[1]], sent[0])
        view = attributor.view(t, sent[0], sent[1], tokens, ctx.last_named, ctx.last_list, ctx.last_country)
        bounds = ({tok.start for tok in tokens}, {tok.end for tok in tokens}) if here else (set(), set())
        for f in here:
            f.kept = f.kind != "gpu" or _counter_is_a_word(bounds, f.q)
        here = [f for f in here if f.kept]
        for f, st in zip(here, status.statuses(t, [f.q for f in here], sent, tokens, brackets)):
            f.status = st
        generic_only = view.generic and not view.mentions
        _sentence(lex, attributor, gpu, t, sent, here, near, tokens, view, generic_only, ctx, brackets)
        ctx.after_sentence(view, here, generic_only)
        ctx.intro_period = None if here else _last_period(near, sent)
        ctx.note_results(t, sent, near, here)
        _note_list(attributor, t, sent, here, tokens, ctx)


def _sentence(lex: Lexicon, attributor: Attributor, gpu: GpuRules, t: str, sent: tuple[int, int],
              here: list[Fact], dates: list[DateMatch], tokens: list[Token], view: SentenceView,
              generic_only: bool, ctx: Discourse, brackets: Brackets) -> None:
    """Attribute the facts of one sentence, filling gaps from the discourse."""
    ctx.owners = []
    keywords = attributor.keywords(t, tokens) if here else []
    periods = attributor.periods(t, [f.q for f in here], dates, sent, brackets)
    carried_period = ctx.period_for(attributor.opens_with_part(t, sent[0]), attributor.opens_with_contrast(t, sent[0]))
    starts = tuple(f.q.start for f in here if f.kind == "money")
    each = attributor.respectively(t, view, [f.q for f in here], sent[1], brackets)
    for n, (f, period) in enumerate(zip(here, periods)):
        f.period = period or carried_period
        # Counts compared sentence after sentence (「Xは2024年に48万基…。Yは22万基で…」)
        # share the period of the count just before.
        if f.kind == "gpu" and f.period is None:
            f.period = ctx.count_period
        if f.kind == "gpu" and f.chip is None:
            f.chip = gpu.chip_near(t, f.q, sent)
        own = each.get(n) or attributor.entity(t, view, f.q, lex.chip_vendor.get(f.chip or ""))
        if f.kind == "gpu" and f.chip in lex.chip_vendor and gpu.shipped(t, f.q):
            own = lex.chip_vendor[f.chip]  # chips shipped or sold belong to their maker
        if f.kind == "money":
            metric, tier = attributor.metric(t, f.q, keywords, starts, view.stakes)
            # A line of a table or list (no 。) under a label takes the label's metric unless
            # a keyword of its own is joined to the figure or is its topic.
            if ctx.list_metric and tier > 1 and not _prose(t, sent):
                metric = ctx.list_metric
            # A figure whose only keyword heads a later clause continues the sentence before.
            f.metric = (ctx.metric if tier > 2 else None) or metric or ctx.metric
            # A whole geography's spending, no company named: the size of a market.
            if f.metric == "capex" and not own and attributor.market_wide(t, f.q, view):
                f.metric = "market_size"
            f.period = f.period or ctx.reported_for(f, t, sent)
            market = f.metric == "market_size"
        else:
            # A whole geography's power or compute (国内の需要は数ギガワット) is a market's.
            market = f.kind != "gpu" and not own and attributor.market_wide(t, f.q, view)
        if own:
            f.entity = own
            ctx.owners.append(own)
        elif view.refers_back(f.q):
            f.entity = ctx.last_named
        elif not generic_only and not market:
            # A market's size belongs to no company unless one is named.
            f.entity = ctx.carried
    _restatements(t, [f for f in here if f.kind == "money"])


def _prose(t: str, sent: tuple[int, int]) -> bool:
    return t[sent[1] - 1] in "。！？!?"


def _note_list(attributor: Attributor, t: str, sent: tuple[int, int], here: list[Fact],
               tokens: list[Token] | None, ctx: Discourse) -> None:
    """After a sentence: the metric that the table or list lines below it take. A row
    label (a line that is only a keyword) or a sentence introducing a list (以下の通り)
    names it; a prose sentence ends it, and the lines of the table or list keep it."""
    if here:
        if _prose(t, sent):
            ctx.list_metric = None
        return
    if (label := attributor.label_metric(t, sent)) is not None:
        ctx.list_metric = label
    elif attributor.list_intro.search(t, *sent):
        ctx.list_metric = attributor.list_metric(t, sent, tokens or tokenize(t[sent[0]:sent[1]], sent[0]))
    elif _prose(t, sent):
        ctx.list_metric = None


def _last_period(dates: list[DateMatch], sent: tuple[int, int]) -> DateMatch | None:
    """The last period a sentence names: 「…2026会計年度第2四半期の決算を発表した。」 lends
    it to the figures of the sentence after it."""
    named = [d for d in dates if sent[0] <= d.start < sent[1] and d.label and d.precision in _PERIODS]
    return (named[-1].whole or named[-1]) if named else None


def _only_dates(t: str, sent: tuple[int, int], dates: list[DateMatch]) -> bool:
    """A line that is only a period (「2026年3月期 第3四半期」) heads the lines below it."""
    if not dates or "\n" not in t[sent[1]:sent[1] + 2] or not all(d.precision in _PERIODS for d in dates):
        return False
    rest = t[sent[0]:sent[1]]
    for d in reversed(dates):
        rest = rest[:d.start - sent[0]] + rest[d.end - sent[0]:]
    return not rest.strip(" 。・|")


def _reported_period(t: str, dates: list[DateMatch]) -> tuple[DateMatch, bool] | None:
    """The last period of a lead sentence whose results it reports (「…7~9月期の決算を発表
    した」), and whether its results were announced (決算, 業績) rather than only quoted
    (第4四半期の売上高)."""
    named = [(d, kind) for d in dates if (kind := reported_results(t, d))]
    if not named:
        return None
    d, kind = named[-1]
    return d.whole or d, kind == "announced"


def _counter_is_a_word(bounds: tuple[set[int], set[int]], q: Quantity) -> bool:
    """A counter is a word of its own (「5万|台|の」), not the head of one (「3|個人」);
    `bounds` are where the sentence's tokens start and end."""
    starts, ends = bounds
    return q.unit_end - len(q.unit) in starts and q.unit_end in ends


def _restatements(t: str, money: list[Fact]) -> None:
    """「4,650億ドル(約70兆円)」: the amount in brackets shares the first one's attribution."""
    for a, b in zip(money, money[1:]):
        if followed_by_open_paren(t, a.q, b.q):
            b.entity, b.metric, b.period, b.status = a.entity, a.metric, a.period, a.status
