"""The scale benchmark: build, update, search and serve a synthetic archive of N records.

    python benchmarks/scale.py --n 10000 [--out results.json] [--work DIR] [--no-http]
                                         [--no-tantivy]

One run, for one N (the corpus is made by benchmarks/synth.py, or reused if it is already
there, in ``--corpus-root``/N<n>):

1. **floor**: ``benchmarks/sudachi_only.py`` over the corpus's titles, summaries and notes,
   as a process: what Sudachi alone costs;
2. **reindex**: ``manage.py reindex`` as a process: wall time, peak RSS (of the largest
   process, from ``wait4``, and of the whole process tree, sampled every 0.1 s), index
   size against the corpus files' size;
3. **FTS5**: ``benchmarks/fts5.py build`` as a process: SQLite FTS5 over the same Sudachi
   tokens, parsed and annotated the same way (build time and size); then **tantivy**
   (``benchmarks/tantivy_ref.py build``, the same way): what the fastest engines reach
   over the same tokens (``--no-tantivy`` leaves it out);
4. **the query mix**: a fixed, seeded mix of ``--queries`` (300) requests built from the
   corpus's own vocabulary (FTS5's ``fts5vocab`` gives every term's document count):
   frequent word, rare word, two and three words from one record, a phrase cut from a
   summary, a word with an outlet / country / year filter, the empty query (alone or with a
   filter), pages 2–3 of a frequent word, newest first; within a kind no word is drawn twice
   while the pool lasts (a mix that repeats itself measures caches). Run in-process through
   ``Engine.search`` (top 20, total, facets, snippets: what the page asks for), then the same
   work on FTS5 (top 20 by bm25, total, source/country/year counts with the other facets'
   selections, snippets), then on tantivy; the totals of both references are compared
   with FTS5's (tantivy's must all agree: the same terms in the same fields). Each engine
   is first asked a **first pass**, a mix of the same make with the next seed (other words),
   timed and shown apart: what the first queries after opening cost (Sudachi's dictionary
   and the files paged in; kirinuki's warm-up thread waits for a pause between queries,
   which a mix run back to back does not leave, so its parts are built by the queries
   that need them); the figures
   are those of the mix after it, every engine warmed alike;
5. **HTTP**: ``manage.py serve`` as a process on a free port: start-up (until the port
   listens; until the first 200), the first pass and the same mix over ``/api/search``
   one by one, the server's
   RSS after the mix (``VmRSS``), then ``--clients`` (16) threads sending ``--requests``
   requests (bounded by ``--duration`` too): requests/s, errors and non-200s by status;
6. **update**: the same corpus with 1 % of the records' summaries rewritten (``synth.py
   --changed 0.01`` into the work folder, each in as many lines as before), then ``manage.py
   update``: time and peak RSS; then one new clipping put at the top of the first archive
   (where newest-first archives grow) and ``update`` again.

Every request has a timeout (``--timeout``) and every phase a time budget (``--budget``):
queries past it are counted as skipped, so a run always ends. The mix is shuffled (seeded)
so a phase cut short still samples every kind. Prints a table (ratios: reindex to the
Sudachi floor and to FTS5 and tantivy, kirinuki's latencies and size to FTS5's and
tantivy's) and writes everything, per query too, to ``--out`` as JSON.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import select
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
for path in (str(ROOT), str(BENCH)):
    if path not in sys.path:
        sys.path.insert(0, path)

import fts5  # noqa: E402
import synth  # noqa: E402

from search.corpus.loading import corpus_files, load_corpus  # noqa: E402

PYTHON = sys.executable
# Kinds of the query mix and how many of each in a mix of 300.
KINDS = {
    "frequent": 40, "rare": 30, "two_words": 35, "three_words": 25, "phrase": 30,
    "outlet_filter": 20, "country_filter": 20, "year_filter": 20, "empty": 20,
    "page_2_3": 30, "newest": 30,
}
_BAD_CHARS = set(':"()「」（）\'\\<>')
_OPERATORS = {"or", "and", "not"}


# ------------------------------------------------------------------ processes and memory


def _children(pid: int) -> list[int]:
    found = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children") as fh:
                found += [int(c) for c in fh.read().split()]
    except OSError:
        pass
    return found


def _proc_mb(pid: int, name: str, field: str) -> float:
    """The ``field:`` line of ``/proc/PID/name``, in MB (0 if the process is gone)."""
    try:
        with open(f"/proc/{pid}/{name}") as fh:
            for line in fh:
                if line.startswith(field + ":"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def rss_mb(pid: int) -> float:
    """VmRSS of one process in MB (0 if it is gone)."""
    return _proc_mb(pid, "status", "VmRSS")


def pss_mb(pid: int) -> float:
    """The proportional set size of one process in MB (0 if it is gone): its own pages, and
    each page it shares with n processes as 1/n, so that a tree's sum is what it holds."""
    return _proc_mb(pid, "smaps_rollup", "Pss")


def _tree(pid: int) -> list[int]:
    found, todo = [], [pid]
    while todo:
        p = todo.pop()
        if p not in found:
            found.append(p)
            todo += _children(p)
    return found


def tree_rss_mb(pid: int) -> float:
    """VmRSS summed over a process and its descendants (shared pages counted each time:
    forked workers count the pages they share with their parent again)."""
    return sum(rss_mb(p) for p in _tree(pid))


def tree_pss_mb(pid: int) -> float:
    """PSS summed over a process and its descendants: the memory the tree holds."""
    return sum(pss_mb(p) for p in _tree(pid))


# Reading PSS makes the kernel walk each process's page tables: sampled every 0.1 s over a
# build of a million records it took a quarter of a core from the build it measured.
PSS_EVERY = 10


