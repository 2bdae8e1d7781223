"""Input side: find the articles under the given paths and decode them.

No extraction happens here. Every input problem (missing path, unreadable file, broken or
looping link, a FIFO or device, bytes that are not UTF-8, CP932 or EUC-JP, an empty or
oversized document, text with no Japanese, a malformed JSON line) comes out of
``iter_sources`` as an ``InputError`` row in the stream instead of an exception, so one bad
file never stops a run; a bad optional JSON field is one of level ``warning``.

Names and paths in what comes out are always valid Unicode: a file name that is not UTF-8
shows its bytes escaped (``bad\\xff.txt``), so the tables and messages can hold it.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import errno
import hashlib
import json
import os
import re
import stat
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, BinaryIO

from capex_extract.rows import InputError

SUFFIXES = (".txt", ".md", ".jsonl")
STDIN = "-"

_UTF8_BOM = b"\xef\xbb\xbf"
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
# Python's cp932 gives single bytes 0x80, 0xA0 and 0xFD-0xFF these stand-ins instead of
# failing; no Japanese text holds them, so they mean "not CP932".
_CP932_PLACEHOLDERS = re.compile("[\x80\uf8f0-\uf8f3]")
# Scoring a prefix is enough to tell readings apart and keeps big files cheap.
_SCORED_CHARS = 10_000
# Digits not glued to other digits, so that IDs like 120240501 are not read as dates.
_FILENAME_DATE = re.compile(r"(?<!\d)((?:19|20)\d{2})([-_.]?)(\d{2})\2(\d{2})(?!\d)")
# Kana or kanji: a document without any is not Japanese prose, whatever it decodes to.
_JAPANESE = re.compile("[\u3041-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff66-\uff9d]")
# An `id` of this form would take the key a line without an id gets (`x.jsonl#L2`).
_LINE_KEY = re.compile(r"L\d+")
_SURROGATE = re.compile("[\ud800-\udfff]")
# Python refuses to convert longer digit strings to int (0: no limit, before 3.11).
_INT_DIGITS = getattr(sys, "get_int_max_str_digits", lambda: 0)()
# The longest article of the seeds is under 0.1 MB; a document twenty times that is a dump,
# a log or a mistake, and the rules' cost grows faster than its length.
MAX_DOC_BYTES = 2_000_000
_CHUNK = 1 << 20
_SNIFF = 8192
_QUOTED = 60  # characters of a bad value quoted in a message


@dataclass(frozen=True)
class SourceDoc:
    """One article as read from disk or stdin, before any extraction."""

    doc: str
    doc_id: str
    path: str
    text: str
    encoding: str
    line: int | None
    title: str | None
    url: str | None
    published: dt.date | None
    filename_date: dt.date | None
    size: int = 0  # bytes of the file, or of the JSON line
    sha256: str = ""  # of those bytes: what decides whether a document changed


class DecodeError(ValueError):
    """The bytes are none of the supported encodings; the message says why."""


def shown(path: str) -> str:
    """A path as the tables and messages hold it: the OS's bytes that are not UTF-8 (which
    Python keeps as lone surrogates) written as escapes, `bad\\xff.txt`."""
    try:
        path.encode("utf-8")
    except UnicodeEncodeError:
        return os.fsencode(path).decode("utf-8", "backslashreplace")
    return path


# ---------------------------------------------------------------------------
# Decoding


def decode_bytes(data: bytes) -> tuple[str, str]:
    """Decode strictly as UTF-8 (BOM removed), CP932 or EUC-JP; return (text, encoding).

    UTF-8 is taken as soon as it decodes, unless it could be legacy bytes (see
    `_could_be_legacy`); otherwise the reading that looks most like Japanese wins.
    Raises DecodeError (a ValueError) naming, for each encoding, why it failed.
    """
    if data.startswith(_UTF8_BOM):
        try:
            return data.decode("utf-8-sig"), "utf-8-sig"
        except UnicodeDecodeError as e:
            raise DecodeError(f"UTF-8 byte order mark, but not UTF-8: {_describe(e)}") from e
    if data.startswith(_UTF16_BOMS):
        raise DecodeError("UTF-16 is not supported (UTF-16 byte order mark)")
    if b"\x00" in data:
        # Every supported encoding is NUL-free in real text: this is binary or UTF-16.
        offset = data.index(b"\x00")
        raise DecodeError(f"contains a NUL byte at offset {offset} (binary or UTF-16?)")
    candidates: list[tuple[str, str]] = []
    failures: list[str] = []
    for encoding, label in (("utf-8", "UTF-8"), ("cp932", "CP932"), ("euc-jp", "EUC-JP")):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError as e:
            failures.append(f"{label}: {_describe(e)}")
            continue
        if encoding == "utf-8" and not _could_be_legacy(text):
            return text, encoding
        placeholder = _CP932_PLACEHOLDERS.search(text) if encoding == "cp932" else None
        if placeholder:
            stand_in = ord(placeholder.group())
            failures.append(f"{label}: a byte with no character (read as U+{stand_in:04X})")
            continue
        candidates.append((text, encoding))
    if not candidates:
        raise DecodeError("not UTF-8, CP932 or EUC-JP (" + "; ".join(failures) + ")")
    # max() keeps the first of equal scores: UTF-8, then CP932 (the commoner legacy encoding).
    return max(candidates, key=lambda c: japanese_score(c[0][:_SCORED_CHARS]))


def _could_be_legacy(utf8_text: str) -> bool:
    """Whether valid UTF-8 might still be EUC-JP or CP932 bytes.

    Japanese in UTF-8 takes three bytes a character (U+0800 and up). Legacy double-byte text
    that also happens to be valid UTF-8 reads as two-byte sequences only: 「2024 年」 in
    EUC-JP is the UTF-8 of 「2024 ǯ」.
    """
    return not utf8_text.isascii() and all(ord(ch) < 0x800 for ch in utf8_text)


def _describe(e: UnicodeDecodeError) -> str:
    return f"byte 0x{e.object[e.start]:02x} at offset {e.start}"


def japanese_score(text: str) -> float:
    """Share of characters that are ordinary in Japanese prose.

    CP932 bytes read as EUC-JP mostly fail outright, but EUC-JP bytes often decode as CP932,
    into half-width katakana and rare kanji. Counting only kana, JIS level-1 kanji,
    punctuation, ASCII and common European letters tells the readings apart even on a few
    characters.
    """
    if not text:
        return 1.0
    return sum(_is_ordinary(ch) for ch in text) / len(text)


def _is_ordinary(ch: str) -> bool:
    cp = ord(ch)
    if cp < 0x80:
        return ch.isprintable() or ch in "\t\n\r"
    if cp < 0x800:
        # Latin-1, Latin Extended-A, Greek and Cyrillic: what valid UTF-8 of European text
        # holds. Rarer two-byte letters (ǯ) are what legacy bytes read as UTF-8 turn into.
        return 0xA0 <= cp <= 0x17F or 0x370 <= cp <= 0x4FF
    if 0x4E00 <= cp <= 0x9FFF:
        return _is_jis_level1(ch)
    return (
        0x3000 <= cp <= 0x30FF  # CJK punctuation, hiragana, katakana
        or 0xFF01 <= cp <= 0xFF5E  # full-width ASCII
        or 0x2010 <= cp <= 0x206F  # general punctuation (・, ※, …)
        or 0x25A0 <= cp <= 0x25FF  # ■ ○ ● …
    )


def _is_jis_level1(ch: str) -> bool:
    # JIS X 0208 level-1 kanji (the ~3000 common ones) are exactly rows 16-47, i.e. EUC-JP
    # lead bytes 0xB0-0xCF.
    try:
        encoded = ch.encode("euc-jp")
    except UnicodeEncodeError:
        return False
    return len(encoded) == 2 and 0xB0 <= encoded[0] <= 0xCF


# ---------------------------------------------------------------------------
# Metadata


def filename_date(name: str) -> dt.date | None:
    """First valid date written as YYYY-MM-DD, YYYY_MM_DD, YYYY.MM.DD or YYYYMMDD in a name."""
    for m in _FILENAME_DATE.finditer(os.path.basename(name)):
        try:
            return dt.date(int(m.group(1)), int(m.group(3)), int(m.group(4)))
        except ValueError:
            continue
    return None


def parse_published(value: str) -> dt.date:
    """The calendar date of an ISO 8601 date or date-time, as written (no time-zone shift)."""
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        pass
    # Python < 3.11 does not accept a trailing Z.
    text = value[:-1] + "+00:00" if value.endswith(("Z", "z")) else value
    return dt.datetime.fromisoformat(text).date()


# ---------------------------------------------------------------------------
# Walking the inputs


def iter_sources(paths: list[str], stdin: BinaryIO | None = None,
                 max_bytes: int = MAX_DOC_BYTES, read: bool = True) -> Sources:
    """Every article under `paths`, in a stable order, and an InputError per problem.

    An input reached twice (`- -`, `dir dir/a.txt`, a link to a file already read) is read
    once, so every document key stays unique. A document over `max_bytes` is reported, not
    read: a file, stdin, or one JSON line (a JSON-lines file itself may be any size).
    With `read=False` a whole file comes out as an `Unread` (found, not read), for
    `read_file` to read wherever the work is done; JSON lines and stdin are read here."""
    return Sources(paths, stdin, max_bytes, read)


@dataclass(frozen=True)
class Unread:
    """A file the walk found and has not read: its key and its path."""

    doc: str
    path: str
    size: int  # bytes, when the walk saw it


def read_file(ref: Unread, max_bytes: int = MAX_DOC_BYTES) -> SourceDoc | InputError:
    """The document of a file the walk found, or the reason it is not one."""
    path = shown(ref.path)
    try:
        with _open_regular(ref.path) as f:
            size = os.fstat(f.fileno()).st_size
            data = f.read(max_bytes + 1)
    except NotRegular as e:
        return InputError(path, None, str(e))
    except OSError as e:
        return InputError(path, None, _os_reason(e))
    if len(data) > max_bytes:
        return InputError(path, None, _too_big(f"the file is {_megabytes(max(size, len(data)))},", max_bytes))
    return _document(ref.doc, ref.doc, path, data, filename_date(ref.path))


class NotRegular(OSError):
    """A FIFO, device or socket where a file was expected; the message names which."""


def _open_regular(path: str) -> BinaryIO:
    """The file open for reading, refused unless it is a regular file. Opened without
    blocking, so a FIFO put in a file's place after the walk cannot hang the run."""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            raise NotRegular(_not_regular(path, mode))
    except OSError:
        os.close(fd)
        raise
    return os.fdopen(fd, "rb")


