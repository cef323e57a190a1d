#!/usr/bin/env bash
# `make integration`: the integration targets in JOBS shards at once, each shard a whole run of
# its own (tests/tools/run-integration.sh: ansible-test at -vvvv, the request-log callback, the
# secret scan) with its own emulator (tools/with-emulator, a project per region), its own copy of
# the collection (ansible-test writes its results and the integration config into it) and its own
# output directory, OUT_DIR/<shard>. The targets are split by the seconds they took in a recorded
# run (integration_shards.py, tests/tools/target_times.json), so the shards end about together.
#
#   tests/tools/run-integration-shards.sh COLLECTION_COPY OUT_DIR JOBS [TARGET...]
#
# Without TARGET: every target of the copy (ansible-test's setup_* and prepare_* ones are only
# dependencies). TARGETs that are not all target names (ansible-test's aliases or patterns) run
# as they are, in one shard. The console shows each shard's outline, its lines prefixed with
# [<shard>]. Every shard runs to its end; the exit status is 1 when any failed, and the summary
# names the failed targets of each. The seconds per target of all shards are printed and written
# to OUT_DIR/target_times.json (copy it over tests/tools/target_times.json when the split is off).
set -euo pipefail
copy=$1 out=$2 jobs=$3; shift 3
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
targets_dir=$copy/tests/integration/targets

is_target() { [ -d "$targets_dir/$1" ] && [[ $1 != setup_* && $1 != prepare_* ]]; }
targets=("$@")
if [ ${#targets[@]} = 0 ]; then
  for dir in "$targets_dir"/*/; do
    name=$(basename "$dir")
    is_target "$name" && ! grep -qsE '^(disabled|unsupported|hidden|unstable)$' "$dir/aliases" && targets+=("$name")
  done
fi
split=yes
for name in "${targets[@]}"; do is_target "$name" || split=no; done
if [ $split = yes ]; then
  mapfile -t shards < <(python "$here/integration_shards.py" "$here/target_times.json" "$jobs" "${targets[@]}")
else
  shards=("${targets[*]}")
fi

rm -rf "$out"; mkdir -p "$out"
out=$(cd "$out" && pwd)
shard() {
  local number=$1 shard_copy=$out/$1/collections/ansible_collections/dataprotection/evs shard_targets
  read -ra shard_targets <<<"$2"
  mkdir -p "$shard_copy"
  cp -a "$copy/." "$shard_copy"
  # shellcheck disable=SC2016  # expanded by the inner bash
  EVS_EMULATOR_REGION_PROJECTS=1 "$root/tools/with-emulator" "$out/$number/emulator-state" bash -c '
    "$1/tools/integration-config" "$2/tests/integration/integration_config.yml" &&
    "$1/tests/tools/run-integration.sh" "$2" "$3" "$4" "${@:5}"' _ \
    "$root" "$shard_copy" "$out/$number/run" "$out/$number/emulator-state" "${shard_targets[@]}"
}

started=$SECONDS
declare -A running=()
for number in "${!shards[@]}"; do
  number=$((number + 1))
  echo "integration: shard $number of ${#shards[@]}: ${shards[number - 1]}"
  shard "$number" "${shards[number - 1]}" 2>&1 | sed -u "s/^/[$number] /" &
  running[$!]=$number
done
failed=()
while [ ${#running[@]} -gt 0 ]; do
  status=0
  wait -n -p done_pid || status=$?
  number=${running[$done_pid]}
  unset "running[$done_pid]"
  echo "integration: shard $number ended after $((SECONDS - started)) s, exit $status"
  [ "$status" = 0 ] || failed+=("$number")
done

logs=()
for number in $(seq ${#shards[@]}); do
  [ -s "$out/$number/run/ansible.log" ] && logs+=("$out/$number/run/ansible.log")
done
[ ${#logs[@]} = 0 ] || python "$here/target_times.py" --top 10 --json "$out/target_times.json" "${logs[@]}" || true
if [ ${#failed[@]} -gt 0 ]; then
  for number in "${failed[@]}"; do
    failed_targets=$(cat "$out/$number/run/failed-targets.txt" 2>/dev/null || true)
    # no target failed: ansible-test (or the emulator) did not get that far
    [ -n "$failed_targets" ] || grep -hE '^(ERROR|FATAL)' "$out/$number/run/output.log" 2>/dev/null | tail -n 3 | sed "s/^/[$number] /"
    echo "integration: shard $number FAILED; failed targets: $failed_targets;" \
      "secret scan findings: $(grep -cE '^(LEAK|secret scan: these)' "$out/$number/run/secret-scan.txt" 2>/dev/null || true)" \
      "(full output: $out/$number/run/output.log, scan: $out/$number/run/secret-scan.txt)"
  done
  exit 1
fi
echo "integration: ${#shards[@]} shard(s) passed in $((SECONDS - started)) s; outputs in $out/<shard>/run"
