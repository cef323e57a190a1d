#!/usr/bin/env bash
# A recovery plan in each mode that changes production, as a user runs playbooks/recovery_plan.yml
# (database first, then app; hooks on hosts of this machine; the database waits on a health URL
# of a small HTTP server this script starts on loopback), with the emulator's request log, the
# disks' bytes, the hooks' marker lines and the health server's log as the oracle:
#   failover (SDRS, eu-de-01 down): refused without recovery_plan_confirm before any request; then
#   check == real (../setup_check_real): the check run sends nothing and its report predicts the
#   switches, the real run switches pr-db before pr-app, the DR disks now serving hold the data
#   (RPO 0 in the report), and a third run finds the failover done and sends nothing;
#   restore (the backups written back onto the damaged disks under request INC-7): refused without
#   confirmation before any request; check == real the same way, the restores in group order, the
#   bytes back, RPO the backups' age; the third run (INC-7 again) restores nothing, and a run
#   without the request id is refused (neither repeated nor skipped) with nothing sent;
#   test mode with a health URL answering 500: asked until the timeout, the app group never
#   starts, the run fails saying so, and the scratch disk is still removed;
#   the history has a line per run that was not refused or in check mode.
set -eu -o pipefail
# shellcheck source=../setup_check_real/check_real.sh
source ../setup_check_real/check_real.sh
python=${ANSIBLE_TEST_PYTHON_INTERPRETER:-python3}
config=$(cd ../.. && pwd)/integration_config.yml
work=$(mktemp -d)
"$python" health_server.py "$work/health.port" "$work/health.log" &
server=$!
trap 'kill "$server"; rm -rf "$work"' EXIT
for _ in $(seq 100); do [ -f "$work/health.port" ] && break; sleep 0.1; done
port=$(cat "$work/health.port")

cat > "$work/inventory.ini" <<INV
localhost ansible_connection=local ansible_python_interpreter=$python
[servers]
db1
app1
[servers:vars]
ansible_connection=local
ansible_python_interpreter=$python
INV

verify() { "$python" ../recovery_plan/verify.py "$config" "$work" "$@"; }
plan_args=(-i "$work/inventory.ini" -e @plans.yml -e "pr_health_port=$port" -e "pr_markers=$work/markers"
  -e "recovery_plan_report_dir=$work/reports" -e "recovery_plan_history_path=$work/history.jsonl")
# check mode runs no hook, waits for nothing and writes no history: those tasks run in the real run only
real_only='\[(hook|wait)\.yml:[0-9]+\]|: Add the run to the plan history \['
# keep CASE's evidence (its report files, its hooks' marker lines) under $work/CASE
keep() {
  mkdir -p "$work/$1"
  if [ -d "$work/reports" ]; then find "$work/reports" -type f -exec mv {} "$work/$1/" \;; fi
  if [ -f "$work/markers" ]; then mv "$work/markers" "$work/$1.markers"; fi
}
# plan CASE ARGS...: one run of the playbook; its output in $work/CASE.log
plan() {
  local case=$1 status=0
  shift
  verify mark
  ansible-playbook dataprotection.evs.recovery_plan "${plan_args[@]}" "$@" > "$work/$case.log" 2>&1 || status=$?
  keep "$case"
  return $status
}
expect_failure() {
  if plan "$@"; then echo "$1: the plan did not fail"; cat "$work/$1.log"; exit 1; fi
}
# after each run of check_real NAME: its evidence kept as NAME-RUN, checked with expect_RUN
check_real_after() {
  local -n expected="expect_$2"
  keep "$1-$2"
  verify "$1-$2" "${expected[@]}"
  verify mark
}

run setup.yml -e "pr_work=$work" "$@"

# -- failover: pr-db, then pr-app, while eu-de-01 is down ---------------------------------------
expect_failure failover-unconfirmed -e pr_plan=failover -e recovery_plan_mode=failover "$@"
grep -q "failover mode switches the protection groups .*set recovery_plan_confirm=true" "$work/failover-unconfirmed.log"
verify failover-unconfirmed --no-request --no-hooks

emulator_api outage eu-de-01 down
# shellcheck disable=SC2034  # read by check_real_after
expect_check=(--no-mutation --no-hooks --result "check mode" --rpo 0 --switch "would switch")
# shellcheck disable=SC2034
expect_real=(--order "database pre,database post,app pre" --in-order 'pr-db,pr-app' --result proven --rpo 0
  --switch switched --predicted-by failover-check --bytes "pr-db-dr=pr-db orders,pr-app-dr=pr-app orders"
  --url-before /healthy:app)
# shellcheck disable=SC2034
expect_again=(--no-mutation --result "already recovered" --rpo 0 --switch "already done")
verify mark
check_real failover dataprotection.evs.recovery_plan --real-only "$real_only" -- "${plan_args[@]}" \
  -e pr_plan=failover -e recovery_plan_mode=failover -e recovery_plan_confirm=true "$@"
emulator_api outage eu-de-01 up

# -- restore: the backups back onto pr-db-data, then pr-app-data ---------------------------------
restore=(-e pr_plan=restore -e recovery_plan_mode=restore)
expect_failure restore-unconfirmed "${restore[@]}" -e recovery_plan_request_id=INC-7 "$@"
grep -q "restore mode writes copies onto the disks .*set recovery_plan_confirm=true" "$work/restore-unconfirmed.log"
verify restore-unconfirmed --no-request --no-hooks

# shellcheck disable=SC2034
expect_check=(--no-mutation --no-hooks --result "check mode" --rpo 3600+
  --bytes "pr-db-data=pr-db-data damaged,pr-app-data=pr-app-data damaged")
# shellcheck disable=SC2034
expect_real=(--order "database pre,database post,app pre" --in-order 'pr-db-data-backup,pr-app-data-backup'
  --result proven --rpo 3600+ --predicted-by restore-check --bytes "pr-db-data=pr-db-data v1,pr-app-data=pr-app-data v1")
# shellcheck disable=SC2034
expect_again=(--no-mutation --result "already recovered" --rpo 3600+)
verify mark
check_real restore dataprotection.evs.recovery_plan --real-only "$real_only" -- "${plan_args[@]}" \
  "${restore[@]}" -e recovery_plan_confirm=true -e recovery_plan_request_id=INC-7 "$@"

# the same restore without its request id: neither repeated nor skipped, nothing sent
expect_failure restore-no-id "${restore[@]}" -e recovery_plan_confirm=true "$@"
grep -q "neither repeats nor skips it" "$work/restore-no-id.log"
verify restore-no-id --no-mutation --order "database pre" --result failed --not-started app

# -- test mode: the database's health URL answers 500 until the timeout ---------------------------
expect_failure test-unhealthy -e pr_plan=test "$@"
grep -q "http://127.0.0.1:$port/broken answering 200 did not hold within 2 s: Status code was 500" "$work/test-unhealthy.log"
grep -q "not started: app" "$work/test-unhealthy.log"
verify test-unhealthy --order "database pre" --all-deleted --creates 1 --result failed --not-started app --url-count /broken:2+

# a rerun that found everything recovered by the run before is kept as such, never as a proof
verify history --runs "failover:proven,failover:already recovered,restore:proven,restore:already recovered,restore:failed,test:failed"
