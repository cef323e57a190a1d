# -*- coding: utf-8 -*-
# Copyright (c) dataprotection.evs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The DR mechanisms a policy tier can use, declared once each.

A mechanism is one module in this package that declares a ``Mechanism`` (its name, the failures
its copies survive, the tier options it owns and how they are checked, why a tier needs it, how
its tiers are planned against the cloud, which copies are its own) and one task file of the
protect role, ``roles/protect/tasks/mechanisms/<name>.yml``, that applies it (and optionally
``<name>_preflight.yml``, reads only, that refuses what the cloud cannot give before any
mechanism changes anything). Nothing else names a mechanism: the policy filters and the protect
role ask this registry. See docs/docsite/rst/guide_mechanisms.rst.

The built-in mechanisms are the modules of this package: snapshot, backup and replication, in
that order (their ``order``: the order the protect role applies them in, and tiers list them in). ``DP_EVS_EXTRA_MECHANISMS``, a list of
Python files separated by ``os.pathsep``, registers more after them; it is a test and extension
hook: it can only add mechanisms, never replace a built-in one.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import importlib
import importlib.util
import os
import re

FAILURES = ('disk', 'az', 'region')
EXTRA_ENV = 'DP_EVS_EXTRA_MECHANISMS'
# a name goes into task file names, tier output and messages: plain lower-case words only
NAME_RE = re.compile(r'^[a-z][a-z0-9_]{0,29}$')


class MechanismError(ValueError):
    """A mechanism declaration (or a name asked for) that the registry cannot accept."""


