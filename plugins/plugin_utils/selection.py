# -*- coding: utf-8 -*-
# Copyright (c) dataprotection.evs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What every DR mechanism shares: the refusal a policy gets (PolicyError), which disks a tier
covers (its selector, never a DR replica), the RPO slots and the names of a tier's resources and
copies. The mechanisms themselves are in plugins/plugin_utils/mechanisms/ (registry.py)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import datetime

from ansible_collections.dataprotection.evs.plugins.module_utils.sdrs import with_pair_sides
from ansible_collections.dataprotection.evs.plugins.plugin_utils.mechanisms import registry
from ansible_collections.dataprotection.evs.plugins.plugin_utils.retention import (
    RetentionError, format_time, normalize_retention, parse_duration, parse_time, require_records)


CLOUD_NAME_MAX = 64            # CBR vault, policy and backup names; SDRS group names
SLOT_STAMP_LEN = len('-20260101T0000Z')
# the slot stamp in copy names is to the minute: two slots shorter than that would share a name
SLOT_MIN = 60


class PolicyError(ValueError):
    """A policy that cannot be met; ``problems`` holds one sentence per reason."""

    def __init__(self, name, problems):
        self.problems = problems
        super(PolicyError, self).__init__('policy %s is refused, nothing was changed:\n  - %s'
                                          % (name, '\n  - '.join(problems)))


def human_duration(seconds):
    if seconds == 0:
        return '0'
    for unit, size in (('w', 604800), ('d', 86400), ('h', 3600), ('m', 60)):
        if seconds % size == 0:
            return '%d%s' % (seconds // size, unit)
    return '%ds' % seconds


def distance_km(distances, first, second):
    """The distance between two AZs from a table keyed ``"a/b"`` (either order); None if unknown."""
    for key in ('%s/%s' % (first, second), '%s/%s' % (second, first)):
        if key in (distances or {}):
            return distances[key]
    return None


def string_list(value, where, problems):
    if value is None:
        return []
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) and v for v in value):
        problems.append('%s must be a list of names or ids' % where)
        return []
    return list(value)


SELECTOR_KEYS = ('metadata', 'names', 'ids', 'all_disks')
EMPTY_SELECTOR = ('give metadata (key/value pairs a disk must all carry), names or ids, or all_disks: true for '
                  'every disk of the project')


def _metadata_selector(metadata, where, problems):
    """The metadata pairs a disk must carry, as text. The cloud stores metadata values as text, so
    an integer is compared as its decimal text; a boolean (YAML reads an unquoted yes/no/true/
    false/on/off as one), null, a float or a structure cannot be compared to what the disks carry
    and is refused rather than silently selecting nothing or every disk without the key."""
    if metadata is None or metadata == '':
        return {}
    if not isinstance(metadata, dict):
        problems.append('%s.metadata must be a dict of key/value pairs, not %r' % (where, metadata))
        return {}
    pairs = {}
    for key, value in metadata.items():
        if not isinstance(key, str) or not key:
            problems.append('%s.metadata has the key %r; metadata keys are text: quote it' % (where, key))
            continue
        if isinstance(value, bool):
            problems.append("%s.metadata.%s is the boolean %s (YAML reads an unquoted yes, no, true, false, on or off "
                            "as one), but the cloud stores metadata values as text: quote the value the disks carry, "
                            "for example %s: '%s'" % (where, key, value, key, 'yes' if value else 'no'))
        elif value is None:
            problems.append("%s.metadata.%s has no value (null): give the value the disks carry, in quotes (a "
                            "selector never matches the disks that lack a key)" % (where, key))
        elif isinstance(value, int):
            pairs[key] = str(value)
        elif isinstance(value, str):
            pairs[key] = value
        else:
            problems.append("%s.metadata.%s is %r, but the cloud stores metadata values as text: quote the value the "
                            "disks carry" % (where, key, value))
    return pairs


