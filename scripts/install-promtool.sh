#!/usr/bin/env bash
# Installs Debian's prometheus package for its /usr/bin/promtool, which test/deploy checks the alerting
# rules and the scrape config with, when promtool is missing. Only the tool is wanted: the package's own
# Prometheus server is kept from starting (it would hold port 9090) and is disabled if it starts anyway.
set -euo pipefail
source "$(dirname "$0")/lib/apt-tool.sh"
apt_tool_check install-promtool /usr/bin/promtool prometheus
echo "install-promtool: installing Debian's prometheus package for promtool" >&2
# invoke-rc.d and deb-systemd-invoke ask policy-rc.d whether a package may start its service; 101 says no.
policy=/usr/sbin/policy-rc.d
if [ ! -e "$policy" ]; then
  printf '#!/bin/sh\nexit 101\n' >"$policy"
  chmod +x "$policy"
  trap 'rm -f "$policy"' EXIT
fi
apt_tool_install prometheus
if [ -d /run/systemd/system ] && command -v systemctl >/dev/null; then
  systemctl disable --now prometheus >/dev/null 2>&1 || true
elif [ -x /etc/init.d/prometheus ]; then
  /etc/init.d/prometheus stop >/dev/null 2>&1 || true
fi
/usr/bin/promtool --version >&2
