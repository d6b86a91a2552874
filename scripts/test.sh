#!/bin/sh
# Install everything the test suite needs and run all of it:
# a virtualenv (.venv) with kirinuki and its test extra, Debian's Chromium for the
# browser test (no browser is ever downloaded by the tests themselves) and a Japanese font,
# so that the screenshots the browser test saves in tests/artifacts/ can be read.
set -eu
cd "$(dirname "$0")/.."

if ! command -v chromium >/dev/null 2>&1 || ! fc-list :lang=ja 2>/dev/null | grep -q .; then
    if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=; fi
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium \
        fonts-ipaexfont-gothic fonts-ipaexfont-mincho >/dev/null
fi

[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/python -m pip install -q --disable-pip-version-check -e '.[test]'
# compiled once, as scripts/serve.sh does (the tests start many kirinuki processes)
.venv/bin/python -m compileall -q --invalidation-mode checked-hash search web
.venv/bin/ruff check .
exec .venv/bin/python -m pytest "$@"
