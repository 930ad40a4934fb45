#!/usr/bin/env bash
# Print a command that runs uv, installing uv into the user's pip first if needed.
# Order: an existing `uv` on PATH, then `python3 -m uv`, then a pip install.
# Everything except the final command line goes to stderr, so callers can do
#   UV="$(scripts/ensure_uv.sh)" && $UV sync --locked
set -euo pipefail

PYTHON="${PYTHON:-python3}"

if command -v uv >/dev/null 2>&1 && uv --version >/dev/null 2>&1; then
    echo uv
    exit 0
fi
if "$PYTHON" -m uv --version >/dev/null 2>&1; then
    echo "$PYTHON -m uv"
    exit 0
fi

echo "uv not found; installing it with pip ..." >&2
if ! "$PYTHON" -m pip --version >/dev/null 2>&1; then
    # Debian's python3 ships without pip; we run as root on the target machines.
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        (apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y python3-pip) >&2
    else
        echo "error: $PYTHON has no pip; install uv (https://docs.astral.sh/uv/) or python3-pip." >&2
        exit 1
    fi
fi
# Inside a virtualenv --user is not allowed; Debian's system python needs
# --break-system-packages (PEP 668) for a --user install.
if [ -n "${VIRTUAL_ENV:-}" ]; then
    "$PYTHON" -m pip install --quiet uv >&2
else
    "$PYTHON" -m pip install --quiet --user uv >&2 \
        || "$PYTHON" -m pip install --quiet --user --break-system-packages uv >&2 \
        || "$PYTHON" -m pip install --quiet uv >&2
fi

if "$PYTHON" -m uv --version >/dev/null 2>&1; then
    echo "$PYTHON -m uv"
    exit 0
fi
echo "error: uv could not be installed" >&2
exit 1
