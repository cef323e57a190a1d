# -*- coding: utf-8 -*-
# Copyright (c) dataprotection.evs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the backup ``*_info`` modules list (VBS and CBR backups, policies, vaults, replicas in another
region, replication capabilities): the listings their ``info.Info`` declarations name. Reads only."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.dataprotection.evs.plugins.module_utils.backup import (
    BACKENDS, BACKUP_SERVICES, POLICY_FIELDS, VBS_POLICY_MARK, CBRPolicies, CBRReplication, VBSPolicies,
    backup_api, cbr_policy_view, find_backup, list_backups_of, policy_order, record_view, replica_view,
    service_missing, time_key, vault_view, vbs_policy_view)
from ansible_collections.dataprotection.evs.plugins.module_utils.backup_server import CBRTree
from ansible_collections.dataprotection.evs.plugins.module_utils.errors import CloudError
from ansible_collections.dataprotection.evs.plugins.module_utils.evs import looks_like_id

#: the ``backend`` option of the backup info modules
BACKEND_OPTION = dict(type='str', choices=['all', 'cbr', 'vbs'], default='all')


def vault_with_vbs(what):
    """The refusal of a ``vault`` with ``backend: vbs`` (``what`` has no vault there)."""
    return (lambda params: params['vault'] and params['backend'] == 'vbs',
            'vault is a CBR option; VBS %s have no vault' % what)


def backends_of(params):
    """The backup services the ``backend`` and ``vault`` options ask for."""
    if params['vault']:
        return ('cbr',)
    return BACKENDS if params['backend'] == 'all' else (params['backend'],)


def list_backups(module):
    """The backups (VBS and CBR, server backups with their children) the options ask for."""
    params = module.params
    vault_id = None
    if params['vault']:
        vault_id = backup_api(module.client, 'cbr').find_vault(params['vault'], required=True)['id']
    disk_id, disk_name = None, None
    if params['disk']:
        disk = module.evs.find_volume(params['disk'])
        if disk is not None:
            disk_id = disk['id']
        elif looks_like_id(params['disk']):
            disk_id = params['disk']
        else:
            disk_name = params['disk']
    # with backend: all, a service this region does not offer (VBS) is skipped
    found = list_backups_of(module.client, backends_of(params), skip_missing=params['backend'] == 'all',
                            services=dict(BACKUP_SERVICES, cbr=CBRTree),
                            disk_id=disk_id, name=params['name'], status=params['status'], vault_id=vault_id)
    if disk_name is not None:  # a disk that no longer exists: CBR remembers its name
        found = [b for b in found if b.get('disk_name') == disk_name]
    return found


def list_policies(module):
    """The backup policies (CBR, and VBS with the disks its marks name) the options ask for."""
    params, backends = module.params, backends_of(module.params)
    found = []
    if 'cbr' in backends:
        cbr = CBRPolicies(module.client)
        vault_id = cbr.find_vault(params['vault'], required=True)['id'] if params['vault'] else None
        found += [cbr_policy_view(p) for p in cbr.list_policies(vault_id=vault_id)]
    if 'vbs' in backends:
        try:
            raw = VBSPolicies(module.client).list_policies()
        except CloudError as exc:
            if not (params['backend'] == 'all' and service_missing(exc)):
                raise
            raw = []
        for policy in (vbs_policy_view(p) for p in raw):
            marked = sorted(d['id'] for d in module.evs.list_volumes(metadata={VBS_POLICY_MARK: policy['id']}))
            policy['disk_ids'] = marked if len(marked) == (policy['disk_count'] or 0) else None
            found.append(policy)
    return found


def named_policy(params, policy):
    return not params['name'] or params['name'] in (policy['name'], policy['id'])


def list_vaults(module):
    """The CBR vaults the options ask for, each with its policy; the policies are kept for
    ``policies`` (listed anyway)."""
    params, cbr = module.params, CBRPolicies(module.client)
    by_id = cbr.get_vault(params['name']) if params['name'] and looks_like_id(params['name']) else None
    vaults = [by_id] if by_id else cbr.list_vaults(params['name'])
    if params['disk']:
        disk = module.evs.find_volume(params['disk'], required=not looks_like_id(params['disk']))
        disk_id = disk['id'] if disk else params['disk']
        vaults = [v for v in vaults if any(r.get('id') == disk_id for r in v.get('resources') or [])]
    policies = module.found['policies'] = cbr.list_policies()
    by_vault = dict((a.get('vault_id'), p) for p in policies for a in p.get('associated_vaults') or [])
    if params['policy']:
        policy = cbr.find_policy(params['policy'], required=True)
        vaults = [v for v in vaults if (by_vault.get(v['id']) or {}).get('id') == policy['id']]
    return [vault_view(v, by_vault.get(v['id'])) for v in vaults]


def vault_order(vault):
    return (vault['name'], vault['id'])


def listed_policies(module):
    """The CBR policies ``list_vaults`` listed, as ``backup_policy_info`` returns them."""
    return sorted((module.shape(cbr_policy_view(p), POLICY_FIELDS) for p in module.found['policies']),
                  key=policy_order)


def source_records(module):
    """The records to the destination region of the source backups asked for (GETs in the source region)."""
    params, api = module.params, CBRReplication(module.client)
    vault = api.find_vault(params['vault'], required=True) if params['vault'] else None
    if params['backup']:
        backups = [api.get_raw(find_backup(api, params['backup'], vault=vault, required=True)['id'])]
    else:
        backups = [b for b in api.client.paginate_offset(api.service, '/backups', 'backups',
                                                         {'vault_id': vault['id']}, limit=1000)
                   if b.get('vault_id') == vault['id']]
    records = [record_view(r) for b in backups for r in b.get('replication_records') or []]
    return sorted([r for r in records if r['destination_region'] == params['destination_region']], key=time_key)


def list_replicas(module):
    """The replicas in the destination region (of the backups asked for, when asked), each with its
    replication record; the records are kept for ``records``."""
    params, region = module.params, module.params['destination_region']
    asked = bool(params['backup'] or params['vault'])
    records = module.found['records'] = source_records(module) if asked else []
    destination = CBRReplication(module.client_for_region(region, params['destination_project_id']))
    vault_id = None
    if params['destination_vault']:
        vault_id = destination.find_vault(params['destination_vault'], required=True)['id']
    record_of = dict((r['destination_backup_id'], r) for r in records)
    replicas = []
    for raw in destination.list_replicas(vault_id):
        if asked and raw.get('id') not in record_of:
            continue  # a replica of another backup than the ones asked for
        view = replica_view(raw, region, record_of.get(raw.get('id')))
        view['replication'] = record_of.get(raw.get('id'))
        replicas.append(view)
    return replicas


def list_capabilities(module):
    """The regions and where each replicates to (one request); kept for ``own_destinations``."""
    body = module.client.get('cbr', '/replication-capabilities') or {}
    regions = module.found['regions'] = [
        {'name': r.get('name'), 'replication_destinations': sorted(r.get('replication_destinations') or [])}
        for r in body.get('regions') or [] if isinstance(r, dict)]
    return regions


def own_destinations(module):
    """Where this region replicates to (from the listing ``list_capabilities`` answered)."""
    own = next((r for r in module.found['regions'] if r['name'] == module.client.region), {})
    return own.get('replication_destinations') or []
