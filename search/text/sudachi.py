"""SudachiPy, fed the same way everywhere: one dictionary per process, one tokenizer per thread.

The dictionary is memory-mapped (about 90 MB) and safe to share; a tokenizer is not
("Tokenizer is already in use"), and the web server is threaded. ``words`` is the one way
text reaches the tokenizer: old kanji read as new ones, long text split to fit, offsets
into the caller's string.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import re
import tempfile
import threading
import unicodedata
from functools import lru_cache
from pathlib import Path

import sudachipy
from sudachipy import Config, Dictionary, SplitMode
from sudachipy.sudachipy import build_user_dic

from ..config import DATA_DIR
from ..datatables import lines
from .kana import is_hiragana, katakana

KYUJITAI_FILE = DATA_DIR / "kyujitai.tsv"
# One tokenize() call refuses more than 49,149 bytes; stay well under it.
MAX_CHUNK_BYTES = 40_000
# Texts whose words each thread keeps: a build asks for every title and summary twice (to
# find the countries, then to index them), one right after the other.
RECENT = 8

Word = tuple[int, int, object]  # (begin, end, SudachiPy morpheme)

_local = threading.local()


NAMES_FILE = DATA_DIR / "names.tsv"
# A user dictionary entry: a proper noun (名詞,固有名詞,一般: connection id 4786, as
# Sudachi's user dictionary guide recommends) at the cost that reads いずも whole in
# 護衛艦いずもなどと and not any of the archive's other texts differently
NAME_ENTRY = "{0},4786,4786,5000,{0},名詞,固有名詞,一般,*,*,*,{1},{0},*,A,*,*,*,*\n"


@lru_cache(maxsize=1)
def dictionary() -> Dictionary:
    """The process-wide dictionary (sudachidict-core, with ``NAMES_FILE``'s words), opened
    on first use."""
    user = user_dictionary()
    return Dictionary(config=Config(user=[str(user)])) if user is not None else Dictionary()


def read_names(path: Path = NAMES_FILE) -> list[str]:
    """The words of ``path``, one a line, in hiragana; # begins a comment."""
    found: list[str] = []
    for number, word in lines(path):
        if not is_hiragana(word):
            raise ValueError(f"{path}:{number}: want one word in hiragana: {word!r}")
        found.append(word)
    return found


def names_lexicon(path: Path = NAMES_FILE) -> str:
    """The user dictionary's source: one line of Sudachi's lexicon CSV per word of
    ``path`` (``NAME_ENTRY``), "" when the file lists none. An OpenSearch export ships it
    beside the built dictionary, to be built again by Sudachi's own builder."""
    words = read_names(path) if path.is_file() else []
    return "".join(NAME_ENTRY.format(w, katakana(w)) for w in words)


def user_dictionary(path: Path = NAMES_FILE) -> Path | None:
    """The user dictionary of ``path``'s words, built once per machine and kept in the
    cache folder under the hash of what made it (the words, SudachiPy's version, the system
    dictionary); None when the file lists none. Built to a temporary name and renamed, so
    that processes building it at once never read half a file."""
    lexicon = names_lexicon(path)
    if not lexicon:
        return None
    system = _system_dictionary()
    made_by = "\0".join((lexicon, sudachipy.__version__, str(system.stat().st_size)))
    key = hashlib.sha256(made_by.encode()).hexdigest()[:16]
    folder = _cache_folder()
    built = folder / f"names-{key}.dic"
    if built.is_file():
        return built
    with tempfile.TemporaryDirectory(dir=folder) as work:
        source = Path(work) / "names.csv"
        source.write_text(lexicon, encoding="utf-8")
        out = Path(work) / "names.dic"
        build_user_dic(system, [source], out)
        os.replace(out, built)
    return built


def _system_dictionary() -> Path:
    """sudachidict-core's system.dic (the package SudachiPy itself loads)."""
    spec = importlib.util.find_spec("sudachidict_core")
    if spec is None or spec.origin is None:
        raise RuntimeError("sudachidict-core is not installed: run the set-up in README.md")
    return Path(spec.origin).parent / "resources" / "system.dic"


def _cache_folder() -> Path:
    """$KIRINUKI_CACHE, else $XDG_CACHE_HOME/kirinuki (~/.cache/kirinuki), else a folder of
    this user's in the temporary directory when that one cannot be written."""
    chosen = os.environ.get("KIRINUKI_CACHE")
    places = [Path(chosen)] if chosen else []
    home = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    places += [Path(home) / "kirinuki", Path(tempfile.gettempdir()) / f"kirinuki-{os.getuid()}"]
    for place in places:
        try:
            place.mkdir(parents=True, exist_ok=True)
            if os.access(place, os.W_OK):
                return place
        except OSError:
            continue
    raise RuntimeError("no folder to keep the names dictionary in: set KIRINUKI_CACHE")


def tokenizer():
    """This thread's mode-C tokenizer, created on first use in the thread."""
    tok = getattr(_local, "tokenizer", None)
    if tok is None:
        tok = dictionary().tokenizer(SplitMode.C)
        _local.tokenizer = tok
    return tok


@lru_cache(maxsize=4)
def kyujitai_table(path: Path = KYUJITAI_FILE) -> dict[int, int]:
    """``str.translate`` table: old kanji → new kanji, one character for one character.

    Besides the data file, every CJK compatibility ideograph (神 U+FA19 …) maps to its Unicode
    canonical equivalent: full NFC on the text could change its length, this cannot.
    """
    table: dict[int, int] = {}
    with open(path, encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if not line.strip() or line.startswith("#"):
                continue
            pair = line.split("\t")
            if len(pair) != 2 or len(pair[0]) != 1 or len(pair[1]) != 1 or pair[0] == pair[1]:
                raise ValueError(f"{path}:{number}: want old<TAB>new, one character each: "
                                 f"{line!r}")
            table[ord(pair[0])] = ord(pair[1])
    if set(table.values()) & set(table):
        raise ValueError(f"{path}: a new form is also listed as an old one (a chain)")
    for cp in range(0xF900, 0xFB00):
        canonical = unicodedata.normalize("NFC", chr(cp))
        if len(canonical) == 1 and canonical != chr(cp):
            # some canonical forms are old forms themselves (樂): go on to the new one
            table[cp] = table.get(ord(canonical), ord(canonical))
    return table


@lru_cache(maxsize=1)
def old_kanji() -> re.Pattern:
    """Any character ``kyujitai_table`` maps to another."""
    return re.compile("[" + "".join(re.escape(chr(cp)) for cp in sorted(kyujitai_table())) + "]")


def words(text: str) -> list[Word]:
    """SudachiPy's mode-C words of ``text`` as (begin, end, morpheme), in order.

    Old kanji are read as new ones (讀賣 → 読売: surfaces are new, offsets still point into
    ``text``, the mapping being one character for one). Zero-width morphemes (SudachiPy
    splits … into two) are left out: they cover no character.
    """
    recent: dict[str, list[Word]] | None = getattr(_local, "recent", None)
    if recent is None:
        recent = _local.recent = {}
    found = recent.get(text)
    if found is not None:
        return found
    tok = tokenizer()
    found = []
    read = text
    if old_kanji().search(text):  # rarely: searching is much cheaper than translating
        read = text.translate(kyujitai_table())
    for offset, piece in chunks(read):
        for m in tok.tokenize(piece):
            begin, end = m.begin(), m.end()
            if begin != end:
                found.append((offset + begin, offset + end, m))
    if len(recent) >= RECENT:
        del recent[next(iter(recent))]
    recent[text] = found
    return found


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