def run_measured(cmd: list[str], timeout: float, env: dict | None = None) -> dict:
    """Run ``cmd`` (cwd: the repository) to its end: wall time, exit code, peak RSS, output.

    ``peak_rss_mb``: the largest single process (``wait4``'s ru_maxrss, which covers the
    child's own waited-for children); ``peak_tree_rss_mb``: the process tree's summed RSS,
    ``peak_tree_pss_mb`` its summed PSS (shared pages counted once), sampled every 0.1 s and
    every PSS_EVERY × 0.1 s. Killed (its process group) after ``timeout`` seconds.

    The wait between samples ends when the process does (a pidfd): the time is not
    rounded up to the next 0.1 s, which made the bundled corpus's 0.15 s floor 0.2 s.
    """
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=ROOT, stdout=out, stderr=err, env=env,
                                start_new_session=True)
        ended = _exit_of(proc.pid)
        peak_tree, peak_pss, timed_out, samples = 0.0, 0.0, False, 0
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            peak_tree = max(peak_tree, tree_rss_mb(proc.pid))
            if samples % PSS_EVERY == 0:  # the kernel walks every page table for it
                peak_pss = max(peak_pss, tree_pss_mb(proc.pid))
            samples += 1
            if time.perf_counter() - started > timeout and not timed_out:
                timed_out = True
                os.killpg(proc.pid, 9)
            if ended is None:
                time.sleep(0.1)
            else:
                select.select([ended], [], [], 0.1)
        seconds = time.perf_counter() - started
        if ended is not None:
            os.close(ended)
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return {"seconds": seconds, "rc": proc.returncode, "timed_out": timed_out,
                "peak_rss_mb": usage.ru_maxrss / 1024, "peak_tree_rss_mb": peak_tree,
                "peak_tree_pss_mb": peak_pss,
                "stdout": out.read().decode("utf-8", "replace"),
                "stderr": err.read().decode("utf-8", "replace")[-2000:]}


def _exit_of(pid: int) -> int | None:
    """A file descriptor that becomes readable when process ``pid`` ends (Linux 5.3's
    pidfd), or None where there is none."""
    try:
        return os.pidfd_open(pid)
    except (AttributeError, OSError):
        return None


def _check(step: str, run: dict) -> None:
    if run["rc"] != 0:
        raise RuntimeError(f"{step} failed (exit {run['rc']}"
                           f"{', timed out' if run['timed_out'] else ''}): {run['stderr']}")


