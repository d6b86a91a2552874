"""The bundled corpus's index exported for OpenSearch (``manage.py export --opensearch``), and
the DSL's facet counts checked against kirinuki's own, with no server.

Every record appears in the bulk files exactly once, as the index stores it (with the
countries and organisations kirinuki extracted when it loaded the corpus); the files keep
to their size; two records read exactly as written by hand from the corpus
(tests/data/opensearch/bulk-sample.ndjson). Then the filters and aggregations of
``translate`` are evaluated over the exported documents by a small evaluator of the DSL
they use (bool, term, terms, range, match_all; terms and date_histogram aggregations) and
compared with ``Engine.search``'s totals and facets, for requests with selections in two
facets.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from search.corpus.loading import load_corpus
from search.engine import Engine, SearchRequest
from search.export.dsl import translate
from search.export.opensearch import export, mappings, read_bulk, stored_again
from search.facets import FACETS
from search.index.schema import stored
from search.index.store import open_current
from search.text.sudachi import read_names, user_dictionary

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "tests" / "data" / "opensearch" / "bulk-sample.ndjson"


@pytest.fixture(scope="module")
def exported(session_index, tmp_path_factory):
    return export(tmp_path_factory.mktemp("opensearch"), session_index)


@pytest.fixture(scope="module")
def docs(exported) -> list[dict]:
    return [doc for _, doc in read_bulk(exported.files)]


# -- the export ------------------------------------------------------------------------------


def test_every_record_appears_once_as_the_index_stores_it(session_index, exported):
    ix = open_current(session_index)
    with ix.searcher() as searcher:
        kept = {}
        for fields in searcher.all_stored_fields():
            record = stored(fields)
            del record["marks"]  # kirinuki's highlighting cache, not the record
            kept[record["id"]] = record
    pairs = list(read_bulk(exported.files))
    ids = [doc["id"] for _, doc in pairs]
    assert len(ids) == len(set(ids)) == len(kept) == exported.records == 384
    assert set(ids) == set(kept)
    for action, doc in pairs:
        assert action == {"index": {"_index": "kirinuki", "_id": doc["id"]}}
        assert stored_again(doc) == kept[doc["id"]]
        # what the declarations derive, and nothing the mapping does not declare
        assert doc["year"] == (doc["date"][:4] if doc["date"] else None)
        assert doc["month"] == (doc["date"][:7] if doc["date"] else None)
        assert len(doc["country_codes"]) == len(doc["countries"])
        assert set(doc) <= set(mappings()["properties"])


def test_countries_and_organisations_are_the_ones_kirinuki_extracted(docs):
    by_id = {doc["id"]: doc for doc in docs}
    corpus = load_corpus()
    assert set(by_id) == {rec.id for rec in corpus.records}
    for rec in corpus.records:
        doc = by_id[rec.id]
        assert doc["countries"] == rec.facets.get("country", [])
        assert doc["organizations"] == rec.facets.get("organization", [])
        assert (doc["source"], doc["collections"], doc["date"], doc["title"]) == (
            rec.source, rec.collections, rec.date, rec.title)
    assert sum(bool(doc["countries"]) for doc in docs) > 300


def test_two_records_read_as_written_by_hand(exported):
    lines = b"".join(path.read_bytes() for path in exported.files).decode("utf-8")
    for action, document in zip(*[iter(SAMPLE.read_text(encoding="utf-8").splitlines())] * 2,
                                strict=True):
        assert f"{action}\n{document}\n" in lines


def test_the_export_folder_holds_what_a_cluster_needs(exported):
    names = sorted(p.name for p in exported.folder.iterdir())
    assert names == ["README.txt", "bulk-0001.ndjson", "kirinuki_names.csv",
                     "kirinuki_names.dic", "mappings.json", "settings.json"]
    # the names' dictionary kirinuki reads with, and its source, one line a word of
    # data/names.tsv; the settings name it
    assert (exported.folder / "kirinuki_names.dic").read_bytes() == \
        user_dictionary().read_bytes()
    source = (exported.folder / "kirinuki_names.csv").read_text(encoding="utf-8")
    assert source.splitlines()[0].split(",")[:2] == [read_names()[0], "4786"]
    assert len(source.splitlines()) == len(read_names()) == 70
    settings_json = json.loads((exported.folder / "settings.json").read_text(encoding="utf-8"))
    tokenizer = settings_json["settings"]["analysis"]["tokenizer"]["kirinuki_sudachi"]
    assert json.loads(tokenizer["additional_settings"]) == {"userDict": ["kirinuki_names.dic"]}
    assert json.loads((exported.folder / "mappings.json").read_text(encoding="utf-8")) == \
        mappings()
    readme = (exported.folder / "README.txt").read_text(encoding="utf-8")
    assert "What the plugin cannot express" in readme and "_noun_term" in readme


def test_the_names_dictionary_is_built_again_by_sudachi_from_its_source(exported, tmp_path):
    # what a cluster would do with another system dictionary: the CSV builds a dictionary
    # that reads いずも whole, as kirinuki does
    from sudachipy import Config, Dictionary, SplitMode
    from sudachipy.sudachipy import build_user_dic

    from search.text.sudachi import _system_dictionary

    rebuilt = tmp_path / "rebuilt.dic"
    build_user_dic(_system_dictionary(), [exported.folder / "kirinuki_names.csv"], rebuilt)
    for dic in (rebuilt, exported.folder / "kirinuki_names.dic"):
        tok = Dictionary(config=Config(user=[str(dic)])).tokenizer(SplitMode.C)
        assert "いずも" in [m.surface() for m in tok.tokenize("護衛艦いずもが寄港")]
    plain = Dictionary().tokenizer(SplitMode.C)  # without it: 居る
    assert "いずも" not in [m.surface() for m in plain.tokenize("護衛艦いずもが寄港")]


def test_without_names_an_export_has_no_dictionary(session_index, tmp_path, monkeypatch):
    from search.export import opensearch

    monkeypatch.setattr(opensearch, "names_lexicon", lambda: "")
    out = tmp_path / "out"
    out.mkdir()
    (out / "kirinuki_names.dic").write_bytes(b"an earlier export's")
    opensearch.export(out, session_index)
    assert not (out / "kirinuki_names.dic").exists() and not (out / "kirinuki_names.csv").exists()
    assert "additional_settings" not in opensearch.tokenizer_settings()


def test_bulk_files_keep_to_their_size_and_never_split_a_record(session_index, exported,
                                                                 tmp_path):
    whole = exported.files[0].read_bytes()
    small = export(tmp_path / "small", session_index, max_bytes=40_000)
    sizes = [p.stat().st_size for p in small.files]
    assert len(small.files) > 10 and max(sizes) <= 40_000
    assert [p.name for p in small.files][:2] == ["bulk-0001.ndjson", "bulk-0002.ndjson"]
    for path in small.files:
        lines = path.read_bytes().splitlines()
        assert len(lines) % 2 == 0
        assert all(json.loads(a)["index"]["_id"] == json.loads(d)["id"]
                   for a, d in zip(lines[::2], lines[1::2], strict=True))
        # full: the next record would not have fitted
    for path, after in zip(small.files, small.files[1:], strict=False):
        first = after.read_bytes().split(b"\n", 2)
        assert path.stat().st_size + len(first[0]) + len(first[1]) + 2 > 40_000
    assert b"".join(p.read_bytes() for p in small.files) == whole
    assert small.bytes == len(whole)


def test_a_record_larger_than_the_bound_has_a_file_of_its_own(session_index, tmp_path):
    done = export(tmp_path / "tiny", session_index, max_bytes=100)
    assert len(done.files) == done.records == 384
    assert all(len(p.read_bytes().splitlines()) == 2 for p in done.files)


def test_a_second_export_replaces_the_first(session_index, tmp_path):
    export(tmp_path / "out", session_index, max_bytes=40_000)
    again = export(tmp_path / "out", session_index)
    assert sorted(p.name for p in (tmp_path / "out").glob("bulk-*")) == ["bulk-0001.ndjson"]
    assert again.records == 384


def test_the_command_line(session_index, tmp_path):
    out = tmp_path / "cli"
    done = subprocess.run(
        [sys.executable, "manage.py", "--index", str(session_index), "export",
         "--opensearch", str(out), "--max-mb", "0.2"],
        cwd=ROOT, capture_output=True, text=True, encoding="utf-8", timeout=120)
    assert done.returncode == 0, done.stderr
    assert re.fullmatch(r"384 records in 3 bulk file\(s\), 0\.5 MB, in \d+\.\d s → "
                        + re.escape(str(out)) + "\n", done.stdout)
    assert all(p.stat().st_size <= 200_000 for p in out.glob("bulk-*.ndjson"))


def test_a_missing_or_stale_index_is_said_before_anything_is_written(tmp_path, capsys):
    import manage

    assert manage.main(["--index", str(tmp_path / "none"), "export", "--opensearch",
                        str(tmp_path / "out")]) == 2
    assert capsys.readouterr().err.startswith(f"error: no index in {tmp_path / 'none'}")
    assert not (tmp_path / "out").exists()


def test_the_command_line_refuses_files_and_a_size_of_nothing(session_index, tmp_path,
                                                              capsys):
    import manage

    for extra in (["data/corpus"], ["--max-mb", "0"]):
        assert manage.main(["--index", str(session_index), "export", "--opensearch",
                            str(tmp_path), *extra]) == 2
        out, err = capsys.readouterr()
        assert out == ""
        assert err == ("error: --opensearch exports the index (--index), not files: give no "
                       "paths\n" if extra[0] == "data/corpus"
                       else "error: --max-mb must be more than 0\n")
    assert list(tmp_path.iterdir()) == []


# -- the DSL's counts against kirinuki's ------------------------------------------------------


def values(doc: dict, field: str) -> list:
    found = doc.get(field)
    return found if isinstance(found, list) else [] if found is None else [found]


def matches(query: dict, doc: dict) -> bool:
    """Whether ``doc`` matches ``query``, for the DSL of filters: anything else (a text
    match, which needs the analyzer) raises, so no count here rests on a guess."""
    (kind, spec), = query.items()
    if kind == "match_all":
        return True
    if kind == "match_none":
        return False
    if kind == "term":
        (field, value), = spec.items()
        return value in values(doc, field)
    if kind == "terms":
        (field, wanted), = spec.items()
        return bool(set(wanted) & set(values(doc, field)))
    if kind == "range":
        (field, bounds), = spec.items()
        if doc.get(field) is None:
            return False
        return all({"gte": doc[field] >= v, "lte": doc[field] <= v}[op]
                   for op, v in bounds.items())
    if kind == "bool":
        if not all(matches(q, doc) for q in spec.get("must", []) + spec.get("filter", [])):
            return False
        if any(matches(q, doc) for q in spec.get("must_not", [])):
            return False
        should = spec.get("should", [])
        # a should is optional beside a must or a filter (OpenSearch's default)
        needed = spec.get("minimum_should_match",
                          0 if spec.get("must") or spec.get("filter") else 1 if should else 0)
        return not needed or sum(matches(q, doc) for q in should) >= needed
    raise NotImplementedError(kind)


def buckets(terms: dict, docs: list[dict]) -> list[tuple[str, int]]:
    """A terms aggregation: counts, ordered, cut to its size (``include``: a prefix, or a
    list with ``min_doc_count`` 0)."""
    include = terms.get("include")
    counted = Counter(v for d in docs for v in set(values(d, terms["field"])))
    if isinstance(include, list):
        return [(v, counted[v]) for v in include]
    if include is not None:
        assert include.endswith(".*") and not re.search(r"[^\w-]", include[:-2])
        counted = Counter({v: n for v, n in counted.items() if v.startswith(include[:-2])})
    return ordered(list(counted.items()), terms["order"])[:terms["size"]]


def ordered(rows: list[tuple[str, int]], order: list[dict]) -> list[tuple[str, int]]:
    """Rows in a terms aggregation's ``order`` (``_count``, then ``_key``)."""
    for rule in reversed(order):
        (key, direction), = rule.items()
        rows = sorted(rows, key=lambda r: r[1] if key == "_count" else r[0],
                      reverse=direction == "desc")
    return rows


