#!/usr/bin/env bash
# Install the built app for the current user, in the XDG places desktops look in:
#   the app folder       ~/.local/opt/ver-desktop          ($VER_DESKTOP_PREFIX)
#   the command          ~/.local/bin/ver-desktop          (a symlink; $VER_DESKTOP_BIN_DIR)
#   the desktop entry    $XDG_DATA_HOME/applications/ver-desktop.desktop
#   the icons            $XDG_DATA_HOME/icons/hicolor/<size>/apps/ver-desktop.{png,svg}
#   AppStream metadata   $XDG_DATA_HOME/metainfo/io.github.verdesktop.VerDesktop.metainfo.xml
# ($XDG_DATA_HOME defaults to ~/.local/share.) Nothing needs root.
#
#   packaging/install.sh               from the repository, after packaging/build.sh
#   ./install.sh                       from an unpacked dist/ver-desktop folder
#   install.sh --uninstall             remove all of the above
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
DATA_HOME="${XDG_DATA_HOME:-$HOME/.local/share}"
PREFIX="${VER_DESKTOP_PREFIX:-$HOME/.local/opt/ver-desktop}"
BIN_DIR="${VER_DESKTOP_BIN_DIR:-$HOME/.local/bin}"
DESKTOP_FILE=ver-desktop.desktop
METAINFO=io.github.verdesktop.VerDesktop.metainfo.xml
ICON=ver-desktop

usage() {
    echo "usage: $0 [--uninstall]" >&2
    exit 2
}

# The built app: this script's own folder when it ships inside it, else the repository's dist/.
find_app() {
    local candidate
    for candidate in "$HERE" "$HERE/../dist/ver-desktop"; do
        if [ -x "$candidate/ver-desktop" ] && [ -d "$candidate/share" ]; then
            (cd "$candidate" && pwd)
            return
        fi
    done
    echo "install: no built app found; run packaging/build.sh first" >&2
    exit 1
}

refresh_caches() {
    if command -v update-desktop-database >/dev/null; then
        update-desktop-database -q "$DATA_HOME/applications" || true
    fi
    if command -v gtk-update-icon-cache >/dev/null && [ -f "$DATA_HOME/icons/hicolor/index.theme" ]; then
        gtk-update-icon-cache -q -t -f "$DATA_HOME/icons/hicolor" || true
    fi
}

install_app() {
    local app target share
    app="$(find_app)"
    case "$PREFIX" in
        *[\"\`\$\\]*) echo "install: the folder may not contain \" \` \$ or \\: $PREFIX" >&2; exit 1 ;;
    esac
    target="$PREFIX"
    if [ "$app" != "$target" ]; then
        rm -rf "$target.new"
        mkdir -p "$(dirname "$target")"
        cp -a "$app" "$target.new"
        rm -rf "$target"
        mv "$target.new" "$target"
    fi
    mkdir -p "$BIN_DIR"
    ln -sfn "$target/ver-desktop" "$BIN_DIR/ver-desktop"

    share="$target/share"
    mkdir -p "$DATA_HOME/applications" "$DATA_HOME/metainfo"
    # The desktop may not have ~/.local/bin on its PATH: point the entry at the app itself.
    sed -e "s|^Exec=ver-desktop |Exec=\"$target/ver-desktop\" |" \
        -e "s|^TryExec=ver-desktop$|TryExec=$target/ver-desktop|" \
        "$share/applications/$DESKTOP_FILE" > "$DATA_HOME/applications/$DESKTOP_FILE"
    cp "$share/metainfo/$METAINFO" "$DATA_HOME/metainfo/$METAINFO"
    (cd "$share/icons" && find hicolor -type f -name "$ICON.*") | while read -r icon; do
        mkdir -p "$DATA_HOME/icons/$(dirname "$icon")"
        cp "$share/icons/$icon" "$DATA_HOME/icons/$icon"
    done
    refresh_caches
    echo "Installed ver_desktop in $target"
    echo "  command: $BIN_DIR/ver-desktop; menu entry: $DATA_HOME/applications/$DESKTOP_FILE"
    case ":$PATH:" in
        *":$BIN_DIR:"*) ;;
        *) echo "  note: $BIN_DIR is not on your PATH" ;;
    esac
}

uninstall_app() {
    rm -f "$DATA_HOME/applications/$DESKTOP_FILE" "$DATA_HOME/metainfo/$METAINFO"
    find "$DATA_HOME/icons/hicolor" -path "*/apps/$ICON.*" -type f -delete 2>/dev/null || true
    if [ -L "$BIN_DIR/ver-desktop" ] \
            && [ "$(readlink "$BIN_DIR/ver-desktop")" = "$PREFIX/ver-desktop" ]; then
        rm -f "$BIN_DIR/ver-desktop"
    fi
    if [ -x "$PREFIX/ver-desktop" ]; then
        rm -rf "$PREFIX"
    fi
    refresh_caches
    echo "Removed ver_desktop (your library in the data folder is kept)"
}

case "${1:-}" in
    "") install_app ;;
    --uninstall) uninstall_app ;;
    *) usage ;;
esac
