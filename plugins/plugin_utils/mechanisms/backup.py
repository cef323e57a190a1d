# -*- coding: utf-8 -*-
# Copyright (c) dataprotection.evs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The backup mechanism: point-in-time copies in object storage, isolated from the disk, so
they survive the loss of its AZ (restored into any AZ of the region). Two services keep them,
behind one adapter (``BACKENDS``): CBR (vaults and policies) and VBS (its predecessor, policies
bound to disks). Applied by the backup_policy role (roles/protect/tasks/mechanisms/backup.yml)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.dataprotection.evs.plugins.module_utils.backup import (
    LONG_TERM_MAX, RESERVED_NAME_PREFIXES, RETENTION_LIMITS, VAULT_RESOURCES_MAX, VAULT_SIZE, canonical_schedule,
    retention_problem)
from ansible_collections.dataprotection.evs.plugins.module_utils.restore_record import BACKUP_RESTORE
from ansible_collections.dataprotection.evs.plugins.plugin_utils.copies import OBJECT_STORAGE, by_disk, point_in_time_copy
from ansible_collections.dataprotection.evs.plugins.plugin_utils.mechanisms import registry
from ansible_collections.dataprotection.evs.plugins.plugin_utils.retention import parse_time
from ansible_collections.dataprotection.evs.plugins.plugin_utils.selection import (
    CLOUD_NAME_MAX, SLOT_STAMP_LEN, PolicyError, covered_tiers, created_at, human_duration, resource_base, rpo_slot)


NAME = 'backup'
BACKUP_MIN_RPO = 3600          # CBR policy times are at least one hour apart
STANDBY_RTO = 3600             # an AZ-proof RTO below this needs standing DR disks and servers
CBR_LONG_TERM_MAX = LONG_TERM_MAX                                    # day/week/month/year_backups
VBS_COUNT_RANGE = RETENTION_LIMITS['vbs']['max_backups']              # VBS rentention_num
VBS_DAYS_MIN = RETENTION_LIMITS['vbs']['retention_duration_days'][0]  # VBS rentention_day


class Backend(object):
    """What differs between the services that keep backups. ``name`` is the ``backend`` value
    of the backup modules; ``uses_vault``: backups live in a vault per tier (``<policy>-<tier>``)."""

    name = None
    uses_vault = False

    def vault_size_problems(self, vault_size):
        return []

    def tier_vault(self, vaults, name):
        return None

    def disk_problems(self, tier, disk, vaults, name):
        """Why ``disk`` cannot be in the tier's backups (it is kept elsewhere)."""
        return []

    def vault_problems(self, tier, size, count):
        """Why the tier's vault cannot be made: ``size`` GB, holding its ``count`` disks."""
        return []

    def owned(self, backups, names, vaults, backup_policies):
        """The ids of the ``backups`` the tiers named ``names`` made, proven by where they live."""
        return set()


class Cbr(Backend):
    name = 'cbr'
    uses_vault = True

    def vault_size_problems(self, vault_size):
        if vault_size and not VAULT_SIZE[0] <= vault_size <= VAULT_SIZE[1]:
            return ['the vault size %s GB is outside what CBR accepts (%d to %d GB); set it in that range, or 0 for '
                    'twice the size of the covered disks' % (vault_size, VAULT_SIZE[0], VAULT_SIZE[1])]
        return []

    def tier_vault(self, vaults, name):
        return next((v for v in vaults if v.get('name') == name), None)

    def disk_problems(self, tier, disk, vaults, name):
        return ["tier '%s': disk '%s' is in vault '%s', which the policy did not make; a disk can be in one vault "
                "only: remove it there first (vault resources)" % (tier['name'], disk.get('name'), other.get('name'))
                for other in vaults if other.get('name') != name and disk['id'] in (other.get('resource_ids') or [])]

    def vault_problems(self, tier, size, count):
        problems = vault_resources_problems("tier '%s'" % tier['name'], count, 'disks')
        if size > VAULT_SIZE[1]:
            problems.append("tier '%s': its vault would need %d GB (twice the covered disks), more than the %d GB "
                            "CBR allows; set the vault size, or split the tier" % (tier['name'], size, VAULT_SIZE[1]))
        return problems

    def owned(self, backups, names, vaults, backup_policies):
        # a CBR backup in the tier's vault, which the backup_policy role makes and schedules
        vault_ids = set(v.get('id') for v in vaults or [] if v.get('name') in names)
        return set(b.get('id') for b in backups if (b.get('backend') or DEFAULT_BACKEND) == self.name
                   and b.get('vault_id') in vault_ids)