class Mechanism(object):
    """What the rest of the collection knows about one mechanism. A subclass sets the class
    attributes and overrides the hooks it needs; the defaults make a mechanism that a tier uses
    only when it names it in ``mechanisms`` and that owns no tier option.

    ``order``: where it applies among the built-in mechanisms (lowest first; an extra mechanism
    comes after them all, in the order DP_EVS_EXTRA_MECHANISMS lists it).
    ``survives``: the failures ('disk', 'az', 'region') a copy it makes survives.
    ``survival_hint``/``copies_live``: how a refusal suggests it for a failure it survives / says
    why it alone does not survive one.
    ``min_rpo``: the shortest RPO (seconds) it keeps alone; 0 for continuous copies.
    ``tier_keys``: the tier options it owns (checked by ``check_tier``).
    ``requires``: the mechanisms it builds on: a tier that derives it uses them too, one that
    names it must name them.
    ``tier_output``: the keys it adds to each checked tier, with their value for a tier that
    does not use it (so every checked tier has the same keys).
    ``keeps_copies``: it keeps point-in-time copies, so its tiers need a ``retention``.
    ``writes_dr_replicas``: it writes DR disks that carry their production disk's name in the
    tier's secondary_az (selection then prefers the disk outside it).
    ``selects``: what the tiers it serves select, ``disks`` (the tier's ``disks``) or ``servers``
    (``servers``: each server with all its disks); a tier is served only by mechanisms of its kind.
    ``app_consistent``: its copies can be taken with the servers quiesced (the tier's
    ``app_consistency``, plugin_utils/app_consistency.py).
    ``tasks``/``preflight_tasks``: the protect role's task files that apply it / check it from
    reads only; relative to roles/protect/tasks (an extra mechanism may give an absolute path).

    For the audit (plugin_utils/audit.py): ``audit_index`` and ``audit_copies`` find a disk's
    copies (plugin_utils/copies.py); ``copy_noun`` names one in a verdict ("the disk has no
    available snapshot"); ``continuous``: its copies are replicas kept up to date, not points in
    time; ``outage_help``: what its usable copies still offer while the disk's AZ is down;
    ``column``/``colour``: its column and its marks on the audit's HTML page.

    For the disks inventory (plugins/inventory/disks.py): ``inventory_records``, the kind of
    records that show its copies (``snapshots``, ``backups`` or ``pairs``; None: the inventory
    cannot see them and refuses it as a protection source), and ``inventory_protection``.

    For the restore of one disk (plugin_utils/restore.py; the restore and drill roles):
    ``restore_copies``, the kind of copies a disk is restored from (the ``dr_restore_plan``
    filter's keyword that takes them: ``snapshots``, ``backups``); None: its copies do not bring
    one disk back. ``restore_actions``: the action that restores from one of them, by restore
    target (``new``, ``original``); ``restore_record``: the record (module_utils.restore_record)
    an in-place restore leaves on the disk, ``restore_onto_words`` what the plan calls it;
    ``new_disk_option``: the disk module's option that makes a new disk from one of its copies;
    ``restores_in_own_zone_only``: its copies become disks only in the disk's own AZ (and cannot
    be used while it is down); ``restore_preferred_why``: why it is preferred over a copy of the
    same point in time (the first in registry order that says why wins); ``own_copies``: a disk's
    copies among those given. ``zone_lost_help``: what it would have offered for a disk whose
    zone is down and cannot be restored. ``restore_refusal``: why a restore of one disk from it
    is refused (``%s``: the disk's name), for a mechanism whose copies are not restored per disk.
    ``replica_restore_source``: for a mechanism whose copies live in another region, the restore
    source (a mechanism whose ``restore_copies`` they are) that restores them there; its copies are
    then drilled by the drill role's region drill. ``drills_protection_group``: its copies are
    drilled by a DR drill of the tier's protection group (``<policy>-<tier>``), not per disk.
    """

    name = None
    order = 1000
    survives = ()
    min_rpo = None
    tier_keys = ()
    requires = ()
    tier_output = ()
    keeps_copies = False
    writes_dr_replicas = False
    selects = 'disks'
    app_consistent = False
    policy_keys = ()
    survival_hint = None
    copies_live = 'whose copies do not survive it'
    preflight_tasks = None
    tasks = None
    copy_noun = None
    continuous = False
    outage_help = None
    column = None
    colour = '#59636e'
    inventory_records = None
    restore_copies = None
    restore_actions = None
    restore_record = None
    restore_onto_words = None
    new_disk_option = None
    restores_in_own_zone_only = False
    restore_preferred_why = None
    zone_lost_help = None
    restore_refusal = None
    replica_restore_source = None
    drills_protection_group = False

    def task_file(self):
        return self.tasks or 'mechanisms/%s.yml' % self.name

    def derive(self, tier, failure, rpo, rto):
        """Why a tier that does not name its mechanisms needs this one, or None."""
        return None

    def chosen_problems(self, where, tier, chosen, failure, rpo):
        """Why the mechanisms a tier names (``chosen``; this one among them or not) cannot meet
        its ``failure`` and ``rpo`` (seconds), as far as this mechanism can tell."""
        return []

    def check_tier(self, where, tier, checked, resource_name, problems):
        """The values of ``tier_output`` for a tier that uses this mechanism (``tier`` as given,
        ``checked`` the common keys as check_policy normalized them: name, rpo, rto, retention,
        mechanism_reasons, ...; ``resource_name`` is ``<policy>-<tier>``, None when either name
        is refused); add a sentence to ``problems`` for each option it cannot honour."""
        return dict(self.tier_output)

    def policy_options(self, policy, problems):
        """The checked values of ``policy_keys`` (the policy-wide options it owns)."""
        return {}

    def policy_problems(self, checked_policy):
        """Why a policy whose tiers are each fine cannot be kept as a whole (a cloud limit the
        tiers share); asked only when nothing else was refused."""
        return []

    def unused_option_problems(self, where, tier, mechanisms):
        """Problems with this mechanism's options on a tier that does not use it."""
        return []

    def covered_problems(self, where, tier, disks, policy):
        """Problems with the disks a tier that uses it covers (``disks``: the selected ones)."""
        return []

    def audit_index(self, sources, policy):
        """What ``audit_copies`` needs, prepared once per audit from ``sources`` (the records
        the audit was given: snapshots, backups, pairs, groups, vaults, backup_policies)."""
        return None

    def audit_copies(self, index, disk, now, policy, zones):
        """The disk's copies made by this mechanism (``now``: the cloud's time, ``zones``: {AZ:
        up}); an extra mechanism the audit cannot see copies of has none."""
        return []

    def inventory_protection(self, indexes, disk_id):
        """(the keys it adds to the disk's ``evs_protection``, whether they show the disk protected);
        ``indexes``: {kind of records: {disk id: its usable records}} (pairs: {disk id: (pair, role)})."""
        return {}, False

    def own_copies(self, disk, copies):
        """The copies of ``disk`` among ``copies`` (those that record it as their ``disk_id``)."""
        return [c for c in copies if c.get('disk_id') == disk['id']]

    def missing_copy(self):
        return self.copy_noun or 'copy made by %s' % self.name

    def describe(self):
        return {'name': self.name, 'survives': list(self.survives), 'min_rpo': self.min_rpo,
                'tasks': self.task_file(), 'preflight_tasks': self.preflight_tasks}


