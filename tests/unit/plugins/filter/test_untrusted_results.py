# -*- coding: utf-8 -*-
# Copyright (c) dataprotection.evs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Every filter of the collection hands its result over as untrusted: its strings come from the
cloud, and roles keep them in facts that ansible-core before 2.19 templates again on lookup (the
attack itself, on both cores, is the integration target untrusted_cloud_strings)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import importlib
import os

import pytest

from ansible.errors import AnsibleFilterError

from ansible_collections.dataprotection.evs.plugins.plugin_utils import unsafe

FILTER_DIR = os.path.join(os.path.dirname(__file__), '..', '..', '..', '..', 'plugins', 'filter')
FILTER_FILES = sorted(f[:-3] for f in os.listdir(FILTER_DIR) if f.endswith('.py') and not f.startswith('_'))


def test_the_collection_has_filters():
    assert len(FILTER_FILES) >= 12


WRAPPER_CODE = unsafe.untrusted_results(len).__code__


@pytest.mark.parametrize('name', FILTER_FILES)
def test_every_filter_is_registered_through_untrusted_filters(name):
    module = importlib.import_module('ansible_collections.dataprotection.evs.plugins.filter.%s' % name)
    filters = module.FilterModule().filters()
    assert filters
    for filter_name, function in filters.items():
        assert function.__code__ is WRAPPER_CODE, '%s is registered without untrusted_filters' % filter_name
        assert function.__wrapped__ is getattr(module, filter_name)
        assert function.__name__ == filter_name


def test_a_wrapped_filter_passes_its_result_through_untrusted(monkeypatch):
    seen = []
    monkeypatch.setattr(unsafe, 'untrusted', lambda value: seen.append(value) or ['marked', value])
    result = {'name': 'db01'}
    wrapped = unsafe.untrusted_filters({'f': lambda *args, **kwargs: result})['f']
    assert wrapped(1, x=2) == ['marked', result] and seen == [result]


def test_a_refusal_is_raised_or_returned_as_asked():
    def refuse(*args, **kwargs):
        raise AnsibleFilterError('tier gold: rpo 30s is below 1m')
    wrapped = unsafe.untrusted_filters({'f': refuse})['f']
    with pytest.raises(AnsibleFilterError, match='below 1m'):
        wrapped([])
    with pytest.raises(AnsibleFilterError, match='below 1m'):
        wrapped([], errors='strict')
    assert wrapped([], errors='return') == {'refused': 'tier gold: rpo 30s is below 1m'}
    with pytest.raises(AnsibleFilterError, match='strict or return'):
        wrapped([], errors='ignore')


def test_a_python_error_is_never_turned_into_a_refusal():
    def broken(*args, **kwargs):
        raise KeyError('tiers')
    with pytest.raises(KeyError):
        unsafe.untrusted_filters({'f': broken})['f']([], errors='return')


def test_the_errors_option_does_not_reach_the_filter():
    seen = {}
    wrapped = unsafe.untrusted_filters({'f': lambda *args, **kwargs: seen.update(kwargs) or 'ok'})['f']
    assert wrapped([], x=1, errors='return') == 'ok' and seen == {'x': 1}
