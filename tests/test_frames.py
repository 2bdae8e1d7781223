"""pandas DataFrames: a run's tables read back with `read_tables`, one text's rows with
`Extraction.to_pandas`, on articles written for these tests."""
from __future__ import annotations

import csv
import datetime as dt
import os
import subprocess
from pathlib import Path

import pandas as pd
import pytest
from helpers import console_script, plain_env

import capex_extract
from capex_extract import store
from capex_extract.frames import TablesNotFound
from capex_extract.writers import SCHEMAS

CAPEX = console_script()

ARTICLES = {
    "2025-05-20_fujitsu.txt": "富士通は2025年度に半導体工場の増設へ2400億円を投じる計画だ。\n"
                             "同社は昨年、GPUを3000枚導入した。\n",
    "2025-06-02_sakura.txt": "さくらインターネットは今年、石狩のデータセンターに約9億ドルを投資する方針を示した。\n",
}


@pytest.fixture(scope="module")
def out(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("frames")
    (root / "in").mkdir()
    for name, text in ARTICLES.items():
        (root / "in" / name).write_text(text, encoding="utf-8")
    done = subprocess.run([str(CAPEX), "extract", "in", "-o", "out"], cwd=root, capture_output=True, env=plain_env())
    assert done.returncode == 0, done.stderr
    return root / "out"


def csv_rows(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def test_every_table_comes_back_with_its_rows(out):
    tables = capex_extract.read_tables(out)
    assert set(tables) == set(SCHEMAS)
    for name, frame in tables.items():
        assert list(frame.columns) == SCHEMAS[name].names
        assert len(frame) == len(csv_rows(out / f"{name}.csv")), name


def test_columns_have_the_types_an_analyst_computes_with(out):
    tables = capex_extract.read_tables(out)
    amounts, documents = tables["amounts"], tables["documents"]
    assert amounts["start"].dtype == "Int64" and amounts["fx_year"].dtype == "Int64"
    assert amounts["usd_low"].dtype == "float64"
    assert amounts["entity"].dtype == "string" and amounts["sentence"].dtype == "string"
    assert isinstance(amounts["metric"].dtype, pd.CategoricalDtype) and "capex" in amounts["metric"].cat.categories
    assert isinstance(amounts["currency"].dtype, pd.CategoricalDtype)
    assert pd.api.types.is_datetime64_any_dtype(amounts["period_start"])
    assert pd.api.types.is_datetime64_any_dtype(documents["extracted_at"]) and str(documents["extracted_at"].dt.tz) == "UTC"
    assert tables["dates"]["relative"].dtype == "boolean"
    yen = amounts[amounts["currency"] == "JPY"].iloc[0]
    assert yen["amount_low"] == 2400e8 and yen["entity"] == "Fujitsu" and yen["period"] == "FY2025"
    assert yen["period_start"] == pd.Timestamp("2025-04-01")  # Fujitsu's fiscal calendar
    # The dates table knows no owner's calendar: 2025年度 has no days, missing and not a sentinel.
    fiscal = tables["dates"][tables["dates"]["value"] == "FY2025"].iloc[0]
    assert fiscal["start_date"] is pd.NaT and fiscal["precision"] == "fiscal_year"
    dollars = amounts[amounts["currency"] == "USD"].iloc[0]
    assert dollars["fx_year"] is pd.NA and dollars["period_start"] == pd.Timestamp("2025-01-01")


def test_the_capex_table_sums_by_year(out):
    capex = capex_extract.read_tables(out)["capex"]
    by_year = capex[capex["metric"] == "capex"].groupby("year")["usd_low"].sum()
    assert list(by_year.index) == [2025] and by_year[2025] == pytest.approx(9e8 + 2400e8 * _jpy_rate(out))


def _jpy_rate(out: Path) -> float:
    yen = [r for r in csv_rows(out / "amounts.csv") if r["currency"] == "JPY"]
    return float(yen[0]["fx_rate"])


def test_the_text_is_the_raw_text_not_the_csv_escape(tmp_path):
    (tmp_path / "-NTT.txt").write_text("NTTは2025年に800億円を投じる。", encoding="utf-8")
    subprocess.run([str(CAPEX), "extract", str(tmp_path / "-NTT.txt"), "-o", str(tmp_path / "out")],
                   capture_output=True, check=True, env=plain_env())
    assert capex_extract.read_tables(tmp_path / "out")["amounts"]["doc"].tolist() == ["-NTT.txt"]
    assert csv_rows(tmp_path / "out" / "amounts.csv")[0]["doc"] == "'-NTT.txt"


def test_a_publish_left_half_done_is_finished_before_reading(out, tmp_path):
    copy = tmp_path / "out"
    subprocess.run(["cp", "-r", str(out), str(copy)], check=True)
    commit = copy / store.COMMIT
    commit.mkdir()
    # A killed run had moved every table but the errors table it committed.
    os.replace(copy / "errors.parquet", commit / "errors.parquet")
    os.replace(copy / "errors.csv", commit / "errors.csv")
    tables = capex_extract.read_tables(copy)
    assert not commit.exists() and "errors" in tables


def test_a_folder_without_tables_is_said(tmp_path):
    with pytest.raises(TablesNotFound, match="no tables"):
        capex_extract.read_tables(tmp_path)
    with pytest.raises(TablesNotFound, match="not a folder"):
        capex_extract.read_tables(tmp_path / "missing")


def test_an_extraction_gives_the_same_frames():
    rows = capex_extract.extract_text("さくらインターネットは2026年3月、GPUを2万基そろえるため15億ドルを投じると発表した。",
                                      reference_date=dt.date(2026, 3, 20))
    frames = rows.to_pandas()
    assert set(frames) == {"amounts", "gpu_counts", "dates", "capacities"}
    assert frames["amounts"]["usd_low"].tolist() == [1.5e9]
    assert frames["gpu_counts"]["count_low"].dtype == "Int64" and frames["gpu_counts"]["count_low"].tolist() == [20000]
    assert frames["dates"]["value"].tolist() == ["2026-03"]
    assert frames["capacities"].empty and list(frames["capacities"].columns) == SCHEMAS["capacities"].names
