#!/usr/bin/env bash
# The snapshot playbook end to end, as a user runs it (connection from OS_CLOUD and clouds.yaml):
# --check --diff predicts exactly what the real run does and changes nothing; the real run
# snapshots the selected disks only; a second run is changed=0 and sends only GET requests.
set -eu -o pipefail
# shellcheck source=../setup_emulator/files/runme_env.sh
source ../setup_emulator/files/runme_env.sh
changed_count() { grep -E '^localhost +:' "$1" | sed -E 's/.*changed=([0-9]+).*/\1/'; }

run setup.yml "$@"

run mark.yml "$@"
ansible-playbook dataprotection.evs.snapshot --check --diff "$@" | tee check.log
run verify.yml -e verify_expect_mutations=false -e verify_context='check run' "$@"

run mark.yml "$@"
ansible-playbook dataprotection.evs.snapshot --diff "$@" | tee real.log
run verify.yml -e verify_expect_mutations=true -e verify_context='real run' "$@"

# The check run predicted exactly the real run: the same changed task, and the same diff
# (the two selected disks' snapshots, created).
if [ "$(changed_count check.log)" != 1 ] || [ "$(changed_count real.log)" != 1 ]; then
  echo "changed tasks: check $(changed_count check.log), real $(changed_count real.log); both must be 1"; exit 1
fi
predicted=$(grep -E "^\+    \"snapshot '" check.log | sort)
done_=$(grep -E "^\+    \"snapshot '" real.log | sort)
if [ "$(wc -l <<<"$predicted")" != 2 ] || [ "$predicted" != "$done_" ]; then
  printf 'the diff of the check run differs from the real run:\n%s\n---\n%s\n' "$predicted" "$done_"; exit 1
fi

run mark.yml "$@"
ansible-playbook dataprotection.evs.snapshot "$@" | tee again.log
run verify.yml -e verify_expect_mutations=false -e verify_context='second run' "$@"
[ "$(changed_count again.log)" = 0 ] || { echo "second run: changed=$(changed_count again.log)"; exit 1; }
echo "playbook_snapshot: check run predicted the real run; second run changed=0 with GETs only"
