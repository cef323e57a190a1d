# -*- coding: utf-8 -*-
# Copyright (c) dataprotection.evs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The batch base: many resources of one kind in one module call.

A loop over a resource module runs one module process per item (a few hundred ms each under
Ansible), and waits item after item. A batch module reads all items with a few list requests,
refuses the whole batch before any mutating request when an item cannot be done, sends every
change, then waits for all of them together with one read per poll round.

A subclass names ``items_option``, ``kind``, ``result_fields`` and implements ``read`` (GETs
only: ``item.current`` for every item), ``plan`` (the action and the changes, or a refusal),
``apply`` (the mutating requests of one item), ``poll`` (one read of all watched resources)
and ``label``.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy

from ansible_collections.dataprotection.evs.plugins.module_utils.errors import CloudError, ResourceError
from ansible_collections.dataprotection.evs.plugins.module_utils.module import EvsModule, survivor
from ansible_collections.dataprotection.evs.plugins.module_utils.waiters import WaitTimeout, is_failure_status

#: how many failed or pending items a message names before it says "and N more"
NAMED_IN_MESSAGES = 10


class BatchItem:
    """One element of the batch option, with what the module found and plans for it."""

    def __init__(self, index, params):
        self.index = index
        self.params = params
        #: the resource as the cloud shows it now (None: it does not exist)
        self.current = None
        #: create, update, delete, wait (an existing resource on its way to the wanted state) or none
        self.action = 'none'
        self.changes = {}
        #: the resource as the result reports it (the prediction in check mode)
        self.result = None
        #: set when the item failed after the batch started (cloud error, error status)
        self.error = None
        #: the cloud accepted this item's change
        self.applied = False
        #: the cloud answered this item's create itself (not a look-up after a lost answer, which
        #: may have found another run's resource): the resource is surely this run's
        self.certain = False
        #: the cloud refuses this item's create until its resource's parent is free (a disk that
        #: takes one snapshot at a time): the create waits for that first
        self.wait_free = False

    @property
    def changed(self):
        return self.action in ('create', 'update', 'delete')


def summarise(items, describe, limit=NAMED_IN_MESSAGES):
    text = '; '.join(describe(item) for item in items[:limit])
    if len(items) > limit:
        text += '; and %d more' % (len(items) - limit)
    return text


