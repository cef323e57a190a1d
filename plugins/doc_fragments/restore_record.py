# -*- coding: utf-8 -*-
# Copyright (c) dataprotection.evs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):

    # the options of module_utils.restore_record.request_id_argument_spec()
    DOCUMENTATION = r'''
notes:
  - B(When a repeat restores.) As soon as the cloud has accepted the restore, the module records on
    the disk which copy was written, when (the cloud's time, UTC) and for which O(request_id).
    The cloud cannot tell whether a disk was written since (EVS changes nothing it shows when a
    server writes data), so the record never means "the disk still holds that copy". A run for
    the copy the record names restores again, except when it is the same request (the same
    O(request_id) as the recorded run, which gives C(changed=false) and sends nothing) or when the recorded
    restore still runs (it waits for it with O(wait=true); nothing can write to the disk
    meanwhile). A run without O(request_id) for the copy the record names is refused (nothing
    sent), naming the ways out (the same O(request_id) as that run, a new one, or O(force=true)).
  - So a rerun of the same playbook with the same O(request_id) (also after O(wait=false) or a
    wait that timed out) never restores twice, and a restore that is asked for again under a new
    O(request_id), after the disk was damaged again, always writes the copy again.
options:
  request_id:
    description:
      - Names this restore request (an incident or change number, a job id). It is recorded on the
        disk, so that a rerun with the same id is a no-op and a run with another id restores.
      - "1 to 128 letters, digits and C(. _ : @ / + -), starting with a letter or digit."
    type: str
  force:
    description:
      - Restore even when the disk's record says this request already restored this copy.
    type: bool
    default: false
'''
