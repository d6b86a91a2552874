#!/usr/bin/env python3
"""kirinuki's command line: a thin layer over the functions of the `search` package."""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
import time
from functools import partial
from pathlib import Path


def _in_the_project_environment() -> None:
    """Run under the project's own Python (.venv, made by scripts/serve.sh or test.sh) when
    started by another one that lacks kirinuki's packages: the README's ``python manage.py
    stats`` then works as typed. Without a .venv, say what to run instead of a traceback."""
    try:
        import sudachipy  # noqa: F401
        import whoosh  # noqa: F401
    except ImportError as exc:
        venv = Path(__file__).resolve().parent / ".venv" / "bin" / "python"
        if venv.is_file() and Path(sys.prefix).resolve() != venv.parent.parent.resolve():
            os.execv(str(venv), [str(venv), str(Path(__file__).resolve()), *sys.argv[1:]])
        sys.exit(f"error: this Python ({sys.executable}) lacks kirinuki's packages "
                 f"({exc.name}). Set the project up first: `sh scripts/serve.sh` (or "
                 "`sh scripts/test.sh`) makes .venv, then `python manage.py …` runs in it.")


if __name__ == "__main__":
    _in_the_project_environment()

from search.config import BUILD_MEMORY, corpus_dir, index_dir, version  # noqa: E402
from search.corpus.loading import load_corpus  # noqa: E402

# Two worker processes nearly halve a build on 2 cores and give the same index (tested:
# identical documents, rankings and facets).
_CPUS = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
DEFAULT_PROCS = min(2, _CPUS or 1)


def cmd_check(args: argparse.Namespace) -> int:
    """Counts per file and every issue; non-zero when a file cannot be read at all, or when
    there are no records."""
    corpus = load_corpus(args.corpus, paths=args.paths or None)
    unreadable = 0
    for rep in corpus.files:
        if not rep.readable:
            unreadable += 1
            print(f"{rep.file}: UNREADABLE")
        else:
            roles = rep.roles
            print(f"{rep.file} [{rep.kind}, {rep.label}]: {rep.lines} lines = "
                  f"{roles.get('record', 0)} in records + {roles.get('furniture', 0)} page "
                  f"furniture + {roles.get('warning', 0)} in warnings; {rep.records} records, "
                  f"{rep.ids} ids, {rep.duplicates} duplicated within the file, "
                  f"{rep.warnings} warnings")
    shared = sum(1 for r in corpus.records if len(r.collections) > 1)
    print(f"total: {len(corpus.records)} records ({shared} in more than one archive)")
    if not corpus.records:
        from search.corpus.loading import no_records

        folder = ", ".join(args.paths) if args.paths else str(corpus_dir(args.corpus))
        print(f"\n{no_records(Path(folder), len(corpus.files))}")
        unreadable += 1
    by_severity: dict[str, list] = {"warning": [], "repair": [], "notice": []}
    for issue in corpus.issues:
        by_severity[issue.severity].append(issue)
    for severity, title in (("warning", "warnings"), ("repair", "repaired"),
                            ("notice", "notices")):
        items = by_severity[severity]
        if items:
            print(f"\n{title} ({len(items)}):")
            for issue in items:
                print(f"  {issue}")
    return 1 if unreadable else 0


def cmd_export(args: argparse.Namespace) -> int:
    """One JSON object per record, one per line; or, with --opensearch, the index as an
    OpenSearch index's settings, mappings and bulk files (search/export/opensearch.py)."""
    if args.opensearch:
        from search.export import export

        if args.paths:
            print("error: --opensearch exports the index (--index), not files: give no paths",
                  file=sys.stderr)
            return 2
        if args.max_mb <= 0:
            print("error: --max-mb must be more than 0", file=sys.stderr)
            return 2
        done = export(args.opensearch, args.index, index=args.opensearch_index,
                      max_bytes=int(args.max_mb * 1_000_000))
        print(done.summary())
        return 0
    corpus = load_corpus(args.corpus, paths=args.paths or None)
    for rec in corpus.records:
        print(json.dumps(rec.to_dict(), ensure_ascii=False))
    return 0


