"""``capex eval``: an extraction run scored against a gold file of annotated facts.

The gold format and the matching rules are those of the project's scorer
(``shared/eval/score.py``, format in ``shared/gold/README.md``), so a user's own gold file
scores the same here as there:

- a prediction matches the gold fact of the same type whose span it overlaps most, one to
  one; a match counts for precision and recall only when its value is right;
- an unmatched prediction is a false positive unless it overlaps only optional facts or
  lies after the article's end (a gold fact of type ``boilerplate``);
- entities compare as sets of names (Google = Alphabet …), years by the first four-digit
  year of the period, chips by family;
- `power` and `compute` facts are scored against the rows of the ``capacities`` table of
  that kind (values in MW and FLOP/s).

On top, the consolidated ``capex`` table is checked: each capex commitment of the gold
(its figure, owners and year; repeats merged) should have exactly one row with the right
entity, year and dollar value.
"""
from __future__ import annotations

import json
import math
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import fx
from .runs import read_table

KINDS = {"money": "amounts", "gpu": "gpu_counts", "date": "dates", "power": "capacities", "compute": "capacities"}
_LOW_HIGH = {"money": ("amount_low", "amount_high"), "gpu": ("count_low", "count_high"),
             "power": ("value_low", "value_high"), "compute": ("value_low", "value_high")}
_SEPARATORS = re.compile(r"[\s.,・'’\-_()]")
# Spellings of one organisation or chip that the gold and the tables may both use.
_NAME_ALIASES = {"google": "alphabet", "aws": "amazon", "amazonwebservices": "amazon",
                 "baiduaicloud": "baidu", "alibabacloud": "alibaba", "nvidiacorporation": "nvidia",
                 "metaplatforms": "meta", "facebook": "meta", "skhynixinc": "skhynix"}
_VENDORS = ("nvidia", "amd", "baidu", "huawei", "google", "amazon", "aws", "intel", "alibaba", "microsoft", "meta")
_CHIP_FAMILY = {"h100": "hopper", "h200": "hopper", "h800": "hopper", "h20": "hopper", "gh200": "hopper",
                "b100": "blackwell", "b200": "blackwell", "gb200": "blackwell", "b300": "blackwell",
                "gb300": "blackwell", "a100": "ampere", "a800": "ampere", "崑崙": "kunlun", "kunlunxin": "kunlun"}
# Relative tolerance of a value, as the written figure's rounding allows.
_TOLERANCE = 0.005
_NOWHERE = 10 ** 12


class GoldError(ValueError):
    """A gold file that cannot be read; the message names the file and line."""


@dataclass
class KindScore:
    gold: int = 0
    predicted: int = 0
    span_matched: int = 0
    value_correct: int = 0
    false_positives: int = 0
    missed: int = 0
    attributes: dict[str, tuple[int, int]] = field(default_factory=dict)  # name → (right, scored)
    missing_table: str | None = None

    @property
    def precision(self) -> float:
        return self.value_correct / self.predicted if self.predicted else 0.0

    @property
    def recall(self) -> float:
        return self.value_correct / self.gold if self.gold else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass(frozen=True)
class Error:
    what: str  # 'wrong value', 'wrong entity' …, 'false positive', 'missed'
    kind: str
    gold: dict[str, Any] | None
    pred: dict[str, Any] | None


@dataclass
class Report:
    kinds: dict[str, KindScore]
    capex_rows_fully_right: tuple[int, int]  # amounts rows: (right, gold capex facts)
    capex_commitments: tuple[int, int, int] | None  # capex table: (one row, found, commitments)
    errors: list[Error]
    documents: tuple[int, int] = (0, 0)  # (gold documents the run holds, gold documents)

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for kind, s in self.kinds.items():
            if s.missing_table:
                out[kind] = {"missing_table": s.missing_table, "gold": s.gold}
                continue
            out[kind] = {"gold": s.gold, "predicted": s.predicted, "span_matched": s.span_matched,
                         "value_correct": s.value_correct, "false_positives": s.false_positives,
                         "missed": s.missed, "precision": round(s.precision, 4), "recall": round(s.recall, 4),
                         "f1": round(s.f1, 4),
                         "attributes": {a: round(ok / n, 4) for a, (ok, n) in sorted(s.attributes.items())}}
        out["capex_rows_fully_right"] = "{}/{}".format(*self.capex_rows_fully_right)
        if self.capex_commitments is not None:
            one, found, total = self.capex_commitments
            out["capex_table"] = {"commitments": total, "found": found, "exactly_one_row": one}
        return out


