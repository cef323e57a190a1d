# -*- coding: utf-8 -*-
# Copyright (c) dataprotection.evs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Two runs at once (AWX schedules, cron and a person can overlap) that create the same resource:
every run keeps the first made. Imported after a create only (``ResourceModule.settle_race``, the
batch engine), so a task with nothing to create does not compile it (AnsiballZ ships source)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

from ansible_collections.dataprotection.evs.plugins.module_utils.waiters import is_failure_status

_ZONE_SUFFIX_RE = re.compile(r'(Z|[+-]00:?00)$')


def creation_order(resource):
    """The sort key that puts the first made of several namesakes first: its ``created_at`` (as the
    cloud writes it: one format per kind, so the text sorts like the time once the zone suffix and
    a blank instead of ``T`` are evened out), then its id, so every run picks the same one."""
    created = _ZONE_SUFFIX_RE.sub('', str(resource.get('created_at') or '')).replace(' ', 'T')
    return (created, str(resource.get('id')))


def first_made(resources):
    return min(resources, key=creation_order) if resources else None


def alive(resources, deleting):
    """The resources that count as made: not on their way out, not failed."""
    return [r for r in resources or () if r.get('status') not in deleting and not is_failure_status(r.get('status'))]


def survivor(own, namesakes, deleting):
    """Of ``own`` (just created) and its ``namesakes`` (a listing after the create, which may hold
    copies a concurrent run made), the one that every run keeps: the first made. None when the
    cloud shows no creation time, so that no run can tell which came first."""
    found = alive(namesakes, deleting)
    if own['id'] not in [r['id'] for r in found]:
        found.append(own)
    if len(found) > 1 and not all(r.get('created_at') for r in found):
        return None
    return first_made(found)


def settle_race(module, own, certain):
    """``ResourceModule.settle_race``: the resource to adopt instead of ``own`` (None: keep ``own``)."""
    found = module.namesakes() if own is not None else None
    if not found:
        return None
    label = module.label(None)
    winner = survivor(own, found, module.deleting)
    if winner is None:
        module.module.warn('%s was also created by another run at the same time (ids %s); the cloud does not '
                           'show which was made first, so both are left: delete one by hand' % (
                               label, ', '.join(sorted(set([r['id'] for r in alive(found, module.deleting)] + [own['id']])))))
        return None
    if winner['id'] == own['id']:
        return None
    if not certain:
        module.module.warn('%s was also created by another run at the same time (id %s); this run takes it. '
                           'The create of this run lost its answer, so %s %s is left as it is: it may be '
                           "the other run's" % (label, winner['id'], module.kind, own['id']))
    else:
        module.discard(own)
        module.module.warn('%s was also created by another run at the same time (id %s, made first); this run '
                           'deleted its own copy (id %s) and takes that one' % (label, winner['id'], own['id']))
    return module.fetch(winner['id']) or winner
