"""User dictionaries: organisations, chips and metric keywords added without touching code.

A dictionary is a TOML file, given with ``--dict FILE`` or found as ``capex.toml`` in the
working directory::

    [organizations]            # canonical name = its spellings in the news
    "Hokuto Data" = ["北斗データ", "ホクトデータ"]

    [chips]                    # chip family = its vendor and spellings
    "NVIDIA Rubin" = { vendor = "NVIDIA", aliases = ["Rubin", "ルービン"] }

    [metrics]                  # metric = keywords that say it
    capex = ["設備拡充費"]

Its entries are added to the rows of ``data/`` (a user's spelling wins over a built-in
one). Every problem is reported with the file and line it stands on.
"""
from __future__ import annotations

import os
import re
import stat
import sys
from dataclasses import dataclass
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

FILE_NAME = "capex.toml"
METRICS = ("capex", "revenue", "cost", "market_cap", "market_size", "other")
# Far above any real list of names; a file this large is a mistake, not a dictionary.
MAX_BYTES = 10_000_000
_KINDS = {"organizations": "organization", "chips": "chip", "metrics": "metric"}
_AT_LINE = re.compile(r"\s*\(at line (\d+), column \d+\)|\s*\(at end of document\)")


class DictionaryError(ValueError):
    """A dictionary that cannot be used; the message starts with FILE:LINE."""


@dataclass(frozen=True)
class Entry:
    kind: str  # organization, chip or metric
    word: str  # the spelling or keyword as written in the news
    value: str  # canonical organisation, chip family, or metric
    vendor: str | None  # a chip's maker, a canonical organisation
    source: str  # FILE:LINE


@dataclass(frozen=True)
class UserDictionary:
    entries: tuple[Entry, ...] = ()
    files: tuple[str, ...] = ()

    def of(self, kind: str) -> list[Entry]:
        return [e for e in self.entries if e.kind == kind]


EMPTY = UserDictionary()


def discover(paths: list[Path], cwd: Path | None = None) -> list[Path]:
    """capex.toml in the working directory, when there is one, then the --dict files."""
    found = (cwd or Path.cwd()) / FILE_NAME
    return ([found] if found.is_file() else []) + list(paths)


def load(paths: list[Path]) -> UserDictionary:
    entries: list[Entry] = []
    for path in paths:
        entries += _read(path)
    seen: dict[tuple[str, str], Entry] = {}
    for e in entries:
        k = (e.kind, "".join(e.word.split()).casefold())
        other = seen.setdefault(k, e)
        if other.value != e.value:
            raise DictionaryError(f"{e.source}: {e.word!r} is already {other.value!r} at {other.source}; "
                                  f"one spelling names one {e.kind}")
    return UserDictionary(tuple(entries), tuple(str(p) for p in paths))


def _read(path: Path) -> list[Entry]:
    try:
        with open(path, "rb") as f:
            st = os.fstat(f.fileno())
            if not stat.S_ISREG(st.st_mode):
                # /dev/zero or a FIFO would be read without end.
                raise DictionaryError(f"{path}: not a regular file")
            if st.st_size > MAX_BYTES:
                raise DictionaryError(f"{path}: {st.st_size / 1e6:.1f} MB, over the "
                                      f"{MAX_BYTES / 1e6:.0f} MB limit for a dictionary")
            text = f.read(MAX_BYTES + 1).decode("utf-8")
    except (OSError, UnicodeDecodeError) as e:
        reason = e.strerror if isinstance(e, OSError) else "not UTF-8 text"
        raise DictionaryError(f"{path}: cannot read it: {reason}") from None
    lines = text.splitlines()
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        m = _AT_LINE.search(str(e))
        line = m.group(1) if m and m.group(1) else str(text.count("\n") + 1)
        raise DictionaryError(f"{path}:{line}: not valid TOML: {_AT_LINE.sub('', str(e))}") from None
    except RecursionError:
        deepest = max(range(len(lines)), key=lambda i: lines[i].count("[") + lines[i].count("{"))
        raise DictionaryError(f"{path}:{deepest + 1}: not valid TOML: nested too deeply") from None
    where = _Lines(lines)
    entries = []
    for section, table in data.items():
        at = f"{path}:{where.of(section)}"
        if section not in _KINDS:
            raise DictionaryError(f"{at}: unknown section [{section}]; expected "
                                  + ", ".join(f"[{s}]" for s in _KINDS))
        if not isinstance(table, dict):
            raise DictionaryError(f"{at}: [{section}] must be a table of entries")
        for name, value in table.items():
            entries += _entries(_KINDS[section], name, value, f"{path}:{where.of(section, name)}")
    return entries


def _entries(kind: str, name: str, value: object, source: str) -> list[Entry]:
    vendor = None
    if kind == "chip":
        if not isinstance(value, dict) or not isinstance(value.get("vendor"), str) or "aliases" not in value:
            raise DictionaryError(f'{source}: chip {name!r} needs {{ vendor = "…", aliases = ["…"] }}')
        unknown = set(value) - {"vendor", "aliases"}
        if unknown:
            raise DictionaryError(f"{source}: chip {name!r}: unknown field {sorted(unknown)[0]!r}")
        vendor, value = value["vendor"].strip(), value["aliases"]
    if kind == "metric" and name not in METRICS:
        raise DictionaryError(f"{source}: unknown metric {name!r}; expected one of {', '.join(METRICS)}")
    if not name.strip():
        raise DictionaryError(f"{source}: an empty name")
    if not isinstance(value, list) or not value or not all(isinstance(w, str) and w.strip() for w in value):
        raise DictionaryError(f"{source}: {name!r} needs a list of one or more non-empty strings")
    return [Entry(kind, w.strip(), name.strip(), vendor, source) for w in value]


class _Lines:
    """The line of `[section]`, or of `key = …` inside it (TOML parsers give no lines),
    found in one pass over the file."""

    _HEADER = re.compile(r"\s*\[\s*([^\[\]]*?)\s*\]")
    _KEY = re.compile(r"""\s*(?:"((?:[^"\\]|\\.)*)"|'([^']*)'|([A-Za-z0-9_-]+))\s*=""")

    def __init__(self, lines: list[str]) -> None:
        self.at: dict[tuple[str, str | None], int] = {}
        section = None
        for i, line in enumerate(lines, 1):
            header = self._HEADER.match(line)
            if header:
                section = header.group(1).strip("\"'")
                self.at.setdefault((section, None), i)
                continue
            assignment = self._KEY.match(line) if section is not None else None
            if assignment:
                key = next(g for g in assignment.groups() if g is not None)
                self.at.setdefault((section, key), i)

    def of(self, section: str, key: str | None = None) -> int:
        return self.at.get((section, key)) or self.at.get((section, None), 1)