def _not_regular(path: str, mode: int) -> str:
    kind = ("a FIFO" if stat.S_ISFIFO(mode) else "a character device" if stat.S_ISCHR(mode)
            else "a block device" if stat.S_ISBLK(mode) else "a socket" if stat.S_ISSOCK(mode) else "not a file")
    if os.path.islink(path):
        kind = f"a link to {kind}, {shown(os.path.realpath(path))}"
    return f"not a regular file or directory ({kind})"


class Sources:
    """The walk over a run's inputs, as an iterator; once it is exhausted, `removable` tells
    which previous documents are really gone: only those under a root that was read."""

    def __init__(self, paths: list[str], stdin: BinaryIO | None, max_bytes: int, read: bool = True) -> None:
        self.read: list[str] = []  # the roots that yielded at least one document
        self._items = self._walk(paths, stdin, _Inputs(max_bytes, read))

    def __iter__(self) -> Sources:
        return self

    def __next__(self) -> SourceDoc | Unread | InputError:
        return next(self._items)

    def _walk(self, paths: list[str], stdin: BinaryIO | None, inputs: _Inputs) -> Iterator[SourceDoc | Unread | InputError]:
        for path in paths:
            if path == STDIN:
                yield from inputs.stdin(stdin if stdin is not None else sys.stdin.buffer)
                continue
            repeated = inputs.seen(path)
            documents = errors = 0
            for item in inputs.argument(path):
                documents += isinstance(item, (SourceDoc, Unread))
                if isinstance(item, InputError):
                    errors += item.level == "error"
                    item = dataclasses.replace(item, path=shown(item.path))
                yield item
            if documents:
                self.read.append(shown(path))
            elif os.path.isdir(path) and not (repeated or errors):
                # A folder emptied, or a mount that did not come up, is no reason to drop rows;
                # nothing under a root that yields no document is removed.
                yield InputError(shown(path), None, f"no documents ({', '.join(SUFFIXES)}) in this folder; "
                                                    "the rows of the documents it held are kept")
            elif not (repeated or errors):
                yield InputError(shown(path), None, "no documents (the file holds no JSON line); "
                                                    "the rows of the documents it held are kept")

    def removable(self, path: str) -> bool:
        """Whether a document recorded at `path` may be dropped when it was not found: it
        stood under a root that was read this time, so it is gone, not out of reach."""
        return any(path == root or path.startswith(root.rstrip("/") + "/") for root in self.read)


