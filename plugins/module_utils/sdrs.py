# -*- coding: utf-8 -*-
# Copyright (c) dataprotection.evs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The small SDRS API layer: active-active domains, protection groups, replication pairs,
protected instances, DR drills, and their asynchronous jobs; plus the two lookups the SDRS
modules need from other services (a VPC by name, a server by name).

Every mutating SDRS call answers ``{"job_id"}``; ``submit`` sends it and, when asked, waits for
the job. A lost answer to a create is resolved by looking the resource up by name instead of
sending the create twice.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.dataprotection.evs.plugins.module_utils.errors import CloudError, ResourceError
from ansible_collections.dataprotection.evs.plugins.module_utils.evs import looks_like_id, only_match
from ansible_collections.dataprotection.evs.plugins.module_utils.predicted import is_placeholder, kind_of, name_of
from ansible_collections.dataprotection.evs.plugins.module_utils.waiters import Gone, Job, Pending, Status, Then

SERVICE = 'sdrs'

GROUP_FIELDS = (
    'id', 'name', 'description', 'status', 'source_availability_zone', 'target_availability_zone',
    'domain_id', 'domain_name', 'priority_station', 'production_az', 'dr_az', 'protection',
    'source_vpc_id', 'protected_status', 'replication_status', 'health_status',
    'protected_instance_num', 'replication_num', 'disaster_recovery_drill_num', 'created_at', 'updated_at')
PAIR_FIELDS = (
    'id', 'name', 'description', 'status', 'server_group_id', 'volume_ids', 'production_volume_id',
    'dr_volume_id', 'priority_station', 'replication_status', 'replication_model', 'fault_level',
    'attachment', 'protected_instance', 'device', 'record_metadata', 'created_at', 'updated_at')
INSTANCE_FIELDS = (
    'id', 'name', 'description', 'status', 'server_group_id', 'source_server', 'target_server',
    'production_server', 'dr_server', 'priority_station', 'attachment', 'tags', 'created_at', 'updated_at')
DRILL_FIELDS = ('id', 'name', 'status', 'server_group_id', 'drill_vpc_id', 'drill_servers', 'created_at',
                'updated_at')

# Group statuses: the operation in progress settles into one of STABLE; error-* are failures.
GROUP_TRANSITIONAL = ('creating', 'starting', 'stopping', 'reversing', 'failing-over', 'reprotecting')
GROUP_STABLE = ('available', 'protected', 'failed-over')
GROUP_DELETABLE = ('available', 'error', 'error-deleting')
# where the group's replication is (meant to be) on
PROTECTION_ON = ('protected', 'starting', 'reversing', 'reprotecting', 'error-reversing', 'error-stopping',
                 'error-failing-over')
CAN_START = ('available', 'error-starting')
CAN_REPROTECT = ('failed-over', 'error-reprotecting')
CAN_STOP = ('protected', 'error-stopping')
CAN_REVERSE = ('protected', 'error-reversing')
CAN_FAILOVER = ('protected', 'error-failing-over', 'error-reversing')
MEMBER_READY = ('available', 'protected')
# the members a group must lose before it can be deleted: the group's count of them, their name
GROUP_MEMBER_COUNTS = (('protected_instance_num', 'protected instances'), ('replication_num', 'replication pairs'),
                       ('disaster_recovery_drill_num', 'DR drills'))
# after a lost answer to a group action (``group_steps``), does the re-read group show that it was
# carried out? ``station``: the priority station the action leaves
GROUP_ACTION_CARRIED_OUT = {
    'start-server-group': lambda station: lambda g: g.get('status') in ('starting', 'reprotecting', 'protected'),
    'stop-server-group': lambda station: lambda g: g.get('status') in ('stopping', 'available'),
    'failover-server-group': lambda station: lambda g: g.get('status') in ('failing-over', 'failed-over'),
    'reverse-server-group': lambda station: lambda g: g.get('status') == 'reversing' or (
        g.get('status') == 'protected' and g.get('priority_station') == station),
}
# a pair or a protected instance is settled whatever its group does; a pair moves while it is attached
MEMBER_STABLE = ('available', 'protected', 'failed-over', 'starting', 'stopping', 'reversing', 'failing-over',
                 'reprotecting')
