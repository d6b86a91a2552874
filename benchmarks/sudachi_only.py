"""The yardstick of issue 3: a process that only loads Sudachi and tokenizes the given text.

    python benchmarks/sudachi_only.py TEXTS.json

TEXTS.json is a JSON list of strings (bench_index.py writes the corpus's titles, summaries
and notes there). Mode C, one tokenizer, each text in pieces that fit one tokenize() call,
exactly as the indexer feeds Sudachi. Imports nothing from kirinuki, so the process costs
what Sudachi costs. Prints the number of morphemes.
"""

import json
import sys

from sudachipy import Dictionary, SplitMode

LIMIT = 10_000  # characters per tokenize() call, as search/text/sudachi.py's chunks()


def main() -> None:
    with open(sys.argv[1], encoding="utf-8") as fh:
        texts = json.load(fh)
    tok = Dictionary().tokenizer(SplitMode.C)
    n = 0
    for text in texts:
        for start in range(0, len(text), LIMIT):
            n += len(tok.tokenize(text[start:start + LIMIT]))
    print(n)


if __name__ == "__main__":
    main()
