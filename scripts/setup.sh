#!/usr/bin/env bash
# Create (or refresh) the project environment in .venv: torch 2.13.0 CPU first, then the project.
# Idempotent: a stamp keyed on pyproject.toml skips the install when nothing changed.
# Usage: scripts/setup.sh [--test]   (--test also installs the test extras and the browser for report tests)
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
VENV=${ANNOTATOR_VENV:-.venv}
EXTRAS="labelstudio"
[ "${1:-}" = "--test" ] && EXTRAS="test"

if [ ! -x "$VENV/bin/python" ]; then
  echo "[setup] creating $VENV with $($PY --version)" >&2
  "$PY" -m venv "$VENV"
fi
stamp="$VENV/.annotator-$EXTRAS-$(sha1sum pyproject.toml | cut -c1-12)"
if [ ! -f "$stamp" ]; then
  echo "[setup] installing torch==2.13.0 (CPU) and the project [$EXTRAS] into $VENV" >&2
  "$VENV/bin/python" -m pip install -q --upgrade pip
  # torch first, pinned: an unpinned torch would pull a multi-GB CUDA build.
  "$VENV/bin/python" -m pip install -q "torch==2.13.0"
  "$VENV/bin/python" -m pip install -q -e ".[$EXTRAS]"
  rm -f "$VENV"/.annotator-"$EXTRAS"-*
  touch "$stamp"
fi

if [ "${1:-}" = "--test" ]; then
  # Headless Chromium (Debian packages) for the HTML report tests.
  if ! command -v chromium >/dev/null 2>&1; then
    if [ "$(id -u)" = 0 ]; then
      echo "[setup] installing Debian chromium + chromium-driver" >&2
      (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null) \
        || echo "[setup] could not install chromium: browser tests will skip" >&2
    else
      echo "[setup] chromium missing and not root: browser tests will skip (apt-get install chromium chromium-driver)" >&2
    fi
  fi
  # Label Studio server in its own venv (its pins clash with ours).
  if [ -x scripts/labelstudio.sh ]; then
    scripts/labelstudio.sh install || echo "[setup] Label Studio venv could not be built: its tests will skip" >&2
  fi
fi