# ---------------------------------------------------------------------------
# Reading


def read_gold(path: Path) -> list[dict[str, Any]]:
    """Gold facts, with the fields that hold alternatives as lists."""
    facts = []
    with open(path, encoding="utf-8-sig") as f:
        for n, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                g = json.loads(line)
                _check_gold(g)
            except (ValueError, TypeError) as e:
                raise GoldError(f"{path}:{n}: {e}") from None
            facts.append(_as_lists(g))
    return facts


def _check_gold(g: Any) -> None:
    if not isinstance(g, dict):
        raise ValueError("a gold fact is a JSON object")
    for name in ("doc", "type", "start", "end"):
        if name not in g:
            raise ValueError(f"no {name!r} (see the gold format: doc, type, text, start, end …)")
    if g["type"] in _LOW_HIGH and not {"low", "high"} <= set(g):
        raise ValueError(f"a {g['type']} fact needs 'low' and 'high'")


def _as_lists(g: dict[str, Any]) -> dict[str, Any]:
    for k in ("chip", "value"):
        if k in g and not isinstance(g[k], list):
            g[k] = [g[k]]
    if g.get("year") is not None and not isinstance(g["year"], list):
        g["year"] = [g["year"]]
    if "entity" in g and not isinstance(g["entity"], list):
        g["entity"] = [] if g["entity"] is None else [g["entity"]]
    return g


# ---------------------------------------------------------------------------
# Comparing values


def _blank(v: Any) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v)) or str(v).strip() in ("", "None", "nan", "null")


def _num(v: Any) -> float | None:
    try:
        f = float(v)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(f) else f


def name_key(s: Any) -> str:
    k = _SEPARATORS.sub("", str(s)).lower()
    return _NAME_ALIASES.get(k, k)


def names(v: Any) -> frozenset[str]:
    if _blank(v):
        return frozenset()
    if isinstance(v, (list, tuple)):
        return frozenset(name_key(x) for x in v if x)
    return frozenset(name_key(x) for x in str(v).split(";") if x.strip())


def chip_key(s: Any) -> str | None:
    """Chips compare by family without the vendor: NVIDIA H100 ~ Hopper."""
    if s is None:
        return None
    k = _SEPARATORS.sub("", str(s)).lower()
    for vendor in _VENDORS:
        if k.startswith(vendor) and len(k) > len(vendor):
            k = k[len(vendor):]
    k = re.sub(r"(gpu|chip|チップ)s?$", "", k) or k
    return _CHIP_FAMILY.get(k, k)


def year_of(period: Any) -> int | None:
    m = None if _blank(period) else re.search(r"\d{4}", str(period))
    return int(m.group(0)) if m else None


def _close(a: float | None, b: float, tolerance: float = _TOLERANCE) -> bool:
    return a is not None and abs(a - b) <= tolerance * max(abs(b), 1.0)


def value_ok(kind: str, g: dict[str, Any], p: dict[str, Any]) -> bool:
    if kind == "date":
        return str(p.get("value", "")).strip() in g["value"]
    low_col, high_col = _LOW_HIGH[kind]
    low, high = _num(p.get(low_col)), _num(p.get(high_col))
    if low is None:
        return False
    high = low if high is None else high
    if kind == "money" and str(p.get("currency", "")).strip().upper() != g["currency"]:
        return False
    if g.get("qualifier") == "vague":
        return low <= g["high"] and high >= g["low"]
    return _close(low, g["low"]) and _close(high, g["high"])


