"""Small hand-made inputs: each article shape, each kind of bad input, and the commands."""

from __future__ import annotations

import json
import os

import pytest

import manage
from search.corpus.loading import load_corpus

HEADER = "テスト報道\n\n年 月 日\n出   典\n標       題\n要             旨\n"

ARTICLE = """2025.02.10
 19:22
時事通信

(Yahoo)

モンゴルへ航空管制レーダー <2503-021012>
 政府が10日、レーダーを供与すると発表した。
"""

MANIFEST = '["a.txt"]\nkind = "clippings"\nlabel = "テスト"\n'


def write(folder, name, content, encoding="utf-8", manifest=True):
    path = folder / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode(encoding))
    if manifest and not (folder / "manifest.toml").exists():
        (folder / "manifest.toml").write_text(MANIFEST, encoding="utf-8")
    return path


def parse(tmp_path, content, encoding="utf-8"):
    write(tmp_path, "a.txt", content, encoding)
    return load_corpus(tmp_path, annotate=False)


SHAPES = [
    # (text after the page header, expected (id, date, time, source_raw, source, via_yahoo, title))
    (ARTICLE, ("2503-021012", "2025-02-10", "19:22", "時事通信", "時事通信", True,
               "モンゴルへ航空管制レーダー")),
    ("2021.07.01 毎日新聞\n\n(Yahoo)\n\n茂木氏がエストニアへ <2108-070104>\n 本文。\n",
     ("2108-070104", "2021-07-01", None, "毎日新聞", "毎日新聞", True, "茂木氏がエストニアへ")),
    ("2016.04.08 NHKニュース エストニアと協力強化 <1605-040802>\n 本文。\n",
     ("1605-040802", "2016-04-08", None, "NHKニュース", "NHK", False, "エストニアと協力強化")),
    ("2018.02.17 Yahoo 朝日新聞記事\n\n「日 EU 協定締結で合意」\n\n<1803-021701>\n 本文。\n",
     ("1803-021701", "2018-02-17", None, "Yahoo 朝日新聞記事", "朝日新聞", True,
      "日 EU 協定締結で合意")),
    ("2025.05.08\n 11:44\n乗りもの\nニュース\n\n(Yahoo)\n\n巨大軍艦 <2506-050809>\n 本文。\n",
     ("2506-050809", "2025-05-08", "11:44", "乗りものニュース", "乗りものニュース", True,
      "巨大軍艦")),
    ("2025.07.24\n 15:34\n日経新聞 日米関税合意の装備品購入 <2508-072414>\n 本文。\n",
     ("2508-072414", "2025-07-24", "15:34", "日経新聞", "日本経済新聞", False,
      "日米関税合意の装備品購入")),
    ("2020.10.08 Stars & Stripes US and Japanese forces will practice <2011-100805>\n 本文。\n",
     ("2011-100805", "2020-10-08", None, "Stars & Stripes", "Stars and Stripes", False,
      "US and Japanese forces will practice")),
    ("2016.08.04 産経新聞\nインターネット\n台湾、潜水艦建造 <1609-080402>\n 本文。\n",
     ("1609-080402", "2016-08-04", None, "産経新聞", "産経新聞", False, "台湾、潜水艦建造")),
]


@pytest.mark.parametrize("text,expected", SHAPES)
def test_each_shape(tmp_path, text, expected):
    corpus = parse(tmp_path, HEADER + text)
    (rec,) = corpus.records
    got = (rec.id, rec.date, rec.time, rec.source_raw, rec.source, rec.via_yahoo, rec.title)
    assert got == expected
    assert rec.summary == "本文。" or rec.summary.startswith("政府が10日")
    assert [i for i in corpus.issues if i.severity == "warning"] == []
    (report,) = corpus.files
    assert report.roles["record"] + report.roles["furniture"] == report.lines


