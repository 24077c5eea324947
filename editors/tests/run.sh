#!/usr/bin/env bash
# Runs every editor test against the built dex: the VS Code extension's checks and its
# end-to-end test in code-server, the Neovim plugin on 0.11 and 0.7, and Emacs eglot.
# Install the editors first with editors/tests/install-clients.sh.
#
# Environment: DEX (default target/debug/dex, built here when missing), CLIENTS_DIR (./.clients),
# OUT (target/editor-tests: screenshots and logs).
# Last line: `editors: N passed, N failed` counting the test scripts; non-zero exit status when
# one failed.
set -uo pipefail
REPO=$(cd "$(dirname "$0")/../.." && pwd)
cd "$REPO" || exit 1
export CLIENTS_DIR=${CLIENTS_DIR:-$REPO/.clients}
export OUT=${OUT:-$REPO/target/editor-tests}
if [ -z "${DEX:-}" ]; then
    cargo build --locked --quiet --bin dex || exit 1
    DEX=$REPO/target/debug/dex
fi
export DEX
echo "$("$DEX" --version) at $DEX"
passed=0
failed=0

run_test() {
    local name=$1 start=$SECONDS
    shift
    echo "=== $name"
    if "$@"; then
        passed=$((passed + 1))
        echo "=== $name passed in $((SECONDS - start)) s"
    else
        failed=$((failed + 1))
        echo "=== $name FAILED in $((SECONDS - start)) s"
    fi
}

run_test "VS Code extension checks" timeout 900 editors/tests/vscode-check.sh
run_test "VS Code in code-server" env VSIX="$REPO/editors/vscode/dist/dex.vsix" \
    timeout 600 editors/tests/vscode-e2e.sh
run_test "Neovim" timeout 600 editors/tests/nvim-test.sh
run_test "Emacs eglot" timeout 120 editors/tests/eglot-test.sh
echo "editors: $passed passed, $failed failed"
[ $failed -eq 0 ]
