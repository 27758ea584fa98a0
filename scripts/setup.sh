#!/usr/bin/env bash
# Prepares a Debian 12 / Raspberry Pi OS Bookworm machine for hallq:
# the system packages it needs (apt) and a virtualenv (.venv) with the project installed.
#   scripts/setup.sh run    what a hall needs: Mosquitto, a CJK font, espeak-ng, Kivy's GL libs
#   scripts/setup.sh test   the above plus test tools: Xvfb, socat, chromium, imagemagick
# Safe to run again: it installs only what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."
profile="${1:-run}"

run_pkgs=(mosquitto mosquitto-clients xvfb xauth libgl1 libegl1 libgl1-mesa-dri libmtdev1
          fonts-wqy-microhei espeak-ng sox alsa-utils python3-venv)
test_pkgs=(socat chromium imagemagick openssl)
pkgs=("${run_pkgs[@]}")
[ "$profile" = test ] && pkgs+=("${test_pkgs[@]}")

missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  echo "==> installing system packages: ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends \
    "${missing[@]}" >/dev/null
fi

python="${PYTHON:-python3}"
if ! "$python" -c 'import sys; assert sys.version_info >= (3, 11)' 2>/dev/null; then
  echo "hallq needs Python 3.11 or newer (Raspberry Pi OS Bookworm has it as python3)" >&2
  exit 1
fi
extra=""
[ "$profile" = test ] && extra="[test]"
stamp=".venv/.hallq-installed-$profile"
if [ ! -x .venv/bin/python ] || [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  echo "==> creating .venv and installing hallq$extra (first run takes a few minutes)"
  [ -x .venv/bin/python ] || "$python" -m venv .venv
  .venv/bin/python -m pip install -q --upgrade pip
  .venv/bin/python -m pip install -q -e ".$extra"
  touch "$stamp"
fi
echo "==> ready: $(.venv/bin/python --version), hallq in .venv"
