#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) dataprotection.evs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: protection_group
short_description: Create, delete, protect and fail over an SDRS protection group
version_added: 1.0.0
description:
  - Makes sure an SDRS (Storage Disaster Recovery Service) protection group exists (or not)
    between a production and a DR availability zone of one active-active domain.
  - Protection (replication of the group's disks) and the production availability zone are
    declared state. Changing O(production_az) is a planned failover (the cloud's reverse, no data
    lost, both zones needed). When the current production zone is unavailable, switching is an
    unplanned failover, which happens only with O(allow_unplanned_failover=true); it needs only
    the DR zone, so it works while the production zone answers nothing.
  - After an unplanned failover replication is stopped (O(protection) reads C(disabled)); set
    O(protection=enabled) once the old zone is back to re-protect in the other direction, then
    O(production_az) to fail back.
author:
  - dataprotection.evs maintainers (@dataprotection-evs)
options:
  name:
    description:
      - Name of the protection group (letters, digits, C(.), C(_), C(-); up to 64), or its id.
      - In check mode also the RV(predicted_ref) of a group an earlier task of the same check run would
        create, to predict a change of it (for example O(protection=enabled) once its pairs are added).
    type: str
    required: true
  state:
    description: Whether the protection group should exist.
    type: str
    choices: [present, absent]
    default: present
  description:
    description: Description (up to 64 bytes, no C(<) or C(>)); set at creation only.
    type: str
  source_availability_zone:
    description:
      - The production availability zone at creation (the group's C(source) side). Required to
        create; it never changes afterwards (a failover changes O(production_az), not this).
    type: str
  target_availability_zone:
    description: The DR availability zone at creation (the group's C(target) side). Required to create.
    type: str
  domain:
    description:
      - The active-active domain, by name or id. Default is the domain that spans the two zones;
        zones that are not one domain (more than 100 km apart) are refused.
    type: str
  vpc:
    description: The VPC of the protected servers, by name or id. Required to create.
    type: str
  protection:
    description:
      - C(enabled) starts replication (or re-protects after a failover); it needs at least one
        replication pair, so enable it after adding pairs. C(disabled) stops replication.
        Not set means leave it as it is.
    type: str
    choices: [enabled, disabled]
  production_az:
    description:
      - The availability zone that should be production. Not set means leave it as it is.
      - When it differs from the current one, a planned failover is done while both zones are
        available; when the current production zone is unavailable, an unplanned failover is
        done only with O(allow_unplanned_failover=true), else the module fails without a change.
        The same holds after a planned failover failed (status C(error-reversing)).
    type: str
  allow_unplanned_failover:
    description:
      - Allow a failover while the production zone is unavailable. Replication stops and the DR side
        becomes production; when protection is enabled again, the old production side is overwritten
        from the new one.
    type: bool
    default: false
  predicted_pairs:
    description:
      - Check mode only - the RV(dataprotection.evs.replication_pair#module:predicted_ref) of the replication pairs
        that earlier tasks of the same check run would create in this group. They count as its pairs, so
        that O(protection=enabled) is predicted as the real run does it once it made them (a group
        without pairs cannot be protected).
      - A real run has no such placeholder (an empty list); one given there is refused before any request.
    type: list
    elements: str
extends_documentation_fragment:
  - dataprotection.evs.connection
  - dataprotection.evs.attributes
  - dataprotection.evs.concurrency
  - dataprotection.evs.progress
'''

EXAMPLES = r'''
- name: Create a protection group between eu-de-01 and eu-de-02
  dataprotection.evs.protection_group:
    cloud: otc
    name: shop
    source_availability_zone: eu-de-01
    target_availability_zone: eu-de-02
    vpc: vpc-shop

- name: Start replication (after adding replication pairs)
  dataprotection.evs.protection_group:
    cloud: otc
    name: shop
    protection: enabled

- name: Planned failover - make eu-de-02 the production side
  dataprotection.evs.protection_group:
    cloud: otc
    name: shop
    production_az: eu-de-02

- name: eu-de-01 is down - fail over to eu-de-02
  dataprotection.evs.protection_group:
    cloud: otc
    name: shop
    production_az: eu-de-02
    allow_unplanned_failover: true

- name: eu-de-01 is back - re-protect, then fail back
  dataprotection.evs.protection_group:
    cloud: otc
    name: shop
    protection: enabled
    production_az: eu-de-01
'''

RETURN = r'''
protection_group:
  description: The protection group as the cloud shows it, plus the declared state (C(null) after a delete).
  returned: always
  type: dict
  contains:
    id:
      description: Id (C(null) in a check-mode prediction of a create).
      type: str
    name:
      description: Name.
      type: str
    status:
      description: Status (C(available), C(protected), C(failed-over), C(error-reversing), ...).
      type: str
      sample: protected
    source_availability_zone:
      description: The production zone at creation.
      type: str
      sample: eu-de-01
    target_availability_zone:
      description: The DR zone at creation.
      type: str
      sample: eu-de-02
    priority_station:
      description: Which side is production now, C(source) or C(target).
      type: str
    production_az:
      description: The availability zone that is production now.
      type: str
      sample: eu-de-01
    dr_az:
      description: The availability zone that is the DR side now.
      type: str
      sample: eu-de-02
    protection:
      description: C(enabled) while replication is (meant to be) on, else C(disabled).
      type: str
    domain_id:
      description: Active-active domain id.
      type: str
    domain_name:
      description: Active-active domain name.
      type: str
    source_vpc_id:
      description: VPC id.
      type: str
    replication_status:
      description: C(active), C(inactive), C(active-stopped), ...
      type: str
    health_status:
      description: C(normal) or C(abnormal) (for example while a zone is down).
      type: str
    replication_num:
      description: Number of replication pairs.
      type: int
    protected_instance_num:
      description: Number of protected instances.
      type: int
    disaster_recovery_drill_num:
      description: Number of DR drills.
      type: int
predicted_ref:
  description:
    - Only in check mode, when the group would be created - a placeholder
      (C(predicted-by-check-mode:protection-group:<name>)) that stands for it in later tasks of the
      same check run, so that they predict their own change with it. These options take it
      (in check mode only - it names nothing on the cloud).
    - O(dataprotection.evs.protected_instance#module:protection_group)
    - O(dataprotection.evs.replication_pair#module:protection_group)
    - O(name) of this module, in a later task that changes the group
  returned: check mode, when the group would be created
  type: str
  sample: predicted-by-check-mode:protection-group:shop
error: {description: "The cloud's error when a request failed (see the notes).", returned: failed, type: dict}
'''

from ansible_collections.dataprotection.evs.plugins.module_utils.module import ResourceModule
from ansible_collections.dataprotection.evs.plugins.module_utils.sdrs import (
    GROUP_FIELDS, GROUP_STABLE, GROUP_TRANSITIONAL, SdrsMixin, describe_group, group_steps, predict_group_steps,
    refuse_group_change, refuse_group_create, refuse_group_delete, with_group_state)


class ProtectionGroupModule(SdrsMixin, ResourceModule):
    # A protection group on the resource engine (module_utils/module.py), failover included.
    #
    # A failover is not a recorded one-shot action (module_utils/action.py) but a change of
    # declared state: ``production_az`` and ``protection`` are fields the cloud shows on the group
    # (``priority_station``, ``status``), so the group itself is the idempotency record. A rerun
    # compares the wish with the group and sends nothing once the group shows it; a rerun while the
    # failover still runs waits for it (the engine waits on a transitional status before it
    # decides); a run that stopped between two steps (re-protect, then reverse) resumes from what
    # the group shows, since ``group_steps`` starts from its current status; a request whose answer
    # was lost is recovered by reading the group (``GROUP_ACTION_CARRIED_OUT`` in
    # ``SDRS.group_action``), never sent twice. The record the action engine writes on a disk is
    # for what the cloud cannot show (a restored disk looks like any other disk).
    #
    # The decision is one code path: ``group_steps`` (module_utils/sdrs.py) here, in check mode
    # (``predict_group_steps``) and in the failover role's plan (plugin_utils/failover.py).
    waits_in_steps = True
    argument_spec = dict(
        name=dict(type='str', required=True), state=dict(type='str', choices=['present', 'absent'], default='present'),
        description=dict(type='str'), source_availability_zone=dict(type='str'),
        target_availability_zone=dict(type='str'), domain=dict(type='str'), vpc=dict(type='str'),
        protection=dict(type='str', choices=['enabled', 'disabled']), production_az=dict(type='str'),
        allow_unplanned_failover=dict(type='bool', default=False), predicted_pairs=dict(type='list', elements='str'))
    kind, result_key = 'protection group', 'protection_group'
    referable, parent_options = True, ('name', 'predicted_pairs[]')
    result_fields = GROUP_FIELDS
    updatable = ('protection', 'production_az')
    server_defaults = {'description': ''}
    transitional, stable = GROUP_TRANSITIONAL, GROUP_STABLE
    checked_texts = (('name', 64, True), ('description', 64, False))

    def find(self):
        return self.find_own_group()

    def fetch(self, resource_id):
        return with_group_state(self.sdrs.get_group(resource_id))

    def namesakes(self):
        return self.sdrs.list_groups(name=self.params['name'])

    def label(self, resource):
        return describe_group(resource or {'name': self.params['name']})

    def desired(self, current):
        wanted = {'protection': self.params['protection'], 'production_az': self.params['production_az']}
        if current is None:
            wanted.update(self.new_group(self.params, self.label(None)))
        return wanted

    def check_create(self, desired):
        refuse_group_create(desired, self.label(None))

    def predict_create(self, desired):
        resource = super(ProtectionGroupModule, self).predict_create(desired)
        return with_group_state(dict(resource, priority_station='source'))

    def create(self, desired):
        fields = dict((k, desired[k]) for k in ('name', 'source_availability_zone', 'target_availability_zone',
                                                'domain_id', 'source_vpc_id', 'description') if desired.get(k))
        job_id = self.sdrs.create_group(fields)
        return self.submitted(job_id, self.label(None), find=lambda: self.sdrs.own_group(fields['name'], job_id),
                              lost=self.settled())

    def check_update(self, current, changes):
        refuse_group_change(current, self.params, self.sdrs.find_vpc, self.label(current))
        self.steps = group_steps(current, changes, self.params['allow_unplanned_failover'], self.zone_down)

    def predict_update(self, current, changes):
        return predict_group_steps(current, self.steps)

    def update(self, current, changes):
        return self.run_group_steps(current, self.steps)

    def check_delete(self, current):
        refuse_group_delete(current, self.label(current))

    def delete(self, current):
        return self.deleted(self.sdrs.delete_group(current['id']), current)


def main():
    ProtectionGroupModule.execute()


if __name__ == '__main__':
    main()
