#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) dataprotection.evs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: backup_policy
short_description: Manage scheduled disk backup policies (CBR or VBS)
version_added: 1.0.0
description:
  - Makes sure a backup policy with a given name exists with the given schedule, retention and
    state, or that it does not exist. One interface for both services that back up disks.
  - With O(backend=cbr) (the default) it is a CBR backup policy (C(operation_type) C(backup)). A CBR
    policy backs up the disks of the vaults it is associated with; associate it with a vault
    through M(dataprotection.evs.vault) O(dataprotection.evs.vault#module:policy).
  - With O(backend=vbs) it is a VBS (Volume Backup Service) backup policy, which backs up the
    disks bound to it directly (O(disks)). VBS policies have no module of their own; this one
    covers them, with the same O(schedule) and retention options.
  - Only what is set is compared and changed; an option left out is never a change. Policy
    backups are named C(autobk_...) by the cloud.
author:
  - dataprotection.evs maintainers (@dataprotection-evs)
options:
  name:
    description:
      - Name of the policy (1 to 64 letters, digits, C(_) or C(-)); VBS reserves names starting
        with C(default).
    type: str
    required: true
  state:
    description: Whether the policy should exist.
    type: str
    choices: [present, absent]
    default: present
  backend:
    description: The service that runs the policy.
    type: str
    choices: [cbr, vbs]
    default: cbr
  enabled:
    description: Whether the policy runs. A new policy is enabled unless this is V(false).
    type: bool
  schedule:
    description:
      - When backups are taken, as RRULE patterns as the CBR API takes them, in UTC, for example
        V(FREQ=DAILY;BYHOUR=2;BYMINUTE=0) or V(FREQ=WEEKLY;BYDAY=MO,TH;BYHOUR=22;BYMINUTE=30).
        C(FREQ) is C(DAILY) or C(WEEKLY); C(BYDAY), C(BYHOUR), C(BYMINUTE) (comma lists) and
        C(INTERVAL) (every N days or weeks) are optional; 1 to 24 patterns, times at least one
        hour apart. Required to create a policy.
      - Patterns are compared by meaning (C(BYMINUTE=00) is C(BYMINUTE=0), day order does not matter).
      - For VBS every pattern must run on the same days (C(DAILY) with C(INTERVAL) 1 to 30, or
        C(WEEKLY) with C(BYDAY)) at full hours (C(BYMINUTE=0)); it becomes the VBS C(start_time)
        and C(frequency) or C(week_frequency).
    type: list
    elements: str
  max_backups:
    description:
      - Keep the newest N scheduled backups of each disk. CBR 1 to 99999 (V(-1) = not limited by
        number); VBS 2 to 99 (C(rentention_num)).
      - Setting only one of O(max_backups) and O(retention_duration_days) makes the policy keep
        by that one (the other becomes not limited).
      - A VBS policy needs one of the two; without either a CBR policy keeps backups forever.
    type: int
  retention_duration_days:
    description:
      - Keep scheduled backups for N days. CBR 1 to 99999 (V(-1) = not limited by age); VBS 2 to
        99999 (C(rentention_day)).
    type: int
  long_term_retention:
    description:
      - CBR only. Also keep the newest backup of each of the latest N days, weeks, months and
        years (each 0 to 100), counted in O(long_term_retention.timezone).
      - Counts left out keep their current value.
    type: dict
    suboptions:
      day_backups:
        description: Days whose newest backup is kept.
        type: int
      week_backups:
        description: Weeks whose newest backup is kept.
        type: int
      month_backups:
        description: Months whose newest backup is kept.
        type: int
      year_backups:
        description: Years whose newest backup is kept.
        type: int
      timezone:
        description: Time zone of the periods, like V(UTC+01:00). Default V(UTC+00:00) when a count is set.
        type: str
  keep_first_backup_of_month:
    description: VBS only. Keep the first backup of each month beyond the retention.
    type: bool
  disks:
    description:
      - VBS only. Disks (names or ids) bound to the policy. A disk can be bound to one VBS policy
        only. Disks bound and not listed stay, unless O(purge_disks=true).
    type: list
    elements: str
  purge_disks:
    description: VBS only. Unbind the disks O(disks) does not list.
    type: bool
    default: false
extends_documentation_fragment:
  - dataprotection.evs.connection
  - dataprotection.evs.attributes
  - dataprotection.evs.concurrency.no_creation_time
notes:
  - O(wait) and O(wait_timeout) have no effect; policy changes are immediate.
  - The VBS API lists how many disks a policy has, not which. The module marks the disks it binds
    in their metadata (key C(vbs_backup_policy_id)) and trusts these marks while their number
    matches the policy's disk count; otherwise it binds the listed disks again (the cloud accepts
    that) and O(purge_disks) can only unbind marked disks.