def folder_bytes(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def corpus_bytes(path: Path) -> int:
    return sum(p.stat().st_size for p in path.glob("*.txt"))


# ------------------------------------------------------------------ build steps


def sudachi_floor(corpus: Path, work: Path, timeout: float) -> dict:
    """The Sudachi-only pass over the corpus's titles, summaries and notes, as a process."""
    from search.corpus.loading import load_corpus

    t0 = time.perf_counter()
    records = load_corpus(corpus, annotate=False).records
    parse_s = time.perf_counter() - t0
    texts = [t for r in records for t in (r.title, r.summary, "\n\n".join(r.notes)) if t]
    texts_file = work / "texts.json"
    texts_file.write_text(json.dumps(texts, ensure_ascii=False), encoding="utf-8")
    run = run_measured([PYTHON, str(BENCH / "sudachi_only.py"), str(texts_file)], timeout)
    _check("sudachi_only.py", run)
    return {"records": len(records), "characters": sum(len(t) for t in texts),
            "parse_in_process_s": parse_s, **_slim(run)}


def reindex(corpus: Path, index: Path, timeout: float) -> dict:
    run = run_measured([PYTHON, "manage.py", "--corpus", str(corpus), "--index", str(index),
                        "reindex"], timeout)
    _check("manage.py reindex", run)
    build = (index / "current").resolve()
    return {**_slim(run), "summary": run["stdout"].strip(), "bytes": folder_bytes(build)}


def fts_build(corpus: Path, db: Path, timeout: float) -> dict:
    run = run_measured([PYTHON, str(BENCH / "fts5.py"), "build", str(corpus), str(db)],
                       timeout)
    _check("fts5.py build", run)
    inner = json.loads(run["stdout"].strip().splitlines()[-1])
    return {**_slim(run), **{f"inner_{k}": v for k, v in inner.items()},
            "bytes": db.stat().st_size}


def reused(path: Path) -> dict:
    """A reference built by an earlier run on the same corpus (``--reuse-references``): its
    size is measured, its build is not (the build figures print as "-")."""
    size = folder_bytes(path) if path.is_dir() else path.stat().st_size
    return {"reused": True, "seconds": None, "peak_rss_mb": None, "peak_tree_rss_mb": None,
            "peak_tree_pss_mb": None, "bytes": size, "inner_analyse_s": None,
            "inner_segments": len({p.stem for p in path.glob("*.idx")}) if path.is_dir()
            else None}


def tantivy_build(corpus: Path, folder: Path, timeout: float) -> dict:
    """``tantivy_ref.py build`` as a process, measured as FTS5's build is."""
    run = run_measured([PYTHON, str(BENCH / "tantivy_ref.py"), "build", str(corpus),
                        str(folder)], timeout)
    _check("tantivy_ref.py build", run)
    inner = json.loads(run["stdout"].strip().splitlines()[-1])
    return {**_slim(run), **{f"inner_{k}": v for k, v in inner.items()},
            "bytes": folder_bytes(folder)}


def update(n: int, seed: int, corpus_changed: Path, index: Path, timeout: float) -> dict:
    """``manage.py update`` after 1 % of the records' summaries changed (line counts kept)."""
    info = synth.ensure(n, corpus_changed, seed, changed=0.01)
    return {**_update(corpus_changed, index, timeout),
            "changed_records": max(1, round(n * 0.01)), "corpus_changed": str(corpus_changed),
            "shared": info.get("shared")}


# A clipping newer than any synth.py writes (its dates end on 2025-06-30, but a full day's
# ids roll over to the next day's: a million records reach December 2025), under an id it
# never writes (its ids are numbered from 10 each day): a new record, not a copy.
NEW_CLIPPING = ["2025.12.31", " 10:00", "共同通信", "", "(Yahoo)", "",
                "防衛協力の新しい切り抜き <2512-123101>", " 新しい記事の要旨である。"]


def update_prepend(corpus: Path, out: Path, index: Path, timeout: float) -> dict:
    """``manage.py update`` after one new clipping was put at the top of the first archive,
    where a newest-first archive grows: every later line of that file moves down one record."""
    shutil.rmtree(out, ignore_errors=True)
    shutil.copytree(corpus, out)
    first = sorted(out.glob("clippings-synth-*.txt"))[0]
    lines = first.read_text(encoding="utf-8").split("\n")
    lines[len(synth.HEADER):len(synth.HEADER)] = NEW_CLIPPING
    first.write_text("\n".join(lines), encoding="utf-8")
    records_in_file = sum(1 for line in lines if line.rstrip().endswith(">") and "<" in line)
    return {**_update(out, index, timeout), "file": first.name,
            "records_in_file": records_in_file}


def _update(corpus: Path, index: Path, timeout: float) -> dict:
    run = run_measured([PYTHON, "manage.py", "--corpus", str(corpus), "--index", str(index),
                        "update"], timeout)
    _check("manage.py update", run)
    summary = run["stdout"].strip().splitlines()[-1] if run["stdout"].strip() else ""
    counts = {}
    words = summary.replace(",", " ").replace(";", " ").split()
    for what in ("added", "replaced", "removed"):
        if what in words and words.index(what) > 0 and words[words.index(what) - 1].isdigit():
            counts[what] = int(words[words.index(what) - 1])
    return {**_slim(run), "summary": summary, **counts}


def _slim(run: dict) -> dict:
    return {k: run[k] for k in ("seconds", "rc", "timed_out", "peak_rss_mb",
                                "peak_tree_rss_mb", "peak_tree_pss_mb")}


# ------------------------------------------------------------------ the query mix


def _counts(total: int) -> dict[str, int]:
    scale = total / sum(KINDS.values())
    return {kind: max(2, round(c * scale)) for kind, c in KINDS.items()}


def build_mix(db: Path, seed: int = 1, total: int = 300) -> list[dict]:
    """A fixed mix of requests, each with its kind, API parameters and FTS5 terms.

    ``plain`` says that kirinuki reads the query as exactly these words (no synonym, no
    country or organisation): then both engines must find the same documents.
    """
    from search.query.compile import parse_query
    from search.text.analysis import analyze_terms, japanese_analyzer

    rng = random.Random(f"mix-{seed}")
    fts = fts5.Fts(db)
    conn = fts.conn
    ndocs = conn.execute("SELECT count(*) FROM docs").fetchone()[0]
    vocab = sorted(fts.vocabulary(), key=lambda tv: (-tv[1], tv[0]))
    df = dict(vocab)

    checked: dict[str, bool] = {}

    def word_ok(t: str) -> bool:
        if t not in checked:
            checked[t] = (len(t) >= 2 and not any(c.isdigit() for c in t)
                          and not (set(t) & _BAD_CHARS) and not t.startswith("-")
                          and t not in _OPERATORS and t.isprintable() and " " not in t
                          and analyze_terms(t) == [t])
        return checked[t]

    def plain(q: str, words: list[str]) -> bool:
        return parse_query(q).understood == " ".join(words)

    frequent: list[str] = []
    for term, _ in vocab:
        if word_ok(term):
            frequent.append(term)
        if len(frequent) >= 100:
            break
    rare_pool = [t for t, n in reversed(vocab) if n <= 3]
    rng.shuffle(rare_pool)
    sources = [s for s, _ in conn.execute(
        "SELECT source, count(*) n FROM f GROUP BY source ORDER BY n DESC, source LIMIT 15")]
    countries = [c for c, _ in conn.execute(
        "SELECT country, count(*) n FROM doc_country GROUP BY country "
        "ORDER BY n DESC, country LIMIT 30")]
    years = [y for (y,) in conn.execute(
        "SELECT DISTINCT year FROM f WHERE year IS NOT NULL ORDER BY year")]

    def entry(kind: str, q: str = "", words: list[str] | None = None,
              phrase: list[str] | None = None, **params) -> dict:
        words = words or []
        e = {"kind": kind, "q": q, "source": [], "country": [], "year": [], "sort": None,
             "page": 1, "fts_words": [analyze_terms(w) for w in words],
             "fts_phrase": phrase or [],
             "plain": bool(words) and not phrase and plain(q, words)}
        e.update(params)
        return e

    def doc_words(k: int) -> list[str]:
        for _ in range(50):
            rowid = rng.randint(1, ndocs)
            row = conn.execute("SELECT title, body FROM fts WHERE rowid = ?", (rowid,)).fetchone()
            tokens = list(dict.fromkeys(fts5.decode(t) for t in " ".join(row).split()))
            tokens = [t for t in tokens if word_ok(t)]
            if len(tokens) >= k:
                return rng.sample(tokens, k)
        return rng.sample(frequent, k)

    analyzer = japanese_analyzer(subwords=False)

    def phrase_text() -> tuple[str, list[str]]:
        for _ in range(50):
            rowid = rng.randint(1, ndocs)
            summary = conn.execute("SELECT summary FROM docs WHERE rowid = ?",
                                   (rowid,)).fetchone()[0] or ""
            toks = [(t.startchar, t.endchar, t.text)
                    for t in analyzer(summary, positions=True, chars=True, mode="query")]
            if len(toks) < 4:
                continue
            k = rng.choice((2, 3))
            i = rng.randrange(len(toks) - k)
            text = summary[toks[i][0]:toks[i + k - 1][1]]
            terms = analyze_terms(text)
            if (len(terms) >= 2 and not (set(text) & _BAD_CHARS) and not text.isspace()
                    and " " not in text and "\u3000" not in text and "\n" not in text
                    and all(t.isprintable() for t in terms)):
                return text, terms
        return frequent[0] + frequent[1], [frequent[0], frequent[1]]

    def draw(pool: list, k: int) -> list:
        """k items of ``pool``, all different while the pool lasts: a mix that repeats its
        queries would measure the engine's caches."""
        out: list = []
        while len(out) < k:
            out += rng.sample(pool, min(len(pool), k - len(out)))
        return out

    counts = _counts(total)
    mix: list[dict] = []
    for w in draw(frequent[:50], counts["frequent"]):
        mix.append(entry("frequent", w, [w]))
    rare = [t for t in rare_pool[:5000] if word_ok(t)] or frequent[-10:]
    for w in draw(rare, counts["rare"]):
        mix.append(entry("rare", w, [w]))
    for kind, k in (("two_words", 2), ("three_words", 3)):
        for _ in range(counts[kind]):
            ws = doc_words(k)
            mix.append(entry(kind, " ".join(ws), ws))
    for _ in range(counts["phrase"]):
        text, terms = phrase_text()
        mix.append(entry("phrase", f'"{text}"', phrase=terms))
    for kind, key, values in (("outlet_filter", "source", sources),
                              ("country_filter", "country", countries),
                              ("year_filter", "year", years)):
        for w, value in zip(draw(frequent, counts[kind]), draw(values, counts[kind]),
                            strict=True):
            mix.append(entry(kind, w, [w], **{key: [value]}))
    for n in range(counts["empty"]):
        extra = [{}, {"year": [rng.choice(years)]}, {"source": [rng.choice(sources)]},
                 {"country": [rng.choice(countries)]}][n % 4]
        mix.append(entry("empty", "", **extra))
    deep = [w for w in frequent if df.get(w, 0) > 41] or frequent[:1]
    for w in draw(deep, counts["page_2_3"]):
        page = 3 if df.get(w, 0) > 41 and rng.random() < 0.5 else 2
        if df.get(w, 0) <= 20:
            page = 1
        mix.append(entry("page_2_3", w, [w], page=page))
    for w in draw(frequent, counts["newest"]):
        mix.append(entry("newest", w, [w], sort="newest"))
    fts.close()
    rng.shuffle(mix)
    for n, e in enumerate(mix):
        e["n"] = n
    return mix


def search_request(e: dict):
    from search.engine import SearchRequest

    chosen = {"source": e["source"], "country": e["country"], "year": e["year"]}
    return SearchRequest(q=e["q"], selected={k: v for k, v in chosen.items() if v},
                         sort=e["sort"], page=e["page"])


def fts_query(e: dict) -> fts5.FtsQuery:
    return fts5.FtsQuery(words=e["fts_words"], phrase=e["fts_phrase"], sources=e["source"],
                         countries=e["country"], years=e["year"],
                         sort=e["sort"] or "relevance", page=e["page"])


def api_params(e: dict) -> str:
    params = [("q", e["q"])] + [(k, v) for k in ("source", "country", "year") for v in e[k]]
    if e["sort"]:
        params.append(("sort", e["sort"]))
    if e["page"] != 1:
        params.append(("page", str(e["page"])))
    return urllib.parse.urlencode(params)


# ------------------------------------------------------------------ running the mix


def run_engine(index: Path, mix: list[dict], budget: float,
               first: list[dict] | None = None) -> dict:
    """The mix in-process through ``Engine.search``; per query: ms, total or error.
    ``first``: a mix asked before it, its rows kept apart (``first_rows``)."""
    from search.engine import Engine, SearchRequest

    engine = Engine(index)
    t0 = time.perf_counter()
    engine.search(SearchRequest(q=mix[0]["q"] if mix else ""))  # opens searcher and facets
    open_s = time.perf_counter() - t0
    def counted(e: dict) -> dict:
        found = engine.search(search_request(e))
        # FTS5 requires every word: compared with the articles holding every word, not
        # with the partial matches kirinuki lists after them
        return {"total": found.total, "complete": found.complete,
                "stages": {k: round(v, 3) for k, v in found.stages.items()}}

    first_rows = _run_each(first or [], budget, counted)
    rows = _run_each(mix, budget, counted)
    engine.close()
    return {"open_s": open_s, "rows": rows, "first_rows": first_rows}


def run_fts(db: Path, mix: list[dict], budget: float,
            first: list[dict] | None = None) -> dict:
    return _run_reference(fts5.Fts(db), mix, budget, first)


def run_tantivy(folder: Path, mix: list[dict], budget: float,
                first: list[dict] | None = None) -> dict:
    """The mix on tantivy, asked exactly what FTS5 is asked (``fts_query``)."""
    import tantivy_ref  # only here: ``--no-tantivy`` runs without the package

    return _run_reference(tantivy_ref.Tantivy(folder), mix, budget, first)


def _run_reference(ref, mix: list[dict], budget: float,
                   first: list[dict] | None = None) -> dict:
    """The mix on a reference engine (its ``search`` of an ``FtsQuery``): the first search
    timed as its opening, then ``first`` (rows kept apart), then each query; closed after."""
    t0 = time.perf_counter()
    ref.search(fts_query(mix[0]) if mix else fts5.FtsQuery())
    open_s = time.perf_counter() - t0
    def ask(e: dict) -> dict:
        return {"total": ref.search(fts_query(e)).total}

    first_rows = _run_each(first or [], budget, ask)
    rows = _run_each(mix, budget, ask)
    ref.close()
    return {"open_s": open_s, "rows": rows, "first_rows": first_rows}


def _run_each(mix: list[dict], budget: float, call) -> list[dict]:
    """Each query of the mix, one at a time, timed, until ``budget`` seconds have passed.

    ``call(entry)`` gives the row's fields (``total``, and ``status`` or ``error`` where it
    has them); an exception is the row's error.
    """
    rows = []
    started = time.perf_counter()
    for e in mix:
        if time.perf_counter() - started > budget:
            rows.append({"n": e["n"], "kind": e["kind"], "skipped": True})
            continue
        t0 = time.perf_counter()
        try:
            found = {"error": None, **call(e)}
        except Exception as exc:  # a benchmark reports failures, it does not stop on them
            found = {"total": None, "error": f"{type(exc).__name__}: {str(exc)[:200]}"}
        rows.append({"n": e["n"], "kind": e["kind"], "ms": (time.perf_counter() - t0) * 1000,
                     **found})
    return rows


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str, timeout: float) -> tuple[int | None, dict | None, str | None]:
    """(status, JSON body, error) of one GET; never raises."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as resp:
            body = resp.read()
            return resp.status, json.loads(body), None
    except urllib.error.HTTPError as exc:
        exc.read()
        return exc.code, None, f"HTTP {exc.code}"
    except TimeoutError:
        return None, None, "timeout"
    except (urllib.error.URLError, OSError, ValueError) as exc:
        if isinstance(getattr(exc, "reason", None), TimeoutError):
            return None, None, "timeout"
        return None, None, f"{type(exc).__name__}: {exc}"


class Server:
    """``manage.py serve`` on 127.0.0.1:port, as a child process of this one."""

    def __init__(self, corpus: Path, index: Path, port: int, log: Path) -> None:
        self.port = port
        self.log = open(log, "wb")  # noqa: SIM115 (closed in stop)
        self.started = time.perf_counter()
        self.proc = subprocess.Popen(
            [PYTHON, "manage.py", "--corpus", str(corpus), "--index", str(index), "serve",
             "--port", str(port)], cwd=ROOT, stdout=self.log, stderr=subprocess.STDOUT,
            start_new_session=True)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def wait_ready(self, probe: str, timeout: float) -> dict:
        """Seconds until the port accepts connections and until ``probe`` answers 200."""
        listening = None
        while time.perf_counter() - self.started < timeout:
            if self.proc.poll() is not None:
                raise RuntimeError(f"the server exited with {self.proc.returncode}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    listening = time.perf_counter() - self.started
                    break
            except OSError:
                time.sleep(0.05)
        if listening is None:
            raise RuntimeError(f"the server did not listen within {timeout:.0f} s")
        while time.perf_counter() - self.started < timeout:
            left = max(1.0, timeout - (time.perf_counter() - self.started))
            status, _, _ = _get(self.url(probe), timeout=left)
            if status == 200:
                return {"listening_s": listening,
                        "first_200_s": time.perf_counter() - self.started}
            time.sleep(0.1)
        raise RuntimeError(f"no 200 from {probe} within {timeout:.0f} s")

    def rss_mb(self) -> float:
        return rss_mb(self.proc.pid)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        self.log.close()


def run_http(server: Server, mix: list[dict], timeout: float, budget: float) -> list[dict]:
    """The mix over HTTP, one request at a time."""

    def ask(e: dict) -> dict:
        status, body, error = _get(server.url(f"/api/search?{api_params(e)}"), timeout)
        return {"status": status, "total": body.get("total") if body else None, "error": error}

    return _run_each(mix, budget, ask)


def throughput(server: Server, mix: list[dict], clients: int, requests: int, timeout: float,
               duration: float) -> dict:
    """``clients`` threads share ``requests`` requests (the mix, cycled), for ``duration`` s."""
    lock = threading.Lock()
    state = {"next": 0}
    rows: list[tuple[float, int | None, str | None]] = []
    deadline = time.perf_counter() + duration

    def worker() -> None:
        while True:
            with lock:
                i = state["next"]
                if i >= requests or time.perf_counter() > deadline:
                    return
                state["next"] = i + 1
            e = mix[i % len(mix)]
            t0 = time.perf_counter()
            status, _, error = _get(server.url(f"/api/search?{api_params(e)}"), timeout)
            with lock:
                rows.append(((time.perf_counter() - t0) * 1000, status, error))

    started = time.perf_counter()
    threads = [threading.Thread(target=worker, daemon=True) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=duration + timeout + 30)
    wall = time.perf_counter() - started
    ok = [ms for ms, status, _ in rows if status == 200]
    statuses = Counter(str(status) if status is not None else (error or "error").split(":")[0]
                       for _, status, error in rows if status != 200)
    return {"clients": clients, "requests": len(rows), "seconds": wall,
            "requests_per_s": len(rows) / wall if wall else 0.0,
            "ok_per_s": len(ok) / wall if wall else 0.0,
            "errors": len(rows) - len(ok), "non_200": dict(statuses),
            "p50_ms": pct(ok, 0.50), "p95_ms": pct(ok, 0.95), "p99_ms": pct(ok, 0.99),
            "unfinished_threads": sum(t.is_alive() for t in threads)}


# ------------------------------------------------------------------ figures


def pct(values: list[float], p: float) -> float | None:
    """Nearest-rank percentile; None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p * len(ordered)) - 1)]


