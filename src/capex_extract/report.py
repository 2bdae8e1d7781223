"""``capex report``: one self-contained HTML page to check a run by eye.

Each document is shown with every extracted span highlighted, a colour per table, and a
hover title with what the rules made of it; above them, the consolidated capex table and
a chart of capex by entity and year as inline SVG. Nothing is loaded from the network: the
style, the chart and the small script that counts the highlights are all in the page.
"""
from __future__ import annotations

import html
import math
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from .readers import STDIN, iter_sources
from .rows import InputError
from .views import human as _money

COLOURS = {"amounts": "#ffd966", "gpu_counts": "#93d69b", "dates": "#9cc4f0", "capacities": "#f4b6d8"}
_SERIES = ("#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7",
           "#9c755f", "#bab0ac")


@dataclass(frozen=True)
class Span:
    table: str
    start: int
    end: int
    title: str


def _where(d: dict[str, Any]) -> str:
    """The file a document was read from, whatever folder this runs in: a relative path
    starts at the folder the run was made in (recorded by runs of this version)."""
    path = str(d["path"])
    folder = d.get("run_folder")
    return path if _blank(folder) or os.path.isabs(path) else os.path.join(str(folder), path)


def read_texts(documents: list[dict[str, Any]]) -> tuple[dict[str, str], list[str]]:
    """The original text of each document, read again from where the run found it; and
    the problems, once per file that cannot be read again (moved, read from stdin) and
    once per document that changed since."""
    by_file: dict[str, dict[str, str]] = {}
    for path in sorted({_where(d) for d in documents}):
        texts = by_file.setdefault(path, {})
        for src in iter_sources([path]) if path != STDIN and os.path.exists(path) else ():
            if not isinstance(src, InputError):
                texts[src.doc.partition("#")[2]] = src.text
    texts, missing, problems = {}, {}, []
    for d in documents:
        path = _where(d)
        text = by_file[path].get(str(d["doc"]).partition("#")[2])
        if text is None:
            missing.setdefault(path, []).append(str(d["doc"]))
        elif len(text) != int(d["n_chars"]):
            problems.append(f"{d['doc']}: {path} changed since the run; shown without its text")
        else:
            texts[d["doc"]] = text
    lost = []
    for path, docs in missing.items():
        what = "read from stdin" if path == STDIN else f"cannot read {path} again"
        whose = docs[0] if len(docs) == 1 else f"{len(docs)} documents ({docs[0]} …)"
        lost.append(f"{whose}: {what}; shown without the text")
    return texts, lost + problems


def spans(table: str, rows: Iterable[dict[str, Any]]) -> dict[str, list[Span]]:
    """Highlights by document, each with its hover title."""
    out: dict[str, list[Span]] = {}
    for r in rows:
        out.setdefault(str(r["doc"]), []).append(Span(table, int(r["start"]), int(r["end"]), _title(table, r)))
    return out


def _blank(v: Any) -> bool:
    return v is None or v == "" or (isinstance(v, float) and math.isnan(v))


def _number(v: Any) -> str:
    f = float(v)
    return f"{f:,.0f}" if abs(f) >= 1 or f == 0 else f"{f:g}"


def _value(low: Any, high: Any, unit: str = "") -> str:
    text = _number(low) if float(low) == float(high) else f"{_number(low)}–{_number(high)}"
    return f"{text} {unit}".strip()


def _title(table: str, r: dict[str, Any]) -> str:
    if table == "amounts":
        lines = [f"amount: {_value(r['amount_low'], r['amount_high'], r['currency'])}"]
        if not _blank(r.get("usd_low")) and r["currency"] != "USD":
            lines.append(f"in USD: {_value(r['usd_low'], r['usd_high'])} (rate of {r['fx_year']})")
        lines.append(f"metric: {r['metric']}")
    elif table == "gpu_counts":
        lines = [f"count: {_value(r['count_low'], r['count_high'])}", f"chip: {r.get('chip') or '—'}"]
    elif table == "capacities":
        lines = [f"{r['kind']}: {_value(r['value_low'], r['value_high'], r['unit'])}",
                 f"place: {r.get('place') or '—'}"] + ([f"precision: {r['precision']}"] if not _blank(r.get("precision"))
                                                       else [])
    else:
        lines = [f"date: {r.get('value') or '— (year unknown)'}", f"precision: {r['precision']}"]
    if table != "dates":
        lines += [f"entity: {r.get('entity') or '—'}", f"period: {r.get('period') or '—'}",
                  f"status: {r.get('status') or '—'}"]
        if not _blank(r.get("qualifier")):
            lines.append(f"qualifier: {r['qualifier']}")
    lines.append(f"rule: {r['rule']}")
    return "\n".join(lines)