_REGISTRY = []


def _declared(module):
    found = getattr(module, 'MECHANISMS', None)
    if not isinstance(found, (list, tuple)) or not all(isinstance(m, Mechanism) for m in found):
        raise MechanismError('%s must declare MECHANISMS, a list of Mechanism instances' % module.__name__)
    return list(found)


def _load_file(path):
    module_name = 'dp_evs_extra_mechanism_%s' % re.sub(r'\W', '_', os.path.basename(path).rsplit('.', 1)[0])
    spec = importlib.util.spec_from_file_location(module_name, path) if os.path.isfile(path) else None
    if spec is None:
        raise MechanismError('%s names %s, which is not a Python file' % (EXTRA_ENV, path))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _validate(mechanism, taken):
    if not isinstance(mechanism.name, str) or not NAME_RE.match(mechanism.name):
        raise MechanismError('mechanism name %r must be a lower-case word (letters, digits, _)' % (mechanism.name,))
    if mechanism.name in taken:
        raise MechanismError('mechanism %s is registered twice; an extra mechanism cannot replace one'
                             % mechanism.name)
    if not set(mechanism.survives) <= set(FAILURES):
        raise MechanismError('mechanism %s: survives must be among %s' % (mechanism.name, ', '.join(FAILURES)))
    unknown = [name for name in mechanism.requires if name not in taken]
    if unknown:
        raise MechanismError('mechanism %s requires %s, which is not registered before it'
                             % (mechanism.name, ', '.join(unknown)))
    if not isinstance(mechanism.min_rpo, int) or mechanism.min_rpo < 0:
        raise MechanismError('mechanism %s: min_rpo must be a number of seconds' % mechanism.name)
    for task_file in (mechanism.task_file(), mechanism.preflight_tasks):
        if task_file is not None and not (isinstance(task_file, str) and task_file.endswith('.yml')):
            raise MechanismError('mechanism %s: its task files must be .yml files, not %r' % (mechanism.name, task_file))


def builtin_modules():
    """The modules of this package other than the registry: one per built-in mechanism."""
    folder = os.path.dirname(os.path.abspath(__file__))
    return sorted(name[:-3] for name in os.listdir(folder)
                  if name.endswith('.py') and name not in ('registry.py', '__init__.py'))


def _load():
    if _REGISTRY:
        return _REGISTRY
    found = []
    package = __name__.rsplit('.', 1)[0]
    for module_name in builtin_modules():
        found.extend(_declared(importlib.import_module('%s.%s' % (package, module_name))))
    found.sort(key=lambda mechanism: mechanism.order)
    for path in (os.environ.get(EXTRA_ENV) or '').split(os.pathsep):
        if path:
            found.extend(_declared(_load_file(path)))
    taken = set()
    for mechanism in found:
        _validate(mechanism, taken)
        taken.add(mechanism.name)
    _REGISTRY.extend(found)
    return _REGISTRY


def reload():
    """Forget what was loaded (tests that change DP_EVS_EXTRA_MECHANISMS call it)."""
    del _REGISTRY[:]


def all_mechanisms():
    """Every registered mechanism, built-in ones first, in the order they are applied."""
    return list(_load())


def names():
    return tuple(m.name for m in _load())


def get(name):
    """The mechanism called ``name``; MechanismError for a name the registry does not have (a
    name from anywhere else, a cloud's answer included, is never used as a task file name)."""
    for mechanism in _load():
        if mechanism.name == name:
            return mechanism
    raise MechanismError('unknown mechanism %r; the mechanisms are %s' % (name, ', '.join(names())))


def restoring():
    """The mechanisms whose copies restore one disk (``restore_copies``), in registry order."""
    return [m for m in _load() if m.restore_copies]


def ordered(mechanism_names):
    """``mechanism_names`` in registry order (unknown names raise MechanismError)."""
    wanted = set(get(name).name for name in mechanism_names)
    return [m.name for m in _load() if m.name in wanted]


def tier_keys():
    """The tier options the registered mechanisms own, in registry order."""
    return _owned_keys('tier_keys')


def policy_keys():
    """The policy-wide options the registered mechanisms own, in registry order."""
    return _owned_keys('policy_keys')


def _owned_keys(attribute):
    keys = []
    for mechanism in _load():
        keys.extend(k for k in getattr(mechanism, attribute) if k not in keys)
    return tuple(keys)
