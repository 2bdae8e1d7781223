"""User dictionaries: TOML files that add organisations, chips and metric keywords.

The dictionaries and the article were written for these tests (北斗データ and its chip
カミナリ are invented).
"""
from __future__ import annotations

import subprocess
import sys
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
capex = ["設備増強費"]
"""
ARTICLE = "北斗データは2026年にカミナリK2を3000基導入し、設備増強費として500億円を充てる。\n"


def write(tmp_path: Path, text: str, name: str = "d.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_entries_carry_their_file_and_line(tmp_path):
    user = load_dicts([write(tmp_path, GOOD)])
    where = {(e.kind, e.word): (e.value, e.vendor, e.source.rsplit(":", 1)[1]) for e in user.entries}
    assert where[("organization", "ホクトデータ")] == ("Hokuto Data", None, "3")
    assert where[("chip", "Kaminari K2")] == ("Hokuto Kaminari", "Hokuto Data", "6")
    assert where[("metric", "設備増強費")] == ("capex", None, "9")


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
    return subprocess.run([str(CAPEX), *map(str, args)], capture_output=True, text=True, cwd=cwd)


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