def highlight(text: str, marks: list[Span]) -> str:
    """The text as HTML with each span in a <mark>; a span inside another nests, one that
    crosses another's edge is left out (the caller counts what was drawn)."""
    out, pos, open_ends = [], 0, []
    for s in sorted(marks, key=lambda s: (s.start, -s.end)):
        while open_ends and open_ends[-1] <= s.start:
            out.append(html.escape(text[pos:open_ends[-1]]) + "</mark>")
            pos = open_ends.pop()
        if s.start < pos or (open_ends and s.end > open_ends[-1]) or s.end > len(text):
            continue
        out.append(html.escape(text[pos:s.start]))
        out.append(f'<mark class="{s.table}" title="{html.escape(s.title)}">')
        pos = s.start
        open_ends.append(s.end)
    while open_ends:
        out.append(html.escape(text[pos:open_ends[-1]]) + "</mark>")
        pos = open_ends.pop()
    out.append(html.escape(text[pos:]))
    return "".join(out)


_YEAR = re.compile(r"(FY)?(\d{4})")
_SPAN = re.compile(r"(FY)?(\d{4})(?:-\d{2}){0,2}/(FY)?(\d{4})(?:-\d{2}){0,2}")


def period_group(period: str) -> tuple[tuple[int, int, int], str] | None:
    """Where a period goes on the chart's axis, and its label: a calendar or fiscal year
    (2025, FY2025), or a span of several years (FY2023/FY2027, 2025-01-23/2029-01-22) after
    the years it starts in; None for a part of a year (a quarter, a month, a day)."""
    if m := _YEAR.fullmatch(period):
        return (int(m[2]), 0, bool(m[1])), period
    if (m := _SPAN.fullmatch(period)) and int(m[4]) > int(m[2]):
        return (int(m[2]), int(m[4]) - int(m[2]), bool(m[1])), period
    return None


def _why_not_charted(r: dict[str, Any]) -> str | None:
    if _blank(r.get("entity")):
        return "no owner named"
    if _blank(r.get("period")):
        return "no period"
    if period_group(str(r["period"])) is None:
        return "a part of a year (quarter, half, month or day)"
    if _blank(r.get("usd_low")):
        return "no dollar value"
    return None


def series_colours(n: int) -> list[str]:
    """A colour per series, all different: the ten of a common palette, or as many hues
    evenly apart in three lightnesses when there are more."""
    if n <= len(_SERIES):
        return list(_SERIES[:n])
    return [f"hsl({round(360 * j / n)},{(70, 55, 80)[j % 3]}%,{(45, 32, 60)[j % 3]}%)" for j in range(n)]


