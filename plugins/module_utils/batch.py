# -*- coding: utf-8 -*-
# Copyright (c) dataprotection.evs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The batch base: many resources of one kind in one module call.

A loop over a resource module runs one module process per item (a few hundred ms each under
Ansible), and waits item after item. A batch module reads all items with a few list requests,
refuses the whole batch before any mutating request when an item cannot be done, sends every
change (``CONCURRENT_CHANGES`` at a time), then waits for all of them together with one read per
poll round.

A subclass names ``items_option``, ``kind``, ``result_fields`` and implements ``read`` (GETs
only: ``item.current`` for every item), ``plan`` (the action and the changes, or a refusal),
``apply`` (the mutating requests of one item), ``poll`` (one read of all watched resources)
and ``label``. A change made of requests in a row that the cloud takes only one after the other
(an attach once the create is done): ``apply`` sends the first and leaves the others, as callables,
in ``item.then``; the engine sends each once a poll saw the one before done (also with ``wait:
false``), all items' together.

``ParentedBatchModule`` does all of that for resources that each belong to a parent (a snapshot
of a disk; later a backup of a disk): a subclass declares ``resource_type`` (how the engine reaches
the resources: ``evs.SnapshotsOfDisks`` is the interface), ``validate_item`` and the refusals
``refuse_create`` and ``refuse_delete``. The engine reads with one request per distinct name or
one listing, plans, creates once the parent is free (the cloud takes one at a time per parent),
waits for all together with one read per round and settles races with concurrent runs.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy
import threading

from ansible_collections.dataprotection.evs.plugins.module_utils.errors import CloudError, ResourceError
from ansible_collections.dataprotection.evs.plugins.module_utils.evs import (
    by_ref, looks_like_id, merge_metadata, metadata_matches, only_match)
from ansible_collections.dataprotection.evs.plugins.module_utils.module import EvsModule
from ansible_collections.dataprotection.evs.plugins.module_utils.waiters import WaitTimeout, is_failure_status

#: how many failed or pending items a message names before it says "and N more"
NAMED_IN_MESSAGES = 10
#: up to this many distinct names (or ids), each is read with its own request; above it, one
#: listing of the project's parents (or resources) takes fewer requests
READ_ONE_BY_ONE = 10
#: how many changes (creates, updates, deletes) a batch sends at once by default (the option
#: ``concurrency``, doc fragment ``batch``), each from a thread of its own: the cloud has no bulk
#: create, and 10,000 creates sent one after another wait for 10,000 answers in turn
#: (bench/RESULTS.md, section 10). Kept small: while the cloud throttles (429, or 503 with
#: Retry-After), the client holds every thread back for the time it asks.
CONCURRENT_CHANGES = 8
#: the most ``concurrency`` takes: more threads only meet the cloud's rate limit sooner
MOST_CONCURRENT_CHANGES = 32


def look_up(refs, find_one, list_all, kind):
    """{name or id: the resource or None} for each of ``refs``: one request each (``find_one``), or
    one listing (``list_all``) when there are more than READ_ONE_BY_ONE; an ambiguous name is an error."""
    if len(refs) <= READ_ONE_BY_ONE:
        return dict((ref, find_one(ref)) for ref in refs)
    listed = list_all()
    return dict((ref, by_ref(listed, ref, kind)) for ref in refs)


