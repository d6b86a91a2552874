"""Static files under URLs that change with their content, kept by browsers for a year; text
answers compressed.

``url_for('static', filename=…)`` gets ``?v=`` and the first 12 hex digits of the file's
SHA-256: a request carrying the file's current version is answered ``Cache-Control: public,
max-age=31536000, immutable`` (the browser never asks again; a changed file has another URL),
any other ``no-cache`` (asked again each time, answered 304 while unchanged). The search page
was 72-85 KB of HTML sent as it is, and every page revalidated every static file.

Compression is Flask-Compress's (zstd, brotli, gzip, as the client accepts; streamed answers
such as the CSV export chunk by chunk), for HTML, CSS, JavaScript, JSON, Atom, CSV, RIS and
BibTeX of 500 bytes or more.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

from flask import Flask, Response, request
from flask_compress import Compress

YEAR = 31_536_000
COMPRESSED = ["text/html", "text/css", "text/javascript", "application/javascript",
              "application/json", "application/atom+xml", "text/csv",
              "application/x-research-info-systems", "application/x-bibtex",
              "application/opensearchdescription+xml", "image/svg+xml"]


@lru_cache(maxsize=256)
def _digest(path: str, mtime_ns: int, size: int) -> str:
    """The version of one file as it is now (mtime and size key the memory: an edited file
    is read again)."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()[:12]


def version(folder: str | Path, filename: str) -> str | None:
    """The version of static file ``filename`` (None if there is no such file)."""
    path = (Path(folder) / filename).resolve()
    if Path(folder).resolve() not in path.parents or not path.is_file():
        return None
    stat = path.stat()
    return _digest(str(path), stat.st_mtime_ns, stat.st_size)


def install(app: Flask) -> None:
    app.config.setdefault("COMPRESS_MIMETYPES", COMPRESSED)
    Compress(app)

    @app.url_defaults
    def versioned(endpoint: str, values: dict) -> None:
        if endpoint == "static" and "filename" in values and "v" not in values:
            found = version(app.static_folder, values["filename"])
            if found:
                values["v"] = found

    @app.after_request
    def cached(response: Response) -> Response:
        if request.endpoint == "static" and response.status_code in (200, 304):
            wanted = request.args.get("v")
            current = version(app.static_folder, (request.view_args or {}).get("filename", ""))
            response.headers["Cache-Control"] = (
                f"public, max-age={YEAR}, immutable" if wanted and wanted == current
                else "no-cache")
        return response
