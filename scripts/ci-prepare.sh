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
