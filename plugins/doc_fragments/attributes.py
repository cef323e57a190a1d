# -*- coding: utf-8 -*-
# Copyright (c) dataprotection.evs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):

    # modules that change resources
    DOCUMENTATION = r'''
attributes:
  check_mode:
    description: Can run in check_mode and return changed status prediction without modifying target.
    support: full
    details: No mutating request is sent; the result predicts the real run (same keys, same C(changed)).
  diff_mode:
    description: Will return details on what has changed (or possibly needs changing in check_mode), when in diff mode.
    support: full
    details: The diff holds before and after of the fields that change.
  platform:
    description: Target OS/families that can be operated against.
    support: N/A
    platforms: all
notes:
  - When a request to the cloud fails, the result has C(error) with C(status) (HTTP), C(code) (the
    cloud's, for example C(EVS.1047), C(VolumeBackup.0012) or C(SDRS.1002)), C(message) and
    C(request_id), besides C(msg).
'''

    # modules that only read
    INFO_MODULE = r'''
attributes:
  check_mode:
    description: Can run in check_mode and return changed status prediction without modifying target.
    support: full
    details: This module only reads; it never changes anything.
  diff_mode:
    description: Will return details on what has changed (or possibly needs changing in check_mode), when in diff mode.
    support: none
  platform:
    description: Target OS/families that can be operated against.
    support: N/A
    platforms: all
notes:
  - The result's RV(cloud_time) is taken from the C(Date) header of the cloud's answers. Compute
    ages (for example of snapshots or backups) against it, not against the controller's clock.
'''
