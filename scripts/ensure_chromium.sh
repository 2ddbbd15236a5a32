#!/usr/bin/env bash
# Install Chromium from the Debian packages when it is missing (the HTML-pack rendering test
# takes a screenshot with headless Chromium). Needs root; otherwise says how and exits 0 so the
# rest of the suite still runs (that one test is then skipped, or fails under CI).
set -euo pipefail
CHROMIUM=${PILOTAGE_CHROMIUM:-/usr/bin/chromium}
if [ -x "$CHROMIUM" ]; then
    exit 0
fi
if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
    echo "ensure_chromium: $CHROMIUM is missing; install it with: sudo apt-get install -y chromium" >&2
    exit 0
fi
echo "ensure_chromium: installing chromium from the Debian packages" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >/dev/null
"$CHROMIUM" --version >&2
