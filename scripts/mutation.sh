#!/bin/sh
# Mutation testing of one module of search/ or web/ against tests/unit (or --tests …), in a
# private temporary copy of the working tree:
#   sh scripts/mutation.sh compile [--tests PATH …] [--max-children N] [--clean]
# See scripts/mutation.py for what it does and why mutmut.
set -eu
cd "$(dirname "$0")/.."
exec .venv/bin/python scripts/mutation.py "$@"