def entity_ok(g: dict[str, Any], got: Any) -> bool:
    got_names = names(got)
    return got_names == names(g["entity"]) or any(got_names == names(a) for a in g.get("entity_alt", []))


def attributes(kind: str, g: dict[str, Any], p: dict[str, Any]) -> dict[str, bool]:
    """{attribute: right?} for the attributes this gold fact scores."""
    if kind == "date":
        return {}
    qualifier = None if _blank(p.get("qualifier")) else str(p["qualifier"]).strip()
    r = {"entity": entity_ok(g, p.get("entity")), "qualifier": qualifier == g.get("qualifier")}
    if "year" in g:
        # A null year: the article gives no period, so the right prediction leaves it blank.
        r["year"] = year_of(p.get("period")) in (g["year"] if g["year"] is not None else [None])
    if kind == "money":
        r["metric"] = str(p.get("metric", "")).strip() in [g["metric"], *g.get("metric_alt", [])]
    if kind == "gpu":
        chip = None if _blank(p.get("chip")) else chip_key(p["chip"])
        r["chip"] = chip in {chip_key(c) for c in g["chip"]}
    return r


# ---------------------------------------------------------------------------
# Scoring


def score(gold_path: Path, out_dir: Path) -> Report:
    gold = read_gold(gold_path)
    tail: dict[str, int] = {}
    for g in gold:
        if g["type"] == "boilerplate":
            tail[g["doc"]] = min(tail.get(g["doc"], _NOWHERE), g["start"])
    docs = {g["doc"] for g in gold}

    def in_body(doc: str, start: int) -> bool:
        return start < tail.get(doc, _NOWHERE)

    kinds, errors = {}, []
    for kind, table in KINDS.items():
        golds = [g for g in gold if g["type"] == kind and in_body(g["doc"], g["start"])]
        rows = read_table(out_dir, table)
        if rows is None and not golds:
            continue  # a run of an older version, and nothing of this kind to find
        if rows is None:
            kinds[kind] = KindScore(gold=sum(not g.get("optional") for g in golds), missing_table=table)
            continue
        # One table holds both power and compute: its `kind` column says which.
        rows = [r for r in rows if table != "capacities" or str(r.get("kind", "")).strip() == kind]
        preds = [p for p in _spans(rows, docs) if in_body(p["doc"], p["start"])]
        kinds[kind] = _score_kind(kind, golds, preds, errors)
    capex = [g for g in gold if g["type"] == "money" and g.get("metric") == "capex"
             and not g.get("optional") and in_body(g["doc"], g["start"])]
    amounts = _spans(read_table(out_dir, "amounts") or [], docs)
    right = sum(any(_fully_right(g, p) for p in amounts if p["doc"] == g["doc"] and _overlap(g, p) > 0)
                for g in capex)
    table = read_table(out_dir, "capex")
    commitments = None if table is None else check_capex_table(capex, table)
    held = {d if d in docs else Path(d).name for d in (str(r.get("doc", "")) for r in read_table(out_dir, "documents") or [])}
    return Report(kinds, (right, len(capex)), commitments, errors, (len(docs & held), len(docs)))


def _spans(rows: list[dict[str, Any]], docs: set[str]) -> list[dict[str, Any]]:
    """Rows whose document is in the gold (by its path, else its file name), with int offsets."""
    out = []
    for p in rows:
        d = str(p.get("doc", ""))
        d = d if d in docs else Path(d).name
        s, e = _num(p.get("start")), _num(p.get("end"))
        if d in docs and s is not None and e is not None:
            out.append(dict(p, doc=d, start=int(s), end=int(e)))
    return out


def _overlap(g: dict[str, Any], p: dict[str, Any]) -> int:
    return min(g["end"], p["end"]) - max(g["start"], p["start"])


