"""`capex report` and `capex show` on articles written for these tests; the report is
loaded in a real headless browser (Debian's chromium, installed by `make test`)."""
from __future__ import annotations

import csv
import json
import os
import re
import shutil
import struct
import subprocess

import pytest
from helpers import console_script

from capex_extract.report import Span, chart, highlight, series_colours

CAPEX = console_script()

ARTICLES = {
    "2025-02-10_kddi.txt": "KDDIは2025年度に大阪のAIデータセンターへ1500億円を投じる計画だ。\n"
                           "同社はエヌビディアのH200を4000枚導入し、3月10日に稼働させる。受電容量は約40MWとなる。\n",
    "2025-03-05_ntt.txt": "NTTは2024年に800億円を投資した。今年はデータセンターの増強に1,200億円を投じる方針だ。\n"
                          "売上高は13兆円だった。<script>alert(1)</script>\n",
}
WIRE = {"id": "w1", "published": "2025-04-01", "title": "KDDIが増強",
        "text": "KDDIは今年度、AIデータセンターに1500億円を投じる。GPUを5000基そろえる。"}


def run(*args, cwd=None):
    return subprocess.run([str(CAPEX), *map(str, args)], capture_output=True, text=True, cwd=cwd)


def rows(path):
    with open(path, encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory):
    root = tmp_path_factory.mktemp("report")
    (root / "in").mkdir()
    for name, text in ARTICLES.items():
        (root / "in" / name).write_text(text, encoding="utf-8")
    (root / "in" / "wire.jsonl").write_text(json.dumps(WIRE, ensure_ascii=False) + "\n", encoding="utf-8")
    assert run("extract", "in", "-o", "out", cwd=root).returncode == 0
    done = run("report", "out", "-o", "report.html", cwd=root)
    assert done.returncode == 0, done.stderr
    assert done.stdout == "" and done.stderr == ""
    return root


