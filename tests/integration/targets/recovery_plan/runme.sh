#!/usr/bin/env bash
# The recovery_plan role as a user runs it, on hook hosts of this machine (local connection),
# with the emulator's request log and the hooks' marker lines as the oracle:
#   check mode (test and restore): no mutating request, no hook, a report of what would happen;
#   a refused plan (restore mode without recovery_plan_confirm): no request at all that mutates;
#   test mode: groups in order (database, app, web), every disk it created deleted, proven, RTO;
#   a wait that does not hold (app's port closed): web never starts, the scratch disks are still
#   removed, the report says failed;
#   restore mode, confirmed: both disks restored into new disks, RTO and RPO (an hour) reported.
set -eu -o pipefail
# shellcheck source=../setup_emulator/files/runme_env.sh
source ../setup_emulator/files/runme_env.sh
python=${ANSIBLE_TEST_PYTHON_INTERPRETER:-python3}
config=$(cd ../.. && pwd)/integration_config.yml
work=$(mktemp -d)
free_port() { "$python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
db_port=$(free_port)
closed_port=$(free_port)
"$python" -m http.server "$db_port" --bind 127.0.0.1 --directory "$work" > /dev/null 2>&1 &
server=$!
trap 'kill "$server"; rm -rf "$work"' EXIT
for _ in $(seq 50); do "$python" -c "import socket; socket.create_connection(('127.0.0.1', $db_port), 1)" 2>/dev/null && break; sleep 0.1; done

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
# plan CASE MODE APP_PORT ARGS...: one run of the plan; its output in $work/CASE.log
plan() {
  local case=$1 mode=$2 app_port=$3; shift 3
  verify mark
  ansible-playbook -i "$work/inventory.ini" plan.yml -e @plan.vars.yml -e "recovery_plan_mode=$mode" \
    -e "rp_db_port=$db_port" -e "rp_app_port=$app_port" -e "rp_markers=$work/$case.markers" \
    -e "recovery_plan_report_dir=$work/$case" -e "recovery_plan_history_path=$work/history.jsonl" "$@" > "$work/$case.log" \
    || { status=$?; grep -E "fatal|ERROR|msg" "$work/$case.log" | tail -5; return $status; }
}
expect_failure() {
  if plan "$@" > /dev/null; then echo "$1: the plan did not fail"; cat "$work/$1.log"; exit 1; fi
}

run setup.yml "$@"

plan check-test test "$db_port" --check "$@"
verify check-test --no-mutation --no-hooks --result "check mode"
plan check-restore restore "$db_port" --check "$@"
verify check-restore --no-mutation --no-hooks --result "check mode"

expect_failure unconfirmed restore "$db_port" "$@"
grep -q "set recovery_plan_confirm=true" "$work/unconfirmed.log"
verify unconfirmed --no-mutation --no-hooks

plan test test "$db_port" "$@"
verify test --order "database pre,database post,app pre,app post,web pre" --all-deleted --result proven

expect_failure failing-wait test "$closed_port" "$@"
grep -q "port $closed_port on 127.0.0.1 did not hold within 2 s" "$work/failing-wait.log"
verify failing-wait --order "database pre,database post,app pre,app post" --all-deleted --result failed --not-started web

plan restore restore "$db_port" -e recovery_plan_confirm=true "$@"
verify restore --order "database pre,database post,app pre,app post,web pre" --result proven --creates 2

verify history --runs "test:proven,test:failed,restore:proven"
