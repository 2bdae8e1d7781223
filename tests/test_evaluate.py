"""`capex eval`: scores a run against a gold file with the project scorer's rules.

The articles and the gold below were written for these tests; the gold holds one wrong
qualifier, one fact the rules cannot find and leaves one extracted figure out, so every
kind of error shows.
"""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import console_script

from capex_extract.evaluate import attributes, commitments, names, year_of

CAPEX = console_script()
SHARED = Path(__file__).resolve().parents[2] / "shared"

ARTICLES = {
    "k1.txt": "KDDIは2025年度に大阪のAIデータセンターへ1500億円を投じる。同社はGPUを5000基導入する計画だ。受電容量は約50MWとなる。\n"
              "関連記事\nKDDI、3000億円の新事業\n",
    "n1.txt": "NTTは2024年に800億円を投資した。同社の売上高は13兆円だった。\n",
    "n2.txt": "NTTは今年、データセンターに800億円を投じる。同社の新しいクラスターは2EFLOPSに達する。\n",
}


def fact(doc, kind, text, **fields):
    start = ARTICLES[doc].index(text)
    return {"doc": doc, "type": kind, "text": text, "start": start, "end": start + len(text), **fields}


def money(doc, text, low, entity, year, metric="capex", qualifier=None):
    return fact(doc, "money", text, low=low, high=low, currency="JPY", qualifier=qualifier, metric=metric,
                entity=entity, year=year)


GOLD = [
    money("k1.txt", "1500億円", 1.5e11, ["KDDI"], [2025]),
    fact("k1.txt", "gpu", "5000基", low=5000, high=5000, qualifier=None, chip=[None], entity=["KDDI"], year=None),
    fact("k1.txt", "date", "2025年度", value=["FY2025"]),
    fact("k1.txt", "power", "約50MW", low=50.0, high=50.0, qualifier="approx", entity=["KDDI"], year=None),
    fact("k1.txt", "boilerplate", "関連記事"),
    money("n1.txt", "800億円", 8e10, ["NTT"], [2024], qualifier="approx"),  # wrong on purpose
    money("n1.txt", "売上高", 1.0, ["NTT"], None, metric="revenue"),  # nothing there to find
    fact("n1.txt", "date", "2024年", value=["2024"], optional=True),
    money("n2.txt", "800億円", 8e10, ["NTT"], [2025]),
    fact("n2.txt", "date", "今年", value=["2025"]),
    fact("n2.txt", "compute", "2EFLOPS", low=2e18, high=2e18, qualifier=None, entity=["NTT"], year=None),
]


def run(*args):
    return subprocess.run([str(CAPEX), *map(str, args)], capture_output=True, text=True)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    root = tmp_path_factory.mktemp("eval")
    for name, text in ARTICLES.items():
        (root / "in").mkdir(exist_ok=True)
        (root / "in" / name).write_text(text, encoding="utf-8")
    (root / "gold.jsonl").write_text("".join(json.dumps(g, ensure_ascii=False) + "\n" for g in GOLD),
                                     encoding="utf-8")
    done = run("extract", root / "in", "-o", root / "out", "--reference-date", "2025-03-01")
    assert done.returncode == 0, done.stderr
    return root


def test_scores_per_type_and_attribute(corpus):
    done = run("eval", corpus / "gold.jsonl", corpus / "out", "--json")
    assert done.returncode == 0, done.stderr
    r = json.loads(done.stdout)
    # 3000億円 stands after the article's end; 13兆円 is no gold fact: a false positive.
    assert r["money"] == {"gold": 4, "predicted": 4, "span_matched": 3, "value_correct": 3, "false_positives": 1,
                          "missed": 1, "precision": 0.75, "recall": 0.75, "f1": 0.75,
                          "attributes": {"entity": 1.0, "metric": 1.0, "qualifier": 0.6667, "year": 1.0}}
    assert r["gpu"]["f1"] == 1.0 and r["gpu"]["attributes"] == {"chip": 1.0, "entity": 1.0, "qualifier": 1.0,
                                                                "year": 1.0}
    # The optional 2024年 is found, and neither helps nor hurts.
    assert (r["date"]["gold"], r["date"]["predicted"], r["date"]["f1"]) == (2, 2, 1.0)
    assert r["power"]["f1"] == r["compute"]["f1"] == 1.0
    assert r["power"]["attributes"] == r["compute"]["attributes"] == {"entity": 1.0, "qualifier": 1.0, "year": 1.0}
    assert r["capex_rows_fully_right"] == "3/3"
    assert r["capex_table"] == {"commitments": 3, "found": 3, "exactly_one_row": 3}


def test_errors_name_the_document_and_what_went_wrong(corpus):
    done = run("eval", corpus / "gold.jsonl", corpus / "out", "--errors")
    assert done.returncode == 0, done.stderr
    lines = [line for line in done.stdout.splitlines() if line.startswith("[")]
    assert [line.split(" gold")[0].split(" pred")[0] for line in lines] == [
        "[money] wrong qualifier: n1.txt", "[money] false positive: n1.txt", "[money] missed: n1.txt"]
    assert "'13兆円'" in lines[1]
    assert "F1" in done.stdout and "capex table: 3 of 3 commitments" in done.stdout