def test_the_page_is_self_contained(run_dir):
    page = (run_dir / "report.html").read_text(encoding="utf-8")
    assert not re.search(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", page)
    assert "<link" not in page and "@import" not in page
    assert "<script>alert(1)</script>" not in page  # article text is escaped
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<svg" in page and page.count('class="bar"') == 3  # KDDI 2025, NTT 2024, NTT 2025


def test_every_row_is_one_highlight_with_its_reading(run_dir):
    page = (run_dir / "report.html").read_text(encoding="utf-8")
    for table in ("amounts", "gpu_counts", "dates", "capacities"):
        assert page.count(f'<mark class="{table}"') == len(rows(run_dir / "out" / f"{table}.csv")) > 0
    assert 'title="power: 40 MW' in page and "mark.capacities{background:#f4b6d8}" in page
    assert "<h2>Power and compute capacity</h2>" in page and "<td>40 MW</td>" in page
    assert 'title="amount: 150,000,000,000 JPY&#10;in USD:' in page.replace("\n", "&#10;")
    assert "entity: KDDI" in page and "period: 2025" in page and "status: plan" in page
    assert "rule: money.number_currency" in page and "chip: NVIDIA Hopper" in page


def test_the_report_finds_the_texts_from_any_folder(run_dir, tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    # A relative OUT, and documents recorded relative to the folder the run was made in.
    done = run("report", os.path.relpath(run_dir / "out", elsewhere), "-o", "r.html", cwd=elsewhere)
    assert done.returncode == 0 and done.stderr == ""
    page = (elsewhere / "r.html").read_text(encoding="utf-8")
    assert "Text not available" not in page and page.count('<mark class="amounts"') == len(rows(run_dir / "out" / "amounts.csv"))
    assert {r["run_folder"] for r in rows(run_dir / "out" / "documents.csv")} == {str(run_dir)}


def test_a_document_that_cannot_be_read_again_is_named_once(run_dir, tmp_path):
    root = tmp_path / "moved"
    shutil.copytree(run_dir / "in", root / "in")
    wire = [dict(WIRE, id="w1"), dict(WIRE, id="w2", text="KDDIは来年度、GPUを8000基導入する。")]
    (root / "in" / "wire.jsonl").write_text("".join(json.dumps(w, ensure_ascii=False) + "\n" for w in wire),
                                            encoding="utf-8")
    assert run("extract", "in", "-o", "out", cwd=root).returncode == 0
    (root / "in" / "wire.jsonl").rename(root / "wire.jsonl")
    (root / "in" / "2025-03-05_ntt.txt").write_text("NTTは来年、新たな拠点に300億円を投じる。\n", encoding="utf-8")
    done = run("report", root / "out", "-o", tmp_path / "r.html", cwd=tmp_path)
    assert done.returncode == 0
    lines = done.stderr.splitlines()
    assert lines == [f"warning 2 documents (wire.jsonl#w1 …): cannot read {root / 'in' / 'wire.jsonl'} again; "
                     "shown without the text",
                     f"warning 2025-03-05_ntt.txt: {root / 'in' / '2025-03-05_ntt.txt'} changed since the run; "
                     "shown without its text"], done.stderr
    page = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert page.count("cannot read") == 1 and page.count("Text not available") == 3


def test_a_folder_without_tables_is_a_usage_error(tmp_path):
    done = run("report", tmp_path, "-o", tmp_path / "r.html")
    assert done.returncode == 2 and "no amounts, gpu_counts, dates, capacities, documents, capex, capacity table" in done.stderr


def test_highlights_nest_and_crossing_spans_are_left_out():
    text = "A社は2025年に<5>億円"
    marks = [Span("amounts", 9, 14, "x"), Span("dates", 3, 8, 'a "q"'), Span("dates", 4, 10, "crosses")]
    assert highlight(text, marks) == ('A社は<mark class="dates" title="a &quot;q&quot;">2025年</mark>に'
                                      '<mark class="amounts" title="x">&lt;5&gt;億円</mark>')
    nested = highlight("約1兆円", [Span("amounts", 0, 4, "a"), Span("dates", 1, 2, "b")])
    assert nested == '<mark class="amounts" title="a">約<mark class="dates" title="b">1</mark>兆円</mark>'


def test_the_chart_says_what_it_could_not_draw_and_why():
    row = {"metric": "capex", "entity": "NTT", "period": "2025", "usd_low": "5e9", "usd_high": "6e9",
           "usd_min": "5e9", "usd_max": "8e9", "conflict": "true", "periods": "2025"}
    svg = chart([row, dict(row, period="2025-Q1"), dict(row, entity=""), dict(row, period=""),
                 dict(row, usd_low=""), dict(row, metric="revenue")])
    assert svg.count('class="bar"') == 1 and "NTT 2025: $5.0–6.0B (sources disagree)" in svg
    assert "1 of 5 capex rows charted." in svg and "1 not charted: no owner named." in svg
    assert "1 not charted: a part of a year (quarter, half, month or day)." in svg
    assert "1 not charted: no period." in svg and "1 not charted: no dollar value." in svg
    empty = chart([dict(row, usd_low="")])
    assert "<svg" not in empty and "0 of 1 capex rows charted." in empty


def test_fiscal_years_and_spans_of_years_are_charted_and_labelled():
    row = {"metric": "capex", "entity": "NTT", "usd_low": "5e9", "usd_high": "5e9", "usd_min": "5e9",
           "usd_max": "5e9", "conflict": "false"}
    rows = [dict(row, period="2025", periods="FY2025"), dict(row, entity="KDDI", period="FY2026", periods="FY2026"),
            dict(row, entity="Rakuten", period="2025-06-02/2028-06-01", periods="2025-06-02/2028-06-01"),
            dict(row, entity="SoftBank", period="FY2024/FY2026", periods="FY2024/FY2026")]
    svg = chart(rows)
    assert svg.count('class="bar"') == 4 and "4 of 4 capex rows charted." in svg
    assert "NTT (FY2025) $5.0B" in svg and "KDDI $5.0B" in svg
    # The groups in order of the year they start in, a span after the years of its start.
    labels = re.findall(r'class="period">(.*?)</text>', svg)
    assert [re.sub("<[^>]+>", "", label) for label in labels] == [
        "FY2024/FY2026", "2025", "2025-06-02/2028-06-01", "FY2026"]


def test_every_series_has_its_own_colour_and_a_legend_entry():
    for n in (1, 10, 11, 27, 60):
        assert len(set(series_colours(n))) == n
    row = {"metric": "capex", "period": "2025", "usd_low": "1e9", "usd_high": "1e9", "usd_min": "1e9",
           "usd_max": "1e9", "conflict": "false"}
    names = [f"Owner {i:02d}" for i in range(14)]
    svg = chart([dict(row, entity=name) for name in names])
    fills = re.findall(r'class="bar" data-entity="([^"]+)"[^>]*fill="([^"]+)"', svg)
    assert sorted(e for e, _ in fills) == names and len({f for _, f in fills}) == 14
    legend = re.findall(r'<li><span class="swatch" style="background:([^"]+)"></span>([^<]+)</li>', svg)
    assert sorted(legend, key=lambda c: c[1]) == sorted(((f, e) for e, f in fills), key=lambda c: c[1])


def test_the_chart_leaves_out_a_total_over_named_owners():
    row = {"metric": "capex", "entity": "NTT", "period": "2025", "usd_low": "5e9", "usd_high": "5e9",
           "usd_min": "5e9", "usd_max": "5e9", "conflict": "false", "aggregate": "false"}
    svg = chart([row, dict(row, entity="KDDI;NTT", usd_low="9e9", usd_high="9e9", usd_max="9e9", aggregate="true")])
    assert svg.count('class="bar"') == 1 and "KDDI;NTT" not in svg


def test_show_totals_count_the_members_not_their_total(tmp_path):
    (tmp_path / "2025-05-01_carriers.txt").write_text(
        "国内通信大手、今年のAI投資は合計5000億円\n\n"
        "NTTとKDDIの2社が今年AI基盤に投じる金額は、合計5000億円に上る。NTTは今年3000億円を投じる。"
        "KDDIも今年2000億円を投じる計画だ。\n", encoding="utf-8")
    assert run("extract", tmp_path, "-o", tmp_path / "out").returncode == 0
    table = {r["entity"]: r for r in rows(tmp_path / "out" / "capex.csv")}
    # The headline repeats the body's total: one row, the body's owners.
    assert sorted(table) == ["KDDI", "KDDI;NTT", "NTT"] and table["KDDI;NTT"]["aggregate"] == "true"
    done = subprocess.run([str(CAPEX), "show", str(tmp_path / "out")], capture_output=True, text=True,
                          env=dict(os.environ, COLUMNS="200"))
    assert "aggregate" in done.stdout
    rate = float(table["NTT"]["usd_low"]) / 3000e8
    assert f"capex total ${5000e8 * rate / 1e9:,.1f}B (lower ends); left out: 1 aggregate" in done.stdout


def test_show_filters_by_entity_metric_and_year(run_dir):
    done = run("show", run_dir / "out", "--entity", "ntt", "--metric", "capex", "--year", "2025")
    assert done.returncode == 0, done.stderr
    assert "capex: 1 of" in done.stdout and "1,200億円" in done.stdout and "plan" in done.stdout
    assert "KDDI" not in done.stdout
    fleet = run("show", run_dir / "out", "-t", "gpu_fleet").stdout
    assert "NVIDIA Hopper" in fleet and "4,000" in fleet and "5,000" in fleet
    two_docs = run("show", run_dir / "out", "--entity", "KDDI", "--year", "2025").stdout
    assert "2 docs, 2 mentions" in two_docs  # 2025年度 and 今年度 of a 2025 article: one row


def test_show_knows_the_capacity_tables(run_dir):
    site = run("show", run_dir / "out", "-t", "capacity", "--entity", "kddi").stdout
    assert "capacity: 1 of 1 rows" in site and "40 MW" in site and "power" in site
    assert "約40MW" in run("show", run_dir / "out", "-t", "capacities").stdout


# ---------------------------------------------------------------------------
# In a real browser

CHROMIUM = shutil.which("chromium")


@pytest.fixture(scope="module")
def browser():
    if CHROMIUM is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is missing: `make test` installs it (apt-get install chromium)")
        pytest.skip("chromium is not installed (`make test` installs it as root)")
    return CHROMIUM


def chromium(browser, profile, *args):
    # No downloads, no sync, no background network: the page must stand on its own.
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             f"--user-data-dir={profile}"]
    return subprocess.run([browser, *flags, *map(str, args)], capture_output=True, text=True, timeout=120)


def png_size(path):
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24]), len(data)


