"""The CSV files as a spreadsheet and a notebook meet them: UTF-8 with a BOM, would-be
formulas escaped (the Parquet files keep the raw text), dollars to the cent, ISO dates; and
the project's scorer, which opens them as plain UTF-8, still finds its columns.

The articles, names and titles below were written for these tests.
"""
from __future__ import annotations

import codecs
import csv
import json
import re
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest
from hypothesis import given
from hypothesis import strategies as st

from capex_extract.cells import FORMULA_START, escape_cell, unescape_cell
from helpers import console_script, plain_env

CAPEX = console_script()
SHARED = Path(__file__).resolve().parents[2] / "shared"

# A file name, a JSON id, a title and a url that a spreadsheet would run as formulas, and a
# user dictionary name that would too.
FILE = "=1+2_notes.txt"
FILE_TEXT = "北斗データは2025年に新拠点へ300億円を投じる。\n"
WIRE = {"id": "@SUM(1,1)", "title": '=HYPERLINK("http://example.com","開く")', "url": "+cmd|' /C calc'!A0",
        "published": "2025-05-20",
        "text": "-北斗データは今年、GPUを2000基導入する。同社は米国で20億ドルを投資する。\n"}
DICT = '[organizations]\n"=Hokuto Data" = ["北斗データ"]\n'


