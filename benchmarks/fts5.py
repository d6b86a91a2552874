"""SQLite FTS5 over kirinuki's own Sudachi tokens: the yardstick of benchmarks/scale.py.

    python benchmarks/fts5.py build CORPUS DB     # prints the build's timings as JSON

The build does the work ``manage.py reindex`` does, in one process: parse the corpus, find
each record's countries (``search.corpus.annotate``), analyse title, summary, notes and
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
they mark the stored token text, not the original, which FTS5 cannot map back to). The
facet columns and the sort key live in a narrow table ``f`` and the countries in
``doc_country``, apart from the stored text (``docs``), so counting reads small pages.
"""

from __future__ import annotations

import json
import sqlite3
import sys
import time
from collections.abc import Callable
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


def split_tokens(analyzer, text: str,
                 spell: Callable[[str], str] = encode) -> tuple[list[str], list[str]]:
    """(words, parts of compounds) of ``text``, as kirinuki's index mode gives them, each
    term spelled by ``spell`` (FTS5's ``ascii`` tokens by default; tantivy_ref.py, whose
    ``whitespace`` tokenizer takes any term without a space, passes ``str``)."""
    words: list[str] = []
    parts: list[str] = []
    last = -1
    for t in analyzer(text, positions=True, mode="index"):
        if t.pos == last:
            parts.append(spell(t.text))
        else:
            words.append(spell(t.text))
            last = t.pos
    return words, parts


def outlet_spellings() -> dict[str, tuple[str, ...]]:
    """Every outlet's other spellings, by its name: the outlet field holds them all."""
    from search.corpus import outlets

    return {o.name: o.spellings for o in outlets.outlets()}


def analyse(rec, analyzer, spellings: dict[str, tuple[str, ...]],
            spell: Callable[[str], str] = encode) -> list[tuple[list[str], list[str]]]:
    """The (words, parts) of ``rec``'s title, summary, notes and outlet names, in the order
    of ``TEXT_COLUMNS``, after annotating it as reindex does: what every reference engine
    indexes, so that they all hold the same terms."""
    from search.corpus.annotate import annotate

    annotate(rec)  # the same Sudachi words as the analyzer's (one tokenize per text)
    outlet = " ".join(dict.fromkeys([rec.source, rec.source_raw,
                                     *spellings.get(rec.source, ())]))
    texts = (rec.title, rec.summary, "\n\n".join(rec.notes), outlet)
    return [split_tokens(analyzer, text, spell) if text else ([], []) for text in texts]


SCHEMA = """
CREATE VIRTUAL TABLE fts USING fts5({columns}, tokenize='ascii');
CREATE TABLE docs(rowid INTEGER PRIMARY KEY, id TEXT UNIQUE, title TEXT, summary TEXT,
                  date TEXT, time TEXT, collections TEXT, countries TEXT);
CREATE TABLE f(rowid INTEGER PRIMARY KEY, source TEXT, year TEXT, sortkey TEXT);
CREATE TABLE doc_country(docid INTEGER, country TEXT);
"""
INDEXES = """
CREATE INDEX f_source ON f(source);
CREATE INDEX f_year ON f(year);
CREATE INDEX f_sortkey ON f(sortkey);
CREATE INDEX country_by_value ON doc_country(country, docid);
CREATE INDEX country_by_doc ON doc_country(docid, country);
"""


def columns() -> list[str]:
    return [*TEXT_COLUMNS, *(f"{c}_sub" for c in TEXT_COLUMNS)]


