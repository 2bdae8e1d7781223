"""The knowledge the rules read, loaded from the CSV files under ``data/``.

Every word list lives in a file a user can extend; this module turns them into
precompiled patterns once per process.
"""
from __future__ import annotations

import bisect
import csv
import os
import re
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .scan import WordScan
from .userdict import EMPTY, DictionaryError, UserDictionary


def _data_dir() -> Path:
    """The rule files: $CAPEX_DATA_DIR when set, else data/ beside the source tree (a
    checkout or an editable install), else the copy a wheel installs under share/."""
    if os.environ.get("CAPEX_DATA_DIR"):
        return Path(os.environ["CAPEX_DATA_DIR"])
    beside = Path(__file__).resolve().parents[2] / "data"
    if (beside / "organizations.csv").exists():
        return beside
    return Path(sys.prefix) / "share" / "capex-extract" / "data"


DATA_DIR = _data_dir()


def read_rows(path: Path) -> list[dict[str, str]]:
    """Rows of a data CSV; lines starting with '#' are comments (sources, how to extend)."""
    with open(path, encoding="utf-8", newline="") as f:
        lines = [line for line in f if line.strip() and not line.lstrip().startswith("#")]
    return [{k: (v or "").strip() for k, v in row.items()} for row in csv.DictReader(lines)]


def alternation(words: Iterable[str]) -> str:
    """A regex alternation that prefers the longest word (台湾ドル before ドル)."""
    unique = sorted({w for w in words if w}, key=lambda w: (-len(w), w))
    return "|".join(re.escape(w).replace(r"\ ", r"\s?") for w in unique)


_SCRIPT_CHANGE = re.compile(r"(?<=[A-Za-z0-9])(?=[^\x00-\x7f])|(?<=[^\x00-\x7f])(?=[A-Za-z0-9])")


def spaced_branches(words: Iterable[str]) -> list[tuple[str, str]]:
    """(word, its regex) longest first, where machine translation's space where Latin
    letters meet Japanese may stand or not: SKハイニックス also matches 「SK ハイニックス」."""
    unique = sorted({w for w in words if w}, key=lambda w: (-len(w), w))
    return [(w, r"\s?".join(re.escape(part).replace(r"\ ", r"\s?") for part in _SCRIPT_CHANGE.split(w)))
            for w in unique]


def spaced_alternation(words: list[str]) -> str:
    """Like ``alternation``, with the spaces of ``spaced_branches``."""
    return "|".join(branch for _, branch in spaced_branches(words))


@dataclass(frozen=True)
class Lexicon:
    currency_suffix: dict[str, str]
    currency_prefix: dict[str, str]
    currency_suffix_re: re.Pattern[str]
    currency_prefix_re: re.Pattern[str]
    subunit_fraction: dict[tuple[str, str], float]
    english_scale: dict[str, int]
    english_scale_re: re.Pattern[str]
    scaled_number_re: re.Pattern[str]  # 2.1Tドル: digits, an English scale, a currency word
    subunit_re: re.Pattern[str]
    qualifier_prefix: dict[str, str]
    qualifier_suffix: dict[str, tuple[str, bool]]
    qualifier_prefix_re: re.Pattern[str]
    qualifier_suffix_re: re.Pattern[str]
    qualifier_topic: dict[str, str]
    qualifier_topic_re: re.Pattern[str]  # 上限額は …: the word, then は/が/(
    metric_of: dict[str, str]
    org_canonical: dict[str, str]
    country_canonical: dict[str, str]
    country_re: re.Pattern[str]
    org_keys: tuple[str, ...]  # the alias keys, sorted: which text could still become a name
    org_scan: WordScan  # the aliases, found in one scan of a document
    chip_canonical: dict[str, str]
    chip_vendor: dict[str, str]
    chip_h100e: dict[str, tuple[float, str]]  # alias key → (dense FP16/BF16 relative to H100, source)
    chip_re: re.Pattern[str]
    vendor_re: re.Pattern[str]
    counter_re: re.Pattern[str]
    accelerator_re: re.Pattern[str]
    cluster_re: re.Pattern[str]
    not_gpu_re: re.Pattern[str]
    not_gpu_after_re: re.Pattern[str]
    gpu_words: dict[str, list[str]]  # every kind of gpu_words.csv, for the GPU rules to compose
    cues: dict[str, frozenset[str]]
    status_words: dict[str, tuple[str, bool]]  # word → (status kind, may end a compound noun)

    def begins_an_organization(self, k: str) -> bool:
        """Whether some alias key starts with `k`, to stop a lookup early. One bisection of
        the sorted keys: memory in proportion to them, where a set of every prefix of every
        key grows with the square of a long one."""
        i = bisect.bisect_left(self.org_keys, k)
        return i < len(self.org_keys) and self.org_keys[i].startswith(k)



def _check_vendors(user: UserDictionary, organizations: set[str]) -> None:
    """A chip's vendor is an organisation the rules know, or its chips name no maker."""
    for e in user.of("chip"):
        if e.vendor not in organizations:
            raise DictionaryError(f"{e.source}: chip {e.value!r}: vendor {e.vendor!r} is no organisation "
                                  "in data/organizations.csv or [organizations]")


def key(word: str) -> str:
    """Lookup key for a matched word: case and inner spaces do not matter."""
    return "".join(word.split()).casefold()