def latency(rows: list[dict]) -> dict:
    """p50/p95/p99 (of answered queries) by kind and overall, with counts."""
    def figures(rs: list[dict]) -> dict:
        done = [r for r in rs if not r.get("skipped")]
        ok = [r["ms"] for r in done if not r.get("error")]
        return {"count": len(rs), "done": len(done), "errors": len(done) - len(ok),
                "skipped": len(rs) - len(done), "p50": pct(ok, 0.5), "p95": pct(ok, 0.95),
                "p99": pct(ok, 0.99), "max": max(ok) if ok else None}
    out = {kind: figures([r for r in rows if r["kind"] == kind]) for kind in KINDS}
    out["all"] = figures(rows)
    return out


STAGES = ("understand", "filter", "match", "count", "order", "rows", "related", "help")


def stage_figures(rows: list[dict]) -> dict:
    """Per stage of kirinuki's search (``SearchResult.stages``): mean, p95 and max ms over
    the mix, and the rows' cost per row shown (the page's 20, or fewer)."""
    out = {}
    for stage in STAGES:
        spent = [r["stages"].get(stage, 0.0) for r in rows if r.get("stages")]
        out[stage] = {"mean": sum(spent) / len(spent) if spent else None,
                      "p95": pct(spent, 0.95), "max": max(spent) if spent else None}
    return out


