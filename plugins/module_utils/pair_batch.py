# -*- coding: utf-8 -*-
# Copyright (c) dataprotection.evs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""SDRS replication pairs of many disks in one module call (module replication_pair_batch), on the
batch engine (module_utils/batch.py ``BatchModule``), with the rules of one pair (module
replication_pair, ``sdrs.AttachedMember``): created in a protection group and attached to a
protected instance where the element names one; detached before it is attached elsewhere or deleted.

Requests, whatever the number of pairs: one listing of the protection groups; per group (or, above
``READ_ONE_BY_ONE`` groups, of the project) one listing of its pairs and, when an element names a
protected instance, one of its instances; the disks of the pairs to create (one request each, or
one listing of the project above ``READ_ONE_BY_ONE``). Then the requests of each pair (create,
attach, detach, delete: SDRS answers a job for each), ``concurrency`` at a time; a pair's next
request once the engine saw its previous one done, with one listing of the pairs per poll round."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.dataprotection.evs.plugins.module_utils.batch import READ_ONE_BY_ONE, BatchModule, grouped, look_up
from ansible_collections.dataprotection.evs.plugins.module_utils.errors import ResourceError
from ansible_collections.dataprotection.evs.plugins.module_utils.evs import by_ref, describe_disk, looks_like_id
from ansible_collections.dataprotection.evs.plugins.module_utils.predicted import is_placeholder, placeholder
from ansible_collections.dataprotection.evs.plugins.module_utils.sdrs import (
    MEMBER_STABLE, PAIR_FIELDS, PAIR_TRANSITIONAL, SdrsMixin, describe_group, group_not_ready, group_unsettled,
    outside_production, predicted_group, with_group_state, with_pair_sides)
from ansible_collections.dataprotection.evs.plugins.module_utils.waiters import JOB_FAILURE, JOB_SUCCESS

#: the attachment's fields, None in a prediction when empty (the cloud answers no value)
ATTACHMENT = ('protected_instance', 'device')


