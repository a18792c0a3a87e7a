# Sourced by the install-*.sh scripts: checks that apt can install PACKAGE for us and sets
# SUDO; otherwise prints what to do and exits 0 (the tests that need it then skip).
# Usage: NAME=install-x; PACKAGE=debian-package; HINT="what to do by hand"; . apt-setup.sh
if ! command -v apt-get >/dev/null 2>&1; then
    echo "$NAME: apt-get not found; $HINT" >&2
    exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
        SUDO="sudo"
    else
        echo "$NAME: not root and no sudo; run: apt-get install $PACKAGE" >&2
        exit 0
    fi
fi
# Refresh the package lists only when apt does not know the package yet.
if ! apt-cache show "$PACKAGE" >/dev/null 2>&1; then
    $SUDO apt-get update -qq || echo "$NAME: apt-get update failed" >&2
fi
