# -*- coding: utf-8 -*-
# Copyright (c) dataprotection.evs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""A disk's copies as the DR audit reports them: what every mechanism's ``audit_copies`` builds
(plugin_utils/mechanisms) and the audit (audit.py) judges."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.dataprotection.evs.plugins.plugin_utils.app_consistency import APPLICATION, consistency_of
from ansible_collections.dataprotection.evs.plugins.plugin_utils.retention import format_time, parse_cloud_time, parse_time

SAME_AZ = 'same AZ'
OBJECT_STORAGE = 'object storage'
# where a copy in another region lives: 'other region (eu-nl)'; only such a copy survives a region's loss
OTHER_REGION = 'other region'


def human_age(seconds):
    """``2d``, ``1d 23h``, ``5h 3m``, ``59m 59s``, ``30s``: the two largest units, rounded down
    (to the second under an hour, so an age just over a short RPO never reads as equal to it)."""
    if seconds is None:
        return '-'
    seconds = int(seconds)
    if seconds >= 86400:
        days, rest = divmod(seconds, 86400)
        hours = rest // 3600
        return '%dd %dh' % (days, hours) if hours else '%dd' % days
    if seconds >= 3600:
        hours, rest = divmod(seconds, 3600)
        minutes = rest // 60
        return '%dh %dm' % (hours, minutes) if minutes else '%dh' % hours
    if seconds >= 60:
        minutes, rest = divmod(seconds, 60)
        return '%dm %ds' % (minutes, rest) if rest else '%dm' % minutes
    return '%ds' % max(0, seconds)


def point_in_time_copy(now, mechanism, location, item, policy_name=None, usable=True, owned=False):
    """A copy made at one moment (``item['created_at']``), aged on the cloud's clock ``now``;
    with ``consistency: application`` and ``group_run`` when it was taken with its servers quiesced.
    ``owned``: the policy made the copy, as proven by where it lives (backups carry no policy
    mark), else the item's ``dp_evs_policy`` metadata must name ``policy_name``."""
    text = item['created_at']
    created = parse_cloud_time(text)
    if created is None:
        created = parse_time(text)
        text = format_time(created)
    else:
        text = text[:19] + 'Z'   # format_time(created), as the cloud wrote it
    age = int((now - created).total_seconds())
    copy = {'mechanism': mechanism, 'id': item.get('id'), 'name': item.get('name'),
            'created_at': text, 'age': age, 'age_text': human_age(age),
            'location': location,
            'by_policy': owned or (bool(policy_name)
                                   and (item.get('metadata') or {}).get('dp_evs_policy') == policy_name),
            'usable': usable}
    # a copy taken with its servers quiesced (app_consistency) says so, with its group run: the
    # copies of one run are one consistent set; any other copy is crash-consistent, and unmarked
    consistency, group_run = consistency_of(item)
    if consistency == APPLICATION:
        copy.update(consistency=consistency, group_run=group_run)
    return copy


def continuous_copy(mechanism, item, live, location, usable, **details):
    """A copy kept up to date all the time (a replica): age 0 while ``live``, none when stopped."""
    copy = {'mechanism': mechanism, 'id': item.get('id'), 'name': item.get('name'),
            'created_at': None, 'age': 0 if live else None, 'age_text': 'continuous' if live else 'stopped',
            'location': location, 'live': live}
    copy.update(details)
    copy.update(by_policy=False, usable=usable)
    return copy


def by_disk(items, key):
    """{disk id: [items]} (``key``: the item's field with the disk id, or a function returning
    the disk ids of an item): every disk's copies are then found without reading all of them."""
    found = {}
    disks_of = key if callable(key) else (lambda item: (item.get(key),))
    for item in items or []:
        for disk in disks_of(item):
            copies = found.get(disk)
            if copies is None:
                found[disk] = [item]
            else:
                copies.append(item)
    return found
