#!/usr/bin/env bash
# The test command (also what CI runs): set up .venv, Chromium and the Label Studio server venv if needed,
# then run the whole suite. Extra arguments go to pytest (e.g. scripts/test.sh -k polnear).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --test
exec .venv/bin/python -m pytest "$@"
