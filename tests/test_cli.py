"""End-to-end tests of the ``capex`` command, run as a real subprocess.

Every test drives the installed console script on small articles written into a temporary
folder. Runs are shared through module-scoped fixtures, since each one pays the Sudachi
start-up.
"""
from __future__ import annotations

import codecs
import csv
import io
import json
import subprocess
from pathlib import Path

import pytest
from helpers import console_script, plain_env

CAPEX = console_script()

TABLES = ("amounts", "gpu_counts", "dates", "capacities", "documents", "capex", "gpu_fleet", "capacity", "errors")
SPAN_TABLES = ("amounts", "gpu_counts", "dates")
AMOUNT_KEY = ("start", "end", "text", "amount_low", "amount_high", "currency", "qualifier", "metric",
              "entity", "period")

# ---------------------------------------------------------------------------
# Articles (written for these tests)

ARTICLE = (
    "A社はデータセンターに500億円を投資する。\n"
    "同社は2025年4月10日、最大20億ドルの追加投資を検討していると明らかにした。\n"
    "新拠点には約1兆2000億円の設備投資が見込まれ、GPUを3000基導入する計画だ。\n"
)
FULLWIDTH = (
    "Ｃ社は　２０２５年度に　３，０００億円を投じる。\n"
    "同社は１０月１日、　ＧＰＵを１万基導入すると発表した。\n"
    "売上高は約　１２０億円の見通し。\n"
)
THIS_YEAR = "今年、B社は九州の計算基盤に100億円を投資する方針だ。\n"
NO_DATE = "今年、F社は生成AI向けの設備に200億円を投資すると発表した。\n"
STDIN_TEXT = "G社は2024年10月1日、新たな研究拠点を開設した。今年度中に本格稼働させる。\n"
UNDECODABLE = b"abc\x80\xff\x80\xfe def\n"
JSONL_GOOD_1 = {"id": "n1", "published": "2025-02-03", "title": "AI拠点",
                "text": "今年、D社は国内のAI拠点に300億円を投じる。"}
JSONL_GOOD_2 = {"id": "n2", "published": "2025-04-01T09:00:00+09:00",
                "text": "E社は2026年までにGPUを5000基導入する。"}
JSONL_BAD = '{"id": "n3", "text": "閉じていない行'


# ---------------------------------------------------------------------------
# Helpers


def run(args: list[str | Path], cwd: Path, stdin: bytes | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(CAPEX), *map(str, args)], cwd=cwd, input=stdin if stdin is not None else b"",
        capture_output=True, env=plain_env(), timeout=60,
    )


def out_text(proc: subprocess.CompletedProcess) -> str:
    return proc.stdout.decode("utf-8")


def err_text(proc: subprocess.CompletedProcess) -> str:
    return proc.stderr.decode("utf-8")


