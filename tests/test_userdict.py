"""User dictionaries: TOML files that add organisations, chips and metric keywords.

The dictionaries and the article were written for these tests (北斗データ and its chip
カミナリ are invented).
"""
from __future__ import annotations

import os
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

import pytest

from capex_extract.lexicon import load
from capex_extract.pipeline import extract
from capex_extract.userdict import DictionaryError, discover
from capex_extract.userdict import load as load_dicts

CAPEX = Path(sys.executable).with_name("capex")
GOOD = """# a user's dictionary
[organizations]
"Hokuto Data" = ["北斗データ", "ホクトデータ"]

[chips]
"Hokuto Kaminari" = { vendor = "Hokuto Data", aliases = ["カミナリK2", "Kaminari K2"] }

[metrics]
capex = ["設備拡充費"]
"""
ARTICLE = "北斗データは2026年にカミナリK2を3000基導入し、設備拡充費として500億円を充てる。\n"


def write(tmp_path: Path, text: str, name: str = "d.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_entries_carry_their_file_and_line(tmp_path):
    user = load_dicts([write(tmp_path, GOOD)])
    where = {(e.kind, e.word): (e.value, e.vendor, e.source.rsplit(":", 1)[1]) for e in user.entries}
    assert where[("organization", "ホクトデータ")] == ("Hokuto Data", None, "3")
    assert where[("chip", "Kaminari K2")] == ("Hokuto Kaminari", "Hokuto Data", "6")
    assert where[("metric", "設備拡充費")] == ("capex", None, "9")


def test_the_rules_read_what_the_user_added(tmp_path):
    user = load_dicts([write(tmp_path, GOOD)])
    lex = load(user=user)
    assert lex.org_canonical["北斗データ"] == "Hokuto Data" and lex.chip_vendor["Hokuto Kaminari"] == "Hokuto Data"
    rows = extract(ARTICLE, user=user)
    assert [(a.entity, a.metric, a.period) for a in rows.amounts] == [("Hokuto Data", "capex", "2026")]
    assert [(g.chip, g.entity, g.count_low) for g in rows.gpu_counts] == [("Hokuto Kaminari", "Hokuto Data", 3000)]
    # Without the dictionary the same text names no one and no known chip.
    plain = extract(ARTICLE)
    assert plain.amounts[0].entity is None and plain.amounts[0].metric != "capex"


@pytest.mark.parametrize("text, where, says", [
    ('[organizations]\n"A" = ["甲社",\n', ":3:", "not valid TOML"),
    ("[metrics]\ncapex = ['投下額']\n\nprofit = ['利益']\n", ":4:", "unknown metric 'profit'"),
    ("[companies]\nA = ['甲']\n", ":1:", "unknown section [companies]"),
    ('\n[chips]\n"X1" = ["X1"]\n', ":3:", "needs { vendor"),
    ("[organizations]\nA = []\n", ":2:", "a list of one or more non-empty strings"),
    ("[organizations]\nA = ['甲社']\nB = ['甲社']\n", ":3:", "'甲社' is already 'A' at"),
])
def test_a_bad_dictionary_names_file_and_line(tmp_path, text, where, says):
    path = write(tmp_path, text)
    with pytest.raises(DictionaryError) as e:
        load_dicts([path])
    assert str(e.value).startswith(f"{path}{where}") and says in str(e.value)


def test_a_chip_vendor_must_be_a_known_organisation(tmp_path):
    path = write(tmp_path, '[chips]\n\n"Z" = { vendor = "Nobody Inc", aliases = ["Z9"] }\n')
    with pytest.raises(DictionaryError, match=rf"^{path}:3: chip 'Z': vendor 'Nobody Inc'"):
        load(user=load_dicts([path]))


def test_capex_toml_in_the_working_directory_comes_first(tmp_path):
    found = write(tmp_path, GOOD, "capex.toml")
    assert discover([Path("more.toml")], cwd=tmp_path) == [found, Path("more.toml")]
    assert discover([], cwd=tmp_path / "elsewhere") == []


def run(*args, cwd):
    return subprocess.run([str(CAPEX), *map(str, args)], capture_output=True, text=True, cwd=cwd, timeout=120)


@pytest.mark.skipif(not CAPEX.exists(), reason="console script not installed")
def test_extract_and_dict_list_on_the_command_line(tmp_path):
    write(tmp_path, ARTICLE, "a.txt")
    write(tmp_path, GOOD, "capex.toml")
    done = run("extract", "a.txt", "--stdout", "gpu_counts", cwd=tmp_path)
    assert done.returncode == 0 and "Hokuto Kaminari,Hokuto Data" in done.stdout
    listed = run("dict", "list", cwd=tmp_path).stdout
    assert "capex.toml:6" in listed and "Kaminari K2" in listed and "built-in entries" in listed
    (tmp_path / "capex.toml").rename(tmp_path / "mine.toml")
    assert "Hokuto" not in run("extract", "a.txt", "--stdout", "gpu_counts", cwd=tmp_path).stdout
    assert "Hokuto Kaminari" in run("extract", "a.txt", "--dict", "mine.toml", "--stdout", "gpu_counts",
                                    cwd=tmp_path).stdout
    write(tmp_path, "[metrics]\nprofit = ['利益']\n", "bad.toml")
    bad = run("extract", "a.txt", "--dict", "bad.toml", "-o", "out", cwd=tmp_path)
    assert bad.returncode == 2 and "bad.toml:2: unknown metric 'profit'" in bad.stderr
    assert not (tmp_path / "out").exists()  # checked before any work


# ---------------------------------------------------------------------------
# Hostile dictionaries: each is refused with FILE:LINE, or loads in proportion to its size


def test_a_dictionary_nested_5000_deep_is_a_dictionary_error_not_a_crash(tmp_path):
    path = write(tmp_path, "[organizations]\n\nA = " + "[" * 5000 + "]" * 5000 + "\n")
    bad = run("extract", "-", "--dict", path, "--stdout", "amounts", cwd=tmp_path)
    assert bad.returncode == 2 and bad.stderr == f"error: dictionary {path}:3: not valid TOML: nested too deeply\n"


@pytest.mark.parametrize("special", ["/dev/zero", "fifo"])
def test_a_dictionary_that_is_not_a_regular_file_is_refused(tmp_path, special):
    if special == "fifo":
        special = tmp_path / "fifo.toml"
        os.mkfifo(special)
        # Someone holds the other end open, so that opening it cannot hang the test.
        writer = os.open(special, os.O_RDWR | os.O_NONBLOCK)
    try:
        bad = run("dict", "list", "--dict", special, cwd=tmp_path)
    finally:
        if special != "/dev/zero":
            os.close(writer)
    assert bad.returncode == 2 and bad.stderr == f"error: dictionary {special}: not a regular file\n"


def test_a_dictionary_over_10_mb_is_refused(tmp_path):
    path = tmp_path / "big.toml"
    with open(path, "w", encoding="utf-8") as f:
        f.write("[organizations]\n")
        f.write("# padding\n" * 1_100_000)
    with pytest.raises(DictionaryError, match=rf"^{path}: 11.0 MB, over the 10 MB limit for a dictionary$"):
        load_dicts([path])


def _organizations(folder: Path, n: int) -> Path:
    folder.mkdir()
    return write(folder, "[organizations]\n" + "".join(f'"Org {i}" = ["組織{i}号"]\n' for i in range(n)),
                 f"orgs{n}.toml")


def test_loading_organisations_grows_linearly(tmp_path):
    def seconds(n: int, name: str) -> float:
        path = _organizations(tmp_path / name, n)  # a file of its own each time: no cached rules
        started = time.perf_counter()
        load(user=load_dicts([path]))
        return time.perf_counter() - started

    # The fastest of a few tries each, so that a busy machine does not decide.
    small = min(seconds(2_000, f"small{i}") for i in range(3))
    large = min(seconds(16_000, f"large{i}") for i in range(2))
    # Eight times the names: about eight times the time (sixty-four before, from a scan per name).
    assert large < 30 * small


def test_a_long_alias_uses_memory_in_proportion_to_its_length(tmp_path):
    path = write(tmp_path, f'[organizations]\n"Long" = ["{"長" * 40_000}"]\n')
    user = load_dicts([path])
    tracemalloc.start()
    try:
        lexicon = load(user=user)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    # 40,000 characters; every prefix of it would be 800 million (1.8 GB).
    assert peak < 100_000_000
    assert lexicon.begins_an_organization("長" * 39_999) and not lexicon.begins_an_organization("長" * 40_001)
    assert lexicon.org_canonical["長" * 40_000] == "Long"
