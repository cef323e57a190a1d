# shellcheck shell=bash
# check == real for a playbook: source this from a target's runme.sh, then call check_real.
#
# How to add a playbook (restore.yml, failover.yml, drill.yml, ...): make a target
# tests/integration/targets/playbook_check_<name>/ with
#   aliases:  context/controller, shippable/posix/group1, needs/target/setup_emulator,
#             needs/target/setup_check_real
#   setup.yml: a play with `roles: [setup_emulator]` that makes the estate the playbook acts on
#   runme.sh (executable):
#       #!/usr/bin/env bash
#       set -eu -o pipefail
#       source ../setup_check_real/check_real.sh
#       check_real_playbook setup.yml "$@"                  # makes the estate (fresh emulator)
#       check_real <name> dataprotection.evs.<playbook> [--no-cloud-change] -- -e ... "$@"
# (see playbook_check_snapshot, playbook_check_audit and playbook_check_protect). Pass "$@" on:
# it holds ansible-test's -v flags. The playbook's connection comes from OS_CLOUD and
# OS_CLIENT_CONFIG_FILE (as a user runs it), both set here from the integration config.
#
# check_real runs the playbook three times against the same estate, each recorded per task and
# loop item by the check_real_record callback with the cloud's mutating requests per task:
#   1. --check --diff    2. --diff (the real run)    3. again (must be a no-op)
# and check_real.py compares them (read its docstring for the rules). The recordings and logs are
# left in the target's directory as check_real-<name>-{check,real,again}.{json,log}.
# --no-cloud-change: the playbook must not change the cloud in the real run either (audit).
# --real-only REGEX: the local tasks whose key (`name [file] #n`) matches run in the real run only, by
# design (a recovery plan's hooks and waits: check mode runs no hook and waits for nothing); they
# are left out of the comparison (a cloud task is never left out).
# Requirement: the playbook does not reset the emulator, and runs on one host (localhost).
# A target may define `check_real_after NAME RUN` (RUN: check, real, again): it is called after each
# run, for the target's own checks of that run (recovery_plan_modes).

check_real_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=../setup_emulator/files/runme_env.sh
source "$check_real_dir/../setup_emulator/files/runme_env.sh"

# The variable would hide the callback_plugins of the ansible.cfg ansible-test gives (ANSIBLE_CONFIG):
# keep those too.
check_real_callback_path=${ANSIBLE_CALLBACK_PLUGINS:-$(sed -n 's/^callback_plugins *= *//p' "${ANSIBLE_CONFIG:-/dev/null}")}
check_real_python=${ANSIBLE_TEST_PYTHON_INTERPRETER:-python3}

# A helper playbook of the target (setup, verification), with the integration config as extra vars.
check_real_playbook() { run "$@"; }

# The policy files of the collection under test (docs/policies/*.yml), for -e @...
check_real_policy() {
  local root
  root=${ANSIBLE_COLLECTIONS_PATH%%:*}/ansible_collections/dataprotection/evs
  echo "$root/docs/policies/$1.yml"
}

# check_real NAME PLAYBOOK [--no-cloud-change] [--real-only REGEX] -- [ansible-playbook arguments...]
check_real() {
  local name=$1 playbook=$2 mode=() run
  shift 2
  while [ $# -gt 0 ] && [ "$1" != -- ]; do mode+=("$1"); shift; done
  [ "${1:-}" = -- ] && shift
  for run in check real again; do
    local flags=()
    case $run in check) flags=(--check --diff) ;; real) flags=(--diff) ;; esac
    echo "== check_real $name: $run run: ansible-playbook $playbook ${flags[*]}"
    CHECK_REAL_RECORD=$PWD/check_real-$name-$run.json \
    CHECK_REAL_EMULATOR_URL=$(integration_setting emulator_url) \
    ANSIBLE_CALLBACK_PLUGINS=$check_real_dir/callback_plugins${check_real_callback_path:+:$check_real_callback_path} \
    ANSIBLE_CALLBACKS_ENABLED=check_real_record${ANSIBLE_CALLBACKS_ENABLED:+,$ANSIBLE_CALLBACKS_ENABLED} \
      ansible-playbook "$playbook" "${flags[@]}" "$@" 2>&1 | tee "check_real-$name-$run.log"
    # the target's own checks of each run (its evidence files, the request log), when it has them
    if declare -F check_real_after > /dev/null; then check_real_after "$name" "$run"; fi
  done
  "$check_real_python" "$check_real_dir/check_real.py" "$name" "check_real-$name-check.json" "check_real-$name-real.json" \
    "check_real-$name-again.json" "${mode[@]}"
}
