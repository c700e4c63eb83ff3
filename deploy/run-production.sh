#!/usr/bin/env bash
# The production topology on one machine: gunicorn (web), one Celery worker, exactly one Celery beat.
# PostgreSQL and Redis run as their own services; point DATABASE_URL and REDIS_URL at them.
#
#   SECRET_KEY=... ALLOWED_HOSTS=rencai.example.gov.cn DATABASE_URL=postgres://... REDIS_URL=redis://... \
#     deploy/run-production.sh
#
# Optional: BIND (127.0.0.1:8000), WEB_CONCURRENCY (2 gunicorn workers), CELERY_CONCURRENCY (2),
# CELERY_BEAT_SCHEDULE_FILE (var/celerybeat-schedule), RUN_BEAT (true; false on every host but one),
# SKIP_RELEASE (false; true skips collectstatic + migrate, e.g. when a deploy step already ran them),
# PYTHON (.venv/bin/python). Each process logs to stdout/stderr with its name in front.
# Stops everything on SIGTERM/SIGINT, and when any one of the processes exits.
set -euo pipefail
cd "$(dirname "$0")/.."

: "${SECRET_KEY:?set SECRET_KEY to a long random string}"
: "${FIELD_ENCRYPTION_KEY:?set FIELD_ENCRYPTION_KEY to 32 random bytes in URL-safe base64}"
: "${FIELD_HASH_KEY:?set FIELD_HASH_KEY to 32 random bytes in URL-safe base64}"
: "${ALLOWED_HOSTS:?set ALLOWED_HOSTS (it also selects the production profile)}"
: "${DATABASE_URL:?set DATABASE_URL, e.g. postgres://talent:pw@127.0.0.1:5432/talentliaison}"
: "${REDIS_URL:?set REDIS_URL, e.g. redis://127.0.0.1:6379/0}"
export DEBUG=false SECRET_KEY FIELD_ENCRYPTION_KEY FIELD_HASH_KEY ALLOWED_HOSTS DATABASE_URL REDIS_URL
PYTHON="${PYTHON:-.venv/bin/python}"
BIN="$(dirname "$PYTHON")"
BIND="${BIND:-127.0.0.1:8000}"
SCHEDULE_FILE="${CELERY_BEAT_SCHEDULE_FILE:-var/celerybeat-schedule}"
mkdir -p "$(dirname "$SCHEDULE_FILE")"

if [ "${SKIP_RELEASE:-false}" != "true" ]; then
  "$PYTHON" manage.py check
  "$PYTHON" manage.py collectstatic --noinput -v 0
  "$PYTHON" manage.py migrate --noinput -v 0
fi

pids=()
stop() {
  trap - TERM INT EXIT
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  wait || true
}
trap stop TERM INT EXIT

prefix() { sed -u "s/^/[$1] /"; }

"$BIN/gunicorn" talentliaison.wsgi --bind "$BIND" --workers "${WEB_CONCURRENCY:-2}" \
  --access-logfile - --graceful-timeout 20 > >(prefix web) 2>&1 &
pids+=($!)
"$BIN/celery" -A talentliaison worker -l info --concurrency "${CELERY_CONCURRENCY:-2}" \
  --without-gossip --without-mingle > >(prefix worker) 2>&1 &
pids+=($!)
if [ "${RUN_BEAT:-true}" = "true" ]; then
  "$BIN/celery" -A talentliaison beat -l info --schedule "$SCHEDULE_FILE" > >(prefix beat) 2>&1 &
  pids+=($!)
fi

# The first process to exit stops the rest: a half-running site is worse than a stopped one.
wait -n "${pids[@]}"