def chart(capex: list[dict[str, Any]], height: int = 300) -> str:
    """Capex by entity and period in US dollars, as bars grouped by period: the leading
    figure's middle as the bar, the spread of all sources as a whisker, each bar named under
    it and coloured by owner. Years, fiscal years and spans of several years are charted;
    what is not (an aggregate, whose members are; a row without owner, period or dollar
    value; a part of a year) is counted with its reason under the chart."""
    capex = [r for r in capex if r["metric"] == "capex"]
    aggregates = [r for r in capex if str(r.get("aggregate")).lower() == "true"]
    reasons: dict[str, int] = {}
    points = []
    for r in capex:
        why = None if r in aggregates else _why_not_charted(r)
        if why:
            reasons[why] = reasons.get(why, 0) + 1
        elif r not in aggregates:
            points.append(r)
    notes = [f"{len(points)} of {len(capex)} capex rows charted."]
    if aggregates:
        notes.append(f"{len(aggregates)} aggregate{'s' * (len(aggregates) > 1)} left out (a total over named owners, "
                     "whose own figures are charted).")
    notes += [f"{n} not charted: {why}." for why, n in sorted(reasons.items(), key=lambda kv: -kv[1])]
    foot = "".join(f"<li>{html.escape(n)}</li>" for n in notes)
    if not points:
        return f'<ul class="chart-notes">{foot}</ul>'
    groups = sorted({period_group(str(r["period"])) for r in points})  # type: ignore[type-var]
    entities = sorted({str(r["entity"]) for r in points}, key=str.casefold)
    colours = dict(zip(entities, series_colours(len(entities))))
    by_group = {label: sorted((r for r in points if r["period"] == label), key=lambda r: str(r["entity"]).casefold())
                for _, label in groups}
    step = _tick(max(float(r["usd_max"]) for r in points) / 4)
    top = step * math.ceil(max(float(r["usd_max"]) for r in points) / step)
    # Text of 12 and 13 units stays legible when a wide chart is scaled to a narrow window.
    left, gap, char = 60, 14, 8.0
    labels = {id(r): f"{_short(str(r['entity']))}{_fiscal(r)} {_money(r['usd_low'], r['usd_high'])}" for r in points}
    names = 6.6 * max(map(len, labels.values())) + 14
    # Bars share about 1,000 units of width; a group is at least as wide as its label.
    n_bars = len(points)
    bar = min(56.0, max(24.0, (1000 - left - gap * len(groups)) / n_bars))
    widths = {label: max(len(by_group[label]) * bar, char * max(map(len, label.split("/"))) + 4) for _, label in groups}
    width = left + sum(w + gap for w in widths.values()) + 10
    y = lambda v: 24 + height * (1 - v / top)  # noqa: E731
    base = y(0)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" role="img" class="chart" viewBox="0 0 {width:.0f} '
             f'{base + names + 48:.0f}" style="max-width:{width:.0f}px">',
             '<text x="0" y="12" class="axis">capex, billion US dollars</text>']
    for k in range(round(top / step) + 1):
        v = step * k
        parts.append(f'<line x1="{left}" x2="{width - 10:.1f}" y1="{y(v):.1f}" y2="{y(v):.1f}" class="grid"/>'
                     f'<text x="{left - 6}" y="{y(v) + 4:.1f}" text-anchor="end" class="axis">{v / 1e9:,.6g}</text>')
    x = left + gap / 2
    for _, label in groups:
        members = by_group[label]
        start = x + (widths[label] - len(members) * bar) / 2
        for k, r in enumerate(members):
            mid = (float(r["usd_low"]) + float(r["usd_high"])) / 2
            entity = str(r["entity"])
            money = _money(r["usd_low"], r["usd_high"])
            tip = html.escape(f"{entity} {label}{_fiscal(r)}: {money}" + (" (sources disagree)" if str(r["conflict"]).lower() == "true" else ""))
            # At least a sliver: a small figure beside a large one stays in sight.
            h = max(2.0, base - y(mid))
            bx = start + bar * k
            parts.append(f'<rect class="bar" data-entity="{html.escape(entity)}" x="{bx + 2:.1f}" y="{base - h:.1f}" '
                         f'width="{bar - 4:.1f}" height="{h:.1f}" fill="{colours[entity]}"><title>{tip}</title></rect>')
            cx = bx + bar / 2
            parts.append(f'<line class="whisker" x1="{cx:.1f}" x2="{cx:.1f}" y1="{y(float(r["usd_max"])):.1f}" '
                         f'y2="{y(float(r["usd_min"])):.1f}"/>'
                         f'<text class="name" transform="translate({cx + 4:.1f},{base + 6:.1f}) rotate(-90)" '
                         f'text-anchor="end">{html.escape(labels[id(r)])}<title>{tip}</title></text>')
        centre = x + widths[label] / 2
        lines = label.split("/")
        parts.append(f'<text x="{centre:.1f}" y="{base + names + 16:.1f}" text-anchor="middle" class="period">'
                     + "".join(f'<tspan x="{centre:.1f}" dy="{15 * (i > 0)}">{html.escape(t)}{"/" * (i < len(lines) - 1)}'
                               "</tspan>" for i, t in enumerate(lines)) + "</text>")
        x += widths[label] + gap
        parts.append(f'<line x1="{x - gap / 2:.1f}" x2="{x - gap / 2:.1f}" y1="{base}" y2="{base + names + 38}" class="grid"/>')
    parts.append(f'<line x1="{left}" x2="{width - 10:.1f}" y1="{base}" y2="{base}" class="baseline"/></svg>')
    legend = "".join(f'<li><span class="swatch" style="background:{c}"></span>{html.escape(e)}</li>'
                     for e, c in colours.items())
    return f'{"".join(parts)}<ul class="legend">{legend}</ul><ul class="chart-notes">{foot}</ul>'