@lru_cache(maxsize=None)
def load(data_dir: Path = DATA_DIR, user: UserDictionary = EMPTY) -> Lexicon:
    """The rule data of `data_dir`, with the entries of the user's dictionaries added."""
    cur = read_rows(data_dir / "currencies.csv")
    suffix = {key(r["word"]): r["currency"] for r in cur if r["position"] == "suffix"}
    prefix = {key(r["word"]): r["currency"] for r in cur if r["position"] == "prefix"}
    scales = {r["word"]: int(r["multiplier"]) for r in read_rows(data_dir / "english_scales.csv")}
    qual = read_rows(data_dir / "qualifiers.csv")
    q_pre = {key(r["word"]): r["qualifier"] for r in qual if r["position"] == "prefix"}
    q_suf = {key(r["word"]): (r["qualifier"], r["attached"] == "yes") for r in qual if r["position"] == "suffix"}
    metric_rows = read_rows(data_dir / "metric_keywords.csv")
    metric_rows += [{"keyword": e.word, "metric": e.value} for e in user.of("metric")]
    metrics = {key(r["keyword"]): r["metric"] for r in metric_rows}
    orgs = read_rows(data_dir / "organizations.csv")
    orgs += [{"canonical": e.value, "alias": e.word} for e in user.of("organization")]
    org_canonical = {key(r["alias"]): r["canonical"] for r in orgs}
    countries = read_rows(data_dir / "countries.csv")
    chips = read_rows(data_dir / "chips.csv")
    chips += [{"alias": e.word, "canonical": e.value, "vendor": e.vendor or ""} for e in user.of("chip")]
    _check_vendors(user, {r["canonical"] for r in orgs})
    chip_canonical = {key(r["alias"]): r["canonical"] for r in chips}
    vendors = {r["vendor"] for r in chips}
    vendor_aliases = [r["alias"] for r in orgs if r["canonical"] in vendors]
    gpu = read_rows(data_dir / "gpu_words.csv")
    by_kind = lambda kind: [r["word"] for r in gpu if r["kind"] == kind]  # noqa: E731
    cues: dict[str, set[str]] = {}
    for r in read_rows(data_dir / "cues.csv"):
        cues.setdefault(r["kind"], set()).add(r["word"])
    words = lambda rows, col: [r[col] for r in rows]  # noqa: E731
    return Lexicon(
        currency_suffix=suffix,
        currency_prefix=prefix,
        currency_suffix_re=re.compile(alternation([r["word"] for r in cur if r["position"] == "suffix"])),
        currency_prefix_re=re.compile(alternation([r["word"] for r in cur if r["position"] == "prefix"])),
        subunit_fraction={(key(r["word"]), r["currency"]): float(r["fraction"])
                          for r in cur if r["position"] == "subunit"},
        subunit_re=re.compile(r"\s*と?\s*(?P<n>\d+|[〇一二三四五六七八九十]+)\s*(?P<w>"
                              + alternation([r["word"] for r in cur if r["position"] == "subunit"]) + ")"),
        english_scale=scales,
        english_scale_re=re.compile(rf"\s?({alternation(list(scales))})(?![A-Za-z])"),
        scaled_number_re=re.compile(
            rf"(?<![A-Za-z0-9.,])(?P<n>\d+(?:\.\d+)?)\s?(?P<scale>{alternation(list(scales))})\s?"
            rf"(?P<unit>{alternation([r['word'] for r in cur if r['position'] == 'suffix'])})"),
        qualifier_prefix=q_pre,
        qualifier_suffix=q_suf,
        qualifier_prefix_re=re.compile(alternation([r["word"] for r in qual if r["position"] == "prefix"])),
        qualifier_suffix_re=re.compile(alternation([r["word"] for r in qual if r["position"] == "suffix"])),
        qualifier_topic={key(r["word"]): r["qualifier"] for r in qual if r["position"] == "topic"},
        qualifier_topic_re=re.compile(
            rf"({alternation([r['word'] for r in qual if r['position'] == 'topic'])})\s*(?:は|が|\()"),
        metric_of=metrics,
        org_canonical=org_canonical,
        country_canonical={key(r["alias"]): r["canonical"] for r in countries},
        country_re=re.compile(spaced_alternation(words(countries, "alias"))),
        org_scan=WordScan(spaced_branches(words(orgs, "alias"))),
        org_keys=tuple(sorted(org_canonical)),
        chip_canonical=chip_canonical,
        chip_vendor={r["canonical"]: r["vendor"] for r in chips},
        chip_h100e={key(r["alias"]): (float(r["h100e"]), r["h100e_source"]) for r in chips if r.get("h100e")},
        chip_re=re.compile(spaced_alternation(words(chips, "alias")), re.IGNORECASE),
        vendor_re=re.compile(spaced_alternation(vendor_aliases), re.IGNORECASE),
        counter_re=re.compile(alternation(by_kind("counter"))),
        accelerator_re=re.compile(spaced_alternation(by_kind("accelerator")), re.IGNORECASE),
        cluster_re=re.compile(alternation(by_kind("cluster"))),
        not_gpu_re=re.compile(alternation(by_kind("not_gpu"))),
        not_gpu_after_re=re.compile(alternation(by_kind("not_gpu_after"))),
        gpu_words={kind: by_kind(kind) for kind in {r["kind"] for r in gpu}},
        cues={k: frozenset(v) for k, v in cues.items()},
        status_words={r["word"]: (r["status"], r["suffix"] == "yes")
                      for r in read_rows(data_dir / "status_words.csv")},
    )

