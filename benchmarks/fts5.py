"""SQLite FTS5 over kirinuki's own Sudachi tokens: the yardstick of benchmarks/scale.py.

    python benchmarks/fts5.py build CORPUS DB     # prints the build's timings as JSON

The build does the work ``manage.py reindex`` does, in one process: parse the corpus, find
each record's countries (``search.countries.annotate``), analyse title, summary, notes and
outlet names with kirinuki's analyzer (``search.analysis.japanese_analyzer``, the index
mode: mode-C words plus the mode-B/A parts of compounds) and store them. FTS5 cannot put two
tokens at one position from Python, so every text field is two columns: the words (whose
positions are what a phrase needs) and the parts of compounds (``*_sub``); a word query
matches either. Tokens are written space-separated and read back by FTS5's ``ascii``
tokenizer, which keeps every non-ASCII character inside a token; a token holding ASCII
punctuation (``f-35`` is never one, but ``-`` and ``+`` are) is spelled ``qx`` + hex.

A search does what kirinuki's page asks of its engine: the matching documents once (into a
temporary table, with their bm25 score, weights as kirinuki's fields: title 2, body 1,
notes 0.5, outlet 0.3), the total with every selection applied, counts of source, country
and year each with the *other* facets' selections, the page of 20 by bm25 or newest first,
and for each hit a snippet of the body and the marked title (``snippet()``/``highlight()``;
they mark the stored token text, not the original, which FTS5 cannot map back to).
"""

from __future__ import annotations

import json
import sqlite3
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

TEXT_COLUMNS = ("title", "body", "notes", "outlet")
WEIGHTS = (2.0, 1.0, 0.5, 0.3)
FACET_LIMIT = 30
_ENCODED = "qx"


def encode(token: str) -> str:
    """One FTS5 ``ascii`` token for one kirinuki term."""
    if all(not c.isascii() or c.isalnum() for c in token) and not token.startswith(_ENCODED):
        return token
    return _ENCODED + token.encode("utf-8").hex()


def decode(token: str) -> str:
    if token.startswith(_ENCODED):
        try:
            return bytes.fromhex(token[len(_ENCODED):]).decode("utf-8")
        except ValueError:
            return token
    return token


def split_tokens(analyzer, text: str) -> tuple[list[str], list[str]]:
    """(words, parts of compounds) of ``text``, as kirinuki's index mode gives them."""
    words: list[str] = []
    parts: list[str] = []
    last = -1
    for t in analyzer(text, positions=True, mode="index"):
        if t.pos == last:
            parts.append(encode(t.text))
        else:
            words.append(encode(t.text))
            last = t.pos
    return words, parts


SCHEMA = """
CREATE VIRTUAL TABLE fts USING fts5({columns}, tokenize='ascii');
CREATE TABLE docs(rowid INTEGER PRIMARY KEY, id TEXT UNIQUE, title TEXT, summary TEXT,
                  date TEXT, time TEXT, year TEXT, source TEXT, collections TEXT,
                  countries TEXT, sortkey TEXT);
CREATE TABLE doc_country(docid INTEGER, country TEXT);
"""
INDEXES = """
CREATE INDEX docs_source ON docs(source, rowid);
CREATE INDEX docs_year ON docs(year, rowid);
CREATE INDEX docs_sortkey ON docs(sortkey);
CREATE INDEX country_by_value ON doc_country(country, docid);
CREATE INDEX country_by_doc ON doc_country(docid, country);
"""


def columns() -> list[str]:
    return [*TEXT_COLUMNS, *(f"{c}_sub" for c in TEXT_COLUMNS)]


def build(corpus: str | Path, db: str | Path) -> dict:
    """Parse, annotate, analyse and store the corpus in a new SQLite file ``db``."""
    started = time.perf_counter()
    from search import outlets
    from search.analysis import japanese_analyzer
    from search.corpus import load_corpus
    from search.countries import annotate

    db = Path(db)
    db.unlink(missing_ok=True)
    records = load_corpus(corpus, annotate=False).records
    parsed = time.perf_counter()
    analyzer = japanese_analyzer()
    conn = sqlite3.connect(db)
    conn.executescript(SCHEMA.format(columns=", ".join(columns())))
    analyse_s = 0.0
    rows, docs, countries = [], [], []
    spellings = {o.name: o.spellings for o in outlets.outlets()}

    def flush() -> None:
        marks = ",".join("?" * (len(columns()) + 1))
        conn.executemany(f"INSERT INTO fts(rowid, {', '.join(columns())}) VALUES ({marks})",
                         rows)
        conn.executemany("INSERT INTO docs VALUES (?,?,?,?,?,?,?,?,?,?,?)", docs)
        conn.executemany("INSERT INTO doc_country VALUES (?,?)", countries)
        rows.clear()
        docs.clear()
        countries.clear()

    for rowid, rec in enumerate(records, start=1):
        t0 = time.perf_counter()
        annotate(rec)  # the same Sudachi words as the analyzer's (one tokenize per text)
        outlet = " ".join(dict.fromkeys([rec.source, rec.source_raw,
                                         *spellings.get(rec.source, ())]))
        texts = (rec.title, rec.summary, "\n\n".join(rec.notes), outlet)
        split = [split_tokens(analyzer, text) if text else ([], []) for text in texts]
        analyse_s += time.perf_counter() - t0
        rows.append((rowid, *(" ".join(w) for w, _ in split),
                     *(" ".join(p) for _, p in split)))
        year = rec.date[:4] if rec.date else None
        docs.append((rowid, rec.id, rec.title, rec.summary, rec.date, rec.time, year,
                     rec.source, ",".join(rec.collections), ",".join(rec.countries),
                     f"{rec.date or '0000-00-00'} {rec.time or '00:00'} {rec.id}"))
        countries.extend((rowid, c) for c in rec.countries)
        if len(rows) >= 2000:
            flush()
    flush()
    conn.executescript(INDEXES)
    conn.commit()
    before_optimize = time.perf_counter()
    conn.execute("INSERT INTO fts(fts) VALUES ('optimize')")
    conn.commit()
    conn.execute("VACUUM")
    conn.close()
    done = time.perf_counter()
    return {"records": len(records), "seconds": done - started, "parse_s": parsed - started,
            "analyse_s": analyse_s, "optimize_s": done - before_optimize,
            "bytes": db.stat().st_size}


