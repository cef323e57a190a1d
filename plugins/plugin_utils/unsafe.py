# -*- coding: utf-8 -*-
# Copyright (c) dataprotection.evs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Strings from the cloud are data, never templates.

Anyone who may name a disk, describe a snapshot or set a metadata value writes text that reaches
the controller. Before ansible-core 2.19 a plain ``str`` inside a variable is templated again
whenever it is looked up, so a disk named ``{{ lookup('pipe', 'id') }}`` would run a command on
the controller as soon as a play used its name. Module results are marked unsafe by core itself;
what the collection hands over by its own code (inventory variables and host names, filter
results that roles store with ``set_fact``) goes through :func:`untrusted`.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import functools
import re

from collections.abc import Mapping, Set

import ansible.template

from ansible.errors import AnsibleFilterError

# ansible-core 2.19 and later template only strings tagged as trusted: a string nobody tagged
# (every string built from the cloud's answers) is never templated, so there is nothing to mark.
TAGGED_CORE = hasattr(ansible.template, 'trust_as_template')

try:
    from ansible.utils.unsafe_proxy import AnsibleUnsafe, wrap_var
except ImportError:  # a core without it (after 2.19) templates no untagged string anyway
    AnsibleUnsafe, wrap_var = (), None

# Every Jinja2 delimiter Ansible knows starts with one of these ({{, {%, {#); text without them
# cannot become a template. Marking only such text keeps ordinary values plain, so that
# ``ansible-inventory --list`` on 2.16 shows them as strings, not as {"__ansible_unsafe": ...}.
_TEMPLATE_CHARS = re.compile(u'[{}]')


def untrusted(value):
    """``value`` with every string in it (keys too, at any depth) that could be read as a template
    marked unsafe, so Ansible never templates it. Other values are returned as they are."""
    if TAGGED_CORE or value is None or isinstance(value, (bool, int, float)):
        return value
    return _mark(value)


def _mark(value):
    if isinstance(value, AnsibleUnsafe):
        return value
    if isinstance(value, (str, bytes)):
        text = value.decode('utf-8', 'replace') if isinstance(value, bytes) else value
        return wrap_var(value) if _TEMPLATE_CHARS.search(text) else value
    if isinstance(value, Mapping):
        return dict((_mark(key), _mark(item)) for key, item in value.items())
    if isinstance(value, Set):
        return set(_mark(item) for item in value)
    if isinstance(value, tuple):
        return tuple(_mark(item) for item in value)
    if isinstance(value, list):
        return [_mark(item) for item in value]
    return value


def untrusted_results(function):
    """``function`` (a filter) with its result passed through :func:`untrusted`.

    Every filter also takes ``errors``: ``strict`` (default) raises its refusal, ``return`` returns
    ``{'refused': message}`` instead. Ansible wraps an exception raised while templating a task
    argument in its own words ("Finalization of task args for set_fact failed: ... The filter plugin
    ... failed: ..."); a role that asks for the refusal as a value fails with the message alone."""
    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        errors = kwargs.pop('errors', 'strict')
        if errors not in ('strict', 'return'):
            raise AnsibleFilterError('errors must be strict or return, not %r' % (errors,))
        try:
            return untrusted(function(*args, **kwargs))
        except AnsibleFilterError as exc:
            if errors == 'strict':
                raise
            return {'refused': untrusted(str(exc))}
    return wrapper


def untrusted_filters(filters):
    """A ``FilterModule.filters()`` mapping whose filters return untrusted results: their output
    is built from the cloud's answers and roles keep it in facts that are templated again."""
    return dict((name, untrusted_results(function)) for name, function in filters.items())


def filter_module(function):
    """The ``FilterModule`` class of a filter plugin file that holds the one filter ``function``
    (named as the function), with untrusted results (see :func:`untrusted_filters`)."""
    filters = untrusted_filters({function.__name__: function})

    class FilterModule(object):
        def filters(self):
            return filters

    return FilterModule
