# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""`make integration` prints the seconds per target from Ansible's log (tests/tools/target_times.py):
a target's time runs from its first log line to its last, lines without a stamp belong to the
target before, and a line naming another target's config starts that target."""

from __future__ import annotations

import importlib.util
import os

HERE = os.path.dirname(os.path.abspath(__file__))
SPEC = importlib.util.spec_from_file_location('target_times', os.path.join(HERE, '..', 'tools', 'target_times.py'))
target_times = importlib.util.module_from_spec(SPEC)
SPEC.loader.exec_module(target_times)

CFG = 'Using /c/tests/output/.tmp/integration/%s-a7z9wxws-\u00c5\u00d1/tests/integration/integration.cfg as config file'


def test_each_target_spans_its_own_lines():
    log = [
        '2026-12-06 02:44:56,088 p=1 u=root n=ansible INFO| ' + CFG % 'snapshot',
        '  a continuation line without a stamp',
        '2026-12-06 02:45:06,588 p=1 u=root n=ansible INFO| TASK [x]',
        '2026-12-06 02:45:07,000 p=2 u=root n=ansible INFO| ' + (CFG % 'strict_selectors').replace('a7z9wxws', '_ttmxnwe'),
        '2026-12-06 02:46:07,250 p=2 u=root n=ansible INFO| PLAY RECAP',
    ]
    assert target_times.target_seconds(log) == {'snapshot': 10.5, 'strict_selectors': 60.25}


def test_lines_before_any_target_are_not_counted(capsys, tmp_path):
    log = tmp_path / 'ansible.log'
    log.write_text('2026-12-06 02:00:00,000 p=1 u=root n=ansible INFO| no target yet\n'
                   '2026-12-06 02:44:56,000 p=1 u=root n=ansible INFO| ' + CFG % 'disk' + '\n'
                   '2026-12-06 02:44:59,000 p=1 u=root n=ansible INFO| done\n', encoding='utf-8')
    target_times.main(['target_times.py', str(log)])
    assert capsys.readouterr().out.splitlines() == [
        'integration: seconds per target (slowest 1 of 1, 3 s in all):', '       3  disk']


def test_the_logs_of_all_shards_are_read_and_written_as_json(capsys, tmp_path):
    logs = []
    for shard, (target, stamps) in enumerate([('disk', ('02:44:56', '02:45:01')), ('vault', ('02:44:57', '02:45:09'))]):
        log = tmp_path / ('ansible-%d.log' % shard)
        log.write_text(''.join('2026-12-06 %s,000 p=1 u=root n=ansible INFO| %s\n' % (stamp, CFG % target) for stamp in stamps),
                       encoding='utf-8')
        logs.append(str(log))
    target_times.main(['target_times.py', '--top', '1', '--json', str(tmp_path / 'times.json')] + logs)
    assert capsys.readouterr().out.splitlines() == [
        'integration: seconds per target (slowest 1 of 2, 17 s in all):', '      12  vault']
    assert (tmp_path / 'times.json').read_text() == '{\n "disk": 5,\n "vault": 12\n}\n'