def _os_reason(e: OSError) -> str:
    reason = e.strerror or str(e)
    return reason[:1].lower() + reason[1:]


def _stat_reason(path: str, e: OSError) -> str:
    """Why a path could not be looked at, naming links that go nowhere or round in a circle."""
    if e.errno == errno.ELOOP:
        return "symbolic link loop"
    if e.errno == errno.ENOENT and os.path.islink(path):
        return f"broken symbolic link (to {os.readlink(path)}, which does not exist)"
    return _os_reason(e)


def _text_problem(text: str) -> str | None:
    if not text.strip():
        return "empty"
    if not _JAPANESE.search(text):
        return "no Japanese text (no kana or kanji)"
    return None


def _megabytes(n: int) -> str:
    return f"{n / 1_000_000:.1f} MB"


def _too_big(what: str, max_bytes: int) -> str:
    return f"{what} over the {_megabytes(max_bytes)} limit for one document (--max-size)"


class _Inputs:
    """One run's walk: what has been read already, and the size limit."""

    def __init__(self, max_bytes: int, read: bool = True) -> None:
        self.max_bytes = max_bytes
        self.read = read
        self.files: set[tuple[int, int]] = set()
        self.dirs: set[str] = set()
        self.read_stdin = False
        self.docs: set[str] = {STDIN}

    def _too_big(self, what: str) -> str:
        return _too_big(what, self.max_bytes)

    def seen(self, path: str) -> bool:
        """Whether a path names a folder or file this walk has been through already."""
        try:
            st = os.stat(path)
        except OSError:
            return False
        if stat.S_ISDIR(st.st_mode):
            return os.path.realpath(path) in self.dirs
        return (st.st_dev, st.st_ino) in self.files

    def argument(self, path: str) -> Iterator[SourceDoc | Unread | InputError]:
        try:
            mode = os.stat(path).st_mode
        except OSError as e:
            yield InputError(path, None, _stat_reason(path, e))
            return
        if stat.S_ISDIR(mode):
            yield from self.directory(path, (), ())
        else:
            yield from self.file(path, os.path.basename(path))

    def stdin(self, stream: BinaryIO) -> Iterator[SourceDoc | InputError]:
        if self.read_stdin:
            return
        self.read_stdin = True
        try:
            data = stream.read(self.max_bytes + 1)
        except OSError as e:
            yield InputError(STDIN, None, _os_reason(e))
            return
        if len(data) > self.max_bytes:
            yield InputError(STDIN, None, self._too_big("the input is"))
            return
        yield _document(STDIN, STDIN, STDIN, data, None)

    def directory(self, root: str, parts: tuple[str, ...],
                  ancestors: tuple[str, ...]) -> Iterator[SourceDoc | Unread | InputError]:
        """Depth-first, entries sorted by name at each level, so the order is the same every
        run. Links to folders are followed, except one leading back into its own path."""
        directory = os.path.join(root, *parts)
        real = os.path.realpath(directory)
        if real in ancestors:
            yield InputError(directory, None, f"symbolic link loop (leads back to {real})")
            return
        if real in self.dirs:
            return
        self.dirs.add(real)
        try:
            with os.scandir(directory) as it:
                entries = sorted(it, key=lambda entry: entry.name)
        except OSError as e:
            yield InputError(directory, None, _os_reason(e))
            return
        for entry in entries:
            if entry.name.startswith("."):
                # Hidden files and folders are editor backups, VCS data and checkpoints.
                continue
            ours = entry.name.lower().endswith(SUFFIXES)
            try:
                is_dir = entry.is_dir()
            except OSError as e:
                yield InputError(entry.path, None, _stat_reason(entry.path, e))
                continue
            if is_dir:
                yield from self.directory(root, (*parts, entry.name), (*ancestors, real))
            elif ours:
                # A FIFO, a device or a broken link with an article's name is reported, as
                # it is when named on the command line.
                yield from self.file(entry.path, "/".join((*parts, entry.name)))

    def file(self, path: str, doc: str) -> Iterator[SourceDoc | Unread | InputError]:
        try:
            # The file itself, however reached: one stat, where realpath costs one per folder.
            st = os.stat(path)
        except OSError as e:
            yield InputError(path, None, _stat_reason(path, e))
            return
        if not stat.S_ISREG(st.st_mode):
            yield InputError(path, None, _not_regular(path, st.st_mode))
            return
        if (st.st_dev, st.st_ino) in self.files:
            return
        self.files.add((st.st_dev, st.st_ino))
        # Two input roots holding the same relative name (a/x.txt, b/x.txt): the second is
        # keyed by its path as reached, or its real path if even that is taken
        # (a/b/x.txt under `a` is b/x.txt), so that `doc` stays unique.
        doc = self.claim(shown(doc), shown(path), shown(os.path.realpath(path)))
        if path.lower().endswith(".jsonl"):
            yield from self._jsonl(path, doc)
            return
        found = Unread(doc, path, st.st_size)
        yield read_file(found, self.max_bytes) if self.read else found

    def claim(self, *keys: str) -> str:
        """The first of `keys` no document of this run has; the last is unique by itself."""
        key = next((k for k in keys if k not in self.docs), keys[-1])
        self.docs.add(key)
        return key

    def _jsonl(self, path: str, doc: str) -> Iterator[SourceDoc | InputError]:
        """Line by line, each decoded on its own, so a file of any size streams."""
        date = filename_date(path)
        real = shown(os.path.realpath(path))
        name = shown(path)
        try:
            with _open_regular(path) as f:
                head = f.peek(_SNIFF)[:_SNIFF] if hasattr(f, "peek") else b""
                if b"\x00" in head:
                    # Binary: one error, not one per "line" of it.
                    yield InputError(path, None, f"contains a NUL byte at offset {head.index(0)} (binary or UTF-16?)")
                    return
                for lineno, raw in _lines(f, self.max_bytes):
                    if isinstance(raw, int):
                        yield InputError(path, lineno, self._too_big(f"the line is {_megabytes(raw)},"))
                    elif raw.strip():
                        try:
                            text, encoding = decode_bytes(raw)
                        except DecodeError as e:
                            yield InputError(path, lineno, str(e))
                            continue
                        digest = hashlib.sha256(raw).hexdigest()
                        keys = (doc, real)
                        yield from _jsonl_line(name, keys, lineno, text, encoding, date, self.claim, len(raw), digest)
        except OSError as e:
            yield InputError(path, None, _os_reason(e))


