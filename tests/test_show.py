"""`capex show` in a real terminal: a pseudo-terminal of 80 and of 200 columns, on
articles written for these tests."""
from __future__ import annotations

import fcntl
import os
import re
import struct
import subprocess
import termios

import pytest
from helpers import console_script
from rich.cells import cell_len

from capex_extract.views import capex_total, human

CAPEX = console_script()

ARTICLES = {
    "2025-05-12_softbank.txt": "ソフトバンクグループは2025年度、国内のAIデータセンター建設に1.5兆円を投じる計画だ。"
                               "同社は北海道に新たな拠点を設ける。\n",
    "2025-05-20_microsoft.txt": "米マイクロソフトは2025年にAIインフラへ800億ドルを投資する方針を示した。"
                                "売上高は2450億ドルだった。\n",
}
_ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


@pytest.fixture(scope="module")
def out(tmp_path_factory):
    root = tmp_path_factory.mktemp("show")
    for name, text in ARTICLES.items():
        (root / name).write_text(text, encoding="utf-8")
    done = subprocess.run([str(CAPEX), "extract", str(root), "-o", str(root / "out")], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return root / "out"


def in_terminal(columns: int, *args) -> list[str]:
    """What `capex` prints to a terminal `columns` wide, as lines without colour codes."""
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 50, columns, 0, 0))
    env = dict(os.environ, COLUMNS=str(columns), LINES="50", TERM="xterm-256color")
    env.pop("NO_COLOR", None)
    proc = subprocess.Popen([str(CAPEX), *map(str, args)], stdin=slave, stdout=slave, stderr=slave, env=env)
    os.close(slave)
    chunks = []
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # the other end closed: Linux says EIO
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(master)
    assert proc.wait(timeout=60) == 0
    text = _ANSI.sub("", b"".join(chunks).decode("utf-8"))
    return text.replace("\r\n", "\n").splitlines()


@pytest.mark.parametrize("columns", [80, 200])
def test_show_fits_the_terminal(out, columns):
    lines = in_terminal(columns, "show", out)
    assert lines and max(cell_len(line) for line in lines) <= columns
    page = "\n".join(lines)
    # Figures in units a reader scans, never broken across lines.
    assert "1.5兆円" in page and "$80.0B" in page and "$245.0B" in page
    assert "SoftBank" in page and "Microsoft" in page
    if columns == 80:
        # The least read columns make room; the quote wraps instead.
        assert "hidden at 80 columns: USD, all sources, support" in page and "1 doc" not in page
        assert "plan" in page and "(2025-05-12_soft" in page
    else:
        assert "hidden" not in page and "(2025-05-12_softbank.txt)" in page and "1 doc, 1 mention" in page


def test_entity_matches_any_case_and_through_aliases(out):
    for query in ("ソフトバンク", "softbank", "SOFTBANK", "ソフトバンクグループ"):
        page = "\n".join(in_terminal(200, "show", out, "--entity", query))
        assert "capex: 1 of 3 rows" in page and "1.5兆円" in page and "Microsoft" not in page, query
    page = "\n".join(in_terminal(200, "show", out, "--entity", "マイクロソフト", "--metric", "REVENUE"))
    assert "capex: 1 of 3 rows" in page and "$245.0B" in page and "$80.0B" not in page
    nothing = "\n".join(in_terminal(200, "show", out, "--entity", "オラクル"))
    assert "capex: 0 of 3 rows" in nothing


@pytest.mark.parametrize("low, high, currency, shown", [
    (72e9, 72e9, "USD", "$72.0B"), (12.5e9, 14e9, "USD", "$12.5–14.0B"), (1.2e12, 1.2e12, "USD", "$1.2T"),
    (850e6, 850e6, "USD", "$850.0M"), (1.5e12, 1.5e12, "JPY", "1.5兆円"), (1500e8, 1500e8, "JPY", "1,500億円"),
    (2.5e8, 2.5e8, "JPY", "2.5億円"), (3e4, 3e4, "JPY", "3万円"), (120e9, 160e9, "CNY", "120.0–160.0B CNY"),
    ("", "", "USD", "")])
def test_human_units(low, high, currency, shown):
    assert human(low, high, currency) == shown


def test_the_total_leaves_out_aggregates_and_spans():
    row = {"metric": "capex", "usd_low": "8e10", "aggregate": "false", "period": "2025"}
    rows = [row, dict(row, usd_low="2e10"), dict(row, usd_low="5e11", aggregate="true"),
            dict(row, usd_low="9e11", period="2025/2028"), dict(row, metric="revenue", usd_low="1e12")]
    assert capex_total(rows) == "capex total $100.0B (lower ends); left out: 1 aggregate, 1 multi-year"