def test_date_repaired_only_when_the_id_confirms_it(tmp_path):
    text = HEADER + ARTICLE.replace("2025.02.10", "2025.02:10")
    (rec,) = parse(tmp_path, text).records
    assert rec.date == "2025-02-10"
    corpus = parse(tmp_path, HEADER + ARTICLE.replace("2025.02.10", "2025.03:11"))
    assert corpus.records[0].date is None
    assert [(i.severity, i.line) for i in corpus.issues] == [("warning", 7)]
    assert "does not confirm" in corpus.issues[0].message


def test_unknown_outlet_is_a_notice_not_a_loss(tmp_path):
    corpus = parse(tmp_path, HEADER + ARTICLE.replace("時事通信", "琉球新報"))
    (rec,) = corpus.records
    assert (rec.source_raw, rec.source) == ("琉球新報", "琉球新報")
    assert [i.severity for i in corpus.issues] == ["notice"]
    assert "data/outlets.toml" in corpus.issues[0].message


def test_duplicate_ids_merge_and_differing_copies_warn(tmp_path):
    write(tmp_path, "a.txt", HEADER + ARTICLE, manifest=False)
    write(tmp_path, "b.txt", HEADER + ARTICLE.replace("供与すると", "提供すると"), manifest=False)
    (tmp_path / "manifest.toml").write_text(
        MANIFEST + '["b.txt"]\nkind = "clippings"\nlabel = "別"\n', encoding="utf-8")
    corpus = load_corpus(tmp_path, annotate=False)
    (rec,) = corpus.records
    assert rec.collections == ["テスト", "別"]
    (issue,) = corpus.issues
    assert (issue.file, issue.line, issue.severity) == ("b.txt", 7, "warning")
    assert "differs from the one at a.txt:7" in issue.message


@pytest.mark.parametrize("encoding,message", [
    ("cp932", "read as cp932"),
    ("utf-16", "UTF-16"),
    ("utf-8-sig", "byte-order mark"),
])
def test_encodings_are_read_with_a_message(tmp_path, encoding, message):
    corpus = parse(tmp_path, HEADER + ARTICLE, encoding=encoding)
    assert [r.id for r in corpus.records] == ["2503-021012"]
    assert corpus.records[0].source == "時事通信"
    assert any(message in i.message and i.file == "a.txt" for i in corpus.issues)


def test_shift_jis_message_names_the_first_bad_line(tmp_path):
    corpus = parse(tmp_path, "ascii only\n" + HEADER + ARTICLE, encoding="cp932")
    (issue,) = [i for i in corpus.issues if "cp932" in i.message]
    assert issue.line == 2  # the first line with a non-ASCII byte


def test_crlf_line_ends(tmp_path):
    corpus = parse(tmp_path, (HEADER + ARTICLE).replace("\n", "\r\n"))
    assert corpus.records[0].summary == "政府が10日、レーダーを供与すると発表した。"
    assert [i.severity for i in corpus.issues] == ["notice"]