def _lines(f: BinaryIO, limit: int) -> Iterator[tuple[int, bytes | int]]:
    """(line number, the line without its line break), or the line's size in bytes instead
    when it is over `limit`; such a line is skipped without being held in memory."""
    lineno = 0
    while True:
        raw = f.readline(limit + 1)
        if not raw:
            return
        lineno += 1
        size = len(raw)
        while not raw.endswith(b"\n") and size > limit:
            raw = f.readline(_CHUNK)
            if not raw:
                break
            size += len(raw)
        if size > limit + 2:  # the line break itself is not counted
            yield lineno, size
        else:
            yield lineno, raw.rstrip(b"\n").removesuffix(b"\r")


def _document(doc: str, doc_id: str, path: str, data: bytes,
              date: dt.date | None) -> SourceDoc | InputError:
    """A whole file (or stdin) as one document, or the reason it is not one."""
    try:
        text, encoding = decode_bytes(data)
    except DecodeError as e:
        return InputError(path, None, str(e))
    problem = _text_problem(text)
    if problem:
        return InputError(path, None, "empty file" if problem == "empty" else problem)
    return SourceDoc(doc, doc_id, path, text, encoding, None, None, None, None, date,
                     len(data), hashlib.sha256(data).hexdigest())


# ---------------------------------------------------------------------------
# JSON lines


