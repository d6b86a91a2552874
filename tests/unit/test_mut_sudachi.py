"""SudachiPy fed one way (search/text/sudachi.py), with the real dictionary: one dictionary,
a mode-C tokenizer per thread, the old-kanji table read from a file (tables of one's own in
tmp_path for its refusals), the words of a text cached per thread, long text in chunks."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest
from sudachipy import Config, Dictionary, SplitMode

from search.text import sudachi
from search.text.sudachi import (
    KYUJITAI_FILE,
    MAX_CHUNK_BYTES,
    RECENT,
    chunks,
    kyujitai_table,
    old_kanji,
    read_names,
    user_dictionary,
    words,
)


def surfaces(found: list[sudachi.Word]) -> list[tuple[int, int, str]]:
    return [(b, e, m.surface()) for b, e, m in found]


def test_one_dictionary_and_a_mode_c_tokenizer_per_thread() -> None:
    assert sudachi.dictionary() is sudachi.dictionary()
    tok = sudachi.tokenizer()
    assert sudachi.tokenizer() is tok
    # mode C: the longest words (A would give 国防 / 相, 海上 / 自衛 / 隊)
    assert [m.surface() for m in tok.tokenize("国防相と海上自衛隊")] == [
        "国防相", "と", "海上自衛隊"]
    other: list[object] = []

    def in_a_thread() -> None:  # a thread of its own: nothing made there yet
        other.extend([sudachi.tokenizer(), sudachi.tokenizer()])

    thread = threading.Thread(target=in_a_thread)
    thread.start()
    thread.join()
    assert other[0] is not None and other[0] is not tok and other[1] is other[0]


def test_words_are_read_with_new_kanji_at_the_offsets_of_the_text() -> None:
    """讀賣 and 國 read as 読売 and 国; … (which SudachiPy splits into … and two empty
    morphemes) is one word."""
    assert surfaces(words("讀賣新聞の國防相…だ")) == [
        (0, 2, "読売"), (2, 4, "新聞"), (4, 5, "の"), (5, 8, "国防相"), (8, 9, "…"),
        (9, 10, "だ")]
    assert surfaces(words("神社")) == [(0, 2, "神社")]  # 神 U+FA19
    assert words("") == []


def test_words_in_a_new_thread() -> None:
    """The first call in a thread makes its memory of recent texts."""
    found: list[list[sudachi.Word]] = []

    def in_a_thread() -> None:
        found.extend([words("空母が寄港"), words("空母が寄港")])

    thread = threading.Thread(target=in_a_thread)
    thread.start()
    thread.join()
    assert surfaces(found[0]) == [(0, 2, "空母"), (2, 3, "が"), (3, 5, "寄港")]
    assert found[1] is found[0]


def test_the_words_of_the_last_texts_are_kept_per_thread() -> None:
    texts = [f"空母{n}隻" for n in range(RECENT + 1)]
    first = words(texts[0])
    assert words(texts[0]) is first
    for text in texts[1:RECENT]:
        words(text)
    assert words(texts[0]) is first  # eight kept
    words(texts[RECENT])  # a ninth: the oldest goes
    again = words(texts[0])
    assert again is not first and surfaces(again) == surfaces(first)
    assert words(texts[RECENT]) is words(texts[RECENT])
    assert RECENT == 8


def test_a_long_text_is_read_in_chunks_with_offsets_into_it() -> None:
    """More than ``MAX_CHUNK_BYTES`` // 4 characters: words after the first piece keep
    their offsets in the whole text."""
    sentence = "空母が寄港した。"
    text = sentence * (MAX_CHUNK_BYTES // 4 // len(sentence) + 2)
    found = words(text)
    assert MAX_CHUNK_BYTES == 40_000
    assert len(found) == 6 * (len(text) // len(sentence))  # 空母 が 寄港 し た 。
    assert all(text[b:e] == m.surface() for b, e, m in found)
    assert found[-1][1] == len(text)


def test_chunks_cut_after_a_line_or_a_sentence() -> None:
    assert list(chunks("あいう\nえお。かきくけこ", 24)) == [
        (0, "あいう\n"), (4, "えお。"), (7, "かきくけこ")]
    assert list(chunks("あいうえおかきくけこ", 12)) == [
        (0, "あいう"), (3, "えおか"), (6, "きくけ"), (9, "こ")]
    # a break at the very start of the window is no place to cut
    assert list(chunks("\nあいうえお", 12)) == [(0, "\nあい"), (3, "うえお")]
    assert list(chunks("あい。\nうえお", 16)) == [(0, "あい。\n"), (4, "うえお")]
    assert list(chunks("あいう", 12)) == [(0, "あいう")]
    # the last piece is not cut, whatever it holds
    assert list(chunks("あい\nう", 40)) == [(0, "あい\nう")]
    # the last break within the window, not one past it, nor the first
    assert list(chunks("あいうえお\nか", 12)) == [(0, "あいう"), (3, "えお\n"), (6, "か")]
    assert list(chunks("あ\nい\nうえおか", 24)) == [(0, "あ\nい\n"), (4, "うえおか")]
    assert list(chunks("あ。い。うえおか", 24)) == [(0, "あ。い。"), (4, "うえおか")]
    assert list(chunks("あ。い\nうえおか", 24)) == [(0, "あ。い\n"), (4, "うえおか")]
    assert list(chunks("あ\nい。うえおか", 24)) == [(0, "あ\nい。"), (4, "うえおか")]
    assert list(chunks("", 12)) == []
    assert list(chunks("あ" * 10_001)) == [(0, "あ" * 10_000), (10_000, "あ")]


def test_the_bundled_table_and_its_pattern() -> None:
    table = kyujitai_table()
    assert kyujitai_table(KYUJITAI_FILE) == table
    assert table[ord("讀")] == ord("読") and table[ord("國")] == ord("国")
    assert table[0xFA19] == ord("神")  # a compatibility ideograph, mapped by the loader
    assert table[0xF914] == ord("楽")  # 樂 U+F914 → 樂 (itself old) → 楽
    assert ord("読") not in table
    assert old_kanji().search("讀") and old_kanji().search("\ufa19")
    assert old_kanji().search("読売新聞 国防") is None


def table_of(tmp_path: Path, text: str) -> dict[int, int]:
    path = tmp_path / "kyujitai.tsv"
    path.write_text(text, encoding="utf-8")
    return kyujitai_table(path)


def test_a_table_of_ones_own(tmp_path: Path) -> None:
    """Comments and blank lines skipped; every compatibility ideograph added; one whose
    canonical form is listed as old goes on to the new form."""
    table = table_of(tmp_path, "# old\tnew\n\n  \n讀\t読\n樂\t楽\n")
    assert table[ord("讀")] == ord("読") and table[ord("樂")] == ord("楽")
    assert table[0xF914] == ord("楽") and table[0xFA19] == ord("神")
    assert ord("\ufaff") not in table and 0xFB00 not in table
    assert table[0xF900] == ord("豈")  # the first of the block
    assert 0xFAD9 in table  # U+FAD9 → 鼻 U+9F8E, the last that has a single-character form
    assert len([cp for cp in table if 0xF900 <= cp < 0xFB00]) == 460


@pytest.mark.parametrize("line", ["讀読", "讀\t読\t読", "讀売\t読", "讀\t読売", "読\t読", "讀\t"])
def test_a_line_not_one_old_and_one_new_character_is_refused(tmp_path: Path,
                                                            line: str) -> None:
    path = tmp_path / "kyujitai.tsv"
    path.write_text(f"# header\n國\t国\n{line}\n", encoding="utf-8")
    with pytest.raises(ValueError) as raised:
        kyujitai_table(path)
    assert str(raised.value) == (f"{path}:3: want old<TAB>new, one character each: "
                                 f"{line!r}")


def test_a_chain_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "kyujitai.tsv"
    path.write_text("讀\t読\n読\t売\n", encoding="utf-8")
    with pytest.raises(ValueError) as raised:
        kyujitai_table(path)
    assert str(raised.value) == f"{path}: a new form is also listed as an old one (a chain)"


# -- the names SudachiPy lacks (data/names.tsv) ---------------------------------------------

@pytest.mark.parametrize(("text", "found"), [
    ("いずも", ["いずも"]), ("むらさめ", ["むらさめ"]), ("こんごう", ["こんごう"]),
    ("護衛艦いずもなどと共同", ["護衛", "艦", "いずも", "など", "と", "共同"]),
    ("護衛艦きりさめのほか", ["護衛", "艦", "きりさめ", "の", "ほか"]),
    # the dictionary's own words and grammar as before: 春雨, 金剛, かどうかが
    ("春雨が降る", ["春雨", "が", "降る"]), ("金剛", ["金剛"]),
    ("するかどうかが焦点", ["する", "か", "どう", "か", "が", "焦点"]),
])
def test_the_names_file_s_words_are_read_whole(text, found) -> None:
    assert [m.surface() for _b, _e, m in words(text)] == found


def test_the_bundled_names_are_hiragana_ship_names_of_three_kana_or_more() -> None:
    names = read_names()
    assert {"いずも", "むらさめ", "そうりゅう", "たいげい"} <= set(names)
    assert "かが" not in names and all(len(n) >= 3 for n in names)
    assert len(names) == len(set(names))


def test_a_names_file_is_words_in_hiragana_one_a_line(tmp_path: Path) -> None:
    names = tmp_path / "names.tsv"
    names.write_text("# ships\nいずも\n\n  むらさめ  # a destroyer # named so\nぷーさん\n",
                     encoding="utf-8")
    assert read_names(names) == ["いずも", "むらさめ", "ぷーさん"]


@pytest.mark.parametrize("line", ["出雲", "イズモ", "いずも まや", "ず", "izumo"])
def test_a_names_file_of_anything_but_hiragana_words_is_refused(tmp_path: Path, line) -> None:
    bad = tmp_path / "names.tsv"
    bad.write_text(f"# ships\nいずも\n{line}\n", encoding="utf-8")
    with pytest.raises(ValueError, match=rf"names.tsv:3: want one word in hiragana: '{line}"):
        read_names(bad)


def test_a_name_is_a_proper_noun_read_in_katakana() -> None:
    m = sudachi.tokenizer().tokenize("いずも")[0]
    assert (m.surface(), m.reading_form(), m.normalized_form()) == ("いずも", "イズモ", "いずも")
    assert m.part_of_speech()[:3] == ("名詞", "固有名詞", "一般")


def test_the_system_dictionary_is_sudachidict_cores(monkeypatch) -> None:
    found = sudachi._system_dictionary()
    assert found.name == "system.dic" and found.parent.parent.name == "sudachidict_core"
    assert found.is_file()
    monkeypatch.setattr(sudachi.importlib.util, "find_spec", lambda name: None)
    with pytest.raises(RuntimeError, match=r"^sudachidict-core is not installed: run the "
                                           r"set-up in README\.md$"):
        sudachi._system_dictionary()


def test_the_cache_folder_is_chosen_by_the_environment(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("KIRINUKI_CACHE", str(tmp_path / "mine"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert sudachi._cache_folder() == tmp_path / "mine" and (tmp_path / "mine").is_dir()
    monkeypatch.delenv("KIRINUKI_CACHE")
    assert sudachi._cache_folder() == tmp_path / "xdg" / "kirinuki"
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setattr(Path, "home", lambda: tmp_path / "home")
    assert sudachi._cache_folder() == tmp_path / "home" / ".cache" / "kirinuki"
    # a folder that cannot be made (a file stands there): the temporary directory's
    (tmp_path / "file").write_text("")
    monkeypatch.setenv("KIRINUKI_CACHE", str(tmp_path / "file" / "below"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "file"))
    monkeypatch.setattr(sudachi.tempfile, "gettempdir", lambda: str(tmp_path / "tmp"))
    assert sudachi._cache_folder() == tmp_path / "tmp" / f"kirinuki-{os.getuid()}"
    # and none at all
    monkeypatch.setattr(sudachi.tempfile, "gettempdir", lambda: str(tmp_path / "file"))
    with pytest.raises(RuntimeError, match=r"^no folder to keep the names dictionary in: "
                                           r"set KIRINUKI_CACHE$"):
        sudachi._cache_folder()


def test_the_user_dictionary_is_built_once_and_kept(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("KIRINUKI_CACHE", str(tmp_path / "cache"))
    source = tmp_path / "names.tsv"
    source.write_text("むらさめ\n# a comment\n\nきりさめ  # and another\n", encoding="utf-8")
    built = user_dictionary(source)
    assert built is not None and built.parent == tmp_path / "cache"
    # a dictionary SudachiPy opens, in which both words are proper nouns read in katakana
    own = Dictionary(config=Config(user=[str(built)])).tokenizer(SplitMode.C)
    assert [(m.surface(), m.reading_form(), m.part_of_speech()[1])
            for m in own.tokenize("むらさめ、きりさめ")] == [
        ("むらさめ", "ムラサメ", "固有名詞"), ("、", "、", "読点"),
        ("きりさめ", "キリサメ", "固有名詞")]
    assert [p.name for p in (tmp_path / "cache").iterdir()] == [built.name]  # no leftovers
    stamp = built.stat().st_mtime_ns
    assert user_dictionary(source) == built and built.stat().st_mtime_ns == stamp
    source.write_text("むらさめ\n", encoding="utf-8")  # other words: another dictionary
    again = user_dictionary(source)
    assert again != built and again.is_file()
    empty = tmp_path / "none.tsv"
    empty.write_text("# nothing\n", encoding="utf-8")
    assert user_dictionary(empty) is None and user_dictionary(tmp_path / "absent") is None


def test_processes_building_the_dictionary_at_once_leave_one_whole_file(tmp_path: Path,
                                                                      monkeypatch) -> None:
    """A build's workers may each open the dictionary first on a fresh machine: each builds
    in a folder of its own and renames, so the one file left is whole whoever wins."""
    import multiprocessing

    monkeypatch.setenv("KIRINUKI_CACHE", str(tmp_path / "cache"))
    source = tmp_path / "names.tsv"
    source.write_text("むらさめ\nきりさめ\n", encoding="utf-8")
    with multiprocessing.get_context("fork").Pool(3) as pool:
        built = pool.map(user_dictionary, [source] * 3)
    assert len(set(built)) == 1
    assert [p.name for p in (tmp_path / "cache").iterdir()] == [built[0].name]
    own = Dictionary(config=Config(user=[str(built[0])])).tokenizer(SplitMode.C)
    assert [m.surface() for m in own.tokenize("きりさめ")] == ["きりさめ"]
