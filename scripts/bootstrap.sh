#!/usr/bin/env bash
# Creates .venv with a Python >= 3.11. A bare Debian python3 lacks the venv/ensurepip
# module, so fall back to apt (the only other thing a fresh machine has).
set -euo pipefail
VENV=${1:-.venv}
PYTHON=${PYTHON:-}
if [ -z "$PYTHON" ]; then
  for cand in python3.11 python3 python; do
    if command -v "$cand" >/dev/null 2>&1 && "$cand" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
      PYTHON=$cand; break
    fi
  done
fi
if [ -z "$PYTHON" ]; then
  echo "bootstrap: no Python >= 3.11 found on PATH" >&2; exit 2
fi
if [ ! -x "$VENV/bin/python" ]; then
  if ! "$PYTHON" -m venv "$VENV" 2>/dev/null; then
    rm -rf "$VENV"
    echo "bootstrap: '$PYTHON -m venv' failed; installing Debian's venv package" >&2
    SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
    ver=$("$PYTHON" -c 'import sys; print(f"{sys.version_info[0]}.{sys.version_info[1]}")')
    $SUDO apt-get update -qq
    $SUDO apt-get install -y -qq "python${ver}-venv" || $SUDO apt-get install -y -qq python3-venv
    "$PYTHON" -m venv "$VENV"
  fi
fi
