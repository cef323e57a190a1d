# -*- coding: utf-8 -*-
# Copyright (c) dataprotection.evs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""IAM tokens kept between the tasks of a run, so that a play asks IAM for one token, not one per
task (every module is its own process). IAM throttles token creation and a token request is the
slowest call of a no-op task.

A token is a secret, so the cache is kept the way ssh keeps keys:

- one file per identity in a directory of the user's own (``$XDG_RUNTIME_DIR`` when set: a tmpfs
  cleared at logout; else ``~/.cache``), the directory 0700, each file 0600, written atomically;
- a directory or file that is a symlink, is owned by someone else or is readable by others is
  never used (someone could have made it to collect tokens);
- the file name is a hash of the whole identity, the password or given token included: a wrong
  password never finds a token a right one left, and a changed password starts afresh;
- a token is reused at most ``REUSE_SECONDS`` after it was issued and never within
  ``EXPIRY_MARGIN_SECONDS`` of its expiry; a token the cloud refuses (401) is dropped and a
  new one fetched;
- ``DP_EVS_TOKEN_CACHE=off`` turns it off; ``DP_EVS_TOKEN_CACHE=/some/dir`` moves it.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import hashlib
import json
import os
import stat
import tempfile
import time

ENVIRONMENT = 'DP_EVS_TOKEN_CACHE'
OFF = ('off', 'false', 'no', '0', '')
REUSE_SECONDS = 3600
EXPIRY_MARGIN_SECONDS = 900


def default_directory(environ):
    runtime = environ.get('XDG_RUNTIME_DIR')
    if runtime and os.path.isabs(runtime):
        return os.path.join(runtime, 'dataprotection-evs')
    return os.path.join(os.path.expanduser('~'), '.cache', 'dataprotection-evs', 'tokens')


def _private(info):
    """Owned by us, not a symlink, nothing for group or others."""
    return (not stat.S_ISLNK(info.st_mode) and info.st_uid == os.geteuid()
            and not info.st_mode & (stat.S_IRWXG | stat.S_IRWXO))


class TokenCache:
    """Load, store and drop the token of one identity (``key()`` makes its name)."""

    def __init__(self, directory, clock=None):
        self.directory = directory
        self.clock = time.time if clock is None else clock

    @classmethod
    def from_environment(cls, environ=None):
        """The cache the environment asks for; None when it is turned off."""
        environ = os.environ if environ is None else environ
        setting = environ.get(ENVIRONMENT)
        if setting is not None and setting.strip().lower() in OFF:
            return None
        return cls(setting if setting else default_directory(environ))

    @staticmethod
    def key(material):
        """A file name for an identity: ``material`` is everything that makes a token (IAM URL,
        method, user, domain, scope and the password or token)."""
        return hashlib.sha256(json.dumps(material, sort_keys=True).encode('utf-8')).hexdigest()

    def _directory_ready(self):
        try:
            os.makedirs(self.directory, 0o700)
        except OSError:
            pass  # it exists (or cannot be made: the lstat below says which)
        try:
            return _private(os.lstat(self.directory))
        except OSError:
            return False

    def load(self, key):
        """``{token, catalog, project_id}`` or None (missing, stale, unsafe or unreadable)."""
        path = os.path.join(self.directory, key)
        try:
            if not _private(os.lstat(self.directory)):
                return None
            fd = os.open(path, os.O_RDONLY | getattr(os, 'O_NOFOLLOW', 0))
        except OSError:
            return None
        try:
            if not _private(os.fstat(fd)):
                return None
            with os.fdopen(fd, 'r') as handle:
                fd = None
                entry = json.load(handle)
        except (OSError, ValueError):
            return None
        finally:
            if fd is not None:
                os.close(fd)
        now = self.clock()
        try:
            fresh = entry['issued'] + REUSE_SECONDS > now and entry['expires'] - EXPIRY_MARGIN_SECONDS > now
        except (KeyError, TypeError):
            fresh = False
        if not fresh or not entry.get('token'):
            self.discard(key)
            return None
        return entry

    def store(self, key, token, catalog, project_id, lifetime):
        """Keep a token that the cloud says lives ``lifetime`` more seconds (None: unknown)."""
        if not self._directory_ready():
            return
        now = self.clock()
        entry = {'token': token, 'catalog': catalog, 'project_id': project_id, 'issued': now,
                 'expires': now + (lifetime if lifetime is not None else REUSE_SECONDS + EXPIRY_MARGIN_SECONDS)}
        try:
            fd, temporary = tempfile.mkstemp(dir=self.directory, prefix='.new-')  # mode 0600
        except OSError:
            return
        try:
            with os.fdopen(fd, 'w') as handle:
                json.dump(entry, handle)
            os.replace(temporary, os.path.join(self.directory, key))
        except OSError:
            self._remove(temporary)
        self._prune(now)

    def discard(self, key):
        self._remove(os.path.join(self.directory, key))

    def _prune(self, now):
        """Files of identities not used for longer than a token is reused go, so that tokens do
        not pile up on disk."""
        try:
            names = os.listdir(self.directory)
        except OSError:
            return
        for name in names:
            path = os.path.join(self.directory, name)
            try:
                if os.lstat(path).st_mtime + REUSE_SECONDS < now:
                    self._remove(path)
            except OSError:
                pass

    @staticmethod
    def _remove(path):
        try:
            os.unlink(path)
        except OSError:
            pass
