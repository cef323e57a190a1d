# -*- coding: utf-8 -*-
# Copyright (c) dataprotection.evs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The module base: connection options, validation, find, plan, check mode, apply, wait, diff.

A resource module subclasses ``ResourceModule`` and names its ``argument_spec``, ``kind``,
``result_key``, ``updatable`` and implements ``find``, ``label``, ``desired``, ``create``,
``update``, ``delete`` (and optionally ``validate``, ``check_create``, ``check_update``,
``check_delete``). An ``*_info`` module declares an ``info.Info`` (what to list, filter, order and
return) that the info engine (``info.py``) runs; a batch module subclasses ``batch.BatchModule``.
Anything else subclasses ``EvsModule`` and implements ``run``.

Engines wait, modules never do. A module declares what a request started and the base waits
for it (with ``wait: true``; ``wait: false`` returns at once). ``create``, ``update``,
``delete`` (and ``find``) return either the resource (nothing to wait for), or a
``waiters.Pending``: the resource as the cloud answered, then the steps to wait through, in
order: ``Job`` (an async job, then the next steps), ``Status`` (the resource, read by
``fetch``, reaches a status), ``Gone`` (``fetch`` answers None), ``Listed`` (a listing shows
it), ``Until`` (any condition, e.g. ``EVS.until_free``: the disk takes no snapshot), and
``Then`` (not a wait: read the resource, e.g. by the id the job names). For requests in a
row (detach, then attach) the method is a generator: each ``yield`` of a Pending gets back the
resource its waits ended with; the last one is the result. ``before_create`` declares a
precondition the base waits for before the create is sent. ``Pending(..., always=True)`` waits
even with ``wait: false`` (the next request needs it). An existing resource in a
``transitional`` status is waited for until ``stable`` (``settled()``) before it is compared;
one in ``deleting`` is waited for until gone with ``state: absent``; one whose status is not in
``deletable`` (when declared) is refused before a delete.

A sketch (see ``plugins/modules/snapshot.py`` for the real thing)::

    class ThingModule(ResourceModule):
        argument_spec = dict(name=dict(type='str', required=True),
                             state=dict(type='str', choices=['present', 'absent'], default='present'),
                             description=dict(type='str'))
        kind = result_key = 'thing'
        result_fields = ('id', 'name', 'description', 'status')
        updatable = ('description',)
        server_defaults = {'description': ''}

        def find(self):                    # GETs only; None when missing
            return self.evs.find_thing(self.params['name'])

        def fetch(self, resource_id):      # what the waits read
            return self.evs.get_thing(resource_id)

        def desired(self, current):        # None = the user did not set it: never a change
            return {'name': self.params['name'], 'description': self.params['description']}

        def create(self, desired):         # POST; the base waits until it is available
            return Pending(self.evs.create_thing(desired), Status())

        def update(self, current, changes):  # only the changed updatable fields
            return self.evs.update_thing(current['id'], changes)

        def delete(self, current):         # the base waits until it is gone
            self.evs.delete_thing(current['id'])
            return Pending(current, Gone())

        # or, a create with a precondition, then a job, then the resource:
        def before_create(self, desired):
            return Pending(self.disk, self.evs.until_free(self.disk, self.label(None)))

        def create(self, desired):
            job_id = self.service.create_thing(desired)
            return Pending(None, Job(job_id, self.service.get_job, 'job of ' + self.label(None)),
                           Then(lambda progress: self.service.find_thing(desired['name'])), Status())

    def main():
        ThingModule.execute()

Option checks are declared where they can be: ``checked_texts`` (length in UTF-8 bytes, not
empty), ``checked_ranges`` (an integer's bounds), ``checked_together`` (options given both or
neither), ``checked_present`` (required with ``state: present``), ``checked_other_region`` (a region
other than the connection's), ``fixed`` (options set only at the create, refused when they differ
from the existing resource); ``validate`` adds what a declaration cannot say. A module that works
in a second region asks ``client_for_region`` for its client: the base counts that client's changes
too (a failed run that changed something there reports ``changed``). The
per-service declarations live next to their API layer: ``evs.EvsResource`` (fetch/update/delete of a
volume or snapshot by its EVS kind), ``sdrs.GroupMember`` and ``sdrs.AttachedMember`` (what lives in
a protection group), ``sdrs.group_steps`` and ``GROUP_ACTION_CARRIED_OUT`` (the group actions).