class ProgressBar:
    """A one-line bar on a terminal; silent when stderr is not one (CI, pipes)."""

    def __init__(self, label: str) -> None:
        self.label = label
        self.enabled = sys.stderr.isatty()
        self.last = 0.0

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if not self.enabled or (done < total and now - self.last < 0.1):
            return
        self.last = now
        width = 30
        filled = width * done // max(total, 1)
        sys.stderr.write(f"\r{self.label} [{'#' * filled}{'.' * (width - filled)}] "
                         f"{done}/{total}")
        if done >= total:
            sys.stderr.write("\n")
        sys.stderr.flush()


def cmd_reindex(args: argparse.Namespace) -> int:
    from search.index import prescan

    # a small corpus is scanned in another process while the build's modules load
    early = prescan.start(args.corpus) if args.procs > 1 else None
    from search.index.build import reindex

    stats = reindex(args.index, args.corpus, ProgressBar("indexing"), procs=args.procs,
                    memory=args.memory << 20 if args.memory else None, prescan=early)
    _report_issues(stats.issues)
    print(stats.summary())
    return 0


# Problems listed by reindex and update; `check` lists them all.
SHOWN_ISSUES = 20


def _report_issues(issues: list) -> None:
    """The corpus problems a build found: counted, and the first warnings and repairs named."""
    if not issues:
        return
    counts = {sev: sum(1 for i in issues if i.severity == sev)
              for sev in ("warning", "repair", "notice")}
    print(f"corpus: {_count(counts['warning'], 'warning')}, {counts['repair']} repaired, "
          f"{_count(counts['notice'], 'notice')}")
    named = [i for i in issues if i.severity != "notice"]
    for issue in named[:SHOWN_ISSUES]:
        print(f"  {issue.severity}: {issue}")
    if len(named) > SHOWN_ISSUES or counts["notice"]:
        print("  (`python manage.py check` lists every one)")


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def cmd_update(args: argparse.Namespace) -> int:
    from search.index.build import update

    stats = update(args.index, args.corpus, ProgressBar("updating"), procs=DEFAULT_PROCS)
    for note in stats.notes:
        print(note)
    _report_issues(stats.issues)
    print(stats.summary())
    return 0


def cmd_stats(args: argparse.Namespace) -> int:
    from search.index.stats import index_stats
    from search.text.tables import table

    st = index_stats(args.index)
    print(f"index: {st.path}")
    print(f"built: {st.built_at}   documents: {st.documents}   "
          f"size: {st.size_bytes / 1_000_000:.1f} MB")
    print(f"corpus hash: {st.corpus_hash}")
    for title, rows in (("by kind", st.by_kind), ("by archive", st.by_collection),
                         ("by outlet", st.by_source), ("by year", st.by_year)):
        print(f"\n{title}:")
        for line in table(list(rows.items()), "<>"):
            print(line)
    return 0


