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
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from .readers import STDIN, iter_sources
from .rows import InputError

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


def chart(capex: list[dict[str, Any]], width: int = 900, height: int = 320) -> str:
    """Capex by entity and year as grouped bars in US dollars: the leading figure's middle
    as the bar, the spread of all sources as a whisker. Only whole years with a named owner."""
    # A total over several owners is not stacked beside its members' own figures.
    points = [r for r in capex if r["metric"] == "capex" and not _blank(r.get("entity"))
              and str(r.get("aggregate")).lower() != "true"
              and str(r.get("period") or "").isdigit() and not _blank(r.get("usd_low"))]
    if not points:
        return '<p class="empty">No capex figure with an owner, a year and a dollar value.</p>'
    years = sorted({int(r["period"]) for r in points})
    entities = sorted({str(r["entity"]) for r in points})
    top = max(float(r["usd_max"]) for r in points)
    left, bottom, legend = 70, 40, 16 * len(entities) + 10
    plot_w, plot_h = width - left - 20, height - bottom - 20
    group_w = plot_w / len(years)
    bar_w = max(2.0, (group_w * 0.8) / len(entities))
    y = lambda v: 20 + plot_h * (1 - v / top)  # noqa: E731
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" role="img" class="chart" width="{width}" '
             f'height="{height + legend}" viewBox="0 0 {width} {height + legend}">',
             f'<text x="{left}" y="12" class="axis">capex, billion US dollars</text>']
    for k in range(5):
        v = top * k / 4
        parts.append(f'<line x1="{left}" x2="{width - 20}" y1="{y(v):.1f}" y2="{y(v):.1f}" class="grid"/>'
                     f'<text x="{left - 6}" y="{y(v) + 4:.1f}" text-anchor="end" class="axis">{v / 1e9:,.0f}</text>')
    for i, year in enumerate(years):
        parts.append(f'<text x="{left + group_w * (i + 0.5):.1f}" y="{height - bottom + 18}" '
                     f'text-anchor="middle" class="axis">{year}</text>')
    for r in points:
        i, j = years.index(int(r["period"])), entities.index(str(r["entity"]))
        x = left + group_w * i + group_w * 0.1 + bar_w * j
        mid = (float(r["usd_low"]) + float(r["usd_high"])) / 2
        colour = _SERIES[j % len(_SERIES)]
        tip = html.escape(f"{r['entity']} {r['period']}: {_value(r['usd_low'], r['usd_high'], 'USD')}"
                          + (" (sources disagree)" if str(r["conflict"]).lower() == "true" else ""))
        parts.append(f'<rect class="bar" x="{x:.1f}" y="{y(mid):.1f}" width="{bar_w * 0.9:.1f}" '
                     f'height="{y(0) - y(mid):.1f}" fill="{colour}"><title>{tip}</title></rect>')
        cx = x + bar_w * 0.45
        parts.append(f'<line class="whisker" x1="{cx:.1f}" x2="{cx:.1f}" y1="{y(float(r["usd_max"])):.1f}" '
                     f'y2="{y(float(r["usd_min"])):.1f}"/>')
    for j, entity in enumerate(entities):
        ly = height + 4 + 16 * j
        parts.append(f'<rect x="{left}" y="{ly}" width="10" height="10" fill="{_SERIES[j % len(_SERIES)]}"/>'
                     f'<text x="{left + 16}" y="{ly + 9}" class="axis">{html.escape(entity)}</text>')
    parts.append("</svg>")
    return "".join(parts)


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
    head = ("entity", "metric", "period", "figure", "USD", "USD min–max", "sources", "status", "quote")
    rows = []
    for r in capex:
        usd = "" if _blank(r.get("usd_low")) else _value(r["usd_low"], r["usd_high"])
        spread = "" if _blank(r.get("usd_min")) else _value(r["usd_min"], r["usd_max"])
        conflict = str(r["conflict"]).lower() == "true"
        cells = (r.get("entity") or "—", r["metric"], r.get("period") or "—",
                 _value(r["amount_low"], r["amount_high"], r["currency"]), usd, spread,
                 f"{r['n_documents']} doc, {r['n_mentions']} mention" + (", conflict" if conflict else ""),
                 r.get("status") or "", f"{r['sentence']} ({r['doc']})")
        rows.append(f'<tr{" class=conflict" if conflict else ""}>'
                    + "".join(f"<td>{html.escape(str(c))}</td>" for c in cells) + "</tr>")
    return ("<table class=capex><thead><tr>" + "".join(f"<th>{h}</th>" for h in head) + "</tr></thead><tbody>"
            + "".join(rows) + "</tbody></table>")


_STYLE = """
body{font-family:"Noto Sans CJK JP","Hiragino Sans",sans-serif;margin:2em;max-width:70em;color:#222}
mark{border-radius:3px;padding:0 1px;cursor:help}
""" + "".join(f"mark.{t}{{background:{c}}}.key.{t}{{background:{c};padding:0 .4em}}" for t, c in COLOURS.items()) + """
.doc{border-top:1px solid #ccc;margin-top:1.5em}.text{white-space:pre-wrap;line-height:1.8}
.furniture{color:#999}.problem{color:#a00}
table.capex{border-collapse:collapse;font-size:.85em}table.capex td,table.capex th{border:1px solid #ddd;padding:2px 6px;vertical-align:top}
tr.conflict{background:#fde2e2}.axis{font-size:11px;fill:#444}.grid{stroke:#e4e4e4}.whisker{stroke:#222;stroke-width:1.5}
"""

# Counts the highlights the browser actually drew, for a reader and for the tests.
_SCRIPT = """
document.addEventListener("DOMContentLoaded", function () {
  var out = document.getElementById("drawn");
  var total = document.querySelectorAll("mark").length;
  out.textContent = total + " highlights drawn";
  out.dataset.total = total;
  ["amounts", "gpu_counts", "dates", "capacities"].forEach(function (t) {
    out.dataset[t] = document.querySelectorAll("mark." + t).length;
  });
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
        "rules read in it. <output id=drawn></output></p>",
        "".join(f'<p class="problem">{html.escape(p)}</p>' for p in problems),
        "<h2>Capex by entity and year</h2>", chart(tables.get("capex", [])),
        "<h2>Consolidated amounts</h2>", _capex_table(tables.get("capex", [])),
        "<h2>Power and compute capacity</h2>", _capacity_table(tables.get("capacity", [])),
        "".join(docs), "</body></html>\n"])


def write(path: str, page: str) -> None:
    """Written under a temporary name and renamed, as the tables are."""
    temporary = f"{path}.{os.getpid()}.tmp"
    with open(temporary, "w", encoding="utf-8") as f:
        f.write(page)
    os.replace(temporary, path)
