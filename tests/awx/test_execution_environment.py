"""The execution environment definition: ansible-builder (v3) writes a build context from it
without a container engine, and the collection's meta/execution-environment.yml gives ansible-builder
the collection's Python and system requirements."""
import os
import subprocess
import sys

import yaml

BUILDER = os.path.join(os.path.dirname(sys.executable), 'ansible-builder')


def test_create_writes_a_build_context(root, tmp_path):
    context = tmp_path / 'context'
    run = subprocess.run([BUILDER, 'create', '-f', str(root / 'execution-environment.yml'), '-c', str(context)],
                         cwd=root, check=False, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stdout + run.stderr
    dockerfile = (context / 'Dockerfile').read_text()
    assert 'FROM' in dockerfile and 'ansible-galaxy' in dockerfile.lower() or 'assemble' in dockerfile
    galaxy = yaml.safe_load((context / '_build' / 'requirements.yml').read_text())
    assert [c['name'] for c in galaxy['collections']] == ['dataprotection.evs']
    assert 'requests' in (context / '_build' / 'requirements.txt').read_text()
    assert 'ca-certificates' in (context / '_build' / 'bindep.txt').read_text()


def test_the_collection_declares_its_requirements(root, collections_path):
    run = subprocess.run([BUILDER, 'introspect', collections_path], check=False, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stdout + run.stderr
    found = yaml.safe_load(run.stdout.split('\n', 1)[1])
    assert any(line.startswith('requests>=2.25') for line in found['python'])
    assert any(line.startswith('python3 ') for line in found['system'])
    meta = yaml.safe_load((root / 'meta' / 'execution-environment.yml').read_text())
    for path in meta['dependencies'].values():
        assert (root / path).is_file()
