"""Checks of the inventory_disks target: the emulator's request log and the inventory's JSON."""
import json
import sys
import urllib.request


def admin(url, path):
    with urllib.request.urlopen(url + '/_emulator/' + path) as answer:
        return json.load(answer)


def mark(url):
    """Print the newest request log position."""
    requests = admin(url, 'requests')['requests']
    print(max([r['seq'] for r in requests] or [0]))


def requests_since(url, since, *filters):
    """Print the number of requests since ``since`` (optionally filtered, e.g. mutating=true)."""
    query = '&'.join(('since_seq=%s' % since,) + filters)
    print(len(admin(url, 'requests?' + query)['requests']))


def plain(value):
    """ansible-core 2.19 marks inventory strings ``{"__ansible_unsafe": ...}`` in --list (AWX reads
    that); older releases give the plain value."""
    if isinstance(value, dict):
        if list(value) == ['__ansible_unsafe']:
            return value['__ansible_unsafe']
        return dict((k, plain(v)) for k, v in value.items())
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value


def load(path):
    with open(path) as handle:
        return plain(json.load(handle))


def members(inventory, group):
    return sorted(inventory.get(group, {}).get('hosts', []))


def hosts(path):
    """Print every host of an inventory --list, one per line, sorted (the order AWX slices by)."""
    inventory = load(path)
    print('\n'.join(sorted(inventory['_meta']['hostvars'])))


def grouping(path, password):
    """The groups of the seeded estate, composed variables and groups, and no secret anywhere."""
    inventory = load(path)
    hostvars = inventory['_meta']['hostvars']
    by_name = {}
    for host, variables in hostvars.items():
        by_name.setdefault(variables['evs_name'], []).append(host)
    web = dict((hostvars[h]['evs_availability_zone'], h) for h in by_name['inv-web01'])
    expect = {
        'az_eu_de_01': ['inv-db01', web['eu-de-01']],
        'az_eu_de_02': ['inv-db02', 'inv-log01', web['eu-de-02']],
        'az_eu_de_03': ['inv-scratch'],
        'tier_gold': ['inv-db01', 'inv-db02'],
        'tier_silver': ['inv-log01', web['eu-de-01']],  # the DR disk has no metadata
        'protected_by_snapshot': ['inv-db01', 'inv-log01'],
        'protected_by_backup': ['inv-db02'],
        'protected_by_replication': [web['eu-de-01']],
        'replication_dr_disk': [web['eu-de-02']],
        'protection_protected': ['inv-db01', 'inv-db02', 'inv-log01', web['eu-de-01']],
        'protection_unprotected': ['inv-scratch', web['eu-de-02']],
        'type_SSD': ['inv-db01', 'inv-db02'],
        'big': ['inv-db01', 'inv-db02'],
    }
    failures = []
    for group, wanted in expect.items():
        if members(inventory, group) != sorted(wanted):
            failures.append('%s: %s, expected %s' % (group, members(inventory, group), sorted(wanted)))
    if len(hostvars) != 6:
        failures.append('6 disks expected as hosts, got %s' % sorted(hostvars))
    if sorted(set(web.values()) & set(hostvars)) != sorted(web.values()) or 'inv-web01' in hostvars:
        failures.append('the two disks named inv-web01 must be hosts named by id')
    db01 = hostvars['inv-db01']
    if [s['name'] for s in db01['evs_servers']] != ['inv-app'] or not db01['evs_servers'][0]['device']:
        failures.append('inv-db01 evs_servers: %s' % db01['evs_servers'])
    if db01['evs_protection']['snapshots'] != 1 or not db01['evs_is_gold'] or hostvars['inv-log01']['evs_is_gold']:
        failures.append('inv-db01 protection/compose: %s' % db01)
    if any(v.get('ansible_connection') != 'local' for v in hostvars.values()):
        failures.append('every host has ansible_connection=local')
    if password in json.dumps(inventory):
        failures.append('the password appears in the inventory')
    if failures:
        sys.exit('\n'.join(failures))


def slices(path, count):
    """Print AWX-style slices of the sorted hosts (slice k = hosts[k::count]), one comma list per line."""
    names = sorted(load(path)['_meta']['hostvars'])
    count = int(count)
    for k in range(count):
        print(','.join(names[k::count]))


def covered(path, *slice_files):
    """Every host of ``path`` is in exactly one of the sliced inventories."""
    names = sorted(load(path)['_meta']['hostvars'])
    seen = []
    for slice_file in slice_files:
        seen.extend(load(slice_file)['_meta']['hostvars'])
    if sorted(seen) != names:
        sys.exit('slices cover %s, the inventory has %s' % (sorted(seen), names))


def snapshots_once(url, since, before, after):
    """Each disk got exactly one snapshot since ``since``: one POST /snapshots per disk in the
    request log, and each host's snapshot count (read afresh) one more than before."""
    before, after = load(before)['_meta']['hostvars'], load(after)['_meta']['hostvars']
    posts = admin(url, 'requests?mutating=true&method=POST&since_seq=%s' % since)['requests']
    posts = [r for r in posts if r['path'].endswith('/snapshots')]
    if len(posts) != len(before):
        sys.exit('%d snapshot creates for %d disks' % (len(posts), len(before)))
    wrong = [h for h in before if after[h]['evs_protection']['snapshots'] != before[h]['evs_protection']['snapshots'] + 1]
    if wrong or sorted(after) != sorted(before):
        sys.exit('disks without exactly one new snapshot: %s' % wrong)


if __name__ == '__main__':
    globals()[sys.argv[1]](*sys.argv[2:])