class _LongInt:
    """An integer too long for Python's int() (over 4,300 digits), kept as its digits."""

    def __init__(self, digits: str) -> None:
        self.digits = digits

    def __repr__(self) -> str:
        return f"{self.digits[:20]}… ({len(self.digits)} digits)"


def _integer(digits: str) -> int | _LongInt:
    return _LongInt(digits) if _INT_DIGITS and len(digits.lstrip("-")) > _INT_DIGITS else int(digits)


def _jsonl_line(
    path: str, docs: tuple[str, str], lineno: int, raw: str, encoding: str, date: dt.date | None,
    claim: Callable[..., str], size: int, digest: str,
) -> Iterator[SourceDoc | InputError]:
    """One JSON line's article and the problems of its fields. `docs` are the keys of its
    file (as found, and its real path) and `claim` takes one that no other document has."""
    try:
        record = json.loads(raw, parse_int=_integer)
    except json.JSONDecodeError as e:
        # json's own message may end in "at" (「Unterminated string starting at」).
        yield InputError(path, lineno, f"invalid JSON: {e.msg.removesuffix(' at')} (column {e.colno})")
        return
    except RecursionError:
        yield InputError(path, lineno, "invalid JSON: arrays or objects nested too deeply to read")
        return
    if not isinstance(record, dict):
        yield InputError(path, lineno, f"expected a JSON object, got {_json_type(record)}")
        return
    body = record.get("text")
    if not isinstance(body, str):
        got = "missing" if body is None else _json_type(body)
        yield InputError(path, lineno, f"field 'text' must be a string ({got})")
        return
    problem = _text_problem(body) or _surrogate(body, "text")
    if problem:
        yield InputError(path, lineno, "field 'text' is empty" if problem == "empty" else problem)
        return
    # A bad optional field is reported and dropped; the article itself is still read.
    problems: list[str] = []
    doc_id = _optional_id(record.get("id"), problems)
    title = _optional_str(record, "title", problems)
    url = _optional_str(record, "url", problems)
    published = _optional_date(record.get("published"), problems)
    for problem in problems:
        yield InputError(path, lineno, problem, "warning")
    # A repeated id keeps its doc_id, but the row key names the line, as it does for an id
    # that looks like a line's key; so keys stay unique.
    doc, real = docs
    by_id = [f"{doc}#{doc_id}"] if doc_id is not None and not _LINE_KEY.fullmatch(doc_id) else []
    line_doc = claim(*by_id, f"{doc}#L{lineno}", f"{real}#L{lineno}")
    yield SourceDoc(
        line_doc, doc_id if doc_id is not None else line_doc, path, body, encoding, lineno,
        title, url, published, date, size, digest,
    )

