"""Tests for readers.py on real files: encodings, directory walks, JSON lines, stdin, errors."""
from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
from pathlib import Path

import pytest

from capex_extract.readers import SourceDoc, decode_bytes, filename_date, iter_sources, parse_published
from capex_extract.rows import InputError

# Written for these tests; news style, nothing but JIS X 0208 characters so that every
# legacy encoding can hold them.
ARTICLE = (
    "大手通信会社は十日、国内のデータセンターに二〇二五年度までに約三千億円を投資すると発表した。\n"
    "同社は米国製のＧＰＵを一万基導入し、生成ＡＩの開発基盤を整える計画だ。\n"
    "関係者によると、新しい計算基盤は来年春にも稼働する見通しだという。\n"
)
SHORT = "半導体大手が新工場の建設費として１兆２千億円を計上した。"


def write(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def sources(*paths: Path | str, stdin: io.BytesIO | None = None) -> list[SourceDoc | InputError]:
    return list(iter_sources([str(p) for p in paths], stdin=stdin))


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def line_of(path: Path, lineno: int) -> bytes:
    return path.read_bytes().split(b"\n")[lineno - 1]


def only_doc(items: list[SourceDoc | InputError]) -> SourceDoc:
    assert len(items) == 1 and isinstance(items[0], SourceDoc), items
    return items[0]


# ---------------------------------------------------------------------------
# Encodings


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (ARTICLE.encode("utf-8"), "utf-8"),
        (b"\xef\xbb\xbf" + ARTICLE.encode("utf-8"), "utf-8-sig"),
        (ARTICLE.encode("cp932"), "cp932"),
        (ARTICLE.encode("euc-jp"), "euc-jp"),
    ],
)
def test_files_in_each_encoding_decode_to_the_same_text(tmp_path: Path, data: bytes, encoding: str) -> None:
    path = write(tmp_path / "article.txt", data)
    doc = only_doc(sources(path))
    assert doc.text == ARTICLE
    assert doc.encoding == encoding
    assert not doc.text.startswith("\ufeff")


def test_text_is_kept_exactly_as_decoded(tmp_path: Path) -> None:
    # Full-width digits, CRLF and ideographic spaces are the extractor's business, not ours.
    text = "１２３億円\r\n\u3000次の行　です\r\n"
    doc = only_doc(sources(write(tmp_path / "a.txt", text.encode("cp932"))))
    assert doc.text == text


@pytest.mark.parametrize("text", ["円", "株価", "半導体", "3000億円", "データセンター", "2024 年"])
def test_short_euc_jp_that_also_decodes_as_cp932_or_utf8_is_read_as_euc_jp(text: str) -> None:
    data = text.encode("euc-jp")
    assert decode_bytes(data) == (text, "euc-jp")


@pytest.mark.parametrize("text", ["円", "株価", "半導体", "3000億円", "データセンター", "2024 年"])
def test_short_cp932_is_read_as_cp932(text: str) -> None:
    assert decode_bytes(text.encode("cp932")) == (text, "cp932")


@pytest.mark.parametrize("text", ["Müller", "café", "5μm", "Škoda", "Привет", "2024年", "GPU"])
def test_utf8_that_is_not_japanese_stays_utf8(text: str) -> None:
    assert decode_bytes(text.encode("utf-8")) == (text, "utf-8")


@pytest.mark.parametrize(
    "data",
    [
        "Caf\u00e9 au lait\n".encode("latin-1"),  # Latin-1
        b"\xff\xff\xff\xff",  # cp932 in Python maps these to private-use stand-ins
        b"abc\x80def",
        "GPU 1万基".encode("utf-16-le"),  # NUL bytes (BOM-less UTF-16 of pure kanji is not caught)
        "日本語".encode("utf-16"),  # with a byte order mark
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
        b"\xef\xbb\xbf\xff",  # a UTF-8 BOM in front of something else
    ],
)
def test_undecodable_bytes_raise_value_error_with_a_reason(data: bytes) -> None:
    with pytest.raises(ValueError, match=r"UTF-8|UTF-16|NUL"):
        decode_bytes(data)


