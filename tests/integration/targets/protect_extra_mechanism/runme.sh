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
echo "protect_extra_mechanism: the test-only mechanism label protected its tier; second run changed=0"
