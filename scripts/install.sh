#!/bin/sh
# Install rr-tui from this offline bundle: no internet, no package index.
#
#   ./install.sh                  # a private virtual environment under your data folder
#                                 # (~/.local/share/rr-tui/venv); rr-tui linked into ~/.local/bin
#   ./install.sh --prefix DIR     # the virtual environment in DIR instead
#   ./install.sh --bin-dir DIR    # link rr-tui into DIR (on your PATH) instead of ~/.local/bin
#   ./install.sh --python PATH    # the Python to use (default: python3)
#
# Needs the same Python (major.minor) the bundle was built for, with its venv module
# (Debian: python3-venv). Installing again upgrades in place. Nothing is fetched from
# anywhere: pip runs with --no-index and only the wheels beside this script.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
data_home=${XDG_DATA_HOME:-$HOME/.local/share}
prefix=""
bin_dir=""
python=${PYTHON:-python3}

usage() {
    sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'
}

while [ $# -gt 0 ]; do
    case "$1" in
        --prefix) [ $# -ge 2 ] || { usage >&2; exit 2; }; prefix=$2; shift 2 ;;
        --prefix=*) prefix=${1#--prefix=}; shift ;;
        --bin-dir) [ $# -ge 2 ] || { usage >&2; exit 2; }; bin_dir=$2; shift 2 ;;
        --bin-dir=*) bin_dir=${1#--bin-dir=}; shift ;;
        --python) [ $# -ge 2 ] || { usage >&2; exit 2; }; python=$2; shift 2 ;;
        -h|--help) usage; exit 0 ;;
        *) echo "install.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
    esac
done

if ! command -v "$python" >/dev/null 2>&1; then
    echo "install.sh: $python not found; install Python $(cat "$here/PYTHON_VERSION") first" >&2
    exit 1
fi
want=$(cat "$here/PYTHON_VERSION")
have=$("$python" -c 'import sys; print("%d.%d" % sys.version_info[:2])')
if [ "$want" != "$have" ]; then
    echo "install.sh: this bundle is built for Python $want, but $python is $have;" \
        "use --python PATH, or build a bundle on this host's Python (make bundle)" >&2
    exit 1
fi

[ -n "$prefix" ] || prefix="$data_home/rr-tui/venv"
[ -n "$bin_dir" ] || bin_dir="$HOME/.local/bin"
case "$prefix" in /*) ;; *) prefix="$(pwd)/$prefix" ;; esac

mkdir -p "$prefix"
"$python" -m venv "$prefix"
PIP_NO_INDEX=1 PIP_CONFIG_FILE=/dev/null "$prefix/bin/python" -m pip install \
    --quiet --no-index --disable-pip-version-check --find-links "$here/wheels" \
    --upgrade "rr-tui[postgres]==$(cat "$here/VERSION")"

mkdir -p "$bin_dir"
ln -sf "$prefix/bin/rr-tui" "$bin_dir/rr-tui"
echo "installed rr-tui $(cat "$here/VERSION") in $prefix; linked $bin_dir/rr-tui"
case ":$PATH:" in
    *":$bin_dir:"*) ;;
    *) echo "add $bin_dir to your PATH, for example in ~/.profile:" \
        "export PATH=\"$bin_dir:\$PATH\"" ;;
esac
