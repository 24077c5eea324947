#!/usr/bin/env bash
# Runs nvim_test.lua against the built dex under every Neovim installed by install-clients.sh.
# Neovim 0.11 (PyPI wheel) runs it three times: setup() through vim.lsp.enable, setup() through
# vim.lsp.start, and the plain lsp/dex.lua config. Debian's Neovim 0.7 runs it with the raw
# client API, because the plugin itself needs 0.9.
#
# Environment: DEX (target/debug/dex), CLIENTS_DIR (./.clients).
# Last line: `N passed, N failed` counting Neovim runs; non-zero exit status when one failed.
set -uo pipefail
# A language server that exits while Neovim still writes to it must not kill Neovim with
# SIGPIPE; with the signal ignored, Neovim gets an EPIPE error instead.
trap '' PIPE
REPO=$(cd "$(dirname "$0")/../.." && pwd)
CLIENTS_DIR=${CLIENTS_DIR:-$REPO/.clients}
DEX=$(realpath "${DEX:-$REPO/target/debug/dex}")
passed=0
failed=0

run() {
    local nvim=$1 mode=$2 state vault status
    state=$(mktemp -d)
    vault=$(mktemp -d)/vault
    cp -r "$REPO/examples/vault" "$vault"
    echo "== $("$nvim" --version | head -1), mode $mode"
    # Keep lsp.log, shada and swap files out of the home folder.
    export XDG_CONFIG_HOME=$state/config XDG_DATA_HOME=$state/data XDG_STATE_HOME=$state/state \
        XDG_CACHE_HOME=$state/cache
    local minor
    minor=$("$nvim" --version | sed -n '1s/^NVIM v0\.\([0-9]*\).*/\1/p')
    if [ "${minor:-0}" -ge 9 ]; then
        DEX=$DEX VAULT=$vault PLUGIN=$REPO/editors/nvim MODE=$mode \
            timeout 120 "$nvim" --headless -u NONE -i NONE -n -l "$REPO/editors/tests/nvim_test.lua" </dev/null
    else
        # Never -l here: before 0.9 it is Vim's Lisp mode and Neovim waits for ever.
        DEX=$DEX VAULT=$vault PLUGIN=$REPO/editors/nvim MODE=$mode \
            timeout 120 "$nvim" --headless -u NONE -i NONE -n \
            -c "luafile $REPO/editors/tests/nvim_test.lua" </dev/null
    fi
    status=$?
    if [ $status -eq 0 ]; then
        passed=$((passed + 1))
    else
        failed=$((failed + 1))
        echo "exit status $status; last lines of lsp.log:"
        tail -5 "$state/state/nvim/lsp.log" 2>/dev/null
    fi
    rm -rf "$state" "$(dirname "$vault")"
}

if [ ! -x "$DEX" ]; then
    echo "FAIL: $DEX is missing; run cargo build"
    echo "0 passed, 1 failed"
    exit 1
fi
nvim11=$CLIENTS_DIR/nvim-venv/bin/nvim
if [ -x "$nvim11" ]; then
    run "$nvim11" setup
    run "$nvim11" legacy
    run "$nvim11" enable
else
    echo "FAIL: $nvim11 is missing; run editors/tests/install-clients.sh nvim"
    failed=$((failed + 1))
fi
if [ -x /usr/bin/nvim ]; then
    run /usr/bin/nvim raw
else
    echo "FAIL: /usr/bin/nvim is missing; run editors/tests/install-clients.sh nvim"
    failed=$((failed + 1))
fi
echo "$passed passed, $failed failed"
[ $failed -eq 0 ]
