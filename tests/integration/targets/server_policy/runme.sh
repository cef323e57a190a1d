#!/usr/bin/env bash
# Tiers that select servers, as a user runs the protect playbook, with the emulator's request log
# as the oracle: what the policy and the servers can refuse is refused before any mutating request
# (in check mode too); a crash-consistent server tier is check == real and a rerun sends nothing;
# an application-consistent tier quiesces its server around the checkpoint, marks the backup and
# reports the freeze window, and a failing quiesce creates nothing and still resumes.
set -eu -o pipefail
# shellcheck source=../setup_check_real/check_real.sh
source ../setup_check_real/check_real.sh
# shellcheck source=policy.sh
source policy.sh
flags=("$@")
python=${ANSIBLE_TEST_PYTHON_INTERPRETER:-python3}
verify() { "$python" verify.py "$(cd ../.. && pwd)/integration_config.yml" "$@"; }
failed=()
fail() { echo "FAILED $1: $2"; failed+=("$1"); }
protect=dataprotection.evs.protect
# the hooks run on an inventory host: localhost, by a local connection
printf 'localhost ansible_connection=local ansible_python_interpreter=%s\n' "$python" >inventory.ini
hooks=$PWD/hooks.log

# refused NAME PATTERN ARGS...: the run fails, says PATTERN, and sends no mutating request
refused() {
  local name=$1 pattern=$2
  shift 2
  if ansible-playbook $protect -i inventory.ini "$@" "${flags[@]}" >"$name.log" 2>&1; then
    tail -n 30 "$name.log"; fail "$name" "the run succeeded; it must be refused"
  elif ! grep -F -- "$pattern" "$name.log"; then
    tail -n 30 "$name.log"; fail "$name" "the output does not say: $pattern"
  fi
  verify "$name" --mutations 0 || fail "$name" "the cloud saw a change"
}

check_real_playbook setup.yml "${flags[@]}"
verify setup >/dev/null || true

db='{"metadata": {"app": "shop-db"}}'
for mode in check real; do
  check=(); [ $mode = check ] && check=(--check)
  refused "empty-$mode" "tier 'db'.servers selects no server: give metadata" "${check[@]}" \
    -e "$(server_policy sp "[$(server_tier db '{}')]")"
  refused "nothing-$mode" "tier 'db'.servers selects no server: no server carries app=nothing" "${check[@]}" \
    -e "$(server_policy sp "[$(server_tier db '{"metadata": {"app": "nothing"}}')]")"
  refused "two-tiers-$mode" "server 'sp-db' is selected by server tiers 'db' and 'db2'" "${check[@]}" \
    -e "$(server_policy sp "[$(server_tier db "$db"), $(server_tier db2 '{"names": ["sp-db"]}')]")"
  refused "namesake-$mode" "selects server 'sp-twin', a name 2 servers share" "${check[@]}" \
    -e "$(server_policy sp "[$(server_tier twin '{"metadata": {"app": "twin"}}')]")"
  refused "named-twin-$mode" "names server 'sp-twin', but 2 servers have that name" "${check[@]}" \
    -e "$(server_policy sp "[$(server_tier twin '{"names": ["sp-twin"]}')]")"
  refused "no-hooks-$mode" "server 'sp-db' (" "${check[@]}" \
    -e "$(server_policy sp "[$(server_tier db "$db" '"app_consistency": {"servers": [{"server": "sp-app", "host": "localhost", "quiesce": "true", "resume": "true"}]}')]")"
done

# check == real for a crash-consistent tier of sp-app: vault, policy, one on-demand server backup
check_real app dataprotection.evs.protect -- -i inventory.ini \
  -e "$(server_policy sp "[$(server_tier app '{"names": ["sp-app"]}')]")" "${flags[@]}"
verify app-done --backups 1 || fail app "not one server backup of sp-app"

# the application-consistent tier of sp-db: a failing quiesce creates nothing and resumes
: >"$hooks"
hook() { echo "{\"server\": \"sp-db\", \"host\": \"localhost\", \"quiesce\": \"$1\", \"resume\": \"echo resume >> $hooks\"}"; }
db_tier() { server_tier db "$db" "\"app_consistency\": {\"servers\": [$(hook "$1")], \"max_freeze\": 30}"; }
if ansible-playbook $protect -i inventory.ini -e "$(server_policy sp "[$(db_tier "echo quiesce >> $hooks; false")]")" \
  "${flags[@]}" >quiesce-fails.log 2>&1; then
  fail quiesce-fails "the run succeeded with a failing quiesce"
fi
grep -F "no server backup was created and every server is resumed" quiesce-fails.log ||
  fail quiesce-fails "the run does not say that nothing was created and the servers are resumed"
[ "$(cat "$hooks")" = "$(printf 'quiesce\nresume')" ] || fail quiesce-fails "hooks ran: $(cat "$hooks")"
verify quiesce-fails --backups 1 || fail quiesce-fails "a server backup was made with a failed quiesce"

# then it works: quiesce, one checkpoint, resume; the backup is marked; a rerun changes nothing
: >"$hooks"
policy=$(server_policy sp "[$(db_tier "echo quiesce >> $hooks")]")
ansible-playbook $protect -i inventory.ini -e "$policy" "${flags[@]}" >consistent.log 2>&1 ||
  { tail -n 40 consistent.log; fail consistent "the run failed"; }
[ "$(cat "$hooks")" = "$(printf 'quiesce\nresume')" ] || fail consistent "hooks ran: $(cat "$hooks")"
grep -E "quiesced for [0-9.]+ s \(max_freeze 30 s\)" consistent.log || fail consistent "no freeze window reported"
verify consistent --backups 2 --marked sp-db- || fail consistent "not one marked server backup of sp-db"
: >"$hooks"
ansible-playbook $protect -i inventory.ini -e "$policy" "${flags[@]}" >consistent-again.log 2>&1 ||
  fail consistent-again "the rerun failed"
verify consistent-again --mutations 0 || fail consistent-again "the rerun changed the cloud"
[ ! -s "$hooks" ] || fail consistent-again "the rerun quiesced with nothing to back up: $(cat "$hooks")"

if [ ${#failed[@]} -gt 0 ]; then echo "server_policy: ${#failed[@]} cases failed: ${failed[*]}"; exit 1; fi
echo "server_policy: every refusal sent no mutating request; check == real; the freeze window closed on failure"
