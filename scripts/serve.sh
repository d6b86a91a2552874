#!/bin/sh
# Install kirinuki into a virtualenv (.venv) and serve the bundled corpus at
# http://127.0.0.1:5000 (the index is built on the first run).
set -eu
cd "$(dirname "$0")/.."
[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/python -m pip install -q --disable-pip-version-check -e .
exec .venv/bin/python manage.py serve "$@"
