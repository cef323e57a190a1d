#!/usr/bin/env bash
# The region drill (drill role, drill_region_disks): rd-db's newest replica in eu-nl restored
# as a scratch disk there with the eu-nl connection, its bytes compared with the source backup's,
# RPO and RTO reported, and only what the drill made deleted, also when the content does not
# match and when the API fails during the cleanup. Each step is checked in verify.yml from the
# emulator (request log, disks) and the report file.
set -eu -o pipefail
# shellcheck source=../setup_emulator/files/runme_env.sh
source ../setup_emulator/files/runme_env.sh
mark() { run mark.yml; }
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

# --check: nothing made, nothing sent that changes anything
mark
drill --check "$@" > check.log
verify check
echo "playbook_region_drill: restored, compared, timed and removed; after a mismatch and an API outage too"
