#!/usr/bin/env bash
# GetOrchestrator while 1,000 fresh sender keys per second ask for it, on the devnet: starts a
# devnet (anvil + our contracts, a free port), an on-chain baton whose account is the devnet's
# orchestrator, runs bench_fresh_senders against it and prints its figures. Every fresh key
# makes the node read the chain (the sender's reserve share), so this measures the chain-read
# path of GetOrchestrator (pool threads, bounded caches) rather than the offchain fast path.
#
# Usage: bench/node/fresh_senders.sh [calls per second=1000] [seconds=10]   (after make build)
# BATON=path/to/baton measures another build of the node (e.g. to compare with an older one).
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
BIN=${BUILD_DIR:-build}/bin
RATE=${1:-1000}
SECONDS_TO_RUN=${2:-10}
TMP=$(mktemp -d /tmp/baton-fresh-senders-XXXXXX)
export NODE_PATH="$ROOT/tools/node_modules"
node_pid=""
cleanup() {
  [[ -n "$node_pid" ]] && kill "$node_pid" 2>/dev/null && wait "$node_pid" 2>/dev/null || true
  scripts/devnet stop --state-dir "$TMP/devnet" >/dev/null 2>&1 || true
  rm -rf "$TMP"
}
trap cleanup EXIT

controller=$(scripts/devnet start --port 0 --state-dir "$TMP/devnet" --round-length 1000 | tail -1)
rpc_url=$(node -e "console.log(require('$TMP/devnet/devnet.json').rpcUrl)")
orch_key=$(node scripts/devnet-lib/chain.js --state-dir "$TMP/devnet" info |
  node -e "let s='';process.stdin.on('data',d=>s+=d).on('end',()=>console.log(JSON.parse(s).accounts.orchestrator.privateKey))")
node scripts/devnet-lib/keystore.js "$orch_key" pw "$TMP/node/keystore" >/dev/null
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
cli=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"${BATON:-$BIN/baton}" -orchestrator -transcoder -network devnet -ethUrl "$rpc_url" \
  -ethController "$controller" -ethKeystorePath "$TMP/node/keystore" -ethPassword pw \
  -serviceAddr "127.0.0.1:$port" -cliAddr "127.0.0.1:$cli" -dataDir "$TMP/node" \
  -pricePerUnit 1000 -blockPollingInterval 1 -v 2 >"$TMP/node.log" 2>&1 &
node_pid=$!
for _ in $(seq 1 200); do
  curl -sf "http://127.0.0.1:$cli/status" >/dev/null && break
  kill -0 "$node_pid" 2>/dev/null || { tail -20 "$TMP/node.log"; exit 1; }
  sleep 0.1
done
echo "devnet at $rpc_url, baton (on chain) at 127.0.0.1:$port"
"$BIN/bench_fresh_senders" "127.0.0.1:$port" "$RATE" "$SECONDS_TO_RUN"
echo "baton RSS after the run: $(awk '/VmRSS/ {print $2, $3}' /proc/$node_pid/status)"
