#!/usr/bin/env bash
# Sets up (scripts/setup.sh test) and runs every check: ruff, mypy on the core, pytest.
# Tests start their own Mosquitto on free 127.0.0.1 ports; this starts Xvfb when there is
# no display, for the Kivy and browser tests. Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh test

if [ -z "${DISPLAY:-}" ]; then
  for n in $(seq 90 120); do [ -e "/tmp/.X11-unix/X$n" ] || break; done
  Xvfb ":$n" -screen 0 1920x1080x24 -nolisten tcp >/tmp/hallq-xvfb.log 2>&1 &
  xvfb_pid=$!
  trap 'kill $xvfb_pid 2>/dev/null || true' EXIT
  export DISPLAY=":$n"
  for _ in $(seq 50); do [ -e "/tmp/.X11-unix/X$n" ] && break; sleep 0.1; done
fi
export KIVY_NO_ARGS=1 KIVY_NO_CONSOLELOG=1 PYTHONDONTWRITEBYTECODE=1

echo "==> ruff"
.venv/bin/ruff check .
.venv/bin/ruff format --check . >/dev/null || { .venv/bin/ruff format --check .; exit 1; }
echo "==> mypy (the pure core, strict)"
.venv/bin/mypy
echo "==> pytest"
set +e
.venv/bin/python -m pytest -p no:cacheprovider "$@"
rc=$?
set -e
if [ $rc -eq 5 ]; then
  echo "pytest collected no tests: treated as a failure (the suite must never be empty)" >&2
  exit 1
fi
exit $rc
