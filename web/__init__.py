"""kirinuki's Flask front end: the Japanese search page, the record page and a JSON API.

The app holds ONE :class:`search.engine.Engine`, which reopens its searcher by itself when
``manage.py reindex`` or ``update`` swaps the index's ``current`` link, so a running server
serves a new index without a restart. Configuration comes from defaults, then the
environment, then the dict a caller (manage.py, the tests) passes in.
"""

from __future__ import annotations

import os
from typing import Any

from flask import Flask, Response, request
from werkzeug.exceptions import MethodNotAllowed
from werkzeug.routing import RequestRedirect

from search.config import index_dir
from search.engine import DAMAGE_CHECK_SECONDS, MAX_PAGE_SIZE, Engine
from search.facets import keyword_facets, row_facets

from .errors import ALLOWED_METHODS
from .filters import FILTERS
from .links import normalise_base_url

DEFAULTS: dict[str, Any] = {
    "INDEX_DIR": None,  # None: $KIRINUKI_INDEX, else index/ at the top of the repository
    "PAGE_SIZE": 20,
    "FEED_SIZE": 50,  # entries in an Atom feed
    "CSV_MAX_ROWS": 10_000,
    "MAX_CONTENT_LENGTH": 64 * 1024,  # nothing here takes a body; refuse big ones early
    # Where users reach the server (https://example.org/kirinuki), for the absolute links of
    # Atom, CSV and the API; None: the address the server was started on (web/links.py).
    "BASE_URL": None,
    "PROVIDE_AUTOMATIC_OPTIONS": False,  # OPTIONS is 405 like every method but GET and HEAD
    # seconds between comparisons of the served files with their checksums, so damage that
    # raises nothing (bytes overwritten in place) is answered 503 within this time; 0: never
    "DAMAGE_CHECK_SECONDS": DAMAGE_CHECK_SECONDS,
}
ENVIRONMENT = {  # environment variable → configuration key
    "KIRINUKI_INDEX": "INDEX_DIR",
    "KIRINUKI_PAGE_SIZE": "PAGE_SIZE",
    "KIRINUKI_FEED_SIZE": "FEED_SIZE",
    "KIRINUKI_BASE_URL": "BASE_URL",
    "KIRINUKI_DAMAGE_CHECK_SECONDS": "DAMAGE_CHECK_SECONDS",
}
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
       "form-action 'self'; frame-ancestors 'none'")
SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Build the app: defaults, then environment, then ``test_config``."""
    app = Flask(__name__)
    app.config.from_mapping(DEFAULTS)
    for var, key in ENVIRONMENT.items():
        if os.environ.get(var):
            app.config[key] = os.environ[var]
    if test_config:
        app.config.from_mapping(test_config)
    _check_config(app)
    app.json.ensure_ascii = False  # type: ignore[attr-defined]  # Japanese stays readable
    app.json.sort_keys = False  # type: ignore[attr-defined]  # keep the engine's key order

    # Autoescaping everywhere, not only for .html: corpus text is never trusted.
    app.jinja_env.autoescape = True
    # the declared facets, read when a page is rendered (search/facets.py)
    app.jinja_env.globals.update(row_facets=row_facets, keyword_facets=keyword_facets)
    app.jinja_env.filters.update(FILTERS)
    app.extensions["kirinuki.engine"] = Engine(
        app.config["INDEX_DIR"], watch_seconds=app.config["DAMAGE_CHECK_SECONDS"] or None)

    from . import api, assets, trendviews, views

    app.register_blueprint(views.bp)
    app.register_blueprint(api.bp, url_prefix="/api")
    app.register_blueprint(trendviews.bp)
    views.register_error_handlers(app)

    @app.before_request
    def http_rules():
        # Before routing's own answers, so that every path refuses other methods alike
        # (OPTIONS included) and no redirect takes its host from the request.
        if request.method not in ALLOWED_METHODS:
            raise MethodNotAllowed(valid_methods=list(ALLOWED_METHODS))
        if isinstance(request.routing_exception, RequestRedirect):
            return views.redirect_answer(request.routing_exception.new_url)
        return None

    @app.after_request
    def security_headers(response: Response) -> Response:
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        return response

    assets.install(app)  # static files by content version, text compressed

    return app


def _check_config(app: Flask) -> None:
    """Fail at start-up, with the key's name, rather than on the first request."""
    app.config["INDEX_DIR"] = str(index_dir(app.config["INDEX_DIR"]))
    if app.config["BASE_URL"]:
        app.config["BASE_URL"] = normalise_base_url(str(app.config["BASE_URL"]))
    for key, high in (("PAGE_SIZE", MAX_PAGE_SIZE), ("FEED_SIZE", MAX_PAGE_SIZE),
                      ("CSV_MAX_ROWS", 1_000_000)):
        try:
            value = int(app.config[key])
        except (TypeError, ValueError):
            raise ValueError(f"{key} must be an integer, not {app.config[key]!r}") from None
        if not 1 <= value <= high:
            raise ValueError(f"{key} must be between 1 and {high}, not {value}")
        app.config[key] = value
    try:
        seconds = float(app.config["DAMAGE_CHECK_SECONDS"])
    except (TypeError, ValueError):
        seconds = -1.0
    if not 0 <= seconds <= 86_400:
        raise ValueError("DAMAGE_CHECK_SECONDS must be a number of seconds from 0 (never) to "
                         f"86400, not {app.config['DAMAGE_CHECK_SECONDS']!r}")
    app.config["DAMAGE_CHECK_SECONDS"] = seconds