def read_csv(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def parse_csv(text: str) -> tuple[list[str], list[dict[str, str]]]:
    reader = csv.DictReader(io.StringIO(text, newline=""))
    rows = list(reader)
    return list(reader.fieldnames or []), rows


def amount_keys(rows: list[dict[str, str]], doc: str) -> list[tuple[str, ...]]:
    return [tuple(r[k] for k in AMOUNT_KEY) for r in rows if r["doc"] == doc]


# ---------------------------------------------------------------------------
# Shared runs


@pytest.fixture(scope="module")
def clean(tmp_path_factory):
    """A folder of good articles, extracted with -o (twice, for determinism) and with --summary."""
    base = tmp_path_factory.mktemp("clean")
    src = base / "articles"
    (src / "sub").mkdir(parents=True)
    (src / "a_utf8.txt").write_bytes(ARTICLE.encode("utf-8"))
    (src / "b_cp932.txt").write_bytes(ARTICLE.encode("cp932"))
    (src / "c_eucjp.txt").write_bytes(ARTICLE.encode("euc_jp"))
    (src / "d_bom.md").write_bytes(ARTICLE.encode("utf-8-sig"))
    (src / "sub" / "fullwidth.txt").write_bytes(FULLWIDTH.encode("utf-8"))
    (src / "2024-11-05_x.txt").write_bytes(THIS_YEAR.encode("utf-8"))
    (src / "ignored.csv").write_text("not,an,article\n", encoding="utf-8")
    first = run(["extract", src, "-o", base / "out1"], cwd=base)
    second = run(["extract", src, "-o", base / "out2"], cwd=base)
    summary = run(["extract", src, "-o", base / "out3", "--summary"], cwd=base)
    stdout_only = run(["extract", src, "--stdout", "amounts"], cwd=base)
    return {"base": base, "src": src, "first": first, "second": second, "summary": summary,
            "stdout_only": stdout_only, "out": base / "out1"}


@pytest.fixture(scope="module")
def mixed(tmp_path_factory):
    """Good articles next to an undecodable file and a JSON-lines file with a broken line."""
    base = tmp_path_factory.mktemp("mixed")
    src = base / "in"
    src.mkdir()
    (src / "a_good.txt").write_bytes(ARTICLE.encode("utf-8"))
    (src / "m_bad.txt").write_bytes(UNDECODABLE)
    lines = [json.dumps(JSONL_GOOD_1, ensure_ascii=False), JSONL_BAD,
             json.dumps(JSONL_GOOD_2, ensure_ascii=False)]
    (src / "news.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (src / "z_good.txt").write_bytes(FULLWIDTH.encode("utf-8"))
    proc = run(["extract", src, "-o", base / "out"], cwd=base)
    return {"base": base, "src": src, "proc": proc, "out": base / "out"}


# ---------------------------------------------------------------------------
# capex extract DIR -o OUT


def test_extract_dir_exit_status_and_quiet_streams(clean):
    proc = clean["first"]
    assert proc.returncode == 0, err_text(proc)
    assert proc.stdout == b""
    assert proc.stderr == b"", "no progress or summary when stderr is not a terminal"


def test_extract_dir_writes_every_table_as_parquet_and_csv(clean):
    import pyarrow.parquet as pq

    out = clean["out"]
    names = sorted(p.name for p in out.iterdir() if p.name not in (".capex.lock", ".capex-publish.lock"))
    assert names == sorted(f"{t}.{ext}" for t in TABLES for ext in ("parquet", "csv"))
    for table in TABLES:
        with open(out / f"{table}.csv", encoding="utf-8-sig", newline="") as f:
            header = next(csv.reader(f))
        rows = read_csv(out / f"{table}.csv")
        parquet = pq.read_table(out / f"{table}.parquet")
        assert parquet.schema.names == header, table
        assert parquet.num_rows == len(rows), table
    documents = read_csv(out / "documents.csv")
    assert sorted(d["doc"] for d in documents) == sorted(
        ["a_utf8.txt", "b_cp932.txt", "c_eucjp.txt", "d_bom.md", "sub/fullwidth.txt", "2024-11-05_x.txt"])
    assert read_csv(out / "errors.csv") == []
    assert len(read_csv(out / "amounts.csv")) > 0


def test_summary_flag_prints_one_summary_line_on_stderr(clean):
    proc = clean["summary"]
    assert proc.returncode == 0
    assert proc.stdout == b""
    lines = err_text(proc).splitlines()
    assert len(lines) == 1, lines
    assert "6 documents" in lines[0] and "0 failed" in lines[0]
    n_amounts = len(read_csv(clean["out"] / "amounts.csv"))
    assert f"{n_amounts} amounts" in lines[0]


def test_same_input_into_new_folders_gives_identical_tables(clean):
    assert clean["second"].returncode == 0
    for table in TABLES:
        for ext in ("csv", "parquet"):
            files = [(clean["base"] / out / f"{table}.{ext}") for out in ("out1", "out2", "out3")]
            if table == "documents":
                # Only the time of extraction may differ between separate runs.
                read = [read_csv(f) for f in files] if ext == "csv" else []
                for rows in read:
                    for row in rows:
                        row.pop("extracted_at")
                assert all(r == read[0] for r in read)
            else:
                assert len({f.read_bytes() for f in files}) == 1, (table, ext)


def test_nothing_but_the_lock_files_left_beside_the_tables(clean):
    for out in ("out1", "out2", "out3"):
        hidden = sorted(p.name for p in (clean["base"] / out).iterdir() if p.name.startswith("."))
        assert hidden == [".capex-publish.lock", ".capex.lock"]


# ---------------------------------------------------------------------------
# --stdout


def test_stdout_amounts_is_exactly_the_amounts_csv(clean):
    proc = clean["stdout_only"]
    assert proc.returncode == 0, err_text(proc)
    assert proc.stderr == b""
    header, rows = parse_csv(out_text(proc))
    for column in ("doc", "start", "end", "text", "amount_low", "amount_high", "currency", "qualifier",
                   "metric", "entity", "period"):
        assert column in header
    expected = {"doc": "a_utf8.txt", "text": "500億円", "amount_low": "50000000000.0",
                "amount_high": "50000000000.0", "currency": "JPY", "qualifier": ""}
    assert any(all(r[k] == v for k, v in expected.items()) for r in rows), rows
    # Nothing else on stdout: the bytes are the very file -o writes, without its BOM.
    on_disk = (clean["out"] / "amounts.csv").read_bytes()
    assert on_disk.startswith(codecs.BOM_UTF8) and not proc.stdout.startswith(codecs.BOM_UTF8)
    assert proc.stdout == on_disk[len(codecs.BOM_UTF8):]


def test_stdout_without_out_writes_no_files(clean):
    # The --stdout-only run in the fixture was made with cwd=base; only the runs' outputs
    # and the articles are there.
    assert sorted(p.name for p in clean["base"].iterdir()) == ["articles", "out1", "out2", "out3"]


def test_stdout_amount_values(clean):
    _, rows = parse_csv(out_text(clean["stdout_only"]))
    mine = {r["text"]: r for r in rows if r["doc"] == "a_utf8.txt"}
    assert mine["最大20億ドル"]["currency"] == "USD"
    assert float(mine["最大20億ドル"]["amount_low"]) == 2e9
    assert mine["最大20億ドル"]["qualifier"] == "up_to"
    assert mine["約1兆2000億円"]["qualifier"] == "approx"
    assert float(mine["約1兆2000億円"]["amount_high"]) == 1.2e12


@pytest.fixture(scope="module")
def stdin_runs(tmp_path_factory):
    base = tmp_path_factory.mktemp("stdin")
    return {enc: run(["extract", "-", "--stdout", "dates", "--reference-date", "2024-06-01"], cwd=base,
                     stdin=STDIN_TEXT.encode(enc))
            for enc in ("utf-8", "cp932")}


@pytest.mark.parametrize("encoding", ["utf-8", "cp932"])
def test_stdin_dates(stdin_runs, encoding):
    proc = stdin_runs[encoding]
    assert proc.returncode == 0, err_text(proc)
    assert proc.stderr == b""
    _, rows = parse_csv(out_text(proc))
    assert rows, "dates expected"
    assert {r["doc"] for r in rows} == {"-"}
    assert {r["doc_id"] for r in rows} == {"-"}
    day = [r for r in rows if r["text"] == "2024年10月1日"]
    assert day and day[0]["value"] == "2024-10-01" and day[0]["precision"] == "day"
    for r in rows:
        assert STDIN_TEXT[int(r["start"]):int(r["end"])] == r["text"]


def test_stdin_same_rows_whatever_the_encoding(stdin_runs):
    assert stdin_runs["utf-8"].stdout == stdin_runs["cp932"].stdout


# ---------------------------------------------------------------------------
# Offsets and encodings


def test_offsets_point_into_the_original_text(clean):
    out = clean["out"]
    documents = {d["doc"]: d for d in read_csv(out / "documents.csv")}
    checked = 0
    for table in SPAN_TABLES:
        for row in read_csv(out / f"{table}.csv"):
            doc = documents[row["doc"]]
            original = Path(doc["path"]).read_bytes().decode(doc["encoding"])
            assert original[int(row["start"]):int(row["end"])] == row["text"], (table, row)
            assert row["text"] in row["sentence"]
            checked += 1
    assert checked > 10


def test_fullwidth_and_ideographic_spaces_keep_original_offsets(clean):
    original = (clean["src"] / "sub" / "fullwidth.txt").read_text(encoding="utf-8")
    texts = set()
    for table in SPAN_TABLES:
        for row in read_csv(clean["out"] / f"{table}.csv"):
            if row["doc"] == "sub/fullwidth.txt":
                assert original[int(row["start"]):int(row["end"])] == row["text"]
                texts.add(row["text"])
    assert "３，０００億円" in texts
    assert "２０２５年度" in texts
    amounts = {r["text"]: r for r in read_csv(clean["out"] / "amounts.csv") if r["doc"] == "sub/fullwidth.txt"}
    assert float(amounts["３，０００億円"]["amount_low"]) == 3e11


def test_legacy_encodings_give_the_same_amounts(clean):
    rows = read_csv(clean["out"] / "amounts.csv")
    expected = amount_keys(rows, "a_utf8.txt")
    assert len(expected) >= 3
    for doc in ("b_cp932.txt", "c_eucjp.txt", "d_bom.md"):
        assert amount_keys(rows, doc) == expected, doc
    encodings = {d["doc"]: d["encoding"] for d in read_csv(clean["out"] / "documents.csv")}
    assert encodings["a_utf8.txt"] == "utf-8"
    assert encodings["b_cp932.txt"] == "cp932"
    assert encodings["c_eucjp.txt"] == "euc-jp"
    assert encodings["d_bom.md"] == "utf-8-sig"


# ---------------------------------------------------------------------------
# Failing inputs


def test_failed_inputs_exit_1_and_the_rest_is_written(mixed):
    proc = mixed["proc"]
    assert proc.returncode == 1
    assert proc.stdout == b""
    docs = [d["doc"] for d in read_csv(mixed["out"] / "documents.csv")]
    assert docs == ["a_good.txt", "news.jsonl#n1", "news.jsonl#n2", "z_good.txt"]
    amounts = read_csv(mixed["out"] / "amounts.csv")
    assert {"a_good.txt", "z_good.txt", "news.jsonl#n1"} <= {r["doc"] for r in amounts}


def test_undecodable_file_is_reported_on_one_line_and_in_errors(mixed):
    bad = str(mixed["src"] / "m_bad.txt")
    lines = err_text(mixed["proc"]).splitlines()
    # Exactly one line per failed input: the undecodable file and the broken JSON line.
    assert len(lines) == 2, lines
    assert lines[0].startswith(f"error {bad}: ")
    errors = read_csv(mixed["out"] / "errors.csv")
    rows = [e for e in errors if e["path"] == bad]
    assert len(rows) == 1 and rows[0]["line"] == "" and rows[0]["reason"]


def test_jsonl_documents_and_malformed_line(mixed):
    jsonl = str(mixed["src"] / "news.jsonl")
    documents = {d["doc"]: d for d in read_csv(mixed["out"] / "documents.csv")
                 if d["doc"].startswith("news.jsonl")}
    assert set(documents) == {"news.jsonl#n1", "news.jsonl#n2"}
    assert documents["news.jsonl#n1"]["doc_id"] == "n1"
    assert documents["news.jsonl#n1"]["published"] == "2025-02-03"
    assert documents["news.jsonl#n1"]["reference_source"] == "published"
    assert documents["news.jsonl#n1"]["title"] == "AI拠点"
    assert documents["news.jsonl#n2"]["published"] == "2025-04-01"
    assert documents["news.jsonl#n2"]["path"] == jsonl
    assert any(line.startswith(f"error {jsonl}:2: ") for line in err_text(mixed["proc"]).splitlines())
    errors = [e for e in read_csv(mixed["out"] / "errors.csv") if e["path"] == jsonl]
    assert [e["line"] for e in errors] == ["2"]
    # Offsets of JSON-line rows are into the article text.
    for row in read_csv(mixed["out"] / "amounts.csv"):
        if row["doc"] == "news.jsonl#n1":
            assert JSONL_GOOD_1["text"][int(row["start"]):int(row["end"])] == row["text"]
            assert row["doc_id"] == "n1"
            assert row["period"] == "2025"


def test_errors_parquet_matches_csv(mixed):
    import pyarrow.parquet as pq

    table = pq.read_table(mixed["out"] / "errors.parquet").to_pylist()
    assert [(e["path"], e["line"]) for e in table] == [
        (str(mixed["src"] / "m_bad.txt"), None), (str(mixed["src"] / "news.jsonl"), 2)]


# ---------------------------------------------------------------------------
# Reference date


def test_reference_date_from_filename(clean):
    amounts = [r for r in read_csv(clean["out"] / "amounts.csv") if r["doc"] == "2024-11-05_x.txt"]
    assert [(r["text"], r["period"]) for r in amounts] == [("100億円", "2024")]
    assert amounts[0]["period_start"] == "2024-01-01" and amounts[0]["period_end"] == "2024-12-31"
    doc = [d for d in read_csv(clean["out"] / "documents.csv") if d["doc"] == "2024-11-05_x.txt"][0]
    assert doc["reference_source"] == "filename"
    assert doc["reference_date"] == "2024-11-05"
    assert doc["reference_year"] == "2024"


@pytest.fixture(scope="module")
def option_run(tmp_path_factory):
    base = tmp_path_factory.mktemp("option")
    (base / "plain.txt").write_text(NO_DATE, encoding="utf-8")
    proc = run(["extract", "plain.txt", "-o", "out", "--reference-date", "2023-06-01"], cwd=base)
    return {"base": base, "proc": proc, "out": base / "out"}


def test_reference_date_option(option_run):
    assert option_run["proc"].returncode == 0, err_text(option_run["proc"])
    amounts = read_csv(option_run["out"] / "amounts.csv")
    assert [(r["text"], r["period"]) for r in amounts] == [("200億円", "2023")]
    doc = read_csv(option_run["out"] / "documents.csv")[0]
    assert doc["doc"] == "plain.txt" and doc["path"] == "plain.txt"
    assert (doc["reference_source"], doc["reference_date"], doc["reference_year"]) == (
        "option", "2023-06-01", "2023")


def test_bad_reference_date_is_a_usage_error_naming_the_option(tmp_path):
    (tmp_path / "plain.txt").write_text(NO_DATE, encoding="utf-8")
    proc = run(["extract", "plain.txt", "-o", "out", "--reference-date", "2023-13-01"], cwd=tmp_path)
    assert proc.returncode == 2
    assert proc.stdout == b""
    assert "2023-13-01" in err_text(proc)
    assert "--reference-date" in err_text(proc)
    assert not (tmp_path / "out").exists()


# ---------------------------------------------------------------------------
# Usage


def test_no_output_chosen_is_a_usage_error(tmp_path):
    (tmp_path / "plain.txt").write_text(NO_DATE, encoding="utf-8")
    proc = run(["extract", "plain.txt"], cwd=tmp_path)
    assert proc.returncode == 2
    assert proc.stdout == b""
    assert "--out" in err_text(proc) or "--stdout" in err_text(proc)


def test_missing_path_exits_1_and_names_it(tmp_path):
    proc = run(["extract", "no_such_dir", "-o", "out"], cwd=tmp_path)
    assert proc.returncode == 1
    assert proc.stdout == b""
    lines = err_text(proc).splitlines()
    assert len(lines) == 2 and lines[0].startswith("error no_such_dir: "), lines
    assert lines[1] == "error: no documents found in the inputs, nothing extracted"
    errors = read_csv(tmp_path / "out" / "errors.csv")
    assert [(e["path"], e["line"]) for e in errors] == [("no_such_dir", "")]


def test_out_naming_a_file_is_a_usage_error_before_any_work(tmp_path):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text("同社は新工場に500億円を投じる。", encoding="utf-8")
    (tmp_path / "taken").write_text("not a folder", encoding="utf-8")
    done = run(["extract", "in", "-o", "taken"], cwd=tmp_path)
    assert done.returncode == 2
    assert "taken" in done.stderr.decode() and "not a folder" in done.stderr.decode()
    assert (tmp_path / "taken").read_text(encoding="utf-8") == "not a folder"


def test_a_reader_that_stops_early_is_not_an_error(tmp_path):
    (tmp_path / "in").mkdir()
    for i in range(40):
        (tmp_path / "in" / f"{i:02d}.txt").write_text(
            f"同社は{i + 1}月に新拠点を開き、{i + 1}00億円を投じる。" * 20, encoding="utf-8")
    # pipefail: the pipeline's status is capex's, not head's.
    done = subprocess.run(f"set -o pipefail; '{CAPEX}' extract in --stdout dates | head -n 1", shell=True,
                          executable="/bin/bash", cwd=tmp_path, capture_output=True, env=plain_env(), timeout=60)
    assert done.returncode == 0
    assert done.stdout.decode().startswith("doc_id,doc,start,end")
    assert done.stderr.decode() == ""
