# -*- coding: utf-8 -*-
# Copyright (c) dataprotection.evs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""DR policies: check a declared policy against what the cloud's mechanisms can do and map each
tier onto mechanisms. The mechanisms are declared in plugins/plugin_utils/mechanisms/ (one
module each, listed by registry.py); this module asks the registry, never a mechanism by name.
Which disks a tier covers, the RPO slots and the resource names are in selection.py.

The mapping (the seed's table):

| mechanism   | copy lives                    | RPO                    | survives             |
| snapshot    | with the disk (same AZ)       | point in time, any > 0 | a lost/corrupted disk |
| backup      | object storage (region)       | point in time, >= 1 h  | the loss of an AZ     |
| replication | DR disks in another AZ <100km | 0 (continuous)         | the loss of an AZ     |

| region_replication | replicas in another region | point in time, >= 2 h | the loss of a region |

None of the first three survives the loss of a region; region_replication (CBR backups copied
to a vault of a destination region) does. A tier may ask to survive only the failures a
registered mechanism survives (``survivable_failures``).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

from ansible_collections.dataprotection.evs.plugins.plugin_utils.mechanisms import registry
from ansible_collections.dataprotection.evs.plugins.plugin_utils.selection import (
    PolicyError, check_selector, check_server_selector, human_duration, resource_base, string_list, tier_duration,
    tier_retention)

# what each failure a tier may have to survive is, in the refusals' words (registry.FAILURES)
FAILURE_TEXT = {'disk': 'lost or corrupted data on the disk', 'az': 'the loss of an AZ',
                'region': 'the loss of a region'}
_NAME_RE = re.compile(r'^[A-Za-z0-9][A-Za-z0-9_-]{0,39}$')
# no '-' in a tier name: resources are named <policy>-<tier>[-<slot>], read from the right, so
# policy 'db' tier 'prod-daily' and policy 'db-prod' tier 'daily' can never name the same copy
_TIER_NAME_RE = re.compile(r'^[A-Za-z0-9][A-Za-z0-9_]{0,39}$')
# the tier options every tier has; each mechanism adds its own (registry.tier_keys)
COMMON_TIER_KEYS = ('name', 'failure', 'rpo', 'rto', 'retention', 'disks', 'servers', 'mechanisms', 'secondary_az', 'force',
                    'description')
COMMON_POLICY_KEYS = ('name', 'tiers', 'description', 'az_distances_km')


def survivable_failures():
    """The failures a tier may ask to survive: those a registered mechanism's copies survive."""
    return tuple(f for f in registry.FAILURES if any(f in m.survives for m in registry.all_mechanisms()))


def _failure_problem(where, failure):
    """Why the tier's ``failure`` cannot be asked for, or None."""
    survivable = survivable_failures()
    if failure in survivable:
        return None
    if failure in registry.FAILURES:
        # a failure no registered mechanism survives: say where each one's copies live
        return ("%s: failure '%s' cannot be met by these mechanisms: %s. Use failure: %s for the strongest "
                "protection these mechanisms give" % (
                    where, failure, '; '.join('%s copies, %s' % (m.name, m.copies_live)
                                              for m in registry.all_mechanisms()), survivable[-1]))
    return '%s.failure must be %s, not %r' % (
        where, ' or '.join('%s (%s)' % (f, FAILURE_TEXT[f]) for f in survivable), failure)


def selects(tier):
    """What a tier selects: ``servers`` when it has a server selector, else ``disks``."""
    return 'servers' if tier.get('servers') is not None else 'disks'


def _mechanisms(tier, where, failure, rpo, rto, problems):
    """The mechanisms the tier needs, each with why (in registry order), or the reasons it
    cannot be met. Only the mechanisms of what the tier selects (``Mechanism.selects``) serve it."""
    known = registry.names()
    kind = selects(tier)
    serving = [m for m in registry.all_mechanisms() if m.selects == kind]
    chosen = tier.get('mechanisms')
    if chosen is not None:
        chosen = string_list(chosen, where + '.mechanisms', problems)
        unknown = [m for m in chosen if m not in known]
        if unknown:
            problems.append('%s.mechanisms has unknown %s; choose from %s'
                            % (where, ', '.join(unknown), ', '.join(known)))
            return {}
        if not chosen:
            problems.append('%s.mechanisms is empty; leave it out to derive it from rpo and failure' % where)
            return {}
        other = [m for m in chosen if registry.get(m).selects != kind]
        if other:
            problems.append('%s selects %s; %s does not protect %s: the mechanisms for %s are %s' % (
                where, kind, ' and '.join(other), kind, kind, ', '.join(m.name for m in serving)))
            return {}
    if rpo is None or failure not in survivable_failures():
        return {}
    reasons = dict((m.name, m.derive(tier, failure, rpo, rto)) for m in serving)
    if chosen is None:
        derived = dict((name, reason) for name, reason in reasons.items() if reason)
        if not any(failure in registry.get(name).survives for name in derived):
            # a mechanism that survives the failure but is never derived must be named
            named = [m.name for m in serving if failure in m.survives]
            if not named:
                problems.append('%s: surviving %s cannot be met for a tier that selects %s: its mechanisms (%s) do '
                                'not survive it' % (where, FAILURE_TEXT[failure], kind, ', '.join(m.name for m in serving)))
                return {}
            problems.append('%s: no mechanism is chosen by itself for surviving %s at RPO %s; name one in '
                            'mechanisms: %s' % (where, FAILURE_TEXT[failure], human_duration(rpo), ' or '.join(named)))
            return {}
        for name in list(derived):
            for required in registry.get(name).requires:
                derived.setdefault(required, 'what %s builds on: %s' % (name, derived[name]))
        return dict((m, derived[m]) for m in registry.ordered(derived))
    # the user named the mechanisms: check that they can meet the tier
    if not any(failure in registry.get(m).survives for m in chosen):
        named = [registry.get(m) for m in registry.ordered(chosen)]
        problems.append('%s: surviving %s cannot be met with %s only, %s; add %s'
                        % (where, FAILURE_TEXT[failure], ' and '.join(_plural(m.name) for m in named),
                           named[0].copies_live if len(named) == 1 else 'whose copies do not survive it',
                           ' or '.join(m.survival_hint or m.name for m in serving if failure in m.survives)))
    for mechanism in registry.all_mechanisms():
        problems.extend(mechanism.chosen_problems(where, tier, chosen, failure, rpo))
        missing = [m for m in mechanism.requires if mechanism.name in chosen and m not in chosen]
        if missing:
            problems.append('%s: %s builds on %s; add %s to mechanisms' % (
                where, mechanism.name, ' and '.join(missing), ' and '.join(missing)))
    return dict((m, reasons[m] or 'chosen in the policy') for m in registry.ordered(chosen))


def _plural(name):
    return name + 's'


def _tier_name(tier, where, seen, problems):
    """The tier's name and how refusals name the tier."""
    tier_name = tier.get('name')
    if not isinstance(tier_name, str) or not _TIER_NAME_RE.match(tier_name):
        problems.append("%s: the name %r must be 1 to 40 letters, digits or _ (no -: copies are named "
                        "<policy>-<tier>-<slot>, and a - in a tier name would let policy 'db' tier 'prod-daily' "
                        "and policy 'db-prod' tier 'daily' name the same copies)" % (where, tier_name))
        return tier_name, where
    where = "tier '%s'" % tier_name
    if tier_name in seen:
        problems.append('%s is declared twice; tier names must be unique' % where)
    seen.add(tier_name)
    return tier_name, where


def _selector(tier, kind, where, problems):
    """The tier's ``disks`` or ``servers`` selector, normalized; None for the kind it does not
    select. A tier selects one kind: its disks one by one, or servers each with all its disks."""
    if selects(tier) != kind:
        if tier.get(kind) is not None:
            problems.append('%s selects both disks and servers; a tier selects disks (each backed up or snapshotted '
                            'on its own) or servers (each backed up with all its disks at one instant): split it in '
                            'two tiers' % where)
        return None
    if kind == 'servers':
        return check_server_selector(tier['servers'], where + '.servers', problems)
    return check_selector(tier.get('disks'), where + '.disks', problems)


def check_tier(tier, where, policy_name, seen, problems):
    """One tier, checked and normalized: the common keys here, the keys of its mechanisms by
    them (``Mechanism.check_tier``)."""
    tier_name, where = _tier_name(tier, where, seen, problems)
    tier_keys = COMMON_TIER_KEYS + registry.tier_keys()
    unknown = sorted(set(tier) - set(tier_keys))
    if unknown:
        problems.append('%s has unknown keys %s; the keys are %s' % (where, ', '.join(unknown), ', '.join(tier_keys)))
    failure = tier.get('failure')
    refusal = _failure_problem(where, failure)
    if refusal:
        problems.append(refusal)
    rpo = tier_duration(tier, 'rpo', where, problems, required=True)
    rto = tier_duration(tier, 'rto', where, problems)
    retention = tier_retention(tier, 'retention', where, problems)
    mechanisms = _mechanisms(tier, where, failure, rpo, rto, problems)
    for mechanism in registry.all_mechanisms():
        if mechanism.name not in mechanisms:
            problems.extend(mechanism.unused_option_problems(where, tier, mechanisms))
    keeping = [m for m in mechanisms if registry.get(m).keeps_copies]
    if keeping and tier.get('retention') is None:
        problems.append('%s.retention is missing: %s keep point-in-time copies, so say how many (for example '
                        '{last: 2, daily: 5})' % (where, ' and '.join(_plural(m) for m in keeping)))
    force = tier.get('force', True)
    if not isinstance(force, bool):
        problems.append('%s.force must be true or false' % where)
    resource_name = None
    if isinstance(tier_name, str) and _TIER_NAME_RE.match(tier_name) and _NAME_RE.match(policy_name):
        resource_name = resource_base(policy_name, tier_name)
    checked = {
        'name': tier_name, 'description': tier.get('description') or '', 'failure': failure,
        'rpo': rpo, 'rpo_text': human_duration(rpo) if rpo is not None else None, 'rto': rto,
        'retention': retention, 'disks': _selector(tier, 'disks', where, problems),
        'servers': _selector(tier, 'servers', where, problems),
        'mechanisms': list(mechanisms), 'mechanism_reasons': mechanisms,
        'secondary_az': tier.get('secondary_az'), 'force': force,
    }
    for mechanism in registry.all_mechanisms():
        if mechanism.name in mechanisms:
            checked.update(mechanism.check_tier(where, tier, checked, resource_name, problems))
        else:
            checked.update(mechanism.tier_output)
    return checked


def check_policy(policy):
    """The policy, checked and normalized, or PolicyError with every reason at once."""
    problems = []
    if not isinstance(policy, dict):
        raise PolicyError('(unnamed)', ['the policy must be a dict with name and tiers, not %r' % (policy,)])
    name = policy.get('name')
    if not isinstance(name, str) or not _NAME_RE.match(name):
        problems.append('the policy name %r must be 1 to 40 letters, digits, - or _ (it goes into snapshot '
                        'names and the dp_evs_policy metadata mark)' % (name,))
        name = str(name)
    policy_keys = COMMON_POLICY_KEYS + registry.policy_keys()
    unknown = sorted(set(policy) - set(policy_keys))
    if unknown:
        problems.append('the policy has unknown keys %s; the keys are %s' % (', '.join(unknown), ', '.join(policy_keys)))
    distances = policy.get('az_distances_km') or {}
    if not isinstance(distances, dict):
        problems.append('az_distances_km must map "az-a/az-b" to kilometres')
        distances = {}
    tiers = policy.get('tiers')
    if not isinstance(tiers, list) or not tiers:
        problems.append('the policy has no tiers: give a list of tiers, each with name, failure, rpo, retention '
                        'and disks')
        tiers = []
    result = {'name': name, 'description': policy.get('description') or '', 'az_distances_km': distances,
              'tiers': []}
    seen = set()
    for index, tier in enumerate(tiers):
        where = 'tier %d' % (index + 1)
        if not isinstance(tier, dict):
            problems.append('%s must be a dict' % where)
            continue
        result['tiers'].append(check_tier(tier, where, name, seen, problems))
    for mechanism in registry.all_mechanisms():
        result.update(mechanism.policy_options(policy, problems))
    if not problems:
        for mechanism in registry.all_mechanisms():
            problems.extend(mechanism.policy_problems(result))
    if problems:
        raise PolicyError(name, problems)
    return result
