#!/usr/bin/env bash
# Selectors mean exactly what they say, and what a read can refuse is refused before the first
# write - as a user runs the protect, snapshot and audit playbooks, with the emulator's request
# log as the oracle: a refused run sends no mutating request at all (in check mode too), and the
# DR twin of a replicated disk never gets a snapshot, whatever the selector.
set -eu -o pipefail
# shellcheck source=../setup_emulator/files/runme_env.sh
source ../setup_emulator/files/runme_env.sh
flags=("$@")
python=${ANSIBLE_TEST_PYTHON_INTERPRETER:-python3}
# verify CONTEXT [--posts N] [--unread]: what the cloud saw since the mark (verify.py)
verify() { "$python" verify.py "$(cd ../.. && pwd)/integration_config.yml" "$@"; }
verify_args=()
failed=()
# a case that fails is named and the next one runs: all of them are shown at the end
fail() { echo "FAILED $1: $2"; failed+=("$1"); }

# A one-tier snapshot policy with the selector given as JSON: what YAML makes of `{tier: }`
# (null) and `{backup: yes}` (a boolean) in a policy file.
tier_policy() {
  echo "{\"dr_policy\": {\"name\": \"sr\", \"tiers\": [{\"name\": \"daily\", \"failure\": \"disk\", \"rpo\": \"1d\",
        \"retention\": {\"last\": 2}, \"disks\": $1}]}}"
}

# Each case's verify.py (and setup.yml before the first) ends by marking the request log: it sends
# only reads, and only mutating requests are counted, so the next case starts from that mark.

# refused NAME PATTERN PLAYBOOK ARGS...: the run fails, says PATTERN, and sends no mutating request
refused() {
  local name=$1 pattern=$2
  shift 2
  if ansible-playbook "$@" "${flags[@]}" >"$name.log" 2>&1; then
    tail -n 30 "$name.log"; fail "$name" "the run succeeded; it must be refused"
  elif ! grep -F -- "$pattern" "$name.log"; then
    tail -n 30 "$name.log"; fail "$name" "the output does not say: $pattern"
  elif grep -E "Finalization of task args|The filter plugin|unhandled exception occurred while templating" "$name.log"; then
    fail "$name" "the refusal is wrapped in Ansible's templating error instead of being the task's message"
  fi
  verify "$name" "${verify_args[@]+"${verify_args[@]}"}" ||
    fail "$name" "the cloud saw a change"
}

# unread NAME PATTERN PLAYBOOK ARGS...: refused as the policy reads, before a single request
# (a token and the catalog aside): not even the disks are read
unread() {
  verify_args=(--unread)
  refused "$@"
  verify_args=()
}

# applied NAME POSTS PLAYBOOK ARGS...: the run succeeds with POSTS snapshot creations, none of the twin
applied() {
  local name=$1 posts=$2
  shift 2
  ansible-playbook "$@" "${flags[@]}" >"$name.log" 2>&1 || { tail -n 30 "$name.log"; fail "$name" "the run failed"; }
  verify "$name" --posts "$posts" || fail "$name" "not the snapshots expected"
}

run setup.yml "${flags[@]}"
protect=dataprotection.evs.protect

# --- item 4: selectors
refused protect-null "metadata.tier has no value (null)" $protect -e "$(tier_policy '{"metadata": {"tier": null}}')"
refused protect-boolean "metadata.backup is the boolean True" $protect -e "$(tier_policy '{"metadata": {"backup": true}}')"
refused protect-empty "selects no disk" $protect -e @policies/empty.yml
refused snapshot-null "snapshot_selector (every disk: -e snapshot_all_disks=true) selects no disk" \
  dataprotection.evs.snapshot -e '{"snapshot_selector": null}'
refused snapshot-empty "selects no disk" dataprotection.evs.snapshot -e '{"snapshot_selector": {}}'
refused snapshot-boolean "snapshot_selector (every disk: -e snapshot_all_disks=true).metadata.backup is the boolean True" \
  dataprotection.evs.snapshot -e '{"snapshot_selector": {"backup": true}}'
refused audit-nothing "policy sr covers no disk" dataprotection.evs.audit -e @policies/nothing.yml \
  -e "audit_report_dir=$PWD/audit"

# the DR twin carries tier=gold and backup=yes too, and is never snapshotted
applied protect-tagged 1 $protect -e @policies/tagged.yml
applied snapshot-tagged 2 dataprotection.evs.snapshot -e '{"snapshot_selector": {"backup": "yes"}}'
# every disk, explicitly: sr-db01, sr-app01 and sr-scratch, not the twin
applied protect-all 2 $protect -e @policies/all.yml
applied snapshot-all 3 dataprotection.evs.snapshot -e snapshot_all_disks=true -e snapshot_prefix=all

# --- item 7: what a read can refuse is refused before the first write, in check mode too
for mode in check real; do
  check=(); [ $mode = check ] && check=(--check)
  refused "unknown-az-$mode" "secondary_az eu-de-09 is not an availability zone of this region" \
    $protect "${check[@]}" -e @policies/unknown_az.yml -e protect_replication_vpc=vpc-default
  refused "unknown-vpc-$mode" "vpc-nope" $protect "${check[@]}" -e @policies/vpc.yml -e protect_replication_vpc=vpc-nope
  refused "retention-$mode" "retention_duration_days must be -1 or 1 to 99999 for CBR, not 109800" \
    $protect "${check[@]}" -e @policies/retention.yml
  refused "vault-size-$mode" "the vault size 5 GB is outside what CBR accepts" \
    $protect "${check[@]}" -e @policies/backup.yml -e protect_vault_size=5
  unread "snapshot-limit-$mode" "tier 'daily' keeps up to 12 snapshots per disk (snapshot retention {last: 2, daily: 7, weekly: 4, monthly: 3}, a snapshot every 1d) and takes 1 more before pruning: 13, more than the 7 manual snapshots the cloud lets a disk have (snapshots_per_disk); keep at most 6 snapshots per disk; keep longer copies as backups" \
    $protect "${check[@]}" -e @policies/snapshot_limit.yml
done
if [ ${#failed[@]} -gt 0 ]; then echo "strict_selectors: ${#failed[@]} cases failed: ${failed[*]}"; exit 1; fi
echo "strict_selectors: every refusal sent no mutating request; the DR twin was never snapshotted"
