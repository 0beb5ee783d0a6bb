#!/usr/bin/env bash
# Build the frozen folder (packaging/freeze.py prints the build time and size), then smoke-test
# the FROZEN binary headless: tests/packaging/test_frozen_build.py with DYJF_FROZEN_DIR set.
# Usage: bash packaging/smoke.sh [--no-build]   (--no-build: test the folder already in dist/)
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "${1:-}" != "--no-build" ]; then
    uv run python packaging/freeze.py
fi
folder="dist/dangyuan-jifen"
test -x "$folder/dangyuan-jifen" || { echo "没有找到 $folder/dangyuan-jifen，请先打包" >&2; exit 1; }
echo "folder size: $(du -sh "$folder" | cut -f1) ($folder)"
DYJF_FROZEN_DIR="$PWD/$folder" QT_QPA_PLATFORM=offscreen \
    uv run pytest -q -p no:cacheprovider tests/packaging