PAIR_TRANSITIONAL = ('creating', 'attaching', 'detaching')


def describe_group(group):
    return "protection group '%s'" % ((group or {}).get('name') or (group or {}).get('id'))


def domain_zones(domain):
    return set([(domain.get('local_replication_cluster') or {}).get('availability_zone'),
                (domain.get('remote_replication_cluster') or {}).get('availability_zone')])


def production_az(group):
    """The AZ that is production now (``priority_station`` says which side)."""
    if group.get('priority_station') == 'target':
        return group.get('target_availability_zone')
    return group.get('source_availability_zone')


def dr_az(group):
    if group.get('priority_station') == 'target':
        return group.get('source_availability_zone')
    return group.get('target_availability_zone')


def with_group_state(group):
    """The group plus what the modules declare: ``production_az``, ``dr_az``, ``protection``."""
    if group is None:
        return None
    group = dict(group)
    group['production_az'] = production_az(group)
    group['dr_az'] = dr_az(group)
    group['protection'] = 'enabled' if group.get('status') in PROTECTION_ON else 'disabled'
    return group


def with_pair_sides(pair):
    """The pair plus ``production_volume_id``/``dr_volume_id`` (``volume_ids`` is
    "<source AZ disk>,<target AZ disk>") and its attachment as ``protected_instance``/``device``."""
    if pair is None:
        return None
    pair = dict(pair)
    source, target = ((pair.get('volume_ids') or '').split(',') + [None, None])[:2]
    on_target = pair.get('priority_station') == 'target'
    pair['production_volume_id'] = target if on_target else source
    pair['dr_volume_id'] = source if on_target else target
    attachment = (pair.get('attachment') or [{}])[0] if pair.get('attachment') else {}
    pair['protected_instance'] = attachment.get('protected_instance')
    pair['device'] = attachment.get('device')
    return pair


def with_instance_sides(instance):
    if instance is None:
        return None
    instance = dict(instance)
    on_target = instance.get('priority_station') == 'target'
    instance['production_server'] = instance.get('target_server') if on_target else instance.get('source_server')
    instance['dr_server'] = instance.get('source_server') if on_target else instance.get('target_server')
    return instance


def predicted_group(ref):
    """The group the placeholder ``ref`` stands for, as a check run predicts its create: available,
    production on its source side, no member, no zone known (module_utils/predicted.py)."""
    return with_group_state(dict(id=ref, name=name_of(ref), status='available', priority_station='source',
                                 protected_instance_num=0, replication_num=0))


def _status_refusal(label, what, status, allowed):
    return ResourceError('%s %s in status %s (only in %s)' % (label, what, status, ', '.join(allowed)))


