"""The README's example of adding one's own clippings, followed as a reader would."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
EXAMPLE = re.compile(r"<!-- example: (\S+) -->\n```\w+\n(.*?)```", re.S)


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, capture_output=True,
                          text=True, encoding="utf-8", timeout=300)


def examples() -> list[tuple[str, str]]:
    return EXAMPLE.findall((ROOT / "README.md").read_text(encoding="utf-8"))


def test_both_halves_show_the_same_example():
    found = examples()
    assert [name for name, _ in found] == ["my-clippings.txt", "manifest.toml"] * 2
    assert found[:2] == found[2:]


def test_the_example_checks_clean_updates_and_is_found(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for name, text in examples()[:2]:
        (corpus / name).write_text(text, encoding="utf-8")
    done = run("check", str(corpus))
    assert done.returncode == 0, done.stderr
    assert done.stdout == (
        "my-clippings.txt [clippings, 自分の切り抜き]: 12 lines = 10 in records + 2 page "
        "furniture + 0 in warnings; 2 records, 2 ids, 0 duplicated within the file, "
        "0 warnings\ntotal: 2 records (0 in more than one archive)\n")
    folders = ("--corpus", str(corpus), "--index", str(tmp_path / "index"))
    done = run(*folders, "update")
    assert done.returncode == 0, done.stderr
    done = run(*folders, "search", "共同訓練", "--collection", "自分の切り抜き", "--json")
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert [(h["id"], h["date"], h["time"], h["source"], h["countries"], h["collections"])
            for h in result["results"]] == [
        ("2601-011501", "2026-01-15", "18:30", "共同通信", ["オーストラリア"], ["自分の切り抜き"])]
    done = run(*folders, "search", "--source", "読売新聞", "--json")
    (hit,) = json.loads(done.stdout)["results"]
    assert (hit["id"], hit["date"], hit["time"], hit["countries"]) == (
        "2601-010902", "2026-01-09", None, ["フィリピン"])
