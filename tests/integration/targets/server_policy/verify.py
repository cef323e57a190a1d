"""What the cloud saw since the mark, for one case of runme.sh, and the server backups there are.

usage: verify.py CONFIG CONTEXT [--mutations N] [--marked RUN_PREFIX] [--backups N]

--mutations N: exactly N mutating requests since the mark (0 for a refusal).
--backups N: N server backups exist; with --marked, each of those of the tier carries the
application-consistent mark of one group run (the description's start). The mark is moved
whatever was found.
"""
import argparse
import os
import sys

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(here, '..', 'setup_emulator', 'files'))
import emulator_api  # noqa: E402  pylint: disable=wrong-import-position

MARK = os.path.join(here, 'mark.txt')


def server_backups(config):
    subject, project_id = emulator_api.token(config)
    body = emulator_api._get('%s/cbr/v3/%s/backups?resource_type=OS::Nova::Server' % (config['emulator_url'], project_id),
                             subject)
    return body['backups']


def problems(config, args):
    found = []
    mark = open(MARK).read().strip() if os.path.exists(MARK) else '0'
    mutations = emulator_api.requests_since(config, mark, mutating=True)
    if args.mutations is not None and len(mutations) != args.mutations:
        found.append('%s: expected %d mutating requests, the cloud saw %s' % (args.context, args.mutations, mutations))
    if args.backups is not None:
        backups = server_backups(config)
        if len(backups) != args.backups:
            found.append('%s: expected %d server backups, found %s' % (
                args.context, args.backups, [(b['name'], b['resource_name']) for b in backups]))
        if args.marked:
            marked = [b for b in backups if b['name'].startswith(args.marked)]
            runs = set((b.get('description') or '').split(';')[0] for b in marked)
            if not marked or len(runs) != 1 or not list(runs)[0].startswith('dp_evs_consistency=application dp_evs_group_run='):
                found.append('%s: the backups %s are not marked application-consistent of one group run: %s' % (
                    args.context, args.marked, [b.get('description') for b in marked]))
    return found


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('config')
    parser.add_argument('context')
    parser.add_argument('--mutations', type=int)
    parser.add_argument('--backups', type=int)
    parser.add_argument('--marked')
    args = parser.parse_args()
    config = emulator_api.load_config(args.config)
    return emulator_api.report_then_mark(config, lambda: problems(config, args), MARK)


if __name__ == '__main__':
    sys.exit(main())