class Vbs(Backend):
    name = 'vbs'

    def owned(self, backups, names, vaults, backup_policies):
        # a backup a schedule made (its name has the prefix VBS keeps for policy runs, which no
        # one else can use) of a disk bound to the tier's VBS policy of that name
        bound = set(disk_id for p in backup_policies or [] if p.get('backend') == self.name
                    and p.get('name') in names for disk_id in p.get('disk_ids') or [])
        return set(b.get('id') for b in backups if b.get('backend') == self.name and b.get('disk_id') in bound
                   and (b.get('name') or '').startswith(RESERVED_NAME_PREFIXES[self.name]))


def vault_resources_problems(where, count, noun):
    """Why one CBR vault cannot hold a tier's ``count`` disks or servers (``noun``). Refused
    with the plan, before any change: the cloud refuses the vault (BackupService.6100) only after
    the role has made the tier's CBR policy."""
    if count <= VAULT_RESOURCES_MAX:
        return []
    return ["%s selects %d %s, more than the %d a CBR vault holds (a tier keeps its backups in one vault, "
            "<policy>-<tier>); split it into tiers of at most %d %s each (narrower selectors)"
            % (where, count, noun, VAULT_RESOURCES_MAX, VAULT_RESOURCES_MAX, noun)]


BACKENDS = dict((backend.name, backend) for backend in (Cbr(), Vbs()))
# a backup record without a backend is a CBR one (the backup modules' default)
DEFAULT_BACKEND = Cbr.name


class Backup(registry.Mechanism):
    name = NAME
    order = 20
    survives = ('disk', 'az')
    min_rpo = BACKUP_MIN_RPO
    keeps_copies = True
    preflight_tasks = 'mechanisms/backup_preflight.yml'
    tier_output = (('backup', None),)
    survival_hint = 'backup (copies in object storage, restorable in any AZ)'
    copies_live = "which live in the object storage of the disk's region"
    copy_noun = 'available backup'
    outage_help = 'its backups can be restored into another AZ (dataprotection.evs.restore)'
    column = 'backups'
    colour = '#3a9d5d'
    inventory_records = 'backups'
    restore_copies = 'backups'
    restore_actions = {'new': 'create_from_backup', 'original': 'backup_restore'}
    restore_record = BACKUP_RESTORE
    restore_onto_words = 'backup restore'
    new_disk_option = NAME
    zone_lost_help = ('a backup (CBR/VBS, kept in object storage apart from the zone) would have allowed a restore '
                      'into another zone')

    def derive(self, tier, failure, rpo, rto):
        if failure == 'az' and rpo >= BACKUP_MIN_RPO and (rto is None or rto >= STANDBY_RTO):
            return ('copies in object storage, isolated from the disk, survive the loss of its AZ (restored into '
                    'any AZ of the region)')
        return None

    def chosen_problems(self, where, tier, chosen, failure, rpo):
        faster = [m for m in chosen if m != self.name and registry.get(m).min_rpo < BACKUP_MIN_RPO]
        if self.name in chosen and 0 < rpo < BACKUP_MIN_RPO and not faster:
            return ['%s: RPO %s cannot be met with backups, which run at most once an hour; set rpo: 1h or more, or '
                    'add snapshot or replication' % (where, human_duration(rpo))]
        return []

    def check_tier(self, where, tier, checked, resource_name, problems):
        if resource_name and len(resource_name) + SLOT_STAMP_LEN > CLOUD_NAME_MAX:
            problems.append('%s: the backup names <policy>-<tier>-<slot> (%s...) would be longer than the %d '
                            'characters CBR and VBS allow; shorten the policy or tier name'
                            % (where, resource_name, CLOUD_NAME_MAX))
        if checked['rpo'] is None or checked['retention'] is None:
            return {'backup': None}
        return {'backup': backup_settings(checked['rpo'], checked['retention'])}

    def audit_index(self, sources, policy):
        return by_disk(sources['backups'], 'disk_id'), policy_backups(
            policy, sources['backups'], sources['vaults'], sources['backup_policies'])

    def audit_copies(self, index, disk, now, policy, zones):
        backups, owned = index
        # a record of another backend (an extra mechanism's) is that mechanism's copy
        return [point_in_time_copy(now, NAME, '%s (%s)' % (OBJECT_STORAGE, backend.upper()), backup,
                                   owned=backup.get('id') in owned)
                for backup, backend in ((b, b.get('backend') or DEFAULT_BACKEND) for b in backups.get(disk['id'], ()))
                if backend in BACKENDS and backup.get('status') == 'available' and backup.get('created_at')]

    def inventory_protection(self, indexes, disk_id):
        # a record of another backend (an extra mechanism's) is that mechanism's copy
        backups = [b for b in indexes['backups'].get(disk_id) or ()
                   if (b.get('backend') or DEFAULT_BACKEND) in BACKENDS]
        latest = max(b.get('created_at') or '' for b in backups) if backups else None
        return {'backups': len(backups), 'latest_backup_at': latest}, bool(backups)