def test_undecodable_file_is_an_input_error_and_the_next_file_is_still_read(tmp_path: Path) -> None:
    bad = write(tmp_path / "in" / "a_bad.txt", "Caf\u00e9 au lait\n".encode("latin-1"))
    write(tmp_path / "in" / "b_good.txt", SHORT.encode("euc-jp"))
    items = sources(tmp_path / "in")
    assert len(items) == 2
    error, doc = items
    assert isinstance(error, InputError)
    assert error.path == str(bad) and error.line is None
    assert "not UTF-8, CP932 or EUC-JP" in error.reason and "0xe9" in error.reason
    assert isinstance(doc, SourceDoc) and doc.text == SHORT


@pytest.mark.parametrize("data", [b"", b"\n\n", "\u3000 \n".encode("utf-8")])
def test_empty_file_is_an_input_error(tmp_path: Path, data: bytes) -> None:
    path = write(tmp_path / "empty.txt", data)
    assert sources(path) == [InputError(str(path), None, "empty file")]


def test_text_with_no_japanese_is_an_input_error(tmp_path: Path) -> None:
    path = write(tmp_path / "en.txt", b"Capex rose to $12 billion in 2025.\n")
    assert sources(path) == [InputError(str(path), None, "no Japanese text (no kana or kanji)")]


def test_a_document_over_the_size_limit_is_reported_without_reading_it(tmp_path: Path) -> None:
    big = write(tmp_path / "in" / "a_big.txt", ("日本語" * 400).encode())
    write(tmp_path / "in" / "b.txt", SHORT.encode())
    items = list(iter_sources([str(tmp_path / "in")], max_bytes=1000))
    assert items[0] == InputError(str(big), None,
                                  "the file is 0.0 MB, over the 0.0 MB limit for one document (--max-size)")
    assert isinstance(items[1], SourceDoc) and items[1].doc == "b.txt"


def test_size_and_hash_are_of_the_bytes_read(tmp_path: Path) -> None:
    data = ARTICLE.encode("cp932")
    doc = only_doc(sources(write(tmp_path / "a.txt", data)))
    assert (doc.size, doc.sha256) == (len(data), sha(data))


# ---------------------------------------------------------------------------
# Paths and directories


def test_single_file_argument(tmp_path: Path) -> None:
    path = write(tmp_path / "deep" / "記事.txt", SHORT.encode("utf-8"))
    doc = only_doc(sources(path))
    assert doc == SourceDoc(
        doc="記事.txt", doc_id="記事.txt", path=str(path), text=SHORT, encoding="utf-8",
        line=None, title=None, url=None, published=None, filename_date=None,
        size=len(SHORT.encode()), sha256=sha(SHORT.encode()),
    )


def test_explicit_file_with_another_suffix_is_read_as_text(tmp_path: Path) -> None:
    path = write(tmp_path / "article.html", SHORT.encode("cp932"))
    doc = only_doc(sources(path))
    assert (doc.doc, doc.text, doc.encoding) == ("article.html", SHORT, "cp932")


def make_tree(root: Path) -> None:
    write(root / "b.txt", "二本目".encode("utf-8"))
    write(root / "a.md", "一本目".encode("cp932"))
    write(root / "a" / "z.txt", "下の階層".encode("euc-jp"))
    write(root / "a" / "notes.csv", b"not,an,article\n")
    write(root / "c" / "d" / "e.TXT", "大文字の拡張子".encode("utf-8"))
    write(root / "c" / "image.png", b"\x89PNG\r\n\x1a\n")
    write(root / "feed.jsonl", json.dumps({"id": "x1", "text": "行"}, ensure_ascii=False).encode())
    write(root / ".hidden.txt", "隠し".encode("utf-8"))
    write(root / ".git" / "HEAD.txt", b"ref")


