"""Text answers compressed as the client accepts, and static files under URLs that change
with their content, kept for a year (web/assets.py)."""

from __future__ import annotations

import gzip
import re
import shutil

import brotli
import pytest

from web import assets, create_app


def fetch(client, url: str):
    """A static file's answer, read and closed (send_file leaves the file open otherwise)."""
    r = client.get(url)
    r.get_data()
    r.close()
    return r


def static_links(html: str) -> dict[str, str]:
    return dict(re.findall(r'/static/([\w.]+)\?v=([0-9a-f]{12})', html))


@pytest.mark.parametrize(("accepted", "encoding", "decode"), [
    ("gzip", "gzip", gzip.decompress),
    ("br, gzip", "br", brotli.decompress),
])
def test_pages_and_exports_are_compressed_when_the_client_accepts(client, accepted, encoding,
                                                                  decode):
    plain = client.get("/?q=防衛")
    packed = client.get("/?q=防衛", headers={"Accept-Encoding": accepted})
    assert plain.headers.get("Content-Encoding") is None
    assert packed.headers["Content-Encoding"] == encoding
    assert "Accept-Encoding" in packed.headers["Vary"]
    # the same page, a fraction of its size (the search page was 72-85 KB sent as it is)
    def page(html: str) -> str:  # but the time the search took
        return re.sub(r'class="elapsed">[^<]*<', "", html)

    assert page(decode(packed.data).decode("utf-8")) == page(plain.get_data(as_text=True))
    assert len(packed.data) * 4 < len(plain.data)
    for url in ("/api/search?q=防衛", "/feed.atom?q=防衛", "/export.ris?q=防衛"):
        r = client.get(url, headers={"Accept-Encoding": accepted})
        assert r.headers["Content-Encoding"] == encoding, url
    assert client.get("/api/search?q=防衛", headers={"Accept-Encoding": accepted}
                      ).headers["Content-Security-Policy"]  # the security headers stay


def test_the_streamed_csv_is_compressed_as_it_streams(client):
    plain = client.get("/export.csv?q=防衛").data
    packed = client.get("/export.csv?q=防衛", headers={"Accept-Encoding": "br"})
    assert packed.is_streamed and packed.headers["Content-Encoding"] == "br"
    assert brotli.decompress(packed.data) == plain


def test_static_files_are_versioned_by_content_and_kept_a_year(client):
    links = static_links(client.get("/?q=NATO").get_data(as_text=True))
    assert set(links) >= {"kirinuki.css", "kirinuki.js", "suggest.js", "filters.js"}
    for name, v in links.items():
        assert v == assets.version(client.application.static_folder, name)
        r = fetch(client, f"/static/{name}?v={v}")
        assert r.status_code == 200
        assert r.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    # without the version, or with an old one: asked again each time
    assert fetch(client, "/static/kirinuki.css").headers["Cache-Control"] == "no-cache"
    assert fetch(client, "/static/kirinuki.css?v=0123456789ab").headers["Cache-Control"] == \
        "no-cache"
    assert fetch(client, "/static/nothing.css").status_code == 404
    record = client.get("/records/2409-082209").get_data(as_text=True)
    assert "cite.js" in static_links(record)


def test_a_changed_file_gets_another_url(tmp_path, session_index):
    import web

    static = tmp_path / "static"
    shutil.copytree(web.__path__[0] + "/static", static)
    app = create_app({"INDEX_DIR": str(session_index), "TESTING": True})
    app.static_folder = str(static)
    try:
        client = app.test_client()
        before = static_links(client.get("/?q=NATO").get_data(as_text=True))
        css = static / "kirinuki.css"
        css.write_text(css.read_text(encoding="utf-8") + "\n/* changed */\n", encoding="utf-8")
        after = static_links(client.get("/?q=NATO").get_data(as_text=True))
        assert after["kirinuki.css"] != before["kirinuki.css"]
        assert {k: v for k, v in after.items() if k != "kirinuki.css"} == \
            {k: v for k, v in before.items() if k != "kirinuki.css"}
        old = fetch(client, f"/static/kirinuki.css?v={before['kirinuki.css']}")
        assert old.headers["Cache-Control"] == "no-cache"  # an old URL is not kept
    finally:
        app.extensions["kirinuki.engine"].close()