def evaluate(body: dict, docs: list[dict]) -> tuple[int, dict[str, list[tuple[str, int]]],
                                                     Counter]:
    """The total, each facet's values as a client lists them (the buckets and any chosen
    value they lack, in the facet's order) and the year chart, from the DSL alone."""
    base = [d for d in docs if matches(body["query"], d)]
    total = sum(matches(body.get("post_filter", {"match_all": {}}), d) for d in base)
    facets = {}
    chart: Counter = Counter()
    for key, agg in body["aggs"].items():
        within = [d for d in base if matches(agg["filter"], d)]
        rows = buckets(agg["aggs"]["values"]["terms"], within)
        if "chosen" in agg["aggs"]:  # a chosen value the buckets lack, in its place
            shown = {v for v, _ in rows}
            rows = ordered(rows + [r for r in buckets(agg["aggs"]["chosen"]["terms"], within)
                                   if r[0] not in shown], agg["aggs"]["values"]["terms"]["order"])
        facets[key] = rows
        if "chart" in agg["aggs"]:
            hist = agg["aggs"]["chart"]["date_histogram"]
            assert (hist["field"], hist["calendar_interval"]) == ("date", "year")
            chart = Counter(d["date"][:4] for d in within if d["date"])
    return total, facets, chart


REQUESTS = [
    SearchRequest(selected={"country": ["米国", "オーストラリア"], "source": ["読売新聞"]}),
    SearchRequest(selected={"country": ["米国", "オーストラリア"], "collection": ["日米 2025"]},
                  match_all=["country"]),
    SearchRequest(selected={"year": ["2025"], "organization": ["NATO"]}),
    SearchRequest(selected={"country": ["フィリピン", "中国"], "source": ["共同通信", "時事通信"]},
                  date_from="2024-06", date_to="令和7年3月"),
    SearchRequest(q="country:米国 date:2025", selected={"source": ["共同通信"],
                                                       "organization": ["NATO"]}),
    SearchRequest(q="-country:中国 collection:その他諸国",
                  selected={"country": ["ウクライナ", "ロシア"], "year": ["2024", "2025"]}),
    SearchRequest(selected={"country": ["比"], "source": ["讀賣"]}, all_values=["country"]),
]