def _fiscal(r: dict[str, Any]) -> str:
    """` (FY2025)` for a calendar-year row the articles gave as a fiscal year."""
    fiscal = sorted({p for p in str(r.get("periods") or "").split(";") if p.startswith("FY")})
    return f" ({'/'.join(fiscal)})" if fiscal and not str(r["period"]).startswith("FY") else ""


def _tick(rough: float) -> float:
    """A round step for the axis near `rough`: 1, 2, 2.5 or 5 times a power of ten."""
    if rough <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(rough))
    return next(power * m for m in (1, 2, 2.5, 5, 10) if power * m >= rough)


def _short(entity: str, room: int = 18) -> str:
    """An owner's name as it fits under a bar; the tooltip and the legend have it whole."""
    return entity if len(entity) <= room else entity[:room - 1] + "…"


def _capacity_table(capacity: list[dict[str, Any]]) -> str:
    head = ("entity", "place", "kind", "period", "figure", "all sources", "sources", "status", "quote")
    rows = []
    for r in capacity:
        conflict = str(r["conflict"]).lower() == "true"
        change = ", revised" if str(r["revision"]).lower() == "true" else ", conflict" if conflict else ""
        cells = (r.get("entity") or "—", r.get("place") or "—", r["kind"], r.get("period") or "—",
                 _value(r["value_low"], r["value_high"], r["unit"]), _value(r["value_min"], r["value_max"], r["unit"]),
                 f"{r['n_documents']} doc, {r['n_mentions']} mention{change}", r.get("status") or "",
                 f"{r['sentence']} ({r['doc']})")
        rows.append(f'<tr{" class=conflict" if conflict else ""}>'
                    + "".join(f"<td>{html.escape(str(c))}</td>" for c in cells) + "</tr>")
    return ("<table class=capex><thead><tr>" + "".join(f"<th>{h}</th>" for h in head) + "</tr></thead><tbody>"
            + "".join(rows) + "</tbody></table>")


def _capex_table(capex: list[dict[str, Any]]) -> str:
    head = ("entity", "metric", "period", "figure", "USD", "USD, all sources", "sources", "status", "quote")
    rows = []
    for r in capex:
        conflict = str(r["conflict"]).lower() == "true"
        marks = [word for word, field in (("conflict", "conflict"), ("revised", "revision"), ("aggregate", "aggregate"))
                 if str(r.get(field)).lower() == "true"]
        cells = (str(r.get("entity") or "—").replace(";", "; "), r["metric"], r.get("period") or "—",
                 _money(r["amount_low"], r["amount_high"], r["currency"]), _money(r["usd_low"], r["usd_high"]),
                 _money(r["usd_min"], r["usd_max"]),
                 f"{r['n_documents']} doc, {r['n_mentions']} mention" + "".join(f", {m}" for m in marks),
                 r.get("status") or "", f"{r['sentence']} ({r['doc']})")
        rows.append(f'<tr{" class=conflict" if conflict else ""}>'
                    + "".join(f'<td{" class=num" * (2 < i < 6)}>{html.escape(str(c)).replace("/", "/<wbr>")}</td>' for i, c in enumerate(cells))
                    + "</tr>")
    return ("<table class=capex><thead><tr>" + "".join(f"<th>{h}</th>" for h in head) + "</tr></thead><tbody>"
            + "".join(rows) + "</tbody></table>")


