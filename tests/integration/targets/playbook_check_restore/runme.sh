#!/usr/bin/env bash
# check == real for playbooks/restore.yml (see ../setup_check_real/check_real.sh): a restore of
# the newest copy into a new disk; the third run finds the restored disk and changes nothing.
# Then onto the original disk under request INC-1 (its rerun changes nothing), the disk is
# damaged, and the same snapshot is rolled back again under INC-2: predicted, done (the bytes are
# back, read through the emulator) and not repeated by the rerun of INC-2.
set -eu -o pipefail
# shellcheck source=../setup_check_real/check_real.sh
source ../setup_check_real/check_real.sh
check_real_playbook setup.yml "$@"
check_real restore dataprotection.evs.restore -- -e restore_disk=cr-db01 -e restore_new_disk_name=cr-db01-restored "$@"
onto_original=(-e restore_disk=cr-db01 -e restore_target=original -e restore_confirm=true)
check_real restore-original dataprotection.evs.restore -- "${onto_original[@]}" -e restore_request_id=INC-1 "$@"
check_real_playbook damage.yml "$@"
check_real restore-again dataprotection.evs.restore -- "${onto_original[@]}" -e restore_request_id=INC-2 "$@"
check_real_playbook damage.yml -e cr_expect=INC-2 "$@"