def test_directory_walk_picks_suffixes_and_is_sorted(tmp_path: Path) -> None:
    root = tmp_path / "corpus"
    make_tree(root)
    items = sources(root)
    assert all(isinstance(i, SourceDoc) for i in items)
    assert [i.doc for i in items] == ["a/z.txt", "a.md", "b.txt", "c/d/e.TXT", "feed.jsonl#x1"]
    assert [i.path for i in items] == [
        os.path.join(str(root), *p.split("/"))
        for p in ["a/z.txt", "a.md", "b.txt", "c/d/e.TXT", "feed.jsonl"]
    ]
    assert [i.encoding for i in items] == ["euc-jp", "cp932", "utf-8", "utf-8", "utf-8"]


def test_directory_walk_order_does_not_depend_on_creation_order(tmp_path: Path) -> None:
    make_tree(tmp_path / "one")
    for name in ["feed.jsonl", "b.txt", "a/z.txt", "c/d/e.TXT", "a.md"]:
        write(tmp_path / "two" / name, (tmp_path / "one" / name).read_bytes())
    docs = [[i.doc for i in sources(tmp_path / root)] for root in ("one", "two")]
    assert docs[0] == docs[1]


def test_paths_are_read_in_the_order_given(tmp_path: Path) -> None:
    b = write(tmp_path / "b.txt", "二".encode())
    a = write(tmp_path / "a.txt", "一".encode())
    assert [i.text for i in sources(b, a)] == ["二", "一"]


def test_missing_path_is_an_input_error(tmp_path: Path) -> None:
    missing = tmp_path / "nope.txt"
    good = write(tmp_path / "yes.txt", SHORT.encode())
    items = sources(missing, good)
    assert items[0] == InputError(str(missing), None, "no such file or directory")
    assert isinstance(items[1], SourceDoc)


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root reads any file")
def test_unreadable_file_is_an_input_error(tmp_path: Path) -> None:
    path = write(tmp_path / "secret.txt", SHORT.encode())
    path.chmod(0)
    try:
        assert sources(path) == [InputError(str(path), None, "permission denied")]
    finally:
        path.chmod(0o644)


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root reads any directory")
def test_unreadable_directory_is_an_input_error(tmp_path: Path) -> None:
    locked = tmp_path / "in" / "locked"
    write(locked / "a.txt", SHORT.encode())
    write(tmp_path / "in" / "z.txt", SHORT.encode())
    locked.chmod(0)
    try:
        items = sources(tmp_path / "in")
    finally:
        locked.chmod(0o755)
    assert items[0] == InputError(str(locked), None, "permission denied")
    assert isinstance(items[1], SourceDoc) and items[1].doc == "z.txt"


def test_directory_that_vanishes_mid_walk_is_an_input_error(tmp_path: Path) -> None:
    root = tmp_path / "in"
    write(root / "a.txt", SHORT.encode())
    write(root / "b" / "c.txt", SHORT.encode())
    it = iter_sources([str(root)])
    first = next(it)
    assert isinstance(first, SourceDoc) and first.doc == "a.txt"
    (root / "b" / "c.txt").unlink()
    (root / "b").rmdir()
    assert list(it) == [InputError(str(root / "b"), None, "no such file or directory")]


# ---------------------------------------------------------------------------
# stdin


@pytest.mark.parametrize("encoding", ["utf-8", "cp932", "euc-jp"])
def test_stdin_bytes_are_decoded_like_files(encoding: str) -> None:
    doc = only_doc(sources("-", stdin=io.BytesIO(ARTICLE.encode(encoding))))
    assert (doc.doc, doc.doc_id, doc.path, doc.text, doc.encoding) == ("-", "-", "-", ARTICLE, encoding)
    assert doc.filename_date is None and doc.line is None


def test_undecodable_stdin_is_an_input_error() -> None:
    [error] = sources("-", stdin=io.BytesIO(b"\xff\xfe\x00\x00"))
    assert isinstance(error, InputError) and error.path == "-" and error.line is None


