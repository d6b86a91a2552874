"""Absolute links (Atom, CSV, the API's ``url``): from BASE_URL or the server's own address.

Never from the request's Host header: anyone can send ``Host: evil.example``, and a feed or a
spreadsheet would then carry links to a stranger's site. The address is the configured
``BASE_URL`` (``KIRINUKI_BASE_URL``, ``manage.py serve --base-url``) when set, else the one the
server was started on (WSGI's SERVER_NAME and SERVER_PORT, which web/server.py sets).
"""

from __future__ import annotations

from urllib.parse import quote, quote_from_bytes, urlsplit

from flask import current_app, request, url_for

_DEFAULT_PORTS = {"http": "80", "https": "443"}
_URI_SAFE = "/?:@&=+$,;%!*'()~"


def normalise_base_url(value: str) -> str:
    """``https://example.org/kirinuki/`` → ``https://example.org/kirinuki``; else ValueError."""
    parts = urlsplit(value.strip())
    if (parts.scheme not in _DEFAULT_PORTS or not parts.hostname or "@" in parts.netloc
            or parts.query or parts.fragment or any(c.isspace() for c in value.strip())):
        raise ValueError(f"BASE_URL は https://example.org/kirinuki のような http(s) の絶対 URL "
                         f"(? や # なし)にしてください。指定された値: {value!r}")
    return f"{parts.scheme}://{parts.netloc}{parts.path.rstrip('/')}"


def base_url() -> str:
    """Where users reach this server, without a trailing slash."""
    configured = current_app.config.get("BASE_URL")
    if configured:
        return configured
    env = request.environ
    scheme, name, port = env["wsgi.url_scheme"], env["SERVER_NAME"], str(env["SERVER_PORT"])
    host = f"[{name}]" if ":" in name else name
    return f"{scheme}://{host}" + ("" if _DEFAULT_PORTS.get(scheme) == port else f":{port}")


def absolute_url(path: str) -> str:
    """``path`` (from url_for, starting with /) as a link that works from anywhere."""
    return base_url() + path


def record_url(rid: str) -> str:
    """A record's page, as a link that works from anywhere (feeds, CSV, RIS, the API)."""
    return absolute_url(url_for("pages.record_page", rid=rid))


def current_url() -> str:
    """This request's URL (an Atom feed's own link and id), percent-encoded, at
    :func:`base_url`."""
    url = absolute_url(quote(request.root_path + request.path, safe=_URI_SAFE))
    query = quote_from_bytes(request.query_string, safe=_URI_SAFE)  # %XX stay as sent
    return f"{url}?{query}" if query else url