def check_selector(value, where, problems):
    """A disk selector (``metadata``, ``names``, ``ids``, ``all_disks``) normalized; its problems
    are added to ``problems``. A selector that selects nothing is refused, so an empty or null one
    can never mean every disk: that takes ``all_disks: true``, alone."""
    if not isinstance(value, dict):
        problems.append('%s must say which disks the tier covers: a dict with metadata (key/value pairs a disk '
                        'must all carry), names and/or ids, or all_disks: true' % where)
        return {'metadata': {}, 'names': [], 'ids': [], 'all_disks': False}
    unknown = sorted(set(value) - set(SELECTOR_KEYS), key=str)
    if unknown:
        problems.append('%s has unknown keys %s; use %s'
                        % (where, ', '.join(str(k) for k in unknown), ', '.join(SELECTOR_KEYS)))
    all_disks = value.get('all_disks', False)
    if not isinstance(all_disks, bool):
        problems.append('%s.all_disks must be true or false, not %r' % (where, all_disks))
        all_disks = False
    result = {'metadata': _metadata_selector(value.get('metadata'), where, problems),
              'names': string_list(value.get('names'), where + '.names', problems),
              'ids': string_list(value.get('ids'), where + '.ids', problems),
              'all_disks': all_disks}
    given = [k for k in ('metadata', 'names', 'ids') if value.get(k) not in (None, {}, [], '')]
    if all_disks and given:
        problems.append('%s: all_disks: true selects every disk; leave out %s, or all_disks'
                        % (where, ', '.join(given)))
    elif not all_disks and not given:
        problems.append('%s selects no disk: %s' % (where, EMPTY_SELECTOR))
    return result


SERVER_SELECTOR_KEYS = ('metadata', 'names', 'ids')


def check_server_selector(value, where, problems):
    """A server selector (``metadata``, ``names``, ``ids``) normalized, as ``check_selector`` for
    disks: one that selects nothing is refused (there is no "every server")."""
    if not isinstance(value, dict):
        problems.append('%s must say which servers the tier covers: a dict with metadata (key/value pairs a server '
                        'must all carry), names and/or ids' % where)
        return {'metadata': {}, 'names': [], 'ids': []}
    unknown = sorted(set(value) - set(SERVER_SELECTOR_KEYS), key=str)
    if unknown:
        problems.append('%s has unknown keys %s; use %s'
                        % (where, ', '.join(str(k) for k in unknown), ', '.join(SERVER_SELECTOR_KEYS)))
    result = {'metadata': _metadata_selector(value.get('metadata'), where, problems),
              'names': string_list(value.get('names'), where + '.names', problems),
              'ids': string_list(value.get('ids'), where + '.ids', problems)}
    if not any(value.get(k) not in (None, {}, [], '') for k in SERVER_SELECTOR_KEYS):
        problems.append('%s selects no server: give metadata (key/value pairs a server must all carry), names or ids'
                        % where)
    return result


def select_servers(servers, wanted, where):
    """The servers (server_info) a normalized server selector covers, by id, and the problems: a
    named server or id that does not exist, a name two servers share, a selector that matches no
    server at all (strict: a tier that protects nothing is a mistake, not a success)."""
    problems, chosen = [], {}
    servers = servers or []
    metadata = wanted.get('metadata') or {}
    for server in servers:
        meta = server.get('metadata') or {}
        if metadata and all(k in meta and str(meta[k]) == v for k, v in metadata.items()):
            chosen[server['id']] = server
    for name in wanted.get('names') or ():
        named = [s for s in servers if s.get('name') == name]
        if not named:
            problems.append("%s names server '%s', which does not exist" % (where, name))
        elif len(named) > 1:
            problems.append("%s names server '%s', but %d servers have that name; list it under ids instead (%s)"
                            % (where, name, len(named), ', '.join(s['id'] for s in named)))
        else:
            chosen[named[0]['id']] = named[0]
    for server_id in wanted.get('ids') or ():
        found = [s for s in servers if s.get('id') == server_id]
        if not found:
            problems.append('%s lists server id %s, which does not exist' % (where, server_id))
        else:
            chosen[server_id] = found[0]
    if not chosen and not problems:
        problems.append('%s selects no server: no server carries %s; check the selector against server_info'
                        % (where, ', '.join('%s=%s' % pair for pair in sorted(metadata.items())) or 'it'))
    return sorted(chosen.values(), key=lambda s: (s.get('name') or '', s['id'])), problems


def selectors_may_overlap(first, second):
    """Whether two normalized selectors can cover the same disk. Only what is sure to differ
    keeps them apart: metadata with a key of different values, or names (ids) that are all
    different; a disk may carry any metadata and any name, so metadata and names (or ids) may
    always meet."""
    if first['all_disks'] or second['all_disks']:
        return True
    for kind in ('metadata', 'names', 'ids'):
        for other in ('metadata', 'names', 'ids'):
            if not first[kind] or not second[other]:
                continue
            if kind != other:
                return True
            if kind == 'metadata':
                if all(second[kind].get(key, value) == value for key, value in first[kind].items()):
                    return True
            elif set(first[kind]) & set(second[kind]):
                return True
    return False


