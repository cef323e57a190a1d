# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""`make matrix` tests the newest ansible-core pre-release only when it is newer than the newest
release (tools/newest-core-rc): a stale release candidate of a released version, or a list with
no pre-release, must select none."""

from __future__ import annotations

import importlib.machinery
import importlib.util
import os

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
LOADER = importlib.machinery.SourceFileLoader('newest_core_rc', os.path.join(HERE, '..', '..', 'tools', 'newest-core-rc'))
SPEC = importlib.util.spec_from_loader('newest_core_rc', LOADER)
newest_core_rc = importlib.util.module_from_spec(SPEC)
LOADER.exec_module(newest_core_rc)


def pip_output(*versions):
    return 'ansible-core (%s)\nAvailable versions: %s\n  INSTALLED: 2.21.5\n' % (versions[0], ', '.join(versions))


@pytest.mark.parametrize('versions, prerelease, release', [
    (('2.22.0rc1', '2.22.0b2', '2.21.5', '2.21.5rc1', '2.21.4'), '2.22.0rc1', '2.21.5'),
    (('2.22.0b1', '2.21.5'), '2.22.0b1', '2.21.5'),
    # a release candidate of a version already released is older than the release
    (('2.21.5', '2.21.5rc1', '2.21.4'), None, '2.21.5'),
    # pip lists newest first, but the choice must not depend on the order
    (('2.21.4', '2.21.10', '2.21.10rc1'), None, '2.21.10'),
    (('2.21.9', '2.21.10rc1'), '2.21.10rc1', '2.21.9'),
])
def test_newest_prerelease(versions, prerelease, release):
    chosen, newest_release = newest_core_rc.newest_prerelease(pip_output(*versions))
    assert (None if chosen is None else str(chosen)) == prerelease
    assert str(newest_release) == release