@pytest.fixture(scope="module")
def engine(session_index):
    with Engine(session_index) as found:
        yield found


@pytest.mark.parametrize("req", REQUESTS, ids=range(len(REQUESTS)))
def test_the_dsls_counts_are_kirinukis(req, docs, engine):
    body = translate(req)
    total, facets, chart = evaluate(body, docs)
    result = engine.search(req)
    assert total == result.total and total > 0
    assert facets == {key: [(v.value, v.count) for v in found]
                      for key, found in result.facets.items()}
    assert list(facets) == [f.key for f in FACETS if f.key in result.facets]
    # the chart's bars: the years with articles (a chosen year without any has none)
    assert chart == {v.value: v.count for v in result.facets["year"] if v.count}
    # the selections narrow the result (the post_filter is what makes the total)
    everything, _, _ = evaluate({**body, "post_filter": {"match_all": {}}}, docs)
    assert everything > total


# -- the README's commands --------------------------------------------------------------------


def readme_commands(heading: str) -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split(f"\n## {heading}\n", 1)[1].split("\n## ", 1)[0].split("\n# ", 1)[0]
    return re.findall(r"```sh\n(.*?)```", section, re.S)


def test_the_readmes_commands_are_the_same_in_both_halves_and_run(exported, capsys):
    import shlex

    import manage

    english = readme_commands("Beyond one machine")
    assert readme_commands("1 台の機械を超えるとき(OpenSearch へ)") == english
    load, query = english
    # the files the commands send are the ones an export writes
    assert re.findall(r'@"?(export/[\w.-]+|\$f)', load) == [
        "export/settings.json", "export/mappings.json", "$f"]
    assert "for f in export/bulk-*.ndjson" in load
    assert {p.name for p in exported.folder.glob("bulk-*.ndjson")} == {"bulk-0001.ndjson"}
    assert (exported.folder / "settings.json").exists()
    line = query.splitlines()[0]
    assert line.startswith("python manage.py ") and line.endswith(" > body.json")
    args = shlex.split(line.removeprefix("python manage.py ").removesuffix(" > body.json"))
    assert manage.main(args) == 0
    body = json.loads(capsys.readouterr().out)
    assert body["post_filter"] == {"bool": {"filter": [
        {"range": {"date": {"gte": "2024-01-01"}}}, {"terms": {"countries": ["フィリピン"]}}]}}
    assert body["query"]["bool"]["must_not"][0]["bool"]["should"][1] == {
        "term": {"countries": "中国"}}