'''

EXAMPLES = r'''
- name: Nightly CBR backups at 02:00 UTC, the last 7 kept, plus 4 weekly and 12 monthly ones
  dataprotection.evs.backup_policy:
    cloud: otc
    name: nightly
    schedule: ["FREQ=DAILY;BYHOUR=2;BYMINUTE=0"]
    max_backups: 7
    long_term_retention:
      week_backups: 4
      month_backups: 12
      timezone: "UTC+01:00"

- name: Associate it with a vault
  dataprotection.evs.vault:
    cloud: otc
    name: db-backups
    size: 100
    resources: [db01]
    policy: nightly

- name: A VBS policy on weekdays at 01:00 and 13:00 UTC, kept 30 days, for two disks
  dataprotection.evs.backup_policy:
    cloud: otc
    backend: vbs
    name: weekdays
    schedule: ["FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR;BYHOUR=1,13;BYMINUTE=0"]
    retention_duration_days: 30
    disks: [db01, db02]

- name: Pause the CBR policy
  dataprotection.evs.backup_policy:
    cloud: otc
    name: nightly
    enabled: false
'''

RETURN = r'''
policy:
  description: The policy in one shape for both services (C(null) after a delete).
  returned: always
  type: dict
  contains:
    id:
      description: Policy id (C(null) in a check-mode prediction of a create).
      type: str
    name:
      description: Policy name.
      type: str
    backend:
      description: C(cbr) or C(vbs).
      type: str
    enabled:
      description: Whether the policy runs.
      type: bool
    schedule:
      description: The RRULE patterns (as the cloud stores them; for VBS derived from its schedule).
      type: list
      elements: str
      sample: ["FREQ=DAILY;BYHOUR=2;BYMINUTE=0"]
    max_backups:
      description: Backups kept per disk by number (C(-1) = not limited).
      type: int
    retention_duration_days:
      description: Days backups are kept (C(-1) = not limited).
      type: int
    long_term_retention:
      description: CBR long-term retention (C(day_backups), C(week_backups), C(month_backups), C(year_backups), C(timezone)); C(null) for VBS.
      type: dict
    keep_first_backup_of_month:
      description: VBS only (C(null) for CBR).
      type: bool
    vault_ids:
      description: CBR vaults the policy is associated with (C(null) for VBS).
      type: list
      elements: str
    disk_ids:
      description: VBS disks bound to the policy, sorted (C(null) for CBR, or when unknown; see the notes).
      type: list
      elements: str
    disk_count:
      description: Number of disks bound to a VBS policy as the cloud counts them (C(null) for CBR).
      type: int
error:
  description: The cloud's error when a request failed (C(status), C(code), C(message), C(request_id)).
  returned: failed
  type: dict
