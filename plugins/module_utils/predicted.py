# -*- coding: utf-8 -*-
# Copyright (c) dataprotection.evs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Check mode across parents: the placeholder a check-mode prediction of a create names its resource by.

A check run predicts what a real run changes. A resource that the real run creates in one task
(a protection group, a vault, a backup policy) is the parent of what a later task creates in it
(a protected instance, a replication pair, a policy binding). In a check run that parent does
not exist, so the later task could not look it up. Instead the parent's module answers, with
its prediction of the create, a placeholder as ``ref``: ``predicted-by-check-mode:<kind>:<name>`` (a real run
answers the id). A later task passes that ``ref`` as the parent; the member's module (the base
in module.py, the options it declares in ``parent_options``) then predicts under a parent that
does not exist yet: nothing in it (no member to find), a create.

A placeholder is never sent: the client refuses a request that carries one (``refuse_sent``),
and outside check mode the base refuses it as an option before any request.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

try:
    from urllib.parse import unquote
except ImportError:  # Python 2
    from urllib import unquote

from ansible_collections.dataprotection.evs.plugins.module_utils.errors import ResourceError

#: no name or id the cloud gives or accepts starts so
PREFIX = 'predicted-by-check-mode:'


def placeholder(kind, name, parent=None):
    """The ``ref`` of the check-mode prediction of the create of ``kind`` ``name``; ``parent`` (an
    id without ``:``) when the name is unique only under it (the backups of a batch, one per disk,
    share their name): ``predicted-by-check-mode:<kind>@<parent>:<name>``."""
    kind = kind.replace(' ', '-') + ('' if parent is None else '@%s' % parent)
    return '%s%s:%s' % (PREFIX, kind, name)


def is_placeholder(value):
    return isinstance(value, str) and value.startswith(PREFIX)


def name_of(value):
    """The name of the resource ``value`` (a placeholder) stands for."""
    return value[len(PREFIX):].split(':', 1)[-1]


def kind_of(value):
    """The kind of resource ``value`` (a placeholder) stands for, as ``placeholder`` wrote it."""
    return value[len(PREFIX):].split(':', 1)[0].split('@', 1)[0]


def parent_of(value):
    """The ``parent`` ``value`` (a placeholder) was made with, or None."""
    kind = value[len(PREFIX):].split(':', 1)[0]
    return kind.split('@', 1)[1] if '@' in kind else None


def refuse_sent(method, url, body):
    """Raise before a request whose URL or JSON ``body`` carries a placeholder (as a path segment, a
    query value or a text value): it names nothing the cloud has."""
    if PREFIX in unquote(url) or (body and '"' + PREFIX in body):
        raise ResourceError('%s %s carries a check-mode placeholder (%s...), which names nothing on the cloud; '
                            'nothing was sent' % (method, url.split('?')[0], PREFIX))


def blanked(value):
    """``value`` with every placeholder in it as None, but under ``predicted_ref`` keys: a prediction
    shows what only the real run knows (the id of its parent) as null, as it shows the id of what
    it creates."""
    if isinstance(value, dict):  # a ``predicted_ref`` itself is kept: it is what later tasks pass
        return dict((key, item if key == 'predicted_ref' else blanked(item)) for key, item in value.items())
    if isinstance(value, list):
        return [blanked(item) for item in value]
    return None if is_placeholder(value) else value


def placeholders(params, path=''):
    """The ``(option, placeholder)`` pairs in ``params`` (module options), in order; an option of a
    list's elements is named ``list[index].option``, an element of a list of texts ``list[index]``."""
    found = []
    for option in sorted(params):
        value, name = params[option], path + option
        if is_placeholder(value):
            found.append((name, value))
        elif isinstance(value, list):
            for index, element in enumerate(value):
                if isinstance(element, dict):
                    found += placeholders(element, '%s[%d].' % (name, index))
                elif is_placeholder(element):
                    found.append(('%s[%d]' % (name, index), element))
    return found
