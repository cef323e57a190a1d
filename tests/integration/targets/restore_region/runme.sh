#!/usr/bin/env bash
# Region-level DR: a disk of eu-de, its backup replicated to eu-nl, then eu-de down. The restore
# playbook brings the disk back in eu-nl from the replica, asking eu-de nothing: check mode sends
# nothing, the real run one create, byte for byte, a rerun nothing; onto an existing disk of eu-nl
# only with restore_confirm, once per restore_request_id. The run prints the RPO achieved (the
# replica's age on the cloud's clock, moved two hours) and the RTO.
set -eu -o pipefail
# shellcheck source=../setup_emulator/files/runme_env.sh
source ../setup_emulator/files/runme_env.sh
dest_cloud=$(integration_setting emulator_dest_cloud)
dest_region=$(integration_setting emulator_dest_region)
mark() { run mark.yml; }
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