'''

from ansible_collections.dataprotection.evs.plugins.module_utils.backup import (
    LONG_TERM_KEYS, LONG_TERM_MAX, POLICY_FIELDS, TIMEZONE_RE, VBS_POLICY_MARK, CBRPolicies, VBSPolicies,
    canonical_schedule, cbr_policy_view, check_name, check_schedule, retention_problem, schedule_to_vbs,
    vbs_policy_view)
from ansible_collections.dataprotection.evs.plugins.module_utils.errors import ResourceError
from ansible_collections.dataprotection.evs.plugins.module_utils.module import ResourceModule

CBR_ONLY = ('long_term_retention',)
VBS_ONLY = ('keep_first_backup_of_month', 'disks')
RETENTION = ('max_backups', 'retention_duration_days')


class BackupPolicyModule(ResourceModule):
    argument_spec = dict(
        name=dict(type='str', required=True),
        state=dict(type='str', choices=['present', 'absent'], default='present'),
        backend=dict(type='str', choices=['cbr', 'vbs'], default='cbr'),
        enabled=dict(type='bool'),
        schedule=dict(type='list', elements='str'),
        max_backups=dict(type='int'),
        retention_duration_days=dict(type='int'),
        long_term_retention=dict(type='dict', options=dict(
            day_backups=dict(type='int'), week_backups=dict(type='int'), month_backups=dict(type='int'),
            year_backups=dict(type='int'), timezone=dict(type='str'))),
        keep_first_backup_of_month=dict(type='bool'),
        disks=dict(type='list', elements='str'),
        purge_disks=dict(type='bool', default=False),
    )
    kind = 'backup policy'
    result_key = 'policy'
    result_fields = POLICY_FIELDS
    updatable = ('enabled', 'schedule', 'max_backups', 'retention_duration_days', 'long_term_retention',
                 'keep_first_backup_of_month', 'disk_ids')
    server_defaults = {'enabled': True, 'max_backups': -1, 'retention_duration_days': -1}
    transitional = ()

    # ------------------------------------------------------------ checks
    def validate(self):
        params, backend = self.params, self.params['backend']
        if params['state'] != 'present':
            return
        check_name(params['name'], '%s backup policy' % backend.upper())
        if backend == 'vbs' and params['name'].startswith('default'):
            raise ResourceError("VBS backup policy name '%s' is invalid: the prefix default is reserved"
                                % params['name'])
        for option in VBS_ONLY if backend == 'cbr' else CBR_ONLY:
            if params[option] is not None:
                raise ResourceError('%s is a %s option; this policy is %s (backend: %s)' % (
                    option, 'VBS' if backend == 'cbr' else 'CBR', backend.upper(), backend))
        if params['purge_disks'] and backend == 'cbr':
            raise ResourceError('purge_disks is a VBS option; a CBR policy backs up the disks of its vaults')
        if params['schedule'] is not None:
            check_schedule(params['schedule'])
            if backend == 'vbs':
                schedule_to_vbs(params['schedule'])
        for option in RETENTION:
            problem = retention_problem(backend, option, params[option])
            if problem:
                raise ResourceError(problem)
        if backend == 'vbs' and params['max_backups'] and params['retention_duration_days']:
            raise ResourceError('a VBS policy keeps backups by number (max_backups) or by days '
                                '(retention_duration_days), not both')
        long_term = params['long_term_retention'] or {}
        for key in LONG_TERM_KEYS:
            self.validate_range('long_term_retention.%s' % key, long_term.get(key), 0, LONG_TERM_MAX)
        if long_term.get('timezone') is not None and not TIMEZONE_RE.match(long_term['timezone']):
            raise ResourceError("long_term_retention.timezone '%s' is invalid: like UTC+01:00" % long_term['timezone'])

    # -------------------------------------------------------------- find
    @property
    def api(self):
        return (CBRPolicies if self.params['backend'] == 'cbr' else VBSPolicies)(self.client)

    def view(self, raw):
        if self.params['backend'] == 'cbr':
            return cbr_policy_view(raw)
        policy = vbs_policy_view(raw)
        if policy is not None:
            marked = sorted(d['id'] for d in self.evs.list_volumes(metadata={VBS_POLICY_MARK: policy['id']}))
            policy['disk_ids'] = marked if len(marked) == (policy['disk_count'] or 0) else None
        return policy

    def find(self):
        return self.view(self.api.find_policy(self.params['name']))

    def fetch(self, resource_id):
        return self.view(self.api.get_policy(resource_id))

    def namesakes(self):
        view = cbr_policy_view if self.params['backend'] == 'cbr' else vbs_policy_view
        return [p for p in (view(raw) for raw in self.api.list_policies()) if p['name'] == self.params['name']]

    def label(self, resource):
        return "%s backup policy '%s'" % (self.params['backend'].upper(), self.params['name'])

    def normalise(self, field, value):
        if field == 'schedule' and value is not None:
            return schedule_to_vbs(value) if self.params['backend'] == 'vbs' else canonical_schedule(value)
        return super(BackupPolicyModule, self).normalise(field, value)

    # ------------------------------------------------------------ desire
    def desired(self, current):
        params = self.params
        wanted = dict((k, params[k]) for k in ('enabled', 'schedule') + RETENTION)
        given = [k for k in RETENTION if params[k] is not None]
        if len(given) == 1:  # keep by one criterion: the other one is not limited
            other = [k for k in RETENTION if k not in given][0]
            wanted[other] = -1
        if params['backend'] == 'cbr':
            wanted['long_term_retention'] = self.desired_long_term(current)
        else:
            wanted['keep_first_backup_of_month'] = params['keep_first_backup_of_month']
            wanted['disk_ids'] = self.desired_disks(current)
        if current is None:
            wanted.update(name=params['name'], backend=params['backend'])
        return wanted

    def desired_long_term(self, current):
        given = self.params['long_term_retention']
        if given is None:
            return None
        merged = dict((current or {}).get('long_term_retention') or dict((k, 0) for k in LONG_TERM_KEYS))
        merged.setdefault('timezone', None)
        merged.update((k, v) for k, v in given.items() if v is not None)
        if any(merged.get(k) for k in LONG_TERM_KEYS) and not merged.get('timezone'):
            merged['timezone'] = 'UTC+00:00'
        return merged

    def desired_disks(self, current):
        if self.params['disks'] is None:
            return None
        self.disks = {}
        for entry in self.params['disks']:
            disk = self.evs.find_volume(entry, required=True)
            self.disks[disk['id']] = disk
        wanted = set(self.disks)
        if not self.params['purge_disks']:
            wanted |= set((current or {}).get('disk_ids') or ())
        return sorted(wanted)

    def plan_changes(self, current, desired):
        changes = super(BackupPolicyModule, self).plan_changes(current, desired)
        if 'disk_ids' in desired and desired['disk_ids'] is not None and current.get('disk_ids') is None:
            changes['disk_ids'] = desired['disk_ids']  # unknown bindings: bind again
        return changes

    def check_create(self, desired):
        label = self.label(None)
        if desired.get('schedule') is None:
            raise ResourceError('%s cannot be created: schedule is required' % label)
        if self.params['backend'] == 'vbs' and not any((desired.get(k) or -1) > 0 for k in RETENTION):
            raise ResourceError('%s cannot be created: a VBS policy needs max_backups or retention_duration_days'
                                % label)

    def predict_create(self, desired):
        policy = super(BackupPolicyModule, self).predict_create(desired)
        policy.pop('status', None)
        if self.params['backend'] == 'cbr':
            policy.update(vault_ids=[], long_term_retention=desired['long_term_retention'] or dict(
                [(k, 0) for k in LONG_TERM_KEYS] + [('timezone', None)]))
        else:
            policy.update(disk_count=len(desired['disk_ids'] or ()), disk_ids=desired['disk_ids'] or [],
                          keep_first_backup_of_month=bool(desired['keep_first_backup_of_month']),
                          schedule=[canonical_schedule(desired['schedule'])[0]] if len(desired['schedule']) == 1
                          else desired['schedule'])
        return policy

    # ------------------------------------------------------------- apply
    def create(self, desired):
        if self.params['backend'] == 'vbs':
            scheduled = self.vbs_fields(dict((k, v) for k, v in desired.items() if v is not None), creating=True)
            policy_id = self.api.create_policy(desired['name'], scheduled)
            if desired['disk_ids']:
                self.bind(policy_id, desired['disk_ids'], [])
            return self.fetch(policy_id)
        fields = {'name': desired['name'], 'operation_type': 'backup',
                  'trigger': {'properties': {'pattern': list(desired['schedule'])}},
                  'operation_definition': self.cbr_definition({}, desired, creating=True)}
        if desired['enabled'] is not None:
            fields['enabled'] = desired['enabled']
        return cbr_policy_view(self.api.create_policy(fields))

    @staticmethod
    def cbr_definition(definition, changes, creating=False):
        definition = dict(definition or {})
        for key in RETENTION:
            if changes.get(key) is not None:
                definition[key] = changes[key]
        if changes.get('long_term_retention') is not None:
            definition.update((k, v) for k, v in changes['long_term_retention'].items() if v is not None)
        if creating:  # a new policy: leave out what is not limited
            definition = dict((k, v) for k, v in definition.items() if v != -1)
        return definition

    @staticmethod
    def vbs_fields(changes, creating=False):
        scheduled = {}
        if 'schedule' in changes:
            scheduled.update(schedule_to_vbs(changes['schedule']))
            if not creating:  # the cloud keeps frequency over week_frequency: clear the other one
                scheduled.setdefault('frequency', None)
                scheduled.setdefault('week_frequency', None)
        for key, field in (('max_backups', 'rentention_num'), ('retention_duration_days', 'rentention_day')):
            if key in changes:
                scheduled[field] = changes[key] if changes[key] > 0 else None
        if creating:
            scheduled = dict((k, v) for k, v in scheduled.items() if v is not None)
        if changes.get('enabled') is not None:
            scheduled['status'] = 'ON' if changes['enabled'] else 'OFF'
        if changes.get('keep_first_backup_of_month') is not None:
            scheduled['remain_first_backup_of_curMonth'] = 'Y' if changes['keep_first_backup_of_month'] else 'N'
        return scheduled

    def bind(self, policy_id, wanted, held):
        api, label = self.api, self.label(None)
        failed = api.bind_disks(policy_id, sorted(wanted)) if wanted else []
        failed += api.unbind_disks(policy_id, sorted(set(held) - set(wanted))) if set(held) - set(wanted) else []
        for disk_id in sorted(set(wanted) - set(f.get('resource_id') for f in failed)):
            api.mark_disk(self.evs, disk_id, policy_id)
        for disk_id in sorted(set(held) - set(wanted)):
            api.mark_disk(self.evs, disk_id, None)
        if failed:
            raise ResourceError('%s: %s' % (label, '; '.join('disk %s: %s (%s)' % (
                f.get('resource_id'), f.get('error_msg'), f.get('error_code')) for f in failed)))

    def update(self, current, changes):
        api = self.api
        if self.params['backend'] == 'vbs':
            scheduled = self.vbs_fields(changes)
            if scheduled:
                api.update_policy(current['id'], scheduled)
            if 'disk_ids' in changes:
                self.bind(current['id'], changes['disk_ids'], current.get('disk_ids') or [])
            return self.fetch(current['id'])
        fields = {}
        if 'enabled' in changes:
            fields['enabled'] = changes['enabled']
        if 'schedule' in changes:
            fields['trigger'] = {'properties': {'pattern': list(changes['schedule'])}}
        if any(k in changes for k in RETENTION + ('long_term_retention',)):
            fields['operation_definition'] = self.cbr_definition(current.get('operation_definition'), changes)
        return cbr_policy_view(api.update_policy(current['id'], fields))

    def delete(self, current):
        if self.params['backend'] == 'vbs' and current.get('disk_ids'):
            self.bind(current['id'], [], current['disk_ids'])
        self.api.delete_policy(current['id'])


def main():
    BackupPolicyModule.execute()


if __name__ == '__main__':
    main()
