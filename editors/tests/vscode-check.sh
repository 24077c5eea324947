#!/usr/bin/env bash
# Checks the VS Code extension without an editor: npm ci, type check, ESLint and Prettier, unit
# tests (including package.json's settings against `dex settings-schema`), and the .vsix.
#
# Environment: DEX (target/debug/dex).
# Last line: `N passed, N failed` counting the steps; non-zero exit status when one failed.
set -uo pipefail
REPO=$(cd "$(dirname "$0")/../.." && pwd)
DEX=$(realpath "${DEX:-$REPO/target/debug/dex}")
cd "$REPO/editors/vscode" || exit 1
passed=0
failed=0

step() {
    local name=$1 start=$SECONDS log
    shift
    log=$(mktemp)
    if "$@" >"$log" 2>&1; then
        passed=$((passed + 1))
        echo "ok   $name ($((SECONDS - start)) s)"
    else
        failed=$((failed + 1))
        echo "FAIL $name ($((SECONDS - start)) s); last lines of its output:"
        tail -30 "$log"
    fi
    rm -f "$log"
}

step "npm ci" npm ci --no-audit --no-fund
step "type check" npm run typecheck
step "lint" npm run lint
step "unit tests and settings check" env DEX="$DEX" npm test
step "package dist/dex.vsix" npm run package
echo "$passed passed, $failed failed"
[ $failed -eq 0 ]
