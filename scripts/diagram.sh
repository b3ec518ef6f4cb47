#!/usr/bin/env bash
# Renders the architecture diagram: docs/architecture.dot -> docs/architecture.svg and docs/architecture.png.
# The svg and png are outputs: edit the .dot, run this (npm run diagram), and commit all three.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SRC="$ROOT/docs/architecture.dot"
DPI="${DIAGRAM_DPI:-96}"

if ! command -v dot >/dev/null 2>&1; then
  echo "diagram.sh: Graphviz's 'dot' is not installed; install it (Debian/Ubuntu: apt-get install graphviz) and run again" >&2
  exit 1
fi

# Render to temporary files first, so a failed run never leaves a half-written diagram behind.
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
dot -Tsvg "$SRC" -o "$tmp/architecture.svg"
dot -Tpng -Gdpi="$DPI" "$SRC" -o "$tmp/architecture.png"
mv "$tmp/architecture.svg" "$ROOT/docs/architecture.svg"
mv "$tmp/architecture.png" "$ROOT/docs/architecture.png"
echo "diagram.sh: wrote docs/architecture.svg and docs/architecture.png ($DPI dpi) from docs/architecture.dot"