@dataclass
class FtsQuery:
    """What a benchmark query asks, in the terms FTS5 understands."""

    words: list[list[str]] = field(default_factory=list)  # each word's kirinuki terms
    phrase: list[str] = field(default_factory=list)  # terms of a quoted phrase
    sources: list[str] = field(default_factory=list)
    countries: list[str] = field(default_factory=list)
    years: list[str] = field(default_factory=list)
    sort: str = "relevance"
    page: int = 1
    page_size: int = 20

    def match(self) -> str | None:
        """The FTS5 MATCH expression; None for the empty query (every document)."""
        parts = []
        for tokens in self.words:
            quoted = [f'"{encode(t)}"' for t in tokens]
            parts.append(quoted[0] if len(quoted) == 1 else "(" + " AND ".join(quoted) + ")")
        if self.phrase:
            cols = " ".join(TEXT_COLUMNS)
            parts.append(f'{{{cols}}} : "{" ".join(encode(t) for t in self.phrase)}"')
        return " AND ".join(parts) if parts else None


@dataclass
class FtsResult:
    total: int
    ids: list[str]
    snippets: list[str]
    facets: dict[str, list[tuple[str, int]]]


class Fts:
    """One connection to a database ``build`` wrote."""

    def __init__(self, db: str | Path) -> None:
        self.conn = sqlite3.connect(db, check_same_thread=False)
        self.conn.execute("CREATE TEMP TABLE m(rowid INTEGER PRIMARY KEY, score REAL)")

    def close(self) -> None:
        self.conn.close()

    def vocabulary(self) -> list[tuple[str, int]]:
        """Every term with the number of documents holding it (in any column)."""
        self.conn.execute("CREATE VIRTUAL TABLE IF NOT EXISTS temp.vocab "
                          "USING fts5vocab(main, fts, 'row')")
        return [(decode(t), n) for t, n in self.conn.execute("SELECT term, doc FROM vocab")]

    def search(self, q: FtsQuery) -> FtsResult:
        c = self.conn
        match = q.match()
        c.execute("DELETE FROM m")
        if match is None:
            src = "docs"
            score = "0"
        else:
            weights = ", ".join(str(w) for w in (*WEIGHTS, *WEIGHTS))
            c.execute(f"INSERT INTO m SELECT rowid, bm25(fts, {weights}) FROM fts "
                      "WHERE fts MATCH ?", (match,))
            src = "m"
            score = "m.score"

        def where(skip: str | None) -> tuple[str, list]:
            sql, args = [], []
            if q.sources and skip != "source":
                sql.append(f"d.source IN ({','.join('?' * len(q.sources))})")
                args += q.sources
            if q.years and skip != "year":
                sql.append(f"d.year IN ({','.join('?' * len(q.years))})")
                args += q.years
            if q.countries and skip != "country":
                sql.append(f"d.rowid IN (SELECT docid FROM doc_country WHERE country IN "
                           f"({','.join('?' * len(q.countries))}))")
                args += q.countries
            return (" WHERE " + " AND ".join(sql)) if sql else "", args

        join = "docs d" if src == "docs" else "m JOIN docs d ON d.rowid = m.rowid"
        w, args = where(None)
        total = c.execute(f"SELECT count(*) FROM {join}{w}", args).fetchone()[0]
        facets: dict[str, list[tuple[str, int]]] = {}
        for facet, column, extra, limit in (
                ("source", "d.source", "", FACET_LIMIT),
                ("country", "k.country", " JOIN doc_country k ON k.docid = d.rowid",
                 FACET_LIMIT),
                ("year", "d.year", "", -1)):
            w, args = where(facet)
            facets[facet] = c.execute(
                f"SELECT {column}, count(*) AS n FROM {join}{extra}{w} GROUP BY {column} "
                f"ORDER BY n DESC, {column} LIMIT {limit}", args).fetchall()
        w, args = where(None)
        if q.sort == "newest" or match is None:
            order = "d.sortkey DESC"
        else:
            order = f"{score}, d.sortkey DESC"
        offset = (q.page - 1) * q.page_size
        page = c.execute(f"SELECT d.rowid, d.id, d.summary FROM {join}{w} ORDER BY {order} "
                         f"LIMIT {q.page_size} OFFSET {offset}", args).fetchall()
        snippets = []
        for rowid, _, summary in page:
            if match is None:
                snippets.append(summary[:120])
                continue
            row = c.execute("SELECT snippet(fts, 1, '<mark>', '</mark>', '…', 24), "
                            "highlight(fts, 0, '<mark>', '</mark>') FROM fts "
                            "WHERE fts MATCH ? AND rowid = ?", (match, rowid)).fetchone()
            snippets.append(row[0] if row else "")
        return FtsResult(total, [r[1] for r in page], snippets, facets)


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 3 or args[0] != "build":
        print(__doc__.split("\n\n")[1], file=sys.stderr)
        return 2
    print(json.dumps(build(args[1], args[2])))
    return 0


if __name__ == "__main__":
    sys.exit(main())
