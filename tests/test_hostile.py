"""What a hostile tester or a cron typo feeds the tool: one bad input never stops the run,
and never takes another document's rows (issue 11). Each case is a real file; the last
tests run the real command over all of them at once."""
from __future__ import annotations

import datetime as dt
import json
import os
import re
import subprocess
from pathlib import Path

import pytest
from helpers import console_script, no_dac_override, plain_env, strace

from capex_extract.pipeline import extract
from capex_extract.readers import SourceDoc, iter_sources
from capex_extract.rows import InputError

CAPEX = console_script()
ARTICLE = "同社は2025年5月、新しいデータセンターに300億円を投じると発表した。"


def items(*paths: Path | str) -> list[SourceDoc | InputError]:
    return list(iter_sources([str(p) for p in paths]))


def problems(found: list) -> list[tuple[str, int | None, str, str]]:
    return [(Path(e.path).name, e.line, e.level, e.reason) for e in found if isinstance(e, InputError)]


def docs(found: list) -> list[str]:
    return [d.doc for d in found if isinstance(d, SourceDoc)]


def jsonl(path: Path, *lines: str) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def line(**fields: object) -> str:
    return json.dumps(fields, ensure_ascii=False)


# ---------------------------------------------------------------------------
# JSON lines


def test_brackets_nested_100000_deep_are_one_error_and_the_next_line_is_read(tmp_path):
    found = items(jsonl(tmp_path / "feed.jsonl", "[" * 100_000 + "]" * 100_000, line(id="ok", text=ARTICLE)))
    assert problems(found) == [("feed.jsonl", 1, "error", "invalid JSON: arrays or objects nested too deeply to read")]
    assert docs(found) == ["feed.jsonl#ok"]


def test_an_integer_of_5000_digits_in_any_field_is_read(tmp_path):
    digits = "7" * 5000
    found = items(jsonl(tmp_path / "feed.jsonl", f'{{"id": {digits}, "text": "{ARTICLE}"}}',
                        f'{{"id": "b", "views": {digits}, "text": "{ARTICLE}"}}'))
    assert problems(found) == []
    assert [d.doc_id for d in found] == [digits, "b"]


@pytest.mark.parametrize("field", ["id", "title", "url"])
def test_a_lone_surrogate_in_an_optional_field_is_a_warning_and_the_article_is_read(tmp_path, field):
    raw = '{"%s": "x\\ud800y", "text": "%s"}' % (field, ARTICLE)
    found = items(jsonl(tmp_path / "feed.jsonl", raw))
    [(name, lineno, level, reason)] = problems(found)
    assert (name, lineno, level) == ("feed.jsonl", 1, "warning")
    assert reason.startswith(f"field '{field}' holds a lone surrogate (\\ud800 at character 1)")
    [doc] = [d for d in found if isinstance(d, SourceDoc)]
    assert doc.text == ARTICLE and getattr(doc, "doc_id" if field == "id" else field) in (None, "feed.jsonl#L1")


def test_a_lone_surrogate_in_the_text_fails_that_line_only(tmp_path):
    found = items(jsonl(tmp_path / "feed.jsonl", '{"id": "bad", "text": "AI\\udc80投資"}', line(id="ok", text=ARTICLE)))
    assert problems(found) == [("feed.jsonl", 1, "error", "field 'text' holds a lone surrogate "
                                "(\\udc80 at character 2), which is not Unicode text")]
    assert docs(found) == ["feed.jsonl#ok"]


def test_a_bad_published_date_is_a_warning_not_a_failure(tmp_path):
    found = items(jsonl(tmp_path / "feed.jsonl", line(id="a", published="来週", text=ARTICLE)))
    assert problems(found) == [("feed.jsonl", 1, "warning",
                                "field 'published' is not an ISO date or date-time ('来週'); ignored")]
    assert docs(found) == ["feed.jsonl#a"]


# ---------------------------------------------------------------------------
# Names and special files


