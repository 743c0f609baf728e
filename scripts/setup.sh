#!/usr/bin/env bash
# Set up whatever is missing: Debian packages, the virtual environment, Python packages.
# Idempotent and quick when everything is already there.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON="${PYTHON:-python3.11}"
VENV=.venv
EXTRAS="${EXTRAS:-dev,train,package,server}"
# Qt's offscreen platform and QtMultimedia need these shared libraries; PyInstaller
# (packaging/build.sh) needs binutils; tests/test_packaging.py validates the desktop entry
# and AppStream file with desktop-file-utils and appstream; the tests start a throwaway
# PostgreSQL server from Debian's postgresql (tests/pgserver.py) for the shared library;
# the speech tests read real recorded speech from pocketsphinx-testdata (LibriVox readings)
# and codec2-examples (radio and studio voices); `ver-desktop render-midi` renders the MIDI
# training sets with fluidsynth and two General MIDI soundfonts (fluid-soundfont-gm,
# timgm6mb-soundfont); moods go into MKV files' own tags with MKVToolNix (mkvtoolnix:
# mkvpropedit, mkvextract); the tests read moods written into files back with independent
# readers (libimage-exiftool-perl's exiftool, mediainfo).
APT_PACKAGES=(libegl1 libgl1 libxkbcommon0 libfontconfig1 libdbus-1-3 libpulse0 binutils
              desktop-file-utils appstream postgresql pocketsphinx-testdata codec2-examples
              fluidsynth fluid-soundfont-gm timgm6mb-soundfont libimage-exiftool-perl mediainfo
              mkvtoolnix)

missing=()
for package in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" \
        || missing+=("$package")
done
if ((${#missing[@]})); then
    echo "setup: installing Debian packages: ${missing[*]}"
    SUDO=""
    if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi

if [ ! -x "$VENV/bin/python" ]; then
    echo "setup: creating $VENV with $PYTHON"
    "$PYTHON" -m venv "$VENV"
fi

STAMP="$VENV/.installed-$EXTRAS"
if [ ! -f "$STAMP" ] || [ pyproject.toml -nt "$STAMP" ]; then
    echo "setup: installing Python packages (.[${EXTRAS}])"
    "$VENV/bin/python" -m pip install -q --upgrade pip
    "$VENV/bin/python" -m pip install -q -e ".[${EXTRAS}]"
    touch "$STAMP"
fi
