#!/usr/bin/env bash
# check == real for playbooks/protect.yml with the bronze policy of docs/policies
# (see ../setup_check_real/check_real.sh).
set -eu -o pipefail
# shellcheck source=../setup_check_real/check_real.sh
source ../setup_check_real/check_real.sh
check_real_playbook setup.yml "$@"
check_real protect-bronze dataprotection.evs.protect -- -e "@$(check_real_policy bronze)" "$@"