def group_steps(current, changes, allow_unplanned_failover, zone_down):
    """The group actions, in order, that bring the group ``current`` (``with_group_state``) to
    ``changes`` (``protection``, ``production_az``): tuples (action, body, status it settles in,
    priority station it leaves or None). Raises ResourceError for a change the group's status or
    zones do not allow. ``zone_down(zone)`` tells whether EVS lists ``zone`` as unavailable.

    The protection_group module applies these steps; the dr_failover_plan filter decides with them
    before the failover role sends anything, so both refuse the same switches in the same words."""
    label, status = describe_group(current), current.get('status')
    steps = []
    protection = changes.get('protection')
    if protection == 'enabled':
        if not current.get('replication_num'):
            raise ResourceError('%s: protection cannot be enabled without replication pairs' % label)
        if status not in CAN_START + CAN_REPROTECT:
            raise _status_refusal(label + ':', 'protection cannot be enabled', status, CAN_START + CAN_REPROTECT)
        for zone in (current['production_az'], current['dr_az']):
            if zone_down(zone):
                raise ResourceError('%s: protection cannot be enabled while availability zone %s is '
                                    'unavailable' % (label, zone))
        steps.append(('start-server-group', {}, 'protected', None))
    wanted_az = changes.get('production_az')
    if wanted_az is not None:
        zones = (current['source_availability_zone'], current['target_availability_zone'])
        if wanted_az not in zones:
            raise ResourceError('%s: production_az must be %s or %s, not %s'
                                % (label, zones[0], zones[1], wanted_az))
        station = 'source' if wanted_az == zones[0] else 'target'
        # a planned failover that failed (error-reversing) also leaves only the unplanned one
        reason = ('the production availability zone %s is unavailable' % current['production_az']
                  if zone_down(current['production_az'])
                  else 'a planned failover failed (status error-reversing)' if status == 'error-reversing'
                  else None)
        if reason:
            if not allow_unplanned_failover:
                raise ResourceError(
                    '%s: %s, so a planned failover to %s is not possible; set allow_unplanned_failover: true '
                    'to fail over (replication stops until protection is enabled again)'
                    % (label, reason, wanted_az))
            if status not in CAN_FAILOVER:
                raise _status_refusal(label, 'cannot fail over', status, CAN_FAILOVER)
            steps.append(('failover-server-group', {}, 'failed-over', station))
        else:
            if zone_down(wanted_az):
                raise ResourceError('%s cannot switch to %s: that availability zone is unavailable'
                                    % (label, wanted_az))
            if status not in CAN_REVERSE and not steps:
                hint = ('set protection: enabled first' if status in CAN_START + CAN_REPROTECT
                        else 'it is %s (a planned failover starts from %s)' % (status, ', '.join(CAN_REVERSE)))
                raise ResourceError('%s: a planned failover to %s needs protection; %s' % (label, wanted_az, hint))
            steps.append(('reverse-server-group', {'priority_station': station}, 'protected', station))
    if protection == 'disabled':
        if status not in CAN_STOP and not steps:
            raise _status_refusal(label + ':', 'protection cannot be disabled', status, CAN_STOP)
        steps.append(('stop-server-group', {}, 'available', None))
    return steps


def predict_group_steps(group, steps):
    """The group (``with_group_state``) as ``steps`` (``group_steps``) leave it."""
    group = dict(group)
    for _action, _body, status, station in steps:
        group['status'] = status
        if station:
            group['priority_station'] = station
    return with_group_state(group)


#: the options of a group set only when it is created (a failover changes production_az)
GROUP_CREATE_ONLY = ('source_availability_zone', 'target_availability_zone')


def refuse_group_create(desired, label):
    """Refuse a new group (``desired``) with protection on or production on the target side."""
    if desired['protection'] == 'enabled':
        raise ResourceError('%s cannot be created with protection enabled: a new group has no replication '
                            'pairs; add pairs, then set protection: enabled' % label)
    if desired['production_az'] not in (None, desired['source_availability_zone']):
        raise ResourceError('%s: production_az %s must be the source_availability_zone %s when the group '
                            'is created' % (label, desired['production_az'], desired['source_availability_zone']))


def refuse_group_change(group, options, find_vpc, label):
    """Refuse ``options`` that would change what a group keeps from its create (its zones, its VPC:
    ``find_vpc(name)`` resolves the ``vpc`` option, read only when set)."""
    for option in GROUP_CREATE_ONLY:
        if options[option] and options[option] != group.get(option):
            raise ResourceError('%s: %s is %s and cannot be changed (a failover changes production_az); '
                                'delete and re-create the group to change it' % (label, option, group.get(option)))
    if options['vpc'] and find_vpc(options['vpc'])['id'] != group.get('source_vpc_id'):
        raise ResourceError('%s: its VPC cannot be changed' % label)


def refuse_group_delete(group, label):
    """Refuse to delete a group that still has members or whose status the cloud does not delete."""
    left = ['%d %s' % (group.get(count), what) for count, what in GROUP_MEMBER_COUNTS if group.get(count)]
    if left:
        raise ResourceError('%s cannot be deleted: it still has %s; delete them first' % (label, ', '.join(left)))
    if group.get('status') not in GROUP_DELETABLE:
        raise ResourceError('%s cannot be deleted in status %s; set protection: disabled first'
                            % (label, group.get('status')))