_STYLE = """
body{font-family:"Noto Sans CJK JP","Hiragino Sans","IPAGothic",sans-serif;margin:1.5em;color:#222}
mark{border-radius:3px;padding:0 1px;cursor:help}
""" + "".join(f"mark.{t}{{background:{c}}}.key.{t}{{background:{c};padding:0 .4em}}" for t, c in COLOURS.items()) + """
.doc{border-top:1px solid #ccc;margin-top:1.5em;max-width:70em}.text{white-space:pre-wrap;line-height:1.8}
.furniture{color:#999}.problem{color:#a00}
table.capex{border-collapse:collapse;font-size:.85em;width:100%}
table.capex td,table.capex th{border:1px solid #ddd;padding:2px 6px;vertical-align:top;text-align:left}
table.capex td.num{white-space:nowrap;text-align:right}table.capex td{overflow-wrap:anywhere}
tr.conflict{background:#fde2e2}svg.chart{width:100%;height:auto;display:block}
.axis{font-size:12px;fill:#444}.name{font-size:12px;fill:#222}.period{font-size:13px;font-weight:bold;fill:#222}
.grid{stroke:#e4e4e4}.baseline{stroke:#888}.whisker{stroke:#222;stroke-width:1.5}
ul.legend{list-style:none;padding:0;display:flex;flex-wrap:wrap;gap:.2em 1.2em;font-size:.85em}
.swatch{display:inline-block;width:.9em;height:.9em;margin-right:.35em;vertical-align:-.1em;border-radius:2px}
ul.chart-notes{font-size:.85em;color:#555}
"""

# Counts what the browser actually drew, for the tests: the highlights, and the owners
# with a bar at least a pixel wide inside the window.
_SCRIPT = """
document.addEventListener("DOMContentLoaded", function () {
  var out = document.getElementById("drawn");
  var total = document.querySelectorAll("mark").length;
  out.dataset.total = total;
  ["amounts", "gpu_counts", "dates", "capacities"].forEach(function (t) {
    out.dataset[t] = document.querySelectorAll("mark." + t).length;
  });
  var series = {}, seen = {}, right = document.documentElement.clientWidth;
  document.querySelectorAll("rect.bar").forEach(function (bar) {
    var box = bar.getBoundingClientRect(), who = bar.dataset.entity;
    series[who] = true;
    if (box.width >= 1 && box.left >= 0 && box.right <= right) { seen[who] = true; }
  });
  out.dataset.series = Object.keys(series).length;
  out.dataset.seen = Object.keys(seen).length;
});
"""


def render(tables: dict[str, list[dict[str, Any]]], texts: dict[str, str], problems: list[str]) -> str:
    """The whole page. `tables` hold the rows of a run as read back (CSV or Parquet)."""
    marks: dict[str, list[Span]] = {}
    for table in COLOURS:
        for doc, found in spans(table, tables.get(table, [])).items():
            marks.setdefault(doc, []).extend(found)
    counts = {t: len(tables.get(t, [])) for t in COLOURS}
    docs = []
    for d in tables["documents"]:
        doc = str(d["doc"])
        text = texts.get(doc)
        title = html.escape(doc) + (f" — {html.escape(str(d['title']))}" if not _blank(d.get("title")) else "")
        if text is None:
            body = f'<p class="problem">Text not available; {len(marks.get(doc, []))} spans not shown.</p>'
        else:
            end = int(d["body_end"])
            body = (f'<div class="text">{highlight(text[:end], marks.get(doc, []))}'
                    f'<span class="furniture" title="after the article ends: not read">'
                    f'{html.escape(text[end:])}</span></div>')
        docs.append(f'<section class="doc" id="{html.escape(doc)}"><h2>{title}</h2>'
                    f'<p>reference date {d.get("reference_date") or "—"} ({d["reference_source"]})</p>{body}</section>')
    legend = " ".join(f'<span class="key {t}">{t} ({n})</span>' for t, n in counts.items())
    return "".join([
        "<!DOCTYPE html><html lang=ja><head><meta charset=utf-8>",
        "<meta name=viewport content='width=device-width'><title>capex-extract report</title>",
        f"<style>{_STYLE}</style><script>{_SCRIPT}</script></head><body>",
        "<h1>capex-extract report</h1>",
        f"<p>{len(tables['documents'])} documents. Highlights: {legend}. Hover a highlight for what the "
        "rules read in it.<output id=drawn hidden></output></p>",
        "".join(f'<p class="problem">{html.escape(p)}</p>' for p in problems),
        "<h2>Capex by entity and period</h2>", chart(tables.get("capex", [])),
        "<h2>Consolidated amounts</h2>", _capex_table(tables.get("capex", [])),
        "<h2>Power and compute capacity</h2>", _capacity_table(tables.get("capacity", [])),
        "".join(docs), "</body></html>\n"])


def write(path: str, page: str) -> None:
    """Written under a temporary name and renamed, as the tables are."""
    temporary = f"{path}.{os.getpid()}.tmp"
    with open(temporary, "w", encoding="utf-8") as f:
        f.write(page)
    os.replace(temporary, path)
