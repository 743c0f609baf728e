#!/bin/sh
# Synthetic speech for fitting and checking the "mostly speech" flag (content_check.py).
# Needs Debian's espeak-ng (apt-get install espeak-ng). Usage: make_speech.sh OUT_DIR
set -eu
out="${1:?usage: make_speech.sh OUT_DIR}"
command -v espeak-ng >/dev/null || { echo "espeak-ng is not installed" >&2; exit 2; }
here="$(cd "$(dirname "$0")" && pwd)"
exec "$here/../../.venv/bin/python" "$here/make_speech.py" "$out"
