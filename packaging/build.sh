#!/usr/bin/env bash
# Build the one-folder app: dist/ver-desktop/ver-desktop (the desktop app with no arguments,
# the command line with `scan`, `classify`, `list`). Needs the `package` extra, which
# ./scripts/setup.sh installs (or: .venv/bin/pip install -e '.[package]').
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-.venv/bin/python}"
APP=dist/ver-desktop

started=$SECONDS
"$PYTHON" -m PyInstaller --noconfirm --clean --log-level WARN \
    --distpath dist --workpath build/pyinstaller packaging/ver-desktop.spec

# Debug information is ~54 MB of the bundle: pyenv's libpython and its extension modules,
# and PyAV's and SQLAlchemy's Cython modules carry it. Strip only the files that have it
# (tests/test_packaging.py runs the stripped app); the libraries the wheels vendor are
# stripped already.
if [ "$(uname -s)" = Linux ]; then
    while IFS= read -r -d '' library; do
        if readelf -S --wide "$library" 2>/dev/null | grep -q '\.debug_info'; then
            strip --strip-debug "$library"
        fi
    done < <(find "$APP" -type f \( -name "*.so" -o -name "*.so.*" \) -print0)
fi
# The desktop integration travels with the app, so the folder alone (or a tarball of it) can
# be installed with its own install.sh.
if [ "$(uname -s)" = Linux ]; then
    mkdir -p "$APP/share/applications" "$APP/share/metainfo" "$APP/share/icons"
    cp packaging/linux/ver-desktop.desktop "$APP/share/applications/"
    cp packaging/linux/io.github.verdesktop.VerDesktop.metainfo.xml "$APP/share/metainfo/"
    cp -r packaging/linux/icons/hicolor "$APP/share/icons/"
    cp packaging/install.sh "$APP/install.sh"
fi
echo "build: $APP in $((SECONDS - started)) s, $(du -sh "$APP" | cut -f1) on disk"
