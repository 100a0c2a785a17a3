#!/usr/bin/env bash
# Prove the offline bundle installs and runs with no package index at all.
#
#   scripts/check_bundle.sh dist/rr-tui-offline-VERSION.tar.gz
#
# Unpacks it in a fresh temporary folder, runs its install.sh with pip's indexes disabled
# (PIP_NO_INDEX=1, no pip configuration, no extra wheel folders), then runs
# `rr-tui --version` and `rr-tui status` on a fresh database through the PATH link.
set -euo pipefail

bundle=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

tar -C "$work" -xzf "$bundle"
export PIP_NO_INDEX=1 PIP_CONFIG_FILE=/dev/null PIP_FIND_LINKS=
export HOME="$work/home" XDG_DATA_HOME="$work/home/data" RR_TUI_DATA_DIR="$work/home/rr-data"
export RR_TUI_CONFIG="$work/home/config.toml"
mkdir -p "$HOME"
: > "$RR_TUI_CONFIG"
unset RR_TUI_DB

"$work"/rr-tui-offline-*/install.sh --prefix "$work/venv" --bin-dir "$work/bin"
export PATH="$work/bin:$PATH"
test "$(command -v rr-tui)" = "$work/bin/rr-tui"
version=$(rr-tui --version)
echo "bundle check: $version"
test "$version" = "rr-tui $(cat "$work"/rr-tui-offline-*/VERSION)"
rr-tui --db "$work/fresh.db" db create
rr-tui --db "$work/fresh.db" status
# The default install (under the data folder, linked into ~/.local/bin) works too.
"$work"/rr-tui-offline-*/install.sh
"$HOME/.local/bin/rr-tui" --version
test -x "$XDG_DATA_HOME/rr-tui/venv/bin/rr-tui"
echo "bundle check: installed and ran with package indexes disabled"
