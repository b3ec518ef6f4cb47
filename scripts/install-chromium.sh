#!/usr/bin/env bash
# Installs Debian's Chromium for the browser tests when it is missing. The tests drive /usr/bin/chromium
# through playwright-core and never download a browser.
set -euo pipefail
source "$(dirname "$0")/lib/apt-tool.sh"
apt_tool_check install-chromium /usr/bin/chromium chromium
echo "install-chromium: installing Debian's chromium for the browser tests" >&2
apt_tool_install chromium
/usr/bin/chromium --version >&2
