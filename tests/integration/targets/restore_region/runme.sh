#!/usr/bin/env bash
# Region-level DR: a disk of eu-de, its backup replicated to eu-nl, then eu-de down. The restore
# playbook brings the disk back in eu-nl from the replica, asking eu-de nothing: check mode sends
# nothing, the real run one create, byte for byte, a rerun nothing; onto an existing disk of eu-nl
# only with restore_confirm, once per restore_request_id. The run prints the RPO achieved (the
# replica's age on the cloud's clock, moved two hours) and the RTO. Then the failover of the whole
# tier (restore_region_tier): both disks of its replication vault, checked, once, then nothing.
# Last, a recovery plan in restore mode brings the same two disks back in eu-nl group by group
# (database, then app): check mode sends nothing, the real run proves the plan with the replicas'
# RPO, and its rerun finds both back and proves nothing ("already recovered" in its history).
set -eu -o pipefail
# shellcheck source=../setup_emulator/files/runme_env.sh
source ../setup_emulator/files/runme_env.sh
dest_cloud=$(integration_setting emulator_dest_cloud)
dest_region=$(integration_setting emulator_dest_region)
# the request log's position before a step, for verify.yml (a helper playbook would take seconds)
mark() { echo "emulator_mark: $(emulator_api log-position)" > mark.vars.yml; }
verify() { run verify.yml -e "@mark.vars.yml" -e "@ids.vars.yml" -e "verify_step=$1"; }
restore() {
  ansible-playbook dataprotection.evs.restore -e restore_disk=rr-db01 -e "restore_region=$dest_region" \
    -e "restore_region_cloud=$dest_cloud" "$@"
}
new_disk=(-e restore_new_disk_name=rr-db01-nl -e restore_new_disk_availability_zone=eu-nl-02)
onto=(-e restore_region_onto_disk=rr-spare -e restore_request_id=INC-7)

run setup.yml "$@"

mark
restore "${new_disk[@]}" --check "$@" | tee check.log
grep -q "RTO not measured (check mode" check.log
verify check

mark
restore "${new_disk[@]}" "$@" | tee restore.log
verify new
# the replica is the backup copied to eu-nl; the clock moved 2 h since (and runs on with the
# target's own time, at most half an hour on a loaded machine): RPO 7200 s and a little more
rpo=$(sed -n 's/.*RPO achieved \([0-9]*\) s.*/\1/p' restore.log | head -1)
rto=$(sed -n 's/.*RTO \([0-9]*\) s (this run.*/\1/p' restore.log | head -1)
if [ -z "$rpo" ] || [ "$rpo" -lt 7200 ] || [ "$rpo" -ge 9000 ]; then echo "RPO '$rpo' is not the replica's age"; exit 1; fi
[ -n "$rto" ] || { echo "no RTO printed"; exit 1; }
echo "restore_region: RPO achieved ${rpo} s, RTO ${rto} s"

mark
restore "${new_disk[@]}" "$@" | tee again.log
grep -q "already done" again.log
verify again

# onto an existing disk of eu-nl: refused without restore_confirm, then check mode, once, a rerun
mark
if restore "${onto[@]}" "$@" > refused.log; then echo "an unconfirmed overwrite did not fail"; exit 1; fi
grep -q "needs restore_confirm=true" refused.log
verify refused

mark
restore "${onto[@]}" -e restore_confirm=true --check "$@"
verify onto-check

mark
restore "${onto[@]}" -e restore_confirm=true "$@"
verify onto

mark
restore "${onto[@]}" -e restore_confirm=true "$@" | tee onto-again.log
grep -q "already done, request INC-7" onto-again.log
verify onto-again
echo "restore_region: eu-de down, rr-db01 came back in eu-nl from its replica, byte for byte, once"

# a failover of the tier whose replication vault is rr-replicas: both its disks (rr-db01, rr-db02),
# known from the replicas there only; a vault that does not exist is refused before any change
tier() {
  ansible-playbook dataprotection.evs.restore -e "restore_region=$dest_region" -e "restore_region_cloud=$dest_cloud" \
    -e restore_new_disk_availability_zone=eu-nl-02 "$@"
}
mark
if tier -e restore_region_tier=rr-nope "$@" > tier-missing.log; then echo "a missing tier vault did not fail"; exit 1; fi
grep -q "the replication vault rr-nope of region $dest_region cannot be read" tier-missing.log
verify tier-missing