class SDRS:
    """Calls of the SDRS v1 API (and a VPC / server lookup) through one ``Client``."""

    def __init__(self, client, service=SERVICE):
        self.client = client
        self.service = service

    # ------------------------------------------------------------ generic
    def _get(self, collection, key, resource_id):
        return self.client.get_or_none(self.service, '/%s/%s' % (collection, resource_id), key)

    @staticmethod
    def _find_member(kind, get, list_members, name_or_id, group, required, preposition='in'):
        """A resource of a protection group by id or by name (names are unique per group);
        with no group, anywhere in the project."""
        group_id = group['id'] if group else None
        if looks_like_id(name_or_id):
            member = get(name_or_id)
            if member is not None and (group_id is None or member.get('server_group_id') == group_id):
                return member
        where = ' %s %s' % (preposition, describe_group(group)) if group else ''
        return only_match(list_members(group_id=group_id, name=name_or_id), kind, name_or_id, where, required)

    def _list(self, collection, key, **filters):
        params = dict((k, v) for k, v in filters.items() if v)
        items = self.client.paginate_offset(self.service, '/' + collection, key, params)
        # filter again here: a cloud may ignore (or fuzzy-match) a filter
        exact = dict((k, v) for k, v in params.items() if k in ('name', 'server_group_id', 'status'))
        return [item for item in items if all(item.get(k) == v for k, v in exact.items())]

    def submit(self, method, path, body=None, lookup=None, params=None):
        """Send a mutating call; returns its ``job_id``, or None when its answer was lost and
        ``lookup()`` (a look at the resource) shows the cloud carried it out; the caller then
        waits on the resource instead of the job. Every SDRS call, DELETE included, is sent once
        this way: a DELETE sent again would be refused while the first one runs."""
        def recover():
            return {'job_id': None} if lookup is not None and lookup() else None

        answer = self.client.request(method, self.service, path, json_body=body, params=params,
                                     idempotent=False, recover=recover if lookup is not None else None)
        return (answer.body or {}).get('job_id')

    def gone_or_deleting(self, getter, resource_id):
        def lookup():
            current = getter(resource_id)
            return current is None or current.get('status') == 'deleting'
        return lookup

    def get_job(self, job_id):
        return self.client.get(self.service, '/jobs/%s' % job_id)

    def wait_job(self, waiter, job_id, label):
        """The finished job (raises WaitFailed with the cloud's fail_reason when it failed)."""
        if not job_id:
            return {}
        return waiter.for_job(lambda: self.get_job(job_id), label)

    # ------------------------------------------------------------ domains
    def list_domains(self):
        return self.client.get(self.service, '/active-domains').get('domains') or []

    def find_domain(self, name_or_id, zones):
        """The active-active domain named (or with id) ``name_or_id``, or the one spanning the two
        ``zones`` when no name is given."""
        domains = self.list_domains()
        wanted = set(zones)
        if name_or_id:
            found = [d for d in domains if name_or_id in (d.get('id'), d.get('name'))]
            if not found:
                raise ResourceError("active-active domain '%s' not found (domains: %s)" % (
                    name_or_id, ', '.join(sorted(d.get('name') or d.get('id') for d in domains)) or 'none'))
            if domain_zones(found[0]) != wanted:
                raise ResourceError("active-active domain '%s' spans %s, not %s" % (
                    name_or_id, ' and '.join(sorted(domain_zones(found[0]))), ' and '.join(zones)))
            return found[0]
        for domain in domains:
            if domain_zones(domain) == wanted:
                return domain
        raise ResourceError('availability zones %s are not the two zones of one active-active domain '
                            '(replication needs zones at most 100 km apart)' % ' and '.join(zones))

    # ------------------------------------------------------------ groups
    def get_group(self, group_id):
        return self._get('server-groups', 'server_group', group_id)

    def list_groups(self, name=None, status=None):
        return self._list('server-groups', 'server_groups', name=name, status=status)

    def find_group(self, name_or_id, required=False):
        if looks_like_id(name_or_id):
            group = self.get_group(name_or_id)
            if group is not None:
                return group
        return only_match(self.list_groups(name=name_or_id), 'protection group', name_or_id, '', required)

    def create_group(self, fields):
        return self.submit('POST', '/server-groups', {'server_group': fields},
                           lookup=lambda: self.list_groups(name=fields['name']))

    def own_group(self, name, job_id):
        """The group named ``name`` that the create job ``job_id`` made (when a concurrent run made a
        namesake too, the job names ours)."""
        found = self.list_groups(name=name)
        if len(found) > 1 and job_id:
            own = ((self.get_job(job_id) or {}).get('entities') or {}).get('server_group_id')
            found = [g for g in found if g['id'] == own] or found
        return with_group_state(only_match(found, 'protection group', name))

    def group_action(self, group_id, action, body=None, accepted=None):
        """``accepted(group)`` tells from a re-read group whether a lost action was carried out."""
        def lookup():
            group = self.get_group(group_id)
            return group is not None and accepted is not None and accepted(group)
        return self.submit('POST', '/server-groups/%s/action' % group_id, {action: body or {}}, lookup=lookup)

    def delete_group(self, group_id):
        return self.submit('DELETE', '/server-groups/%s' % group_id,
                           lookup=self.gone_or_deleting(self.get_group, group_id))

    # ------------------------------------------------------------ pairs
    def get_pair(self, pair_id):
        return self._get('replications', 'replication', pair_id)

    def list_pairs(self, group_id=None, name=None, protected_instance_id=None):
        return self._list('replications', 'replications', server_group_id=group_id, name=name,
                          protected_instance_id=protected_instance_id)

    def find_pair(self, name_or_id, group, required=False):
        return self._find_member('replication pair', self.get_pair, self.list_pairs, name_or_id, group, required)

    def create_pair(self, fields):
        return self.submit('POST', '/replications', {'replication': fields}, lookup=lambda: self.list_pairs(
            group_id=fields['server_group_id'], name=fields['name']))

    def delete_pair(self, pair_id, group_id, delete_dr_disk):
        return self.submit('DELETE', '/replications/%s' % pair_id, {'replication': {
            'server_group_id': group_id, 'delete_target_volume': bool(delete_dr_disk)}},
            lookup=self.gone_or_deleting(self.get_pair, pair_id))

    # ------------------------------------------------------------ protected instances
    def get_instance(self, instance_id):
        return self._get('protected-instances', 'protected_instance', instance_id)

    def list_instances(self, group_id=None, name=None):
        return self._list('protected-instances', 'protected_instances', server_group_id=group_id, name=name)

    def find_instance(self, name_or_id, group, required=False):
        return self._find_member('protected instance', self.get_instance, self.list_instances, name_or_id, group,
                                 required)

    def create_instance(self, fields):
        return self.submit('POST', '/protected-instances', {'protected_instance': fields},
                           lookup=lambda: self.list_instances(group_id=fields['server_group_id'],
                                                              name=fields['name']))

    def delete_instance(self, instance_id, delete_dr_server):
        return self.submit('DELETE', '/protected-instances/%s' % instance_id, {
            'delete_target_server': bool(delete_dr_server), 'delete_target_eip': False},
            lookup=self.gone_or_deleting(self.get_instance, instance_id))

    def _attached_to(self, pair_id):
        pair = self.get_pair(pair_id) or {}
        return [a.get('protected_instance') for a in pair.get('attachment') or []]

    def attach_pair(self, instance_id, pair_id, device):
        return self.submit('POST', '/protected-instances/%s/attachreplication' % instance_id, {
            'replicationAttachment': {'replication_id': pair_id, 'device': device}},
            lookup=lambda: instance_id in self._attached_to(pair_id))

    def detach_pair(self, instance_id, pair_id):
        return self.submit('DELETE', '/protected-instances/%s/detachreplication/%s' % (instance_id, pair_id),
                           lookup=lambda: instance_id not in self._attached_to(pair_id))

    # ------------------------------------------------------------ drills
    def get_drill(self, drill_id):
        return self._get('disaster-recovery-drills', 'disaster_recovery_drill', drill_id)

    def list_drills(self, group_id=None, name=None):
        return self._list('disaster-recovery-drills', 'disaster_recovery_drills', server_group_id=group_id,
                          name=name)

    def find_drill(self, name_or_id, group, required=False):
        return self._find_member('DR drill', self.get_drill, self.list_drills, name_or_id, group, required,
                                 preposition='of')

    def create_drill(self, fields):
        return self.submit('POST', '/disaster-recovery-drills', {'disaster_recovery_drill': fields},
                           lookup=lambda: self.list_drills(group_id=fields['server_group_id'], name=fields['name']))

    def delete_drill(self, drill_id):
        return self.submit('DELETE', '/disaster-recovery-drills/%s' % drill_id,
                           lookup=self.gone_or_deleting(self.get_drill, drill_id))

    # ------------------------------------------------------------ other services
    def find_vpc(self, name_or_id):
        vpcs = self.client.get('vpc', '/vpcs').get('vpcs') or []
        by_id = [v for v in vpcs if v.get('id') == name_or_id]
        return by_id[0] if by_id else only_match([v for v in vpcs if v.get('name') == name_or_id], 'VPC',
                                                 name_or_id, '', True)

    def find_server(self, name_or_id):
        if looks_like_id(name_or_id):
            try:
                return self.client.get('compute', '/servers/%s' % name_or_id)['server']
            except CloudError as exc:
                if not exc.not_found:
                    raise
        servers = self.client.get('compute', '/servers/detail', params={'name': name_or_id}).get('servers') or []
        return only_match([s for s in servers if s.get('name') == name_or_id], 'server', name_or_id, '', True)