def test_a_file_name_that_is_not_utf8_is_read_and_shown_escaped(tmp_path):
    with open(os.fsencode(tmp_path) + b"/bad\xff.txt", "wb") as f:
        f.write(ARTICLE.encode("utf-8"))
    found = items(tmp_path)
    assert problems(found) == []
    [doc] = found
    assert doc.doc == "bad\\xff.txt" and doc.path.endswith("/bad\\xff.txt")
    doc.path.encode("utf-8")  # holdable by the tables and by a terminal


def test_a_fifo_and_a_link_to_a_device_inside_a_folder_are_reported(tmp_path):
    (tmp_path / "a.txt").write_text(ARTICLE, encoding="utf-8")
    os.mkfifo(tmp_path / "pipe.txt")
    (tmp_path / "zero.txt").symlink_to("/dev/zero")
    found = items(tmp_path)
    assert docs(found) == ["a.txt"]
    assert problems(found) == [
        ("pipe.txt", None, "error", "not a regular file or directory (a FIFO)"),
        ("zero.txt", None, "error", "not a regular file or directory (a link to a character device, /dev/zero)"),
    ]


def test_an_id_that_looks_like_a_line_key_does_not_take_another_lines_key(tmp_path):
    found = items(jsonl(tmp_path / "x.jsonl", line(id="L2", text=ARTICLE), line(text=ARTICLE + "続報。")))
    assert docs(found) == ["x.jsonl#L1", "x.jsonl#L2"]
    assert [d.doc_id for d in found] == ["L2", "x.jsonl#L2"]