class BatchModule(EvsModule):
    """present/absent for a list of resources of one kind."""

    items_option = 'items'
    #: the statuses a resource passes on its way to ``stable`` (waited for, never changed)
    transitional = ('creating',)
    stable = ('available',)
    deleting = ('deleting',)
    #: what a prediction of a create shows the cloud would fill in
    server_defaults = {}

    # --- what a subclass implements
    def validate_item(self, item):
        """Refuse an item before any request (raise ResourceError)."""

    def read(self, items):
        """Set ``item.current`` (and whatever ``plan`` needs) for every item, with GETs only."""
        raise NotImplementedError

    def plan(self, item):
        """Set ``item.action`` and ``item.changes``; return a refusal (text) or None."""
        raise NotImplementedError

    def apply(self, item):
        """Send the mutating requests of ``item.action``; return the resource the cloud answered."""
        raise NotImplementedError

    def poll(self, items):
        """One read of the resources of ``items``: {item index: resource or None when gone}."""
        raise NotImplementedError

    def namesakes(self, items):
        """{item index: every resource that answers to what the item created (its name and disk)}
        for the created ``items``, GETs only, to find the ones a concurrent run created at the same
        time; None (the default): the module does not look."""
        return None

    def discard(self, item, own):
        """Delete ``own``, the resource this run created for ``item``, that a concurrent run's
        namesake replaces; waits until it can be deleted."""
        raise NotImplementedError

    def predict(self, item):
        """The resource a create/update would give (check mode), in the shape of a real result."""
        if item.action == 'create':
            resource = dict((field, None) for field in self.result_fields)
            resource.update(copy.deepcopy(self.server_defaults))
            resource.update((k, v) for k, v in item.changes.items() if v is not None)
            resource['status'] = self.stable[0] if self.params['wait'] else self.transitional[0]
            return resource
        if item.action == 'update':
            resource = copy.deepcopy(item.current)
            resource.update(item.changes)
            return resource
        return None if item.action == 'delete' else item.current

    def label(self, item):
        raise NotImplementedError

    # --- the common flow
    def validate(self):
        self.items = [BatchItem(index, params) for index, params in enumerate(self.params[self.items_option] or [])]
        problems = []
        for item in self.items:
            try:
                self.validate_item(item)
            except ResourceError as exc:
                problems.append('%s[%d]: %s' % (self.items_option, item.index, exc.msg))
        if problems:
            raise ResourceError('%d of %d %s refused, nothing was changed: %s' % (
                len(problems), len(self.items), self.items_option, summarise(problems, str)))

    def run(self):
        if not self.items:
            return self.report()
        self.read(self.items)
        refusals = []
        for item in self.items:
            refusal = self.plan(item)
            if refusal:
                refusals.append('%s: %s' % (self.label(item), refusal))
        if refusals:
            raise ResourceError('%d of %d %s cannot be done, nothing was changed: %s' % (
                len(refusals), len(self.items), self.items_option, summarise(refusals, str)))
        if self.check_mode:
            for item in self.items:
                item.result = self.predict(item)
            return self.report()
        for item in self.items:
            item.result = item.current
            if item.changed:
                recovered = self.client.recovered
                try:
                    item.result = self.apply(item)
                    item.applied = True
                    item.certain = self.client.recovered == recovered
                except CloudError as exc:
                    item.error = '%s cannot be %sd: %s' % (self.label(item), item.action, exc)
        if self.params['wait']:
            self.wait_for_all([item for item in self.items if self.needs_wait(item)])
        adopted = self.settle_races([item for item in self.items
                                     if item.action == 'create' and item.applied and not item.error])
        if self.params['wait'] and adopted:
            self.wait_for_all([item for item in adopted if self.needs_wait(item)])
        return self.report()

    def settle_races(self, items):
        """Two runs at once (AWX schedules, cron and a person can overlap): when a concurrent run
        created a namesake of an item's new resource too, every run keeps the first made (oldest
        ``created_at``, then smallest id). The other runs delete only the copy they made themselves
        (never when a lost answer leaves it unsure whose it is) and take the first one. Returns
        the items that took another run's resource."""
        found = self.namesakes(items) if items else None
        adopted = []
        for item in items if found else ():
            own = item.result
            winner = survivor(own, found.get(item.index), self.deleting)
            if winner is None or winner['id'] == own['id']:  # snapshots always show their creation time
                continue
            if not item.certain:
                note = ('the create of this run lost its answer, so %s %s is left as it is: it may be the '
                        "other run's" % (self.kind, own['id']))
            else:
                try:
                    self.discard(item, own)
                    note = 'this run deleted its own copy (id %s)' % own['id']
                except (CloudError, ResourceError) as exc:
                    note = 'its own copy (id %s) could not be deleted: %s' % (own['id'], getattr(exc, 'msg', None) or exc)
            self.module.warn('%s was also created by another run at the same time (id %s, made first); %s, and '
                             'takes that one' % (self.label(item), winner['id'], note))
            # the net effect of this run on the item is none: the other run made it
            item.action = 'none' if winner.get('status') in self.stable else 'wait'
            item.current = item.result = winner
            adopted.append(item)
        return adopted

    def needs_wait(self, item):
        if item.error:
            return False
        if item.action == 'delete' or (item.action == 'wait' and self.params['state'] == 'absent'):
            return True
        return item.result is not None and item.result.get('status') not in self.stable

    def wait_for_all(self, items):
        """Poll until every item reached its wanted state, or failed, or the time is up."""
        pending = dict((item.index, item) for item in items)
        absent = self.params['state'] == 'absent'

        def fetch():
            found = self.poll(list(pending.values()))
            for index, item in list(pending.items()):
                resource = found.get(index)
                status = (resource or {}).get('status')
                if absent:
                    item.result = None if resource is None else resource
                    if resource is None:
                        del pending[index]
                    elif is_failure_status(status):
                        item.error = '%s went to status %s while being deleted' % (self.label(item), status)
                        del pending[index]
                    continue
                item.result = resource
                if resource is None:
                    item.error = '%s vanished while waiting for it to become %s' % (
                        self.label(item), ' or '.join(self.stable))
                    del pending[index]
                elif status in self.stable:
                    del pending[index]
                elif is_failure_status(status):
                    item.error = '%s went to status %s while waiting for it to become %s' % (
                        self.label(item), status, ' or '.join(self.stable))
                    del pending[index]
            return pending

        try:
            self.waiter().poll(
                fetch, '%d %ss' % (len(pending), self.kind), 'deleted' if absent else ' or '.join(self.stable),
                status_of=lambda left: '%d pending' % len(left), done=lambda left, status: not left,
                failed=lambda left, status: False)
        except WaitTimeout as exc:
            raise ResourceError('timed out after %ss waiting for %d of %d %ss to become %s: %s' % (
                exc.timeout, len(pending), len(items), self.kind, exc.wanted,
                summarise(list(pending.values()), lambda item: '%s (%s)' % (
                    self.label(item), (item.result or {}).get('status')))), **self.report())

    def report(self):
        result = {'changed': any(item.changed for item in self.items),
                  self.items_option: [self.item_result(item) for item in self.items]}
        if self.diff_mode:
            changed = [item for item in self.items if item.changed]
            result['diff'] = {
                'before': dict((self.label(item), self.diff_view(item, item.current)) for item in changed
                               if item.current is not None),
                'after': dict((self.label(item), self.diff_view(item, item.result, after=True)) for item in changed
                              if item.action != 'delete')}
        failed = [item for item in self.items if item.error]
        if failed:
            # what was sent stays reported: the items that did not fail are done
            result['changed'] = bool(self._client is not None and self._client.changes)
            raise ResourceError('%d of %d %s failed: %s' % (
                len(failed), len(self.items), self.items_option, summarise(failed, lambda item: item.error)), **result)
        return result

    def diff_view(self, item, resource, after=False):
        """Before/after of the fields that change (all given fields for a create)."""
        if item.action == 'create':
            return dict((k, v) for k, v in item.changes.items() if v is not None)
        if after:
            return dict(item.changes)
        return dict((k, (resource or {}).get(k)) for k in item.changes) if item.action == 'update' else \
            dict((k, (resource or {}).get(k)) for k in self.result_fields)

    def item_result(self, item):
        return {'index': item.index, 'action': item.action,
                'changed': item.changed and (self.check_mode or item.applied),
                'failed': bool(item.error), 'msg': item.error,
                self.kind: self.shape(item.result)}