class SdrsMixin:
    """What the SDRS modules share: the API layer, the group option, job waits."""

    _sdrs = None

    @property
    def sdrs(self):
        if self._sdrs is None:
            self._sdrs = SDRS(self.client)
        return self._sdrs

    def find_group_option(self, required):
        """The group named by the ``protection_group`` option (None when missing and not required);
        its placeholder (a group this check run would create): the group as created, with no member
        and no zone known (module_utils/predicted.py)."""
        group = self.params['protection_group']
        if self.predicted_parent('protection_group'):
            return predicted_group(group)
        return with_group_state(self.sdrs.find_group(group, required=required))

    def find_own_group(self):
        """The group the ``name`` option names (the protection_group module), with the replication
        pairs the same check run predicted in it (``predicted_pairs``, their placeholders) counted as
        its own, as the real run finds it once it made them; ``name`` a placeholder: a group this
        check run would create (module_utils/predicted.py)."""
        name, pairs = self.params['name'], self.params['predicted_pairs'] or []
        others = [ref for ref in pairs if kind_of(ref) != 'replication-pair']
        if others:
            raise ResourceError('predicted_pairs takes the predicted_ref of replication pairs, not %s' % others[0])
        group = predicted_group(name) if self.predicted_parent('name') else \
            with_group_state(self.sdrs.find_group(name))
        if group is None or not pairs:
            return group
        return with_group_state(dict(group, replication_num=(group.get('replication_num') or 0) + len(pairs)))

    _zones = None

    def zone_down(self, zone):
        """True when EVS lists ``zone`` as unavailable (read once; it is not the production side)."""
        if self._zones is None:
            self._zones = self.evs.list_availability_zones() or {}
        return self._zones.get(zone) is False

    def new_group(self, options, label):
        """The fields of the group ``options`` describe (``label`` does not exist yet): its zones, the
        active-active domain spanning them, its VPC."""
        zones = [options['source_availability_zone'], options['target_availability_zone']]
        if None in zones or not options['vpc']:
            raise ResourceError('%s does not exist; source_availability_zone, target_availability_zone '
                                'and vpc are needed to create it' % label)
        domain = self.sdrs.find_domain(options['domain'], zones)
        return dict(name=options['name'], description=options['description'], source_availability_zone=zones[0],
                    target_availability_zone=zones[1], domain_id=domain['id'], domain_name=domain.get('name'),
                    source_vpc_id=self.sdrs.find_vpc(options['vpc'])['id'])

    def run_group_steps(self, group, steps):
        """Send the group actions ``steps`` (``group_steps``) in order, each waited for before the next
        one; the last answer is the group as it is then."""
        for index, (action, body, _status, station) in enumerate(steps):
            job_id = self.sdrs.group_action(group['id'], action, body,
                                            accepted=GROUP_ACTION_CARRIED_OUT[action](station))
            yield self.acted(job_id, action, group, always=index < len(steps) - 1)
        yield with_group_state(self.sdrs.get_group(group['id']))

    def submitted(self, job_id, label, resource=None, find=None, lost=None, always=False):
        """What the engine waits for after a request that answered ``job_id``: the job (``label``
        names it). ``find()`` then looks the resource up (with or without ``wait``). A request whose
        answer was lost but that was carried out has no job id: the engine waits with ``lost`` (a
        step on the resource: ``Gone``, ``Status``) instead. ``always``: a next request needs it done."""
        return Pending(resource, Job(job_id, self.sdrs.get_job, label),
                       Then(lambda progress: find()) if find else None, None if job_id else lost, always=always)

    def deleted(self, job_id, resource):
        """The waits after the delete of ``resource`` that answered ``job_id``: its job, or, when the
        answer was lost, until it is gone."""
        return self.submitted(job_id, self.label(resource), resource, lost=Gone())

    def acted(self, job_id, action, resource, always=False):
        """The waits after ``action`` on ``resource`` (an attach, a failover): its job, or, when the
        answer was lost, the resource until it is stable again."""
        label = '%s (%s)' % (self.label(resource), action)
        return self.submitted(job_id, label, resource, lost=Status(self.stable, label=label), always=always)