def _pair_sides(pairs):
    """The pairs with their sides (``with_pair_sides``)."""
    try:
        return [with_pair_sides(pair) for pair in require_records(pairs, 'the replication pairs', optional=True)]
    except (RetentionError, AttributeError, TypeError, KeyError, IndexError) as exc:
        raise PolicyError('(selection)', ['the replication pairs must be what replication_pair_info returns (%s)'
                                          % exc])


def dr_replicas(pairs):
    """{disk id: pair name} of the disks that are the DR side of a replication pair: the side the
    pair's ``priority_station`` does not name (as the inventory's ``replication_dr_disk`` group).
    SDRS writes them from the production side; they are never a source to copy or protect."""
    return dict((pair['dr_volume_id'], pair.get('name') or pair.get('id'))
                for pair in _pair_sides(pairs) if pair.get('dr_volume_id'))


def switched_disks(pairs):
    """The ids of the disks that SDRS created as a pair's DR side (in its group's target AZ) and
    that serve as its production side now: a failover (planned or not) switched the pair. They
    sit in the tier's secondary AZ by design, which is no reason to refuse the tier."""
    return set(pair['production_volume_id'] for pair in _pair_sides(pairs)
               if pair.get('priority_station') == 'target' and pair.get('production_volume_id'))


def select_by(disks, wanted, where, pairs=None, secondary=None, missing=None):
    """The disks a normalized selector (``check_selector``) covers, by id, and the problems (a
    named disk or id that is missing or a DR replica, an ambiguous name): those that carry all its
    metadata pairs, or are named, or have a listed id, or every disk with ``all_disks``, never the
    DR side of one of ``pairs``. Given a ``missing`` list, a named disk or id that does not exist
    is added to it ({'name': ...} or {'id': ...}, with the reason) instead of being a problem: the
    audit reports such a disk, where a change would stop."""
    problems, chosen = [], {}

    def absent(key, value, reason):
        if missing is None:
            problems.append(reason)
        else:
            missing.append({key: value, 'reason': reason})

    replicas = dr_replicas(pairs)
    sources = [d for d in disks or [] if d.get('id') not in replicas]
    metadata = wanted.get('metadata') or {}
    for disk in sources:
        meta = disk.get('metadata') or {}
        if wanted.get('all_disks') or (metadata and all(k in meta and str(meta[k]) == v for k, v in metadata.items())):
            chosen[disk['id']] = disk
    for name in wanted.get('names') or ():
        named = [d for d in sources if d.get('name') == name]
        if len(named) > 1 and secondary:
            # without the pairs: a replication pair's DR disk carries its production disk's name, in the secondary AZ
            outside = [d for d in named if d.get('availability_zone') != secondary]
            named = outside if len(outside) == 1 else named
        replica = [d for d in disks or [] if d.get('name') == name and d.get('id') in replicas]
        if not named and replica:
            problems.append("%s names disk '%s', which is the DR replica of replication pair %s; DR replicas are never "
                            "selected: name the production disk" % (where, name, replicas[replica[0]['id']]))
        elif not named:
            absent('name', name, "%s names disk '%s', which does not exist" % (where, name))
        elif len(named) > 1:
            problems.append("%s names disk '%s', but %d disks have that name; list it under ids instead (%s)"
                            % (where, name, len(named), ', '.join(d['id'] for d in named)))
        else:
            chosen[named[0]['id']] = named[0]
    for disk_id in wanted.get('ids') or ():
        found = [d for d in disks or [] if d.get('id') == disk_id]
        if disk_id in replicas:
            problems.append("%s lists disk id %s, which is the DR replica of replication pair %s; DR replicas are "
                            "never selected: list the production disk" % (where, disk_id, replicas[disk_id]))
        elif not found:
            absent('id', disk_id, "%s lists disk id %s, which does not exist" % (where, disk_id))
        else:
            chosen[disk_id] = found[0]
    return chosen, problems


