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
    (same disk, same name, and the target's C(dp_evs_policy) and C(dp_evs_tier) marks) is already C(available).
  - Each element carries the target's marks as C(owner_metadata), so that the module never adopts,
    re-marks or deletes a snapshot of that name that the policy did not make (one taken by hand, or
    by another tool); that disk fails, clearly, and the others are still snapshotted.
  - A scheduled run in the same slot then has nothing to send and needs no module call at all.
  - With O(state=absent), turns snapshots (for example C(prune) of
    P(dataprotection.evs.retention_plan#filter)) into elements that name each by its id and its
    own disk, with the snapshot's marks as C(owner_metadata) (the module deletes it only if it still
    carries them). A snapshot without a C(dp_evs_policy) mark is refused; only a policy's own copies
    are deleted this way.
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
extends_documentation_fragment:
  - dataprotection.evs.filter_errors
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
    - One element per snapshot to take, with C(disk) (the disk id), C(name), C(description), C(metadata), C(force),
      C(owner_metadata); with O(state=absent) one per snapshot to delete, with C(disk) (its disk's id), C(name)
      (its id) and C(owner_metadata).
  type: list
  elements: dict
'''

from ansible.errors import AnsibleFilterError

from ansible_collections.dataprotection.evs.plugins.plugin_utils.refusals import refusing
from ansible_collections.dataprotection.evs.plugins.plugin_utils.retention import POLICY_KEY, TIER_KEY
from ansible_collections.dataprotection.evs.plugins.plugin_utils.unsafe import filter_module


def _marks(record, required=True):
    """The policy and tier marks of a target or snapshot (hashable; part of every key compared)."""
    metadata = record.get('metadata') or {}
    if required and not metadata.get(POLICY_KEY):
        raise AnsibleFilterError("dr_snapshot_batch: %s carries no %s mark; only a policy's own copies (the targets "
                                 "of dr_policy_targets, the prune of retention_plan) are handled here"
                                 % (record.get('name') or record.get('id'), POLICY_KEY))
    return tuple((key, str(metadata[key])) for key in (POLICY_KEY, TIER_KEY) if metadata.get(key) is not None)


@refusing((), malformed=(KeyError, TypeError, AttributeError),
          source='the targets must come from the dr_policy_targets filter')
def dr_snapshot_batch(targets, snapshots=None, state='present'):
    if state not in ('present', 'absent'):
        raise AnsibleFilterError("dr_snapshot_batch: state must be present or absent, not %r" % (state,))
    if state == 'absent':
        return [{'disk': s['volume_id'], 'name': s['id'], 'owner_metadata': dict(_marks(s))} for s in targets or ()]
    # (disk, name, marks) of what is there: a snapshot of the due name without the target's
    # marks is not the policy's, and stays in the batch, where the module refuses to adopt it
    available = set((s.get('volume_id'), s.get('name'), _marks(s, required=False))
                    for s in snapshots or () if s.get('status') == 'available')
    return [{'disk': t['disk_id'], 'name': t['name'], 'metadata': t['metadata'], 'owner_metadata': dict(_marks(t)),
             'force': t['force'],
             'description': '%s policy, tier %s, slot %s' % (t['policy'], t['tier'], t['slot']['start'])}
            for t in targets or () if not t.get('skip') and (t['disk_id'], t['name'], _marks(t)) not in available]


FilterModule = filter_module(dr_snapshot_batch)
