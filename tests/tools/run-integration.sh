#!/usr/bin/env bash
# `make integration`, inside tools/with-emulator: ansible-test integration at -vvvv with the full
# output kept, then a scan of everything a user of the run sees for the run's secrets.
#
#   tests/tools/run-integration.sh COLLECTION_COPY OUT_DIR EMULATOR_STATE_DIR [TARGET...]
#
# ansible-test passes -vvvv on to ansible-playbook (role targets) and to each runme.sh as its
# arguments, which every runme.sh hands to its ansible-playbook runs ("$@"); the scan checks that
# every target whose output ansible-test shows shows module invocations with their arguments.
# (Setting ANSIBLE_VERBOSITY would not help: ansible-test passes on only a few environment
# variables; and verbosity 4 in the ansible.cfg below would also reach ansible-inventory, whose
# verbose lines go to stdout, into the JSON inventory_disks reads.) ansible-test uses
# tests/integration/integration.cfg of the collection as ANSIBLE_CONFIG everywhere, runme.sh
# included; the one written here sets a log_path, which also gets the output a runme.sh writes to
# its own files (and deletes), and the emulator_request_log callback, which copies the emulator's
# request log and issued-token hashes before each task: every target's reset empties both.
# --display-traceback error: a module's exception is shown (and scanned) with its traceback.
# Scanned (tests/tools/secret_scan.py): ansible-test's output, Ansible's log, ansible-test's
# results (tests/output: junit and the rest), the request log as the admin API returns it, and the
# emulator's own log. The exit status is ansible-test's, or 1 when anything leaked.
set -euo pipefail
copy=$1 out=$2 emulator_state=$3; shift 3
here=$(cd "$(dirname "$0")" && pwd)
config=$copy/tests/integration/integration_config.yml
mkdir -p "$out/emulator" && touch "$out/emulator/requests.jsonl"

cat > "$copy/tests/integration/integration.cfg" <<CFG
[defaults]
log_path = $out/ansible.log
callback_plugins = $here/callback_plugins

[emulator_request_log]
url = $EVS_EMULATOR_URL
out_dir = $out/emulator
store = $emulator_state/data/emulator.sqlite3
CFG

# The console shows the outline (targets, recaps, failures); the whole output is in output.log.
set +e
(cd "$copy" && ansible-test integration --local --color no -vvvv --display-traceback error --continue-on-error "$@") 2>&1 | tee "$out/output.log" \
  | grep --line-buffered -E '^(Running |PLAY RECAP|(localhost|testhost) +:|fatal: |failed: |ERROR|FATAL|WARNING: |check_real )' \
  | sed -u -E 's/^(.{400}).+/\1.../'
status=${PIPESTATUS[0]}
set -e
# what the last target left in the request log after its last task
curl -sf "$EVS_EMULATOR_URL/_emulator/requests" > "$out/emulator/requests-at-end.json"
echo "integration: full -vvvv output in $out/output.log and $out/ansible.log;" \
  "$(wc -l < "$out/emulator/requests.jsonl") request log entries in $out/emulator"
python "$here/target_times.py" "$out/ansible.log" || true

scan=0
# (Not looked for: the wrong passwords the faults and connection targets send; they are literals
# in the targets' source, which ansible-test's junit results quote in the assertions.)
python "$here/secret_scan.py" --secrets-from "$OS_CLIENT_CONFIG_FILE" --secrets-from "$config" \
  --token-hashes "$out/emulator/token-hashes.txt" --invocations-in "$out/output.log" \
  "$out/output.log" "$out/ansible.log" "$out/emulator" "$copy/tests/output" "$emulator_state/emulator.log" \
  | tee "$out/secret-scan.txt" || scan=1
if [ "$status" != 0 ]; then
  failed=$(sed -n '/integration test(s) listed below/,/^[^a-z0-9_]/p' "$out/output.log" | grep -E '^[a-z0-9_]+$' || true)
  echo "${failed//$'\n'/ }" > "$out/failed-targets.txt"
  echo "integration: ansible-test failed (exit $status), targets: ${failed//$'\n'/ }"
  exit "$status"
fi
exit "$scan"