def test_empty_and_binary_files(tmp_path):
    write(tmp_path, "a.txt", b"")
    write(tmp_path, "b.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 10, manifest=False)
    corpus = load_corpus(tmp_path, annotate=False)
    assert corpus.records == []
    messages = {i.file: i.message for i in corpus.issues if i.severity == "warning"}
    assert "empty" in messages["a.txt"]
    assert "binary" in messages["b.txt"]
    assert [(r.file, r.readable) for r in corpus.files] == [("a.txt", True), ("b.txt", False)]


def test_cut_off_in_the_middle_of_a_record(tmp_path):
    text = HEADER + ARTICLE + "2025.02.09\n 10:00\n共同通信\n"
    corpus = parse(tmp_path, text)
    assert [r.id for r in corpus.records] == ["2503-021012"]  # the intact one survives
    (issue,) = corpus.issues
    assert (issue.line, issue.severity) == (15, "warning")
    assert "cut off" in issue.message
    assert corpus.files[0].roles["warning"] == 3


def test_article_without_id_is_kept(tmp_path):
    corpus = parse(tmp_path, HEADER + ARTICLE.replace(" <2503-021012>", ""))
    (rec,) = corpus.records
    assert (rec.id, rec.title) == ("a:7", "モンゴルへ航空管制レーダー")
    assert "no id" in corpus.issues[0].message


def test_file_without_manifest_entry_is_recognised_by_shape(tmp_path):
    write(tmp_path, "new.txt", HEADER + ARTICLE, manifest=False)
    write(tmp_path, "doc.txt", "第一段落。\n第二段落。\n", manifest=False)
    write(tmp_path, "art.txt", "見出し\n2024-10-22 18:15\n本文。\n", manifest=False)
    corpus = load_corpus(tmp_path, annotate=False)
    kinds = {r.file: (r.kind, r.label) for r in corpus.files}
    # an archive is labelled by its title line; the others by their file names
    assert kinds == {"art.txt": ("article", "art"), "doc.txt": ("document", "doc"),
                     "new.txt": ("clippings", "テスト報道")}
    assert sorted(r.id for r in corpus.records) == ["2503-021012", "art", "doc#1", "doc#2"]
    assert all(i.severity == "notice" and "by its shape" in i.message for i in corpus.issues)
    assert [r.collections for r in corpus.records if r.id == "2503-021012"] == [["テスト報道"]]


@pytest.mark.parametrize("head, label", [
    ("　その他諸国との　防衛協力に関する報道  \n\n", "その他諸国との 防衛協力に関する報道"),
    ("\n\n", "bare"),  # no title line: the file's name
    ("", "bare"),
    ("報道" * 31 + "\n", "bare"),  # 62 characters: text, not a title
    ("A, B の報道\n", "A  B の報道"),  # a comma would split the archive facet's value
])
def test_unlisted_archive_label_comes_from_its_title_line(tmp_path, head, label):
    write(tmp_path, "bare.txt", head + ARTICLE, manifest=False)
    corpus = load_corpus(tmp_path, annotate=False)
    assert [(r.kind, r.label) for r in corpus.files] == [("clippings", label)]
    assert corpus.records[0].collections == [label]
    assert [i.message for i in corpus.issues] == [
        f"not in manifest.toml: recognised by its shape as a clipping archive, labelled "
        f"{label!r}"]


def test_unlisted_bundled_archive_is_labelled_by_its_title(tmp_path, capsys):
    from search.config import DEFAULT_CORPUS

    source = DEFAULT_CORPUS / "clippings-other-europe.txt"
    (tmp_path / "europe-copy.txt").write_bytes(source.read_bytes())
    assert manage.main(["check", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "europe-copy.txt [clippings, その他欧州諸国との防衛協力に関する報道]: " in out
    assert ("labelled 'その他欧州諸国との防衛協力に関する報道'") in out


def test_check_command(tmp_path, capsys):
    write(tmp_path, "a.txt", HEADER + ARTICLE)
    assert manage.main(["check", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "a.txt [clippings, テスト]: 14 lines = 8 in records + 6 page furniture" in out
    os.symlink(tmp_path / "missing.txt", tmp_path / "broken.txt")
    assert manage.main(["check", str(tmp_path)]) == 1
    assert "broken.txt: UNREADABLE" in capsys.readouterr().out


def test_check_on_the_bundled_corpus(capsys):
    assert manage.main(["check"]) == 0
    out = capsys.readouterr().out
    assert "total: 384 records (20 in more than one archive)" in out
    assert "warnings (1):" in out


def test_export_command(tmp_path, capsys, monkeypatch):
    write(tmp_path, "a.txt", HEADER + ARTICLE)
    monkeypatch.setenv("KIRINUKI_CORPUS", str(tmp_path))
    assert manage.main(["export"]) == 0
    (row,) = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert row["id"] == "2503-021012"
    assert set(row) >= {"id", "kind", "date", "time", "source_raw", "source", "via_yahoo",
                        "title", "summary", "notes", "lang", "collections", "file", "line",
                        "countries", "country_codes", "organizations"}