def cmd_search(args: argparse.Namespace) -> int:
    from search.engine import SearchRequest, check_page, search
    from search.facets import BY_PARAM, FACETS, keyword_facets

    req = SearchRequest(
        q=" ".join(args.query),
        selected={f.key: getattr(args, f"facet_{f.key}") for f in FACETS
                  if getattr(args, f"facet_{f.key}")},
        date_from=args.date_from, date_to=args.date_to, sort=args.sort, page=args.page,
        page_size=args.limit, correct=not args.exact, related=args.related,
        match_all=[BY_PARAM[param].key for param in dict.fromkeys(args.match_all)])
    if args.opensearch_dsl:  # the request body for OpenSearch; no index is opened
        from search.export import translate

        print(json.dumps(translate(req, partial=args.partial), ensure_ascii=False, indent=2))
        return 0
    with _engine(args) as engine:
        result = check_page(search(req, engine))  # past the last page: the page's message
    if args.json:
        print(json.dumps(result.to_dict(), ensure_ascii=False, indent=1))
        return 0
    if result.corrected:
        print(f"「{result.query}」に一致する記事がないため、「{result.corrected}」の検索結果を"
              "表示しています(入力どおりに検索するには --exact)")
    print(f"{result.total} 件  ({result.understood})  {result.elapsed_ms:.0f} ms")
    for key in result.match_all:
        facet = next(f for f in FACETS if f.key == key)
        print(f"  {facet.label}: {'・'.join(req.selected[key])} のすべてを含む記事")
    if result.complete < result.total:
        print(f"  すべての語を含む記事は {result.complete} 件、そのあとに一部の語を含む記事")
    for message in result.messages:
        print(f"  ※ {message}")
    for n, hit in enumerate(result.results, start=(result.page - 1) * result.page_size + 1):
        print(f"\n{n:>3}. {_terminal_marks(hit.title_html)}")
        keywords = " ".join(v for f in keyword_facets() for v in hit.values.get(f.key, []))
        print(f"     {hit.date or '日付なし'} {hit.time or ''}  {hit.source}  "
              f"[{hit.id}]  {keywords}")
        print(f"     {_terminal_marks(hit.snippet_html)}")
        if hit.missing:
            print(f"     含まれない語: {' '.join(hit.missing)}")
    if result.related:
        print("\n関連記事(検索語を含まないが、上位の記事と話題の近い記事。件数には含まない):")
        for hit in result.related:
            print(f"  ・ {_terminal_marks(hit.title_html)}  {hit.date or '日付なし'}  "
                  f"{hit.source}  [{hit.id}]")
    elif result.related_offered and not args.related:
        print("\n話題の近い記事(検索語を含まない記事)は --related で表示します")
    if result.suggestions:
        print(f"\nもしかして: {' / '.join(result.suggestions)}")
    for facet, values in result.facets.items():
        shown = "  ".join(f"{v.value}({v.count})" for v in values[:10])
        if shown:
            print(f"\n{facet}: {shown}")
    return 0


def _terminal_marks(html: str) -> str:
    """<mark>…</mark> as reverse video on a terminal, brackets elsewhere; unescape the rest."""
    from html import unescape

    on, off = ("\033[7m", "\033[0m") if sys.stdout.isatty() else ("【", "】")
    return unescape(html.replace("<mark>", on).replace("</mark>", off))


def cmd_cite(args: argparse.Namespace) -> int:
    """One record cited in each style, or as RIS or BibTeX for a reference manager."""
    from urllib.parse import quote

    from search.engine import STYLES, bibtex, citations, ris

    with _engine(args) as engine:
        record = engine.record(args.id).record
    base = (args.base_url or "").rstrip("/")

    def url(rid: str) -> str:
        return f"{base}/records/{quote(rid, safe='')}" if base else ""

    if args.format == "ris":
        sys.stdout.write(ris([record], url))
    elif args.format == "bibtex":
        sys.stdout.write(bibtex([record], url))
    else:
        cited = citations(record)
        for key, label in STYLES:
            print(f"{label}\n  {cited[key]}")
    return 0


def cmd_trends(args: argparse.Namespace) -> int:
    """Each term's clippings per year or month (as the trends page and /api/trends)."""
    from search.engine import SearchRequest
    from search.facets import BY_PARAM, FACETS
    from search.text.tables import table

    req = SearchRequest(selected={f.key: getattr(args, f"facet_{f.key}") for f in FACETS
                                  if getattr(args, f"facet_{f.key}")},
                        date_from=args.date_from, date_to=args.date_to,
                        match_all=[BY_PARAM[p].key for p in dict.fromkeys(args.match_all)])
    with _engine(args) as engine:
        data = engine.trends(args.terms, args.by, req)
    if args.json:
        print(json.dumps(data.to_dict(), ensure_ascii=False, indent=1))
        return 0
    for s in data.series:
        print(f"{s.term}: 計 {s.total} 件  ({s.understood})")
    if not data.periods:
        print("どの語も見つかりませんでした")
        return 0

    def cell(s, i: int) -> str:
        return f"{s.shares[i] * 100:.1f}%" if args.share else str(s.counts[i])

    rows = [["期間", *(s.term for s in data.series), "全記事"]]
    rows += [[p, *(cell(s, i) for s in data.series), str(data.clippings[i])]
             for i, p in enumerate(data.periods)]
    print("\n".join(table(rows, "<" + ">" * (len(data.series) + 1))))
    return 0


