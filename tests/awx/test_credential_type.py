"""The AWX credential type: well-formed, secrets marked secret, and its injectors, applied to a
sample credential the way AWX applies them, give a job environment with which the collection
(modules, the disks inventory and the job-template playbooks) authenticates to the emulator."""
import json
import os
import re
import subprocess
import sys

import pytest
import yaml

from awx_injectors import inject, undeclared

CREDENTIAL_TYPE = 'extensions/awx/credential_types/evs_cloud.yml'


@pytest.fixture(scope='module')
def credential_type(root):
    with open(root / CREDENTIAL_TYPE) as handle:
        return yaml.safe_load(handle)


def password_inputs(cloud):
    auth = cloud['auth']
    return {'auth_url': auth['auth_url'], 'username': auth['username'], 'password': auth['password'],
            'user_domain_name': auth['user_domain_name'], 'project_name': auth['project_name'],
            'region': cloud['region_name']}


def aksk_inputs(cloud):
    auth = cloud['auth']
    return {'auth_url': auth['auth_url'], 'ak': auth['ak'], 'sk': auth['sk'], 'project_id': auth['project_id'],
            'region': cloud['region_name'], 'insecure': False}


def job_environment(env, collections_path, home):
    """A job's environment: nothing of ours from the caller (no OS_*, no clouds.yaml in reach)."""
    clean = dict((k, v) for k, v in os.environ.items() if not k.startswith(('OS_', 'ANSIBLE_')))
    clean.update(env)
    clean.update({'HOME': str(home), 'ANSIBLE_COLLECTIONS_PATH': collections_path, 'ANSIBLE_NOCOLOR': '1',
                  'ANSIBLE_PYTHON_INTERPRETER': sys.executable, 'ANSIBLE_LOCALHOST_WARNING': '0'})
    return clean


def adhoc(module, args, env, cwd):
    """Run one module on localhost; (rc, result dict, raw output)."""
    command = [os.path.join(os.path.dirname(sys.executable), 'ansible'), 'localhost', '-c', 'local',
               '-m', module, '-a', json.dumps(args)]
    run = subprocess.run(command, env=env, cwd=cwd, check=False, capture_output=True, text=True, timeout=120)
    match = re.search(r'=> (\{.*\})', run.stdout, re.S)
    return run.returncode, json.loads(match.group(1)) if match else {}, run.stdout + run.stderr


def test_the_credential_type_is_well_formed(credential_type):
    assert credential_type['kind'] == 'cloud'
    fields = dict((f['id'], f) for f in credential_type['inputs']['fields'])
    assert all(f['type'] in ('string', 'boolean') and f.get('label') for f in fields.values())
    assert sorted(k for k, f in fields.items() if f.get('secret')) == ['password', 'sk']
    assert set(credential_type['inputs']['required']) <= set(fields)
    assert undeclared(credential_type) == set()
    assert set(credential_type['injectors']['env']) == {'OS_CLIENT_CONFIG_FILE', 'OS_CLOUD'}


@pytest.mark.parametrize('kind', ['password', 'aksk'])
def test_a_credential_authenticates_the_modules(kind, credential_type, seeded_clouds, collections_path, tmp_path):
    cloud = seeded_clouds['tenant-a' if kind == 'password' else 'tenant-a-aksk']
    inputs = password_inputs(cloud) if kind == 'password' else aksk_inputs(cloud)
    env, files = inject(credential_type, inputs, str(tmp_path / 'private'))
    assert oct(os.stat(files['template.clouds_yaml']).st_mode & 0o777) == '0o600'
    job_env = job_environment(env, collections_path, tmp_path)

    rc, created, output = adhoc('dataprotection.evs.disk', {
        'name': 'awx-%s' % kind, 'availability_zone': 'eu-de-01', 'size': 10}, job_env, tmp_path)
    assert rc == 0, output
    rc, found, output = adhoc('dataprotection.evs.disk_info', {'name': 'awx-%s' % kind}, job_env, tmp_path)
    assert rc == 0, output
    assert [d['id'] for d in found['disks']] == [created['disk']['id']]
    secret = inputs.get('password') or inputs['sk']
    assert secret not in output


def test_a_wrong_secret_fails_clearly_and_is_not_shown(credential_type, seeded_clouds, collections_path, tmp_path):
    inputs = dict(password_inputs(seeded_clouds['tenant-a']), password='Wrong-Secret-4711')
    env = inject(credential_type, inputs, str(tmp_path / 'private'))[0]
    job_env = job_environment(env, collections_path, tmp_path)
    rc, result, output = adhoc('dataprotection.evs.disk_info', {'name': 'any'}, job_env, tmp_path)
    assert rc != 0
    assert 'authenticat' in result.get('msg', '').lower()
    assert 'Wrong-Secret-4711' not in output


def test_the_job_template_recipe_runs_with_the_credential(
        root, credential_type, seeded_clouds, collections_path, tmp_path):
    """The inventory source, the scheduled protect job (a rerun changes nothing) and the audit
    job with its report as the set_stats artifact, all with the credential's environment."""
    env = inject(credential_type, password_inputs(seeded_clouds['tenant-a']), str(tmp_path / 'private'))[0]
    job_env = job_environment(env, collections_path, tmp_path)
    job_env['ANSIBLE_SHOW_CUSTOM_STATS'] = '1'
    rc, created, output = adhoc('dataprotection.evs.disk', {
        'name': 'awx-recipe', 'availability_zone': 'eu-de-02', 'size': 10, 'metadata': {'tier': 'gold'}}, job_env,
        tmp_path)
    assert rc == 0 and created['changed'], output
    inventory = tmp_path / 'estate.evs_disks.yml'
    inventory.write_text('plugin: dataprotection.evs.disks\n')
    playbook = [os.path.join(os.path.dirname(sys.executable), 'ansible-playbook'), '-i', str(inventory),
                '--limit', 'tier_gold']

    def run(name):
        done = subprocess.run(playbook + [str(root / 'extensions/awx/playbooks' / name)], env=job_env,
                              cwd=tmp_path, check=False, capture_output=True, text=True, timeout=180)
        assert done.returncode == 0, done.stdout + done.stderr
        return done.stdout

    first, second = run('protect.yml'), run('protect.yml')
    assert re.search(r'awx-recipe +: ok=2 +changed=1 ', first), first
    assert re.search(r'awx-recipe +: ok=2 +changed=0 ', second), second
    audit = run('audit.yml')
    stats = audit[audit.index('CUSTOM STATS'):]
    assert 'evs_audit' in stats and 'awx-recipe' in stats, stats
    report = json.loads(re.search(r'RUN: (\{.*\})', stats, re.S).group(1))
    entry = report['evs_audit']['awx-recipe']
    assert entry['snapshots'] == 1 and entry['protected'] is True and entry['tier'] == 'gold'
    assert seeded_clouds['tenant-a']['auth']['password'] not in first + second + audit
