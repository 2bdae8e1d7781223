"""Who an amount belongs to (entity), what it measures (metric) and when (period).

The rules read one sentence, as a reader does; ``pipeline._attribute`` carries what a
sentence leaves out (its subject, its period) from the sentences before it, since
Japanese drops a known subject freely.

Entity: organisation names are dictionary aliases that are whole runs of Sudachi tokens
(or whole words where the script changes), or Sudachi's own organisation names. A name
that only sources a figure (「Xによると」), gives the money (「Xから」), only partners (「Xと組んで」) or makes the chips
counted (「NvidiaのH100」) is not the owner. Names joined by 、/と/や form one list, which
shares the amount; 同社 and 両社/4社 stand for the company or list named before. In the
amount's own clause the nearest topic or subject wins, then the nearest name; across
clauses a topic (は), then, if the amount's clause has no topic of its own, the nearest
name; then a subject after the amount.

Metric: the keyword joined to the amount (「40億ユーロの設備投資」「売上高は320億円」), else
the sentence's topic keyword before it, else the nearest keyword in the sentence.

Period: the date that governs the amount: one joined to it directly (「2023年の55億
ユーロ」「2029年に800億円」), else the nearest date before it in the sentence, else the
nearest after it; dates that are only points of comparison (「2024年比」) never govern.
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

from .brackets import Brackets
from .dates import DateMatch
from .lexicon import Lexicon, alternation, key, spaced_alternation
from .quantities import Quantity, skip_spaces
from .scan import Hits
from .tokens import Token

_PARENS = re.compile(r"\([^()]*\)")
_ORG_POS = ("名詞", "固有名詞", "組織名")
# 「40億ユーロの設備投資」「300億円を投資」: a keyword joined to the amount that precedes it.
_JOINED_BY_NO = re.compile(r"^(?:の|を|規模の|もの|という|程度の|分の|相当の)$")
_SUBJECT_GAP = frozenset(("は", "が", "も", "を"))
# How far from an amount (characters) its keyword, date or market scope may stand.
_REACH = 160
# 「ASMLが主導する資金調達で」: a subject inside a clause that modifies a noun.
_RELATIVE_CLAUSE = re.compile(r"\s*が[^、。「」]{0,12}?(?:する|した|している|していた)(?=\s*[\u4e00-\u9fff\u30a0-\u30ffA-Za-z])")
# 「ナスケール(Nscale)」: a katakana name glossed in Latin letters names a company; an
# all-capitals gloss explains a common noun instead (「クラウドインフラ(OCI)」).
_GLOSSED_NAME = re.compile(r"(?<![\u30a0-\u30ff])[\u30a1-\u30fa\u30fc・]{2,}\("
                           r"(?P<latin>[A-Z][A-Za-z0-9 .&'-]*[a-z][A-Za-z0-9 .&'-]*)\)")
# 「4社合計の」「両社を合わせた」: a list named as one total.
_TOTAL = re.compile(r"\s*(?:合計|を合わせ|を合計)")
# 「株式会社ネクサスコンピュート」「ハヤブサクラウド株式会社」: a company form makes a name an
# organisation even when no dictionary knows it.
_COMPANY_FORM = re.compile(r"(?:株式会社|\(株\))\s*(?P<after>[\u30a1-\u30fa\u30fc・A-Za-z\u4e00-\u9fff]{2,20})"
                           r"|(?P<before>[\u30a1-\u30fa\u30fc・A-Za-z\u4e00-\u9fff]{2,20}?)\s*(?:株式会社|\(株\))")
# A line that is only a company's name: a press release's byline.
_BYLINE = re.compile(r"^\s*(?:株式会社|\(株\))?\s*$")
_COPULA = re.compile(r"\s*(?:だ|である|です)(?:[。、]|$)")
# 「…を投資すると発表した関西電力系の通信会社、X。」「…を目指す(X)」: a name that ends its
# sentence (a noun-ended sentence, or a caption's closing bracket) is what it is about…
_SENTENCE_END = re.compile(r"\s*(?:[。]|\n|$)")
# …unless it only credits a source (「出典:X」「写真提供:X」).
_CREDIT_BEFORE = re.compile(r"(?:[:：]|出典|提供|写真|資料|画像)\s*[(「]?\s*$")
_RESPECTIVELY = re.compile(r"それぞれ|各々|各自")
_HEADLINE_OPENING = re.compile(r"\s*[「【(]?\s*$")
_HEADLINE_COMMA = re.compile(r"\s*[、,]")
_JOINED_NAME = re.compile(r"^\s*の\s*$")
_NAME_REST = re.compile(r"[^\s、。,「」()はがもにをでのと]{0,8}")
_TOPIC_AFTER = re.compile(r"\s*(?:は|が|も)(?!じめ)")
# The particles after a country that make it an owner (see _names).
_COUNTRY_PARTICLE = re.compile(r"\s*(?:は|が)(?!じめ)")
# 「売上高は前年同期比38.6%増の9337億台湾ドル」: the change between keyword and amount.
# Marks around a table's row label (「■売上高」「売上高:」).
_LABEL_MARKS = " 　【】[]■◆●▼□◇・:："
_CHANGE_PHRASE = re.compile(r"(?:前年同期|前年|前期|前四半期|同期)?比\s*(?:で\s*)?[0-9.]+\s*%\s*[増減](?:加|少)?の?"
                            r"|(?:前年|昨年|前期)並みの")


# Dates that name a period a figure can belong to (not a day of an announcement).
PERIOD_PRECISIONS = frozenset(("year", "half", "quarter", "range", "fiscal_year", "fiscal_half", "fiscal_quarter",
                               "fiscal_range"))


@dataclass(frozen=True)
class OrgMention:
    start: int
    end: int
    canonical: str
    particle: str | None  # 'topic' (は: scopes over the sentence), 'subject' (が: its clause) or None
    group: int  # mentions joined by 、/と/や share a group


@dataclass(frozen=True)
class SentenceView:
    """What the entity rules need to know about one sentence."""

    mentions: list[OrgMention]
    clause_starts: list[int]  # where each clause begins; the sentence start first
    anaphors: list[int]  # where 同社-like words stand
    generic: bool  # names a generic owner (大手の, 企業が) or unnamed companies (中国の大手4社が)
    byline: str | None = None  # the sentence is only a company's name (a press release's byline)
    topic_marks: list[int] = field(default_factory=list)  # where a topic particle は stands
    stakes: list[tuple[int, int]] = field(default_factory=list)  # stake words with a company as recipient

    def topic(self, subjects: bool = True) -> str | None:
        """The first topic (は), or with `subjects` also the first subject (が): what a
        following subjectless sentence is about. A byline is the topic of what follows."""
        if self.byline:
            return self.byline
        for m in self.mentions:
            if m.particle == "topic" or (subjects and m.particle):
                return _group_entity(self.mentions, m.group)
        return None

    def last_list(self) -> str | None:
        """The last list of two or more names, for a later 両社 or 4社."""
        lists = [e for m in self.mentions if ";" in (e := _group_entity(self.mentions, m.group))]
        return lists[-1] if lists else None

    def clause_of(self, q: Quantity) -> int:
        """Where the clause holding `q` begins (clause_starts are in order)."""
        i = bisect.bisect_right(self.clause_starts, q.start)
        return self.clause_starts[i - 1] if i else q.start

    def refers_back(self, q: Quantity) -> bool:
        return bool(self.anaphors) and self.anaphors[0] < q.start  # anaphors are in order


def without_parens(s: str) -> str:
    return _PARENS.sub("", s)


def _headline_subject(text: str, start: int, mentions: list[OrgMention]) -> list[OrgMention]:
    """「トヨタ、電池に1兆円」: a name that opens its sentence and stands alone before a
    comma is the subject of a wire headline (「Xなど、」 is one of several, so it is not)."""
    if not mentions or mentions[0].particle or not _HEADLINE_OPENING.match(text, start, mentions[0].start):
        return mentions
    first = mentions[0]
    alone = sum(m.group == first.group for m in mentions) == 1
    if not (alone and _HEADLINE_COMMA.match(text, first.end)):
        return mentions
    return [OrgMention(first.start, first.end, first.canonical, "topic", first.group), *mentions[1:]]


def _group_entity(mentions: list[OrgMention], group: int) -> str:
    """The names of a group of mentions (a list: 「NTT、KDDI、ソフトバンクの3社」) joined by ;,
    in order, each once."""
    return _group_entities(mentions).get(group, "")


# The groups of the mentions asked about last: the rules ask about each mention of a
# sentence in turn, and a list of many names would cost its length for each.
_GROUPS: tuple[list[OrgMention], dict[int, str]] | None = None


def _group_entities(mentions: list[OrgMention]) -> dict[int, str]:
    global _GROUPS
    memo = _GROUPS
    if memo is None or memo[0] is not mentions:
        names: dict[int, list[str]] = {}
        seen: dict[int, set[str]] = {}
        for m in mentions:
            new = [n for n in m.canonical.split(";") if n not in seen.setdefault(m.group, set())]
            names.setdefault(m.group, []).extend(new)
            seen[m.group].update(new)
        memo = _GROUPS = (mentions, {g: ";".join(ns) for g, ns in names.items()})
    return memo[1]


class _Spans:
    """Spans that do not overlap, kept in order, so that whether a new one overlaps any is
    a bisection: only the last one starting before its end can."""

    def __init__(self, spans: list[tuple[int, int, str]]) -> None:
        ordered = sorted(spans)
        self.starts, self.ends = [s for s, _, _ in ordered], [e for _, e, _ in ordered]

    def overlaps(self, start: int, end: int) -> bool:
        i = bisect.bisect_left(self.starts, end)
        return i > 0 and self.ends[i - 1] > start

    def add(self, spans: list[tuple[int, int, str]], span: tuple[int, int, str]) -> None:
        spans.append(span)
        i = bisect.bisect_left(self.starts, span[0])
        self.starts.insert(i, span[0])
        self.ends.insert(i, span[1])


def _script(text: str, i: int) -> str:
    """The writing system of text[i]: a name is a whole word where the script changes."""
    if i < 0 or i >= len(text):
        return ""
    ch = text[i]
    if ch.isascii():
        return "latin" if ch.isalnum() else "other"
    if "\u30a0" <= ch <= "\u30ff":
        return "katakana"
    if "\u3040" <= ch <= "\u309f":
        return "hiragana"
    if "\u4e00" <= ch <= "\u9fff" or ch in "々〆":
        return "kanji"
    return "other"


def _words(tokens: list[Token]) -> list[Token]:
    """The tokens without Sudachi's spaces: a name or keyword may stand across a space."""
    return [t for t in tokens if t.pos[0] != "空白"]