def cmd_evaluate(args: argparse.Namespace) -> int:
    from search.engine.evaluate import evaluate, kind_table, read_kinds, read_qrels, read_queries

    queries = read_queries(args.queries)
    kinds = read_kinds(args.kinds) if args.kinds else {}
    if kinds and (missing := [qid for qid, _ in queries if qid not in kinds]):
        print(f"error: {args.kinds} gives no kind for {', '.join(missing)}: add a line "
              "qid<TAB>kind for each", file=sys.stderr)
        return 2
    with _engine(args) as engine:
        result = evaluate(queries, read_qrels(args.qrels), engine, run_path=args.run,
                          matches_only=args.matches_only)
    for q in result.queries:
        print(f"{q.qid:<6} nDCG@10 {q.ndcg10:.3f}  R@10 {q.recall10:.2f}  "
              f"R@100 {q.recall100:.2f}  RR {q.rr:.2f}  rel {q.relevant:>2}  {q.query}")
    print("\n" + "  ".join(f"{k} {v:.3f}" for k, v in result.summary().items()))
    if kinds:
        print("\n" + kind_table({"kirinuki": result}, kinds))
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    from search.index.build import reindex
    from search.index.store import outdated
    from web.server import bind

    # Bind before anything slow, so a busy port is said at once; listening starts with the
    # server (a rebuild below forks worker processes, so no server thread may run yet).
    sock = bind(args.host, args.port)
    try:
        reason = outdated(args.index)
        if reason is not None:
            print(f"{reason}: building it first")
            stats = reindex(args.index, args.corpus, ProgressBar("indexing"),
                            procs=DEFAULT_PROCS)
            _report_issues(stats.issues)
            print(stats.summary())
    except BaseException:
        sock.close()  # an empty corpus, a full disk, Ctrl-C: the port is given back
        raise
    from web import create_app
    from web.server import make_server

    config = {"INDEX_DIR": str(index_dir(args.index))}
    if args.base_url:
        config["BASE_URL"] = args.base_url
    try:
        app = create_app(config)
    except ValueError as exc:
        sock.close()
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.debug:
        sock.close()
        app.run(host=args.host, port=args.port, debug=True)
        return 0
    server = make_server(app, args.host, args.port, threads=8, sock=sock)
    print(f"serving on {server.url}  (Ctrl-C to stop)", flush=True)
    if not app.config["BASE_URL"] and args.host in ("", "0.0.0.0", "::"):
        print("  links in feeds and CSV use this address; give the one users type with "
              "--base-url", flush=True)
    server.run()  # until Ctrl-C
    return 0


def _engine(args: argparse.Namespace):
    from search.engine import Engine

    return Engine(args.index)


def _folder_options(parser: argparse.ArgumentParser) -> None:
    """--corpus and --index; SUPPRESS, so a value given after the command is not undone."""
    parser.add_argument("--corpus", default=argparse.SUPPRESS,
                        help=f"corpus folder (default: $KIRINUKI_CORPUS or {corpus_dir()})")
    parser.add_argument("--index", default=argparse.SUPPRESS,
                        help=f"index folder (default: $KIRINUKI_INDEX or {index_dir()})")


