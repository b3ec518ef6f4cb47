#!/usr/bin/env bash
# Installs Debian's Chromium for the browser tests when it is missing. The tests drive /usr/bin/chromium
# through playwright-core and never download a browser.
set -euo pipefail
if [ -x /usr/bin/chromium ]; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "install-chromium: /usr/bin/chromium is missing; run: sudo apt-get install -y chromium" >&2
  exit 1
fi
echo "install-chromium: installing Debian's chromium for the browser tests" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get install -y --no-install-recommends chromium >/dev/null ||
  { apt-get update >/dev/null && apt-get install -y --no-install-recommends chromium >/dev/null; }
/usr/bin/chromium --version >&2
