# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The secret scan of `make integration` (tests/tools/secret_scan.py) finds what it must find:
a password or secret key as is, URL-encoded, JSON-escaped, base64'd in a Basic auth header at
every alignment, and tokens (issued ones recognised by their hash), each at its file and line
with the secret masked; and it finds nothing in a clean log."""

from __future__ import annotations

import base64
import hashlib
import importlib.util
import json
import os
import urllib.parse

import pytest
import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
SPEC = importlib.util.spec_from_file_location('secret_scan', os.path.join(HERE, '..', 'tools', 'secret_scan.py'))
secret_scan = importlib.util.module_from_spec(SPEC)
SPEC.loader.exec_module(secret_scan)

PASSWORD = 'Pa55/w+rd "quoted" & ümlaut'
SECRET_KEY = 'sK3cr3tK3yW1thL3ngth40xxxxxxxxxxxxxxxxxx'
TOKEN = 'MII' + base64.urlsafe_b64encode(bytes(range(180))).decode().rstrip('=')
CLOUDS = {'clouds': {
    'alice': {'auth': {'auth_url': 'http://127.0.0.1/identity/v3', 'username': 'alice', 'password': PASSWORD}},
    'alice-aksk': {'auth': {'ak': 'AKPUBLIC', 'sk': SECRET_KEY}},
}}
CLEAN_LOG = (
    'TASK [Snapshot every disk] ***\n'
    'ok: [testhost] => {"changed": false, "invocation": {"module_args": {"auth": {"password": "VALUE_SPECIFIED_IN_NO_LOG_PARAMETER"}}}}\n'
    '-----BEGIN CERTIFICATE-----\n'
    'MIIDazCCAlOgAwIBAgIUJ2bTZt+9xq0dP1mTmJ7oR1uWb3MwDQYJKoZIhvcNAQELBQAwRTELMAkGA1UEBhMCQVUx\n'
    '-----END CERTIFICATE-----\n'
)


def scan(text, hashes=()):
    scanner = secret_scan.Scanner([PASSWORD, SECRET_KEY], hashes)
    scanner.scan_bytes('run.log', text.encode('utf-8'))
    return scanner.findings


def basic_header(user, secret):
    return 'Authorization: Basic ' + base64.b64encode(('%s:%s' % (user, secret)).encode()).decode()


def test_a_clean_log_has_no_finding():
    assert scan(CLEAN_LOG) == []


@pytest.mark.parametrize('form, written', [
    ('as is', PASSWORD),
    ('URL-encoded', urllib.parse.quote(PASSWORD, safe='')),
    ('form-encoded', urllib.parse.quote_plus(PASSWORD)),
    ('JSON-escaped', json.dumps(PASSWORD, ensure_ascii=False)[1:-1]),
    ('JSON-escaped (ASCII)', json.dumps(PASSWORD, ensure_ascii=True)[1:-1]),
])
def test_a_password_is_found_in_every_form(form, written):
    findings = scan(CLEAN_LOG + 'fatal: [testhost]: FAILED! => {"msg": "refused %s"}\n' % written)
    assert len(findings) == 1, findings
    assert findings[0].startswith('run.log:6: secret #'), findings
    assert '(%s)' % form in findings[0]
    assert '<secret #' in findings[0]
    assert written not in findings[0] and PASSWORD not in findings[0]


@pytest.mark.parametrize('user', ['a', 'ab', 'abc', 'alice', 'OTC00000000001000000001'])
@pytest.mark.parametrize('secret', [PASSWORD, SECRET_KEY])
def test_a_secret_in_a_basic_auth_header_is_found_at_every_alignment(user, secret):
    header = basic_header(user, secret)
    findings = scan('GET /volumes\n' + header + '\n')
    assert findings and all(f.startswith('run.log:2: secret #') and '(base64)' in f for f in findings), findings
    assert header.split()[-1] not in '\n'.join(findings)


def test_the_secret_key_is_found_json_escaped_in_a_result():
    findings = scan(json.dumps({'msg': 'signature mismatch', 'auth': {'sk': SECRET_KEY}}) + '\n')
    assert len(findings) == 1 and 'secret #' in findings[0] and SECRET_KEY not in findings[0]


def test_a_token_is_found_and_an_issued_one_named_so():
    issued = hashlib.sha256(TOKEN.encode()).hexdigest()
    text = 'X-Auth-Token: %s\n{"token": "%s"}\nurl=%s\n' % (TOKEN, TOKEN, urllib.parse.quote(TOKEN, safe=''))
    findings = scan(text, [issued])
    assert [f.split(':')[1] for f in findings] == ['1', '2', '3']
    assert all('token (issued in this run)' in f and TOKEN[:20] not in f for f in findings), findings
    # a token the hash list does not know (or most of one) is still a finding, by its shape
    assert [f.split(': ')[1] for f in scan('X-Auth-Token: %s\n' % TOKEN[:100])] == ['token']
    # its first characters alone (as a log shows a token it abridges) are not a token
    assert scan('X-Auth-Token: %s...\n' % TOKEN[:20]) == []


def test_the_command_line_exits_1_with_the_places_and_the_figures(tmp_path, capsys):
    clouds = tmp_path / 'clouds.yaml'
    clouds.write_text(yaml.safe_dump(CLOUDS))
    logs = tmp_path / 'logs'
    logs.mkdir()
    (logs / 'clean.log').write_text(CLEAN_LOG)
    (logs / 'leaky.log').write_text('one\ntwo\n<testhost> EXEC OS_PASSWORD=%s python3\n' % PASSWORD)
    assert secret_scan.main(['--secrets-from', str(clouds), str(logs)]) == 1
    out = capsys.readouterr().out
    assert 'LEAK %s:3: secret #' % (logs / 'leaky.log') in out
    assert PASSWORD not in out
    assert 'secret scan: 2 files, ' in out and '2 secrets looked for' in out and ', 1 found' in out


def test_the_command_line_exits_0_for_clean_files(tmp_path, capsys):
    clouds = tmp_path / 'clouds.yaml'
    clouds.write_text(yaml.safe_dump(CLOUDS))
    (tmp_path / 'clean.log').write_text(CLEAN_LOG)
    assert secret_scan.main(['--secrets-from', str(clouds), str(tmp_path / 'clean.log')]) == 0
    assert ', 0 found' in capsys.readouterr().out


def test_a_scan_with_nothing_to_look_for_is_refused(tmp_path):
    empty = tmp_path / 'empty.yaml'
    empty.write_text('clouds: {}\n')
    with pytest.raises(SystemExit):
        secret_scan.main(['--secrets-from', str(empty), str(empty)])


def test_a_target_without_module_arguments_fails_the_verbosity_proof(tmp_path, capsys):
    clouds = tmp_path / 'clouds.yaml'
    clouds.write_text(yaml.safe_dump(CLOUDS))
    output = tmp_path / 'output.log'
    output.write_text('Running loud integration test role\n' + CLEAN_LOG
                      + 'Running quiet integration test role\nTASK [x] ***\nok: [testhost]\n'
                      + 'Running own_files integration test script\nlocalhost : ok=3\n')
    assert secret_scan.main(['--secrets-from', str(clouds), '--invocations-in', str(output), str(output)]) == 1
    out = capsys.readouterr().out
    assert '1 module invocations with their arguments shown in the output of 3 targets' in out
    assert 'no module arguments (not run at -vvvv?): quiet' in out