def test_stdin_named_twice_is_read_once() -> None:
    doc = only_doc(sources("-", "-", stdin=io.BytesIO(ARTICLE.encode())))
    assert doc.text == ARTICLE


def test_a_file_reached_twice_is_read_once(tmp_path: Path) -> None:
    a = write(tmp_path / "in" / "a.txt", ARTICLE.encode())
    write(tmp_path / "in" / "b.txt", SHORT.encode())
    (tmp_path / "in" / "link.txt").symlink_to(a)
    items = sources(tmp_path / "in", a, tmp_path / "in" / "b.txt")
    assert [(i.doc, i.text) for i in items if isinstance(i, SourceDoc)] == [
        ("a.txt", ARTICLE), ("b.txt", SHORT)]


# ---------------------------------------------------------------------------
# Dates


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("2024-05-01_news.txt", dt.date(2024, 5, 1)),
        ("news_2024_05_01.md", dt.date(2024, 5, 1)),
        ("20240501.txt", dt.date(2024, 5, 1)),
        ("nikkei.2023.12.31.txt", dt.date(2023, 12, 31)),
        ("dir-2020-01-01/2024-02-29.txt", dt.date(2024, 2, 29)),  # the file's own name only
        ("id120240501.txt", None),  # digits glued on: an id, not a date
        ("2024-13-01.txt", None),
        ("2023-02-29.txt", None),
        ("2024-05_01.txt", None),  # mixed separators
        ("article.txt", None),
        ("2024-13-01_2024-06-30.txt", dt.date(2024, 6, 30)),  # first valid one
    ],
)
def test_filename_date(name: str, expected: dt.date | None) -> None:
    assert filename_date(name) == expected


def test_filename_date_reaches_the_document(tmp_path: Path) -> None:
    doc = only_doc(sources(write(tmp_path / "2025_03_07-press.txt", SHORT.encode())))
    assert doc.filename_date == dt.date(2025, 3, 7)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2024-05-01", dt.date(2024, 5, 1)),
        ("2024-05-01T23:30:00+09:00", dt.date(2024, 5, 1)),
        ("2024-05-01T20:00:00Z", dt.date(2024, 5, 1)),
        ("2024-05-01 08:00", dt.date(2024, 5, 1)),
    ],
)
def test_parse_published(value: str, expected: dt.date) -> None:
    assert parse_published(value) == expected


# ---------------------------------------------------------------------------
# JSON lines


def jsonl(*lines: object) -> bytes:
    out = [ln if isinstance(ln, str) else json.dumps(ln, ensure_ascii=False) for ln in lines]
    return "\n".join(out).encode("utf-8")


def test_jsonl_good_bad_and_blank_lines(tmp_path: Path) -> None:
    path = write(
        tmp_path / "feed" / "2024-06-01.jsonl",
        jsonl(
            {"id": "a-1", "text": SHORT, "title": "新工場", "url": "https://example.com/1",
             "published": "2024-05-31T18:00:00+09:00"},
            {"text": "二本目の記事。"},
            "",
            "   ",
            '{"id": "broken", "text": ',
            {"id": "no-text", "title": "本文なし"},
            {"id": "num-text", "text": 42},
            '["not", "an", "object"]',
            {"id": 7, "text": "数値のID。", "published": "2024-06-01"},
        ),
    )
    items = sources(tmp_path / "feed")
    docs = [i for i in items if isinstance(i, SourceDoc)]
    errors = [i for i in items if isinstance(i, InputError)]
    one, two, nine = line_of(path, 1), line_of(path, 2), line_of(path, 9)
    assert docs == [
        SourceDoc("2024-06-01.jsonl#a-1", "a-1", str(path), SHORT, "utf-8", 1, "新工場",
                  "https://example.com/1", dt.date(2024, 5, 31), dt.date(2024, 6, 1), len(one), sha(one)),
        SourceDoc("2024-06-01.jsonl#L2", "2024-06-01.jsonl#L2", str(path), "二本目の記事。", "utf-8", 2,
                  None, None, None, dt.date(2024, 6, 1), len(two), sha(two)),
        SourceDoc("2024-06-01.jsonl#7", "7", str(path), "数値のID。", "utf-8", 9,
                  None, None, dt.date(2024, 6, 1), dt.date(2024, 6, 1), len(nine), sha(nine)),
    ]
    assert [(e.path, e.line) for e in errors] == [(str(path), n) for n in (5, 6, 7, 8)]
    assert errors[0].reason.startswith("invalid JSON")
    assert "'text'" in errors[1].reason and "missing" in errors[1].reason
    assert "'text'" in errors[2].reason and "number" in errors[2].reason
    assert "object" in errors[3].reason


