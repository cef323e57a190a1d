# shellcheck shell=bash
# Source this from a runme.sh target (with needs/target/setup_emulator in its aliases): the
# connection as a user has it (OS_CLOUD and OS_CLIENT_CONFIG_FILE from the integration config),
# the test roles on ANSIBLE_ROLES_PATH, `integration_setting NAME` for one config value and
# `run PLAYBOOK ...` for a helper playbook with the integration config as extra vars, and
# `emulator_api COMMAND ...` for a read or a clock move of the emulator that takes milliseconds
# where a helper playbook takes seconds (files/emulator_api.py: log-position, advance-clock SECONDS,
# outage ZONE down|up).
integration_config=$(cd ../.. && pwd)/integration_config.yml
integration_setting() { sed -n "s/^$1: //p" "$integration_config"; }
export OS_CLIENT_CONFIG_FILE OS_CLOUD ANSIBLE_ROLES_PATH
OS_CLIENT_CONFIG_FILE=$(integration_setting emulator_clouds_yaml)
OS_CLOUD=$(integration_setting emulator_cloud)
ANSIBLE_ROLES_PATH=$(cd .. && pwd)
run() { ansible-playbook "$@" -e "@$integration_config"; }
emulator_api_script=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/emulator_api.py
emulator_api() { "${ANSIBLE_TEST_PYTHON_INTERPRETER:-python3}" "$emulator_api_script" "$integration_config" "$@"; }
