#!/usr/bin/env bash
# packaging/systemd/baton.service passes `systemd-analyze verify` (with ExecStart pointed at the
# built binary) and keeps its sandbox: `systemd-analyze security` rates it 2.0 or better
# ("OK"; 10 is an unsandboxed service). Usage: systemd_unit_test.sh SOURCE_DIR BATON_BINARY
set -euo pipefail
src=$1
baton=$(readlink -f "$2")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
sed "s|/usr/local/bin/baton|$baton|g" "$src/packaging/systemd/baton.service" >"$work/baton.service"
out=$(systemd-analyze verify --man=no "$work/baton.service" 2>&1) || {
  echo "verify failed: $out"
  exit 1
}
[[ -z $out ]] || { echo "verify warned: $out"; exit 1; }
score=$(systemd-analyze security --offline=yes "$work/baton.service" 2>&1 |
  sed -n 's/.*Overall exposure level for baton.service: \([0-9.]*\).*/\1/p')
echo "exposure level: ${score:-?}"
[[ -n $score ]] && awk -v s="$score" 'BEGIN { exit !(s <= 2.0) }'
