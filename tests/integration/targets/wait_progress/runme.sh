#!/usr/bin/env bash
# A restore that takes three hours on the cloud's clock, waited for in steps of one second: a line
# of progress between steps, wait_timeout kept as the time of the whole wait, and a rerun after
# the timeout picks the running restore up instead of starting a second one (wait_progress.yml
# checks the emulator's request log). Nobody waits for the three hours: the clock is moved.
set -eu -o pipefail
# shellcheck source=../setup_emulator/files/runme_env.sh
source ../setup_emulator/files/runme_env.sh
log=$(mktemp)
trap 'rm -f "$log"' EXIT
run wait_progress.yml "$@" | tee "$log"
lines=$(grep -c "^\[localhost\] waiting for .*restore of backup 'wp-good' onto disk 'wp-db01'.* to become .* after .* (up to 12s)$" "$log" || true)
if [ "$lines" -lt 2 ]; then
  echo "wait_progress: $lines lines of progress while the restore ran, expected at least 2"
  exit 1
fi
if grep -q "waiting for .* (up to 1h 00m)" "$log"; then
  echo "wait_progress: the rerun printed progress although the restore was done at its first look"
  exit 1
fi
echo "wait_progress: $lines lines of progress; the rerun picked the running restore up"