def run(*args: object, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([str(CAPEX), *map(str, args)], capture_output=True, env=plain_env(), cwd=cwd)


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> dict:
    root = tmp_path_factory.mktemp("csvfiles")
    (root / "in").mkdir()
    (root / "in" / FILE).write_text(FILE_TEXT, encoding="utf-8")
    (root / "in" / "wire.jsonl").write_text(json.dumps(WIRE, ensure_ascii=False) + "\n", encoding="utf-8")
    (root / "user.toml").write_text(DICT, encoding="utf-8")
    done = run("extract", root / "in", "-o", root / "out", "--dict", root / "user.toml", "--stdout", "documents")
    assert done.returncode == 0, done.stderr.decode()
    return {"dir": root / "out", "stdout": done.stdout}


@given(st.text(max_size=20))
def test_escaping_is_undone_exactly(text: str) -> None:
    escaped = escape_cell(text)
    assert unescape_cell(escaped) == text
    assert not escaped.startswith(FORMULA_START) or escaped in ("-", "+")  # a lone sign computes nothing


@pytest.mark.parametrize("text", ["=A1", "+81-3", "-1+2", "@SUM(A1)", "\tx", "\rx", "'=A1"])
def test_a_would_be_formula_gets_one_apostrophe(text: str) -> None:
    assert escape_cell(text) == "'" + text


@pytest.mark.parametrize("text", ["NTT", "2025-01", "-", "3,000億円", "it's"])
def test_other_text_is_left_alone(text: str) -> None:
    assert escape_cell(text) == text


def test_every_csv_file_starts_with_a_bom_and_doc_id_leads_the_fact_tables(out: dict) -> None:
    for path in sorted(out["dir"].glob("*.csv")):
        assert path.read_bytes().startswith(codecs.BOM_UTF8), path.name
    for name in ("amounts", "gpu_counts", "dates"):
        header = (out["dir"] / f"{name}.csv").read_bytes()[len(codecs.BOM_UTF8):].split(b",", 1)[0]
        assert header == b"doc_id"


def test_no_cell_of_any_csv_file_or_stdout_can_run_as_a_formula(out: dict) -> None:
    sources = {p.name: p.read_text(encoding="utf-8-sig") for p in out["dir"].glob("*.csv")}
    sources["stdout"] = out["stdout"].decode("utf-8")
    assert not sources["stdout"].startswith("\ufeff")
    for name, text in sources.items():
        for row in csv.reader(text.splitlines(keepends=True)):
            for cell in row:
                assert not cell.startswith(FORMULA_START), (name, cell)
    documents = list(csv.DictReader(out["stdout"].decode("utf-8").splitlines()))
    wire = next(d for d in documents if d["doc"].startswith("wire.jsonl"))
    assert wire["doc_id"] == "'" + WIRE["id"] and wire["title"] == "'" + WIRE["title"]
    assert wire["url"] == "'" + WIRE["url"]


def test_parquet_keeps_the_raw_text_and_pandas_reads_the_csv(out: dict) -> None:
    amounts = pq.read_table(out["dir"] / "amounts.parquet").to_pylist()
    assert {a["entity"] for a in amounts} == {"=Hokuto Data"}
    assert {a["doc"] for a in amounts} == {FILE, f"wire.jsonl#{WIRE['id']}"}
    frame = pd.read_csv(out["dir"] / "amounts.csv", encoding="utf-8-sig")
    assert frame.columns[0] == "doc_id"
    assert set(frame["entity"]) == {"'=Hokuto Data"}
    assert sorted(frame["doc"]) == sorted(["'" + FILE, f"wire.jsonl#{WIRE['id']}"])
    dates = pd.read_csv(out["dir"] / "documents.csv", encoding="utf-8-sig")
    assert list(dates["published"].dropna()) == ["2025-05-20"]


def test_dollars_are_to_the_cent_and_dates_iso(out: dict) -> None:
    with open(out["dir"] / "amounts.csv", encoding="utf-8-sig", newline="") as f:
        amounts = list(csv.DictReader(f))
    yen = next(a for a in amounts if a["currency"] == "JPY")
    for column in ("usd_low", "usd_high"):
        assert re.fullmatch(r"\d+\.\d{1,2}", yen[column]), yen[column]
    assert yen["period_start"] == "2025-01-01" and yen["period_end"] == "2025-12-31"
    with open(out["dir"] / "capex.csv", encoding="utf-8-sig", newline="") as f:
        for row in csv.DictReader(f):
            for column in ("usd_low", "usd_high", "usd_min", "usd_max"):
                assert row[column] == "" or re.fullmatch(r"\d+\.\d{1,2}", row[column]), row


def test_an_unchanged_run_reads_the_escaped_names_back(out: dict) -> None:
    # The quick check compares documents.csv with the inputs: an escaped name must match.
    root = out["dir"].parent
    again = subprocess.run([str(CAPEX), "extract", str(root / "in"), "-o", str(out["dir"]), "--dict",
                            str(root / "user.toml"), "-v"], capture_output=True, env=plain_env())
    assert again.returncode == 0
    assert "0 new, 0 changed, 2 unchanged" in again.stderr.decode()


@pytest.mark.skipif(not (SHARED / "eval" / "score.py").exists(), reason="the project scorer is not beside the repo")
def test_the_scorer_reads_the_files_with_their_bom(tmp_path: Path) -> None:
    # score.py opens the CSV files as plain UTF-8: the BOM sticks to the first column's
    # name, which must be one it does not read.
    (tmp_path / "in").mkdir()
    text = "南風通信は2026年にAI基盤へ500億円を投じる。\n"
    (tmp_path / "in" / "a.txt").write_text(text, encoding="utf-8")
    gold = {"doc": "a.txt", "type": "money", "text": "500億円", "start": text.index("500"),
            "end": text.index("500") + 5, "low": 5e10, "high": 5e10, "currency": "JPY", "qualifier": None,
            "metric": "capex", "entity": ["南風通信"], "year": [2026]}
    (tmp_path / "gold.jsonl").write_text(json.dumps(gold, ensure_ascii=False) + "\n", encoding="utf-8")
    (tmp_path / "user.toml").write_text('[organizations]\n"南風通信" = ["南風通信"]\n', encoding="utf-8")
    assert run("extract", tmp_path / "in", "-o", tmp_path / "out", "--dict", tmp_path / "user.toml").returncode == 0
    assert (tmp_path / "out" / "amounts.csv").read_bytes().startswith(codecs.BOM_UTF8)
    scored = subprocess.run([sys.executable, str(SHARED / "eval" / "score.py"), str(tmp_path / "gold.jsonl"),
                             str(tmp_path / "out"), "--json"], capture_output=True, text=True)
    assert scored.returncode == 0, scored.stderr
    money = json.loads(scored.stdout)["money"]
    assert money["f1"] == 1.0 and money["attributes"] == {"entity": 1.0, "metric": 1.0, "qualifier": 1.0,
                                                          "year": 1.0}