def group_not_ready(group):
    """Why no member can be added to ``group`` or changed now (None: it can)."""
    if group.get('status') not in MEMBER_READY:
        return 'the protection group is %s (it must be available or protected)' % group.get('status')
    return None


def group_unsettled(group, refused_errors=()):
    """Why no member of ``group`` can be created or deleted now: an operation runs (None: none runs;
    a group whose operation failed (error-*) has none running, except in ``refused_errors``)."""
    status = group.get('status')
    if status not in GROUP_STABLE and not (status.startswith('error') and status not in refused_errors):
        return 'while the protection group is %s' % status
    return None


def outside_production(group, what, zone):
    """Why ``what`` (a disk or server, in ``zone``) cannot be a member of ``group``: it is not in its
    production zone (None: it is, or the group is one this check run would create: zone unknown)."""
    if zone != group.get('production_az') and not is_placeholder(group.get('id')):
        return '%s is in %s, not in the production zone %s of the group' % (what, zone, group.get('production_az'))
    return None


def member_argument_spec(**options):
    """The options of a group member module: ``name``, ``protection_group``, ``state`` (and ``options``)."""
    spec = dict(name=dict(type='str', required=True), protection_group=dict(type='str', required=True),
                state=dict(type='str', choices=['present', 'absent'], default='present'))
    spec.update(options)
    return spec


