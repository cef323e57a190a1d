# -*- coding: utf-8 -*-
# Copyright (c) dataprotection.evs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""A mechanism that exists only in the tests: it proves that a new mechanism is this one file
plus one task file (label.yml, next to it), registered through DP_EVS_EXTRA_MECHANISMS, with no
edit anywhere else. 'label' marks every disk its tiers cover with the metadata
``dp_evs_label: <tier>``; it keeps no copy, so it survives nothing (a tier must name it)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os

from ansible_collections.dataprotection.evs.plugins.plugin_utils.mechanisms import registry

LABEL_KEYS = ('label_text',)


class Label(registry.Mechanism):
    name = 'label'
    survives = ('disk',)
    min_rpo = 3600
    tier_keys = LABEL_KEYS
    tier_output = (('label_text', None),)
    tasks = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'label.yml')

    def check_tier(self, where, tier, checked, resource_name, problems):
        text = tier.get('label_text', checked['name'])
        if not isinstance(text, str) or not text:
            problems.append('%s.label_text must be a non-empty text, not %r' % (where, text))
        return {'label_text': text}


MECHANISMS = [Label()]
