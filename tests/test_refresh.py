"""Scheduled refresh, end to end with real processes and real files: incremental and
idempotent runs, tables replaced all together even under SIGKILL, one run per OUT at a
time, and bad inputs that cost one error line each and nothing else."""
from __future__ import annotations

import csv
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from helpers import console_script, no_dac_override, plain_env, strace

import capex_extract
from capex_extract import store
from capex_extract.rows import InputError
from capex_extract.writers import SCHEMAS, to_arrow, write_table_files

CAPEX = console_script()
TABLES = tuple(SCHEMAS)
FACTS = ("amounts", "gpu_counts", "dates")

# Written for these tests: short news items in the usual shapes (who, when, how much).
TEMPLATES = [
    "{co}は{y}年{m}月{d}日、国内に新しいデータセンターを建設すると発表した。投資額は約{n}億円で、{y2}年の稼働を目指す。",
    "{co}は生成AIの計算基盤としてGPUを{k}基導入する計画を明らかにした。総事業費は{n}億円を見込む。",
    "関係者によると、{co}は{y}年度に設備投資を前年比2割増の{n}億円に引き上げる方針だ。",
    "{co}は{y}年{m}月、米国のクラウド事業に最大{b}億ドルを投じると表明した。",
]
COMPANIES = ["ソフトバンク", "KDDI", "さくらインターネット", "NTT", "富士通", "NEC"]


def article(i: int) -> str:
    t = TEMPLATES[i % len(TEMPLATES)]
    return t.format(co=COMPANIES[i % len(COMPANIES)], y=2020 + i % 7, y2=2027 + i % 3, m=1 + i % 12,
                    d=1 + i % 28, n=100 + 7 * i, k=1000 + 10 * i, b=5 + i % 40) + "\n"


def make_corpus(root: Path, n: int) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        (root / f"a{i:04d}.txt").write_text(article(i), encoding="utf-8")
    return root


def capex(*args: object, cwd: Path, env: dict[str, str] | None = None,
          prefix: tuple[str, ...] = ()) -> subprocess.CompletedProcess:
    return subprocess.run([*prefix, str(CAPEX), *map(str, args)], cwd=cwd, capture_output=True,
                          env=env or plain_env(), timeout=120, stdin=subprocess.DEVNULL)


def err(proc: subprocess.CompletedProcess) -> str:
    return proc.stderr.decode("utf-8")


def snapshot(out: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(out.iterdir()) if not p.name.startswith(".")}