def drawn(browser, profile, page, width=1200):
    done = chromium(browser, profile, f"--window-size={width},900", "--dump-dom", page.as_uri())
    assert done.returncode == 0, done.stderr[-2000:]
    found = re.search(r'<output id="drawn" hidden=""([^>]*)></output>', done.stdout)
    assert found, "the page's script did not run"
    return {k: int(v) for k, v in re.findall(r'data-([a-z_]+)="(\d+)"', found.group(1))}, done.stdout


def test_the_browser_draws_every_highlight(run_dir, browser, tmp_path):
    counted, dom = drawn(browser, tmp_path / "profile", run_dir / "report.html")
    tables = ("amounts", "gpu_counts", "dates", "capacities")
    for table in tables:
        assert counted[table] == len(rows(run_dir / "out" / f"{table}.csv")), table
    assert counted["total"] == sum(counted[t] for t in tables)
    assert "highlights drawn" not in dom


# Owners enough for more series than the ten colours of the palette, a fiscal year, a
# fiscal span, a span from 今後3年間, a quarter and a figure with no period.
MANY = ("富士通は2025年にAIデータセンターへ2000億円を投じる。NECは2025年に生成AI基盤へ1500億円を投資する計画だ。"
        "日立製作所は2025年にデータセンター事業へ3000億円を投じる。ソニーグループは2025年にAI半導体へ800億円を投資する。"
        "トヨタ自動車は2025年にAI開発へ1000億円を投じる方針だ。楽天グループは今後3年間でAIインフラに3000億円を投じる。"
        "NTTは2025年度から2027年度までの3年間で1兆円を投資する。KDDIは2025年度にAIデータセンターへ1200億円を投じる。"
        "米アップルは2025年にAIサーバーへ100億ドルを投じる。米オラクルは2025年にクラウド基盤へ250億ドルを投資する。"
        "米インテルは2025年に半導体工場へ180億ドルを投じる計画だ。米テスラは2025年1～3月期にAI訓練設備へ20億ドルを投じた。"
        "米アマゾンは新たなデータセンターに50億ドルを投じる。\n")


