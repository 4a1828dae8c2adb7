#!/usr/bin/env bash
# The image, proven on this machine: builds it on $BASE_IMAGE (a local Debian + Node 20 image
# from docker/base-image.sh unless given), runs `migrate`, two api containers and a worker with
# host networking against this machine's PostgreSQL and Redis (a schema and a key prefix of its
# own) and the gateway sandboxes on the host, takes a payment through each api, restarts every
# container and finds the payments still there, and checks the containers run as non-root and
# the image stays within its size budget. Not a production start: PAYRAIL_SANDBOX=on with test
# connections. Exits 0 when all of that holds.
#   TEST_DATABASE_URL (postgres://postgres@127.0.0.1:5432/postgres), REDIS_URL_TEST (redis://127.0.0.1:6379)
set -euo pipefail
cd "$(dirname "$0")/.."
export NX_NO_CLOUD=true NX_DAEMON=false NX_TUI=false
BASE_IMAGE="${BASE_IMAGE:-payrail-base:node20-bookworm}"
IMAGE="${PAYRAIL_SMOKE_IMAGE:-payrail:smoke}"
DATABASE="${TEST_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
REDIS="${REDIS_URL_TEST:-redis://127.0.0.1:6379}"
BUDGET_MB="${PAYRAIL_IMAGE_BUDGET_MB:-150}"
run_id="smoke$(date +%s)$$"
schema="$run_id"
containers=()
sandbox_pid=""

say() { printf '[smoke] %s\n' "$*"; }
fail() { printf '[smoke] FAILED: %s\n' "$*" >&2; exit 1; }
cleanup() {
  for c in "${containers[@]}"; do docker rm -f "$c" >/dev/null 2>&1 || true; done
  docker volume rm -f "$run_id-data" >/dev/null 2>&1 || true
  [ -n "$sandbox_pid" ] && kill "$sandbox_pid" 2>/dev/null || true
  psql "$DATABASE" -qc "DROP SCHEMA IF EXISTS \"$schema\" CASCADE" >/dev/null 2>&1 || true
}
trap cleanup EXIT

docker info >/dev/null 2>&1 || fail "no Docker engine answers"
started=$(date +%s)

# ---- the image ----
if ! docker image inspect "$BASE_IMAGE" >/dev/null 2>&1; then
  [ "$BASE_IMAGE" = payrail-base:node20-bookworm ] || fail "base image $BASE_IMAGE is not here"
  BASE_IMAGE="$BASE_IMAGE" bash docker/base-image.sh
fi
say "building $IMAGE on $BASE_IMAGE"
docker build --network host -q -f docker/Dockerfile --build-arg BASE_IMAGE="$BASE_IMAGE" -t "$IMAGE" . >/dev/null
size=$(docker image inspect "$IMAGE" --format '{{.Size}}')
base=$(docker image inspect "$BASE_IMAGE" --format '{{.Size}}')
added=$(( (size - base) / 1000000 ))
say "image $IMAGE: $((size / 1000000)) MB, $added MB over the base (budget $BUDGET_MB MB)"
[ "$added" -le "$BUDGET_MB" ] || fail "the image adds $added MB to its base, over the $BUDGET_MB MB budget"
[ "$(docker image inspect "$IMAGE" --format '{{.Config.User}}')" = node ] || fail "the image does not run as the node user"
docker image inspect "$IMAGE" --format '{{json .Config.Healthcheck.Test}}' | grep -q health/live || fail "no HEALTHCHECK"

# ---- the host side: sandboxes, a schema, ports ----
free_port() { node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"; }
[ -f dist/apps/sandbox/main.js ] || npx nx build sandbox --output-style=stream >/dev/null
export PAYRAIL_SANDBOX_STRIPE_PORT=$(free_port) PAYRAIL_SANDBOX_PAYPAL_PORT=$(free_port) PAYRAIL_SANDBOX_SQUARE_PORT=$(free_port)
node dist/apps/sandbox/main.js >/dev/null 2>&1 &
sandbox_pid=$!
psql "$DATABASE" -qc "CREATE SCHEMA \"$schema\"" >/dev/null
case "$DATABASE" in *\?*) database_url="$DATABASE&options=-c%20search_path%3D$schema" ;; *) database_url="$DATABASE?options=-c%20search_path%3D$schema" ;; esac
api1=$(free_port) api2=$(free_port) worker=$(free_port)
master_key=$(node -e "console.log(require('crypto').randomBytes(32).toString('base64'))")

