#!/bin/sh
# Install Debian's chromium (for the report browser test) and a CJK font (so Chinese text in
# screenshots is not drawn as boxes) unless they are already there.
# Idempotent and quiet: prints nothing on success, apt's output on failure.
set -eu
packages=""
[ -x /usr/bin/chromium ] || packages="chromium"
if ! command -v fc-list >/dev/null 2>&1 || [ -z "$(fc-list :lang=zh 2>/dev/null)" ]; then
    packages="$packages fonts-wqy-microhei"
fi
[ -n "$packages" ] || exit 0
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo -n"
export DEBIAN_FRONTEND=noninteractive
log=$(mktemp)
trap 'rm -f "$log"' EXIT
# shellcheck disable=SC2086  # $SUDO and $packages are word lists on purpose
if ! { $SUDO apt-get update -qq && $SUDO apt-get install -y -qq --no-install-recommends $packages; } >"$log" 2>&1; then
    cat "$log" >&2
    exit 1
fi
