"""The emulator as a target's checks read it, from Python: its request log (admin API) and the
cloud's own API with the integration config's password user. One short process instead of a
helper playbook per check (a playbook costs seconds; these reads cost milliseconds)."""
import json
import sys
import urllib.request

import yaml


def load_config(path):
    with open(path) as handle:
        return yaml.safe_load(handle)


def _get(url, token=None):
    headers = {'X-Auth-Token': token} if token else {}
    with urllib.request.urlopen(urllib.request.Request(url, headers=headers)) as answer:
        return json.load(answer)


def token(config):
    """A project-scoped token for the integration config's first user, and its project id."""
    auth = config['emulator_auth']
    body = {'auth': {'identity': {'methods': ['password'], 'password': {'user': {
        'name': auth['username'], 'password': auth['password'], 'domain': {'name': auth['user_domain_name']}}}},
        'scope': {'project': {'id': auth['project_id']}}}}
    request = urllib.request.Request(auth['auth_url'].rstrip('/') + '/auth/tokens', json.dumps(body).encode(),
                                     {'Content-Type': 'application/json'})
    with urllib.request.urlopen(request) as answer:
        return answer.headers['X-Subject-Token'], auth['project_id']


def evs_get(config, path):
    """GET /evs/v2/{project_id}/PATH with a fresh token."""
    subject, project_id = token(config)
    return _get('%s/evs/v2/%s/%s' % (config['emulator_url'], project_id, path), subject)


def requests_since(config, mark, mutating=None):
    """The request log after sequence number MARK, as 'METHOD path' strings."""
    query = 'since_seq=%d' % int(mark) + ('&mutating=%s' % str(mutating).lower() if mutating is not None else '')
    entries = _get('%s/_emulator/requests?%s' % (config['emulator_url'], query))['requests']
    return ['%s %s' % (entry['method'], entry['path']) for entry in entries]


def log_position(config):
    """The newest sequence number in the request log (0 when empty)."""
    entries = _get('%s/_emulator/requests' % config['emulator_url'])['requests']
    return max((entry['seq'] for entry in entries), default=0)


def report_then_mark(config, found, mark_file):
    """A verify script's end: print what it found, then note the log's position in ``mark_file``
    for the next step (also when finding failed). The exit code: 1 when anything was found."""
    try:
        found = found()
    finally:
        with open(mark_file, 'w') as handle:
            handle.write(str(log_position(config)))
    for problem in found:
        print(problem)
    return 1 if found else 0


def advance_clock(config, seconds):
    """Move the emulator's clock SECONDS on (its schedules fire, as in a playbook's clock move)."""
    request = urllib.request.Request('%s/_emulator/clock/advance' % config['emulator_url'],
                                     json.dumps({'seconds': int(seconds)}).encode(), {'Content-Type': 'application/json'})
    with urllib.request.urlopen(request):
        pass


def outage(config, zone, state):
    """Take availability zone ZONE down (STATE down) or bring it back (up)."""
    url = '%s/_emulator/outages' % config['emulator_url']
    if state == 'down':
        request = urllib.request.Request(url, json.dumps({'availability_zone': zone}).encode(),
                                         {'Content-Type': 'application/json'})
    else:
        request = urllib.request.Request('%s/%s' % (url, zone), method='DELETE')
    with urllib.request.urlopen(request):
        pass


def main(argv):
    """For a runme.sh: `emulator_api.py CONFIG log-position` prints the newest sequence number of
    the request log, `emulator_api.py CONFIG advance-clock SECONDS` moves the clock,
    `emulator_api.py CONFIG outage ZONE down|up` takes a zone down or brings it back."""
    config = load_config(argv[1])
    if argv[2] == 'log-position':
        print(log_position(config))
    elif argv[2] == 'advance-clock':
        advance_clock(config, argv[3])
    elif argv[2] == 'outage' and argv[4] in ('down', 'up'):
        outage(config, argv[3], argv[4])
    else:
        raise SystemExit('unknown command %s' % argv[2])


if __name__ == '__main__':
    main(sys.argv)
