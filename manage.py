#!/usr/bin/env python3
"""kirinuki's command line: a thin layer over the functions of the `search` package."""

from __future__ import annotations

import argparse
import json
import sys

from search.config import corpus_dir
from search.corpus import load_corpus


def cmd_check(args: argparse.Namespace) -> int:
    """Counts per file and every issue; non-zero only when a file cannot be read at all."""
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
    by_severity = {"warning": [], "repair": [], "notice": []}
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
    """One JSON object per record, one per line."""
    corpus = load_corpus(args.corpus, paths=args.paths or None)
    kinds = {rep.file: rep.kind for rep in corpus.files}
    for rec in corpus.records:
        row = rec.to_dict()
        row.setdefault("kind", kinds.get(rec.file))
        print(json.dumps(row, ensure_ascii=False))
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="manage.py", description=__doc__)
    parser.add_argument("--corpus", help=f"corpus folder (default: $KIRINUKI_CORPUS or "
                                         f"{corpus_dir()})")
    sub = parser.add_subparsers(dest="command", required=True)
    check = sub.add_parser("check", help="what was parsed, what looks wrong")
    check.add_argument("paths", nargs="*", help="files or folders (default: the corpus)")
    check.set_defaults(func=cmd_check)
    export = sub.add_parser("export", help="every record as JSON, one per line")
    export.add_argument("paths", nargs="*", help="files or folders (default: the corpus)")
    export.set_defaults(func=cmd_export)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except BrokenPipeError:  # `manage.py export | head`
        return 0
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
