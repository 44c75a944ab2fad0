#!/usr/bin/env bash
# The whole test suite: install what is missing, lint, type-check, build, then every test under test/.
# `npm test` runs this; .ci/run calls `npm test`.
set -euo pipefail
cd "$(dirname "$0")/.."
export npm_config_update_notifier=false npm_config_fund=false npm_config_audit=false
[ -d node_modules/.bin ] || npm ci --no-audit --no-fund
bash scripts/install-system-deps.sh
echo "== lint"; npx eslint .
echo "== typecheck"; npx tsc -p tsconfig.json --noEmit
echo "== build"; npx tsc -p tsconfig.build.json
echo "== tests"
# Single-host runs keep every driver, executor and daemon on loopback: without this, on a host whose name resolves
# to loopback, Spark's address rule (conf/hostAddress.ts) picks the host's non-loopback address. Tests that need
# simulated hosts run commands in their own network namespaces without it.
export SPARK_LOCAL_IP="${SPARK_LOCAL_IP:-127.0.0.1}"
# shellcheck disable=SC2046
node --import tsx --test --test-concurrency=2 --test-timeout=300000 $(node scripts/list-tests.mjs "$@")
