"""Reindex, update and stats on a real on-disk index of the bundled corpus."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import pytest
from whoosh import index as whoosh_index

import manage
from search import indexer
from search.config import DEFAULT_CORPUS
from search.engine import Engine, SearchRequest
from search.indexer import IndexLockedError, current_path, reindex, update
from search.stats import index_stats

QUERIES = ["防衛装備品", "イタリア 空母", "NATO", "サイバー防衛", "country:フィリピン",
           "date:2018", ""]


@pytest.fixture()
def corpus_copy(tmp_path):
    folder = tmp_path / "corpus"
    shutil.copytree(DEFAULT_CORPUS, folder)
    return folder


def stored_docs(root) -> dict[str, dict]:
    with whoosh_index.open_dir(str(current_path(root))).searcher() as s:
        return {f["id"]: f for f in s.all_stored_fields()}


def ranked(root, q: str) -> list[str]:
    engine = Engine(root)
    try:
        return [h.id for h in engine.search(SearchRequest(q=q, page_size=100)).results]
    finally:
        engine.close()


def test_reindex_and_stats(tmp_path, capsys):
    stats = reindex(tmp_path / "ix")
    assert (stats.mode, stats.records) == ("rebuild", 384)
    assert stats.size_bytes > 0 and stats.seconds > 0
    st = index_stats(tmp_path / "ix")
    assert st.documents == 384
    assert st.by_kind == {"clipping": 232, "passage": 151, "article": 1}
    assert st.by_collection == {"その他諸国": 164, "防衛白書 2025": 151, "欧州": 49,
                                "日米 2025": 39, "防衛省ニュース": 1}
    assert st.by_year["2025"] > 0 and sum(st.by_year.values()) == 384
    assert len(st.corpus_hash) == 64
    assert manage.main(["--index", str(tmp_path / "ix"), "stats"]) == 0
    out = capsys.readouterr().out
    assert "documents: 384" in out and "by outlet:" in out


def test_update_equals_a_full_rebuild(tmp_path, corpus_copy):
    root_a, root_b = tmp_path / "a", tmp_path / "b"
    reindex(root_a, corpus_copy)
    # one file changed, one added, one removed
    europe = corpus_copy / "clippings-other-europe.txt"
    europe.write_text(europe.read_text(encoding="utf-8").replace(
        "デンマークのフリースマスン駐日大使", "デンマークの駐日大使"), encoding="utf-8")
    (corpus_copy / "mod-news-2024-10-22-nato.txt").unlink()
    (corpus_copy / "extra.txt").write_text(
        "追加の報道\n\n2025.08.01\n 10:00\n共同通信\n\n(Yahoo)\n\n"
        "日比が新たな防衛協定 <2509-080101>\n 日比両政府が1日、新たな協定に署名した。\n",
        encoding="utf-8")
    stats = update(root_a, corpus_copy)
    assert (stats.mode, stats.added, stats.replaced, stats.removed) == ("update", 1, 1, 1)
    reindex(root_b, corpus_copy)
    assert stored_docs(root_a) == stored_docs(root_b)
    for q in QUERIES + ["日比"]:
        assert ranked(root_a, q) == ranked(root_b, q), q
    assert update(root_a, corpus_copy).mode == "unchanged"


def test_failed_build_leaves_the_old_index(tmp_path, monkeypatch):
    root = tmp_path / "ix"
    reindex(root)
    before = current_path(root)
    calls = {"n": 0}
    real = indexer._document

    def failing(rec):
        calls["n"] += 1
        if calls["n"] == 100:
            raise OSError(28, "No space left on device")
        return real(rec)

    monkeypatch.setattr(indexer, "_document", failing)
    with pytest.raises(indexer.IndexProblem, match="disk is full"):
        reindex(root)
    assert current_path(root) == before
    assert not list((root / "builds").glob("*.partial"))
    assert not (root / ".lock").exists()
    assert len(ranked(root, "NATO")) > 0

    def interrupt(done, total):
        if done == 50:
            raise KeyboardInterrupt
    monkeypatch.setattr(indexer, "_document", real)
    with pytest.raises(KeyboardInterrupt):
        reindex(root, progress=interrupt)
    assert current_path(root) == before
    assert not list((root / "builds").glob("*.partial"))


def test_lock(tmp_path):
    root = tmp_path / "ix"
    root.mkdir()
    (root / ".lock").write_text(str(__import__("os").getpid()))
    with pytest.raises(IndexLockedError, match="another build"):
        reindex(root)
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)
    (root / ".lock").write_text(gone.stdout.strip())  # its process has exited: stale
    assert reindex(root).records == 384
    assert not (root / ".lock").exists()


def test_meta_records_what_went_in(tmp_path):
    reindex(tmp_path / "ix")
    meta = json.loads((current_path(tmp_path / "ix") / "kirinuki.json").read_text())
    assert len(meta["records"]) == 384
    assert "corpus/clippings-japan-us-2025.txt" in meta["inputs"]
    assert "data/outlets.toml" in meta["inputs"]
