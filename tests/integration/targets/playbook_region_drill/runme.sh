#!/usr/bin/env bash
# The region drill (drill role, drill_region_disks): rd-db's newest replica in eu-nl restored
# as a scratch disk there with the eu-nl connection, its bytes compared with the source backup's,
# RPO and RTO reported, and only what the drill made deleted, also when the content does not
# match and when the API fails during the cleanup; the same from a DR policy's region tier. Each step is checked in verify.yml from the
# emulator (request log, disks) and the report file.
set -eu -o pipefail
# shellcheck source=../setup_emulator/files/runme_env.sh
source ../setup_emulator/files/runme_env.sh
# the request log's position before a step, for verify.yml (a helper playbook would take seconds)
mark() { echo "emulator_mark: $(emulator_api log-position)" > mark.vars.yml; }
verify() { run verify.yml -e "@mark.vars.yml" -e "verify_step=$1" -e "report=$PWD/drill.json"; }
drill() {
  run dataprotection.evs.drill -e '{"drill_region_disks": ["rd-db"]}' \
    -e "{\"drill_region_destination\": {\"region\": \"$(integration_setting emulator_dest_region)\", \"cloud\": \"$(integration_setting emulator_dest_cloud)\"}}" \
    -e "drill_checksum_tasks=$PWD/checksum.yml" -e "drill_report_path=$PWD/drill.json" \
    -e '{"drill_lease_seconds": 3600, "drill_cleanup_delay": 0}' "$@"
}

run setup.yml "$@"

# rd-db-2's replica comes back in eu-nl with rd-db-2's bytes; the earlier drill's leftover goes
mark
drill "$@" | tee drill.log
verify passed

# another checksum for the source backup: the drill fails, after deleting its scratch disk
mark
if drill -e region_drill_wrong_backup=true "$@" > mismatch.log; then
  echo "a drill whose content does not match the source backup passed"; exit 1
fi
grep -q "content_checksum" mismatch.log
verify mismatch

# eu-nl's disk API fails for its next 8 requests once the scratch disk exists: the cleanup outlasts it
mark
drill -e region_drill_outage=8 "$@" > outage.log
verify outage

# the same drill from a DR policy (drill_sources region_replication): its region tier gold selects
# rd-db and names eu-nl, reached with drill_region_connections; its disk tier is not drilled
dest_region=$(integration_setting emulator_dest_region)
policy_drill() {
  run dataprotection.evs.drill -e '{"drill_sources": ["region_replication"]}' \
    -e "{\"drill_region_connections\": {\"$dest_region\": {\"cloud\": \"$(integration_setting emulator_dest_cloud)\"}}}" \
    -e "drill_checksum_tasks=$PWD/checksum.yml" -e "drill_report_path=$PWD/drill.json" \
    -e '{"drill_lease_seconds": 3600, "drill_cleanup_delay": 0}' "$@"
}
region_policy="{\"dr_policy\": {\"name\": \"rd\", \"tiers\": [
  {\"name\": \"gold\", \"failure\": \"region\", \"rpo\": \"1d\", \"destination_region\": \"$dest_region\",
   \"retention\": {\"last\": 2}, \"disks\": {\"names\": [\"rd-db\"]}},
  {\"name\": \"bronze\", \"failure\": \"disk\", \"rpo\": \"1d\", \"retention\": {\"last\": 2}, \"disks\": {\"names\": [\"rd-db\"]}}]}}"
mark
policy_drill -e "$region_policy" "$@" > policy.log
verify policy

# the policy's backup drill and its region tier's drill both run before any cleanup; each scratch
# disk is deleted after, through an outage of eu-nl's disk API that starts once its scratch disk exists
mark
policy_drill -e "$region_policy" -e '{"drill_sources": ["backup", "region_replication"]}' -e region_drill_outage=8 "$@" \
  > policy_stages.log
verify policy_stages

# a policy without a region tier is refused before any request that changes anything
mark
if policy_drill -e '{"dr_policy": {"name": "rd", "tiers": [{"name": "bronze", "failure": "disk", "rpo": "1d",
    "retention": {"last": 2}, "disks": {"names": ["rd-db"]}}]}}' "$@" > refused.log; then
  echo "a region drill of a policy without a region tier ran"; exit 1
fi
grep -q "no tier uses region_replication (failure: region)" refused.log
verify refused

# --check: nothing made, nothing sent that changes anything
mark
drill --check "$@" > check.log
verify check
mark
policy_drill -e "$region_policy" --check "$@" > policy_check.log
verify policy_check
echo "playbook_region_drill: restored, compared, timed and removed; after a mismatch and an API outage too; per region tier of a DR policy, drilled before any cleanup"