@pytest.fixture(scope="module")
def many(tmp_path_factory):
    root = tmp_path_factory.mktemp("many")
    (root / "2025-06-01_ai.txt").write_text(MANY, encoding="utf-8")
    assert run("extract", root / "2025-06-01_ai.txt", "-o", root / "out").returncode == 0
    assert run("report", root / "out", "-o", root / "report.html").returncode == 0
    return root


@pytest.mark.parametrize("width", [800, 1366])
def test_the_chart_shows_every_charted_owner_at_any_width(many, browser, tmp_path, width):
    charted = {r["entity"] for r in rows(many / "out" / "capex.csv")
               if r["entity"] and r["period"] and "Q" not in r["period"]}
    assert len(charted) == 11  # Amazon has no period, Tesla a quarter
    counted, dom = drawn(browser, tmp_path / "profile", many / "report.html", width)
    assert counted["series"] == counted["seen"] == len(charted)
    assert "11 of 13 capex rows charted." in dom and "1 not charted: no period." in dom
    for label in ("FY2025/FY2027", "NTT $6.7B", "KDDI (FY2025)"):
        assert label.replace("/", "/</tspan>") in dom or label in dom
    legend = set(re.findall(r'</span>([^<]+)</li>', dom))
    assert charted <= legend
    # The page never needs a sideways scroll.
    shot = tmp_path / "shot.png"
    done = chromium(browser, tmp_path / "profile", f"--window-size={width},900", f"--screenshot={shot}",
                    (many / "report.html").as_uri())
    assert done.returncode == 0 and png_size(shot)[0] == (width, 900)


def test_the_browser_renders_a_screenshot(run_dir, browser, tmp_path):
    shot, blank = tmp_path / "report.png", tmp_path / "blank.png"
    (tmp_path / "blank.html").write_text("<!DOCTYPE html><title>blank</title>", encoding="utf-8")
    for page, png in ((run_dir / "report.html", shot), (tmp_path / "blank.html", blank)):
        done = chromium(browser, tmp_path / "profile", "--window-size=1200,1600", f"--screenshot={png}", page.as_uri())
        assert done.returncode == 0 and png.exists(), done.stderr[-2000:]
    (size, n_bytes), (_, blank_bytes) = png_size(shot), png_size(blank)
    assert size == (1200, 1600)
    # Text, highlights and the chart compress far worse than an empty page.
    assert n_bytes > 10 * blank_bytes
