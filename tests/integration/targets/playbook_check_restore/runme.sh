#!/usr/bin/env bash
# check == real for playbooks/restore.yml (see ../setup_check_real/check_real.sh): a restore of
# the newest copy into a new disk; the third run finds the restored disk and changes nothing.
set -eu -o pipefail
# shellcheck source=../setup_check_real/check_real.sh
source ../setup_check_real/check_real.sh
check_real_playbook setup.yml "$@"
check_real restore dataprotection.evs.restore -- -e restore_disk=cr-db01 -e restore_new_disk_name=cr-db01-restored "$@"
