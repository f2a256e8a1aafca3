#!/usr/bin/env bash
# The main job on a fresh machine: set up .venv if needed, then score the bundled example articles with the
# shipped model, writing out/examples.jsonl and the HTML report out/report.html.
# Extra arguments go to `annotator score` (e.g. scripts/run.sh --model DIR).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
mkdir -p out
exec .venv/bin/annotator score examples/ --out out/examples.jsonl --report out/report.html "$@"
