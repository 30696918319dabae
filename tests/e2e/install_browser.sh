#!/bin/sh
# Install what the end-to-end tests need: Debian's chromium and the Python
# playwright package. Playwright's own browser download is never used; the
# tests launch /usr/bin/chromium through executable_path.
set -eu
PYTHON="${PYTHON:-.venv/bin/python}"
if ! command -v chromium >/dev/null 2>&1; then
    apt-get update
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chromium
fi
PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 "$PYTHON" -m pip install --quiet "playwright>=1.40"
