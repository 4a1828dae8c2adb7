#!/bin/sh
# The image's command: `server` (the default) runs the API or worker, as PAYRAIL_ROLE says; the
# CLI's commands run the CLI (docker run payrail migrate); anything else runs as given.
set -e
cd /app
case "${1:-server}" in
  # The heap flags and MALLOC_ARENA_MAX (set in the Dockerfile) are those of `npm start`: decision 0052.
  server) shift || true; exec node --max-semi-space-size=4 --heap-growing-percent=30 dist/apps/api/main.js "$@" ;;
  migrate | api-key | recover | rotate-master-key | help) exec node dist/apps/api/cli.js "$@" ;;
  *) exec "$@" ;;
esac
