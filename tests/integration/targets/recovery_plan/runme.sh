#!/usr/bin/env bash
# The recovery_plan role as a user runs it, on hook hosts of this machine (local connection),
# with the emulator's request log and the hooks' marker lines as the oracle:
#   check mode (restore mode, no confirmation needed): no mutating request, no hook, a report of
#   what would happen;
#   a refused plan (restore mode without recovery_plan_confirm): no mutating request, no hook;
#   test mode: groups in order (database, app, web: hook times increase), every disk it created
#   deleted, proven, with its RTO and RPO (the copies are an hour old); the user's disk that has
#   the name of a scratch disk without the run's id is neither taken nor removed;
#   a wait that does not hold (the database's port closed): app and web never start, the scratch
#   disk is still removed, the report says failed;
#   the history has one line per run that was not in check mode, and the audit reads it: its
#   report says when the plan was last proven.
# (Confirmed restore and failover runs, check == real and health URL waits: recovery_plan_modes.)
set -eu -o pipefail
# shellcheck source=../setup_emulator/files/runme_env.sh
source ../setup_emulator/files/runme_env.sh
python=${ANSIBLE_TEST_PYTHON_INTERPRETER:-python3}
config=$(cd ../.. && pwd)/integration_config.yml
work=$(mktemp -d)
free_port() { "$python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
open_port=$(free_port)
closed_port=$(free_port)
"$python" -m http.server "$open_port" --bind 127.0.0.1 --directory "$work" > /dev/null 2>&1 &
server=$!
trap 'kill "$server"; rm -rf "$work"' EXIT
for _ in $(seq 50); do "$python" -c "import socket; socket.create_connection(('127.0.0.1', $open_port), 1)" 2>/dev/null && break; sleep 0.1; done

cat > "$work/inventory.ini" <<INV
localhost ansible_connection=local ansible_python_interpreter=$python
[servers]
db1
app1
web1
[servers:vars]
ansible_connection=local
ansible_python_interpreter=$python
INV

verify() { "$python" verify.py "$config" "$work" "$@"; }
# plan CASE MODE DB_PORT APP_PORT ARGS...: one run of the plan (the groups wait for these ports);
# its output in $work/CASE.log
plan() {
  local case=$1 mode=$2 db=$3 app=$4; shift 4
  verify mark
  ansible-playbook -i "$work/inventory.ini" plan.yml -e @plan.vars.yml -e "recovery_plan_mode=$mode" \
    -e "rp_db_port=$db" -e "rp_app_port=$app" -e "rp_markers=$work/$case.markers" \
    -e "recovery_plan_report_dir=$work/$case" -e "recovery_plan_history_path=$work/history.jsonl" "$@" > "$work/$case.log" \
    || { status=$?; grep -E "fatal|ERROR|msg" "$work/$case.log" | tail -5; return $status; }
}
expect_failure() {
  if plan "$@" > /dev/null; then echo "$1: the plan did not fail"; cat "$work/$1.log"; exit 1; fi
}

run setup.yml "$@"

plan check-restore restore "$open_port" "$open_port" --check "$@"
verify check-restore --no-mutation --no-hooks --result "check mode"

expect_failure unconfirmed restore "$open_port" "$open_port" "$@"
grep -q "set recovery_plan_confirm=true" "$work/unconfirmed.log"
verify unconfirmed --no-mutation --no-hooks

plan test test "$open_port" "$open_port" "$@"
verify test --order "database pre,database post,app pre,app post,web pre" --all-deleted --result proven \
  --kept dp-plan-test-shop-rp-app-data

expect_failure failing-wait test "$closed_port" "$open_port" "$@"
grep -q "port $closed_port on 127.0.0.1 did not hold within 3 s" "$work/failing-wait.log"
verify failing-wait --order "database pre,database post" --all-deleted --result failed --not-started app,web

verify history --runs "test:proven,test:failed"

# the audit says when the plan was last proven: the test run's end, in both reports
ansible-playbook audit.yml -e @plan.vars.yml -e "audit_plan_history_path=$work/history.jsonl" \
  -e "audit_report_dir=$work/audit" "$@" > "$work/audit.log"
proven=$("$python" -c 'import json, sys; print(json.load(open(sys.argv[1]))["ended"])' "$work"/test/*.json)
"$python" - "$work/audit/audit.json" "$proven" <<'PY'
import json, sys
plans = json.load(open(sys.argv[1]))["plans"]
assert [(p["plan"], p["last_proven"]["ended"], p["last_run"]["result"]) for p in plans] == [("shop", sys.argv[2], "failed")], plans
PY
grep -q "Recovery plans" "$work/audit/audit.html"