common=(--network host -v "$run_id-data:/var/lib/payrail"
  -e DATABASE_URL="$database_url" -e REDIS_URL="$REDIS" -e PAYRAIL_QUEUE_PREFIX="$run_id"
  -e PAYRAIL_MASTER_KEY="$master_key" -e PAYRAIL_TRUST_PROXY=127.0.0.1 -e HOST=127.0.0.1
  -e PAYRAIL_SANDBOX=on -e PAYRAIL_SANDBOX_HOST=127.0.0.1
  -e PAYRAIL_SANDBOX_STRIPE_PORT -e PAYRAIL_SANDBOX_PAYPAL_PORT -e PAYRAIL_SANDBOX_SQUARE_PORT
  -e PAYRAIL_ADMIN_EMAIL=owner@example.com -e PAYRAIL_ADMIN_PASSWORD=correct-horse-battery-staple
  -e PAYRAIL_SHUTDOWN_DELAY_MS=0 -e LOG_LEVEL=warn)

wait_ready() { # name port
  for _ in $(seq 1 120); do
    [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$2/health/ready")" = 200 ] && return 0
    [ "$(docker inspect -f '{{.State.Running}}' "$1" 2>/dev/null)" = true ] || { docker logs "$1" 2>&1 | tail -20; fail "$1 stopped"; }
    sleep 0.5
  done
  docker logs "$1" 2>&1 | tail -20
  fail "$1 did not become ready on port $2"
}

say "migrate"
docker run --rm "${common[@]}" "$IMAGE" migrate | grep -q 'migrations are up to date' || fail "migrate"
start() { # name role port
  containers+=("$1")
  docker run -d --name "$1" "${common[@]}" -e PAYRAIL_ROLE="$2" -e PORT="$3" -e PAYRAIL_PUBLIC_URL="http://127.0.0.1:$3" "$IMAGE" >/dev/null
  wait_ready "$1" "$3"
}
say "two api containers and a worker"
start "$run_id-api1" api "$api1"
start "$run_id-api2" api "$api2"
start "$run_id-worker" worker "$worker"
key=$(docker run --rm "${common[@]}" "$IMAGE" api-key create --merchant default --mode test | tail -1)
case "$key" in pr_test_*) ;; *) fail "api-key create printed no key" ;; esac

pay() { # port idempotency-key → payment id
  local body
  body=$(curl -s -w '\n%{http_code}' "http://127.0.0.1:$1/v1/payments" -H "Authorization: Bearer $key" \
    -H 'Content-Type: application/json' -H "Idempotency-Key: $2" \
    -d '{"amount":1500,"currency":"usd","gateway":"stripe","capture_method":"automatic","payment_method":{"token":"pm_card_visa"}}')
  [ "$(tail -1 <<<"$body")" = 201 ] || fail "payment through port $1: $body"
  node -e 'const p=JSON.parse(process.argv[1]);if(p.status!=="captured")process.exit(1);console.log(p.id)' "$(head -1 <<<"$body")" || fail "payment not captured: $body"
}
say "a payment through each api"
p1=$(pay "$api1" "$run_id-1")
p2=$(pay "$api2" "$run_id-2")
[ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$worker/v1/payments")" = 404 ] || fail "the worker answered an API route"
for asset in / /checkout.js; do
  [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$api1$asset")" = 200 ] || fail "the api does not serve $asset"
done

say "restart every container"
docker restart "${containers[@]}" >/dev/null
wait_ready "$run_id-api1" "$api1"
wait_ready "$run_id-api2" "$api2"
wait_ready "$run_id-worker" "$worker"
for port in "$api1" "$api2"; do
  for id in "$p1" "$p2"; do
    curl -s "http://127.0.0.1:$port/v1/payments/$id" -H "Authorization: Bearer $key" | grep -q "\"id\":\"$id\"" \
      || fail "payment $id is not found through port $port after the restart"
  done
done

say "non-root"
for c in "${containers[@]}"; do
  uid=$(docker exec "$c" id -u)
  [ "$uid" != 0 ] || fail "$c runs as root"
  [ "$(docker exec "$c" cat /proc/1/comm)" = tini ] || fail "$c: PID 1 is not tini"
done
say "passed in $(( $(date +%s) - started )) s"
