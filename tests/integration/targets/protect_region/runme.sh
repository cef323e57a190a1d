#!/usr/bin/env bash
# A region tier (failure: region) through the protect playbook: refusals before any change, the
# replication vault, policy and replicas in eu-nl, a no-op second run, the tier's retention applied
# to the replicas on the cloud's clock (never to a replica it did not make), and check == real
# for a backup tier that becomes a region tier and for a first run from scratch.
set -eu -o pipefail
# shellcheck source=../setup_check_real/check_real.sh
source ../setup_check_real/check_real.sh
changed_count() { grep -E '^localhost +:' "$1" | sed -E 's/.*changed=([0-9]+).*/\1/'; }
connections="{\"protect_region_connections\": {\"$(integration_setting emulator_dest_region)\": {\"cloud\": \"$(integration_setting emulator_dest_cloud)\"}}}"
protect() { ansible-playbook dataprotection.evs.protect -e "@files/$1.yml" -e "$connections" "${@:2}"; }
refused() {
  if protect "$1" "${@:3}" > "$1.log" 2>&1; then echo "policy $1 was not refused"; exit 1; fi
  grep -q "$2" "$1.log" || { cat "$1.log"; exit 1; }
}

run setup.yml "$@"
refused refused_rpo 'the minimum RPO of a tier with region_replication is 2h' "$@"
refused refused_region "copies its backups to eu-fr, but CBR in eu-de replicates only to eu-nl" "$@"
run untouched.yml "$@"

protect policy "$@" | tee first.log
run verify.yml -e phase=first "$@"
protect policy "$@" | tee again.log
[ "$(changed_count again.log)" = 0 ] || { echo "second run: changed=$(changed_count again.log)"; exit 1; }

run foreign.yml "$@"
for day in 1 2; do
  emulator_api advance-clock 86400  # a day passes on the cloud's clock: the schedules fire, nothing sleeps
  protect policy "$@" | tee "day$day.log"
done
run verify.yml -e phase=retention "$@"
# the audit reads the replicas in eu-nl: each gold disk is compliant, with its 2 replicas there
ansible-playbook dataprotection.evs.audit -e @files/policy.yml -e audit_fail_out_of_policy=true \
  -e "audit_report_dir=$PWD/audit" "$@" > audit.log
"${ANSIBLE_TEST_PYTHON_INTERPRETER:-python3}" - audit/audit.json <<'PY'
import json, sys
report = json.load(open(sys.argv[1]))
rows = [(r['disk_name'], r['verdict'], r['copies_per_mechanism']['region_replication'],
         sorted(set(c['location'] for c in r['copies'] if c['mechanism'] == 'region_replication'))) for r in report['disks']]
assert sorted(rows) == [(name, 'compliant', 2, ['other region (eu-nl)']) for name in ('far-db01', 'far-db02')], rows
PY

# check == real: the tier was a backup tier (its vault and backups exist) and becomes a region tier
run setup.yml "$@"
protect policy_az "$@" > policy_az.log
run dest_vault.yml "$@"
check_real protect-region dataprotection.evs.protect -- -e "@files/policy.yml" -e "$connections" "$@"
# check == real for a first run of a region tier from scratch: no policy and no vault in either
# region. The modules predict the snapshots, the tier's policy, its vault (with the policy the check
# run would create), the replication vault in eu-nl and the replication policy bound to both (with
# the vaults the check run would create): 5 changes, no mutating request in the check run; the
# reads of the new vaults answer empty under their placeholders, as the real run finds them. Without
# on-demand backups (the policy's schedule takes the first), so that no replica is due yet.
run setup.yml "$@"
check_real protect-region-scratch dataprotection.evs.protect -- -e "@files/policy.yml" -e "$connections" \
  -e '{"protect_backup_on_demand": false}' "$@" | tee scratch.log
grep -Eq 'check predicted 5 cloud changes, the real run made them with [0-9]+ mutating requests \(check run: 0\); a third run changed no cloud resource and sent 0 mutating requests' scratch.log \
  || { echo "first region tier run: not the 5 predicted changes, or not a no-op third run"; exit 1; }
# ... and with on-demand backups: the check run also predicts the backups of the disks (backup_batch
# answers a placeholder per backup) and their replicas in eu-nl (backup_replica_batch plans them from
# the predicted backups' disks, sizes and zone): no prediction task, the same 7 changes as the real run.
run setup.yml "$@"
check_real protect-region-on-demand dataprotection.evs.protect -- -e "@files/policy.yml" -e "$connections" "$@" \
  | tee on_demand.log
grep -Eq 'check predicted 7 cloud changes, the real run made them with [0-9]+ mutating requests \(check run: 0\); a third run changed no cloud resource and sent 0 mutating requests' on_demand.log \
  || { echo "first region tier run with on-demand backups: not the 7 predicted changes, or not a no-op third run"; exit 1; }
echo "protect_region: refusals before any change, replicas in eu-nl, second run changed=0, retention kept 2 per disk and the foreign replica, check == real (also from scratch, with and without on-demand backups)"
