#!/usr/bin/env bash
# The playbooks during the loss of an AZ, as the seed's table says each mechanism behaves:
# snapshots live with their disk and are unusable while its AZ is down; backups live in object
# storage and come back as a new disk in another AZ; protect keeps going and changes nothing it
# cannot reach; the audit says which disks the outage left without a usable copy and what still
# helps. (Failover of replicated disks while an AZ is down: the failover role's scenario.)
set -eu -o pipefail
# shellcheck source=../setup_emulator/files/runme_env.sh
source ../setup_emulator/files/runme_env.sh
mark() { run mark.yml; }
verify() { run verify.yml -e "@mark.vars.yml" -e "verify_step=$1" -e "audit_dir=$PWD/audit"; }

run setup.yml "$@"
ansible-playbook dataprotection.evs.protect -e @policy.yml "$@"

# nothing to do: the checks' reads serve every mechanism, none is read twice
mark
ansible-playbook dataprotection.evs.protect -e @policy.yml "$@"
verify noop

run outage.yml -e outage=down "$@"

mark
ansible-playbook dataprotection.evs.protect -e @policy.yml "$@" | tee protect.log
grep -q "disk 'out-bronze' is error; only available or in-use disks can be copied" protect.log
verify protect

mark
ansible-playbook dataprotection.evs.audit -e @policy.yml -e "audit_report_dir=$PWD/audit" "$@"
verify audit

# a snapshot cannot help while its AZ is down: the restore says so and sends nothing
mark
if ansible-playbook dataprotection.evs.restore -e restore_disk=out-bronze "$@" > refused.log; then
  echo "restoring out-bronze (snapshots only, its AZ down) did not fail"; exit 1
fi
grep -q "eu-de-01" refused.log
verify refused

mark
ansible-playbook dataprotection.evs.restore -e restore_disk=out-silver -e restore_new_disk_name=out-silver-restored \
  -e restore_new_disk_availability_zone=eu-de-02 "$@" | tee restore.log
grep -q "from backup outage-silver-" restore.log
verify restore

run outage.yml -e outage=up "$@"
echo "playbook_az_outage: protect kept going, the audit named the outage, the backup came back in eu-de-02"