MECHANISMS = [Backup()]


def policy_backups(policy, backups, vaults=None, backup_policies=None):
    """The ids of the backups that the policy's own backup tiers made, proven by where they live
    (``Backend.owned``). A backup's own name proves nothing: anyone can name one
    ``<policy>-<tier>-...`` by hand. ``vaults`` as vault_info returns them (the names of CBR
    backups' ``vault_id``), ``backup_policies`` as backup_policy_info returns them (``disk_ids``
    of VBS policies; none when the cloud's binding count and the disks' marks disagree: then no
    VBS backup is proven)."""
    names = set(resource_base(policy['name'], t['name']) for t in policy['tiers'] if NAME in t['mechanisms'])
    owned = set()
    for backend in BACKENDS.values():
        owned |= backend.owned(backups or [], names, vaults, backup_policies)
    return frozenset(owned)


# generational periods -> (CBR long-term key, the days one period spans at most)
LONG_TERM = (('daily', 'day_backups', 1), ('weekly', 'week_backups', 7), ('monthly', 'month_backups', 31),
             ('yearly', 'year_backups', 366))


def backup_every(rpo, retention):
    """Seconds between a tier's scheduled backups: its RPO, but at least an hour (CBR policy
    times are at least 1 h apart); for an RPO of 0 (replication keeps it) hourly when the
    retention keeps hourly copies, else daily."""
    every = rpo or (3600 if retention.get('hourly') else 86400)
    return max(every, BACKUP_MIN_RPO)