def test_two_roots_whose_relative_names_meet_give_distinct_documents(tmp_path, monkeypatch):
    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / "b").mkdir()
    for i, name in enumerate(["a/x.txt", "a/b/x.txt", "b/x.txt"]):
        (tmp_path / name).write_text(ARTICLE + "続報。" * i, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    keys = docs(items("a", "b"))
    # b/x.txt under `b` takes its path as reached, b/x.txt, which a/b/x.txt holds already.
    assert len(keys) == len(set(keys)) == 3 and "b/x.txt" in keys


# ---------------------------------------------------------------------------
# Figures and dates past what can be held


@pytest.mark.parametrize("text", [
    "同社は" + "1" * 302 + "億円を投じる。",
    "H100を9223372036854775808枚調達した。",
    "GPUを" + "9" * 400 + "枚導入する。",
])
def test_a_number_past_range_gives_no_row_and_a_note(text):
    rows = extract(text)
    assert rows.amounts == [] and rows.gpu_counts == []
    [note] = rows.notes
    assert "no row was made from it" in note


def test_the_largest_numbers_scale_words_write_are_still_figures():
    rows = extract("政府は9999京円を投じる。GPUを9223372036854775807枚導入する。")
    assert [a.amount_low for a in rows.amounts] == [9.999e19]
    assert [g.count_low for g in rows.gpu_counts] == [2**63 - 1]
    assert rows.notes == []


@pytest.mark.parametrize("published, option, text", [
    (dt.date(9999, 12, 31), None, "同社は来年、新工場を稼働させる。"),
    (None, dt.date(1, 1, 1), "同社は昨年、新工場を稼働させた。"),
])
def test_a_relative_date_past_the_calendar_is_left_unresolved(published, option, text):
    rows = extract(text, published=published, option=option)
    [date] = rows.dates
    assert date.text in ("来年", "昨年") and date.value is None and date.start_date is None


# ---------------------------------------------------------------------------
# The command, over all of it at once


def capex(*args: object, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([str(CAPEX), *map(str, args)], cwd=cwd, capture_output=True, env=plain_env(),
                          timeout=120, stdin=subprocess.DEVNULL)


def csv_rows(out: Path, table: str) -> list[dict[str, str]]:
    import csv

    with open(out / f"{table}.csv", encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


@pytest.fixture(scope="module")
def hostile(tmp_path_factory) -> Path:
    src = tmp_path_factory.mktemp("hostile") / "in"
    src.mkdir()
    (src / "good.txt").write_text(ARTICLE, encoding="utf-8")
    (src / "huge_number.txt").write_text("同社は" + "1" * 302 + "億円を投じる。" + ARTICLE, encoding="utf-8")
    os.mkfifo(src / "pipe.txt")
    jsonl(src / "feed.jsonl", "[" * 100_000, line(id="p", published="2025-13-40", text=ARTICLE + "続報。"),
          '{"id": "s", "text": "\\ud800"}')
    return src


def test_one_run_over_every_hostile_input_reads_the_rest(hostile: Path, tmp_path):
    proc = capex("extract", hostile, "-o", tmp_path / "out", cwd=tmp_path)
    assert proc.returncode == 1
    stderr = proc.stderr.decode("utf-8").splitlines()
    assert "Traceback" not in proc.stderr.decode("utf-8")
    got = [(Path(r["path"]).name, r["line"], r["level"]) for r in csv_rows(tmp_path / "out", "errors")]
    assert got == [("feed.jsonl", "1", "error"), ("feed.jsonl", "2", "warning"), ("feed.jsonl", "3", "error"),
                   ("pipe.txt", "", "error"), ("huge_number.txt", "", "note")]
    assert len(stderr) == len(got)
    assert sorted(r["doc"] for r in csv_rows(tmp_path / "out", "documents")) == [
        "feed.jsonl#p", "good.txt", "huge_number.txt"]
    # The article after the huge number still gives its figure.
    assert [r["doc"] for r in csv_rows(tmp_path / "out", "amounts")].count("huge_number.txt") == 1

    # Unchanged: nothing extracted again, and the note stays with the document's rows.
    before = (tmp_path / "out" / "errors.csv").read_bytes()
    again = capex("extract", hostile, "-o", tmp_path / "out", "--summary", cwd=tmp_path)
    assert "0 new, 0 changed, 3 unchanged" in again.stderr.decode("utf-8")
    assert (tmp_path / "out" / "errors.csv").read_bytes() == before


def test_a_bad_optional_field_alone_exits_0(tmp_path):
    jsonl(tmp_path / "feed.jsonl", line(id="p", published="昨日", text=ARTICLE))
    proc = capex("extract", "feed.jsonl", "-o", "out", cwd=tmp_path)
    assert proc.returncode == 0
    assert proc.stderr.decode("utf-8").startswith("warning feed.jsonl:1: field 'published'")
    assert [r["level"] for r in csv_rows(tmp_path / "out", "errors")] == ["warning"]


def test_a_run_that_finds_no_documents_says_so_off_a_terminal(tmp_path):
    (tmp_path / "empty.jsonl").write_text("", encoding="utf-8")
    proc = capex("extract", "empty.jsonl", "-o", "out", cwd=tmp_path)
    assert proc.returncode == 1
    assert "error: no documents found in the inputs, nothing extracted" in proc.stderr.decode("utf-8")


@pytest.mark.parametrize("args, says", [
    (["--max-size", "inf"], "--max-size"),
    (["--max-size", "nan"], "--max-size"),
    (["-q", "-v"], "--quiet"),
])
def test_options_that_cannot_hold_are_usage_errors(tmp_path, args, says):
    (tmp_path / "a.txt").write_text(ARTICLE, encoding="utf-8")
    proc = capex("extract", "a.txt", "-o", "out", *args, cwd=tmp_path)
    assert proc.returncode == 2
    assert says in proc.stderr.decode("utf-8")
    assert not (tmp_path / "out").exists()


# ---------------------------------------------------------------------------
# An OUT that cannot be written


def _strace() -> str | None:
    path = strace()
    if path is None and os.environ.get("CI") == "true":
        pytest.fail("strace is needed under CI=true (make test installs it)")
    return path


def _without_root_powers() -> tuple[str, ...]:
    prefix = no_dac_override()
    if prefix is None:
        pytest.skip("running as root without setpriv: permissions cannot be tested")
    return prefix


def _read_only_folder(tmp_path: Path) -> tuple[Path, tuple[str, ...]]:
    parent = tmp_path / "ro"
    parent.mkdir()
    parent.chmod(0o555)
    return parent / "out", _without_root_powers()


def _lock_without_write(tmp_path: Path) -> tuple[Path, tuple[str, ...]]:
    out = tmp_path / "out"
    assert capex("extract", "a.txt", "-o", out, cwd=tmp_path).returncode == 0
    (out / ".capex.lock").chmod(0o444)
    return out, _without_root_powers()


def _disk_full_at_the_lock(tmp_path: Path) -> tuple[Path, tuple[str, ...]]:
    strace = _strace()
    if strace is None:
        pytest.skip("strace is not installed or may not trace here")
    out = tmp_path / "out"
    return out, (strace, "-f", "-qq", "-o", os.devnull, "-P", str(out / ".capex.lock"),
                 "-e", "inject=openat:error=ENOSPC")


@pytest.mark.parametrize("make, code", [
    (lambda tmp_path: (Path("/proc/capex-out"), ()), 4),
    (lambda tmp_path: (tmp_path / "a.txt" / "sub", ()), 2),
    (_read_only_folder, 4),
    (_lock_without_write, 4),
    (_disk_full_at_the_lock, 4),
], ids=["proc", "through-a-file", "read-only", "lock-not-writable", "disk-full"])
def test_an_out_that_cannot_be_written_is_one_line_naming_it(tmp_path, make, code):
    (tmp_path / "a.txt").write_text(ARTICLE, encoding="utf-8")
    out, prefix = make(tmp_path)
    before = sorted(p.name for p in out.iterdir()) if out.is_dir() else None
    proc = subprocess.run([*prefix, str(CAPEX), "extract", "a.txt", "-o", str(out)], cwd=tmp_path,
                          capture_output=True, env=plain_env(), timeout=120, stdin=subprocess.DEVNULL)
    lines = proc.stderr.decode("utf-8").splitlines()
    assert proc.returncode == code, lines
    assert len(lines) == 1 and lines[0].startswith(f"error --out {out}: cannot be written: "), lines
    assert (sorted(p.name for p in out.iterdir()) if out.is_dir() else None) == before


# ---------------------------------------------------------------------------
# Control characters never reach the terminal


def test_control_characters_in_a_file_name_are_escaped_in_messages_and_the_log(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    (src / "a\nerror fake.txt").write_bytes(b"")
    (src / "b\x1b[2J.txt").write_bytes(b"")
    proc = capex("extract", "in", "-o", "out", "--log-file", "capex.log", cwd=tmp_path)
    stderr = proc.stderr.decode("utf-8")
    assert "\x1b" not in stderr
    lines = stderr.splitlines()
    assert lines[:2] == ["error in/a\\nerror fake.txt: empty file", "error in/b\\x1b[2J.txt: empty file"]
    log = (tmp_path / "capex.log").read_text(encoding="utf-8")
    assert "\x1b" not in log and "in/a\\nerror fake.txt" in log
    assert all(re.match(r"\d{4}-\d\d-\d\dT", entry) for entry in log.splitlines())  # one entry, one line


def test_control_characters_in_an_entity_name_are_escaped_in_show(tmp_path):
    (tmp_path / "capex.toml").write_text('[organizations]\n"Evil\\u001b[2JCorp" = ["イービル社"]\n', encoding="utf-8")
    (tmp_path / "a.txt").write_text("イービル社は2025年、データセンターに300億円を投じる。", encoding="utf-8")
    assert capex("extract", "a.txt", "-o", "out", cwd=tmp_path).returncode == 0
    proc = subprocess.run([str(CAPEX), "show", "out", "--table", "amounts"], cwd=tmp_path, capture_output=True,
                          env=plain_env(COLUMNS="200"), timeout=60)
    assert proc.returncode == 0
    shown = proc.stdout.decode("utf-8")
    assert "\x1b" not in shown and "Evil\\x1b[2JCorp" in shown


def test_printable_escapes_every_control_and_keeps_the_rest():
    from capex_extract.messages import printable

    assert printable("東京\tA社\r\n\x00\x7f\x9b") == "東京\\tA社\\r\\n\\x00\\x7f\\x9b"
    assert printable("ｿﾌﾄﾊﾞﾝｸ «AI» 100億円") == "ｿﾌﾄﾊﾞﾝｸ «AI» 100億円"
