#!/usr/bin/env bash
# The dataprotection.evs.disks inventory against the emulator, as ansible-inventory and AWX use it:
# grouping by AZ, tier and protection, constructed features, no secret in the output or the cache,
# the inventory cache (a second run sends no request; --flush-cache reads again), and job slicing:
# runs limited to AWX-style slices (and to Ansible's own subscripts) cover every disk exactly once.
set -eu -o pipefail
config=$(cd ../.. && pwd)/integration_config.yml
setting() { sed -n "s/^$1: //p" "$config"; }
python=${ANSIBLE_TEST_PYTHON_INTERPRETER:-python3}
export OS_CLIENT_CONFIG_FILE OS_CLOUD ANSIBLE_ROLES_PATH
OS_CLIENT_CONFIG_FILE=$(setting emulator_clouds_yaml)
OS_CLOUD=$(setting emulator_cloud)
ANSIBLE_ROLES_PATH=$(cd .. && pwd)
url=$(setting emulator_url)
password=$(sed -n 's/^  password: //p' "$config" | head -n 1)
check() { "$python" check.py "$@"; }

work=$(mktemp -d)
trap '[ -n "${KEEP_WORK:-}" ] || rm -rf "$work"' EXIT
inventory=$work/estate.evs_disks.yml
cat >"$inventory" <<YAML
plugin: dataprotection.evs.disks
cache: true
cache_plugin: ansible.builtin.jsonfile
cache_connection: $work/cache
compose:
  evs_is_gold: evs_tier == 'gold'
groups:
  big: evs_size >= 20
keyed_groups:
  - key: evs_volume_type
    prefix: type
YAML
inv() { ansible-inventory -i "$inventory" "$@"; }
# ansible-inventory has --flush-cache only from ansible-core 2.17; ansible-playbook has it everywhere
flush() { ansible-playbook -i "$inventory" protect.yml --list-hosts --flush-cache >/dev/null; }

ansible-playbook setup.yml -e "@$config" "$@"

# First run: reads the cloud (GETs only) and fills the cache.
mark=$(check mark "$url")
inv --list >"$work/first.json"
check grouping "$work/first.json" "$password"
[ "$(check requests_since "$url" "$mark")" -gt 0 ] || { echo "the first run sent no request"; exit 1; }
[ "$(check requests_since "$url" "$mark" mutating=true)" = 0 ] || { echo "the inventory changed the cloud"; exit 1; }
! grep -rqF "$password" "$work/cache" || { echo "the password is in the cache"; exit 1; }

# Second run: from the cache, not a single request; the same inventory.
mark=$(check mark "$url")
inv --list >"$work/second.json"
[ "$(check requests_since "$url" "$mark")" = 0 ] || { echo "the cached run sent requests"; exit 1; }
cmp -s "$work/first.json" "$work/second.json" || { echo "the cached inventory differs"; exit 1; }
mark=$(check mark "$url")
flush
[ "$(check requests_since "$url" "$mark")" -gt 0 ] || { echo "--flush-cache did not read the cloud"; exit 1; }
# The same file and cache with another tenant (OS_CLOUD) is another inventory, not tenant A's cache.
OS_CLOUD=$(setting emulator_other_cloud) inv --list >"$work/other.json"
[ -z "$(check hosts "$work/other.json")" ] || { echo "another tenant got tenant A's cached disks"; exit 1; }

# The same estate through AK/SK request signing (a clouds.yaml entry with ak/sk), no cache.
printf 'plugin: dataprotection.evs.disks\ncloud: %s\n' "$(setting emulator_aksk_cloud)" >"$work/aksk.evs_disks.yml"
ansible-inventory -i "$work/aksk.evs_disks.yml" --list >"$work/aksk.json"
[ "$(check hosts "$work/aksk.json")" = "$(check hosts "$work/first.json")" ] || { echo "AK/SK sees other disks"; exit 1; }

# Wrong credentials: the inventory fails and names the failure; the secret is in no output.
auth_url=$(sed -n 's/^  auth_url: //p' "$config" | head -n 1)
cat >"$work/wrong.evs_disks.yml" <<YAML
plugin: dataprotection.evs.disks
auth: {auth_url: "$auth_url", username: alice, user_domain_name: x, password: Wrong-Secret-4711}
YAML
if ANSIBLE_INVENTORY_UNPARSED_FAILED=1 ansible-inventory -i "$work/wrong.evs_disks.yml" --list >"$work/wrong.out" 2>&1; then
  echo "wrong credentials did not fail the inventory"; exit 1
fi
grep -qi 'authenticat' "$work/wrong.out" || { cat "$work/wrong.out"; echo "the failure does not say what failed"; exit 1; }
! grep -q 'Wrong-Secret-4711' "$work/wrong.out" || { echo "the wrong password was printed"; exit 1; }

# AWX job slicing: 3 slices of the hosts (sorted by name, slice k = hosts[k::3]); each slice is
# one limited run. Together they cover every disk exactly once.
mapfile -t slices < <(check slices "$work/first.json" 3)
sliced=()
for k in "${!slices[@]}"; do
  inv --list --limit "${slices[$k]}" >"$work/slice$k.json"
  sliced+=("$work/slice$k.json")
done
check covered "$work/first.json" "${sliced[@]}"
# Ansible's own subscripts (what --limit 'all[a:b]' selects) partition the hosts too.
inv --list --limit 'all[0:1]' >"$work/sub0.json"
inv --list --limit 'all[2:3]' >"$work/sub1.json"
inv --list --limit 'all[4:5]' >"$work/sub2.json"
check covered "$work/first.json" "$work/sub0.json" "$work/sub1.json" "$work/sub2.json"

# The sliced runs do the work: one snapshot per disk, by the cloud's request log and listing.
mark=$(check mark "$url")
for k in "${!slices[@]}"; do
  ansible-playbook -i "$inventory" protect.yml --limit "${slices[$k]}" -f 2 \
    -e "ansible_python_interpreter=$python" "$@"
done
flush
inv --list >"$work/after.json"
check snapshots_once "$url" "$mark" "$work/first.json" "$work/after.json"
echo "inventory_disks: grouping, cache and 3 slices covering all $(grep -c . <(check hosts "$work/first.json")) disks exactly once"
