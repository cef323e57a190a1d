#!/usr/bin/env bash
# Faults and secrets: the modules converge through injected faults without duplicates, and a
# -vvvv run with failures shows no password, secret key or token anywhere.
set -eu -o pipefail
config=$(cd ../.. && pwd)/integration_config.yml
setting() { sed -n "s/^$1: //p" "$config"; }
export ANSIBLE_ROLES_PATH
ANSIBLE_ROLES_PATH=$(cd .. && pwd)
clouds_yaml=$(setting emulator_clouds_yaml)
emulator_url=$(setting emulator_url)

ansible-playbook faults.yml -e "@$config" -vvvv "$@" > faults.log 2>&1 || { tail -60 faults.log; exit 1; }
grep -E '^localhost|^testhost' faults.log | tail -1

# Every secret the emulator seeded: passwords and secret keys of all tenants.
mapfile -t secrets < <(sed -nE 's/^ +(password|sk): (.+)$/\2/p' "$clouds_yaml")
[ "${#secrets[@]}" -ge 4 ] || { echo "expected at least 4 secrets in $clouds_yaml"; exit 1; }
curl -s "$emulator_url/_emulator/requests" > request-log.json
leaks=0
for secret in "${secrets[@]}" Wrong-Secret-4711; do
  for file in faults.log request-log.json; do
    if grep -qF -- "$secret" "$file"; then
      echo "LEAK: a secret appears in $file, here (masked):"
      grep -nF -- "$secret" "$file" | head -3 | sed "s/$(printf '%s' "$secret" | sed 's/[^a-zA-Z0-9]/./g')/<SECRET>/g" | cut -c1-300
      leaks=$((leaks + 1))
    fi
  done
done
# Keystone tokens are opaque strings starting with MII.
for file in faults.log request-log.json; do
  if grep -qE 'MII[A-Za-z0-9_+/=-]{16,}' "$file"; then
    echo "LEAK: a token appears in $file, here (masked):"
    grep -nE 'MII[A-Za-z0-9_+/=-]{16,}' "$file" | head -3 | sed -E 's/MII[A-Za-z0-9_+\/=-]{16,}/<TOKEN>/g' | cut -c1-300
    leaks=$((leaks + 1))
  fi
done
[ "$leaks" = 0 ] || exit 1
echo "faults: converged with no duplicates; 0 secrets in $(wc -l < faults.log) lines of -vvvv output and the request log"
