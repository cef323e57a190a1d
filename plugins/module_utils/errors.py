# -*- coding: utf-8 -*-
# Copyright (c) dataprotection.evs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Exceptions shared by the client, the waiters, the API layers and the module base."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

REDACTED = '********'


def redact(text, secrets):
    """Replace every secret value that occurs in ``text`` by a mask."""
    if text is None:
        return None
    text = str(text)
    for secret in secrets or ():
        if secret and len(str(secret)) >= 4:
            text = text.replace(str(secret), REDACTED)
    return text


class CloudError(Exception):
    """One error type for every failed answer of the cloud (or a lost one).

    ``status`` is the HTTP status (None when no answer arrived), ``code`` the cloud's own code
    (``EVS.1046``, ``APIGW.0308``, ``itemNotFound``...), ``operation`` what the client tried
    (``POST volumev2 /snapshots``). Never holds a token, password or secret key: the client
    redacts them before it builds the error.
    """

    def __init__(self, status, code, message, request_id=None, operation=None, attempts=1):
        self.status = status
        self.code = code
        self.message = message
        self.request_id = request_id
        self.operation = operation
        self.attempts = attempts
        #: the region of the client whose request failed (set by the client), so that a run that
        #: reaches two regions says which one failed
        self.region = None
        super(CloudError, self).__init__(self.__str__())

    def __str__(self):
        text = '%s failed' % (self.operation or 'request')
        if self.status is not None:
            text += ' with HTTP %s' % self.status
        if self.code:
            text += ' (%s)' % self.code
        if self.message:
            text += ': %s' % self.message
        if self.attempts and self.attempts > 1:
            text += ' [after %d attempts]' % self.attempts
        if self.request_id:
            text += ' [request id %s]' % self.request_id
        return text

    def __repr__(self):
        return 'CloudError(status=%r, code=%r, message=%r, request_id=%r, operation=%r)' % (
            self.status, self.code, self.message, self.request_id, self.operation)

    def to_dict(self):
        """The ``error`` value modules return: playbooks can test ``error.code``."""
        return {
            'status': self.status,
            'code': self.code,
            'message': self.message,
            'request_id': self.request_id,
        }

    @property
    def not_found(self):
        return self.status == 404


class LostAnswerError(CloudError):
    """A non-idempotent request was sent but its answer was lost (connection reset, read
    timeout, 502/504): the cloud may or may not have done it. The caller has to look the
    resource up again before it may retry (see ``Client.request(recover=...)``)."""


class ConfigError(Exception):
    """The connection settings are incomplete or contradict each other."""


class ResourceError(Exception):
    """A failure told in the user's terms (``msg``), optionally caused by a CloudError."""

    def __init__(self, msg, cause=None, **result):
        self.msg = msg
        self.cause = cause
        self.result = result
        super(ResourceError, self).__init__(msg)

    def error_dict(self):
        if isinstance(self.cause, CloudError):
            return self.cause.to_dict()
        return None
