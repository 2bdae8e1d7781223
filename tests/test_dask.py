"""--engine dask against a real distributed cluster (two worker processes, on loopback):
the same tables as the local engine, the rules loaded once per worker, and clear errors
when Dask cannot be had."""
from __future__ import annotations

import csv
import json
import logging
import socket
import subprocess
import sys
from pathlib import Path

import distributed
import pyarrow.parquet as pq
import pytest
from helpers import console_script, plain_env

CAPEX = console_script()

# Written for these tests: short items in the shapes business news uses.
TEMPLATES = [
    "{co}は{y}年{m}月{d}日、{place}に生成AI向けのデータセンターを新設すると発表した。"
    "総投資額はおよそ{n}億円を見込み、{y2}年度中の稼働開始を予定している。",
    "{co}はエヌビディア製のGPU「H100」を約{k}基調達し、自社の計算基盤を増強する。"
    "同社の広報担当者によると、導入費用は{n}億円規模になる見通しだ。",
    "{co}の{y}年度の設備投資計画は前の期に比べて3割多い{n}億円となる。"
    "このうち半分程度をAI関連のサーバーに充てるという。",
    "{co}は{m}月{d}日、北米でのクラウド基盤の拡張に今後{b}年間で最大{c}億ドルを投じると明らかにした。",
    "{place}の新拠点には最新のGPUを{k}枚搭載したサーバー群を置く。{co}は{y}年{m}月の全面稼働を目指す。",
]
COMPANIES = ["ソフトバンク", "KDDI", "さくらインターネット", "NTTデータ", "富士通", "楽天グループ"]
PLACES = ["北海道石狩市", "大阪府堺市", "福岡県北九州市", "千葉県印西市"]


def article(i: int) -> str:
    return TEMPLATES[i % len(TEMPLATES)].format(
        co=COMPANIES[i % len(COMPANIES)], place=PLACES[i % len(PLACES)], y=2021 + i % 5, y2=2026 + i % 3,
        m=1 + i % 12, d=1 + (3 * i) % 28, n=120 + 13 * i, k=2000 + 40 * i, b=2 + i % 4, c=10 + i % 30) + "\n"


N_FILES, N_LINES = 30, 6


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    """Files, a JSON-lines file with one broken line, and a binary file (a failed input)."""
    root = tmp_path_factory.mktemp("dask") / "in"
    root.mkdir()
    for i in range(N_FILES):
        (root / f"a{i:03d}.txt").write_text(article(i), encoding="utf-8")
    lines = [json.dumps({"id": f"w{i}", "text": article(100 + i), "published": f"2025-0{1 + i}-15"},
                        ensure_ascii=False) for i in range(N_LINES)]
    lines.insert(3, '{"id": "broken", "text": ')
    (root / "wire.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (root / "scan.txt").write_bytes(b"\x00\x01binary\x00")
    return root


@pytest.fixture(scope="module")
def cluster():
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address="127.0.0.1:0", silence_logs=logging.ERROR) as cluster, \
            distributed.Client(cluster, set_as_default=False) as client:
        yield cluster.scheduler_address, client


def capex(*args: object, cwd: Path, env: dict[str, str] | None = None,
          prefix: tuple[str, ...] = (str(CAPEX),)) -> subprocess.CompletedProcess:
    return subprocess.run([*prefix, *map(str, args)], cwd=cwd, capture_output=True, env=env or plain_env(),
                          timeout=120, stdin=subprocess.DEVNULL)


@pytest.fixture(scope="module")
def local_run(corpus: Path) -> Path:
    out = corpus.parent / "local"
    proc = capex("extract", corpus, "-o", out, "--jobs", "1", cwd=corpus.parent)
    assert proc.returncode == 1, proc.stderr.decode()  # the broken line and the binary file
    return out


def _table_files(out: Path) -> list[str]:
    return sorted(p.name for p in out.iterdir() if p.suffix in (".parquet", ".csv"))


def _documents_csv(out: Path) -> list[dict[str, str]]:
    with open(out / "documents.csv", encoding="utf-8-sig", newline="") as f:
        return [{k: v for k, v in row.items() if k != "extracted_at"} for row in csv.DictReader(f)]


