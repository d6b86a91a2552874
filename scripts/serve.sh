#!/bin/sh
# Install kirinuki into a virtualenv (.venv) and serve the bundled corpus at
# http://127.0.0.1:5000 (the index is built on the first run).
set -eu
cd "$(dirname "$0")/.."
[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/python -m pip install -q --disable-pip-version-check -e .
# kirinuki's own modules compiled once here, as pip compiles an installed package's: where
# PYTHONDONTWRITEBYTECODE is set, every command would otherwise compile them again.
.venv/bin/python -m compileall -q --invalidation-mode checked-hash search web
exec .venv/bin/python manage.py serve "$@"
