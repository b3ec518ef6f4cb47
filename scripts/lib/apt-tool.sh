# Sourced by the scripts/install-*.sh scripts, which install a Debian package for a tool the tests run.
# apt_tool_check NAME BINARY PACKAGE: exits 0 when BINARY is there already, and 1 with the command to
# run when it is not and this is not root. apt_tool_install PACKAGE: installs it, reading the package
# lists first only if the install fails without.

apt_tool_check() {
  local name=$1 binary=$2 package=$3
  if [ -x "$binary" ]; then
    exit 0
  fi
  if [ "$(id -u)" -ne 0 ]; then
    echo "$name: $binary is missing; run: sudo apt-get install -y $package" >&2
    exit 1
  fi
}

apt_tool_install() {
  local package=$1
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y --no-install-recommends "$package" >/dev/null ||
    { apt-get update >/dev/null && apt-get install -y --no-install-recommends "$package" >/dev/null; }
}