def _aside_end(text: str, pos: int) -> int:
    """Past the bracket that closes around `pos`, if any: a gloss such as
    「アルファベット(グーグルの親会社)」 does not break a list."""
    m = re.search(r"[()]", text[pos:pos + 40])
    return pos + m.end() if m and m.group(0) == ")" else pos


def _after_aside(text: str, pos: int) -> int:
    """Where the word after a name starts, past spaces and a bracketed aside:
    「台湾積体電路製造(TSMC)は」「百度(バイドゥ)は」."""
    pos = skip_spaces(text, pos)
    if pos < len(text) and text[pos] == "(":
        close = text.find(")", pos)
        if close >= 0:
            pos = close + 1
    elif pos < len(text) and text[pos] == ")":
        pos += 1
    return skip_spaces(text, pos)


def _ends_clause(prev: Token) -> bool:
    """A comma after a verb, an auxiliary or a conjunctive particle closes a clause
    (「…を公開し、」「…によると、」); one after a noun only separates a list, and one after
    a connective (「メタはまた、」) leaves the topic before it in charge."""
    return prev.pos[0] in ("動詞", "助動詞", "形容詞") or prev.pos[:2] == ("助詞", "接続助詞")


class Attributor:
    def __init__(self, lex: Lexicon) -> None:
        self.lex = lex
        source = alternation(list(lex.cues["source"]))
        self.source_after = re.compile(rf"\s*(?:など|等)?\s*(?:の[^、。]{{0,15}}?)?(?:{source})")
        self.giver_after = re.compile(rf"\s*(?:など|等)?\s*(?:{alternation(list(lex.cues['giver']))})")
        self.partner_after = re.compile(rf"\s*(?:など|等)?\s*(?:{alternation(list(lex.cues['partner']))})")
        # 「エヌビディア株を売却」「オープンAIへの投資」: shares held or a company invested in
        # name what the owner holds, not the owner (株式会社 is a company form, not shares).
        self.held_after = re.compile(rf"\s*(?:{alternation(list(lex.cues['holding']))})(?!式会社|価|主)"
                                     rf"|\s*(?:{alternation(list(lex.cues['investee']))})")
        # 「NvidiaのH100」「エヌビディアのAIチップの購入に」: the maker of the chips bought.
        self.vendor_after = re.compile(rf"\s*(?:の\s*)?(?:{lex.chip_re.pattern})"
                                       rf"|\s*の\s*(?:{lex.accelerator_re.pattern})(?!\s*(?:売上|事業|部門))",
                                       re.IGNORECASE)
        joiners = alternation(list(lex.cues["list_joiner"]))
        self.joiner = re.compile(rf"^(?:\s*(?:{joiners}|\(|\))\s*)*$")
        subject = alternation(list(lex.cues["subject"]))
        # 「富士通の2025年度の売上高は」: a name that owns the topic is the topic.
        self.particle = re.compile(rf"\s*(?:の[^、。,「」()はがもにをで]{{1,15}}?)?({subject})(?!の)")
        self.anaphor = re.compile(alternation(list(lex.cues["anaphor"])))
        # 「政府は」 alone, not 韓国政府 or 州政府 (a name or a generic word before it).
        self.government = re.compile(rf"(?<![\u4e00-\u9fff\u30a0-\u30ffA-Za-z])"
                                     rf"(?:{alternation(list(lex.cues['government']))})")
        self.plural_anaphor = re.compile(rf"(?<![0-9]){spaced_alternation(list(lex.cues['plural_anaphor']))}")
        # Only as a noun of its own (「大手の」「各社が」), not inside 「業界分析会社」.
        self.generic = re.compile(rf"(?:{alternation(list(lex.cues['generic']))})(?=\s*[はがのもにで])")
        surpass = alternation(list(lex.cues["surpass"]))
        # 「2024年比」「前年を上回る」, and a multiple of it (「前年同期の約44倍の」).
        self.comparison = re.compile(
            rf"\s*(?:{alternation(list(lex.cues['comparison']))}|を[^、。]{{0,6}}?(?:{surpass})"
            rf"|の\s*(?:{lex.qualifier_prefix_re.pattern})?\s*[0-9.]+\s*倍)")
        self.market_scope = re.compile(alternation(list(lex.cues["market_scope"])))
        self.open_future = re.compile(alternation(list(lex.cues["open_future"])))
        self.part_of = re.compile(rf"\s*(?:{alternation(list(lex.cues['part_of']))})")
        self.contrast = re.compile(rf"\s*(?:{alternation(list(lex.cues['contrast']))})")
        # 「OpenAIに100億ドルを投資」: a company as the recipient of an investment word; a
        # particle continued by hiragana is another word (にとって, によると, には).
        self.recipient_after = re.compile(rf"\s*(?:{alternation(list(lex.cues['recipient']))})(?![\u3040-\u309f])")
        self.stake = re.compile(alternation(list(lex.cues["stake"])))
        self.list_intro = re.compile(alternation(list(lex.cues["list_intro"])))
        links = alternation(list(lex.cues["date_link"]))
        self.direct_gap = re.compile(rf"^(?:{links})?(?:{lex.qualifier_prefix_re.pattern})?$")
        self._org_hits_of: tuple[str, Hits] | None = None

    def _org_hits(self, text: str) -> Hits:
        """The aliases in the document `text`, scanned once for all its sentences."""
        if self._org_hits_of is None or self._org_hits_of[0] is not text:
            self._org_hits_of = (text, self.lex.org_scan.hits(text))
        return self._org_hits_of[1]

    def market_wide(self, text: str, q: Quantity, view: SentenceView) -> bool:
        """「世界のAI関連支出は…6320億ドル」: a whole geography's spending, in the amount's clause."""
        return bool(self.market_scope.search(text, max(view.clause_of(q), q.start - _REACH), q.start))

    def may_name(self, text: str, sent: tuple[int, int]) -> bool:
        """Whether a sentence may name an owner, before paying for its tokens."""
        return bool(self._org_hits(text).search(*sent) or _GLOSSED_NAME.search(text, *sent)
                    or _COMPANY_FORM.search(text, *sent)
                    or self.lex.country_re.search(text, *sent) or self.anaphor.search(text, *sent))

    def opens_with_part(self, text: str, start: int) -> bool:
        """「このうち…」: the sentence is about a part of the figure before it."""
        return bool(self.part_of.match(text, start))

    def opens_with_contrast(self, text: str, start: int) -> bool:
        """「一方、…」: the sentence turns to another subject, away from the one before."""
        return bool(self.contrast.match(text, start))

    # -- organisations ---------------------------------------------------------------------
    def view(self, text: str, start: int, end: int, tokens: list[Token], last_named: str | None = None,
             last_list: str | None = None, last_country: str | None = None) -> SentenceView:
        """Owner candidates in text[start:end] (sources, givers and chip makers left out),
        with the sentence's clause boundaries. 同社 or 両社 as a topic or subject stands for
        `last_named` or `last_list`, the company or list named before, and 政府 for
        `last_country`."""
        words = _words(tokens)
        clauses = [start] + [b.end for a, b in zip(words, words[1:]) if b.surface in ("、", ",") and _ends_clause(a)]
        names = self._names(text, tokens)
        stakes: list[tuple[int, int]] = []
        for s, e, _ in list(names):
            if (stake := self._stake(text, e, end)) is not None:
                stakes.append(stake)
                names.remove((s, e, _))
        mentions = self._mentions(text, names)
        anaphors: list[tuple[int, int, str]] = []
        unnamed_owners = False
        for pattern, antecedent, plural in ((self.anaphor, last_named, False), (self.plural_anaphor, last_list, True),
                                            (self.government, last_country, True)):
            for m in pattern.finditer(text, start, end):
                if not (self._particle(text, m.end()) or (plural and _TOTAL.match(text, m.end()))):
                    continue
                # The nearest topic earlier in the same sentence comes first (「マイクロンの
                # HBM製品は…、同社のCEOは」), then the one named before the sentence; 4社
                # stands for a whole list (「NTT、KDDI、ソフトバンクの3社が」).
                before = [_group_entity(mentions, x.group) for x in mentions if x.end <= m.start() and x.particle]
                here = [e for e in before if (";" in e) == plural] if pattern is not self.government else []
                if here or antecedent:
                    anaphors.append((m.start(), m.end(), here[-1] if here else antecedent))
                elif plural:
                    unnamed_owners = True
        if anaphors:
            mentions = self._mentions(text, sorted(names + anaphors))
        mentions = _headline_subject(text, start, mentions)
        byline = (mentions[0].canonical if len(mentions) == 1
                  and _BYLINE.match(text[start:mentions[0].start] + text[mentions[0].end:end]) else None)
        topic_marks = [t.start for t in words if t.surface == "は" and t.pos[:2] == ("助詞", "係助詞")]
        return SentenceView(mentions, clauses, [m.start() for m in self.anaphor.finditer(text, start, end)],
                            unnamed_owners or bool(self.generic.search(text, start, end)), byline, topic_marks,
                            stakes)

    def _stake(self, text: str, name_end: int, end: int) -> tuple[int, int] | None:
        """The stake word a company ending at `name_end` receives (「Anthropicに20億ドルを
        投資」「OpenAIへの出資」), in the same stretch of the clause: no comma between, outside brackets."""
        m = self.recipient_after.match(text, _after_aside(text, name_end))
        if not m:
            return None
        # A restatement in brackets (「20億ドル(約2,800億円、…)の投資」) is no comma of the clause.
        stretch = _PARENS.sub(lambda p: " " * len(p.group(0)), text[m.end():min(end, m.end() + _REACH // 4)])
        stretch = re.split(r"[、,。]", stretch)[0]
        s = self.stake.search(stretch)
        return (m.end() + s.start(), m.end() + s.end()) if s else None

    def _mentions(self, text: str, spans: list[tuple[int, int, str]]) -> list[OrgMention]:
        mentions: list[OrgMention] = []
        group = 0
        for s, e, canonical in spans:
            if any(r.match(text, e) for r in (self.source_after, self.giver_after, self.partner_after,
                                               self.vendor_after, self.held_after)):
                continue
            if not mentions or not self.joiner.match(without_parens(text[_aside_end(text, mentions[-1].end):s])):
                group += 1
            mentions.append(OrgMention(s, e, canonical, self._particle(text, e, s), group))
        return mentions

    def _names(self, text: str, tokens: list[Token]) -> list[tuple[int, int, str]]:
        """Dictionary names that are whole runs of tokens, longest first, so that 「メタバース」
        is no メタ; then Sudachi's own organisation names. Keys ignore case and spaces, so
        「SK ハイニックス」 is SKハイニックス."""
        spans: list[tuple[int, int, str]] = []
        words = _words(tokens)
        i = 0
        while i < len(words):
            s, hit = words[i].start, None
            for j in range(i, len(words)):
                k = key(text[s:words[j].end])
                if not self.lex.begins_an_organization(k):
                    break
                if k in self.lex.org_canonical:
                    hit = (j, self.lex.org_canonical[k])
            if hit:
                spans.append((s, words[hit[0]].end, hit[1]))
                i = hit[0]
            i += 1
        taken = _Spans(spans)
        # Sudachi sometimes glues a name to what follows (「度(バイドゥ)」 is one token): a
        # match that no same-script letter continues is a whole word too.
        if tokens:
            for ms, me in self._org_hits(text).finditer(tokens[0].start, tokens[-1].end):
                if (not taken.overlaps(ms, me)
                        and _script(text, ms - 1) != _script(text, ms)
                        and _script(text, me) != _script(text, me - 1)):
                    taken.add(spans, (ms, me, self.lex.org_canonical[key(text[ms:me])]))
            for m in _GLOSSED_NAME.finditer(text, tokens[0].start, tokens[-1].end):
                if not taken.overlaps(m.start(), m.end()):
                    taken.add(spans, (m.start(), m.end(), m.group("latin").strip()))
            for m in _COMPANY_FORM.finditer(text, tokens[0].start, tokens[-1].end):
                name = m.group("after") or m.group("before")
                if not taken.overlaps(m.start(), m.end()):
                    taken.add(spans, (m.start(), m.end(), self.lex.org_canonical.get(key(name), name)))
            # A country owns a figure only as a topic or subject (「UAE は」), never as a place.
            for m in self.lex.country_re.finditer(text, tokens[0].start, tokens[-1].end):
                if (not taken.overlaps(m.start(), m.end())
                        and _script(text, m.start() - 1) != _script(text, m.start())
                        and self.particle.match(text, m.end()) and _COUNTRY_PARTICLE.match(text, m.end())):
                    taken.add(spans, (m.start(), m.end(), self.lex.country_canonical[key(m.group(0))]))
        for t in tokens:
            if t.pos[:3] == _ORG_POS and not taken.overlaps(t.start, t.end):
                taken.add(spans, (t.start, t.end, t.surface))
        return sorted(spans)

    def _particle(self, text: str, pos: int, start: int | None = None) -> str | None:
        """'topic' or 'subject' when a topic or subject particle stands at `pos`. Read from
        the text, not the tokens: Sudachi splits では into で|は and, after a space, reads
        「KDDI が」's が as a conjunction."""
        after = _after_aside(text, pos)
        if _RELATIVE_CLAUSE.match(text, after):
            return None
        if _COPULA.match(text, after):
            return "subject"  # 「恩恵を受けるのがエヌビディアだ」: the name in focus
        if _SENTENCE_END.match(text, after) and start is not None and not _CREDIT_BEFORE.search(text, max(0, start - 12), start):
            return "subject"
        m = self.particle.match(text, after)
        if not m and after > pos:
            # The gloss may stand inside the name: 「鴻海(ホンハイ)精密工業が」.
            m = self.particle.match(text, after + len(_NAME_REST.match(text, after).group(0)))
        if not m:
            return None
        return "topic" if m.group(1) in self.lex.cues["topic"] else "subject"

    @staticmethod
    def entity(text: str, view: SentenceView, q: Quantity, not_owner: str | None = None) -> str | None:
        """The owner named in the amount's own sentence, or None (see the module docstring).
        `not_owner` is the maker of the chips a count counts: left out unless it is the
        sentence's topic or subject (百度 running its own 崑崙 chips)."""
        clause = view.clause_of(q)
        mentions = [m for m in view.mentions if m.canonical != not_owner or m.particle]
        before = [m for m in mentions if m.end <= q.start]
        in_clause = [m for m in before if m.start >= clause]
        after = [m for m in mentions if m.start >= q.end and m.particle]
        # A clause with a topic of its own (「…、政府は1000億円を投じる」) takes no plain name
        # from an earlier clause.
        own_topic = any(clause <= p < q.start for p in view.topic_marks)
        earlier = [] if own_topic else before[-1:]
        # 「…と、貴州茅台の1兆8700億元」: a name joined to the amount by の owns it, whatever
        # the topic of the clause.
        joined = [m for m in in_clause if _JOINED_NAME.match(text[_after_aside(text, m.end):q.start])]
        for pick in (joined[-1:], [m for m in in_clause if m.particle][-1:], in_clause[-1:],
                     [m for m in before if m.particle == "topic"][-1:], earlier, after[:1]):
            if pick:
                return _group_entity(view.mentions, pick[0].group)
        return None

    def respectively(self, text: str, view: SentenceView, quantities: list[Quantity], end: int,
                     brackets: Brackets) -> dict[int, str]:
        """「A、B、Cの設備投資額はそれぞれ349億ドル、240億ドル、342億ドル」: each name of the
        list before それぞれ owns the amount in its place; {quantity index: owner}. The
        quantities are of the sentence that ends at `end`."""
        out: dict[int, str] = {}
        for m in _RESPECTIVELY.finditer(text, view.clause_starts[0] if view.clause_starts else 0, end):
            listed = [x for x in view.mentions if x.end <= m.start()]
            if not listed:
                break
            names = [x.canonical for x in view.mentions if x.group == listed[-1].group]
            # The amounts listed after それぞれ, up to the next name (「…、Amazonが19万6000基」
            # has an owner of its own); restated ones in brackets are skipped.
            stop = min((x.start for x in view.mentions if x.start >= m.end()), default=len(text))
            after = [i for i, q in enumerate(quantities) if m.end() <= q.start < stop
                     and not _in_parens(brackets, q.start, m.end())]
            if len(names) > 1 and len(after) == len(names):
                out.update(zip(after, names))
            break
        return out

    # -- metric ----------------------------------------------------------------------------
    def keywords(self, text: str, tokens: list[Token]) -> list[tuple[int, int, str]]:
        """Metric keywords as whole runs of tokens, longest first, or one token whose
        dictionary form is a keyword (投じた → 投じる), or that ends in one: the head of a
        Japanese compound is its last part (年間売上高, 国内市場は), so 投資家 and 収益性
        hold none."""
        words = _words(tokens)
        found: list[tuple[int, int, str]] = []
        i = 0
        while i < len(words):
            hit = None
            for j in range(min(len(words), i + 4) - 1, i - 1, -1):
                metric = self.lex.metric_of.get(key(text[words[i].start:words[j].end]))
                if metric is None and j == i:
                    metric = self.lex.metric_of.get(key(words[i].lemma)) or self._head_metric(words, i)
                if metric:
                    hit = (j, metric)
                    break
            if hit:
                found.append((words[i].start, words[hit[0]].end, hit[1]))
                i = hit[0]
            i += 1
        return found

    def _head_metric(self, words: list[Token], i: int) -> str | None:
        """The metric of a keyword that ends the compound words[i], alone or with the
        particle after it (国内市場 + は)."""
        surface = words[i].surface
        after = words[i + 1].surface if i + 1 < len(words) else ""
        for cut in range(1, len(surface) - 1):
            head = key(surface[cut:])
            metric = self.lex.metric_of.get(head) or self.lex.metric_of.get(head + after)
            if metric:
                return metric
        return None

    def label_metric(self, text: str, sent: tuple[int, int]) -> str | None:
        """The metric a line names when it is only a keyword: a results table's row label
        (「売上高」 over 「1.7兆円」)."""
        before, after = text[:sent[0]].rstrip(" \t"), text[sent[1]:].lstrip(" \t")
        if (before and before[-1] != "\n") or (after and after[0] != "\n"):
            return None
        metric = self.lex.metric_of.get(key(text[sent[0]:sent[1]].strip(_LABEL_MARKS)))
        return metric if metric != "none" else None

    def list_metric(self, text: str, sent: tuple[int, int], tokens: list[Token]) -> str | None:
        """The metric of a sentence that introduces a list (「部門別の売上高は以下の通り。」):
        its last keyword before the words that point at the list."""
        m = self.list_intro.search(text, *sent)
        named = [metric for s, _, metric in self.keywords(text, tokens) if m and s < m.start() and metric != "none"]
        return named[-1] if named else None

    def metric(self, text: str, q: Quantity, keywords: list[tuple[int, int, str]],
               amounts: tuple[int, ...] = (), stakes: list[tuple[int, int]] = ()) -> tuple[str | None, int]:
        """The metric of the keyword that describes the amount (`amounts`: where the
        sentence's amounts start): one joined to it (「40億ユーロの設備投資」「売上高は
        320億円」), else the sentence's topic keyword before it, unless that keyword has an
        amount of its own, else the nearest keyword. An investment word whose recipient is a
        company (`stakes`) buys a stake in it, which is no plant: other. With the metric, how
        closely its keyword describes the amount: 0 joined, 1 the topic, 2 only nearest, 3 in
        a later clause."""
        best: tuple[int, int, int, str, int] | None = None
        for start, end, metric in keywords:
            # Only keywords near the amount can describe it; the bound keeps long lines linear.
            if q.start <= start < q.end or metric == "none" or not -_REACH < start - q.start < _REACH:
                continue
            if start >= q.end:
                gap = without_parens(text[q.end:start]).strip()
                # A keyword after a comma heads the next clause or item (「…3400億円へ引き上げ、
                # 売上高も…」): it describes the amount only when nothing else does.
                tier = 0 if _JOINED_BY_NO.match(gap) else 3 if re.search(r"[、,]", gap) else 2
                dist, side = len(gap), 0
            else:
                gap = _CHANGE_PHRASE.sub("", without_parens(text[end:q.start])).strip()
                joined = gap in _SUBJECT_GAP or not gap
                # A topic keyword that already has its own amount (「売上高は23.8億ドルで、
                # …約75億ドル」) does not describe a later one.
                topic = ((bool(_TOPIC_AFTER.match(text, end)) or text[end - 1:end] in _SUBJECT_GAP)
                         and not any(end <= a < q.start for a in amounts))
                tier, dist, side = (0 if joined else 1 if topic else 2), len(gap), 1
            cand = (tier, dist, side, metric, start)
            if best is None or cand[:3] < best[:3]:
                best = cand
        if best is None:
            return None, 4
        if best[3] == "capex" and any(s <= best[4] < e for s, e in stakes):
            return "other", best[0]
        return best[3], best[0]

    # -- period ----------------------------------------------------------------------------
    def _governs_directly(self, text: str, d: DateMatch, q: Quantity) -> bool:
        if d.end > q.start or q.start - d.end > _REACH:
            return False
        gap = without_parens(text[d.end:q.start]).replace(" ", "")
        return bool(self.direct_gap.match(gap))

    def periods(self, text: str, quantities: list[Quantity], dates: list[DateMatch],
                sent: tuple[int, int], brackets: Brackets) -> list[DateMatch | None]:
        """The governing date of each quantity of one sentence. A period the text names
        but nothing resolves (来年 with no date to count from) still governs: it returns as
        is, without a label, so the quantity takes no period from elsewhere. Each quantity
        asks only the dates beside it, found by bisection, so that a sentence of many
        figures and dates costs in proportion to their number, not to its product."""
        in_sent = [d for d in dates if sent[0] <= d.start and d.end <= sent[1]
                   and (d.label or d.precision in PERIOD_PRECISIONS)]
        usable = [d for d in in_sent if not self.comparison.match(text, d.end)]
        starts, ends = [d.start for d in usable], [d.end for d in usable]
        direct = {id(q): self._direct(text, usable, ends, q) for q in quantities}
        owned = {id(d) for d in direct.values() if d is not None}
        # The dates no other figure is joined to, in order, apart by whether they stand in
        # a bracket that holds no figure of theirs (「(24年10月稼働)」), which makes them asides.
        brackets_of = [_bracket_of(brackets, d) for d in usable]
        free = _Nearest([id(d) not in owned and b is None for d, b in zip(usable, brackets_of)])
        bracketed = _Nearest([id(d) not in owned and b is not None for d, b in zip(usable, brackets_of)])
        futures = list(self.open_future.finditer(text, *sent))
        future_ends = [m.end() for m in futures]
        out: list[DateMatch | None] = []
        for q in quantities:
            if direct[id(q)] is not None:
                out.append(direct[id(q)])
                continue
            # 「2026年の稼働を目指し、将来的には250MWまで」: an open future between a date
            # and the figure leaves the figure without that date.
            horizon = self._horizon(text, futures, future_ends, sent[0], q.start)
            before, after = bisect.bisect_right(ends, q.start) - 1, bisect.bisect_left(starts, q.end)

            def holds_q(k: int) -> bool:
                opened, close = brackets_of[k]
                return opened < q.start and q.end <= close

            # A date in brackets is an aside, unless the bracket holds the figure too, or it
            # is the only date (「第1期(24年10月稼働)では」). Of the bracketed dates only the
            # nearest on each side can share a bracket with the figure.
            plain_before = [k for k in (free.before(before), bracketed.before(before))
                            if k >= 0 and (brackets_of[k] is None or holds_q(k))]
            plain_after = [k for k in (free.after(after), bracketed.after(after))
                           if k < len(usable) and (brackets_of[k] is None or holds_q(k))]
            for before_k, after_k in ((plain_before, plain_after),
                                      ([k for k in (free.before(before), bracketed.before(before)) if k >= 0],
                                       [k for k in (free.after(after), bracketed.after(after)) if k < len(usable)])):
                nearest = max(before_k, default=-1)
                if nearest >= 0 and usable[nearest].end > horizon:
                    out.append(usable[nearest])
                    break
                if after_k:
                    out.append(usable[min(after_k)])
                    break
            else:
                out.append(None)
        # 「2025年から2028年までに5兆円」: a figure dated by one end of a span of written years
        # belongs to the whole span.
        return [d.whole or d if d else None for d in out]

    def _direct(self, text: str, usable: list[DateMatch], ends: list[int], q: Quantity) -> DateMatch | None:
        """The last date joined directly to q: only dates ending within _REACH before it can be."""
        k = bisect.bisect_right(ends, q.start) - 1
        while k >= 0 and q.start - ends[k] <= _REACH:
            if self._governs_directly(text, usable[k], q):
                return usable[k]
            k -= 1
        return None

    def _horizon(self, text: str, futures: list[re.Match[str]], ends: list[int], start: int, at: int) -> int:
        """Where the last open-future word of text[start:at] starts, -1 if none. The
        sentence's words, found once, stand for it up to `at`; a word that runs past `at`
        is read again within it, as a search ending at `at` would."""
        i = bisect.bisect_right(ends, at)
        last = futures[i - 1].start() if i else -1
        if i < len(futures) and futures[i].start() < at:
            for m in self.open_future.finditer(text, futures[i].start(), at):
                last = m.start()
        return last


class _Nearest:
    """The nearest index at or before, and at or after, each index whose flag is set."""

    def __init__(self, flags: list[bool]) -> None:
        n = len(flags)
        self._before, self._after = [-1] * n, [n] * n
        last = -1
        for k in range(n):
            last = k if flags[k] else last
            self._before[k] = last
        last = n
        for k in range(n - 1, -1, -1):
            last = k if flags[k] else last
            self._after[k] = last
        self.n = n

    def before(self, k: int) -> int:
        return self._before[k] if 0 <= k < self.n else -1

    def after(self, k: int) -> int:
        return self._after[k] if 0 <= k < self.n else self.n


def _in_parens(brackets: Brackets, pos: int, since: int) -> bool:
    """Whether `pos` stands inside a bracket opened after `since`."""
    opened = brackets.last_open(since, pos)
    return opened >= 0 and brackets.last_close(opened, pos) < 0


def _bracket_of(brackets: Brackets, d: DateMatch) -> tuple[int, int] | None:
    """The bracket a date stands in, as (where it opens, where it closes), or None. A date in
    a bracket that does not also hold the figure is an aside."""
    opened = brackets.last_open(0, d.start)
    if opened < 0 or brackets.last_close(opened, d.start) >= 0:
        return None
    close = brackets.first_close(d.end)
    return (opened, close) if close >= 0 else None