def build(corpus: str | Path, db: str | Path) -> dict:
    """Parse, annotate, analyse and store the corpus in a new SQLite file ``db``."""
    started = time.perf_counter()
    from search.corpus.loading import load_corpus
    from search.text.analysis import japanese_analyzer

    db = Path(db)
    db.unlink(missing_ok=True)
    records = load_corpus(corpus, annotate=False).records
    parsed = time.perf_counter()
    analyzer = japanese_analyzer()
    conn = sqlite3.connect(db)
    conn.executescript(SCHEMA.format(columns=", ".join(columns())))
    analyse_s = 0.0
    rows, docs, narrow, countries = [], [], [], []
    spellings = outlet_spellings()

    def flush() -> None:
        marks = ",".join("?" * (len(columns()) + 1))
        conn.executemany(f"INSERT INTO fts(rowid, {', '.join(columns())}) VALUES ({marks})",
                         rows)
        conn.executemany("INSERT INTO docs VALUES (?,?,?,?,?,?,?,?)", docs)
        conn.executemany("INSERT INTO f VALUES (?,?,?,?)", narrow)
        conn.executemany("INSERT INTO doc_country VALUES (?,?)", countries)
        rows.clear()
        docs.clear()
        narrow.clear()
        countries.clear()

    for rowid, rec in enumerate(records, start=1):
        t0 = time.perf_counter()
        split = analyse(rec, analyzer, spellings)
        analyse_s += time.perf_counter() - t0
        rows.append((rowid, *(" ".join(w) for w, _ in split),
                     *(" ".join(p) for _, p in split)))
        year = rec.date[:4] if rec.date else None
        docs.append((rowid, rec.id, rec.title, rec.summary, rec.date, rec.time,
                     ",".join(rec.collections), ",".join(rec.facets.get("country", []))))
        narrow.append((rowid, rec.source, year,
                       f"{rec.date or '0000-00-00'} {rec.time or '00:00'} {rec.id}"))
        countries.extend((rowid, c) for c in rec.facets.get("country", []))
        if len(rows) >= 2000:
            flush()
    flush()
    conn.executescript(INDEXES)
    conn.execute("ANALYZE")
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
        if match is not None:
            weights = ", ".join(str(w) for w in (*WEIGHTS, *WEIGHTS))
            c.execute("DELETE FROM m")
            c.execute(f"INSERT INTO m SELECT rowid, bm25(fts, {weights}) FROM fts "
                      "WHERE fts MATCH ?", (match,))
        key = "m.rowid" if match is not None else "f.rowid"

        def conditions(skip: str | None) -> tuple[list[str], list, bool]:
            """SQL conditions for every selection but ``skip``'s; whether they read f."""
            sql, args = [], []
            for facet, column, chosen in (("source", "f.source", q.sources),
                                          ("year", "f.year", q.years)):
                if chosen and skip != facet:
                    sql.append(f"{column} IN ({','.join('?' * len(chosen))})")
                    args += chosen
            uses_f = bool(sql)
            if q.countries and skip != "country":
                sql.append(f"{key} IN (SELECT docid FROM doc_country WHERE country IN "
                           f"({','.join('?' * len(q.countries))}))")
                args += q.countries
            return sql, args, uses_f

        def select(what: str, skip: str | None, tail: str = "", need_f: bool = False,
                   countries: bool = False) -> list:
            sql, args, uses_f = conditions(skip)
            if match is None:
                if countries and not sql:  # every document: the country table alone
                    frm = "doc_country k"
                else:
                    frm = "f" + (" CROSS JOIN doc_country k ON k.docid = f.rowid"
                                 if countries else "")
            else:
                # the matches drive every join (CROSS JOIN keeps that order): left to itself
                # the planner walks a whole facet index to skip a sort (70 ms, not 0.1, at 10k)
                frm = "m" + (" CROSS JOIN f ON f.rowid = m.rowid" if need_f or uses_f else "")
                frm += " CROSS JOIN doc_country k ON k.docid = m.rowid" if countries else ""
            where = (" WHERE " + " AND ".join(sql)) if sql else ""
            return c.execute(f"SELECT {what} FROM {frm}{where}{tail}", args).fetchall()

        total = select("count(*)", None)[0][0]
        facets = {
            "source": select("f.source, count(*) AS n", "source",
                             f" GROUP BY f.source ORDER BY n DESC, f.source LIMIT {FACET_LIMIT}",
                             need_f=True),
            "country": select("k.country, count(*) AS n", "country",
                              f" GROUP BY k.country ORDER BY n DESC, k.country "
                              f"LIMIT {FACET_LIMIT}", countries=True),
            "year": select("f.year, count(*) AS n", "year",
                           " GROUP BY f.year ORDER BY n DESC, f.year", need_f=True),
        }
        if q.sort == "newest" or match is None:
            order = "f.sortkey DESC"
        else:
            order = "m.score, f.sortkey DESC"
        offset = (q.page - 1) * q.page_size
        page = [r[0] for r in select(
            key, None, f" ORDER BY {order} LIMIT {q.page_size} OFFSET {offset}", need_f=True)]
        ids, snippets = [], []
        for rowid in page:
            rid, _title, summary = c.execute(
                "SELECT id, title, summary FROM docs WHERE rowid = ?", (rowid,)).fetchone()
            ids.append(rid)
            if match is None:
                snippets.append(summary[:120])
                continue
            row = c.execute("SELECT snippet(fts, 1, '<mark>', '</mark>', '…', 24), "
                            "highlight(fts, 0, '<mark>', '</mark>') FROM fts "
                            "WHERE fts MATCH ? AND rowid = ?", (match, rowid)).fetchone()
            snippets.append(row[0] if row else "")
        return FtsResult(total, ids, snippets, facets)


def main(argv: list[str] | None = None, build=build, usage: str = __doc__) -> int:
    """``build CORPUS OUT``: the build's timings as JSON (tantivy_ref.py's command too)."""
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 3 or args[0] != "build":
        print(usage.split("\n\n")[1], file=sys.stderr)
        return 2
    print(json.dumps(build(args[1], args[2])))
    return 0


if __name__ == "__main__":
    sys.exit(main())