def _megabytes(text: str) -> int:
    """A memory budget in MB: a whole number, 0 or more."""
    try:
        value = int(text)
    except ValueError:
        value = -1
    if value < 0:
        raise argparse.ArgumentTypeError(f"「{text}」: MB の数(0 以上の整数)を指定してください")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="manage.py", description=__doc__)
    parser.add_argument("--version", action="version", version=f"kirinuki {version()}")
    _folder_options(parser)
    parser.set_defaults(corpus=None, index=None)
    sub = parser.add_subparsers(dest="command", required=True)
    # --corpus and --index are accepted after the command too (`reindex --index DIR`)
    common = argparse.ArgumentParser(add_help=False)
    _folder_options(common)
    add = partial(sub.add_parser, parents=[common])

    check = add("check", help="what was parsed, what looks wrong")
    check.add_argument("paths", nargs="*", help="files or folders (default: the corpus)")
    check.set_defaults(func=cmd_check)
    export = add("export", help="every record as JSON, one per line")
    export.add_argument("paths", nargs="*", help="files or folders (default: the corpus)")
    export.add_argument("--opensearch", metavar="DIR",
                        help="write the index as an OpenSearch index instead: settings.json, "
                             "mappings.json and bulk NDJSON files (README, Beyond one machine)")
    export.add_argument("--opensearch-index", default="kirinuki", metavar="NAME",
                        help="the OpenSearch index the bulk files load (default kirinuki)")
    export.add_argument("--max-mb", type=float, default=50,
                        help="largest bulk file, in MB (default 50; a record is never split)")
    export.set_defaults(func=cmd_export)

    rebuild = add("reindex", help="build the whole index afresh")
    rebuild.add_argument("--procs", type=int, default=DEFAULT_PROCS,
                         help=f"indexing processes (default {DEFAULT_PROCS})")
    rebuild.add_argument("--memory", type=_megabytes, default=BUILD_MEMORY >> 20, metavar="MB",
                         help="postings held in memory by all indexing processes before a "
                              f"segment is written (default {BUILD_MEMORY >> 20}; 0: no "
                              "bound, one segment per process)")
    rebuild.set_defaults(func=cmd_reindex)
    add("update", help="bring the index up to date with the corpus").set_defaults(
        func=cmd_update)
    add("stats", help="what is in the index").set_defaults(func=cmd_stats)

    _search_options(add("search", help="search from the command line"))

    ev = add("evaluate", help="score the engine on judged queries")
    ev.add_argument("--queries", required=True, help="TSV: qid<TAB>query")
    ev.add_argument("--qrels", required=True, help="TREC qrels: qid 0 docid grade")
    ev.add_argument("--run", help="write a TREC run file here (related articles tagged "
                    "kirinuki.related; scores fall with the rank)")
    ev.add_argument("--matches-only", action="store_true",
                    help="score the matches alone, not the related articles listed after them")
    ev.add_argument("--kinds", help="TSV: qid<TAB>kind; adds a table of the figures by kind")
    ev.set_defaults(func=cmd_evaluate)

    tr = add("trends", help="compare up to five terms' clippings per year or month")
    tr.add_argument("terms", nargs="+", help="the terms (each searched as the search box does)")
    tr.add_argument("--by", choices=("year", "month"), default="year")
    tr.add_argument("--share", action="store_true",
                    help="as a share of each period's clippings, not counts")
    tr.add_argument("--json", action="store_true", help="print the API's object")
    from search.facets import FACETS

    for facet in FACETS:
        tr.add_argument(f"--{facet.param}", dest=f"facet_{facet.key}", action="append",
                        default=[], help=f"{facet.label} (repeatable)")
    tr.add_argument("--all-of", dest="match_all", action="append", default=[],
                    choices=[f.param for f in FACETS if f.conjunctive])
    tr.add_argument("--from", dest="date_from")
    tr.add_argument("--to", dest="date_to")
    tr.set_defaults(func=cmd_trends)
    cite = add("cite", help="cite one record: SIST 02, the Japanese newspaper form, Chicago; "
                            "or RIS / BibTeX")
    cite.add_argument("id", help="the record's id (2409-082209, whitepaper-2025#38)")
    cite.add_argument("--format", choices=("text", "ris", "bibtex"), default="text")
    cite.add_argument("--base-url", help="where the record pages are served "
                      "(https://example.org/kirinuki), for the RIS and BibTeX links; "
                      "none by default")
    cite.set_defaults(func=cmd_cite)
    serve = add("serve", help="serve the search page and the API")
    serve.add_argument("--host", default=os.environ.get("KIRINUKI_HOST", "127.0.0.1"))
    serve.add_argument("--port", type=int, default=int(os.environ.get("KIRINUKI_PORT", 5000)))
    serve.add_argument("--base-url", help="the address users reach the server at "
                       "(https://example.org/kirinuki), for the links in feeds, CSV and the API "
                       "(default: $KIRINUKI_BASE_URL, else --host and --port)")
    serve.add_argument("--debug", action="store_true", help="Flask's own server, debug on")
    serve.set_defaults(func=cmd_serve)
    return parser


