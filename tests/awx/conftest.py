"""Fixtures of the AWX tests: the repository root, a running emulator, the seeded tenant's settings."""
import os
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


@pytest.fixture(scope='session')
def root():
    return ROOT


@pytest.fixture(scope='session')
def emulator():
    from evs_emulator.testing import EmulatorProcess
    with EmulatorProcess() as process:
        process.admin().zero_timings()
        yield process


@pytest.fixture(scope='session')
def seeded_clouds(emulator):
    """The clouds.yaml entries of the seeded tenants (what a user would type into AWX)."""
    from evs_emulator.cli import clouds_yaml
    from evs_emulator.config import Config
    return yaml.safe_load(clouds_yaml(Config.load(None), emulator.base_url))['clouds']


@pytest.fixture(scope='session')
def collections_path(tmp_path_factory):
    """An ANSIBLE_COLLECTIONS_PATH with this checkout as dataprotection.evs."""
    base = tmp_path_factory.mktemp('collections')
    target = base / 'ansible_collections' / 'dataprotection'
    target.mkdir(parents=True)
    os.symlink(ROOT, target / 'evs')
    return str(base)
