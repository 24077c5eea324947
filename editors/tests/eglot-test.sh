#!/usr/bin/env bash
# Runs eglot-test.el in Debian's Emacs against the built dex, on a temporary copy of
# examples/vault. Environment: DEX (target/debug/dex).
# Last line: `N passed, N failed`; non-zero exit status when a check failed.
set -uo pipefail
REPO=$(cd "$(dirname "$0")/../.." && pwd)
DEX=$(realpath "${DEX:-$REPO/target/debug/dex}")
if ! command -v emacs >/dev/null; then
    echo "FAIL: emacs is missing; run editors/tests/install-clients.sh emacs"
    echo "0 passed, 1 failed"
    exit 1
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp -r "$REPO/examples/vault" "$work/vault"
# Emacs writes its messages to standard error; the checks and the summary go to standard output.
HOME=$work DEX=$DEX VAULT=$work/vault timeout 60 emacs --batch -l "$REPO/editors/tests/eglot-test.el" \
    2>"$work/emacs.log" </dev/null
status=$?
if [ $status -ne 0 ]; then
    echo "emacs exited with status $status; its messages:"
    tail -20 "$work/emacs.log"
    # A crash or timeout before the summary line still needs one.
    [ $status -eq 1 ] || echo "0 passed, 1 failed"
fi
exit $status
