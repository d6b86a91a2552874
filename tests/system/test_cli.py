"""manage.py as a user runs it: a separate process, its output and its exit status."""

from __future__ import annotations

import json
import subprocess
import sys
import tomllib
from pathlib import Path

from search.text.tables import display_width

ROOT = Path(__file__).resolve().parent.parent.parent


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, capture_output=True,
                          text=True, encoding="utf-8", timeout=120)


def test_version_comes_from_pyproject():
    with open(ROOT / "pyproject.toml", "rb") as fh:
        declared = tomllib.load(fh)["project"]["version"]
    done = run("--version")
    assert (done.returncode, done.stdout, done.stderr) == (0, f"kirinuki {declared}\n", "")


def test_stats_tables_are_aligned_by_display_width(session_index):
    done = run("--index", str(session_index), "stats")
    assert done.returncode == 0, done.stderr
    sections = done.stdout.split("\n\n")[1:]
    archives = next(s for s in sections if s.startswith("by archive:"))
    assert archives.splitlines()[1:] == [
        "  その他諸国      164",
        "  防衛白書 2025   151",
        "  欧州             49",
        "  日米 2025        39",
        "  防衛省ニュース    1",
    ]
    for section in sections:
        rows = section.strip("\n").splitlines()[1:]
        assert len(rows) > 1
        # every count ends in the same terminal column, Japanese or not
        assert len({display_width(row) for row in rows}) == 1, section
    outlets = next(s for s in sections if s.startswith("by outlet:")).splitlines()
    assert "  防衛白書               151" in outlets
    assert "  Stars and Stripes        8" in outlets


def test_search_past_the_last_page_says_so_and_fails(session_index):
    done = run("--index", str(session_index), "search", "NATO", "--limit", "10", "--page", "9")
    pages = json.loads(run("--index", str(session_index), "search", "NATO", "--limit", "10",
                           "--json").stdout)["pages"]
    assert pages < 9
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr == f"error: ページ 9 はありません。この検索の結果は全 {pages} ページです\n"
    # the same words as the web page's
    from web import create_app

    app = create_app({"INDEX_DIR": str(session_index), "TESTING": True})
    try:
        page = app.test_client().get("/api/search?q=NATO&page_size=10&page=9")
        assert page.status_code == 400
        assert page.get_json() == {"error": done.stderr[len("error: "):].rstrip("\n")}
    finally:
        app.extensions["kirinuki.engine"].close()
    last = run("--index", str(session_index), "search", "NATO", "--limit", "10", "--page",
               str(pages))
    assert last.returncode == 0 and f"{(pages - 1) * 10 + 1:>3}. " in last.stdout


def test_search_json_past_the_last_page_fails_too(session_index):
    done = run("--index", str(session_index), "search", "--json", "--page", "999")
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.startswith("error: ページ 999 はありません。")


def test_a_python_without_the_packages_runs_the_projects_own(session_index):
    """The README says `python manage.py stats`; a newcomer's python lacks whoosh (here: the
    same interpreter without its site-packages, -S), and manage.py runs itself again under
    the project's .venv instead of a double traceback."""
    venv = ROOT / ".venv" / "bin" / "python"
    assert venv.is_file(), "the test command (scripts/test.sh) makes .venv"
    bare = subprocess.run([sys.executable, "-S", "-c", "import whoosh"], capture_output=True)
    assert bare.returncode == 1  # whoosh is not there without site-packages
    done = subprocess.run([sys.executable, "-S", "manage.py", "--index", str(session_index),
                           "stats"], cwd=ROOT, capture_output=True, text=True,
                          encoding="utf-8", timeout=120)
    assert done.returncode == 0, done.stderr
    assert "documents: 384" in done.stdout and "Traceback" not in done.stderr


def test_without_a_project_environment_it_says_what_to_run(tmp_path):
    (tmp_path / "manage.py").write_text((ROOT / "manage.py").read_text(encoding="utf-8"),
                                        encoding="utf-8")
    done = subprocess.run([sys.executable, "-S", "manage.py", "stats"], cwd=tmp_path,
                          capture_output=True, text=True, encoding="utf-8", timeout=60)
    assert (done.returncode, done.stdout) == (1, "")
    assert done.stderr == (
        f"error: this Python ({sys.executable}) lacks kirinuki's packages (sudachipy). Set the "
        "project up first: `sh scripts/serve.sh` (or `sh scripts/test.sh`) makes .venv, then "
        "`python manage.py …` runs in it.\n")


def test_facet_values_by_any_name_the_query_language_reads(session_index, client):
    """--country Philippines and --source 日経 are the names country: and source: accept:
    the command line, the API and the page read them as the facet names them."""
    def total(*args):
        done = run("--index", str(session_index), "search", "--json", *args)
        assert done.returncode == 0, done.stderr
        return json.loads(done.stdout)["total"]

    assert total("--country", "Philippines") == total("--country", "フィリピン") > 0
    assert total("--country", "比") == total("--country", "フィリピン")
    assert total("--source", "日経") == total("--source", "日本経済新聞") > 0
    api = client.get("/api/search?country=Philippines&country=フィリピン").get_json()
    chosen = [v for v in api["facets"]["country"] if v["selected"]]
    assert [v["value"] for v in chosen] == ["フィリピン"]  # once, as the facet names it
    page = client.get("/?country=Philippines").get_data(as_text=True)
    assert 'value="フィリピン"\n           data-autosubmit checked>' in page
    assert '<span class="chip-label">国・地域</span> フィリピン' in page
    unknown = run("--index", str(session_index), "search", "--country", "Narnia")
    assert unknown.returncode == 2
    assert unknown.stderr == ("error: 国・地域「Narnia」は索引にありません。"
                              "国・地域の一覧から選んでください\n")
