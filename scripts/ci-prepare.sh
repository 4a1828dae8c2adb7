#!/usr/bin/env bash
# Called by .ci/run before `npm install`: Debian packages the tests drive. Chromium for the
# console's browser tests; promtool (package prometheus) to check the shipped alert rule files.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
command -v promtool >/dev/null 2>&1 || missing+=(prometheus)
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing ${missing[*]}"
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
/usr/bin/chromium --version
promtool --version | head -1

# The Docker smoke test (docker/smoke.sh, a step of `npm test`): an engine without a bridge
# network (everything runs with --network host, on loopback) and the local Node 20 base image.
if ! docker info >/dev/null 2>&1; then
  if ! command -v dockerd >/dev/null 2>&1 || ! command -v debootstrap >/dev/null 2>&1; then
    echo "installing Docker and debootstrap for the image smoke test"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq docker.io debootstrap >/dev/null
  fi
  echo "starting the Docker engine"
  mkdir -p /var/log/payrail-ci
  nohup dockerd --bridge=none --iptables=false --ip6tables=false >/var/log/payrail-ci/dockerd.log 2>&1 &
  for _ in $(seq 1 30); do docker info >/dev/null 2>&1 && break; sleep 1; done
fi
if docker info >/dev/null 2>&1; then
  command -v debootstrap >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq debootstrap >/dev/null; }
  bash docker/base-image.sh
else
  echo "no Docker engine: the image smoke test will be skipped"
fi
