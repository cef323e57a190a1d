"""The execution environment definition: ansible-builder (v3) writes a build context from it
without a container engine, and the collection's meta/execution-environment.yml gives ansible-builder
the collection's Python and system requirements."""
import os
import re
import shutil
import subprocess
import sys

import yaml
from packaging.specifiers import SpecifierSet
from packaging.version import Version

BUILDER = os.path.join(os.path.dirname(sys.executable), 'ansible-builder')


def test_create_writes_a_build_context_that_installs_the_built_tarball(root, tmp_path):
    """What a user runs: build the collection, then `ansible-builder create` beside the tarball.
    The context must install exactly that tarball (the collection is not on Galaxy), from a base
    image pinned by digest, with the ansible-core the definition declares and the collection
    supports."""
    galaxy_yml = yaml.safe_load((root / 'galaxy.yml').read_text())
    tarball_name = 'dataprotection-evs-%s.tar.gz' % galaxy_yml['version']
    work = tmp_path / 'ee'
    subprocess.run([os.path.join(os.path.dirname(sys.executable), 'ansible-galaxy'), 'collection', 'build',
                    '--output-path', str(work), str(root)], check=True, capture_output=True, timeout=120)
    shutil.copy(root / 'execution-environment.yml', work)
    context = work / 'context'
    run = subprocess.run([BUILDER, 'create', '-f', str(work / 'execution-environment.yml'), '-c', str(context)],
                         cwd=work, check=False, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stdout + run.stderr
    assert 'No matches' not in run.stdout + run.stderr, 'the tarball was not copied into the context'
    dockerfile = (context / 'Dockerfile').read_text()
    args = dict(re.findall(r'^ARG (\w+)="(.*)"$', dockerfile, re.MULTILINE))

    # the tarball just built, byte for byte, and the only collection installed
    copied = context / '_build' / 'collections' / tarball_name
    assert copied.read_bytes() == (work / tarball_name).read_bytes()
    galaxy = yaml.safe_load((context / '_build' / 'requirements.yml').read_text())
    assert galaxy == {'collections': [{'name': '/build/collections/' + tarball_name, 'type': 'file'}]}
    galaxy_stage = dockerfile.split('FROM base AS galaxy', 1)[1].split('FROM base AS builder', 1)[0]
    assert 'COPY _build /build' in galaxy_stage and 'WORKDIR /build' in galaxy_stage
    assert re.search(r'^RUN .*ansible-galaxy collection install .*-r requirements\.yml', galaxy_stage, re.MULTILINE)

    # a maintained base image pinned by tag and digest, never a moving tag
    image = args['EE_BASE_IMAGE']
    name, digest = (image.split('@', 1) + [''])[:2]
    assert re.fullmatch(r'sha256:[0-9a-f]{64}', digest), image
    assert ':' in name.rsplit('/', 1)[1] and not name.endswith(':latest'), image

    # ansible-core pinned to one release that meta/runtime.yml accepts, on a Python it supports
    refs = args['ANSIBLE_INSTALL_REFS'].split()
    core = [ref for ref in refs if ref.startswith('ansible-core')]
    assert len(core) == 1 and core[0].startswith('ansible-core=='), refs
    core_version = Version(core[0].split('==', 1)[1])
    requires = yaml.safe_load((root / 'meta' / 'runtime.yml').read_text())['requires_ansible']
    assert SpecifierSet(requires).contains(core_version), (core_version, requires)
    python = re.fullmatch(r'/usr/bin/python(\d+)\.(\d+)', args['PYCMD'])
    assert python, args['PYCMD']
    if core_version >= Version('2.20'):
        assert (int(python.group(1)), int(python.group(2))) >= (3, 12), 'ansible-core 2.20+ needs Python 3.12+'
    assert all('==' in ref for ref in refs), 'ansible-runner pinned as well: %s' % refs


def test_the_collection_declares_its_requirements(root, collections_path):
    run = subprocess.run([BUILDER, 'introspect', collections_path], check=False, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stdout + run.stderr
    found = yaml.safe_load(run.stdout.split('\n', 1)[1])
    assert any(line.startswith('requests>=2.25') for line in found['python'])
    assert any(line.startswith('python3 ') for line in found['system'])
    meta = yaml.safe_load((root / 'meta' / 'execution-environment.yml').read_text())
    for path in meta['dependencies'].values():
        assert (root / path).is_file()
