# -*- coding: utf-8 -*-
# Copyright (c) dataprotection.evs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):

    # where the modules that copy backups to another region send them (backup_replica,
    # backup_replica_batch)
    DOCUMENTATION = r'''
options:
  destination_region:
    description: The region to replicate to; another region than the connection's O(region).
    type: str
    required: true
  destination_project_id:
    description:
      - The project of the destination region (the same user's). Default the project named after
        the region, as the cloud names a region's first project.
    type: str
'''
