#!/usr/bin/env bash
# A mechanism the collection does not have, registered only here (files/label_mechanism.py and
# its task file files/label.yml, through DP_EVS_EXTRA_MECHANISMS), protects a tier end to end
# through the protect playbook: no other file names it. Without the registration the same
# policy is refused; a second run changes nothing.
set -eu -o pipefail
# shellcheck source=../setup_emulator/files/runme_env.sh
source ../setup_emulator/files/runme_env.sh
changed_count() { grep -E '^localhost +:' "$1" | sed -E 's/.*changed=([0-9]+).*/\1/'; }

run setup.yml "$@"

if ansible-playbook dataprotection.evs.protect -e @files/policy.yml "$@" > unregistered.log 2>&1; then
  echo "the policy with mechanism label passed without its registration"; exit 1
fi
grep -q "mechanisms has unknown label" unregistered.log || { cat unregistered.log; exit 1; }

export DP_EVS_EXTRA_MECHANISMS
DP_EVS_EXTRA_MECHANISMS=$(pwd)/files/label_mechanism.py
ansible-playbook dataprotection.evs.protect -e @files/policy.yml "$@" | tee first.log
run verify.yml "$@"
ansible-playbook dataprotection.evs.protect -e @files/policy.yml "$@" | tee again.log
[ "$(changed_count again.log)" = 0 ] || { echo "second run: changed=$(changed_count again.log)"; exit 1; }

# a test-only mechanism whose copies restore a disk (files/archive_mechanism.py: a disk's backups) is
# a drill source with no edit of the drill role: refused unregistered, drilled once registered
run drill_setup.yml "$@"
drill() { ansible-playbook dataprotection.evs.drill -e '{"drill_disks": ["ext-db01"], "drill_sources": ["archive"]}' \
  -e "drill_report_path=$PWD/drill.json" "$@"; }
if drill "$@" > drill_unregistered.log 2>&1; then echo "a drill from archive passed without its registration"; exit 1; fi
grep -q "drill_sources of snapshot, backup, region_replication (not \['archive'\]" drill_unregistered.log \
  || { cat drill_unregistered.log; exit 1; }
DP_EVS_EXTRA_MECHANISMS=$(pwd)/files/label_mechanism.py:$(pwd)/files/archive_mechanism.py drill "$@" | tee drill.log
run drill_verify.yml -e "report=$PWD/drill.json" "$@"
echo "protect_extra_mechanism: the test-only mechanism label protected its tier; second run changed=0; the test-only archive was drilled"
