"""The attack and its checks: strings that run a command if Ansible templates them, and what the
inventory, the plays and the cloud show of them afterwards."""
import html.parser
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'setup_emulator', 'files'))
import emulator_api  # noqa: E402  pylint: disable=wrong-import-position

FIELDS = ('disk_name', 'disk_description', 'metadata_value', 'snapshot_name', 'snapshot_description')


def payload(work, field):
    """Creates ``pwned-<field>`` in ``work`` when templated; also a hostile HTML/script snippet."""
    return "{{ lookup('pipe', 'touch %s/pwned-%s') }}</script><!--<script>" % (work, field)


def write_vars(work):
    """The extra vars of the plays: every payload marked !unsafe, so the test never templates it."""
    lines = ['attack_work: %s' % json.dumps(work), 'attack:']
    lines += ['  %s: !unsafe %s' % (field, json.dumps(payload(work, field))) for field in FIELDS]
    with open(os.path.join(work, 'attack_vars.yml'), 'w') as handle:
        handle.write('\n'.join(lines) + '\n')


def no_command_ran(work, step):
    ran = sorted(name for name in os.listdir(work) if name.startswith('pwned-'))
    if ran:
        sys.exit('%s templated strings from the cloud: the command of %s ran on the controller' % (step, ', '.join(ran)))


def plain(value):
    """ansible-inventory --list shows unsafe strings as {"__ansible_unsafe": ...}."""
    if isinstance(value, dict):
        if list(value) == ['__ansible_unsafe']:
            return value['__ansible_unsafe']
        return dict((plain(k), plain(v)) for k, v in value.items())
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value


def expect(what, seen, wanted):
    if seen != wanted:
        sys.exit('%s: %r, expected the literal %r' % (what, seen, wanted))


def read(path):
    with open(path) as handle:
        return handle.read()


def inventory(work, path):
    """The disk is one host named by its name, with its name and metadata literally."""
    disk_id = read(os.path.join(work, 'disk_id'))
    hostvars = plain(json.loads(read(path)))['_meta']['hostvars']
    hosts = [h for h, v in hostvars.items() if v['evs_id'] == disk_id]
    expect('the host name', hosts, [payload(work, 'disk_name')])
    expect('evs_name', hostvars[hosts[0]]['evs_name'], payload(work, 'disk_name'))
    expect('evs_metadata.owner', hostvars[hosts[0]]['evs_metadata']['owner'], payload(work, 'metadata_value'))


def hosts_play(work):
    """What a play over the inventory saw of the disk (host-<id>.json, written by hosts.yml)."""
    seen = json.loads(read(os.path.join(work, 'host-%s.json' % read(os.path.join(work, 'disk_id')))))
    expect('inventory_hostname in a play', seen['host'], payload(work, 'disk_name'))
    expect('evs_name in a play', seen['name'], payload(work, 'disk_name'))
    expect('evs_metadata.owner in a play', seen['owner'], payload(work, 'metadata_value'))
    expect('the groups in a play', sorted(seen['groups']), ['az_eu_de_01', 'protected_by_snapshot',
                                                            'protection_protected', 'tier_bronze'])
    planned = read(os.path.join(work, 'planned_name'))
    expect('the restore planned from hostvars', planned[:len(payload(work, 'disk_name')) + 10],
           payload(work, 'disk_name') + '-restored-')


class _Report(html.parser.HTMLParser):
    """The embedded JSON and the visible text of the HTML report."""

    def __init__(self):
        html.parser.HTMLParser.__init__(self, convert_charrefs=True)
        self.script, self.text, self._in_script = [], [], False

    def handle_starttag(self, tag, attrs):
        self._in_script = tag == 'script' and ('id', 'report') in attrs

    def handle_endtag(self, tag):
        self._in_script = False

    def handle_data(self, data):
        (self.script if self._in_script else self.text).append(data)


def audit(work):
    """The JSON report names the disk and its snapshot literally; the HTML report embeds the same
    report (its JSON parses back to it) and shows the names as text."""
    report = json.loads(read(os.path.join(work, 'dp-evs-audit', 'audit.json')))
    rows = [r for r in report['disks'] if r['disk_id'] == read(os.path.join(work, 'disk_id'))]
    expect('the audit row of the disk', [r['disk_name'] for r in rows], [payload(work, 'disk_name')])
    expect('the copies in the audit', [c['name'] for c in rows[0]['copies']], [payload(work, 'snapshot_name')])
    page = _Report()
    page.feed(read(os.path.join(work, 'dp-evs-audit', 'audit.html')))
    page.close()
    expect('the report embedded in the HTML', json.loads(''.join(page.script)), report)
    text = ''.join(page.text)
    for field in ('disk_name', 'snapshot_name'):
        if payload(work, field) not in text:
            sys.exit('the HTML report does not show the %s as text' % field)


def restored(work, config_path):
    """The restore made a disk named after the original, literally (read from the cloud)."""
    volumes = emulator_api.evs_get(emulator_api.load_config(config_path), 'volumes/detail')['volumes']
    prefix = payload(work, 'disk_name') + '-restored-'
    expect('the disks the restore made', [v['name'][:len(prefix)] for v in volumes if '-restored-' in v['name']], [prefix])


if __name__ == '__main__':
    globals()[sys.argv[1]](*sys.argv[2:])