def grouped(found, key):
    """{value of ``key``: the resources of ``found`` with it, in their order}, in one pass (a scan of
    everything per item grows with the square of the batch)."""
    index = {}
    for resource in found:
        index.setdefault(resource.get(key), []).append(resource)
    return index


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
        #: the requests of a change made of several in a row (a detach, then an attach), after the
        #: one ``apply`` sends: each a callable that sends one and answers the resource, sent once
        #: the cloud finished the one before (``send_next_steps``)
        self.then = []

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
    #: ``concurrency``: the changes sent at once (one at a time through a session that threads
    #: cannot share: ``Client.concurrent``)
    engine_argument_spec = dict(concurrency=dict(type='int', default=CONCURRENT_CHANGES))
    #: the result's ``counts`` (None: no counts): ``(key of the number of items, {action: key},
    #: key of any other action)``, e.g. ``('backups', {'create': 'replicated'}, 'existing')``
    counted = None

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

    def lane(self, item):
        """The changes of the items of one lane are sent one after another, in the batch's order
        (the cloud takes them one at a time); different lanes at once. Default: each item its own."""
        return item.index

    # --- the common flow
    def validate(self):
        self.validate_range('concurrency', self.params['concurrency'], 1, MOST_CONCURRENT_CHANGES)
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
        self.send_changes([item for item in self.items if item.changed])
        self.send_next_steps()
        if self.params['wait']:
            self.wait_for_all([item for item in self.items if self.needs_wait(item)])
        adopted = self.settle_races([item for item in self.items
                                     if item.action == 'create' and item.applied and not item.error])
        if self.params['wait'] and adopted:
            self.wait_for_all([item for item in adopted if self.needs_wait(item)])
        return self.report()

    def change(self, item):
        """Send ``item``'s change (or, once it is applied, the next request of it: ``item.then``);
        a refusal of the cloud is the item's error, not the batch's."""
        recovered = self.client.recovered_here()
        try:
            if item.applied:
                item.result = item.then.pop(0)()
                return
            item.result = self.apply(item)
            item.applied = True
            item.certain = self.client.recovered_here() == recovered
        except CloudError as exc:
            item.error = '%s cannot be %sd: %s' % (self.label(item), item.action, exc)

    def send_next_steps(self):
        """The changes made of requests in a row (``item.then``): all items' next requests once the
        cloud finished their previous ones, waited for together (also with ``wait: false``: the cloud
        refuses the next request until then)."""
        while True:
            items = [item for item in self.items if item.then and item.applied and not item.error]
            if not items:
                return
            self.wait_for_all(items, gone=False)
            self.send_changes([item for item in items if not item.error])

    def send_changes(self, items):
        """Send the changes of ``items``: each lane's one after another, ``concurrency`` lanes
        at once. Any other error than the cloud's refusal of a change (a wait for a parent
        that timed out) stops the batch as it would one after another: no change starts after it,
        the ones under way finish, and the error of the first such item is raised."""
        lanes = {}
        for item in items:
            lanes.setdefault(self.lane(item), []).append(item)
        workers = min(self.params['concurrency'], len(lanes)) if self.client.concurrent else 1
        if workers <= 1:
            for item in items:
                self.change(item)
            return
        waiting = iter(sorted(lanes.values(), key=lambda lane: lane[0].index))
        lock = threading.Lock()
        stopped = []

        def work():
            while True:
                with lock:
                    lane = None if stopped else next(waiting, None)
                for item in lane or ():
                    if stopped:
                        return
                    try:
                        self.change(item)
                    except Exception as exc:  # re-raised below, in the module's own thread
                        with lock:
                            stopped.append((item.index, exc))
                        return
                if lane is None:
                    return

        threads = [threading.Thread(target=work, name='batch-change-%d' % n) for n in range(workers)]
        for thread in threads:
            thread.daemon = True
            thread.start()
        for thread in threads:
            thread.join()
        if stopped:
            raise min(stopped, key=lambda failure: failure[0])[1]

    def settle_races(self, items):
        """Two runs at once (AWX schedules, cron and a person can overlap): when a concurrent run
        created a namesake of an item's new resource too, every run keeps the first made (oldest
        ``created_at``, then smallest id). The other runs delete only the copy they made themselves
        (never when a lost answer leaves it unsure whose it is) and take the first one. Returns
        the items that took another run's resource."""
        # imported after creates only: a batch with nothing to create does not load it
        from ansible_collections.dataprotection.evs.plugins.module_utils.races import survivor
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

    def wait_for_all(self, items, gone=None):
        """Poll until every item reached its wanted state (``gone``: deleted; default: with ``state:
        absent``), or failed, or the time is up."""
        pending = dict((item.index, item) for item in items)
        absent = self.params['state'] == 'absent' if gone is None else gone

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
        """The result: ``changed``, one row per item (``item_result``), ``counts`` when declared
        (``counted``), ``diff`` in diff mode; items that failed make it a failure that carries it."""
        result = {'changed': any(item.changed for item in self.items),
                  self.items_option: [self.item_result(item) for item in self.items]}
        if self.counted:
            result['counts'] = self.counts()
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
            result['changed'] = self.changed_anything
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

    def counts(self):
        """How many items there are and how many took each action (``counted``); a failed one counts
        as ``failed``."""
        total, by_action, otherwise = self.counted
        counted = dict(((key, 0) for key in list(by_action.values()) + [otherwise, 'failed']), **{total: len(self.items)})
        for item in self.items:
            counted['failed' if item.error else by_action.get(item.action, otherwise)] += 1
        return counted

    def item_row(self, item):
        """What every item's row of the result has: its index, action, whether it changed (sent, or
        predicted in check mode), whether it failed and why."""
        return {'index': item.index, 'action': item.action,
                'changed': item.changed and (self.check_mode or item.applied),
                'failed': bool(item.error), 'msg': item.error}

    def item_result(self, item):
        return dict(self.item_row(item), **{self.kind: self.shape(item.result)})


