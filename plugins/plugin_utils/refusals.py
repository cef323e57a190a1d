# -*- coding: utf-8 -*-
# Copyright (c) dataprotection.evs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""How a filter turns what plugin_utils refuses into the filter's error.

The functions of plugin_utils raise their own exceptions (``PolicyError``, ``RetentionError``,
both ``ValueError``) so that they stay plain Python; every filter that calls one says the same
thing with them: the refusal's message, as an ``AnsibleFilterError`` (which ``errors=return``
returns instead, see ``unsafe.untrusted_results``).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import functools

from ansible.errors import AnsibleFilterError
from ansible.module_utils.parsing.convert_bool import boolean

from ansible_collections.dataprotection.evs.plugins.plugin_utils.retention import RetentionError
from ansible_collections.dataprotection.evs.plugins.plugin_utils.selection import PolicyError

POLICY_REFUSALS = (PolicyError, RetentionError)
FROM_DR_POLICY = 'the policy must come from the dr_policy filter'


def refusing(refusals, named=False, malformed=(), source=FROM_DR_POLICY):
    """Decorate a filter function: the exceptions ``refusals`` it raises become an
    ``AnsibleFilterError`` with their message (after ``<filter>: `` when ``named``); ``malformed``
    ones (a ``KeyError`` or ``TypeError`` of input shaped otherwise) one that says where the input
    must come from (``source``). Anything else is a Python error, as it was."""
    def decorate(function):
        @functools.wraps(function)
        def wrapper(*args, **kwargs):
            try:
                return function(*args, **kwargs)
            except refusals as exc:
                raise AnsibleFilterError('%s: %s' % (function.__name__, exc) if named else str(exc))
            except malformed as exc:
                raise AnsibleFilterError('%s: %s (%s)' % (function.__name__, source, exc))
        return wrapper
    return decorate


def switch(value, what):
    """A filter's boolean option as Ansible reads one: ``-e protect_backup_on_demand=false`` arrives
    as the string 'false', which bool() reads as true; a value Ansible does not read as a boolean
    is refused (``what``: the filter and option), not guessed."""
    try:
        return boolean(value, strict=True)
    except TypeError:
        raise AnsibleFilterError('%s must be true or false, not %r' % (what, value)) from None
