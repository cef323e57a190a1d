# -*- coding: utf-8 -*-
# Copyright (c) dataprotection.evs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
name: dr_snapshot_batch
short_description: The snapshots to take (or delete), as the snapshot_batch module wants them
version_added: 1.1.0
author:
  - dataprotection.evs maintainers (@dataprotection-evs)
description:
  - Turns the targets of P(dataprotection.evs.dr_policy_targets#filter) into the O(dataprotection.evs.snapshot_batch#module:snapshots)
    option of M(dataprotection.evs.snapshot_batch), leaving out targets that were skipped and those whose snapshot
    (same disk, same name) is already C(available).
  - A scheduled run in the same slot then has nothing to send and needs no module call at all.
  - With O(state=absent), turns snapshots (for example C(prune) of
    P(dataprotection.evs.retention_plan#filter)) into elements that name each by its id and its
    own disk.
options:
  _input:
    description:
      - The targets (the result of P(dataprotection.evs.dr_policy_targets#filter)); with
        O(state=absent), the snapshots to delete.
    type: list
    elements: dict
    required: true
  snapshots:
    description: The snapshots that exist (C(snapshots) of M(dataprotection.evs.snapshot_info)).
    type: list
    elements: dict
    default: []
  state:
    description: C(present) to take the due snapshots, C(absent) to delete the given ones.
    type: str
    choices: [present, absent]
    default: present
'''

EXAMPLES = r'''
- name: Take what is still due, all disks in one call
  dataprotection.evs.snapshot_batch:
    snapshots: "{{ targets | dataprotection.evs.dr_snapshot_batch(policy_snapshots.snapshots) }}"

- name: Delete what the retention plan drops
  dataprotection.evs.snapshot_batch:
    state: absent
    snapshots: "{{ plan.prune | dataprotection.evs.dr_snapshot_batch(state='absent') }}"
'''

RETURN = r'''
_value:
  description:
    - One element per snapshot to take, with C(disk) (the disk id), C(name), C(description), C(metadata), C(force);
      with O(state=absent) one per snapshot to delete, with C(disk) (its disk's id) and C(name) (its id).
  type: list
  elements: dict
'''

from ansible.errors import AnsibleFilterError


def dr_snapshot_batch(targets, snapshots=None, state='present'):
    if state not in ('present', 'absent'):
        raise AnsibleFilterError("dr_snapshot_batch: state must be present or absent, not %r" % (state,))
    try:
        if state == 'absent':
            return [{'disk': s['volume_id'], 'name': s['id']} for s in targets or ()]
        available = set((s.get('volume_id'), s.get('name')) for s in snapshots or () if s.get('status') == 'available')
        return [{'disk': t['disk_id'], 'name': t['name'], 'metadata': t['metadata'], 'force': t['force'],
                 'description': '%s policy, tier %s, slot %s' % (t['policy'], t['tier'], t['slot']['start'])}
                for t in targets or () if not t.get('skip') and (t['disk_id'], t['name']) not in available]
    except (KeyError, TypeError, AttributeError) as exc:
        raise AnsibleFilterError('dr_snapshot_batch: the targets must come from the dr_policy_targets filter (%s)' % exc)


class FilterModule(object):
    def filters(self):
        return {'dr_snapshot_batch': dr_snapshot_batch}
