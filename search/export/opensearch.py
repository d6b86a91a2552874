"""An archive moved to OpenSearch: index settings, mappings and the records as bulk NDJSON.

Written by ``manage.py export --opensearch DIR``; this text is the export's README.txt.

Files
-----
settings.json    the index's analysis: the body of PUT /<index>, which creates the index
mappings.json    the fields, the body of PUT /<index>/_mapping: text fields analysed as
                 kirinuki analyses them, every facet a keyword field (one per declaration
                 of search/facets.py), the date
bulk-NNNN.ndjson the records, an action line and a document line each, in files of a
                 bounded size (a pair is never split); POST each to _bulk in turn
kirinuki_names.dic  the user dictionary of data/names.tsv (MSDF ships' names in hiragana:
                 いずも, むらさめ), as kirinuki built it against sudachidict-core's system
                 dictionary; settings.json names it (``additional_settings``: userDict)
kirinuki_names.csv  its source, Sudachi's lexicon CSV, to build it again for another
                 system dictionary (Sudachi's UserDictionaryBuilder: -o kirinuki_names.dic
                 -s system_core.dic kirinuki_names.csv)

The analysis needs two plugins on every node: analysis-sudachi (the same SudachiPy
dictionary kirinuki uses; sudachidict-core) and analysis-icu, and kirinuki_names.dic
beside the system dictionary in config/sudachi/: without it いずも is read as 居る, as the
tokenizer reads it.

How kirinuki's analysis is expressed
------------------------------------
- Text is read as kirinuki reads it: NFKC with case folding first (``icu_normalizer``
  character filter, name ``nfkc_cf``; it also folds the CJK compatibility ideographs), then
  old kanji as new ones (a ``mapping`` character filter made from data/kyujitai.tsv), so
  讀賣 and 読売 are one word and offsets still point into the original text.
- Words are SudachiPy's mode-C units (``sudachi_tokenizer``, ``split_mode`` "C"); at index
  time the ``sudachi_split`` filter in mode "search" adds each compound's A units, as
  kirinuki indexes a compound's parts (防衛相 → 防衛, 相). The tokenizer's own
  ``discard_punctuation`` is off: the part-of-speech filter below does that work, by
  kirinuki's own tags.
- Particles, auxiliary verbs, punctuation and spaces are dropped by part of speech
  (``sudachi_part_of_speech`` with kirinuki's STOP_TAGS: 助詞, 助動詞, 補助記号, 空白).
- Each word becomes its normalized form (``sudachi_normalizedform``, which also lemmatises
  verbs and adjectives, so ``sudachi_baseform`` is not needed: the plugin's documentation says
  the two override each other), then lower case.
- Synonyms apply when searching only, as in kirinuki: one ``synonym_graph`` filter with the
  groups of data/synonyms.txt (a one-character abbreviation such as 米 stands for its
  group's longer words but is never searched as a character, as kirinuki does) and the
  English terms of data/english.tsv (joint exercise → 共同訓練, オスプレイ → Osprey), and a
  category of data/narrower.txt standing for itself and its kinds (輸送機 → C-130; kirinuki
  ranks the kinds lower, which a synonym filter cannot). One filter, since synonym graph
  filters cannot be chained.
- Countries, organisations and archives are the values kirinuki extracted when it built its
  index, read from the index (no record is analysed again): the plugin cannot find them.

What the plugin cannot express (searches will differ a little)
--------------------------------------------------------------
- kirinuki spells a noun one way whatever its context, and a noun that is a verb's stem as
  that verb (取組 and 取り組み, 見直し and 見直す are one word: search/text/analysis.py
  ``_noun_term``); Sudachi's normalized form follows the context. Latin words keep their
  letters in kirinuki (Japan stays japan), while the normalized form of a dictionary word may
  be katakana.
- kirinuki also indexes a compound's mode-B units (海上自衛隊 → 自衛隊); search mode emits
  C and A units only (海上, 自衛, 隊), and puts the parts at positions of their own where
  kirinuki puts them at the compound's, so phrases across compounds may match differently.
- Readings: a word typed in kana finding the kanji words that read so (きしだ → 岸田), and
  kana slips forgiven; the spelling of a kanji word character by character (海警 in
  中国海警局); corrections (もしかして); partial matches in kirinuki's two tiers; related
  articles; a full name searched by its family name. See search/export/dsl.py for what
  stands in for them in a query.
- Relevance: OpenSearch scores with BM25 per field, kirinuki with Whoosh's BM25F over the
  same fields and weights; the order of equal scores and of relevance in general differs.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from ..engine.results import to_record
from ..facets import FACETS
from ..index.schema import TITLE_BOOST, stored, stored_names
from ..index.store import READ_ERRORS, check_build, current_path, open_current
from ..query.compile import TEXT_FIELDS
from ..query.expansion import (
    english_names,
    english_table,
    narrower,
    narrower_table,
    synonym_groups,
    synonyms,
)
from ..query.places import is_abbreviation
from ..text.analysis import STOP_TAGS
from ..text.kana import nfkc
from ..text.sudachi import kyujitai_table, names_lexicon, user_dictionary

INDEX_NAME = "kirinuki"
# A bulk file's size: OpenSearch's http.max_content_length is 100 MB by default, and the
# documentation advises requests of a few megabytes to tens of megabytes.
MAX_FILE_BYTES = 50_000_000
INDEX_ANALYZER = "kirinuki_index"
SEARCH_ANALYZER = "kirinuki_search"
# The stored field holding the outlet as written, searched with the canonical outlet in the
# facet's text field (kirinuki's ``outlet`` field: a query 読売 finds 読売新聞)
OUTLET_AS_WRITTEN = "source_raw"


# -- settings --------------------------------------------------------------------------------


def settings() -> dict:
    """The index settings: kirinuki's analysis in the plugins' words (see the module)."""
    chars = ["kirinuki_width", "kirinuki_kyujitai"]
    return {
        "analysis": {
            "char_filter": {
                "kirinuki_width": {"type": "icu_normalizer", "name": "nfkc_cf"},
                "kirinuki_kyujitai": {"type": "mapping", "mappings": kyujitai_mappings()},
            },
            "tokenizer": {"kirinuki_sudachi": tokenizer_settings()},
            "filter": {
                "kirinuki_split": {"type": "sudachi_split", "mode": "search"},
                "kirinuki_stop": {"type": "sudachi_part_of_speech",
                                  "stoptags": [",".join(tag) for tag in STOP_TAGS]},
                "kirinuki_synonyms": {"type": "synonym_graph", "lenient": True,
                                      "synonyms": synonym_rules()},
            },
            "analyzer": {
                INDEX_ANALYZER: {
                    "type": "custom", "char_filter": chars, "tokenizer": "kirinuki_sudachi",
                    "filter": ["kirinuki_split", "kirinuki_stop", "sudachi_normalizedform",
                               "lowercase"]},
                SEARCH_ANALYZER: {
                    "type": "custom", "char_filter": chars, "tokenizer": "kirinuki_sudachi",
                    # the synonyms last, so that their words are analysed as the query's
                    "filter": ["kirinuki_stop", "sudachi_normalizedform", "lowercase",
                               "kirinuki_synonyms"]},
            },
        },
    }


# The user dictionary of data/names.tsv and its source, as an export writes them
NAMES_DICTIONARY = "kirinuki_names.dic"
NAMES_SOURCE = "kirinuki_names.csv"


def tokenizer_settings() -> dict:
    """Sudachi's mode C, its punctuation kept for the part-of-speech filter, and the names'
    user dictionary when data/names.tsv lists any (as kirinuki reads them)."""
    found: dict = {"type": "sudachi_tokenizer", "split_mode": "C", "discard_punctuation": False}
    if names_lexicon():
        found["additional_settings"] = json.dumps({"userDict": [NAMES_DICTIONARY]})
    return found


def kyujitai_mappings() -> list[str]:
    """kirinuki's old → new kanji (data/kyujitai.tsv) as ``mapping`` rules, each written as
    the character filter sees it: after NFKC, which already turns a compatibility ideograph
    into its canonical form (a rule is left out when that form is already the new one)."""
    rules: dict[str, str] = {}
    for old, new in kyujitai_table().items():
        seen = nfkc(chr(old))
        if seen != chr(new):
            rules.setdefault(seen, f"{seen} => {chr(new)}")
    return list(rules.values())


def synonym_rules() -> list[str]:
    """data/synonyms.txt, data/english.tsv and data/narrower.txt as Solr synonym rules, read
    by kirinuki's own readers (search/query/expansion.py), meaning what they mean there.

    A group of words is one equivalence rule (米国, アメリカ, …), without its one-character
    words: kirinuki never searches 米 as text (it is in 米価). Such a word stands for the
    group's other words (米 => 米国, アメリカ, …), and for itself too unless it is a place's
    abbreviation. An English term stands for itself and its Japanese words with their
    synonyms (kirinuki's translations); a katakana word of the English table also for its
    English originals (オスプレイ => オスプレイ, Osprey). A category of data/narrower.txt
    stands for itself and its kinds and instances (輸送機 => 輸送機, C-130), as kirinuki
    searches them, ranked lower there.
    """
    rules: list[str] = []
    for group in _groups():
        long = [w for w in group if len(w) > 1]
        if len(long) > 1:
            rules.append(", ".join(map(_escape, long)))
        for word in group:
            if len(word) == 1 and long:
                stands = long if is_abbreviation(word) else [word, *long]
                rules.append(f"{_escape(word)} => {', '.join(map(_escape, stands))}")
    for english, japanese in english_table().items():
        words = dict.fromkeys([*(w for j in japanese for w in synonyms(j)),
                               *(kind for j in japanese for kind in narrower(j))])
        rules.append(f"{_escape(english)} => "
                     f"{', '.join(map(_escape, dict.fromkeys([english, *words])))}")
    for word, originals in english_names().items():
        rules.append(f"{_escape(word)} => {', '.join(map(_escape, [word, *originals]))}")
    # a category also searches its kinds and instances (輸送機 => 輸送機, C-130 …), by any
    # of its synonyms; a word with rules above keeps them (rules of one word add up)
    categories = dict.fromkeys(w for key in narrower_table() for w in synonyms(key))
    for word in categories:
        rules.append(f"{_escape(word)} => "
                     f"{', '.join(map(_escape, dict.fromkeys([word, *narrower(word)])))}")
    return rules


def _groups() -> list[tuple[str, ...]]:
    """The groups of data/synonyms.txt once each, in the file's order: kirinuki keeps, for
    each word, the group it first appears in, with the word first."""
    seen: dict[frozenset[str], tuple[str, ...]] = {}
    for group in synonym_groups().values():
        seen.setdefault(frozenset(group), group)
    return list(seen.values())


def _escape(word: str) -> str:
    """A word as a Solr synonym rule writes it: a comma or a backslash escaped."""
    return word.replace("\\", "\\\\").replace(",", "\\,")


# -- mappings --------------------------------------------------------------------------------


def mappings() -> dict:
    """The fields: kirinuki's text fields analysed as above, each facet a keyword field from
    its declaration (with its codes beside it where it has them), the date, and the stored
    fields a result row shows. Strict: a document field not declared here is refused."""
    text = {"type": "text", "analyzer": INDEX_ANALYZER, "search_analyzer": SEARCH_ANALYZER}
    keyword = {"type": "keyword"}
    props: dict[str, dict] = {name: dict(text) for name, _ in TEXT_FIELDS}
    props.update({"id": keyword, "kind": keyword, "date": {"type": "date",
                                                              "format": "yyyy-MM-dd"},
                  "time": keyword, "via_yahoo": {"type": "boolean"}, "lang": keyword,
                  "section": keyword, "file": keyword,
                  OUTLET_AS_WRITTEN: {**keyword, "copy_to": outlet_field()}})
    for facet in FACETS:
        props[facet.field] = {**keyword, "copy_to": facet.text_field} if facet.text_field \
            else keyword
        if facet.codes:
            props[f"{facet.key}_codes"] = keyword
    return {"dynamic": "strict", "properties": dict(sorted(props.items()))}


def outlet_field() -> str:
    """The text field holding the outlet's names (the source facet's ``text_field``)."""
    return next(f.text_field for f in FACETS if f.text_field)


def field_boosts() -> list[str]:
    """The text fields a word searches, with kirinuki's weights (the title's boost, which
    kirinuki keeps in its schema, included): ``title^2.0``, ``body``, ``notes^0.5`` …"""
    out = []
    for name, weight in TEXT_FIELDS:
        weight *= TITLE_BOOST if name == "title" else 1.0
        out.append(name if weight == 1.0 else f"{name}^{weight}")
    return out


# -- documents -------------------------------------------------------------------------------


def document(fields: dict) -> dict:
    """One OpenSearch document from a document's stored fields, as the index keeps them: the
    stored record (a facet of several values as a list), then what the declarations derive
    from it (the year and month of the date, the countries' codes). The text fields a record
    leaves empty are kept, as ``null`` or "", so a record reads back as it was stored."""
    found = stored(fields)
    doc = {name: found[name] for name in stored_names()}
    record = to_record(found)
    for facet in FACETS:
        values = facet.values_of(record)
        if facet.multi:
            doc[facet.field] = values
        elif facet.field not in doc:
            doc[facet.field] = values[0] if values else None
        if facet.codes:
            doc[f"{facet.key}_codes"] = facet.call("codes", values)
    return doc


def documents(searcher) -> Iterator[dict]:
    """Every live document of ``searcher``, one at a time (memory stays flat)."""
    for fields in searcher.all_stored_fields():
        yield document(fields)


def bulk_lines(doc: dict, index: str) -> bytes:
    """The action line and the document line of one record, as _bulk reads them."""
    action = {"index": {"_index": index, "_id": doc["id"]}}
    return (json.dumps(action, ensure_ascii=False) + "\n"
            + json.dumps(doc, ensure_ascii=False) + "\n").encode("utf-8")


def stored_again(doc: dict) -> dict:
    """The stored record a document was made from (``stored`` minus the marks): the test
    that an export loses nothing reads each document back with this."""
    multi = {f.field for f in FACETS if f.multi}
    return {name: ",".join(doc[name]) if name in multi else doc[name]
            for name in stored_names()}


# -- the export ------------------------------------------------------------------------------


@dataclass
class Exported:
    """What an export wrote."""

    folder: Path
    records: int = 0
    files: list[Path] = field(default_factory=list)
    bytes: int = 0  # of the bulk files
    seconds: float = 0.0

    def summary(self) -> str:
        return (f"{self.records} records in {len(self.files)} bulk file(s), "
                f"{self.bytes / 1_000_000:.1f} MB, in {self.seconds:.1f} s → {self.folder}")


def export(out: str | os.PathLike, root: str | os.PathLike | None = None,
           index: str = INDEX_NAME, max_bytes: int = MAX_FILE_BYTES) -> Exported:
    """Write settings.json, mappings.json, README.txt and the bulk files into ``out``, from
    the index at ``root`` (the one kirinuki serves), reading one record at a time.

    A bulk file holds whole action and document pairs and at most ``max_bytes`` bytes; a
    single pair larger than that gets a file of its own (a record is never split). Files a
    previous export left in ``out`` are removed first, so the folder is one export.
    """
    if max_bytes < 1:
        raise ValueError("the bulk files' size must be at least one byte")
    started = time.perf_counter()
    ix = open_current(root)  # a missing or stale index is said before anything is written
    try:
        return _export(ix, Path(out), root, index, max_bytes, started)
    finally:
        ix.close()


def _export(ix, folder: Path, root: str | os.PathLike | None, index: str, max_bytes: int,
            started: float) -> Exported:
    """``export`` into ``folder`` from the opened index ``ix``."""
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("bulk-*.ndjson"):
        old.unlink()
    # the bodies of PUT /<index> and PUT /<index>/_mapping, as the README's commands send them
    for name, body in (("settings.json", {"settings": settings()}),
                       ("mappings.json", mappings())):
        (folder / name).write_text(json.dumps(body, ensure_ascii=False, indent=2) + "\n",
                                   encoding="utf-8")
    (folder / "README.txt").write_text(__doc__, encoding="utf-8")
    _write_names(folder)
    done = Exported(folder)
    try:
        with ix.searcher() as searcher:
            _write_bulk(documents(searcher), folder, index, max_bytes, done)
    except READ_ERRORS:
        path = current_path(root)
        if path is not None:
            check_build(path)  # changed under the export: say so; intact: a bug, raise it
        raise
    done.seconds = time.perf_counter() - started
    return done


def _write_names(folder: Path) -> None:
    """The names' user dictionary, as kirinuki built it, and its source; neither when
    data/names.tsv lists no word (and none an earlier export left)."""
    lexicon = names_lexicon()
    built = user_dictionary() if lexicon else None
    for name in (NAMES_DICTIONARY, NAMES_SOURCE):
        (folder / name).unlink(missing_ok=True)
    if built is not None:
        shutil.copyfile(built, folder / NAMES_DICTIONARY)
        (folder / NAMES_SOURCE).write_text(lexicon, encoding="utf-8")


def _write_bulk(docs: Iterator[dict], folder: Path, index: str, max_bytes: int,
                done: Exported) -> None:
    out = None
    size = 0
    try:
        for doc in docs:
            pair = bulk_lines(doc, index)
            if out is None or size + len(pair) > max_bytes:  # never an empty file
                if out is not None:
                    out.close()
                path = folder / f"bulk-{len(done.files) + 1:04d}.ndjson"
                done.files.append(path)
                out = path.open("wb")
                size = 0
            out.write(pair)
            size += len(pair)
            done.bytes += len(pair)
            done.records += 1
    finally:
        if out is not None:
            out.close()


def read_bulk(files: list[Path]) -> Iterator[tuple[dict, dict]]:
    """(action, document) of each pair of bulk files, in order: for checking an export."""
    for path in files:
        with path.open(encoding="utf-8") as fh:
            for action in fh:
                yield json.loads(action), json.loads(next(fh))