def rows(out: Path, table: str) -> list[dict[str, str]]:
    with open(out / f"{table}.csv", encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def summary_counts(proc: subprocess.CompletedProcess) -> str:
    line = err(proc).strip().splitlines()[-1]
    return line[line.index("(") + 1:line.index(")")]


# ---------------------------------------------------------------------------
# Incremental and idempotent


@pytest.fixture()
def corpus(tmp_path: Path) -> Path:
    return make_corpus(tmp_path / "in", 12)


def test_second_run_over_unchanged_input_is_byte_identical_and_extracts_nothing(corpus: Path, tmp_path: Path):
    first = capex("extract", corpus, "-o", tmp_path / "out", "--summary", cwd=tmp_path)
    assert first.returncode == 0, err(first)
    assert summary_counts(first) == "12 new, 0 changed, 0 unchanged, 0 removed, 0 failed"
    before = snapshot(tmp_path / "out")
    second = capex("extract", corpus, "-o", tmp_path / "out", "--summary", cwd=tmp_path)
    assert summary_counts(second) == "0 new, 0 changed, 12 unchanged, 0 removed, 0 failed"
    assert snapshot(tmp_path / "out") == before


def test_new_changed_and_removed_documents_match_a_full_rebuild(corpus: Path, tmp_path: Path):
    out = tmp_path / "out"
    capex("extract", corpus, "-o", out, cwd=tmp_path)
    first_docs = {r["doc"]: r for r in rows(out, "documents")}
    (corpus / "a0003.txt").write_text(article(3) + "同社は追加で50億円を投資する。\n", encoding="utf-8")
    (corpus / "a0005.txt").unlink()
    (corpus / "b_new.txt").write_text(article(40), encoding="utf-8")
    proc = capex("extract", corpus, "-o", out, "--verbose", cwd=tmp_path)
    assert proc.returncode == 0, err(proc)
    lines = err(proc).splitlines()
    assert "changed   a0003.txt" in lines and "new       b_new.txt" in lines
    assert "removed   a0005.txt" in lines and "unchanged a0000.txt" in lines
    assert summary_counts(proc) == "1 new, 1 changed, 10 unchanged, 1 removed, 0 failed"

    full = capex("extract", corpus, "-o", tmp_path / "full", cwd=tmp_path)
    assert full.returncode == 0
    for table in (*FACTS, "errors"):
        for ext in ("csv", "parquet"):
            name = f"{table}.{ext}"
            assert (out / name).read_bytes() == (tmp_path / "full" / name).read_bytes(), name
    docs = {r["doc"]: r for r in rows(out, "documents")}
    assert "a0005.txt" not in docs and not [r for r in rows(out, "amounts") if r["doc"] == "a0005.txt"]
    assert docs["a0000.txt"] == first_docs["a0000.txt"]  # carried over, time of extraction included
    assert docs["a0003.txt"]["sha256"] != first_docs["a0003.txt"]["sha256"]
    assert "50億円" in [r["text"] for r in rows(out, "amounts") if r["doc"] == "a0003.txt"]


def test_keep_removed_keeps_the_rows_of_documents_no_longer_found(corpus: Path, tmp_path: Path):
    out = tmp_path / "out"
    capex("extract", corpus, "-o", out, cwd=tmp_path)
    kept = [r for r in rows(out, "amounts") if r["doc"] == "a0001.txt"]
    (corpus / "a0001.txt").unlink()
    proc = capex("extract", corpus, "-o", out, "--keep-removed", "--summary", cwd=tmp_path)
    assert summary_counts(proc) == "0 new, 0 changed, 11 unchanged, 0 removed, 0 failed"
    assert kept and [r for r in rows(out, "amounts") if r["doc"] == "a0001.txt"] == kept
    assert rows(out, "documents")[-1]["doc"] == "a0001.txt"


def test_full_refresh_extracts_everything_again(corpus: Path, tmp_path: Path):
    capex("extract", corpus, "-o", tmp_path / "out", cwd=tmp_path)
    proc = capex("extract", corpus, "-o", tmp_path / "out", "--full-refresh", "--summary", cwd=tmp_path)
    assert summary_counts(proc) == "12 new, 0 changed, 0 unchanged, 0 removed, 0 failed"


def test_changed_rule_data_or_reference_date_re_extracts_all(corpus: Path, tmp_path: Path):
    out = tmp_path / "out"
    data = tmp_path / "rules"
    shutil.copytree(Path(__file__).resolve().parents[1] / "data", data)
    env = plain_env(CAPEX_DATA_DIR=str(data))
    capex("extract", corpus, "-o", out, cwd=tmp_path, env=env)
    with open(data / "organizations.csv", "a", encoding="utf-8") as f:
        f.write("# a comment is enough: the rules are data, and data changed\n")
    proc = capex("extract", corpus, "-o", out, "--summary", cwd=tmp_path, env=env)
    assert summary_counts(proc) == "0 new, 12 changed, 0 unchanged, 0 removed, 0 failed"
    proc = capex("extract", corpus, "-o", out, "--summary", "--reference-date", "2025-06-01", cwd=tmp_path, env=env)
    assert summary_counts(proc) == "0 new, 12 changed, 0 unchanged, 0 removed, 0 failed"
    assert {r["reference_option"] for r in rows(out, "documents")} == {"2025-06-01"}


def test_a_file_that_fails_today_keeps_yesterdays_rows(corpus: Path, tmp_path: Path):
    out = tmp_path / "out"
    capex("extract", corpus, "-o", out, cwd=tmp_path)
    before = [r for r in rows(out, "amounts") if r["doc"] == "a0002.txt"]
    (corpus / "a0002.txt").write_bytes(b"\x00\x01binary now")
    proc = capex("extract", corpus, "-o", out, "--summary", cwd=tmp_path)
    assert proc.returncode == 1
    assert summary_counts(proc) == "0 new, 0 changed, 11 unchanged, 0 removed, 1 failed"
    assert before and [r for r in rows(out, "amounts") if r["doc"] == "a0002.txt"] == before
    assert [r["path"] for r in rows(out, "errors")] == [str(corpus / "a0002.txt")]


def test_damaged_previous_tables_are_rebuilt_with_a_warning(corpus: Path, tmp_path: Path):
    out = tmp_path / "out"
    capex("extract", corpus, "-o", out, cwd=tmp_path)
    (out / "amounts.parquet").write_bytes(b"PAR1 not really")
    proc = capex("extract", corpus, "-o", out, "--summary", cwd=tmp_path)
    assert proc.returncode == 0
    assert "warning" in err(proc) and "amounts.parquet" in err(proc)
    assert summary_counts(proc) == "12 new, 0 changed, 0 unchanged, 0 removed, 0 failed"
    assert pq.read_table(out / "amounts.parquet").num_rows > 0


# ---------------------------------------------------------------------------
# Atomic: a killed run leaves the previous tables


def _wait_for(predicate, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.002)


@pytest.fixture(scope="module")
def big(tmp_path_factory) -> dict[str, Path]:
    """A corpus long enough to kill a run in the middle, and the tables of a first run."""
    base = tmp_path_factory.mktemp("big")
    src = make_corpus(base / "in", 600)
    out = base / "out"
    assert capex("extract", src, "-o", out, cwd=base).returncode == 0
    for path in src.iterdir():  # every document changes, so the next run rewrites everything
        path.write_text(path.read_text(encoding="utf-8") + "同社は今年、GPUを100基追加する。\n", encoding="utf-8")
    return {"base": base, "src": src, "out": out}


def _start(big: dict[str, Path], out: Path) -> subprocess.Popen:
    return subprocess.Popen([str(CAPEX), "extract", str(big["src"]), "-o", str(out)], cwd=big["base"],
                            env=plain_env(), stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)


def _readable(out: Path) -> None:
    for table in TABLES:
        assert pq.read_table(out / f"{table}.parquet").schema.equals(SCHEMAS[table])
        with open(out / f"{table}.csv", encoding="utf-8-sig", newline="") as f:
            assert next(csv.reader(f)) == SCHEMAS[table].names


@pytest.mark.parametrize("when", ["extracting", "writing"])
def test_sigkill_leaves_the_previous_tables_intact(big: dict[str, Path], tmp_path: Path, when: str):
    out = tmp_path / "out"
    shutil.copytree(big["out"], out)
    before = snapshot(out)
    proc = _start(big, out)
    try:
        if when == "extracting":
            _wait_for(lambda: (out / store.LOCK).read_text().startswith(f"pid {proc.pid}"))
            time.sleep(0.5)
        else:
            _wait_for(lambda: any(out.glob(store.STAGING + "*/*")))
        proc.send_signal(signal.SIGKILL)
    finally:
        proc.wait()
    assert proc.returncode == -signal.SIGKILL
    assert snapshot(out) == before
    _readable(out)
    # The next run cleans up after the killed one and finishes the job.
    again = capex("extract", big["src"], "-o", out, cwd=big["base"])
    assert again.returncode == 0
    assert sorted(p.name for p in out.iterdir() if p.name.startswith(".")) == [store.PUBLISH_LOCK, store.LOCK]
    assert any("100基" in r["text"] for r in rows(out, "gpu_counts"))


def test_killed_at_random_moments_the_tables_are_always_whole(big: dict[str, Path], tmp_path: Path):
    out = tmp_path / "out"
    shutil.copytree(big["out"], out)
    old = snapshot(out)
    for delay in (0.05, 0.3, 0.8, 1.5, 2.5, 4.0):
        proc = _start(big, out)
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        store.recover(out)  # what the next run does first, under the lock
        now = snapshot(out)
        _readable(out)
        if now != old:  # the run got to publish: the new tables, all of them
            assert all(now[f"{t}.parquet"] != old[f"{t}.parquet"] for t in ("gpu_counts", "documents"))
            old = now


def test_a_committed_publish_interrupted_midway_is_finished_by_the_next_run(tmp_path: Path):
    out = tmp_path / "out"
    out.mkdir()
    empty = {name: to_arrow(name, []) for name in SCHEMAS}
    with store.staging(out) as folder:
        for name, table in empty.items():
            write_table_files(folder, name, table)
    commit = out / store.COMMIT
    commit.mkdir()
    errors = to_arrow("errors", [InputError("x.txt", None, "empty file")])
    for name, table in {**empty, "errors": errors}.items():
        write_table_files(commit, name, table)
    # Interrupted after two files moved: a mix, until the next run takes the lock.
    for name in ("amounts.csv", "errors.csv"):
        os.replace(commit / name, out / name)
    with store.locked(out, timeout=0):
        pass
    assert not commit.exists()
    assert pq.read_table(out / "errors.parquet").to_pylist() == [{"path": "x.txt", "line": None, "reason": "empty file", "level": "error"}]
    assert rows(out, "errors") == [{"path": "x.txt", "line": "", "reason": "empty file", "level": "error"}]


def _state(out: Path) -> dict[str, list]:
    """Every table as its CSV rows and its Parquet row count, which must agree."""
    tables = {}
    for name in TABLES:
        csv_rows = rows(out, name)
        assert pq.read_metadata(out / f"{name}.parquet").num_rows == len(csv_rows), name
        tables[name] = csv_rows
    return tables


def test_readers_never_see_a_half_published_state(tmp_path: Path):
    tracer = strace()
    if tracer is None:
        if os.environ.get("CI") == "true":
            pytest.fail("strace is needed under CI=true (make test installs it)")
        pytest.skip("strace is not installed or may not trace here (make test installs it)")
    corpus = make_corpus(tmp_path / "in", 3)
    template = tmp_path / "template"
    assert capex("extract", corpus, "-o", template, cwd=tmp_path).returncode == 0
    old = _state(template)
    (corpus / "a0001.txt").unlink()  # so the killed run publishes without extracting anything
    gold = tmp_path / "gold.jsonl"
    date = "2020年1月1日"
    start = article(0).index(date)
    gold.write_text(json.dumps({"doc": "a0000.txt", "type": "date", "text": date, "start": start,
                                "end": start + len(date), "value": ["2020-01-01"]}, ensure_ascii=False) + "\n",
                    encoding="utf-8")
    readers = [("show", "{out}", "-t", "amounts"), ("eval", gold, "{out}"), ("report", "{out}", "-o", "{out}.html"),
               ("read_tables",)]
    new = None
    # A publish is one rename to the commit point, then two per table; killed at each of
    # them in turn, until a run gets through.
    last = 1 + 2 * len(TABLES)
    for n in range(1, last + 2):
        out = tmp_path / f"out{n}"
        shutil.copytree(template, out)
        killed = capex("extract", corpus, "-o", out, "-j", "1", "-q", cwd=tmp_path,
                       prefix=(tracer, "-f", "-qq", "-o", os.devnull, "-e", "trace=rename",
                               "-e", f"inject=rename:signal=KILL:when={n}"))
        assert killed.returncode == (0 if n > last else -signal.SIGKILL), (n, err(killed))
        command, *args = readers[n % len(readers)]
        if command == "read_tables":
            frames = {name: len(frame) for name, frame in capex_extract.read_tables(out).items()}
        else:
            proc = capex(command, *(str(a).format(out=out) for a in args), cwd=tmp_path)
            assert proc.returncode == 0, (n, command, err(proc))
        assert not (out / store.COMMIT).exists()
        now = _state(out)
        if command == "read_tables":
            assert frames == {name: len(rows) for name, rows in now.items()}, n
        if new is None and n > 1:
            new = now
        assert now == (old if n == 1 else new), n
        if command == "show":
            shown = old if n == 1 else new
            assert f"amounts: {len(shown['amounts'])} of {len(shown['amounts'])} rows" in proc.stdout.decode()
    assert len(new["documents"]) == 2 and len(old["documents"]) == 3


# ---------------------------------------------------------------------------
# Locked: one run per OUT


HOLD = """
import sys
from pathlib import Path
from capex_extract import store
with store.locked(Path(sys.argv[1]), timeout=0):
    print("held", flush=True)
    sys.stdin.readline()
"""


@pytest.fixture()
def holder(tmp_path: Path):
    """Another process holding OUT's lock until its stdin closes."""
    out = tmp_path / "out"
    proc = subprocess.Popen([sys.executable, "-c", HOLD, str(out)], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    assert proc.stdout.readline() == b"held\n"
    yield out, proc
    proc.stdin.close()
    proc.wait(timeout=30)


def test_a_second_run_gives_up_with_its_own_exit_code(holder, corpus: Path, tmp_path: Path):
    out, other = holder
    proc = capex("extract", corpus, "-o", out, "--lock-timeout", "0", cwd=tmp_path)
    assert proc.returncode == 3
    [line] = err(proc).splitlines()
    assert line.startswith(f"error --out {out}: another capex run holds .capex.lock (pid {other.pid}")
    assert line.endswith("gave up after 0 s (--lock-timeout)")
    assert not (out / "amounts.csv").exists()


def test_a_second_run_waits_for_the_first(holder, corpus: Path, tmp_path: Path):
    out, other = holder
    waiting = subprocess.Popen([str(CAPEX), "extract", str(corpus), "-o", str(out), "--lock-timeout", "60"],
                               cwd=tmp_path, env=plain_env(), stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE)
    line = waiting.stderr.readline().decode()
    assert "waiting up to 60 s" in line and f"pid {other.pid}" in line
    assert waiting.poll() is None
    other.stdin.close()
    assert waiting.wait(timeout=60) == 0
    assert rows(out, "amounts")


def test_two_runs_at_once_both_finish_and_agree(corpus: Path, tmp_path: Path):
    out = tmp_path / "out"
    procs = [subprocess.Popen([str(CAPEX), "extract", str(corpus), "-o", str(out), "--summary"], cwd=tmp_path,
                              env=plain_env(), stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
             for _ in range(2)]
    outputs = sorted(summary_counts(subprocess.CompletedProcess([], p.wait(timeout=120), b"", p.stderr.read()))
                     for p in procs)
    assert outputs == ["0 new, 0 changed, 12 unchanged, 0 removed, 0 failed",
                       "12 new, 0 changed, 0 unchanged, 0 removed, 0 failed"]
    assert len(rows(out, "documents")) == 12


# ---------------------------------------------------------------------------
# Bad input: one clear error each, and the rest goes on


def test_every_kind_of_bad_input_is_one_error_and_the_good_article_is_read(tmp_path: Path):
    prefix = no_dac_override()
    if prefix is None:
        pytest.skip("running as root without setpriv: permissions cannot be tested")
    src = tmp_path / "in"
    src.mkdir()
    (src / "a_good.txt").write_text(article(1), encoding="utf-8")
    (src / "binary.txt").write_bytes(bytes(range(256)) * 4)
    (src / "latin1.txt").write_bytes("Caf\u00e9 cr\u00e8me\n".encode("latin-1"))
    (src / "empty.md").write_bytes(b"")
    (src / "english.txt").write_text("Capex rose 12% to $80 billion.\n", encoding="utf-8")
    with open(src / "huge.txt", "wb") as f:  # 50 MB on one line
        f.write(("長" * 1000).encode() * 17_000)
    (src / "locked.txt").write_text(article(2), encoding="utf-8")
    (src / "locked.txt").chmod(0)
    (src / "dangling.txt").symlink_to(src / "gone.txt")
    (src / "loop1.txt").symlink_to(src / "loop2.txt")
    (src / "loop2.txt").symlink_to(src / "loop1.txt")
    lines = [json.dumps({"id": "ok", "text": article(3)}, ensure_ascii=False), '{"id": "cut", "text": "途中',
             json.dumps({"id": "none"}), "[1, 2]"]
    (src / "feed.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    try:
        proc = capex("extract", src, "-o", tmp_path / "out", cwd=tmp_path, prefix=prefix)
    finally:
        (src / "locked.txt").chmod(0o644)
    assert proc.returncode == 1
    expected = {
        ("binary.txt", None): "contains a NUL byte at offset 0 (binary or UTF-16?)",
        ("dangling.txt", None): f"broken symbolic link (to {src / 'gone.txt'}, which does not exist)",
        ("empty.md", None): "empty file",
        ("english.txt", None): "no Japanese text (no kana or kanji)",
        ("feed.jsonl", 2): "invalid JSON: Unterminated string starting (column 23)",
        ("feed.jsonl", 3): "field 'text' must be a string (missing)",
        ("feed.jsonl", 4): "expected a JSON object, got array",
        ("huge.txt", None): "the file is 51.0 MB, over the 2.0 MB limit for one document (--max-size)",
        ("locked.txt", None): "permission denied",
        ("loop1.txt", None): "symbolic link loop",
        ("loop2.txt", None): "symbolic link loop",
    }
    errors = {(Path(r["path"]).name, int(r["line"]) if r["line"] else None): r["reason"]
              for r in rows(tmp_path / "out", "errors")}
    latin = errors.pop(("latin1.txt", None))
    assert latin.startswith("not UTF-8, CP932 or EUC-JP")
    assert errors == expected
    stderr = err(proc).splitlines()
    assert len(stderr) == len(expected) + 1
    for (name, line), reason in expected.items():
        where = str(src / name) + (f":{line}" if line else "")
        assert f"error {where}: {reason}" in stderr
    assert [r["doc"] for r in rows(tmp_path / "out", "documents")] == ["a_good.txt", "feed.jsonl#ok"]


# ---------------------------------------------------------------------------
# For cron


def test_quiet_prints_errors_only_and_the_log_file_gets_the_summary(corpus: Path, tmp_path: Path):
    (corpus / "zz_empty.txt").write_bytes(b"")
    log = tmp_path / "capex.log"
    for _ in range(2):
        proc = capex("extract", corpus, "-o", tmp_path / "out", "--quiet", "--log-file", log, cwd=tmp_path)
        assert proc.returncode == 1 and proc.stdout == b""
        assert err(proc).splitlines() == [f"error {corpus / 'zz_empty.txt'}: empty file"]
    entries = log.read_text(encoding="utf-8").splitlines()
    assert len(entries) == 4
    assert [e.split(" ", 2)[1] for e in entries] == ["error", "info", "error", "info"]
    assert entries[1].endswith(f"(12 new, 0 changed, 0 unchanged, 0 removed, 1 failed), "
                               f"{len(rows(tmp_path / 'out', 'amounts'))} amounts, "
                               f"{len(rows(tmp_path / 'out', 'gpu_counts'))} GPU counts, "
                               f"{len(rows(tmp_path / 'out', 'dates'))} dates, "
                               f"{len(rows(tmp_path / 'out', 'capacities'))} capacities → {tmp_path / 'out'}")
    assert "12 unchanged" in entries[3]


def test_no_progress_output_when_stderr_is_not_a_terminal(corpus: Path, tmp_path: Path):
    proc = capex("extract", corpus, "-o", tmp_path / "out", cwd=tmp_path)
    assert proc.returncode == 0 and proc.stderr == b"" and proc.stdout == b""


def test_an_unwritable_log_file_is_a_usage_error_before_any_work(corpus: Path, tmp_path: Path):
    proc = capex("extract", corpus, "-o", tmp_path / "out", "--log-file", tmp_path / "no" / "such" / "x.log",
                 cwd=tmp_path)
    assert proc.returncode == 2 and "--log-file" in err(proc)
    assert not (tmp_path / "out").exists()


def test_on_a_terminal_the_summary_shows_and_the_spinner_is_cleared(corpus: Path, tmp_path: Path):
    import pty

    leader, follower = pty.openpty()
    proc = subprocess.Popen([str(CAPEX), "extract", str(corpus), "-o", str(tmp_path / "out")], cwd=tmp_path,
                            env=plain_env(TERM="xterm"), stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                            stderr=follower)
    os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 4096)
        except OSError:  # the terminal closes with the process
            break
        if not chunk:
            break
        chunks.append(chunk)
    assert proc.wait(timeout=60) == 0
    os.close(leader)
    screen = b"".join(chunks).decode("utf-8", "replace")
    assert "12 documents (12 new, 0 changed, 0 unchanged, 0 removed, 0 failed)" in screen


LOADS = """
import sys
from capex_extract.cli import app
sys.argv = ["capex", "extract", sys.argv[1], "-o", sys.argv[2]]
try:
    app()
except SystemExit as e:
    print(e.code, "pyarrow" in sys.modules, "capex_extract.pipeline" in sys.modules)
"""


def test_a_run_that_finds_nothing_changed_loads_neither_arrow_nor_the_rules(corpus: Path, tmp_path: Path):
    out = tmp_path / "out"
    capex("extract", corpus, "-o", out, cwd=tmp_path)
    again = subprocess.run([sys.executable, "-c", LOADS, str(corpus), str(out)], capture_output=True, text=True,
                           env=plain_env(), timeout=60)
    assert again.stdout.split() == ["0", "False", "False"]
    (corpus / "a0004.txt").write_text(article(4) + "追記。\n", encoding="utf-8")
    changed = subprocess.run([sys.executable, "-c", LOADS, str(corpus), str(out)], capture_output=True, text=True,
                             env=plain_env(), timeout=60)
    assert changed.stdout.split()[:2] == ["0", "True"]  # the rules load in the workers


def test_a_missing_csv_is_written_again(corpus: Path, tmp_path: Path):
    out = tmp_path / "out"
    capex("extract", corpus, "-o", out, cwd=tmp_path)
    before = snapshot(out)
    (out / "documents.csv").unlink()
    assert capex("extract", corpus, "-o", out, cwd=tmp_path).returncode == 0
    assert snapshot(out) == before


def test_inputs_given_in_another_order_give_the_tables_of_a_full_run_in_that_order(tmp_path: Path):
    first, second = make_corpus(tmp_path / "a", 5), tmp_path / "b"
    second.mkdir()
    for i in range(5, 9):
        (second / f"b{i}.txt").write_text(article(i), encoding="utf-8")
    out = tmp_path / "out"
    capex("extract", first, second, "-o", out, cwd=tmp_path)
    proc = capex("extract", second, first, "-o", out, "--summary", cwd=tmp_path)
    # b's documents are carried; a's now come after them, out of their old order: extracted again.
    assert summary_counts(proc) == "0 new, 5 changed, 4 unchanged, 0 removed, 0 failed"
    full = capex("extract", second, first, "-o", tmp_path / "full", cwd=tmp_path)
    assert full.returncode == 0
    for table in FACTS:
        assert (out / f"{table}.parquet").read_bytes() == (tmp_path / "full" / f"{table}.parquet").read_bytes()


def test_one_worker_or_two_write_the_same_tables(tmp_path: Path):
    src = make_corpus(tmp_path / "in", 30)
    for jobs in ("1", "2"):
        assert capex("extract", src, "-o", tmp_path / f"out{jobs}", "-j", jobs, cwd=tmp_path).returncode == 0
    for table in TABLES:
        if table != "documents":
            for ext in ("csv", "parquet"):
                assert (tmp_path / "out1" / f"{table}.{ext}").read_bytes() == \
                    (tmp_path / "out2" / f"{table}.{ext}").read_bytes(), (table, ext)
    strip = [{k: v for k, v in r.items() if k != "extracted_at"} for r in rows(tmp_path / "out1", "documents")]
    assert strip == [{k: v for k, v in r.items() if k != "extracted_at"} for r in rows(tmp_path / "out2", "documents")]


def test_a_folder_given_that_is_gone_today_keeps_its_rows(tmp_path: Path):
    news, wire = make_corpus(tmp_path / "news", 3), make_corpus(tmp_path / "wire", 2)
    out = tmp_path / "out"
    capex("extract", news, wire, "-o", out, cwd=tmp_path)
    before = {r["doc"]: r for r in rows(out, "documents")}
    wire.rename(tmp_path / "wire-unmounted")  # a share that did not mount tonight
    proc = capex("extract", news, wire, "-o", out, "--summary", cwd=tmp_path)
    assert proc.returncode == 1
    assert f"error {wire}: no such file or directory" in err(proc)
    assert summary_counts(proc) == "0 new, 0 changed, 3 unchanged, 0 removed, 1 failed"
    assert {r["doc"]: r for r in rows(out, "documents")} == before


def test_a_misspelt_root_removes_nothing_and_exits_1(tmp_path: Path):
    news = make_corpus(tmp_path / "news", 3)
    out = tmp_path / "out"
    capex("extract", news, "-o", out, cwd=tmp_path)
    before = {k: v for k, v in snapshot(out).items() if not k.startswith("errors.")}
    for _ in range(2):  # the full path, then the quick one: both keep everything
        proc = capex("extract", tmp_path / "nwes", "-o", out, "--summary", cwd=tmp_path)
        assert proc.returncode == 1
        assert f"error {tmp_path / 'nwes'}: no such file or directory" in err(proc)
        assert summary_counts(proc) == "0 new, 0 changed, 0 unchanged, 0 removed, 1 failed" \
            "; 3 not found but kept, their input was not read"
        assert {k: v for k, v in snapshot(out).items() if not k.startswith("errors.")} == before
        assert [r["doc"] for r in rows(out, "documents")] == ["a0000.txt", "a0001.txt", "a0002.txt"]


def test_an_emptied_root_removes_nothing_says_why_and_exits_1(tmp_path: Path):
    news = make_corpus(tmp_path / "news", 3)
    out = tmp_path / "out"
    capex("extract", news, "-o", out, cwd=tmp_path)
    amounts = rows(out, "amounts")
    for f in news.iterdir():  # an unmounted share: the mount point is there, and empty
        f.unlink()
    proc = capex("extract", news, "-o", out, "--summary", cwd=tmp_path)
    assert proc.returncode == 1
    assert f"error {news}: no documents (.txt, .md, .jsonl) in this folder; the rows of the documents it " \
           "held are kept" in err(proc)
    assert "0 removed" in summary_counts(proc)
    assert rows(out, "amounts") == amounts and len(rows(out, "documents")) == 3


def test_an_unreadable_root_removes_nothing(tmp_path: Path):
    prefix = no_dac_override()
    if prefix is None:
        pytest.skip("running as root without setpriv: permissions cannot be tested")
    news = make_corpus(tmp_path / "news", 2)
    out = tmp_path / "out"
    capex("extract", news, "-o", out, cwd=tmp_path)
    amounts = rows(out, "amounts")
    news.chmod(0)
    try:
        proc = capex("extract", news, "-o", out, cwd=tmp_path, prefix=prefix)
    finally:
        news.chmod(0o755)
    assert proc.returncode == 1
    assert f"error {news}: permission denied" in err(proc)
    assert rows(out, "amounts") == amounts and len(rows(out, "documents")) == 2


def test_only_files_gone_from_a_root_that_was_read_are_removed(tmp_path: Path):
    news, wire = make_corpus(tmp_path / "news", 3), make_corpus(tmp_path / "wire", 2)
    out = tmp_path / "out"
    capex("extract", news, wire, "-o", out, cwd=tmp_path)
    (news / "a0001.txt").unlink()
    proc = capex("extract", news, tmp_path / "wrie", "-o", out, "--verbose", cwd=tmp_path)
    assert proc.returncode == 1
    lines = err(proc).splitlines()
    assert "removed   a0001.txt" in lines
    assert f"kept      {wire / 'a0000.txt'}" in lines and f"kept      {wire / 'a0001.txt'}" in lines
    assert summary_counts(proc) == "0 new, 0 changed, 2 unchanged, 1 removed, 1 failed" \
        "; 2 not found but kept, their input was not read"
    assert [r["path"] for r in rows(out, "documents")] == [
        str(news / "a0000.txt"), str(news / "a0002.txt"), str(wire / "a0000.txt"), str(wire / "a0001.txt")]


def test_stdout_of_a_run_that_finds_nothing_changed_is_the_table_as_it_is(corpus: Path, tmp_path: Path):
    out = tmp_path / "out"
    first = capex("extract", corpus, "-o", out, "--stdout", "amounts", cwd=tmp_path)
    again = capex("extract", corpus, "-o", out, "--stdout", "amounts", cwd=tmp_path)
    assert first.stdout == again.stdout == (out / "amounts.csv").read_bytes().removeprefix(b"\xef\xbb\xbf")
    assert first.stdout.count(b"\r\n") > 12
