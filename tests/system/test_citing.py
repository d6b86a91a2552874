"""Citing a record from the page, the API and the command line: the three styles on the
record page (copy buttons shown by script only), the same text in the API's record, RIS and
BibTeX of one record, of ticked records and of a whole search, and `manage.py cite`."""

from __future__ import annotations

import subprocess
import sys
from html import unescape
from pathlib import Path
from urllib.parse import quote, urlencode

import bibtexparser
import rispy

ROOT = Path(__file__).resolve().parent.parent.parent
RID = "2409-082209"
TITLE = "イタリア空母「カブール」日本に初寄港、海自と共同訓練へ…最新鋭ステルス戦闘機を搭載"
CITED = {
    "sist02": f"{TITLE}. 読売新聞. 2024-08-22.",
    "japanese": f"「{TITLE}」『読売新聞』2024年8月22日",
    "chicago": f"読売新聞. “{TITLE}.” August 22, 2024.",
}


def test_the_record_page_cites_in_three_styles(client):
    html = client.get(f"/records/{RID}").get_data(as_text=True)
    for key, text in CITED.items():
        assert f'<p class="cite-text" id="cite-{key}">{text}</p>' in unescape(html)
    # a copy button per style, named for it, hidden until the script shows it
    for label in ("SIST 02", "新聞記事の形式", "Chicago"):
        assert f'aria-label="{label}をコピー" hidden>コピー</button>' in html
    assert '<p class="copy-status" role="status" aria-live="polite"></p>' in html
    assert f'<a href="/export.ris?id={RID}">RIS</a>・<a href="/export.bib?id={RID}">BibTeX</a>' \
        in html
    assert "cite.js" in html


def test_the_api_gives_the_same_citations(client):
    body = client.get(f"/api/records/{RID}").get_json()
    assert body["citations"] == CITED
    assert body["citation_files"] == {"ris": f"http://localhost/export.ris?id={RID}",
                                      "bibtex": f"http://localhost/export.bib?id={RID}"}


def test_one_record_as_ris_and_bibtex(client):
    r = client.get(f"/export.ris?id={RID}")
    assert r.status_code == 200
    assert r.headers["Content-Type"] == "application/x-research-info-systems; charset=utf-8"
    [entry] = rispy.loads(r.get_data(as_text=True))
    record = client.get(f"/api/records/{RID}").get_json()["record"]
    assert (entry["id"], entry["title"], entry["secondary_title"], entry["date"],
            entry["language"], entry["name_of_database"]) == (
        RID, TITLE, "読売新聞", "2024/08/22/12:55", "ja", "・".join(record["collections"]))
    assert entry["keywords"] == record["countries"]
    assert entry.get("notes", []) == (
        [f"機関: {'・'.join(record['organizations'])}"] if record["organizations"] else [])
    b = client.get(f"/export.bib?id={quote('whitepaper-2025#38')}")
    assert b.status_code == 200
    assert b.headers["Content-Type"] == "application/x-bibtex; charset=utf-8"
    assert b.headers["Content-Disposition"].endswith('.bib"')
    library = bibtexparser.parse_string(b.get_data(as_text=True))
    [entry] = library.entries
    fields = {f.key: f.value for f in entry.fields}
    assert entry.key == "kirinuki-whitepaper-2025-38" and entry.entry_type == "article"
    assert (fields["journal"], fields["date"], fields["langid"], fields["url"]) == (
        "防衛白書", "2025-07-15", "japanese", "http://localhost/records/whitepaper-2025%2338")


def test_bibtex_of_ticked_records_and_of_a_search(client):
    ids = ["2409-082209", "whitepaper-2025#38"]
    ticked = client.get("/export.bib?" + urlencode([("picked", "1")] + [("id", i) for i in ids]))
    keys = [e.key for e in bibtexparser.parse_string(ticked.get_data(as_text=True)).entries]
    assert keys == ["kirinuki-2409-082209", "kirinuki-whitepaper-2025-38"]
    searched = client.get("/export.bib?" + urlencode({"q": "イタリア 空母"}))
    total = client.get("/api/search?" + urlencode({"q": "イタリア 空母"})).get_json()["total"]
    library = bibtexparser.parse_string(searched.get_data(as_text=True))
    assert len(library.entries) == total > 0 and library.failed_blocks == []
    none = client.get("/export.bib?picked=1")
    assert none.status_code == 400 and "記事が選ばれていません" in none.get_data(as_text=True)
    missing = client.get("/export.bib?id=nope")
    assert missing.status_code == 404


def test_the_command_line_cites(session_index):
    def cite(*args):
        return subprocess.run([sys.executable, "manage.py", "--index", str(session_index),
                               "cite", *args], cwd=ROOT, capture_output=True, text=True,
                              encoding="utf-8", timeout=120)

    text = cite(RID)
    assert text.returncode == 0 and text.stdout == (
        f"SIST 02\n  {CITED['sist02']}\n新聞記事の形式\n  {CITED['japanese']}\n"
        f"Chicago\n  {CITED['chicago']}\n")
    [entry] = rispy.loads(cite(RID, "--format", "ris").stdout)
    assert entry["title"] == TITLE and "urls" not in entry  # no server: no link
    bib = cite("whitepaper-2025#38", "--format", "bibtex", "--base-url", "https://ex.org/k/")
    assert "  url = {https://ex.org/k/records/whitepaper-2025%2338},\n" in bib.stdout
    missing = cite("nope")
    assert (missing.returncode, missing.stdout) == (2, "")
    assert missing.stderr == "error: 記事「nope」はありません。検索結果から開き直してください\n"
