#!/usr/bin/env bash
# Sets up this machine (scripts/setup.sh run) and runs a whole hall on it: hallq demo.
# Extra arguments go to `hallq demo` (see `.venv/bin/hallq demo --help`).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh run
exec .venv/bin/hallq demo "$@"