@pytest.mark.skipif(not (SHARED / "eval" / "score.py").exists(), reason="the project scorer is not beside the repo")
def test_same_figures_as_the_project_scorer(corpus):
    ours = json.loads(run("eval", corpus / "gold.jsonl", corpus / "out", "--json").stdout)
    theirs = subprocess.run([sys.executable, str(SHARED / "eval" / "score.py"), str(corpus / "gold.jsonl"),
                             str(corpus / "out"), "--json"], capture_output=True, text=True, check=True)
    del ours["capex_table"]  # ours alone: the consolidated table
    assert ours == json.loads(theirs.stdout)


def test_a_bad_gold_line_is_named(corpus, tmp_path):
    gold = tmp_path / "gold.jsonl"
    gold.write_text(json.dumps(GOLD[0], ensure_ascii=False) + "\n{\"doc\": \"a.txt\", \"type\": \"money\"}\n",
                    encoding="utf-8")
    done = run("eval", gold, corpus / "out")
    assert done.returncode == 2 and done.stdout == ""
    assert f"{gold}:2:" in done.stderr and "'start'" in done.stderr


def test_a_run_of_other_articles_is_said_so_not_scored_zero(corpus, tmp_path):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "other.txt").write_text("ソニーは2025年に100億円を投じる。", encoding="utf-8")
    assert run("extract", tmp_path / "in", "-o", tmp_path / "out").returncode == 0
    done = run("eval", corpus / "gold.jsonl", tmp_path / "out")
    assert done.returncode == 1 and done.stdout == ""
    assert done.stderr == (f"error: none of the 3 documents of {corpus / 'gold.jsonl'} is in {tmp_path / 'out'}: "
                           "was it extracted from these articles?\n")


def test_a_run_holding_some_of_the_gold_documents_warns_and_scores(corpus, tmp_path):
    assert run("extract", corpus / "in" / "k1.txt", "-o", tmp_path / "out", "--reference-date", "2025-03-01"
               ).returncode == 0
    done = run("eval", corpus / "gold.jsonl", tmp_path / "out", "--json")
    assert done.returncode == 0
    assert done.stderr.startswith("warning: 2 of the 3 documents of ")
    assert json.loads(done.stdout)["money"]["gold"] == sum(g["type"] == "money" for g in GOLD)


def test_out_must_be_a_folder_of_tables(corpus, tmp_path):
    done = run("eval", corpus / "gold.jsonl", tmp_path / "nothing")
    assert done.returncode == 2 and "not a folder of tables" in done.stderr


def test_commitments_merge_repeats_of_one_figure():
    repeated = [money("n2.txt", "800億円", 8e10, ["NTT"], [2025]), money("n2.txt", "800億円", 8e10, ["NTT"], [2025]),
                money("n1.txt", "800億円", 8e10, ["NTT"], [2024])]
    assert len(commitments(repeated)) == 2


def test_a_null_gold_year_wants_a_blank_period():
    g = {"entity": ["KDDI"], "metric": "capex", "qualifier": None, "year": None}
    assert attributes("money", g, {"entity": "KDDI", "metric": "capex", "period": ""})["year"]
    assert not attributes("money", g, {"entity": "KDDI", "metric": "capex", "period": "FY2027"})["year"]
    assert "year" not in attributes("money", {k: v for k, v in g.items() if k != "year"}, {"period": "2025"})


def test_names_and_years_compare_as_the_scorer_does():
    assert names("Google;Meta") == names(["meta platforms", "Alphabet"])
    assert year_of("FY2025-Q3") == 2025 and year_of("") is None


@pytest.mark.skipif(not (SHARED / "seeds").is_dir(), reason="the seed articles are not beside the repo")
def test_seeds_capex_table_has_one_row_per_gold_commitment(tmp_path):
    assert run("extract", SHARED / "seeds", "-o", tmp_path).returncode == 0
    r = json.loads(run("eval", SHARED / "gold" / "seeds.jsonl", tmp_path, "--json").stdout)
    table = r["capex_table"]
    assert table["commitments"] >= 17
    assert table["exactly_one_row"] == table["found"] == table["commitments"]


def test_the_bundled_sample_gold_scores_the_sample_corpus(tmp_path):
    """data/gold/samples.jsonl annotates one sample article by hand; the one error left is
    the known limit of a figure for unnamed parties taking the subject before it."""
    root = Path(__file__).resolve().parents[1]
    assert run("extract", root / "data" / "samples", "-o", tmp_path / "out").returncode == 0
    scores = json.loads(run("eval", root / "data" / "gold" / "samples.jsonl", tmp_path / "out", "--json").stdout)
    assert [scores[kind]["f1"] for kind in ("money", "gpu", "date")] == [1.0, 1.0, 1.0]
    assert scores["money"]["attributes"] == {"entity": 0.75, "metric": 1.0, "qualifier": 1.0, "year": 1.0}
    errors = run("eval", root / "data" / "gold" / "samples.jsonl", tmp_path / "out", "--errors").stdout
    assert [line.split(":")[0] for line in errors.splitlines() if line.startswith("[")] == ["[money] wrong entity"]