def backup_schedule(every):
    """RRULE patterns (UTC) whose consecutive backups are at most ``every`` seconds apart:
    under a day, every N whole hours from 00:00 (the last gap of the day may be shorter); from a
    day, every N days at 00:00, or every N weeks on Monday when N days are whole weeks."""
    if every < 86400:
        hours = ','.join(str(h) for h in range(0, 24, every // 3600))
        return ['FREQ=DAILY;BYHOUR=%s;BYMINUTE=0' % hours]
    days = every // 86400
    if days % 7 == 0:
        weeks = days // 7
        return ['FREQ=WEEKLY;%sBYDAY=MO;BYHOUR=0;BYMINUTE=0' % ('INTERVAL=%d;' % weeks if weeks > 1 else '')]
    return ['FREQ=DAILY;%sBYHOUR=0;BYMINUTE=0' % ('INTERVAL=%d;' % days if days > 1 else '')]


def _days(seconds):
    return -(-seconds // 86400)


def backup_settings(rpo, retention):
    """How a tier's backups are scheduled and kept, for each backend, as close to the tier's
    generational retention as the service allows; ``notes`` say (per backend) what is kept
    differently, always more rather than less.

    With one backup per ``every`` (at least an hour), ``last`` N and ``hourly`` N keep the same
    N newest backups, so both become a count. CBR keeps either by count (``max_backups``) or by
    age (``retention_duration_days``), plus the newest backup of each of the latest N days,
    weeks, months and years (at most 100 each, in UTC). VBS keeps by count (2..99) or by age
    only, with no long-term periods."""
    every = backup_every(rpo, retention)
    count = max(retention['last'], retention['hourly'])
    count_days = _days(count * every) if count else 0
    within_days = _days(retention['within']) if retention['within'] else 0
    cbr, cbr_notes = {'long_term_retention': {'timezone': 'UTC+00:00'}}, []
    ages = [within_days] if within_days else []
    if retention['within'] % 86400:
        cbr_notes.append('within %s is kept as %d days (CBR counts whole days)'
                         % (human_duration(retention['within']), within_days))
    for key, cbr_key, span in LONG_TERM:
        wanted = retention[key]
        if wanted > CBR_LONG_TERM_MAX:
            ages.append(wanted * span)
            cbr_notes.append('%s %d is more than the %d CBR keeps per period: every backup of the last %d days '
                             'is kept instead' % (key, wanted, CBR_LONG_TERM_MAX, wanted * span))
        cbr['long_term_retention'][cbr_key] = min(wanted, CBR_LONG_TERM_MAX)
    if ages:
        if count:
            ages.append(count_days)
            cbr_notes.append('the newest %d backups are kept by age (%d days): CBR keeps by count or by age, not '
                             'both' % (count, count_days))
        cbr.update(max_backups=-1, retention_duration_days=max(ages))
    else:
        # long-term periods only: the newest backup (which every period keeps anyway) by count
        cbr.update(max_backups=count or 1, retention_duration_days=-1)
    vbs, vbs_notes = {}, []
    spans = [wanted * span for key, _cbr_key, span in LONG_TERM for wanted in [retention[key]] if wanted]
    if spans or within_days:
        days = max(spans + [within_days, count_days, VBS_DAYS_MIN])
        vbs['retention_duration_days'] = days
        if spans:
            vbs_notes.append('VBS has no daily/weekly/monthly/yearly retention: every backup of the last %d days is '
                             'kept' % days)
    elif count > VBS_COUNT_RANGE[1]:
        vbs['retention_duration_days'] = count_days
        vbs_notes.append('%d backups are more than the %d VBS keeps by count: every backup of the last %d days is '
                         'kept' % (count, VBS_COUNT_RANGE[1], count_days))
    else:
        vbs['max_backups'] = max(count, VBS_COUNT_RANGE[0])
        if count < VBS_COUNT_RANGE[0]:
            vbs_notes.append('VBS keeps at least %d backups' % VBS_COUNT_RANGE[0])
    return {'every': every, 'every_text': human_duration(every), 'schedule': backup_schedule(every),
            'cbr': cbr, 'vbs': vbs, 'notes': {'cbr': cbr_notes, 'vbs': vbs_notes}}


BACKUPABLE = ('available', 'in-use')
# A backup in one of these is still being taken (VBS creating; CBR queued, then protecting). A wait
# that timed out or a cancelled job leaves it running: the next run waits for it instead of
# starting a second backup of the disk.
BACKUP_STARTED = ('creating', 'protecting', 'waiting_protect')


def _limit(value):
    """A retention limit as the policies compare it: unset, 0 and -1 all mean 'not limited'."""
    return -1 if value in (None, '', 0, -1) else int(value)


def cbr_policy_in_place(current, settings):
    """Whether the CBR policy ``current`` (backup_policy_info) is what the backup_policy module
    makes of a tier's ``settings`` (enabled, its schedule and retention): the module would
    change nothing. Every long-term field it is given must match; the others it leaves."""
    if current is None or not current.get('enabled', True) or not current.get('schedule'):
        return False
    wanted = settings['cbr']
    long_term = current.get('long_term_retention') or {}
    return (canonical_schedule(current['schedule']) == canonical_schedule(settings['schedule'])
            and all(_limit(current.get(k)) == _limit(wanted.get(k)) for k in ('max_backups', 'retention_duration_days'))
            and all(long_term.get(k) == v for k, v in (wanted.get('long_term_retention') or {}).items() if v is not None))


def cbr_vault_in_place(vault, name, size, disk_ids, object_type='disk'):
    """Whether the vault (vault_info) is what the backup_policy role asks the vault module for: a
    disk (``object_type``) vault of ``size`` GB that grows by itself, holding exactly ``disk_ids``
    (server ids in a server vault), with the tier's policy ``name``."""
    return bool(vault) and vault.get('object_type') == object_type and vault.get('size') == size and \
        vault.get('auto_expand') is True and sorted(vault.get('resource_ids') or []) == disk_ids and \
        vault.get('policy_name') == name


def backup_due(own, backup_name, moment, settings):
    """Whether one disk's (or server's) next backup ``backup_name`` is due on the cloud's clock
    ``moment``, from its backups ``own``: (None, None) when its newest available backup is within
    the tier's interval or this slot's backup exists, ('waiting', {name, id, reason}) when one is
    still being taken (waited for, never started twice), else ('due', why)."""
    running = [b for b in own if b.get('status') in BACKUP_STARTED]
    if not running and any(b.get('name') == backup_name for b in own):
        return None, None
    times = [t for t in (created_at(b) for b in own if b.get('status') == 'available') if t is not None]
    newest = max(times) if times else None
    age = int((moment - newest).total_seconds()) if newest else None
    if age is not None and age <= settings['every']:
        return None, None
    if running:
        started = created_at(running[0])
        return 'waiting', {'name': running[0].get('name'), 'id': running[0].get('id'), 'reason': 'backup %s%s is still %s' % (
            running[0].get('name'), ' (started %s ago)' % human_duration(int((moment - started).total_seconds()))
            if started else '', running[0].get('status'))}
    return 'due', ('no backup yet' if newest is None else 'newest backup is %s old, more than %s'
                   % (human_duration(age), settings['every_text']))


def backup_plan(disks, policy, now, vaults=None, policies=None, backups=None, backend=DEFAULT_BACKEND, tiers=None,
                vault_size=0, on_demand=True, pairs=None):
    """For every tier of a checked policy that uses backups (only ``tiers`` when given): the name
    of its vault and backup policy (``<policy>-<tier>``), the covered disks, the vault size, whether
    the vault and policy exist, and the on-demand backups due now: a covered disk whose newest
    available backup (of ``backend``) is older than the tier's backup interval on the cloud's clock
    ``now``, or that has none, gets ``<policy>-<tier>-<slot>``; ``apply`` is false for a tier that
    covers no disk and has no vault or policy yet (nothing to make). Raises PolicyError, before any
    change, when a disk is covered by two backup tiers (a disk is in one vault, or one VBS policy)
    or, for CBR, is in a vault the policy did not make or a tier covers more disks than a vault
    holds (256), or when a tier's retention or vault size is outside what the service accepts."""
    problems = []
    adapter = BACKENDS[backend]
    problems.extend(adapter.vault_size_problems(vault_size))
    moment = parse_time(now, 'now (the cloud time)')
    vaults, policies, backups = vaults or [], policies or [], backups or []
    plans, owner = [], {}
    # read once: looking each covered disk's backups up in all of them grows with disks x backups
    backups_of = by_disk((b for b in backups if (b.get('backend') or DEFAULT_BACKEND) == backend), 'disk_id')
    for tier, covered, name in covered_tiers(policy, NAME, tiers, disks, problems, pairs):
        settings = tier['backup']
        problems.extend("tier '%s': its retention needs a %s policy with %s; keep fewer copies or for less time"
                        % (tier['name'], backend.upper(), problem) for problem in
                        (retention_problem(backend, option, settings[backend].get(option))
                         for option in sorted(RETENTION_LIMITS[backend])) if problem)
        vault = adapter.tier_vault(vaults, name)
        for disk in covered:
            if disk['id'] in owner:
                problems.append("disk '%s' is covered by backup tiers '%s' and '%s'; a disk can be in one vault (or "
                                "one VBS policy) only: select it in one of them" % (disk.get('name'), owner[disk['id']],
                                                                                    tier['name']))
            owner[disk['id']] = tier['name']
            problems.extend(adapter.disk_problems(tier, disk, vaults, name))
        size = vault_size or max(VAULT_SIZE[0], 2 * sum(int(d.get('size') or 0) for d in covered),
                                 int((vault or {}).get('size') or 0))
        problems.extend(adapter.vault_problems(tier, size, len(covered)))
        slot = rpo_slot(now, settings['every'])
        due, waiting, skipped = [], [], []
        for disk in covered if on_demand else []:
            backup_name = '%s-%s' % (name, slot['stamp'])
            state, detail = backup_due(backups_of.get(disk['id'], ()), backup_name, moment, settings)
            if state == 'waiting':
                waiting.append(dict(detail, disk_id=disk['id'], disk_name=disk.get('name'), tier=tier['name']))
                continue
            if state is None:
                continue
            if disk.get('status') not in BACKUPABLE:
                skipped.append("disk '%s' is %s; only available or in-use disks can be backed up"
                               % (disk.get('name'), disk.get('status')))
                continue
            due.append({'disk_id': disk['id'], 'disk_name': disk.get('name'), 'name': backup_name,
                        'tier': tier['name'], 'vault': name if adapter.uses_vault else None,
                        'vault_exists': vault is not None, 'reason': detail})
        own_policies = [p for p in policies if p.get('name') == name and p.get('backend', backend) == backend]
        policy_exists = bool(own_policies)
        disk_ids = sorted(d['id'] for d in covered)
        one_policy = backend == 'cbr' and len(own_policies) == 1
        plans.append({
            'tier': tier['name'], 'name': name, 'rpo_text': tier['rpo_text'], 'backup': settings,
            'notes': settings['notes'][backend], 'disks': [{'id': d['id'], 'name': d.get('name')} for d in covered],
            'disk_ids': disk_ids, 'vault_size': size,
            'vault_exists': vault is not None, 'policy_exists': policy_exists,
            # CBR: as the role's modules would make them (they would only look them up again)
            'policy_in_place': one_policy and cbr_policy_in_place(own_policies[0], settings),
            'vault_in_place': one_policy and cbr_vault_in_place(vault, name, size, disk_ids),
            # a tier that covers no disk gets no (billed, empty) vault; one that had disks is emptied
            'apply': bool(covered) or vault is not None or policy_exists,
            'due': due, 'waiting': waiting, 'skipped': skipped,
        })
    if problems:
        raise PolicyError(policy.get('name'), problems)
    return plans