def code_version() -> str:
    """The commit benchmarked, with '+changes' when search/ or web/ differ from it."""
    def git(*args: str) -> str:
        try:
            return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True,
                                  timeout=30).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            return ""
    head = git("rev-parse", "--short", "HEAD") or "unknown"
    return head + ("+changes" if git("status", "--porcelain", "--", "search", "web") else "")


def _ratio(a: float | None, b: float | None) -> float | None:
    return a / b if a is not None and b else None


def run(n: int, work: str | Path | None = None, corpus_root: str | Path = "/tmp/synth",
        seed: int = 1, queries: int = 300, http: bool = True, clients: int = 16,
        requests: int | None = None, timeout: float = 30.0, budget: float = 900.0,
        duration: float = 120.0, build_timeout: float = 3600.0, do_update: bool = True,
        log=print, corpus_dir: str | Path | None = None, tantivy: bool = True,
        reuse: bool = False) -> dict:
    """The whole benchmark for one N; returns the result object (see the module doc).

    ``corpus_dir``: measure that corpus as it is (the bundled one, a user's archive)
    instead of a synthetic one; the update phase, which rewrites a synthetic corpus, is
    then left out. ``tantivy``: build and ask the second reference too. ``reuse``: the
    FTS5 database and the tantivy index already in ``work`` (built by an earlier run on the
    same corpus) are asked, not built again (their build times print as "-").
    """
    corpus = Path(corpus_dir) if corpus_dir else Path(corpus_root) / f"N{n}"
    name = corpus.name if corpus_dir else f"N{n}"
    work = Path(work) if work else Path(corpus_root) / f"work-{name}"
    work.mkdir(parents=True, exist_ok=True)
    index, db, tv = work / "index", work / "fts5.sqlite", work / "tantivy"
    result: dict = {"n": n, "seed": seed, "corpus": str(corpus), "work": str(work),
                    "cpus": len(os.sched_getaffinity(0)), "load_before": os.getloadavg(),
                    "started": time.strftime("%Y-%m-%d %H:%M:%S"), "code": code_version()}

    if corpus_dir:
        records = load_corpus(corpus, annotate=False).records
        n = result["n"] = len(records)
        info = {"n": n, "shared": sum(1 for r in records if len(r.collections) > 1),
                "files": len(corpus_files([corpus]))}
        do_update = False
    else:
        info = synth.ensure(n, corpus, seed)
    result["corpus_info"] = {**info, "bytes": corpus_bytes(corpus)}
    log(f"corpus {corpus}: {n} records, {info['files']} files, "
        f"{result['corpus_info']['bytes'] / 1e6:.1f} MB")
    result["floor"] = sudachi_floor(corpus, work, build_timeout)
    log(f"sudachi only: {result['floor']['seconds']:.1f} s")
    result["reindex"] = reindex(corpus, index, build_timeout)
    log(f"reindex: {result['reindex']['seconds']:.1f} s")
    if reuse and db.exists():
        result["fts5_build"] = reused(db)
        log(f"fts5 build: reused {db}")
    else:
        result["fts5_build"] = fts_build(corpus, db, build_timeout)
        log(f"fts5 build: {result['fts5_build']['seconds']:.1f} s")
    if tantivy and reuse and (tv / "meta.json").exists():
        result["tantivy_build"] = reused(tv)
        log(f"tantivy build: reused {tv}")
    elif tantivy:
        result["tantivy_build"] = tantivy_build(corpus, tv, build_timeout)
        log(f"tantivy build: {result['tantivy_build']['seconds']:.1f} s")

    mix = build_mix(db, seed, queries)
    (work / "mix.json").write_text(json.dumps(mix, ensure_ascii=False, indent=0),
                                   encoding="utf-8")
    result["mix"] = mix
    # asked first, by every engine: the same make of mix, other words (the next seed)
    first = build_mix(db, seed + 1, queries)
    engine = run_engine(index, mix, budget, first)
    result["engine"] = {"open_s": engine["open_s"], "latency": latency(engine["rows"]),
                        "first_pass": latency(engine["first_rows"])["all"],
                        "stages": stage_figures(engine["rows"]), "rows": engine["rows"]}
    log(f"in-process mix: p50 {result['engine']['latency']['all']['p50']}")
    fts = run_fts(db, mix, budget, first)
    result["fts5"] = {"open_s": fts["open_s"], "latency": latency(fts["rows"]),
                      "first_pass": latency(fts["first_rows"])["all"], "rows": fts["rows"]}
    result["totals"] = compare_totals(mix, engine["rows"], fts["rows"])
    if tantivy:
        ref = run_tantivy(tv, mix, budget, first)
        result["tantivy"] = {"open_s": ref["open_s"], "latency": latency(ref["rows"]),
                             "first_pass": latency(ref["first_rows"])["all"],
                             "rows": ref["rows"]}
        result["totals_tantivy"] = compare_totals(mix, ref["rows"], fts["rows"], "tantivy")
        log(f"tantivy mix: p50 {result['tantivy']['latency']['all']['p50']}")

    if http:
        port = free_port()
        server = Server(corpus, index, port, work / "server.log")
        try:
            probe = "/api/search?" + urllib.parse.urlencode(
                {"q": next((e["q"] for e in mix if e["kind"] == "rare"), "防衛"),
                 "page_size": 1})
            ready = server.wait_ready(probe, timeout=max(120.0, build_timeout / 10))
            rss_start = server.rss_mb()
            first_rows = run_http(server, first, timeout, budget)
            rows = run_http(server, mix, timeout, budget)
            rss_mix = server.rss_mb()
            load = throughput(server, mix, clients, requests or 2 * len(mix), timeout,
                              duration)
            rss_load = server.rss_mb()
        finally:
            server.stop()
        log_text = (work / "server.log").read_text(encoding="utf-8", errors="replace")
        # serve rebuilds an index made by other analysis code (changed during the run): its
        # start-up then includes a whole build
        ready["rebuilt_first"] = "building it first" in log_text
        result["http"] = {**ready, "port": port, "rss_after_start_mb": rss_start,
                          "rss_after_mix_mb": rss_mix, "rss_after_load_mb": rss_load,
                          "latency": latency(rows), "rows": rows,
                          "first_pass": latency(first_rows)["all"],
                          "statuses": dict(Counter(str(r.get("status")) for r in rows
                                                   if not r.get("skipped"))),
                          "throughput": load}
        log(f"http: first 200 after {ready['first_200_s']:.1f} s, "
            f"{load['requests_per_s']:.1f} req/s with {clients} clients")
    if do_update:
        result["update"] = update(n, seed, work / "corpus-changed", index, build_timeout)
        result["update_prepend"] = update_prepend(work / "corpus-changed",
                                                  work / "corpus-prepended", index,
                                                  build_timeout)
        log(f"update: {result['update']['seconds']:.1f} s")
    result["ratios"] = ratios(result)
    result["load_after"] = os.getloadavg()
    result["code_after"] = code_version()
    return result


