"""How a run hands work to its workers (corpus.Run._tasks, corpus.extract_batch): files go
as found, not read, in groups of about _TASK_BYTES of input, and each task reads, hashes,
compares and extracts its own documents."""
from __future__ import annotations

import datetime as dt
import hashlib
import os
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from capex_extract import corpus
from capex_extract.engines import LocalPool
from capex_extract.readers import SourceDoc, Unread, iter_sources, read_file
from capex_extract.rows import InputError
from capex_extract.state import Before

NOW = dt.datetime(2026, 1, 5, tzinfo=dt.timezone.utc)
# Written for this test.
ARTICLE = "北斗データは2025年4月、国内の拠点にGPUを1,200基追加し、約80億円を投じると発表した。\n"


def run() -> corpus.Run:
    return corpus.Run(None, None, NOW)


@given(st.lists(st.one_of(st.integers(1, 3 * corpus._TASK_BYTES), st.none()), max_size=40))
def test_tasks_keep_the_walks_order_in_groups_of_about_task_bytes(sizes: list[int | None]) -> None:
    items = [InputError(f"e{i}", None, "unreadable") if size is None else Unread(f"d{i}.txt", f"/in/d{i}.txt", size)
             for i, size in enumerate(sizes)]
    groups = list(run()._tasks(iter(items), reads_files=True))
    assert [item for group, _ in groups for item in group] == items
    for group, task in groups:
        if isinstance(group[0], InputError):
            assert len(group) == 1 and task is None
            continue
        assert all(isinstance(item, Unread) for item in group)
        total = sum(item.size for item in group)
        assert total - group[-1].size < corpus._TASK_BYTES  # no group grows past the size it needed
        entries = task[0]
        assert [item for item, _ in entries] == group  # sent unread, the workers read them
    # A group ends short of the size only before an error or at the end of the walk.
    for i, (group, _) in enumerate(groups):
        if isinstance(group[0], Unread) and sum(item.size for item in group) < corpus._TASK_BYTES:
            assert i == len(groups) - 1 or isinstance(groups[i + 1][0][0], InputError)


def test_an_engine_without_the_files_gets_them_read(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(ARTICLE, encoding="utf-8")
    [(group, task)] = run()._tasks(iter_sources([str(tmp_path)], read=False), reads_files=False)
    [(src, before)] = task[0]
    assert isinstance(src, SourceDoc) and src.text == ARTICLE and before is None
    assert group == [src]


def test_a_task_reads_hashes_and_extracts_its_files(tmp_path: Path) -> None:
    path = tmp_path / "2025-04-02_hokuto.txt"
    path.write_text(ARTICLE, encoding="utf-8")
    [found] = iter_sources([str(tmp_path)], read=False)
    assert isinstance(found, Unread) and found.size == len(ARTICLE.encode())
    [(rows, document)] = corpus.extract_batch([(found, None)], None, NOW, "x", corpus.EMPTY, 10_000)
    assert document.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    assert document.reference_date == dt.date(2025, 4, 2)  # the file name's date, read in the task
    assert [a.text for a in rows.amounts] == ["約80億円"] and [g.count_low for g in rows.gpu_counts] == [1200]
    assert read_file(found) == read_file(found)


def test_a_task_skips_what_did_not_change_and_reports_what_it_cannot_read(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text(ARTICLE, encoding="utf-8")
    [found] = iter_sources([str(tmp_path)], read=False)
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    same = Before(found.doc, found.path, None, digest, "x", None)
    other = Before(found.doc, found.path, None, "0" * 64, "x", None)
    unchanged, changed = corpus.extract_batch([(found, same), (found, other)], None, NOW, "x", corpus.EMPTY, 10_000)
    assert unchanged is None and changed[1].sha256 == digest
    path.write_text(ARTICLE * 3, encoding="utf-8")
    [too_big] = corpus.extract_batch([(found, same)], None, NOW, "x", corpus.EMPTY, 200)
    assert isinstance(too_big, InputError) and too_big.path == found.path and "--max-size" in too_big.reason
    path.unlink()
    [gone] = corpus.extract_batch([(found, same), None], None, NOW, "x", corpus.EMPTY, 10_000)[:1]
    assert isinstance(gone, InputError) and gone.path == found.path


def _pid_and_square(n: int) -> tuple[int, int]:
    return os.getpid(), n * n


def test_a_pool_given_one_task_runs_it_here_without_starting_workers() -> None:
    pool = LocalPool(2)
    try:
        got = list(pool.ordered(_pid_and_square, [("a", None), ("b", (3,)), ("c", None)]))
        assert got == [("a", None), ("b", (os.getpid(), 9)), ("c", None)]
        assert pool._pool is None
        # Two tasks or more are the workers' (and still come back in order).
        got = list(pool.ordered(_pid_and_square, [(i, (i,)) for i in range(5)]))
        assert [(item, square) for item, (_, square) in got] == [(i, i * i) for i in range(5)]
        assert all(pid != os.getpid() for _, (pid, _) in got)
    finally:
        pool.close()
