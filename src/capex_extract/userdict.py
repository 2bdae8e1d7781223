"""User dictionaries: organisations, chips and metric keywords added without touching code.

A dictionary is a TOML file, given with ``--dict FILE`` or found as ``capex.toml`` in the
working directory::

    [organizations]            # canonical name = its spellings in the news
    "Hokuto Data" = ["北斗データ", "ホクトデータ"]

    [chips]                    # chip family = its vendor and spellings
    "NVIDIA Rubin" = { vendor = "NVIDIA", aliases = ["Rubin", "ルービン"] }

    [metrics]                  # metric = keywords that say it
    capex = ["設備増強費"]

Its entries are added to the rows of ``data/`` (a user's spelling wins over a built-in
one). Every problem is reported with the file and line it stands on.
"""
from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

FILE_NAME = "capex.toml"
METRICS = ("capex", "revenue", "cost", "market_cap", "market_size", "other")
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
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        reason = e.strerror if isinstance(e, OSError) else "not UTF-8 text"
        raise DictionaryError(f"{path}: cannot read it: {reason}") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        m = _AT_LINE.search(str(e))
        line = m.group(1) if m and m.group(1) else str(text.count("\n") + 1)
        raise DictionaryError(f"{path}:{line}: not valid TOML: {_AT_LINE.sub('', str(e))}") from None
    lines = text.splitlines()
    entries = []
    for section, table in data.items():
        where = f"{path}:{_line_of(lines, section)}"
        if section not in _KINDS:
            raise DictionaryError(f"{where}: unknown section [{section}]; expected "
                                  + ", ".join(f"[{s}]" for s in _KINDS))
        if not isinstance(table, dict):
            raise DictionaryError(f"{where}: [{section}] must be a table of entries")
        for name, value in table.items():
            entries += _entries(_KINDS[section], name, value, f"{path}:{_line_of(lines, section, name)}")
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


def _line_of(lines: list[str], section: str, key: str | None = None) -> int:
    """The line of `[section]`, or of `key = …` inside it (TOML parsers give no lines)."""
    header = re.compile(rf"\s*\[\s*{re.escape(section)}\s*\]")
    start = next((i for i, line in enumerate(lines) if header.match(line)), None)
    if start is None or key is None:
        return (start or 0) + 1
    assignment = re.compile(rf"""\s*(?:"{re.escape(key)}"|'{re.escape(key)}'|{re.escape(key)})\s*=""")
    for i in range(start + 1, len(lines)):
        if lines[i].lstrip().startswith("["):
            break
        if assignment.match(lines[i]):
            return i + 1
    return start + 1