def test_jsonl_repeated_id_keeps_doc_id_but_the_key_names_the_line(tmp_path: Path) -> None:
    write(tmp_path / "f.jsonl", jsonl({"id": "k", "text": SHORT}, {"id": "k", "text": ARTICLE},
                                      {"id": "m", "text": SHORT}))
    items = sources(tmp_path / "f.jsonl")
    assert [(i.doc, i.doc_id) for i in items if isinstance(i, SourceDoc)] == [
        ("f.jsonl#k", "k"), ("f.jsonl#L2", "k"), ("f.jsonl#m", "m")]


def test_jsonl_bad_optional_fields_are_reported_and_the_article_kept(tmp_path: Path) -> None:
    path = write(
        tmp_path / "f.jsonl",
        jsonl({"id": True, "text": SHORT, "title": ["x"], "url": None, "published": "昨日"}),
    )
    items = sources(path)
    doc = items[-1]
    assert isinstance(doc, SourceDoc)
    assert (doc.doc, doc.doc_id, doc.title, doc.published) == ("f.jsonl#L1", "f.jsonl#L1", None, None)
    reasons = [e.reason for e in items[:-1] if isinstance(e, InputError)]
    assert len(reasons) == 3
    assert any("'id'" in r for r in reasons)
    assert any("'title'" in r for r in reasons)
    assert any("'published'" in r and "昨日" in r for r in reasons)


def test_jsonl_text_keeps_line_separators_and_crlf_files_work(tmp_path: Path) -> None:
    # U+2028 may stand unescaped in JSON; it must not split the line.
    body = "一行目\u2028二行目"
    data = (json.dumps({"text": body}, ensure_ascii=False) + "\r\n" + json.dumps({"text": "次"}) + "\r\n")
    items = sources(write(tmp_path / "f.jsonl", data.encode("utf-8")))
    assert [(i.text, i.line) for i in items if isinstance(i, SourceDoc)] == [(body, 1), ("次", 2)]


def test_jsonl_in_a_legacy_encoding(tmp_path: Path) -> None:
    data = json.dumps({"id": "e", "text": ARTICLE}, ensure_ascii=False).encode("euc-jp")
    doc = only_doc(sources(write(tmp_path / "f.jsonl", data)))
    assert (doc.text, doc.encoding) == (ARTICLE, "euc-jp")


