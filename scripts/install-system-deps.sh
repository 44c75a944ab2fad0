#!/usr/bin/env bash
# Debian packages the tests use as real parts: a ZooKeeper server (started by the tests on 127.0.0.1), Java
# to run it, and Chromium for the dispatcher UI test (driven by playwright-core). Installs only what is missing; needs root (as on CI and developer machines here).
set -euo pipefail
need=()
[ -f /usr/share/java/zookeeper.jar ] || need+=(zookeeper)
command -v java >/dev/null 2>&1 || need+=(default-jre-headless)
[ -x /usr/bin/chromium ] || need+=(chromium)
# The compression commands: bzip2 writes .bz2 output (docs/io.md); all four check codec interop in test/io.
for c in gzip bzip2 zstd lz4; do command -v "$c" >/dev/null 2>&1 || need+=("$c"); done
if [ ${#need[@]} -gt 0 ]; then
  echo "== installing Debian packages: ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
