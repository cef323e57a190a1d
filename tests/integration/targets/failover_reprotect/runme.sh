#!/usr/bin/env bash
# After an unplanned failover the policy run adopts the failed-over state instead of fighting it:
# protect with the unchanged policy (its tier names eu-de-01 and secondary_az eu-de-02) sends no
# mutating request and says the group is failed over; failover_action=reprotect re-protects from
# eu-de-02 once eu-de-01 is back (refused while it is down, confirmed, check == real, idempotent);
# protect then says re-protected and sends nothing; a failback brings production home.
set -eu -o pipefail
# shellcheck source=../setup_emulator/files/runme_env.sh
source ../setup_emulator/files/runme_env.sh
mark() { run mark.yml; }
verify() { run verify.yml -e "@mark.vars.yml" -e "verify_step=$1"; }
protect() { ansible-playbook dataprotection.evs.protect -e @policy.yml -e protect_replication_vpc=vpc-default "$@"; }
failover() { ansible-playbook dataprotection.evs.failover -e @policy.yml "$@"; }

run setup.yml "$@"
protect "$@"
mark
protect "$@"
verify protected

run outage.yml -e outage=down "$@"
mark
failover -e failover_action=failover -e failover_confirm=true "$@"
verify failed_over

# the attack: the policy run right after the failover, eu-de-01 still down
mark
protect "$@" | tee protect.log
verify unchanged_failed_over
grep -q "protection group rp-gold is failed over: production is eu-de-02, replication to eu-de-01 is stopped" protect.log
# and in check mode (what a scheduled --check shows)
mark
protect --check "$@" > protect-check.log
grep -q "rp-gold: failed over (eu-de-02 -> eu-de-01)" protect-check.log
verify unchanged_failed_over

# re-protect while eu-de-01 is still down: refused before any mutating request
mark
if failover -e failover_action=reprotect -e failover_confirm=true "$@" > refused.log; then
  echo "a re-protect while eu-de-01 is down did not fail"; exit 1
fi
grep -q "a re-protect replicates eu-de-02 onto eu-de-01 and needs both zones; eu-de-01 is unavailable" refused.log
verify unchanged_failed_over

run outage.yml -e outage=up "$@"
# the old side is back: the policy run still leaves the group as it is
mark
protect "$@" > protect.log
grep -q "protection group rp-gold is failed over" protect.log
verify unchanged_failed_over

# the audit: out of policy (replication stopped), not for being failed over; it shows the direction
mark
ansible-playbook dataprotection.evs.audit -e @policy.yml -e "audit_report_dir=$PWD/audit" "$@"
verify audit_failed_over

# not confirmed: the plan, nothing sent, a failed run naming the variable
mark
if failover -e failover_action=reprotect "$@" > unconfirmed.log; then
  echo "an unconfirmed re-protect did not fail"; exit 1
fi
grep -q "reprotect of protection group rp-gold (eu-de-02 onto eu-de-01) needs failover_confirm=true" unconfirmed.log
verify unchanged_failed_over

# check mode predicts the real run's changed tasks exactly and sends nothing
changed_tasks() { sed -n 's/^TASK \[\(.*\)\] \**$/\1/p; s/^changed: .*/CHANGED/p' "$1" | grep -B1 '^CHANGED$' | grep -v '^CHANGED$\|^--$'; }
mark
failover -e failover_action=reprotect -e failover_confirm=true --check "$@" > reprotect-check.log
verify unchanged_failed_over
mark
failover -e failover_action=reprotect -e failover_confirm=true "$@" > reprotect.log
verify reprotected
diff <(changed_tasks reprotect-check.log) <(changed_tasks reprotect.log)
[ "$(changed_tasks reprotect.log)" = "dataprotection.evs.failover : Switch the group" ]
grep -q "re-protect in the reverse direction: replicate eu-de-02 onto eu-de-01" reprotect.log

# a rerun is a no-op
mark
failover -e failover_action=reprotect -e failover_confirm=true "$@" | tee reprotect-again.log
grep -q "nothing to do, protection is already enabled: eu-de-02 replicates to eu-de-01" reprotect-again.log
verify unchanged_reprotected

# the policy run adopts the re-protected state: nothing sent, said so
mark
protect "$@" > protect.log
grep -q "protection group rp-gold is re-protected in the reverse direction: production is eu-de-02" protect.log
verify unchanged_reprotected

# the audit: compliant (replicated from eu-de-02 to eu-de-01), showing the direction
mark
ansible-playbook dataprotection.evs.audit -e @policy.yml -e "audit_report_dir=$PWD/audit" "$@"
verify audit_reprotected

# back home: a failback is one reverse; then protect is back to its own direction, nothing sent
mark
failover -e failover_action=failback -e failover_confirm=true "$@"
verify failed_back
mark
protect "$@" > protect.log
verify protected
if grep -q "protection group rp-gold is" protect.log; then echo "protect still reports rp-gold as switched"; exit 1; fi
echo "failover_reprotect: protect adopted the failed-over and re-protected group, re-protect and failback as planned"