def test_binary_jsonl_is_one_error(tmp_path: Path) -> None:
    path = write(tmp_path / "f.jsonl", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\n" * 50)
    [error] = sources(path)
    assert isinstance(error, InputError) and error.path == str(path) and error.line is None
    assert error.reason == "contains a NUL byte at offset 8 (binary or UTF-16?)"


def test_an_undecodable_jsonl_line_after_good_ones_names_its_line(tmp_path: Path) -> None:
    path = write(tmp_path / "f.jsonl", jsonl({"text": SHORT}).rstrip() + b'\n{"text": "caf\xe9"}\n'
                 + jsonl({"text": ARTICLE}))
    items = sources(path)
    assert [i.line for i in items] == [1, 2, 3]
    assert isinstance(items[1], InputError) and "not UTF-8, CP932 or EUC-JP" in items[1].reason


def test_jsonl_lines_decode_on_their_own(tmp_path: Path) -> None:
    path = write(tmp_path / "f.jsonl", b"\n".join([
        json.dumps({"text": SHORT}, ensure_ascii=False).encode("cp932"),
        json.dumps({"text": ARTICLE}, ensure_ascii=False).encode("utf-8")]))
    assert [(d.text, d.encoding) for d in sources(path)] == [(SHORT, "cp932"), (ARTICLE, "utf-8")]


def test_an_overlong_jsonl_line_is_skipped_and_the_next_read(tmp_path: Path) -> None:
    long_line = json.dumps({"text": "長" * 3000}, ensure_ascii=False).encode()
    path = write(tmp_path / "f.jsonl", long_line + b"\n" + jsonl({"text": SHORT}, {"text": ARTICLE}))
    items = list(iter_sources([str(path)], max_bytes=2000))
    assert items[0] == InputError(
        str(path), 1, "the line is 0.0 MB, over the 0.0 MB limit for one document (--max-size)")
    assert [(i.line, i.text) for i in items[1:]] == [(2, SHORT), (3, ARTICLE)]


@pytest.mark.parametrize(("text", "reason"), [("", "field 'text' is empty"), ("  \n", "field 'text' is empty"),
                                              ("GPU 10,000 units", "no Japanese text (no kana or kanji)")])
def test_jsonl_text_that_is_no_article_is_an_error_on_its_line(tmp_path: Path, text: str, reason: str) -> None:
    path = write(tmp_path / "f.jsonl", jsonl({"text": SHORT}, {"id": "x", "text": text}))
    assert sources(path)[1] == InputError(str(path), 2, reason)


# ---------------------------------------------------------------------------
# Links


def test_broken_link_is_an_input_error_and_the_walk_goes_on(tmp_path: Path) -> None:
    root = tmp_path / "in"
    write(root / "b.txt", SHORT.encode())
    (root / "a.txt").symlink_to(root / "gone.txt")
    items = sources(root)
    assert items[0] == InputError(str(root / "a.txt"), None,
                                  f"broken symbolic link (to {root / 'gone.txt'}, which does not exist)")
    assert isinstance(items[1], SourceDoc) and items[1].doc == "b.txt"


def test_broken_link_given_as_argument(tmp_path: Path) -> None:
    (tmp_path / "a.txt").symlink_to("nowhere.txt")
    assert sources(tmp_path / "a.txt") == [
        InputError(str(tmp_path / "a.txt"), None, "broken symbolic link (to nowhere.txt, which does not exist)")]


def test_file_link_loop_is_an_input_error(tmp_path: Path) -> None:
    root = tmp_path / "in"
    root.mkdir()
    (root / "x.txt").symlink_to(root / "y.txt")
    (root / "y.txt").symlink_to(root / "x.txt")
    assert sources(root) == [InputError(str(root / "x.txt"), None, "symbolic link loop"),
                             InputError(str(root / "y.txt"), None, "symbolic link loop")]


def test_folder_links_are_followed_but_a_loop_is_reported_once(tmp_path: Path) -> None:
    root = tmp_path / "in"
    write(root / "a" / "one.txt", SHORT.encode())
    write(tmp_path / "elsewhere" / "two.txt", ARTICLE.encode())
    (root / "a" / "up").symlink_to(root)
    (root / "b").symlink_to(tmp_path / "elsewhere")
    items = sources(root)
    assert [(i.doc, i.text) if isinstance(i, SourceDoc) else i for i in items] == [
        ("a/one.txt", SHORT),
        InputError(str(root / "a" / "up"), None, f"symbolic link loop (leads back to {root.resolve()})"),
        ("b/two.txt", ARTICLE),
    ]


def test_the_same_name_under_two_roots_gets_two_keys(tmp_path: Path) -> None:
    a = write(tmp_path / "a" / "x.txt", SHORT.encode())
    b = write(tmp_path / "b" / "x.txt", ARTICLE.encode())
    items = sources(tmp_path / "a", tmp_path / "b")
    assert [(i.doc, i.path) for i in items] == [("x.txt", str(a)), (str(b), str(b))]