def compare_totals(mix: list[dict], engine_rows: list[dict], fts_rows: list[dict],
                   name: str = "kirinuki") -> dict:
    """Queries where both engines answered: how many totals agree, overall and when plain.

    ``engine_rows`` are kirinuki's (compared by the articles holding every word) or
    ``name``'s, another engine asked FTS5's own question."""
    same = plain_same = plain = both = 0
    differ: list[dict] = []
    for e, a, b in zip(mix, engine_rows, fts_rows, strict=True):
        if a.get("total") is None or b.get("total") is None:
            continue
        both += 1
        mine = a.get("complete", a["total"])  # every word, as FTS5 matches
        equal = mine == b["total"]
        same += equal
        if e["plain"]:
            plain += 1
            plain_same += equal
            if not equal:
                differ.append({"q": e["q"], "kind": e["kind"], name: mine,
                               "fts5": b["total"]})
    return {"answered_by_both": both, "equal": same, "plain": plain,
            "plain_equal": plain_same, "plain_differ": differ[:20]}


def ratios(r: dict) -> dict:
    out = {
        "reindex_to_floor": _ratio(r["reindex"]["seconds"], r["floor"]["seconds"]),
        "reindex_to_fts5_build": _ratio(r["reindex"]["seconds"], r["fts5_build"]["seconds"]),
        "index_to_corpus_size": _ratio(r["reindex"]["bytes"], r["corpus_info"]["bytes"]),
        "fts5_to_corpus_size": _ratio(r["fts5_build"]["bytes"], r["corpus_info"]["bytes"]),
        "index_to_fts5_size": _ratio(r["reindex"]["bytes"], r["fts5_build"]["bytes"]),
    }
    for p in ("p50", "p95", "p99"):
        out[f"search_{p}_to_fts5"] = _ratio(r["engine"]["latency"]["all"][p],
                                            r["fts5"]["latency"]["all"][p])
        if "http" in r:
            out[f"http_{p}_to_fts5"] = _ratio(r["http"]["latency"]["all"][p],
                                              r["fts5"]["latency"]["all"][p])
    if "tantivy" in r:
        tb = r["tantivy_build"]
        out |= {"reindex_to_tantivy_build": _ratio(r["reindex"]["seconds"], tb["seconds"]),
                "tantivy_to_corpus_size": _ratio(tb["bytes"], r["corpus_info"]["bytes"]),
                "index_to_tantivy_size": _ratio(r["reindex"]["bytes"], tb["bytes"])}
        for p in ("p50", "p95", "p99"):
            out[f"search_{p}_to_tantivy"] = _ratio(r["engine"]["latency"]["all"][p],
                                                   r["tantivy"]["latency"]["all"][p])
            if "http" in r:
                out[f"http_{p}_to_tantivy"] = _ratio(r["http"]["latency"]["all"][p],
                                                     r["tantivy"]["latency"]["all"][p])
    if "update" in r:
        out["update_to_reindex"] = _ratio(r["update"]["seconds"], r["reindex"]["seconds"])
    return out