def select_disks(disks, tier, policy=None, pairs=None, missing=None):
    """The disks a (normalized) tier covers, in name order (``select_by``; give the project's
    replication ``pairs`` so that DR replicas are left out). A named disk or id that is missing
    (unless collected in ``missing``) or a DR replica, an ambiguous name, a selector that is not
    one (``check_selector``), or a disk one of the tier's mechanisms cannot protect
    (``Mechanism.covered_problems``, such as a secondary AZ equal to or too far from the disk's)
    raises PolicyError."""
    where = "tier '%s'" % tier['name']
    problems = []
    # the selector is checked again: a tier can reach here without the dr_policy filter
    wanted = check_selector(tier.get('disks'), where + '.disks', problems)
    if problems:
        raise PolicyError((policy or {}).get('name', '(unnamed)'), problems)
    try:
        mechanisms = [registry.get(name) for name in tier['mechanisms']]
    except registry.MechanismError as exc:
        raise PolicyError((policy or {}).get('name', '(unnamed)'), ['%s: %s' % (where, exc)])
    secondary = tier.get('secondary_az') if any(m.writes_dr_replicas for m in mechanisms) else None
    chosen, problems = select_by(disks, wanted, where, pairs, secondary, missing)
    switched = switched_disks(pairs) if secondary else set()
    for mechanism in mechanisms:
        # a failover made the DR side of a pair production: it is in the secondary AZ as it must be
        checked = [d for d in chosen.values() if not (mechanism.writes_dr_replicas and d['id'] in switched)]
        problems.extend(mechanism.covered_problems(where, tier, checked, policy or {}))
    if problems:
        raise PolicyError((policy or {}).get('name', '(unnamed)'), problems)
    return sorted(chosen.values(), key=lambda d: (d.get('name') or '', d['id']))


def rpo_slot(now, rpo):
    """The start of the RPO slot ``now`` falls in (slots are ``rpo`` long, counted from the Unix
    epoch on the cloud's clock), as ``YYYYMMDDTHHMMZ``; one copy per slot keeps the RPO."""
    moment = parse_time(now, 'now (the cloud time)')
    seconds = parse_duration(rpo, 'rpo')
    if seconds <= 0:
        raise RetentionError('rpo must be above 0 to cut time into slots, not %r' % (rpo,))
    if seconds < SLOT_MIN:
        raise RetentionError('rpo %s is below %s, the shortest slot: slots are stamped to the minute, so shorter '
                             'slots would share a name' % (human_duration(seconds), human_duration(SLOT_MIN)))
    epoch = datetime.datetime(1970, 1, 1)
    elapsed = int((moment - epoch).total_seconds())
    start = epoch + datetime.timedelta(seconds=elapsed - elapsed % seconds)
    return {'start': format_time(start), 'stamp': start.strftime('%Y%m%dT%H%MZ'),
            'end': format_time(start + datetime.timedelta(seconds=seconds))}


def resource_base(policy_name, tier_name):
    """``<policy>-<tier>``: the name of a tier's vault, backup policy and protection group, and the
    start of its copies' names. Unambiguous because tier names hold no ``-`` (check_policy)."""
    return '%s-%s' % (policy_name, tier_name)


def snapshot_name(policy_name, tier_name, stamp):
    return '%s-%s' % (resource_base(policy_name, tier_name), stamp)


def covered_tiers(policy, mechanism, tiers, disks, problems, pairs=None):
    """``(tier, the disks it covers, its resources' name <policy>-<tier>)`` for each applied tier
    that uses ``mechanism``; a tier whose selector cannot be applied adds its problems and is left out."""
    for tier in applied_tiers(policy, mechanism, tiers):
        try:
            covered = select_disks(disks, tier, policy, pairs)
        except PolicyError as exc:
            problems.extend(exc.problems)
            continue
        yield tier, covered, resource_base(policy['name'], tier['name'])


def applied_tiers(policy, mechanism, tiers=None):
    return [t for t in policy['tiers'] if mechanism in t['mechanisms'] and (not tiers or t['name'] in tiers)]


def created_at(record):
    try:
        return parse_time(record.get('created_at'), 'created_at')
    except RetentionError:
        return None


def tier_duration(tier, key, where, problems, required=False):
    if tier.get(key) is None:
        if required:
            problems.append('%s.%s is missing: the most data (as a duration: 0, 15m, 1h, 1d) the tier may lose'
                            % (where, key))
        return None
    try:
        return parse_duration(tier[key], '%s.%s' % (where, key))
    except RetentionError as exc:
        problems.append(str(exc))
        return None


def tier_retention(tier, key, where, problems):
    if tier.get(key) is None:
        return None
    try:
        return normalize_retention(tier[key], '%s.%s' % (where, key))
    except RetentionError as exc:
        problems.append(str(exc))
        return None