class PairBatchResource(SdrsMixin, BatchModule):
    """Replication pairs, each given as ``protection_group`` (or the option of that name), ``name``,
    ``disk``, ``description``, ``protected_instance`` and ``device``."""

    items_option = 'pairs'
    kind = 'replication pair'
    result_fields = PAIR_FIELDS
    server_defaults = {'description': '', 'protected_instance': '', 'device': '', 'attachment': []}
    transitional, stable = PAIR_TRANSITIONAL, MEMBER_STABLE
    counted = ('pairs', {'create': 'created', 'update': 'updated', 'delete': 'deleted', 'wait': 'waited'},
               'unchanged')
    # in check mode, a group or a protected instance the same check run would create (predicted.py)
    parent_options = ('protection_group', 'pairs[].protection_group', 'pairs[].protected_instance')

    # --- validate: every element with its group, each pair and each disk once
    def validate(self):
        for element in self.params['pairs'] or []:
            if element.get('protection_group') is None:
                element['protection_group'] = self.params['protection_group']
        super(PairBatchResource, self).validate()
        seen = {}
        for item in self.items:
            params = item.params
            for key, what in (((params['protection_group'], params['name']), "replication pair '%s' of protection "
                               "group '%s'" % (params['name'], params['protection_group'])),
                              (params['disk'], "disk '%s' (a disk is in one pair only)" % params['disk'])):
                if key in seen and key is not None:
                    raise ResourceError('pairs[%d] and pairs[%d] both name %s; nothing was changed' % (
                        seen[key], item.index, what))
                seen[key] = item.index

    def validate_item(self, item):
        params = item.params
        if not (params['protection_group'] or '').strip():
            raise ResourceError('protection_group is required (of the element, or the option for all)')
        self.validate_text('name', params['name'], 64, required=True)
        self.validate_text('description', params['description'], 64)
        if params['protected_instance'] and not params['device']:
            raise ResourceError('device is required to attach the pair to protected instance %s'
                                % params['protected_instance'])

    # --- read: GETs only, a few listings whatever the number of pairs
    def read(self, items):
        refs = set(item.params['protection_group'] for item in items)
        listed = self.sdrs.list_groups() if [ref for ref in refs if not is_placeholder(ref)] else []
        groups = dict((ref, predicted_group(ref) if is_placeholder(ref) else
                       with_group_state(by_ref(listed, ref, 'protection group'))) for ref in refs)
        group_ids = sorted(set(g['id'] for g in groups.values() if g is not None and not is_placeholder(g['id'])))
        pairs = self.by_group(self.sdrs.list_pairs, group_ids)
        named = [item for item in items if item.params['protected_instance']]
        instances = self.by_group(self.sdrs.list_instances, group_ids) if named else {}
        for item in items:
            item.group = groups[item.params['protection_group']]
            where = ' in %s' % describe_group(item.group)
            item.current = with_pair_sides(by_ref(pairs.get((item.group or {}).get('id'), []), item.params['name'],
                                                  self.kind, where))
            ref, item.instance = item.params['protected_instance'], None
            if ref and item.group is not None:
                item.instance = {'id': ref} if is_placeholder(ref) else \
                    by_ref(instances.get(item.group['id'], []), ref, 'protected instance', where)
        creating = set(item.params['disk'] for item in items if item.current is None and item.params['disk']
                       and item.group is not None and self.params['state'] == 'present')
        disks = look_up(creating, self.evs.find_volume, self.evs.list_volumes, 'disk')
        for item in items:
            item.disk = disks.get(item.params['disk'])

    def by_group(self, list_members, group_ids):
        """{group id: its members}, by ``list_members(group_id=None)``: one listing per group, or one
        of the project when there are many groups."""
        if not group_ids:
            return {}
        found = list_members() if len(group_ids) > READ_ONE_BY_ONE else \
            [member for group_id in group_ids for member in list_members(group_id=group_id)]
        return grouped(found, 'server_group_id')

    # --- plan: the refusals of replication_pair, before any change
    def plan(self, item):
        params, group, current = item.params, item.group, item.current
        if self.params['state'] == 'absent':
            if current is not None:
                item.action = 'wait' if current.get('status') in self.deleting else 'delete'
                problem = group_unsettled(group) if item.action == 'delete' else None
                return problem and 'it cannot be deleted %s' % problem
            return None
        if group is None:
            return "protection group '%s' not found" % params['protection_group']
        wanted = {}
        if params['protected_instance'] == '':
            wanted = dict.fromkeys(ATTACHMENT, '')
        elif params['protected_instance']:
            if item.instance is None:
                return "protected instance '%s' not found in %s%s" % (
                    params['protected_instance'], describe_group(group),
                    ', which this check run would create' if is_placeholder(group['id']) else '')
            wanted = dict(protected_instance=item.instance['id'], device=params['device'])
        if current is None:
            return self.plan_create(item, wanted)
        if params['disk'] and looks_like_id(params['disk']) and \
                params['disk'] not in (current.get('volume_ids') or '').split(','):
            return 'its disks (%s) cannot be changed; delete and re-create the pair' % current.get('volume_ids')
        changes = dict((k, v) for k, v in wanted.items() if (current.get(k) or '') != v)
        busy = current.get('status') in self.transitional
        item.action, item.changes = ('update', changes) if changes else ('wait' if busy else 'none', {})
        problem = group_not_ready(group) if changes else None
        if problem:
            return 'it cannot be attached or detached: %s' % problem
        if changes and busy and not self.params['wait']:
            return 'it is %s; run again later or with wait: true to wait for it' % current.get('status')
        return None

    def plan_create(self, item, wanted):
        params, group, disk = item.params, item.group, item.disk
        if not params['disk']:
            return 'it does not exist; disk is needed to create it'
        if disk is None:
            return "disk '%s' not found" % params['disk']
        problem = group_not_ready(group) or outside_production(group, describe_disk(disk), disk.get('availability_zone'))
        if problem:
            return 'it cannot be created: %s' % problem
        item.action = 'create'
        item.changes = dict(wanted, name=params['name'], description=params['description'],
                            server_group_id=group['id'], production_volume_id=disk['id'])
        return None

    def predict(self, item):
        predicted = super(PairBatchResource, self).predict(item)
        if item.changed and predicted is not None:
            if item.action == 'create':
                predicted['priority_station'] = item.group.get('priority_station')
            predicted.update((key, predicted.get(key) or None) for key in ATTACHMENT)
        return predicted

    # --- apply: a change's first request; the engine sends the others (``item.then``) in turn
    def apply(self, item):
        pair = item.current
        if item.action == 'create':
            fields = dict(server_group_id=item.group['id'], name=item.params['name'],
                          volume_id=item.changes['production_volume_id'])
            if item.params['description']:
                fields['description'] = item.params['description']
            item.job = self.sdrs.create_pair(fields)
            if item.changes.get('protected_instance'):
                item.then = [lambda: self.attach(item, item.changes['protected_instance'], item.changes['device'])]
            return dict(name=item.params['name'], server_group_id=item.group['id'], status='creating', id=None)
        steps = [lambda: self.detach(item)] if pair.get('protected_instance') else []
        if item.action == 'delete':
            steps.append(lambda: self.delete(item))
        elif item.changes.get('protected_instance', pair.get('protected_instance')):
            steps.append(lambda: self.attach(item, item.changes.get('protected_instance', pair['protected_instance']),
                                             item.changes.get('device') or pair.get('device')))
        if pair.get('status') in self.transitional:  # the cloud takes no request until it settled
            item.then = steps
            return pair
        item.then = steps[1:]
        return steps[0]()

    def attach(self, item, instance_id, device):
        pair = item.result
        self.sdrs.attach_pair(instance_id, pair['id'], device)
        return dict(pair, status='attaching', protected_instance=instance_id, device=device)

    def detach(self, item):
        pair = item.result or item.current
        self.sdrs.detach_pair(pair['protected_instance'], pair['id'])
        return dict(pair, status='detaching', protected_instance=None, device=None, attachment=[])

    def delete(self, item):
        pair = item.result or item.current
        self.sdrs.delete_pair(pair['id'], item.group['id'], self.params['delete_dr_disk'])
        return dict(pair, status='deleting')

    # --- poll: one listing of the pairs per round (a pair just created is found by its name)
    def poll(self, items):
        listed = self.by_group(self.sdrs.list_pairs, sorted(set(item.group['id'] for item in items)))
        found = {}
        for item in items:
            own = item.result or item.current
            mine = [p for p in listed.get(item.group['id'], [])
                    if (p['id'] == own['id'] if own.get('id') else p.get('name') == item.params['name'])]
            if mine:
                found[item.index] = with_pair_sides(mine[0])
            elif not own.get('id'):
                found[item.index] = self.not_listed_yet(item, own)
        return found

    def not_listed_yet(self, item, own):
        """A pair whose create the cloud accepted and that no listing shows yet: its job tells whether
        it is still being made (read only then, not per pair and round)."""
        status = (self.sdrs.get_job(item.job) or {}).get('status') if getattr(item, 'job', None) else None
        if status in JOB_FAILURE:
            return dict(own, status='error')
        return None if status in JOB_SUCCESS else own

    # --- report: the ids of pairs created without wait (one listing), and per pair its group's name
    def report(self):
        unknown = [item for item in getattr(self, 'items', []) if item.applied and not item.error
                   and not (item.result or {}).get('id')]
        if unknown and not self.params['wait']:
            found = self.poll(unknown)
            for item in unknown:
                item.result = found.get(item.index) or item.result
        return super(PairBatchResource, self).report()

    def item_result(self, item):
        group = getattr(item, 'group', None) or {'name': item.params['protection_group']}
        result = dict(self.item_row(item), name=item.params['name'], protection_group=group.get('name'),
                      replication_pair=self.shape(item.result))
        if self.check_mode and item.action == 'create':  # what protection_group's predicted_pairs takes
            result['predicted_ref'] = placeholder(self.kind, item.params['name'])
        return result

    def label(self, item):
        group = getattr(item, 'group', None) or {'name': item.params['protection_group']}
        return "%s '%s' in %s" % (self.kind, item.params['name'], describe_group(group))