def assert_same_tables(expected: Path, got: Path) -> None:
    names = _table_files(expected)
    assert names == _table_files(got)
    assert "amounts.parquet" in names and "documents.csv" in names
    for name in names:
        if name.startswith("documents."):
            continue
        assert (got / name).read_bytes() == (expected / name).read_bytes(), name
    a, b = (pq.read_table(out / "documents.parquet") for out in (expected, got))
    assert a.num_rows == b.num_rows == N_FILES + N_LINES
    assert a.drop(["extracted_at"]).equals(b.drop(["extracted_at"]))
    assert _documents_csv(expected) == _documents_csv(got)


def _rule_loads(client: distributed.Client) -> dict[str, tuple[int, int]]:
    """Per worker: (rule loads, documents that asked for the rules)."""
    def info() -> tuple[int, int]:
        from capex_extract.pipeline import rules

        c = rules.cache_info()
        return c.misses, c.hits + c.misses

    return client.run(info)


def test_a_cluster_at_scheduler_writes_the_local_engines_tables(corpus: Path, local_run: Path, cluster):
    address, client = cluster
    before = _rule_loads(client)
    out = corpus.parent / "dask"
    proc = capex("extract", corpus, "-o", out, "--engine", "dask", "--scheduler", address, cwd=corpus.parent)
    assert proc.returncode == 1, proc.stderr.decode()
    stderr = proc.stderr.decode()
    assert "wire.jsonl:4" in stderr and "scan.txt" in stderr
    assert_same_tables(local_run, out)
    after = _rule_loads(client)
    # Every document was extracted on a worker, and no worker loaded the rules twice.
    assert sum(calls for _, calls in after.values()) - sum(calls for _, calls in before.values()) == N_FILES + N_LINES
    assert all(loads <= 1 for loads, _ in after.values())


def test_engine_dask_alone_runs_a_local_cluster_for_the_run(corpus: Path, local_run: Path):
    out = corpus.parent / "dask-local"
    proc = capex("extract", corpus, "-o", out, "--engine", "dask", "--jobs", "2", cwd=corpus.parent)
    assert proc.returncode == 1, proc.stderr.decode()
    assert_same_tables(local_run, out)


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_an_unreachable_scheduler_is_a_usage_error(corpus: Path):
    address = f"tcp://127.0.0.1:{_closed_port()}"
    out = corpus.parent / "unreachable"
    proc = capex("extract", corpus, "-o", out, "--engine", "dask", "--scheduler", address, cwd=corpus.parent,
                 env=plain_env(DASK_DISTRIBUTED__COMM__TIMEOUTS__CONNECT="1s"))
    assert proc.returncode == 2
    assert f"--scheduler {address}: cannot connect" in proc.stderr.decode()
    assert not (out / "amounts.parquet").exists()


@pytest.mark.parametrize("args, message", [
    (("--engine", "dask", "--scheduler", "udp://127.0.0.1:8786"), "unknown address scheme 'udp'"),
    (("--scheduler", "tcp://127.0.0.1:8786"), "needs --engine dask"),
    (("--engine", "dask", "--scheduler", "tcp://127.0.0.1:8786", "--jobs", "2"), "has its own workers"),
])
def test_scheduler_options_that_cannot_work_are_usage_errors(corpus: Path, args: tuple[str, ...], message: str):
    proc = capex("extract", corpus, "-o", corpus.parent / "refused", *args, cwd=corpus.parent)
    assert proc.returncode == 2
    assert message in " ".join(proc.stderr.decode().split())


def test_without_the_dask_extra_the_local_engine_works_and_dask_says_what_to_install(corpus: Path, local_run: Path):
    hidden = ("-c", "import sys; sys.modules['distributed'] = None; sys.argv[0] = 'capex'; "
                    "from capex_extract.cli import app; app()")
    proc = capex("extract", corpus, "-o", corpus.parent / "no-extra", "--engine", "dask", cwd=corpus.parent,
                 prefix=(sys.executable, *hidden))
    assert proc.returncode == 2
    assert "pip install 'capex-extract[dask]'" in proc.stderr.decode()
    out = corpus.parent / "no-extra-local"
    proc = capex("extract", corpus, "-o", out, "--jobs", "1", cwd=corpus.parent, prefix=(sys.executable, *hidden))
    assert proc.returncode == 1, proc.stderr.decode()
    assert_same_tables(local_run, out)