Check mode across parents (``predicted.py``): a module that would create a parent (``referable``)
answers, in check mode, ``predicted_ref``, a placeholder a later task of the same check run passes
as the parent of what it creates; an option the module declares in ``parent_options`` takes it in
check mode only (``predicted_parent``: the module predicts under a parent that has no member yet),
any other option and any real run refuse it before any request, the client never sends one, and a
prediction shows it as null (an id only the real run knows).

The base validates (declared checks, then ``validate``), resolves the connection settings, calls ``find``, plans,
refuses through ``check_*`` before any mutating request, predicts in check mode, applies, waits
(``finish``), and reports ``changed``, the resource (``result_fields``, snake_case) and, in diff
mode, ``diff``. A ResourceError's ``msg`` becomes the failure message; a CloudError becomes
``error``; a timeout names what it waited for (the step's label) and the last status.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy
import re
import traceback
import types

from ansible.module_utils.basic import AnsibleModule, missing_required_lib

from ansible_collections.dataprotection.evs.plugins.module_utils.client import (
    Client, HAS_REQUESTS, REQUESTS_IMPORT_ERROR, client_for_region)
from ansible_collections.dataprotection.evs.plugins.module_utils.config import AUTH_KEYS, SECRET_KEYS, resolve_settings
from ansible_collections.dataprotection.evs.plugins.module_utils.errors import (
    CloudError, ConfigError, ResourceError)
from ansible_collections.dataprotection.evs.plugins.module_utils.evs import EVS, merge_metadata
from ansible_collections.dataprotection.evs.plugins.module_utils.predicted import (
    blanked, is_placeholder, name_of, placeholder, placeholders)
from ansible_collections.dataprotection.evs.plugins.module_utils.token_cache import TokenCache
from ansible_collections.dataprotection.evs.plugins.module_utils.waiters import (
    Gone, Pending, Progress, Status, Waiter, WaitTimeout)


def auth_argument_spec():
    """The ``auth`` option's keys: clouds.yaml's (``config.AUTH_KEYS``), its secrets never logged. ``ak``,
    the access key's id, is said not to be one."""
    options = dict((key, dict(type='str', no_log=True) if key in SECRET_KEYS else dict(type='str')) for key in AUTH_KEYS)
    options['ak']['no_log'] = False
    return options


def connection_argument_spec():
    """The options every module has (documented once in the ``connection`` doc fragment); the
    aliases are openstack.cloud's names, so its users' module_defaults work here too."""
    return dict(
        cloud=dict(type='str'),
        auth=dict(type='dict', options=auth_argument_spec()),
        auth_type=dict(type='str'),
        region=dict(type='str', aliases=['region_name']),
        interface=dict(type='str', choices=['public', 'internal', 'admin'], aliases=['endpoint_type']),
        endpoints=dict(type='dict'),
        validate_certs=dict(type='bool', aliases=['verify']),
        ca_cert=dict(type='path', aliases=['cacert']),
        api_timeout=dict(type='int'),
        wait=dict(type='bool', default=True),
        wait_timeout=dict(type='int', default=600, aliases=['timeout']),
    )


def metadata_argument_spec():
    """``metadata`` + ``purge_metadata`` (documented in the ``metadata`` doc fragment)."""
    return dict(
        metadata=dict(type='dict'),
        purge_metadata=dict(type='bool', default=False),
    )


_SNAKE_RE = re.compile(r'[^0-9a-zA-Z]+')


def snake_key(key):
    key = re.sub(r'([a-z0-9])([A-Z])', r'\1_\2', key)
    return _SNAKE_RE.sub('_', key).strip('_').lower()


def snake_resource(resource):
    """Top-level keys in snake_case (``os-vol-host-attr:host`` -> ``os_vol_host_attr_host``);
    user data such as ``metadata`` keeps its keys."""
    if resource is None:
        return None
    return dict((snake_key(k), v) for k, v in resource.items())


class EvsModule:
    """Base of every module: builds the AnsibleModule, the client and the failure reporting."""

    argument_spec = {}
    module_kwargs = {}
    #: words for messages: "disk", "snapshot"
    kind = 'resource'
    #: the keys of a returned resource (a check-mode prediction has the same)
    result_fields = ()
    #: the module's action plugin waits in steps of ``progress_interval`` (plugin_utils/waiting.py):
    #: only for a module whose rerun resumes a wait it gave up on
    waits_in_steps = False
    #: option checks the base runs before ``validate`` (and before any request): text options as
    #: ``(option, most UTF-8 bytes, required)``, integer options as ``(option, lowest, highest)``
    checked_texts = ()
    checked_ranges = ()
    #: options that go together (both given, or neither): ``((option, other), why)``
    checked_together = ()
    #: options required with ``state: present`` (a blank text is missing): ``(option, why)``; ``why``
    #: may name other options' values as ``%(option)s``
    checked_present = ()
    #: an option naming a region that must not be the connection's: ``(option, why)``
    checked_other_region = None
    #: the declared checks run only with ``state: present`` (what ``state: absent`` ignores)
    checked_when_present = False
    #: options naming a parent that may be the placeholder a check-mode prediction of its create
    #: answered as ``predicted_ref`` (module_utils/predicted.py): in check mode the module then
    #: predicts under a parent this check run would create (``predicted_parent``); refused otherwise.
    #: An option of a list's elements is named ``list[].option``.
    parent_options = ()
    #: options an engine adds to every module built on it (documented in the engine's doc fragment)
    engine_argument_spec = {}

    def __init__(self):
        spec = connection_argument_spec()
        if self.waits_in_steps:
            spec['progress_interval'] = dict(type='int', default=60)
        spec.update(copy.deepcopy(self.engine_argument_spec))
        spec.update(copy.deepcopy(self.argument_spec))
        self.module = AnsibleModule(argument_spec=spec, supports_check_mode=True, **self.module_kwargs)
        self.params = self.module.params
        self.check_mode = self.module.check_mode
        self.diff_mode = getattr(self.module, '_diff', False)
        self.settings = None
        self._client = None
        self._region_clients = {}
        self._evs = None

    # -------------------------------------------------------------- helpers
    def shape(self, resource, fields=None):
        """The result: the API's fields in snake_case, restricted to ``fields`` (default
        ``result_fields``) when set, so a real result and a check-mode prediction have the same keys."""
        resource = snake_resource(resource)
        fields = fields or self.result_fields
        if resource is None or not fields:
            return resource
        return dict((field, resource.get(field)) for field in fields)

    @property
    def client(self):
        if self._client is None:
            if self.settings is None:
                self.settings = resolve_settings(self.params)
            self._client = Client(self.settings, token_cache=TokenCache.from_environment())
        return self._client

    def client_for_region(self, region, project_id=None):
        """The same user's client in its project of ``region`` (one per region and project); the
        changes it sends count as this run's, like those of ``client``."""
        key = (region, project_id)
        if key not in self._region_clients:
            self._region_clients[key] = client_for_region(self.client, region, project_id)
        return self._region_clients[key]

    @property
    def changed_anything(self):
        """Whether the cloud accepted a change of this run, in any region: a run that fails after
        that did change something."""
        clients = ([self._client] if self._client is not None else []) + list(self._region_clients.values())
        return any(client.changes for client in clients)

    @property
    def evs(self):
        if self._evs is None:
            self._evs = EVS(self.client)
        return self._evs

    def waiter(self):
        return Waiter(timeout=self.params['wait_timeout'])

    def cloud_time(self):
        """The cloud's current time, ISO 8601 UTC (``2026-11-25T10:00:00Z``), from the Date header of
        the last answer in any region (``client_for_region``'s clients share the clock of ``client``);
        None when this run has no answer to tell it (no request sent): never this machine's clock
        passed off as the cloud's."""
        if self._client is None or not self._client.clock.answered:
            return None
        return self._client.cloud_now().strftime('%Y-%m-%dT%H:%M:%SZ')

    def validate_text(self, option, value, limit=255, required=False):
        """Refuse a text longer than the cloud accepts (counted in UTF-8 bytes), or an empty
        (or blank) one when ``required``. A placeholder (``predicted.py``) is checked as the name it
        stands for."""
        value = name_of(value) if is_placeholder(value) else value
        if required and (value is None or not value.strip()):
            raise ResourceError('%s must not be empty' % option)
        if value is not None and len(value.encode('utf-8')) > limit:
            raise ResourceError('%s is too long: %d bytes, at most %d' % (
                option, len(value.encode('utf-8')), limit))

    def validate_range(self, option, value, low, high):
        if value is not None and not low <= value <= high:
            raise ResourceError('%s must be between %d and %d, not %d' % (option, low, high, value))

    def fail(self, msg, error=None, **result):
        if error is not None:
            result['error'] = error
        if 'resource' in result:  # a partial result (e.g. the resource a wait gave up on)
            partial = result.pop('resource')
            key = getattr(self, 'result_key', None)
            if key and partial is not None:
                result[key] = self.shape(partial)
        self.module.fail_json(msg=msg, **result)

    # ----------------------------------------------------------- lifecycle
    def validate_declared(self):
        """The checks ``checked_texts``, ``checked_ranges``, ``checked_together``, ``checked_present``
        and ``checked_other_region`` declare, in that order."""
        params = self.params
        present = params.get('state', 'present') == 'present'
        if self.checked_when_present and not present:
            return
        for option, limit, required in self.checked_texts:
            self.validate_text(option, params[option], limit=limit, required=required)
        for option, low, high in self.checked_ranges:
            self.validate_range(option, params[option], low, high)
        for options, why in self.checked_together:
            if len(set(bool(params[option]) for option in options)) > 1:
                raise ResourceError('%s go together: %s' % (' and '.join(options), why))
        for option, why in self.checked_present if present else ():
            if not (params[option] or '').strip():
                raise ResourceError('%s is required %s' % (option, why % params))
        if self.checked_other_region:
            option, why = self.checked_other_region
            region = resolve_settings(params).get('region')
            if params[option] == region:
                raise ResourceError("%s '%s' is the region of the connection: %s" % (option, region, why))

    def refuse_placeholders(self):
        """A placeholder stands for a parent that only a check run's prediction has: taken in check
        mode by a ``parent_options`` option, refused anywhere else before any request."""
        for option, value in placeholders(self.params):
            if not self.check_mode:
                raise ResourceError("%s is '%s', the placeholder of a check run's prediction of a create: it names "
                                    'nothing on the cloud, and only a check run takes it; a real run gives the '
                                    'name or id of a resource that exists' % (option, value))
            if re.sub(r'\[\d+\]', '[]', option) not in self.parent_options:
                raise ResourceError("%s is '%s', the placeholder of a check run's prediction of a create: %s takes "
                                    'none in %s' % (option, value, self.kind, option))

    def predicted_parent(self, option):
        """Whether ``option`` names a parent that this check run would create (its placeholder)."""
        return is_placeholder(self.params.get(option))

    def validate(self):
        """Check option values before any request (after the declared checks); raise
        ResourceError to refuse."""

    def run(self):
        """Do the work and return the result dict (without ``changed`` for info modules)."""
        raise NotImplementedError

    def main(self):
        if not HAS_REQUESTS:
            self.module.fail_json(msg=missing_required_lib('requests'), exception=str(REQUESTS_IMPORT_ERROR))
        failure = None
        try:
            if (self.params.get('progress_interval') or 0) < 0:
                raise ResourceError('progress_interval must be 0 (no progress lines) or more seconds, not %d'
                                    % self.params['progress_interval'])
            self.validate_declared()
            self.refuse_placeholders()
            self.validate()
            self.settings = resolve_settings(self.params)
            result = self.run()
            if self.check_mode:  # a parent's placeholder shows as null, as an id only the real run knows
                result = blanked(result)
        except WaitTimeout as exc:
            # what the action plugin needs to go on waiting in the next step (plugin_utils/waiting.py)
            failure = dict(exc.result, msg=exc.msg, error=exc.error_dict(), timed_out=dict(
                waiting_for=exc.label, to_become=exc.wanted, last_status=exc.last_status))
        except ResourceError as exc:
            failure = dict(exc.result, msg=exc.msg, error=exc.error_dict())
        except CloudError as exc:
            failure = dict(msg=str(exc), error=exc.to_dict())
            if exc.region:  # which region failed, when a run reaches two
                failure['region'] = exc.region
        except ConfigError as exc:
            failure = dict(msg='connection settings: %s' % exc)
        except Exception as exc:  # keep the traceback, never the parameters
            failure = dict(msg='unexpected error: %s' % exc, exception=traceback.format_exc())
        # fail outside the except blocks: ansible-core 2.19 would otherwise report every
        # expected refusal as "An exception occurred during task execution"
        if failure is not None:
            failure['changed'] = self.changed_anything
            self.fail(**failure)
        self.module.exit_json(**result)

    @classmethod
    def execute(cls):
        cls().main()


class ResourceModule(EvsModule):
    """A present/absent resource: find, plan, check mode, apply, wait, diff.

    ``updatable``: the fields ``desired()`` may return that an update can change.
    ``server_defaults``: what the cloud shows for a field the user never set (so that a
    missing value and the default are not a change), e.g. ``{'description': ''}``.
    ``result_fields``: the keys a real result has (a check-mode prediction has the same).
    """

    result_key = 'resource'
    updatable = ()
    server_defaults = {}
    #: an existing resource in one of these statuses is waited for (``wait: true``) until it
    #: reaches one of ``stable`` before it is compared, so a rerun after ``wait: false`` or a
    #: timeout picks it up instead of failing or creating a second one
    transitional = ('creating',)
    stable = ('available',)
    #: an existing resource in this status is already on its way out: ``state: absent`` waits
    #: for it (``wait: true``) and reports no change instead of deleting it again
    deleting = ('deleting',)
    #: the statuses in which the cloud accepts a delete (None: any); another is refused before any
    #: request, after ``check_delete``
    deletable = None
    #: the options set only at the create: one that differs from the existing resource's field of
    #: the same name is refused (before ``check_update``)
    fixed = ()
    #: whether a check-mode prediction of a create answers ``predicted_ref``, the placeholder a
    #: later task passes where this resource is the parent (module_utils/predicted.py)
    referable = False

    # --- what a subclass implements
    def find(self):
        """The current resource (names resolved to ids) or None."""
        raise NotImplementedError

    def label(self, resource):
        """The resource in user terms: "snapshot 'daily' of disk 'db01'"."""
        return "%s '%s'" % (self.kind, self.params.get('name'))

    def desired(self, current):
        """The fields the user asked for (normalised, None = not set)."""
        raise NotImplementedError

    def fetch(self, resource_id):
        """The resource by id (None when gone); needed to wait for a transitional one."""
        return None

    def settled(self):
        """The wait for a resource in a ``transitional`` status until it is ``stable`` (none for one
        in another status)."""
        return Status(self.stable, only_from=self.transitional)

    def settle(self, current):
        """``current`` once it is ``stable`` (``wait: true``), for an existing resource."""
        return self.finish(Pending(current, self.settled()))

    def finish(self, outcome):
        """Run the waits that ``outcome`` declares and answer the resource: ``outcome`` is what a
        ``find``, ``create``, ``update`` or ``delete`` returned: a resource (nothing to wait for), a
        ``Pending`` (its steps run with ``wait: true``, or ``always``), or a generator of those, for
        requests in a row: each yield gets the answer of what it yielded, the last answer is the result."""
        if isinstance(outcome, types.GeneratorType):
            answer = None
            while True:
                try:
                    step = outcome.send(answer)
                except StopIteration:
                    return answer
                answer = self.finish(step)
        if not isinstance(outcome, Pending):
            return outcome
        waiting = bool(self.params.get('wait')) or outcome.always
        progress = Progress(outcome.resource, self.fetch, self.label)
        waiter = self.waiter()
        for step in outcome.steps:
            if step.runs(waiting):
                step.run(waiter, progress)
        return progress.resource

    def desired_metadata(self, current, wanted):
        """Put into ``wanted`` the metadata the resource should end with (``metadata`` merged
        into the current keys, or replacing them with ``purge_metadata``)."""
        if self.params.get('metadata') is not None:
            wanted['metadata'] = merge_metadata((current or {}).get('metadata'), self.params['metadata'],
                                                self.params['purge_metadata'])
        return wanted

    def check_create(self, desired):
        """Refuse a create before any request (raise ResourceError)."""

    def check_update(self, current, changes):
        """Refuse an update before any request (raise ResourceError). Also called with no
        changes, so a setting that cannot change can be compared with the existing resource."""

    def check_delete(self, current):
        """Refuse a delete before any request (raise ResourceError)."""

    def refuse_fixed(self, current):
        for field in self.fixed:
            wanted = self.params[field]
            if wanted is not None and current.get(field) is not None and wanted != current.get(field):
                raise ResourceError('%s cannot be updated: %s is %s and cannot be changed to %s' % (
                    self.label(current), field, current.get(field), wanted))

    def refuse_delete(self, current):
        self.check_delete(current)
        if self.deletable is not None and current.get('status') not in self.deletable:
            raise ResourceError('%s cannot be deleted: it is %s' % (self.label(current), current.get('status')))

    def namesakes(self):
        """Every resource that answers to what this run creates (its name, and its disk or zone),
        GETs only, to find one that a concurrent run created at the same time; None (the default):
        the module does not look."""
        return None

    def before_create(self, desired):
        """What must be waited for before the create is sent (a precondition, e.g. the disk must
        take no other snapshot): a ``Pending`` the base runs just before ``create``, or None."""
        return None

    def create(self, desired):
        raise NotImplementedError

    def update(self, current, changes):
        raise NotImplementedError

    def delete(self, current):
        raise NotImplementedError

    def predict_create(self, desired):
        """What a create would return (check mode), in the shape of a real result."""
        resource = dict((field, None) for field in self.result_fields)
        resource.update(copy.deepcopy(self.server_defaults))
        resource.update((k, v) for k, v in desired.items() if v is not None)
        resource['status'] = 'available' if self.params.get('wait') else 'creating'
        return resource

    def predict_update(self, current, changes):
        resource = copy.deepcopy(current)
        resource.update(changes)
        return resource

    # --- the common flow
    def normalise(self, field, value):
        if value is None:
            value = self.server_defaults.get(field)
        if isinstance(value, dict):
            return dict((str(k), str(v)) for k, v in value.items())
        return value

    def plan_changes(self, current, desired):
        """The updatable fields whose wanted value differs from the current one."""
        changes = {}
        for field in self.updatable:
            wanted = desired.get(field)
            if wanted is None:
                continue
            if self.normalise(field, current.get(field)) != self.normalise(field, wanted):
                changes[field] = wanted
        return changes

    def _cloud_failure(self, action, label, exc):
        return ResourceError('%s cannot be %s: %s' % (label, action, exc.message or exc), cause=exc)

    def run(self):
        state = self.params.get('state', 'present')
        current = self.finish(self.find())
        if state == 'absent':
            return self.run_absent(current)
        return self.run_present(current)

    def run_absent(self, current):
        if current is None:
            return {'changed': False, self.result_key: None}
        label = self.label(current)
        if current.get('status') in self.deleting:
            if self.params.get('wait'):
                self.finish(Pending(current, Gone()))
                return {'changed': False, self.result_key: None}
            return {'changed': False, self.result_key: self.shape(current)}
        self.refuse_delete(current)
        if not self.check_mode:
            try:
                self.finish(self.delete(current))
            except CloudError as exc:
                raise self._cloud_failure('deleted', label, exc)
        result = {'changed': True, self.result_key: None}
        if self.diff_mode:
            fields = self.result_fields or sorted(current)
            result['diff'] = {'before': dict((k, current.get(k)) for k in fields), 'after': {}}
        return result

    def run_present(self, current):
        if current is not None:
            return self.run_existing(current)
        sent = self.client.changes
        desired = kept = None
        try:
            desired = self.desired(None)
            label = self.label(None)
            self.check_create(desired)
            if self.check_mode:
                resource = self.predict_create(desired)
            else:
                recovered = self.client.recovered
                try:
                    self.finish(self.before_create(desired))
                    resource = self.finish(self.create(desired))
                except CloudError as exc:
                    raise self._cloud_failure('created', label, exc)
                kept = self.settle_race(resource, certain=self.client.recovered == recovered)
        except ResourceError:
            # A run that created the resource between our find and our create makes our create
            # fail (a vault: its disks are in the other run's vault) or be refused (the disk is
            # taken): that resource is the one we wanted. Only when nothing was sent (reads only).
            from ansible_collections.dataprotection.evs.plugins.module_utils import races
            made = None if self.check_mode or self.client.changes != sent else races.alive(self.namesakes(), self.deleting)
            if not made:
                raise
            winner = races.first_made(made)
            self.module.warn('%s was created by another run at the same time (id %s); this run takes it '
                             'instead of creating a second one' % (self.label(None), winner['id']))
            return self.run_existing(self.fetch(winner['id']) or winner)
        if kept is not None:
            return self.run_existing(kept)
        result = {'changed': True, self.result_key: self.shape(resource)}
        if self.check_mode and self.referable:
            result['predicted_ref'] = placeholder(self.kind, self.params['name'])
        if self.diff_mode:
            result['diff'] = {'before': {}, 'after': dict((k, v) for k, v in desired.items() if v is not None)}
        return result

    # --- two runs at once (AWX schedules, cron and a person can overlap)

    def settle_race(self, own, certain):
        """After this run created ``own``: when a concurrent run created a namesake too, every run
        keeps the first made (oldest ``created_at``, then smallest id). Returns None when that is
        ``own``; else this run deletes ``own`` (only when ``certain`` it made it: a create whose
        answer was lost and that a look-up found may have found the other run's) and returns the
        resource to adopt. Never deletes anything but ``own`` (module_utils/races.py)."""
        # imported after a create only: a task with nothing to create does not load it
        from ansible_collections.dataprotection.evs.plugins.module_utils import races
        return races.settle_race(self, own, certain)

    def discard(self, own):
        """Delete ``own``, a resource this run has just created and that a concurrent run's namesake
        replaces; waits until it can be deleted."""
        own = self.finish(Pending(own, self.settled(), always=True))
        try:
            self.refuse_delete(own)
            self.finish(self.delete(own))
        except (CloudError, ResourceError) as exc:
            self.module.warn('%s (id %s), the copy this run created, could not be deleted: %s' % (
                self.label(own), own['id'], getattr(exc, 'msg', None) or exc))

    def run_existing(self, current):
        current = self.settle(current)
        desired = self.desired(current)
        changes = self.plan_changes(current, desired)
        label = self.label(current)
        self.refuse_fixed(current)
        self.check_update(current, changes)
        if not changes:
            return {'changed': False, self.result_key: self.shape(current)}
        if self.check_mode:
            resource = self.predict_update(current, changes)
        else:
            try:
                resource = self.finish(self.update(current, changes))
            except CloudError as exc:
                raise self._cloud_failure('updated', label, exc)
        result = {'changed': True, self.result_key: self.shape(resource)}
        if self.diff_mode:
            result['diff'] = {'before': dict((k, current.get(k)) for k in changes), 'after': dict(changes)}
        return result
