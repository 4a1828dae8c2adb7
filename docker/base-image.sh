#!/usr/bin/env bash
# Builds a local stand-in for the official Node 20 image where no registry can be reached: a
# minimal Debian bookworm root (debootstrap) with this machine's Node 20 copied in, imported as
# $BASE_IMAGE (default payrail-base:node20-bookworm). Skipped when that image already exists.
set -euo pipefail
image="${BASE_IMAGE:-payrail-base:node20-bookworm}"
if docker image inspect "$image" >/dev/null 2>&1; then
  echo "base image $image: already built"
  exit 0
fi
node_bin="$(command -v node)"
case "$("$node_bin" --version)" in v20.*) ;; *) echo "Node 20 is needed on this machine to build $image" >&2; exit 1 ;; esac
mirror="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
cache="${PAYRAIL_BASE_CACHE:-/var/cache/payrail-base}"
root="$(mktemp -d)"
trap 'rm -rf "$root"' EXIT
mkdir -p "$cache"
echo "base image $image: debootstrap bookworm (minbase) into $root"
debootstrap --variant=minbase --cache-dir="$cache" --include=ca-certificates bookworm "$root" "$mirror" >/dev/null
# Node itself; npm and corepack from this machine's install, as the official image ships them.
node_prefix="$(cd "$(dirname "$(readlink -f "$node_bin")")/.." && pwd)"
install -m 0755 "$(readlink -f "$node_bin")" "$root/usr/local/bin/node"
if [ -d "$node_prefix/lib/node_modules/npm" ]; then
  mkdir -p "$root/usr/local/lib/node_modules"
  cp -a "$node_prefix/lib/node_modules/npm" "$root/usr/local/lib/node_modules/npm"
  ln -sf ../lib/node_modules/npm/bin/npm-cli.js "$root/usr/local/bin/npm"
  ln -sf ../lib/node_modules/npm/bin/npx-cli.js "$root/usr/local/bin/npx"
fi
# Headers for native modules built from source (better-sqlite3): node-gyp uses them instead of
# downloading them.
if [ -d /usr/include/node ]; then
  mkdir -p "$root/usr/local/include"
  cp -a /usr/include/node "$root/usr/local/include/node"
fi
mkdir -p "$root/usr/local/etc"
printf 'nodedir=/usr/local\nfund=false\naudit=false\nupdate-notifier=false\n' > "$root/usr/local/etc/npmrc"
# The certificate authorities this machine trusts (a TLS-inspecting egress proxy's included), so
# npm and apt inside the build reach their registries as the host does.
for ca in /usr/local/share/ca-certificates/*.crt; do
  [ -f "$ca" ] || continue
  mkdir -p "$root/usr/local/share/ca-certificates"
  cp "$ca" "$root/usr/local/share/ca-certificates/"
done
chroot "$root" update-ca-certificates >/dev/null 2>&1 || true
# The official image's user: uid 1000 named node.
chroot "$root" groupadd --gid 1000 node
chroot "$root" useradd --uid 1000 --gid node --shell /bin/bash --create-home node
chroot "$root" apt-get clean
rm -rf "$root"/var/lib/apt/lists/* "$root"/var/cache/apt/*.bin "$root"/usr/share/doc/* "$root"/usr/share/man/*
tar -C "$root" -c . | docker import \
  --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  --change 'ENV NODE_VERSION='"$("$node_bin" --version | tr -d v)" \
  --change 'ENV NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt' \
  --change 'CMD ["node"]' - "$image" >/dev/null
echo "base image $image: built ($(docker image inspect "$image" --format '{{.Size}}' | awk '{printf "%d MB", $1/1000000}'))"
