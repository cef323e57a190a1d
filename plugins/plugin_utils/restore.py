# -*- coding: utf-8 -*-
# Copyright (c) dataprotection.evs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Choosing the copy to restore: the newest available copy at or before a point in time."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.dataprotection.evs.plugins.plugin_utils.retention import (
    RetentionError, format_time, parse_time, require_records)


def restore_point(copies, before=None, now=None, what='disk'):
    """The newest ``available`` copy created at or before ``before`` (default ``now``, the
    cloud's time), plus ``restore_before`` (the point asked for). Raises RetentionError with the
    copies that exist when none qualifies."""
    limit_text = before or now
    if not limit_text:
        raise RetentionError('give a point in time (before) or the cloud time (now)')
    limit = parse_time(limit_text, 'the point in time')
    copies = require_records(copies, 'the copies to restore from', optional=True)
    usable = [c for c in copies if c.get('status') == 'available' and c.get('created_at')]
    ordered = sorted(usable, key=lambda c: (parse_time(c['created_at']), c.get('id') or ''), reverse=True)
    for copy in ordered:
        if parse_time(copy['created_at']) <= limit:
            result = dict(copy)
            result['restore_before'] = format_time(limit)
            result['created'] = format_time(parse_time(copy['created_at']))
            return result
    if not ordered:
        raise RetentionError('%s has no available copy to restore from' % what)
    raise RetentionError('%s has no available copy at or before %s; the oldest is %s from %s'
                         % (what, format_time(limit), ordered[-1].get('name') or ordered[-1].get('id'),
                            format_time(parse_time(ordered[-1]['created_at']))))