def _surrogate(value: str, key: str) -> str | None:
    """Why a JSON string is not text: `\\ud800` alone is valid JSON but no character."""
    m = _SURROGATE.search(value)
    if m is None:
        return None
    return (f"field '{key}' holds a lone surrogate (\\u{ord(m.group()):04x} at character {m.start()}), "
            "which is not Unicode text")


def _optional_id(value: Any, problems: list[str]) -> str | None:
    if isinstance(value, _LongInt):
        return value.digits
    # bool is an int subclass but never a sensible id.
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, str) and value:
        problem = _surrogate(value, "id")
        if problem is None:
            return value
        problems.append(f"{problem}; ignored")
    elif value is not None and value != "":
        problems.append(f"field 'id' must be a string or an integer ({_json_type(value)}); ignored")
    return None


def _optional_str(record: dict[str, Any], key: str, problems: list[str]) -> str | None:
    value = record.get(key)
    if value is None:
        return None
    problem = _surrogate(value, key) if isinstance(value, str) else (
        f"field '{key}' must be a string ({_json_type(value)})")
    if problem is None:
        return value
    problems.append(f"{problem}; ignored")
    return None


def _optional_date(value: Any, problems: list[str]) -> dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, str):
        try:
            return parse_published(value)
        except ValueError:
            pass
    problems.append(f"field 'published' is not an ISO date or date-time ({_quoted(value)}); ignored")
    return None


def _quoted(value: Any) -> str:
    """A bad value as a message shows it: Python's repr (lone surrogates escaped), cut short."""
    text = repr(value)
    return text if len(text) <= _QUOTED else text[:_QUOTED] + "…"


def _json_type(value: Any) -> str:
    names = {dict: "object", list: "array", str: "string", bool: "boolean", int: "number",
             float: "number", _LongInt: "number", type(None): "null"}
    return names.get(type(value), type(value).__name__)
