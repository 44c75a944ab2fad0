#!/usr/bin/env bash
# The README's first command: install everything the project needs, build it, and run the main example job.
set -euo pipefail
cd "$(dirname "$0")/.."
export npm_config_update_notifier=false npm_config_fund=false npm_config_audit=false
bash scripts/install-system-deps.sh
npm ci --no-audit --no-fund
npm run build
node dist/cli/main.js submit --master "${MASTER:-local[*]}" examples/pi.ts 100
