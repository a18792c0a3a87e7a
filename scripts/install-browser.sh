#!/usr/bin/env sh
# Install headless Chromium and its WebDriver (Debian packages chromium, chromium-driver)
# for the report's browser test. Idempotent: does nothing when both are already present.
# Needs root (or sudo) and apt; on other systems it prints what to install and exits 0,
# and the browser test skips itself.
set -eu

if command -v chromium >/dev/null 2>&1 && command -v chromedriver >/dev/null 2>&1; then
    exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
    echo "install-browser: apt-get not found; install Chromium and chromedriver by hand" >&2
    echo "install-browser: (the browser test is skipped without them)" >&2
    exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then
        SUDO="sudo"
    else
        echo "install-browser: not root and no sudo; run: apt-get install chromium chromium-driver" >&2
        exit 0
    fi
fi
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends \
    chromium chromium-driver >/dev/null
echo "install-browser: installed $(chromium --version 2>/dev/null || echo chromium)"
