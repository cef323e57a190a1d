#!/usr/bin/env bash
# check == real for playbooks/snapshot.yml (see ../setup_check_real/check_real.sh).
set -eu -o pipefail
# shellcheck source=../setup_check_real/check_real.sh
source ../setup_check_real/check_real.sh
check_real_playbook setup.yml "$@"
check_real snapshot dataprotection.evs.snapshot -- "$@"
