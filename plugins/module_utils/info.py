# -*- coding: utf-8 -*-
# Copyright (c) dataprotection.evs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The info engine: an ``*_info`` module is its documentation plus one ``Info`` declaration.

A declaration says what to list and what to return; the engine (``InfoEngine``) does the rest
the same way for every module: the base's option checks, the declared refusals (before any
request), the listing (GETs only), normalising, filtering and ordering, the result fields, the
extra result keys and ``cloud_time``. A sketch (``plugins/modules/snapshot_info.py`` is a real
one)::

    INFO = Info(
        kind='snapshot', result_key='snapshots', fields=SNAPSHOT_FIELDS + ('made_by_backup',),
        options=dict(disk=dict(type='str'), include_backup_snapshots=dict(type='bool', default=False),
                     sort=SORT_OPTION),
        listing=evs_info.list_snapshots,            # module -> the raw API objects
        normalise=evs_info.with_backup_mark,        # raw object -> the view
        keep=evs_info.backup_snapshot_wanted,       # (params, view) -> keep it?
        order=created_order, sort_option='sort')    # newest first unless sort: oldest_first

    def main():
        INFO.execute()

The listings live next to their service: ``evs_info.py`` (disks, snapshots), ``backup_info.py``
(VBS and CBR backups, policies, vaults, replicas), ``sdrs_info.py`` (protection groups and their
members). A listing may keep what it read on the side in ``module.found`` for an extra result key
(``vault_info`` answers the policies it listed anyway), so no extra key costs a second request.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.dataprotection.evs.plugins.module_utils.errors import ResourceError
from ansible_collections.dataprotection.evs.plugins.module_utils.module import EvsModule

#: the ``sort`` option of the info modules that list copies (doc fragment ``info_filters.sort``)
SORT_OPTION = dict(type='str', choices=['newest_first', 'oldest_first'], default='newest_first')


class Info:
    """What an ``*_info`` module lists and returns.

    ``kind``: words for messages ("disk"). ``result_key``: the result's list (``disks``).
    ``options``: the module's argument spec (the connection options come from the base).
    ``listing(module)``: the raw API objects (GETs only; ``module.params``, ``module.client``,
    ``module.evs`` are at hand). ``normalise(raw)``: the view of one (default: as
    listed). ``keep(params, view)``: filters the cloud cannot apply (default: keep all).
    ``order``: the sort key of the views (None: the listing's order); ``sort_option``: the option
    whose ``newest_first`` reverses it. ``fields``: the keys of each returned element (snake_case).
    ``extras``: further result keys, ``(key, option, value(module))``, each only when ``option`` is
    None or set. ``refusals``: ``(refused(params), message)``, checked before any request.
    ``parent_options``: options that take, in check mode, the placeholder of a parent the same check
    run would create (module_utils/predicted.py): such a parent holds nothing, so every list of the
    result is empty and no request is sent. ``checks``: further declared checks of the base
    (``checked_texts``, ``checked_other_region``).
    """

    def __init__(self, kind, result_key, listing, options=None, fields=(), normalise=None, keep=None, order=None,
                 sort_option=None, extras=(), refusals=(), parent_options=(), checks=None):
        self.kind = kind
        self.result_key = result_key
        self.listing = listing
        self.options = options or {}
        self.fields = fields
        self.normalise = normalise
        self.keep = keep
        self.order = order
        self.sort_option = sort_option
        self.extras = extras
        self.refusals = refusals
        self.parent_options = parent_options
        self.checks = checks or {}

    def execute(self):
        InfoEngine(self).main()


class InfoEngine(EvsModule):
    """Runs an ``Info`` declaration: the one shape of every ``*_info`` module."""

    def __init__(self, declaration):
        self.declaration = declaration
        self.argument_spec = declaration.options
        self.kind = declaration.kind
        self.result_key = declaration.result_key
        self.result_fields = declaration.fields
        self.parent_options = declaration.parent_options
        for check, value in declaration.checks.items():
            setattr(self, check, value)
        super(InfoEngine, self).__init__()
        #: what a listing read on the side, for the extra result keys
        self.found = {}

    def validate(self):
        for refused, message in self.declaration.refusals:
            if refused(self.params):
                raise ResourceError(message)

    def run(self):
        declared, params = self.declaration, self.params
        wanted = [(key, value) for key, option, value in declared.extras if option is None or params[option]]
        if any(self.predicted_parent(option) for option in declared.parent_options):
            result = dict((key, []) for key, value in wanted)
            result.update({'changed': False, declared.result_key: [], 'cloud_time': self.cloud_time()})
            return result
        views = [declared.normalise(raw) if declared.normalise else raw for raw in declared.listing(self)]
        if declared.keep:
            views = [view for view in views if declared.keep(params, view)]
        if declared.order:
            views = sorted(views, key=declared.order,
                           reverse=bool(declared.sort_option) and params[declared.sort_option] == 'newest_first')
        result = {'changed': False, declared.result_key: [self.shape(view) for view in views]}
        result.update((key, value(self)) for key, value in wanted)
        result['cloud_time'] = self.cloud_time()
        return result
