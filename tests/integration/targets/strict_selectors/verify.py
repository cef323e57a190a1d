"""What the cloud saw since the mark, for one case of runme.sh: POSTS snapshot creations (0 for a
refusal, where no mutating request at all may have been sent; with --unread not even a read but
the token and the catalog), none of them of the DR twin. The mark is moved whatever was found, so
a failed case is not counted again by the next one.

usage: verify.py CONFIG CONTEXT [--posts N] [--unread]
"""
import argparse
import os
import re
import sys

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(here, '..', 'setup_emulator', 'files'))
import emulator_api  # noqa: E402  pylint: disable=wrong-import-position


def read(name):
    with open(os.path.join(here, name)) as handle:
        return handle.read().strip()


def problems(config, context, posts, unread):
    mark = read('mark.txt')
    found = []
    if unread:
        others = [r for r in emulator_api.requests_since(config, mark) if not re.search('/auth/tokens|/auth/catalog', r)]
        if others:
            found.append('%s: no request at all but a token and the catalog; the cloud saw %s' % (context, others))
    mutations = emulator_api.requests_since(config, mark, mutating=True)
    creations = [m for m in mutations if re.match(r'^POST .*/snapshots$', m)]
    if len(creations) != posts or (posts == 0 and mutations):
        found.append('%s: expected %d snapshot creations, the cloud saw %s' % (context, posts, mutations))
    twin = read('twin.txt')
    on_twin = [s['id'] for s in emulator_api.evs_get(config, 'snapshots/detail')['snapshots'] if s['volume_id'] == twin]
    if on_twin:
        found.append('%s: the DR twin %s has snapshots %s' % (context, twin, on_twin))
    return found


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('config')
    parser.add_argument('context')
    parser.add_argument('--posts', type=int, default=0)
    parser.add_argument('--unread', action='store_true')
    args = parser.parse_args()
    config = emulator_api.load_config(args.config)
    return emulator_api.report_then_mark(config, lambda: problems(config, args.context, args.posts, args.unread),
                                         os.path.join(here, 'mark.txt'))


if __name__ == '__main__':
    sys.exit(main())