def _search_options(srch: argparse.ArgumentParser) -> None:
    srch.add_argument("query", nargs="*", help="the query (empty: browse newest first)")
    from search.facets import FACETS

    for facet in FACETS:  # --source, --country, --org, … as the URL names them
        srch.add_argument(f"--{facet.param}", dest=f"facet_{facet.key}", action="append",
                          default=[], help=f"{facet.label} (repeatable)")
    srch.add_argument("--from", dest="date_from",
                      help="from date: 2024-06-01, 2024-06, 2024, 令和6年, R6.6.1, 2024年度")
    srch.add_argument("--to", dest="date_to", help="to date, written as --from")
    srch.add_argument("--all-of", dest="match_all", action="append", default=[],
                      choices=[f.param for f in FACETS if f.conjunctive],
                      help="require every value given of this facet, not any of them "
                           "(--country 米国 --country オーストラリア --all-of country)")
    srch.add_argument("--sort", choices=("relevance", "newest", "oldest"))
    srch.add_argument("--page", type=int, default=1)
    srch.add_argument("--limit", type=int, default=10, help="results per page")
    srch.add_argument("--json", action="store_true", help="print the API's JSON object")
    srch.add_argument("--related", action="store_true",
                      help="list the related articles after the last match (articles without "
                           "the words, like the first matches)")
    srch.add_argument("--exact", action="store_true",
                      help="search the words as typed, without correcting a misspelling")
    srch.add_argument("--opensearch-dsl", action="store_true",
                      help="print the OpenSearch request body for this search instead "
                           "(search/export/dsl.py), for an index made by export --opensearch")
    srch.add_argument("--partial", action="store_true",
                      help="with --opensearch-dsl: match most of the words, not all "
                           "(what stands in for partial matches)")
    srch.set_defaults(func=cmd_search)


def _user_error(exc: Exception) -> bool:
    """Errors whose message tells the user what to do: printed without a traceback."""
    if isinstance(exc, FileNotFoundError):
        return True
    from search.errors import CorpusError, IndexProblem, SearchError
    from web.server import ServeError

    return isinstance(exc, SearchError | IndexProblem | ServeError | CorpusError)


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except BrokenPipeError:  # `manage.py export | head`: the reader has what it wanted
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())  # so the exit's flush does not fail again
        return 0
    except KeyboardInterrupt:
        print("interrupted: nothing was changed", file=sys.stderr)
        return 130
    except Exception as exc:
        if not _user_error(exc):
            raise
        print(f"error: {exc}", file=sys.stderr)
        return 2


def _exit(code: int | None) -> None:
    """End the process once the command is done: its files are written and closed, and
    what it printed is flushed here. Python's own exit would then take every object down
    one by one (the analyser's and the dictionary's tables, a build's caches: 15 ms after
    a build of the bundled corpus, measured) to free memory the operating system takes
    back at once."""
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):  # a reader gone (`| head`), closed
            stream.flush()
    os._exit(code or 0)


if __name__ == "__main__":
    _exit(main())
