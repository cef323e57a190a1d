# -*- coding: utf-8 -*-
# Copyright (c) dataprotection.evs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""DR policies as the filter tests write them: a tier, a policy of tiers, checked or refused."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible.errors import AnsibleFilterError

from ansible_collections.dataprotection.evs.plugins.filter.dr_policy import dr_policy


def tier(name='t1', **overrides):
    """A disk-failure tier with a daily RPO that selects the disks whose metadata tier is its
    name; an override of None leaves the key out."""
    base = {'name': name, 'failure': 'disk', 'rpo': '1d', 'retention': {'last': 2},
            'disks': {'metadata': {'tier': name}}}
    base.update(overrides)
    return dict((k, v) for k, v in base.items() if v is not None)


def policy(*tiers, **extra):
    result = {'name': 'shop', 'tiers': list(tiers)}
    result.update(extra)
    return result


def checked(*tiers, **extra):
    """The policy as dr_policy checks and completes it."""
    return dr_policy(policy(*tiers, **extra))


def refused_by(function, *args, **kwargs):
    """The reason ``function`` refuses its arguments with."""
    with pytest.raises(AnsibleFilterError) as info:
        function(*args, **kwargs)
    return str(info.value)


def refused(value):
    """The reason dr_policy refuses the policy ``value`` with."""
    return refused_by(dr_policy, value)