# ------------------------------------------------------------------ the table


def _f(value, fmt: str = "{:.1f}", none: str = "-") -> str:
    return none if value is None else fmt.format(value)


def table(r: dict) -> str:
    ci, fl, ri, fb, ra = r["corpus_info"], r["floor"], r["reindex"], r["fts5_build"], r["ratios"]
    tb, tv = r.get("tantivy_build"), r.get("tantivy")
    versus_tantivy = (f"; {_f(ra['reindex_to_tantivy_build'])}x tantivy build, size "
                      f"{_f(ra['index_to_tantivy_size'], '{:.2f}')}x tantivy" if tv else "")
    lines = [
        f"kirinuki scale benchmark  N={r['n']}  seed={r['seed']}  {r['started']}  "
        f"code {r.get('code', '?')}  "
        f"{r['cpus']} cpus, load {r['load_before'][0]:.1f} before / "
        f"{r['load_after'][0]:.1f} after",
        f"corpus  {ci['n']} records ({ci['shared']} in two archives), {ci['files']} files, "
        f"{ci['bytes'] / 1e6:.1f} MB, {fl['characters'] / 1e6:.2f} M characters of text",
        "",
        f"{'build':<32}{'wall s':>9}{'peak RSS MB':>13}{'tree RSS MB':>13}{'tree PSS MB':>13}"
        f"{'size MB':>10}"
        f"  ratios",
        f"{'sudachi only (floor)':<32}{fl['seconds']:9.1f}{fl['peak_rss_mb']:13.0f}"
        f"{fl['peak_tree_rss_mb']:13.0f}"
        f"{fl.get('peak_tree_pss_mb', 0):13.0f}{'':>10}",
        f"{'manage.py reindex':<32}{ri['seconds']:9.1f}{ri['peak_rss_mb']:13.0f}"
        f"{ri['peak_tree_rss_mb']:13.0f}"
        f"{ri.get('peak_tree_pss_mb', 0):13.0f}{ri['bytes'] / 1e6:10.1f}"
        f"  {_f(ra['reindex_to_floor'])}x floor, {_f(ra['reindex_to_fts5_build'])}x fts5; "
        f"size {_f(ra['index_to_corpus_size'], '{:.2f}')}x corpus, "
        f"{_f(ra['index_to_fts5_size'], '{:.2f}')}x fts5{versus_tantivy}",
        f"{'fts5 build (1 process)':<32}{_f(fb['seconds']):>9}{_f(fb['peak_rss_mb'], '{:.0f}'):>13}"
        f"{_f(fb['peak_tree_rss_mb'], '{:.0f}'):>13}"
        f"{_f(fb.get('peak_tree_pss_mb', 0), '{:.0f}'):>13}{fb['bytes'] / 1e6:10.1f}"
        f"  {'reused: built by an earlier run; ' if fb.get('reused') else ''}"
        f"analysis {_f(fb['inner_analyse_s'])} s of it; "
        f"size {_f(ra['fts5_to_corpus_size'], '{:.2f}')}x corpus",
    ]
    if tb:
        lines.append(
            f"{'tantivy build (1 process)':<32}{_f(tb['seconds']):>9}"
            f"{_f(tb['peak_rss_mb'], '{:.0f}'):>13}{_f(tb['peak_tree_rss_mb'], '{:.0f}'):>13}"
            f"{_f(tb.get('peak_tree_pss_mb', 0), '{:.0f}'):>13}{tb['bytes'] / 1e6:10.1f}"
            f"  {'reused: built by an earlier run; ' if tb.get('reused') else ''}"
            f"analysis {_f(tb['inner_analyse_s'])} s of it; "
            f"size {_f(ra.get('tantivy_to_corpus_size'), '{:.2f}')}x corpus; "
            f"{tb['inner_segments']} segments")
    if "update" in r:
        up = r["update"]
        lines.append(
            f"{'manage.py update (1% changed)':<32}{up['seconds']:9.1f}{up['peak_rss_mb']:13.0f}"
            f"{up['peak_tree_rss_mb']:13.0f}"
        f"{up.get('peak_tree_pss_mb', 0):13.0f}{'':>10}  {_f(ra['update_to_reindex'], '{:.2f}')}"
            f"x reindex; {up['summary']}")
    if "update_prepend" in r:
        up = r["update_prepend"]
        lines.append(
            f"{'update (1 new at top of a file)':<32}{up['seconds']:9.1f}"
            f"{up['peak_rss_mb']:13.0f}{up['peak_tree_rss_mb']:13.0f}"
        f"{up.get('peak_tree_pss_mb', 0):13.0f}{'':>10}  "
            f"{up['records_in_file']} records in that file; {up['summary']}")
    lines += ["", f"queries (ms; {len(r['mix'])} in the mix; engine open "
                  f"{r['engine']['open_s'] * 1000:.0f} ms)",
              f"{'kind':<15}{'n':>4} | {'kirinuki p50':>12}{'p95':>8}{'p99':>8}{'err':>5}"
              f" | {'http p50':>9}{'p95':>8}{'p99':>8}{'err':>5}"
              f" | {'fts5 p50':>9}{'p95':>8}{'p99':>8} | {'p50 x fts5':>10}"
              f" | {'tantivy p50':>11}{'p95':>8}{'p99':>8} | {'p50 x tantivy':>13}"]
    http = r.get("http")
    for kind in [*KINDS, "all"]:
        k = r["engine"]["latency"][kind]
        f = r["fts5"]["latency"][kind]
        h = http["latency"][kind] if http else {}
        tk = tv["latency"][kind] if tv else {}
        bad = k["errors"] + k["skipped"]
        hbad = (h.get("errors", 0) + h.get("skipped", 0)) if http else None
        lines.append(
            f"{kind:<15}{k['count']:>4} | {_f(k['p50']):>12}{_f(k['p95']):>8}{_f(k['p99']):>8}"
            f"{bad:>5} | {_f(h.get('p50')):>9}{_f(h.get('p95')):>8}{_f(h.get('p99')):>8}"
            f"{_f(hbad, '{}'):>5} | {_f(f['p50']):>9}{_f(f['p95']):>8}{_f(f['p99']):>8} | "
            f"{_f(_ratio(k['p50'], f['p50'])):>10} | {_f(tk.get('p50')):>11}"
            f"{_f(tk.get('p95')):>8}{_f(tk.get('p99')):>8} | "
            f"{_f(_ratio(k['p50'], tk.get('p50'))):>13}")
    passes = [(name, r[key]["first_pass"]) for name, key in (
        ("kirinuki", "engine"), ("http", "http"), ("fts5", "fts5"), ("tantivy", "tantivy"))
        if key in r and "first_pass" in r[key]]
    if passes:
        lines.append("first pass after opening (the next seed's mix, p50 / p95 / p99 ms): "
                     + "; ".join(f"{name} {_f(v['p50'])} / {_f(v['p95'])} / {_f(v['p99'])}"
                                 for name, v in passes))
    stages = r["engine"].get("stages")
    if stages:
        lines.append("kirinuki per stage (ms, mean / p95 / max): " + "; ".join(
            f"{name} {_f(v['mean'], '{:.2f}')} / {_f(v['p95'], '{:.2f}')} / "
            f"{_f(v['max'], '{:.1f}')}" for name, v in stages.items()))
    t = r["totals"]
    lines.append(f"totals: {t['equal']}/{t['answered_by_both']} equal to FTS5's; plain queries "
                 f"(no synonym/place expansion) {t['plain_equal']}/{t['plain']}")
    if "totals_tantivy" in r:
        t = r["totals_tantivy"]
        lines.append(f"tantivy totals: {t['equal']}/{t['answered_by_both']} equal to FTS5's; "
                     f"plain queries {t['plain_equal']}/{t['plain']}")
    if r.get("code_after", r.get("code")) != r.get("code"):
        lines.append(f"NOTE: the code changed during the run ({r['code']} -> {r['code_after']})")
    if http:
        tp = http["throughput"]
        if http.get("rebuilt_first"):
            lines.append("NOTE: the server rebuilt the index before serving (the analysis code "
                         "changed after reindex): its start-up includes a whole build")
        lines += [
            "",
            f"server  listening after {http['listening_s']:.1f} s, first 200 after "
            f"{http['first_200_s']:.1f} s; RSS {http['rss_after_start_mb']:.0f} MB at start, "
            f"{http['rss_after_mix_mb']:.0f} MB after the mix, {http['rss_after_load_mb']:.0f}"
            f" MB after the load; statuses {http['statuses']}",
            f"load    {tp['clients']} clients, {tp['requests']} requests in {tp['seconds']:.1f} s:"
            f" {tp['requests_per_s']:.1f} req/s ({tp['ok_per_s']:.1f} ok/s); {tp['errors']} "
            f"errors {tp['non_200'] or ''}; p50/p95/p99 of 200s {_f(tp['p50_ms'], '{:.0f}')}/"
            f"{_f(tp['p95_ms'], '{:.0f}')}/{_f(tp['p99_ms'], '{:.0f}')} ms",
        ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, help="records in the synthetic corpus")
    parser.add_argument("--corpus", help="measure this corpus folder as it is instead "
                                         "(e.g. data/corpus); no update phase")
    parser.add_argument("--out", help="write the result object here (JSON)")
    parser.add_argument("--corpus-root", default="/tmp/synth",
                        help="the corpus is N<n> here (made if missing; default /tmp/synth)")
    parser.add_argument("--work", help="index, FTS5 database, logs (default: "
                                       "<corpus-root>/work-N<n>)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--queries", type=int, default=300, help="size of the query mix")
    parser.add_argument("--no-http", action="store_true", help="skip the server's part")
    parser.add_argument("--no-update", action="store_true", help="skip the update")
    parser.add_argument("--no-tantivy", action="store_true",
                        help="skip the second reference engine (tantivy)")
    parser.add_argument("--reuse-references", action="store_true",
                        help="ask the FTS5 database and tantivy index an earlier run left in "
                             "--work instead of building them again")
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--requests", type=int, help="requests of the load test "
                                                     "(default: twice the mix)")
    parser.add_argument("--duration", type=float, default=120.0,
                        help="the load test stops sending after this many seconds")
    parser.add_argument("--timeout", type=float, default=30.0, help="per HTTP request (s)")
    parser.add_argument("--budget", type=float, default=900.0,
                        help="seconds per run of the mix; queries past it are skipped")
    args = parser.parse_args(argv)
    if (args.n is None) == (args.corpus is None):
        parser.error("give --n (a synthetic corpus) or --corpus DIR")
    # the commands measured run as installed: their modules compiled as scripts/serve.sh
    # compiles them (a checkout made for a run has none)
    subprocess.run([PYTHON, "-m", "compileall", "-q", "--invalidation-mode", "checked-hash",
                    str(BENCH.parent / "search"), str(BENCH.parent / "web")], check=True)
    result = run(args.n or 0, args.work, args.corpus_root, args.seed, args.queries,
                 not args.no_http, args.clients, args.requests, args.timeout, args.budget,
                 args.duration, do_update=not args.no_update,
                 log=lambda msg: print(f"[{time.strftime('%H:%M:%S')}] {msg}",
                                       file=sys.stderr, flush=True),
                 corpus_dir=args.corpus, tantivy=not args.no_tantivy,
                 reuse=args.reuse_references)
    print(table(result))
    if args.out:
        Path(args.out).write_text(json.dumps(result, ensure_ascii=False, indent=1),
                                  encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