mark
tier -e restore_region_tier=rr-replicas --check "$@" | tee tier-check.log
grep -q "total RTO not measured (check mode" tier-check.log
verify tier-check

mark
tier -e restore_region_tier=rr-replicas "$@" | tee tier.log
verify tier
grep -q "tier rr-replicas: 2 disks in $dest_region" tier.log
tier_rto=$(sed -n "s/.*total RTO \([0-9]*\) s (this run.*/\1/p" tier.log | head -1)
# on the cloud's clock, which the emulator runs at real time: seconds, not the 2 h it was moved
if [ -z "$tier_rto" ] || [ "$tier_rto" -ge 1800 ]; then echo "total RTO '$tier_rto' is not this run's"; exit 1; fi
[ "$(grep -c 'RPO achieved [0-9]* s (the replica' tier.log)" -eq 2 ] || { echo "not one RPO per disk"; exit 1; }

mark
tier -e restore_region_tier=rr-replicas "$@" | tee tier-again.log
[ "$(grep -c "already done" tier-again.log)" -ge 2 ] || { echo "the rerun did not find both disks"; exit 1; }
verify tier-again
echo "restore_region: tier rr-replicas failed over to eu-nl, both disks byte for byte, once (total RTO ${tier_rto} s)"

# -- a recovery plan restoring in eu-nl: database (rr-db01) first, then app (rr-db02) ------------
run plan_reset.yml "$@"
plan_definition=$(printf '{"recovery_plan_definition": {"name": "rr-shop", "restore_region": "%s", "restore_region_cloud": "%s", "groups": [{"name": "app", "after": ["database"], "disks": ["rr-db02"]}, {"name": "database", "disks": ["rr-db01"]}]}}' "$dest_region" "$dest_cloud")
plan() {
  local case=$1
  shift
  mkdir -p "plan-$case"
  ansible-playbook dataprotection.evs.recovery_plan -e "$plan_definition" -e recovery_plan_mode=restore \
    -e recovery_plan_confirm=true -e recovery_plan_request_id=INC-9 -e "recovery_plan_report_dir=$PWD/plan-$case" \
    -e "recovery_plan_history_path=$PWD/plan-history.jsonl" "$@" | tee "plan-$case.log"
}
# the run's JSON report: result, the groups in order, and the oldest copy's age (the RPO)
plan_report() {
  "${ANSIBLE_TEST_PYTHON_INTERPRETER:-python3}" -c 'import glob, json, sys
report = json.load(open(glob.glob(sys.argv[1] + "/*.json")[0]))
print("|".join([report["result"], ",".join(g["name"] for g in report["groups"]), str(report["rpo_seconds"])]))' "plan-$1"
}
mark
plan check --check "$@"
verify plan-check
IFS="|" read -r result order rpo <<<"$(plan_report check)"
[ "$result $order" = "check mode database,app" ] || { echo "plan check: $result $order"; exit 1; }

mark
plan real "$@"
verify plan
IFS="|" read -r result order rpo <<<"$(plan_report real)"
[ "$result $order" = "proven database,app" ] || { echo "plan real: $result $order"; exit 1; }
if [ "$rpo" -lt 7200 ] || [ "$rpo" -ge 9000 ]; then echo "the plan's RPO '$rpo' is not the replicas' age"; exit 1; fi

mark
plan again "$@"
verify plan-again
IFS="|" read -r result order rpo <<<"$(plan_report again)"
[ "$result $order" = "already recovered database,app" ] || { echo "plan rerun: $result $order, not already recovered"; exit 1; }
grep -q '"result": "already recovered"' plan-history.jsonl || { echo "the rerun is not kept as already recovered"; exit 1; }
[ "$(grep -c '"result": "proven"' plan-history.jsonl)" -eq 1 ] || { echo "not exactly one proof in the history"; exit 1; }
echo "restore_region: recovery plan rr-shop restored database then app in eu-nl (RPO ${rpo} s), its rerun proved nothing"
