"""A few records written into a real on-disk Whoosh index, by kirinuki's own writer.

For the unit tests of the index's readers (columns, posting lists) and of the engine's
matching: each test builds its own in ``tmp_path`` (a few hundredths of a second), segment
by segment, so that document numbers, segment bases and deletions are known exactly.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.codec.whoosh3 import W3Codec

from search.corpus.clippings import NO_KEY, article_key
from search.corpus.records import Record
from search.index import store
from search.index.codec.read import PostingReader
from search.index.schema import SCHEMA_VERSION, build_schema, new_writer, to_document


def record(rid: str, date: str | None = None, title: str = "", body: str = "",
           source: str = "読売新聞", countries: tuple[str, ...] = (),
           organizations: tuple[str, ...] = (), collections: tuple[str, ...] = ("A",),
           notes: tuple[str, ...] = ()) -> Record:
    return Record(id=rid, kind="clipping", title=title, summary=body, date=date,
                  time="10:00" if date else None, source=source, source_raw=source,
                  collections=list(collections), notes=list(notes),
                  facets={"country": list(countries), "organization": list(organizations)})


def build(folder: Path, segments: list[list[Record]], deleted: tuple[str, ...] = ()):
    """An index of ``segments`` (one commit each, never merged), then ``deleted`` ids
    deleted; documents are numbered in the order given."""
    ix = whoosh_index.create_in(str(folder), build_schema())
    for records in segments:
        writer = new_writer(ix)
        for rec in records:
            writer.add_document(**to_document(rec, []))
        writer.commit(merge=False)
    if deleted:
        writer = new_writer(ix)
        for rid in deleted:
            writer.delete_by_term("id", rid)
        writer.commit(merge=False)
    return ix


def served(tmp_path: Path, segments: list[list[Record]]) -> tuple[Path, Path]:
    """An index root as the engine opens it (``builds/b1`` with its meta, ``current``
    pointing at it) holding ``segments``: the root, and the build's resolved path."""
    root = tmp_path / "root"
    path = root / "builds" / "b1"
    path.mkdir(parents=True)
    build(path, segments)
    meta = {"schema_version": SCHEMA_VERSION, "checksums": store.checksums(path),
            "built_at": "2026-12-06T10:00:00", "corpus_hash": "abc123"}
    (path / store.META).write_text(json.dumps(meta), encoding="utf-8")
    (root / "current").symlink_to(path.relative_to(root))
    return root, path.resolve()


def archive(articles, label: str = "小さな切り抜き") -> str:
    """A clipping archive of ``articles`` (id, date as written, outlet, title, text), in
    the bundled archives' layout and headed by ``label`` (what its records' collection is
    called), for tests that build through kirinuki's reindex."""
    return f"{label}\n\n" + "".join(f"{date}\n 10:00\n{outlet}\n\n{title} <{rid}>\n {text}\n"
                                   for rid, date, outlet, title, text in articles)


def archive_keys(text: str, clean: list[bool] | None = None) -> str:
    """The article keys (hex, in file order) the meta keeps for ``archive``'s ``text``:
    each article's six lines hashed, NO_KEY's zeros where ``clean`` says it gave an issue."""
    lines = text.split("\n")[:-1]
    starts = range(2, len(lines), 6)
    clean = clean or [True] * len(starts)
    return "".join(article_key(lines, s, s + 6).hex() if ok else NO_KEY.hex()
                   for s, ok in zip(starts, clean, strict=True))


class Opened:
    """A searcher of an index and its posting reader, closed together."""

    def __init__(self, folder: Path, ix) -> None:
        self.searcher = ix.searcher()
        try:
            self.postings = PostingReader(folder, list(self.searcher.reader().leaf_readers()))
        except BaseException:  # (mutmut's forced failure too) no file left open
            self.searcher.close()
            raise

    def close(self) -> None:
        self.postings.close()
        self.searcher.close()


class WhooshCodec(W3Codec):
    """kirinuki's codec settings with Whoosh's own postings writer: the segments kirinuki's
    writer is compared with (``segment_contents``)."""

    length_stats = False

    def __init__(self) -> None:
        super().__init__(compression=1)


def segment_contents(folder: Path, ix) -> dict:
    """What the index's (one) segment holds, to compare with a segment Whoosh's own writer
    made: each file, name (without the segment id) -> sha1, but for the postings and the
    terms, whose blocks kirinuki writes its own way (``codec.blocks``) and whose entries
    say where each list starts: for those, ``"terms"``, every term's statistics and its
    postings as Whoosh's matchers read them (document, weight, value)."""
    (segment,) = ix._segments()
    files = sorted(folder.glob(f"*{segment.segid}*"))
    found: dict = {f.name.replace(segment.segid, "SEG"): hashlib.sha1(f.read_bytes()).hexdigest()
                   for f in files if f.suffix not in (".pst", ".trm")}
    found[".pst"] = found[".trm"] = "see terms"
    terms = found["terms"] = {}
    with ix.reader() as reader:
        for fieldname, tbytes in reader.all_terms():
            info = reader.term_info(fieldname, tbytes)
            m = reader.postings(fieldname, tbytes)
            postings = []
            while m.is_active():
                postings.append((m.id(), m.weight(), m.value()))
                m.next()
            terms[fieldname, tbytes] = (
                (info.weight(), info.doc_frequency(), info.min_length(), info.max_length(),
                 info.max_weight(), info.min_id(), info.max_id()), postings)
    return found