class ParentedBatchModule(BatchModule):
    """present/absent for a list of resources that each belong to a parent (``parent_option``),
    all of the same ``name``, ``description``, ``metadata``, ``force`` and ``owner_metadata``
    unless an element gives its own (``parents_option``: the short form, a list of parents)."""

    parent_option = 'disk'
    parents_option = 'disks'
    shared_options = ('description', 'metadata', 'force', 'owner_metadata')
    #: the class that reaches the resources (``evs.SnapshotsOfDisks``), built with the EVS client
    resource_type = None

    # --- what a subclass implements
    def refuse_create(self, item):
        """Why the item's resource cannot be created on ``item.parent`` (None: it can)."""

    def refuse_delete(self, current):
        """Why ``current`` cannot be deleted now (None: it can)."""

    @property
    def resources(self):
        if getattr(self, '_resources', None) is None:
            self._resources = self.resource_type(self.evs)
        return self._resources

    # --- validate: the short form and the shared options filled in, every element once
    def validate(self):
        params = self.params
        if params[self.parents_option] is not None:
            params[self.items_option] = [{self.parent_option: parent, 'name': params['name']}
                                         for parent in params[self.parents_option]]
        for element in params[self.items_option]:
            for option in self.shared_options:
                if element.get(option) is None:
                    element[option] = params[option]
            owner = dict((str(k), str(v)) for k, v in (element['owner_metadata'] or {}).items())
            element['owner_metadata'] = owner
            if owner and params['state'] == 'present':
                element['metadata'] = dict(element['metadata'] or {})
                element['metadata'].update(owner)
        super(ParentedBatchModule, self).validate()
        seen = {}
        for item in self.items:
            key = (item.params[self.parent_option], item.params['name'])
            if key in seen:
                raise ResourceError("%s[%d] and %s[%d] both name %s '%s' of %s '%s'; nothing was changed" % (
                    self.items_option, seen[key], self.items_option, item.index, self.kind, key[1],
                    self.parent_option, key[0]))
            seen[key] = item.index

    # --- read
    def read(self, items):
        parents = self.read_parents(set(item.params[self.parent_option] for item in items))
        for item in items:
            item.parent = parents[item.params[self.parent_option]]
        found = self.by_parent(self.read_named(set(item.params['name'] for item in items if item.parent is not None)))
        for item in items:
            if item.parent is not None:
                item.current = self.match(found.get(item.parent['id'], []), item.params['name'], item.parent)
        creating_on = set(item.parent['id'] for item in items if item.parent is not None and item.current is None)
        self.siblings = self.read_siblings(creating_on) if self.params['state'] == 'present' else {}
        self.planned = {}

    def read_parents(self, refs):
        """{parent name or id: the parent or None}; an ambiguous name is an error."""
        resources = self.resources
        return look_up(refs, resources.find_parent, resources.list_parents, resources.parent_kind)

    def read_named(self, refs):
        """The resources with one of these names or ids: one request per name or id, or one
        listing of the project when there are more."""
        resources = self.resources
        if len(refs) > READ_ONE_BY_ONE:
            return resources.list()
        found = []
        for ref in sorted(refs):
            resource = resources.get(ref) if looks_like_id(ref) else None
            found.extend([resource] if resource else resources.list(name=ref))
        return found

    def read_siblings(self, parent_ids):
        """{parent id: its resources} for the parents that get a new one (the per-parent limit and
        the one-at-a-time rule): one request per parent, or one listing of the project."""
        resources = self.resources
        if len(parent_ids) <= READ_ONE_BY_ONE:
            return dict((parent_id, resources.list(parent_id=parent_id)) for parent_id in sorted(parent_ids))
        everything = self.by_parent(resources.list())
        return dict((parent_id, everything.get(parent_id, [])) for parent_id in parent_ids)

    def by_parent(self, found):
        """{parent id: its resources among ``found``, in their order}: what each item looks at."""
        return grouped(found, self.resources.parent_key)

    def match(self, mine, ref, parent):
        """The resource ``ref`` (name or id) among ``mine``, the resources of ``parent``."""
        by_id = [r for r in mine if r['id'] == ref]
        return by_id[0] if by_id else only_match([r for r in mine if r.get('name') == ref], self.kind, ref,
                                                 " of %s '%s'" % (self.resources.parent_kind, parent.get('name')))

    # --- plan
    def foreign(self, item):
        """Why the existing resource is not the owner's (None when it is, or no owner is given)."""
        owner = item.params['owner_metadata']
        metadata = (item.current or {}).get('metadata') or {}
        wrong = sorted(k for k, v in owner.items() if k not in metadata or str(metadata[k]) != v) if item.current else []
        if not wrong:
            return None
        return ('%s was not made by its owner: it lacks the marks %s (it has %s), so it is left untouched, never '
                'adopted, re-marked or deleted; rename or delete it by hand' % (
                    self.label(item), ', '.join('%s=%s' % (k, owner[k]) for k in wrong),
                    ', '.join('%s=%s' % (k, metadata[k]) if k in metadata else 'no %s' % k for k in wrong)))

    def plan(self, item):
        current = item.current
        item.error = self.foreign(item)
        if item.error:
            return None
        if self.params['state'] == 'absent':
            if current is None:
                return None
            if current.get('status') in self.deleting:
                item.action = 'wait'
                return None
            item.action = 'delete'
            return self.refuse_delete(current)
        if item.parent is None:
            return 'the %s does not exist' % self.resources.parent_kind
        if current is None:
            item.action = 'create'
            item.changes = self.resources.planned(item.params, item.parent)
            return self.refuse_create(item) or self.plan_parent_rules(item)
        if current.get('status') in self.transitional:
            item.action = 'wait'
        wanted = {}
        if item.params['description'] is not None and item.params['description'] != (current.get('description') or ''):
            wanted['description'] = item.params['description']
        if item.params['metadata'] is not None:
            metadata = merge_metadata(current.get('metadata'), item.params['metadata'], False)
            if metadata != dict((k, str(v)) for k, v in (current.get('metadata') or {}).items()):
                wanted['metadata'] = metadata
        if wanted:
            item.action, item.changes = 'update', wanted
        return None

    def plan_parent_rules(self, item):
        """The cloud's per-parent rules for a new resource: a limit, and one at a time (a parent
        still busy, or given twice in this batch, is waited for)."""
        resources, parent_id = self.resources, item.parent['id']
        self.planned[parent_id] = self.planned.get(parent_id, 0) + 1
        siblings = self.siblings.get(parent_id, [])
        problem = resources.limit_problem(item.parent, siblings, self.planned[parent_id])
        if problem:
            return problem + (' (this batch adds %d)' % self.planned[parent_id] if self.planned[parent_id] > 1 else '')
        busy = resources.busy_with(item.parent, siblings) if self.planned[parent_id] == 1 else \
            'this batch takes another %s of the %s first' % (self.kind, resources.parent_kind)
        item.wait_free = busy is not None
        if busy and not self.params['wait']:
            return ('%s, and %s takes one %s of a %s at a time; run again later or with wait: true to wait for it'
                    % (busy, resources.service_name, self.kind, resources.parent_kind))
        return None

    # --- apply
    def apply(self, item):
        resources = self.resources
        if item.action == 'create':
            if item.wait_free:  # the cloud would refuse it until the parent is free
                resources.until_free(self.waiter(), item.parent, self.label(item))
            return resources.create(item.changes, item.params)
        if item.action == 'update':
            return resources.update(item.current, item.changes)
        resources.delete(item.current['id'])
        return item.current

    def namesakes(self, items):
        """The resources of each item's name on its parent that its owner made (a foreign one is
        never taken, as in ``plan``)."""
        found = self.by_parent(self.read_named(set(item.params['name'] for item in items)))
        return dict((item.index, [r for r in found.get(item.parent['id'], []) if r.get('name') == item.params['name']
                                  and metadata_matches(r.get('metadata'), item.params.get('owner_metadata'))])
                    for item in items)

    def discard(self, item, own):
        if own.get('status') in self.transitional:
            own = self.waiter().for_status(lambda: self.resources.get(own['id']), self.label(item),
                                           wanted=self.stable)
        self.resources.delete(own['id'])

    def poll(self, items):
        ids = dict(((item.result or item.current)['id'], item.index) for item in items)
        names = set((item.result or item.current).get('name') for item in items)
        resources = self.resources
        if len(ids) <= READ_ONE_BY_ONE:
            found = [r for r in (resources.get(i) for i in ids) if r]
        elif len(names) <= READ_ONE_BY_ONE:
            found = [r for name in sorted(names) for r in resources.list(name=name)]
        else:
            found = resources.list()
        return dict((ids[r['id']], r) for r in found if r['id'] in ids)

    def lane(self, item):
        """The changes of one parent go one after another (the cloud takes one snapshot or backup of a
        disk at a time; a later one waits until the disk is free)."""
        return item.parent['id']

    def label(self, item):
        return self.resources.describe(item.current or {'name': item.params['name']},
                                       getattr(item, 'parent', None) or {'name': item.params[self.parent_option]})
