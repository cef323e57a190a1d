#!/usr/bin/env bash
# check == real for playbooks/audit.yml with the bronze policy of docs/policies, once on an estate
# without copies and once after the protect playbook took them (see
# ../setup_check_real/check_real.sh). The audit must change nothing in the cloud, check or not;
# the report files it writes (check_mode: false) are its only changes, listed as local changes.
set -eu -o pipefail
# shellcheck source=../setup_check_real/check_real.sh
source ../setup_check_real/check_real.sh
check_real_playbook setup.yml "$@"
check_real audit-bronze-unprotected dataprotection.evs.audit --no-cloud-change -- -e "@$(check_real_policy bronze)" "$@"
ansible-playbook dataprotection.evs.protect -e "@$(check_real_policy bronze)" "$@"
check_real audit-bronze-protected dataprotection.evs.audit --no-cloud-change -- -e "@$(check_real_policy bronze)" "$@"
for report in dp-evs-audit/audit.json dp-evs-audit/audit.html; do
  [ -s "$report" ] || { echo "the audit wrote no $report"; exit 1; }
done
