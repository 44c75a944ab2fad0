#!/usr/bin/env bash
# The README's first command: install everything, build, and run the main example (Pi) on an embedded mini-Mesos
# cluster in coarse-grained mode, started and stopped here. Set MASTER to run it elsewhere (local[*], mesos://...).
set -euo pipefail
cd "$(dirname "$0")/.."
export npm_config_update_notifier=false npm_config_fund=false npm_config_audit=false
bash scripts/install-system-deps.sh
npm ci --no-audit --no-fund
npm run build
master="${MASTER:-}"
if [ -z "$master" ]; then
  log=$(mktemp)
  node dist/cli/main.js mini-cluster --port 0 --agents 2 --resources 'cpus:2;mem:4096;disk:10000;ports:[31000-31100]' >"$log" 2>&1 &
  cluster=$!
  trap 'kill "$cluster" 2>/dev/null || true; wait "$cluster" 2>/dev/null || true; rm -f "$log"' EXIT
  for _ in $(seq 1 100); do
    master=$(grep -o 'mesos://[0-9.]*:[0-9]*' "$log" | head -n 1 || true)
    [ -n "$master" ] && break
    sleep 0.1
  done
  [ -n "$master" ] || { cat "$log"; echo "mini-Mesos did not start" >&2; exit 1; }
  echo "== embedded mini-Mesos at $master"
fi
SPARK_MESOS_LOG_LEVEL="${SPARK_MESOS_LOG_LEVEL:-warn}" node dist/cli/main.js submit --master "$master" \
  --conf spark.executor.cores=1 --conf spark.executor.memory=512m examples/pi.ts 100
