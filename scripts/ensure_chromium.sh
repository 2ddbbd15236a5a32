#!/usr/bin/env bash
# Install Chromium (HTML-pack rendering test, PDF packs, README screenshots) and poppler-utils
# (pdftoppm / pdftotext: the PDF test turns pages into PNG and text) from the Debian packages when
# missing. Needs root; otherwise says how and exits 0 so the rest of the suite still runs (those
# tests are then skipped, or fail under CI).
set -euo pipefail
CHROMIUM=${PILOTAGE_CHROMIUM:-/usr/bin/chromium}
missing=()
[ -x "$CHROMIUM" ] || missing+=(chromium fonts-dejavu-core)
command -v pdftoppm >/dev/null 2>&1 || missing+=(poppler-utils)
if [ ${#missing[@]} -eq 0 ]; then
    exit 0
fi
if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
    echo "ensure_chromium: missing ${missing[*]}; install with: sudo apt-get install -y ${missing[*]}" >&2
    exit 0
fi
echo "ensure_chromium: installing ${missing[*]} from the Debian packages" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
[ -x "$CHROMIUM" ] && "$CHROMIUM" --version >&2 || true
