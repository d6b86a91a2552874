"""One SudachiPy dictionary per process, one tokenizer per thread.

The dictionary is memory-mapped (about 90 MB) and safe to share; a tokenizer is not
("Tokenizer is already in use"), and the web server is threaded.
"""

from __future__ import annotations

import threading
from functools import lru_cache

from sudachipy import Dictionary, SplitMode

# One tokenize() call refuses more than 49,149 bytes; stay well under it.
MAX_CHUNK_BYTES = 40_000

_local = threading.local()


@lru_cache(maxsize=1)
def dictionary() -> Dictionary:
    """The process-wide dictionary (sudachidict-core), opened on first use."""
    return Dictionary()


def tokenizer():
    """This thread's mode-C tokenizer, created on first use in the thread."""
    tok = getattr(_local, "tokenizer", None)
    if tok is None:
        tok = dictionary().tokenizer(SplitMode.C)
        _local.tokenizer = tok
    return tok


def chunks(text: str, limit: int = MAX_CHUNK_BYTES):
    """Yield (offset, piece) so that each piece fits one tokenize() call.

    Splits after a newline or 。 where possible, so words are not cut; offsets are
    code-point offsets into ``text``.
    """
    start = 0
    n = len(text)
    while start < n:
        # A code point is at most 4 bytes in UTF-8: limit // 4 characters always fit.
        end = min(n, start + limit // 4)
        if end < n:
            cut = max(text.rfind("\n", start, end), text.rfind("。", start, end))
            if cut > start:
                end = cut + 1
        yield start, text[start:end]
        start = end