def _score_kind(kind: str, golds: list[dict[str, Any]], preds: list[dict[str, Any]],
                errors: list[Error]) -> KindScore:
    by_doc: dict[str, list[int]] = defaultdict(list)
    for i, g in enumerate(golds):
        by_doc[g["doc"]].append(i)
    pairs = sorted(((ov, i, j) for j, p in enumerate(preds) for i in by_doc[p["doc"]]
                    if (ov := _overlap(golds[i], p)) > 0), reverse=True)
    g_used: set[int] = set()
    p_used: set[int] = set()
    matches = []
    for _, i, j in pairs:
        if i not in g_used and j not in p_used:
            g_used.add(i)
            p_used.add(j)
            matches.append((i, j))
    # A prediction that only touches optional facts is neither right nor wrong.
    optional_only = {j for _, i, j in pairs if golds[i].get("optional")}
    optional_only -= {j for _, i, j in pairs if not golds[i].get("optional")}
    s = KindScore()
    tallies: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for i, j in matches:
        g, p = golds[i], preds[j]
        if g.get("optional"):
            continue
        s.span_matched += 1
        if value_ok(kind, g, p):
            s.value_correct += 1
        else:
            errors.append(Error("wrong value", kind, g, p))
        for name, good in attributes(kind, g, p).items():
            tallies[name][0] += good
            tallies[name][1] += 1
            if not good:
                errors.append(Error(f"wrong {name}", kind, g, p))
    matched = {j for _, j in matches}
    fp = [p for j, p in enumerate(preds) if j not in matched and j not in optional_only]
    fn = [g for i, g in enumerate(golds) if not g.get("optional") and i not in g_used]
    errors += [Error("false positive", kind, None, p) for p in fp] + [Error("missed", kind, g, None) for g in fn]
    s.gold = sum(not g.get("optional") for g in golds)
    s.predicted = s.span_matched + len(fp)
    s.false_positives, s.missed = len(fp), len(fn)
    s.attributes = {name: (ok, n) for name, (ok, n) in tallies.items()}
    return s


def _fully_right(g: dict[str, Any], p: dict[str, Any]) -> bool:
    a = attributes("money", g, p)
    return value_ok("money", g, p) and a["entity"] and a["metric"] and a.get("year", True)


# ---------------------------------------------------------------------------
# The consolidated capex table


def commitments(capex_gold: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The gold's capex commitments: a figure repeated for the same owners and year is one."""
    seen: dict[tuple, dict[str, Any]] = {}
    for g in capex_gold:
        k = (names(g["entity"]), tuple(g.get("year") or ()), g["currency"], g["low"], g["high"])
        seen.setdefault(k, g)
    return list(seen.values())


def check_capex_table(capex_gold: list[dict[str, Any]], rows: list[dict[str, Any]]) -> tuple[int, int, int]:
    """(commitments with exactly one right row, with at least one, all commitments)."""
    rates = fx.load_rates()
    one = found = 0
    wanted = commitments(capex_gold)
    for g in wanted:
        n = sum(_commitment_row(g, r, rates) for r in rows)
        found += n >= 1
        one += n == 1
    return one, found, len(wanted)


def _commitment_row(g: dict[str, Any], r: dict[str, Any], rates: dict[str, dict[int, float]]) -> bool:
    if str(r.get("metric", "")).strip() != "capex" or not entity_ok(g, r.get("entity")):
        return False
    years = g.get("year")
    if years is not None and _num(r.get("year")) not in [None if y is None else float(y) for y in years]:
        return False
    rate = fx.rate_for(g["currency"], next((y for y in years or () if y is not None), None), rates)
    low, high = _num(r.get("usd_low")), _num(r.get("usd_high"))
    if rate is None or low is None or high is None:
        return False
    want_low, want_high = g["low"] * rate.usd_per_unit, g["high"] * rate.usd_per_unit
    if g.get("qualifier") == "vague":
        return low <= want_high and high >= want_low
    return _close(low, want_low) and _close(high, want_high)