class GroupMember(SdrsMixin):
    """A resource module for what lives in a protection group (replication pair, protected
    instance, DR drill): the group is the ``protection_group`` option; ``find_member(name,
    required)`` finds the resource in ``self.group`` through the declared ``api`` (``pair`` calls
    ``SDRS.find_pair`` and ``SDRS.get_pair``), and ``sides`` adds the derived fields to it."""

    waits_in_steps = True
    checked_texts = (('name', 64, True), ('description', 64, False))
    parent_options = ('protection_group',)
    #: the word between the resource and its group in messages
    of_group = 'in'
    api = None
    sides = staticmethod(lambda member: member)
    #: fields a check-mode prediction shows as None when empty (the cloud answers no value)
    cleared = ()
    #: whether a delete waits for no group operation (a drill declares the statuses it is deleted in)
    delete_needs_settled_group = True

    def find_member(self, name, required=False):
        return self.sides(getattr(self.sdrs, 'find_' + self.api)(name, self.group, required=required))

    def fetch(self, resource_id):
        return self.sides(getattr(self.sdrs, 'get_' + self.api)(resource_id))

    def created(self, job_id, name, lost=None, always=False):
        """The waits after a create that answered ``job_id``: the job, then the member by ``name``;
        a lost answer: the member until it is stable (``lost``: another wait)."""
        return self.submitted(job_id, self.label(None), find=lambda: self.find_member(name, required=True),
                              lost=lost or self.settled(), always=always)

    def find(self):
        self.group = self.find_group_option(required=self.params['state'] == 'present')
        if self.group is None or self.predicted_parent('protection_group'):
            return None  # a group this check run would create has no member yet
        return self.find_member(self.params['name'])

    def find_other_member(self, option, kind, find):
        """The member of the group (a ``kind``, found by ``find(name_or_id, group, required)``) that
        ``option`` names, which must exist; its placeholder: itself (one this check run would create)."""
        wanted = self.params[option]
        if self.predicted_parent(option):
            return {'id': wanted}
        if self.predicted_parent('protection_group'):
            raise ResourceError("%s '%s' not found in %s, which this check run would create" % (
                kind, wanted, describe_group(self.group)))
        return find(wanted, self.group, required=True)

    def label(self, resource):
        name = (resource or {}).get('name') or self.params['name']
        return "%s '%s' %s %s" % (self.kind, name, self.of_group, describe_group(self.group))

    def desired_member(self, **ids):
        """What a new member is made of: its name, description, group and ``ids`` (what it protects)."""
        return dict(name=self.params['name'], description=self.params.get('description'),
                    server_group_id=self.group['id'], **ids)

    def create_fields(self, desired, **ids):
        """The body of the create: the group, ``ids``, the name, and the description when set."""
        fields = dict(server_group_id=self.group['id'], name=desired['name'], **ids)
        if desired.get('description'):
            fields['description'] = desired['description']
        return fields

    def refuse_outside_production(self, what, zone):
        """Refuse a create whose disk or server (``what``) is in ``zone``, not the group's production
        zone (unknown for a group this check run would create: its real run checks it)."""
        problem = outside_production(self.group, what, zone)
        if problem:
            raise ResourceError('%s cannot be created: %s' % (self.label(None), problem))

    def asks_other(self, option, targets):
        """Whether ``option`` names by id something not in ``targets`` (a member keeps what it protects)."""
        wanted = self.params[option]
        return bool(wanted and looks_like_id(wanted) and wanted not in targets)

    def check_group_ready(self, what):
        """Refuse to add or change a member while the group is busy."""
        problem = group_not_ready(self.group)
        if problem:
            raise ResourceError('%s cannot be %s: %s' % (self.label(None), what, problem))

    def check_group_settled(self, resource, what, refused_errors=()):
        """Refuse to create or delete (``what``: 'created', 'deleted') ``resource`` (None: the one
        to create) while the group runs an operation; a group whose operation failed (error-*) has
        none running, except in ``refused_errors``."""
        problem = group_unsettled(self.group, refused_errors)
        if problem:
            raise ResourceError('%s cannot be %s %s' % (self.label(resource), what, problem))

    def needed_to_create(self, option):
        """The value of ``option``, which a member that does not exist yet needs."""
        if not self.params[option]:
            raise ResourceError('%s does not exist; %s is needed to create it' % (self.label(None), option))
        return self.params[option]

    def refuse_delete(self, current):
        super(GroupMember, self).refuse_delete(current)
        if self.delete_needs_settled_group:
            self.check_group_settled(current, 'deleted')

    def predict_create(self, desired):
        resource = super(GroupMember, self).predict_create(desired)
        if 'priority_station' in self.result_fields:
            resource['priority_station'] = self.group.get('priority_station')
        return self.predict_update(resource, {})

    def predict_update(self, current, changes):
        resource = dict(current, **changes)
        resource.update((key, resource.get(key) or None) for key in self.cleared)
        return resource


class AttachedMember(GroupMember):
    """A group member attached to a protected instance at a device (a replication pair): an update
    re-attaches it (detach, then attach); a delete detaches it first (``detach``)."""

    transitional, stable = PAIR_TRANSITIONAL, MEMBER_STABLE
    cleared = ('protected_instance', 'device')
    parent_options = ('protection_group', 'protected_instance')
    # a pair this check run would create counts for the group whose protection it enables then
    referable = True

    def attached_instance_id(self):
        """The id of the protected instance the ``protected_instance`` option names."""
        return self.find_other_member('protected_instance', 'protected instance', self.sdrs.find_instance)['id']

    def attach(self, pair, instance_id, device):
        return self.acted(self.sdrs.attach_pair(instance_id, pair['id'], device), 'attach', pair)

    def detach(self, pair):
        return self.acted(self.sdrs.detach_pair(pair['protected_instance'], pair['id']), 'detach', pair, always=True)

    def update(self, current, changes):
        if current.get('protected_instance'):
            yield self.detach(current)
        wanted = changes.get('protected_instance', current.get('protected_instance'))
        if wanted:
            yield self.attach(current, wanted, changes.get('device') or current.get('device'))
        yield self.fetch(current['id'])
