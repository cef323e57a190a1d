# -*- coding: utf-8 -*-
# Copyright (c) dataprotection.evs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The batch engine (module_utils/batch.py ParentedBatchModule) seen through its resource type:
every start before the first wait, one read per poll round, a busy parent waited for before its
create, and check mode that sends nothing."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.dataprotection.evs.plugins.module_utils.batch import READ_ONE_BY_ONE, BatchItem
from ansible_collections.dataprotection.evs.plugins.module_utils.evs import SnapshotsOfDisks
from ansible_collections.dataprotection.evs.plugins.modules.snapshot_batch import SnapshotBatchModule

TRACE = []


class TracedSnapshots(SnapshotsOfDisks):
    """The snapshot resource type, noting each call the engine makes of it after the plan."""

    def get(self, resource_id):
        TRACE.append('get')
        return super(TracedSnapshots, self).get(resource_id)

    def list(self, name=None, parent_id=None):
        TRACE.append(('list', name, parent_id))
        return super(TracedSnapshots, self).list(name=name, parent_id=parent_id)

    def create(self, changes, options):
        TRACE.append(('create', changes['volume_id']))
        return super(TracedSnapshots, self).create(changes, options)

    def until_free(self, waiter, disk, label):
        TRACE.append(('until free', disk['id']))
        return super(TracedSnapshots, self).until_free(waiter, disk, label)


class TracedBatch(SnapshotBatchModule):
    resource_type = TracedSnapshots

    def read(self, items):
        super(TracedBatch, self).read(items)
        del TRACE[:]  # what is traced is what the engine does after its reads


def test_every_create_is_sent_before_the_wait_which_reads_all_with_one_listing_per_round(cloud, run_module):
    count = READ_ONE_BY_ONE + 2
    disks = [cloud.add_volume('d%02d' % i) for i in range(count)]
    cloud.taking('snapshot.create', 30)
    result = run_module(TracedBatch, {'disks': [d['name'] for d in disks], 'name': 'daily'})
    assert result['changed'] and all(r['snapshot']['status'] == 'available' for r in result['snapshots'])
    creates = [step for step in TRACE if step[0] == 'create']
    assert TRACE[:count] == creates and [c[1] for c in creates] == [d['id'] for d in disks]
    rounds = TRACE[count:]
    # more ids than are read one by one: each round is one listing of the name (then the race check's)
    assert len(rounds) > 2 and set(rounds) == {('list', 'daily', None)}


def test_a_busy_disk_is_waited_for_before_its_create_and_refused_without_wait(cloud, run_module):
    busy = cloud.add_volume('busy')
    free = cloud.add_volume('free')
    cloud.add_snapshot(busy, 'running', takes=30)
    args = {'disks': ['free', 'busy'], 'name': 'daily'}
    refused = run_module(TracedBatch, dict(args, wait=False))
    assert refused['failed'] and cloud.mutating == []
    assert ("snapshot 'daily' of disk 'busy': snapshot 'running' of the disk is being created, and EVS takes one "
            "snapshot of a disk at a time; run again later or with wait: true to wait for it" in refused['msg'])
    created = run_module(TracedBatch, args)
    assert created['changed'] and not created['failed']
    assert TRACE.index(('create', free['id'])) < TRACE.index(('until free', busy['id'])) < TRACE.index(
        ('create', busy['id']))


def test_check_mode_sends_nothing_and_predicts_what_the_real_run_reports(cloud, run_module):
    disks = [cloud.add_volume('d%d' % i) for i in range(2)]
    cloud.add_snapshot(disks[1], 'daily', metadata={'keep': '1'})
    args = {'disks': ['d0', 'd1'], 'name': 'daily', 'metadata': {'new': 'x'}}
    predicted = run_module(TracedBatch, args, check=True)
    assert predicted['changed'] and cloud.mutating == [] and TRACE == []
    real = run_module(TracedBatch, args)
    assert [r['action'] for r in real['snapshots']] == [r['action'] for r in predicted['snapshots']] == [
        'create', 'update']
    assert [sorted(r['snapshot']) for r in real['snapshots']] == [sorted(r['snapshot']) for r in predicted['snapshots']]
    assert [r['snapshot']['metadata'] for r in real['snapshots']] == [r['snapshot']['metadata']
                                                                      for r in predicted['snapshots']]


class CountedReads(dict):
    """A listed resource that counts how often the engine looks into it."""
    reads = [0]

    def get(self, key, default=None):
        CountedReads.reads[0] += 1
        return super(CountedReads, self).get(key, default)


class ListedEverything(object):
    """A resource type whose listing is fixed (every disk's snapshot of one name)."""
    parent_key = 'volume_id'

    def __init__(self, listed):
        self.listed = listed

    def list(self, name=None, parent_id=None):
        return list(self.listed)


def test_each_item_finds_its_own_resources_in_one_pass_over_a_listing_not_one_per_item():
    # a listing is split by parent once: scanning it for each item grows with the square of the
    # batch (10,000 disks: 10^8 looks, minutes of the module's time before it answers)
    count = 400
    listed = [CountedReads(id='s%d' % i, name='daily', volume_id='d%d' % i, metadata={}) for i in range(count)]
    module = object.__new__(SnapshotBatchModule)
    module._resources = ListedEverything(listed)
    items = []
    for i in range(count):
        item = BatchItem(i, {'name': 'daily', 'owner_metadata': None})
        item.parent = {'id': 'd%d' % i}
        items.append(item)
    CountedReads.reads[0] = 0
    siblings = module.read_siblings(set('d%d' % i for i in range(count)))
    found = module.namesakes(items)
    assert siblings['d7'] == [listed[7]] and found[7] == [listed[7]]
    assert all(len(found[i]) == 1 for i in range(count))
    assert CountedReads.reads[0] < 10 * count, CountedReads.reads[0]
