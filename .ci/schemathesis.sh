#!/usr/bin/env bash
# The API contract (issue #19): schemathesis against a live server holding the demo union, once as
# a member and once as staff, with every check but two. Any server error, response that does not
# match its schema, or status code the schema does not document fails the run.
#
# The two left out judge the data, not the contract: positive_data_acceptance expects every
# request the schema allows to succeed, but the rules a schema cannot say (a date before 2000,
# a username nobody has, a claim already approved) are answered 400/404/409/422 with a reason,
# which the document lists; negative_data_rejection expects 0 to be refused where a boolean is
# due, and the framework reads 0 and 1 as false and true.
#
# Everything is local: a fresh data dir (SQLite) in a temp dir, a server on a free loopback port,
# requests only to 127.0.0.1, no download at run time. The run is bounded: a fixed number of
# examples per operation (SCHEMATHESIS_EXAMPLES) and a hard time limit per persona
# (SCHEMATHESIS_SECONDS); the server is stopped on exit, whatever happens.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN="$PWD/.venv/bin"
EXAMPLES="${SCHEMATHESIS_EXAMPLES:-10}"
SECONDS_PER_RUN="${SCHEMATHESIS_SECONDS:-150}"

WORK="$(mktemp -d)"
export UNIONHOME_DATA_DIR="$WORK/data"
mkdir -p "$UNIONHOME_DATA_DIR"
# Never the caller's database: the run writes whatever the generator invents.
unset DATABASE_URL REDIS_URL SMS_GATEWAY_URL WECHAT_GATEWAY_URL ASSISTANT_LLM_URL
export DJANGO_SETTINGS_MODULE=unionhome.settings HTTPS=0 DEBUG=0 HUEY_IMMEDIATE=1 LOG_LEVEL=ERROR

SERVER_PID=""
cleanup() {
  if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill -TERM -- "-$SERVER_PID" 2>/dev/null || kill -TERM "$SERVER_PID" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.2; done
    kill -KILL -- "-$SERVER_PID" 2>/dev/null || true
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT

echo "-- migrate and load the demo union"
"$BIN/unionhome" migrate --noinput >/dev/null
"$BIN/unionhome" demo --json >"$WORK/accounts.json"

PORT="$("$BIN/python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
BASE="http://127.0.0.1:$PORT"
echo "-- serve on $BASE"
# In its own process group (setsid), so cleanup stops the server and its workers together.
setsid "$BIN/unionhome" serve --host 127.0.0.1 --port "$PORT" --server gunicorn --workers 2 --threads 4 \
  --no-worker >"$WORK/server.log" 2>&1 &
SERVER_PID=$!

"$BIN/python" - "$BASE" <<'EOF'
import sys, time, urllib.request
deadline = time.time() + 60
while True:
    try:
        urllib.request.urlopen(sys.argv[1] + "/api/v1/health", timeout=2).read()
        break
    except OSError:
        if time.time() > deadline:
            sys.exit("the server did not answer within 60 s")
        time.sleep(0.3)
# The schema is built on a process's first ask for it, and schemathesis gives the load ten
# seconds: ask each worker first (a few asks reach both), on a busy machine as long as it takes.
for _ in range(4):
    urllib.request.urlopen(sys.argv[1] + "/api/v1/openapi.json", timeout=120).read()
EOF

token() {
  "$BIN/python" - "$BASE" "$WORK/accounts.json" "$1" <<'EOF'
import json, sys, urllib.request
base, accounts_file, who = sys.argv[1:]
accounts = json.load(open(accounts_file))
username = {"member": accounts["members"][0], "staff": accounts["staff"][0]}[who]
body = json.dumps({"username": username, "password": accounts["password"]}).encode()
request = urllib.request.Request(base + "/api/v1/auth/token", body, {"Content-Type": "application/json"})
print(json.load(urllib.request.urlopen(request, timeout=10))["token"])
EOF
}
MEMBER_TOKEN="$(token member)"
STAFF_TOKEN="$(token staff)"

# Left out, and why:
# - /auth/token (every method): the login is rate-limited and locks accounts out on failures,
#   which is its purpose; DELETE revokes the very token the run is using. Its schema is held by
#   tests/core/test_openapi.py and its behaviour by tests/core.
# - /join, /join/confirm: limited per address by design (a few tries an hour), so after the first
#   examples every answer is the documented 429 and the run learns nothing.
# - /me/leave: the member leaves the union, and every later member call is refused.
# - /me/devices/{kind}/{id} (DELETE): given the ids GET /me/devices lists, the run would sign its
#   own token out. tests/core/test_sessions.py holds it.
# One regex: the option takes a single value, and a second one given would replace the first.
EXCLUDE=(--exclude-path-regex '^/api/v1/(auth/token|join(/confirm)?|me/leave|me/devices/.*)$')

status=0
cd "$WORK"  # schemathesis keeps a cache in the folder it runs in: the temp dir, not the clone
for who in member staff; do
  if [ "$who" = member ]; then tok="$MEMBER_TOKEN"; else tok="$STAFF_TOKEN"; fi
  echo "-- schemathesis as $who ($EXAMPLES examples per operation, at most $SECONDS_PER_RUN s)"
  if ! timeout --signal=INT --kill-after=20 "$SECONDS_PER_RUN" \
    "$BIN/schemathesis" run "$BASE/api/v1/openapi.json" \
    --checks all \
    --exclude-checks positive_data_acceptance,negative_data_rejection \
    --max-examples "$EXAMPLES" \
    --seed "${SCHEMATHESIS_SEED:-19}" \
    --workers 1 \
    --request-timeout 20 \
    --generation-database none \
    --no-color \
    --report junit --report-dir "$WORK/report-$who" \
    -H "Authorization: Bearer $tok" \
    "${EXCLUDE[@]}"; then
    status=1
    echo "!! schemathesis as $who failed (or ran out of time)"
  fi
done
if [ "$status" != 0 ]; then
  echo "-- last lines of the server's log"
  tail -n 60 "$WORK/server.log" || true
fi
exit "$status"
