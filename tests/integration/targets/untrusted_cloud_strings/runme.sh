#!/usr/bin/env bash
# Strings from the cloud are data, never templates. Anyone who may create disks in the project
# names a disk, its snapshot, their descriptions and metadata like a Jinja2 template that runs a
# command on the controller (and like HTML that breaks out of a <script> element). The inventory,
# a play over its hosts, a restore planned by the collection's filter from the inventory's
# hostvars, the audit playbook (its JSON and HTML reports) and the restore playbook (which names
# the new disk after the original) must show every string literally, and no command may run:
# ansible-core before 2.19 templates a plain string in a variable again on every lookup.
set -eu -o pipefail
# shellcheck source=../setup_emulator/files/runme_env.sh
source ../setup_emulator/files/runme_env.sh
python=${ANSIBLE_TEST_PYTHON_INTERPRETER:-python3}
here=$PWD
check() { "$python" "$here/check.py" "$@"; }

work=$(mktemp -d)
trap '[ -n "${KEEP_WORK:-}" ] || rm -rf "$work"' EXIT
check write_vars "$work"
run setup.yml -e "@$work/attack_vars.yml" "$@"
check no_command_ran "$work" 'creating the disk and its snapshot'

printf 'plugin: dataprotection.evs.disks\n' >"$work/project.evs_disks.yml"
ansible-inventory -i "$work/project.evs_disks.yml" --list >"$work/inventory.json"
check no_command_ran "$work" 'the inventory'
check inventory "$work" "$work/inventory.json"

ansible-playbook -i "$work/project.evs_disks.yml" hosts.yml -e "attack_work=$work" \
  -e "ansible_python_interpreter=$python" "$@"
check no_command_ran "$work" 'a play over the inventory'
check hosts_play "$work"

(cd "$work" && ansible-playbook dataprotection.evs.audit -e "@$here/policy.yml" "$@")
check no_command_ran "$work" 'the audit playbook'
check audit "$work"

ansible-playbook dataprotection.evs.restore -e "restore_disk=$(cat "$work/disk_id")" "$@"
check no_command_ran "$work" 'the restore playbook'
check restored "$work" "$here/../../integration_config.yml"
echo "untrusted_cloud_strings: no template from the cloud ran; every name shown literally"
