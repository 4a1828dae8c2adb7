#!/usr/bin/env bash
# Called by .ci/run before `npm install`: the console's browser tests drive Debian's Chromium.
set -euo pipefail
if [ ! -x /usr/bin/chromium ]; then
  echo "installing Chromium for the console's browser tests"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq chromium >/dev/null
fi
/usr/bin/chromium --version
